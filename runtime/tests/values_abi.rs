//! The `extern "C"` value functions, called as compiled code would call them.

mod values_util;

use janus_runtime::abi::collections::*;
use janus_runtime::abi::desc::build as b;
use janus_runtime::abi::exports::*;
use janus_runtime::values::heap::{self, Heap};
use janus_runtime::values::obj::{Value, new_string, str_text};
use janus_runtime::{Config, Runtime, silent_reporter};
use values_util::*;

fn text(v: Value) -> String {
    unsafe { str_text(v) }.to_string()
}

/// Runs `f` with `h` as the current heap.
fn with_heap<R>(h: &Heap, f: impl FnOnce() -> R) -> R {
    let old = unsafe { heap::set_current(h) };
    let r = f();
    unsafe { heap::set_current(old) };
    r
}

#[test]
fn abi_version_symbol() {
    assert_eq!(janus_runtime::abi::janus_rt_abi_v1, 1);
    assert_eq!(janus_runtime::abi::ABI_VERSION, 1);
}

#[test]
fn strings_and_interpolation() {
    unsafe {
        let h = Heap::new();
        with_heap(&h, || {
            let a = janus_rt_string_new("hello, ".as_ptr(), 7);
            let w = janus_rt_string_new("world".as_ptr(), 5);
            let c = janus_rt_string_concat(a, w);
            assert_eq!(text(c), "hello, world");
            assert_eq!(text(janus_rt_i64_to_string(-12)), "-12");
            assert_eq!(
                text(janus_rt_u64_to_string(u64::MAX)),
                "18446744073709551615"
            );
            assert_eq!(text(janus_rt_f64_to_string(1e16)), "1e16");
            let t = types();
            let p = strukt(&h, t.point, &[i(1), i(2)]);
            assert_eq!(
                text(janus_rt_to_string(p, t.point.ptr())),
                "Point { x: 1, y: 2 }"
            );
            // $"{name} is at {p}, n = {n + 1}"
            let sb = janus_rt_sb_new();
            janus_rt_sb_push_value(sb, w, b::string().ptr());
            janus_rt_sb_push_str(sb, " is at ".as_ptr(), 7);
            janus_rt_sb_push_value(sb, p, t.point.ptr());
            janus_rt_sb_push_str(sb, ", n = ".as_ptr(), 6);
            janus_rt_sb_push_value(sb, 42, b::i64().ptr());
            let s = janus_rt_sb_finish(sb);
            assert_eq!(text(s), "world is at Point { x: 1, y: 2 }, n = 42");
            for v in [a, w, c, s] {
                janus_rt_release(v, b::string().ptr());
            }
            janus_rt_release(p, t.point.ptr());
        });
        // Every temporary of the to_string calls above is still in the heap (not released): free.
        h.free_all();
        assert!(h.is_empty());
    }
}

#[test]
fn lists_push_get_set_len_with_copy_on_write() {
    unsafe {
        let h = Heap::new();
        let ld = b::list(b::string());
        with_heap(&h, || {
            let mut xs = janus_rt_list_new(ld.ptr(), 0);
            for k in 0..10 {
                janus_rt_list_push(&mut xs, janus_rt_i64_to_string(k));
            }
            assert_eq!(janus_rt_list_len(xs), 10);
            assert_eq!(text(janus_rt_list_get(xs, 3, 0)), "3");
            // let ys = xs (shared), then xs[0] = "zero": ys keeps its value.
            janus_rt_retain(xs, ld.ptr());
            let ys = xs;
            janus_rt_list_set(&mut xs, 0, new_string(&h, "zero"), 0);
            assert_ne!(xs, ys);
            assert_eq!(text(janus_rt_list_get(xs, 0, 0)), "zero");
            assert_eq!(text(janus_rt_list_get(ys, 0, 0)), "0");
            assert_eq!(janus_rt_eq(xs, ys, ld.ptr()), 0);
            janus_rt_release(xs, ld.ptr());
            janus_rt_release(ys, ld.ptr());
        });
        assert!(h.is_empty());
    }
}

#[test]
fn out_of_bounds_crashes_the_actor_with_a_clear_reason() {
    unsafe {
        let rt = Runtime::new(Config {
            workers: 1,
            crash_reporter: silent_reporter(),
            ..Config::default()
        });
        let err = rt
            .block_on(|| {
                let ld = b::list(b::i64());
                let loc = janus_rt_string_new("main.jan:3:9".as_ptr(), 12);
                let mut xs = janus_rt_list_new(ld.ptr(), 0);
                janus_rt_list_push(&mut xs, 1);
                janus_rt_list_get(xs, 5, loc)
            })
            .expect_err("must crash");
        assert_eq!(err.reason, "index 5 out of bounds for a list of length 1");
        assert_eq!(err.location, "main.jan:3:9");
        let err = rt
            .block_on(|| {
                let ld = b::list(b::i64());
                let mut xs = janus_rt_list_new(ld.ptr(), 0);
                janus_rt_list_set(&mut xs, -1, 7, 0);
            })
            .expect_err("must crash");
        assert_eq!(err.reason, "index -1 out of bounds for a list of length 0");
        assert_eq!(err.location, "<unknown>");
        // The runtime is still fine afterwards.
        assert_eq!(rt.block_on(|| 7).ok(), Some(7));
    }
}

#[test]
fn maps_and_sets() {
    unsafe {
        let h = Heap::new();
        let md = b::map(b::string(), b::i64());
        let ov = b::optional(b::i64());
        let sd = b::set(b::i64());
        with_heap(&h, || {
            let mut m = janus_rt_map_new(md.ptr());
            assert_eq!(
                janus_rt_map_insert(&mut m, new_string(&h, "ada"), 36, ov.ptr()),
                0
            );
            assert_eq!(
                janus_rt_map_insert(&mut m, new_string(&h, "bob"), 41, ov.ptr()),
                0
            );
            let old = janus_rt_map_insert(&mut m, new_string(&h, "ada"), 37, ov.ptr());
            assert_eq!(janus_runtime::values::to_text(old, &ov), "36");
            janus_rt_release(old, ov.ptr());
            let k = new_string(&h, "ada");
            let got = janus_rt_map_get(m, k, ov.ptr());
            assert_eq!(janus_runtime::values::to_text(got, &ov), "37");
            janus_rt_release(got, ov.ptr());
            assert_eq!(janus_rt_map_contains(m, k), 1);
            assert_eq!(janus_rt_map_len(m), 2);
            let gone = janus_rt_map_remove(&mut m, k, ov.ptr());
            assert_eq!(janus_runtime::values::to_text(gone, &ov), "37");
            janus_rt_release(gone, ov.ptr());
            assert_eq!(janus_rt_map_contains(m, k), 0);
            assert_eq!(janus_rt_map_get(m, k, ov.ptr()), 0);
            assert_eq!(janus_runtime::values::to_text(m, &md), r#"{"bob": 41}"#);
            janus_rt_release(k, b::string().ptr());
            janus_rt_release(m, md.ptr());

            let mut s = janus_rt_map_new(sd.ptr());
            assert_eq!(janus_rt_set_insert(&mut s, 3), 1);
            assert_eq!(janus_rt_set_insert(&mut s, 3), 0);
            assert_eq!(janus_rt_set_insert(&mut s, 1), 1);
            assert_eq!(janus_rt_map_len(s), 2);
            assert_eq!(janus_runtime::values::to_text(s, &sd), "{3, 1}");
            assert_eq!(janus_rt_set_remove(&mut s, 3), 1);
            assert_eq!(janus_rt_set_remove(&mut s, 3), 0);
            janus_rt_release(s, sd.ptr());
        });
        assert!(h.is_empty());
    }
}

#[test]
fn equality_order_and_hash() {
    unsafe {
        let h = Heap::new();
        let st = b::string();
        let (a, a2, z) = (
            new_string(&h, "a"),
            new_string(&h, "a"),
            new_string(&h, "z"),
        );
        assert_eq!(janus_rt_eq(a, a2, st.ptr()), 1);
        assert_eq!(janus_rt_compare(a, z, st.ptr()), -1);
        assert_eq!(janus_rt_compare(z, a, st.ptr()), 1);
        assert_eq!(janus_rt_compare(a, a2, st.ptr()), 0);
        assert_eq!(janus_rt_compare(f64::NAN.to_bits(), 0, b::f64().ptr()), 2);
        assert_eq!(janus_rt_hash(a, st.ptr()), janus_rt_hash(a2, st.ptr()));
    }
}

#[test]
fn printing_functions_write_whole_lines() {
    unsafe {
        let h = Heap::new();
        let t = types();
        let p = strukt(&h, t.point, &[i(1), i(2)]);
        janus_rt_print(p, t.point.ptr());
        janus_rt_println_empty();
        janus_rt_println(p, t.point.ptr());
        janus_rt_eprintln(p, t.point.ptr());
    }
}

#[test]
fn more_list_methods() {
    let h = Heap::new();
    let ld = b::list(b::i64());
    let oi = b::optional(b::i64());
    let show = |v: Value| janus_runtime::values::to_text(v, &ld);
    with_heap(&h, || unsafe {
        let mut xs = janus_rt_list_new(ld.ptr(), 0);
        for k in [5, 3, 9, 1] {
            janus_rt_list_push(&mut xs, k);
        }
        janus_rt_list_insert(&mut xs, 0, 7, 0);
        janus_rt_list_insert(&mut xs, 5, 8, 0);
        assert_eq!(show(xs), "[7, 5, 3, 9, 1, 8]");
        assert_eq!(janus_rt_list_remove(&mut xs, 1, 0), 5);
        assert_eq!(show(xs), "[7, 3, 9, 1, 8]");
        assert_eq!(janus_rt_list_contains(xs, 9), 1);
        assert_eq!(janus_rt_list_contains(xs, 5), 0);
        // let ys = xs; xs.sort(): ys unchanged.
        janus_rt_retain(xs, ld.ptr());
        let ys = xs;
        janus_rt_list_sort(&mut xs);
        assert_eq!(show(xs), "[1, 3, 7, 8, 9]");
        assert_eq!(show(ys), "[7, 3, 9, 1, 8]");
        janus_rt_list_reverse(&mut xs);
        assert_eq!(show(xs), "[9, 8, 7, 3, 1]");
        let sl = janus_rt_list_slice(xs, 1, 3, 0);
        assert_eq!(show(sl), "[8, 7]");
        let cat = janus_rt_list_concat(sl, ys);
        assert_eq!(show(cat), "[8, 7, 7, 3, 9, 1, 8]");
        let p = janus_rt_list_pop(&mut xs, oi.ptr());
        assert_eq!(janus_runtime::values::to_text(p, &oi), "1");
        janus_rt_release(p, oi.ptr());
        janus_rt_list_clear(&mut xs);
        assert_eq!(show(xs), "[]");
        assert_eq!(
            janus_rt_list_pop(&mut xs, oi.ptr()),
            0,
            "pop of an empty list is null"
        );
        for v in [xs, ys, sl, cat] {
            janus_rt_release(v, ld.ptr());
        }
        // Keys, values, to_list, clear.
        let md = b::map(b::string(), b::i64());
        let ov = b::optional(b::i64());
        let mut m = janus_rt_map_new(md.ptr());
        janus_rt_map_insert(&mut m, new_string(&h, "b"), 2, ov.ptr());
        janus_rt_map_insert(&mut m, new_string(&h, "a"), 1, ov.ptr());
        let ks = janus_rt_map_keys(m, b::list(b::string()).ptr());
        assert_eq!(
            janus_runtime::values::to_text(ks, &b::list(b::string())),
            r#"["b", "a"]"#
        );
        let vs = janus_rt_map_values(m, ld.ptr());
        assert_eq!(show(vs), "[2, 1]");
        janus_rt_map_clear(&mut m);
        assert_eq!(janus_rt_map_len(m), 0);
        janus_rt_release(ks, b::list(b::string()).ptr());
        janus_rt_release(vs, ld.ptr());
        janus_rt_release(m, md.ptr());
    });
    assert!(h.is_empty(), "{} objects left", h.object_count());
}

#[test]
fn list_method_failures_crash_with_reasons() {
    let rt = Runtime::new(Config {
        workers: 1,
        crash_reporter: silent_reporter(),
        ..Config::default()
    });
    let reason = |f: fn()| rt.block_on(f).expect_err("must crash").reason;
    assert_eq!(
        reason(|| unsafe {
            let mut xs = janus_rt_list_new(b::list(b::i64()).ptr(), 0);
            janus_rt_list_insert(&mut xs, 2, 1, 0);
        }),
        "insert position 2 out of bounds for a list of length 0"
    );
    assert_eq!(
        reason(|| unsafe {
            let xs = janus_rt_list_new(b::list(b::i64()).ptr(), 0);
            janus_rt_list_slice(xs, 1, 0, 0);
        }),
        "slice 1..<0 out of bounds for a list of length 0"
    );
    assert_eq!(
        reason(|| unsafe {
            janus_runtime::abi::text::janus_rt_i64_to_i32(3_000_000_000, 0);
        }),
        "value 3000000000 out of range for i32"
    );
    assert_eq!(
        reason(|| unsafe {
            janus_runtime::abi::text::janus_rt_f64_to_i64(f64::NAN, 0);
        }),
        "value NaN out of range for i64"
    );
}

#[test]
fn string_methods_and_conversions() {
    use janus_runtime::abi::text::*;
    let h = Heap::new();
    let ls = b::list(b::string());
    with_heap(&h, || unsafe {
        let s = new_string(&h, "  Hello, Wörld  ");
        let t = janus_rt_string_trim(s);
        assert_eq!(text(t), "Hello, Wörld");
        assert_eq!(janus_rt_string_len(t), 13);
        assert_eq!(text(janus_rt_string_to_upper(t)), "HELLO, WÖRLD");
        assert_eq!(text(janus_rt_string_to_lower(t)), "hello, wörld");
        let comma = new_string(&h, ",");
        assert_eq!(janus_rt_string_contains(t, comma), 1);
        assert_eq!(janus_rt_string_starts_with(t, new_string(&h, "Hell")), 1);
        assert_eq!(janus_rt_string_ends_with(t, new_string(&h, "x")), 0);
        let parts = janus_rt_string_split(new_string(&h, "a,,b,"), comma, ls.ptr());
        assert_eq!(
            janus_runtime::values::to_text(parts, &ls),
            r#"["a", "", "b", ""]"#
        );
        let cs = janus_rt_string_chars(new_string(&h, "wö"), ls.ptr());
        assert_eq!(janus_runtime::values::to_text(cs, &ls), r#"["w", "ö"]"#);
        let by = janus_rt_string_to_bytes(new_string(&h, "hi"));
        assert_eq!(janus_runtime::values::to_text(by, &b::bytes()), r#"b"hi""#);
        assert_eq!(janus_rt_i64_to_i32(-5, 0), -5);
        assert_eq!(janus_rt_i64_to_u64(5, 0), 5);
        assert_eq!(janus_rt_u64_to_i64(5, 0), 5);
        assert_eq!(janus_rt_u64_to_i32(5, 0), 5);
        assert_eq!(janus_rt_f64_to_i64(-2.9, 0), -2);
        assert_eq!(janus_rt_f64_to_i32(2.9, 0), 2);
        assert_eq!(janus_rt_f64_to_u64(1e19, 0), 10_000_000_000_000_000_000);
    });
    h.free_all();
}
