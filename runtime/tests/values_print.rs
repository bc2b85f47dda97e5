//! Printing, exactly as dialect §10 "Printing" says.

mod values_util;

use janus_runtime::abi::desc::build as b;
use janus_runtime::values::handles::{actor_ref_from_wire, new_grain_ref, set_node_name};
use janus_runtime::values::heap::Heap;
use janus_runtime::values::print::{format_duration, format_f64};
use janus_runtime::values::to_text;
use values_util::*;

#[test]
fn integers_and_booleans() {
    assert_eq!(to_text(i(-42), &b::i64()), "-42");
    assert_eq!(to_text(i(i64::MIN), &b::i64()), "-9223372036854775808");
    assert_eq!(to_text(i(-7), &b::i32()), "-7");
    assert_eq!(to_text(u64::MAX, &b::u64()), "18446744073709551615");
    assert_eq!(to_text(1, &b::bool()), "true");
    assert_eq!(to_text(0, &b::bool()), "false");
    assert_eq!(to_text(0, &b::void()), "void");
}

#[test]
fn floats_shortest_round_trip_with_a_dot_or_an_exponent() {
    let cases: &[(f64, &str)] = &[
        (3.0, "3.0"),
        (0.1, "0.1"),
        (1e16, "1e16"),
        (2.5e-8, "2.5e-8"),
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (1e-7, "1e-7"),
        (0.0001, "0.0001"),
        (0.00001, "1e-5"),
        (1e15, "1000000000000000.0"),
        (123456789012345680.0, "1.2345678901234568e17"),
        (1.5, "1.5"),
        (-2.75, "-2.75"),
        (f64::MAX, "1.7976931348623157e308"),
        (5e-324, "5e-324"),
        (0.1 + 0.2, "0.30000000000000004"),
    ];
    for &(x, want) in cases {
        assert_eq!(format_f64(x), want, "{x:e}");
        assert_eq!(to_text(f(x), &b::f64()), want);
        if !x.is_nan() {
            let back: f64 = want.parse().expect("reads back");
            assert_eq!(back.to_bits(), x.to_bits(), "{want} reads back");
        }
    }
}

#[test]
fn durations_in_their_largest_exact_unit() {
    let ms = 1_000_000i64;
    let cases: &[(i64, &str)] = &[
        (250 * ms, "250ms"),
        (90_000 * ms, "90s"),
        (120_000 * ms, "2m"),
        (3_600_000 * ms, "1h"),
        (5_400_000 * ms, "90m"),
        (1_500_000, "1500us"),
        (1_500, "1500ns"),
        (1, "1ns"),
        (0, "0s"),
        (-250 * ms, "-250ms"),
        (i64::MIN, "-9223372036854775808ns"),
        (7_200_000 * ms, "2h"),
    ];
    for &(ns, want) in cases {
        assert_eq!(format_duration(ns), want);
        assert_eq!(to_text(ns as u64, &b::duration()), want);
    }
    assert_eq!(to_text(1_500_000_000, &b::instant()), "Instant(1500ms)");
}

#[test]
fn strings_raw_at_top_level_and_quoted_inside() {
    let h = Heap::new();
    let st = b::string();
    let v = s(&h, "say \"hi\"\n\tto C:\\ {x} \u{1}é");
    assert_eq!(to_text(v, &st), "say \"hi\"\n\tto C:\\ {x} \u{1}é");
    let l = list(&h, b::list(st), &[v, s(&h, "")]);
    assert_eq!(
        to_text(l, &b::list(st)),
        r#"["say \"hi\"\n\tto C:\\ {x} \u{1}é", ""]"#
    );
    let by = b::bytes();
    assert_eq!(
        to_text(bytes(&h, by, b"ab\x00\xff\""), &by),
        r#"b"ab\x00\xff\"""#
    );
}

#[test]
fn collections_tuples_and_optionals() {
    let h = Heap::new();
    let li = b::list(b::i64());
    assert_eq!(to_text(list(&h, li, &[i(1), i(2)]), &li), "[1, 2]");
    assert_eq!(to_text(list(&h, li, &[]), &li), "[]");
    let tup = b::tuple(&[b::i64(), b::string()]);
    assert_eq!(
        to_text(strukt(&h, tup, &[i(7), s(&h, "seven")]), &tup),
        r#"(7, "seven")"#
    );
    let md = b::map(b::string(), b::i64());
    assert_eq!(
        to_text(map_of(&h, md, &[(s(&h, "ada"), i(36))]), &md),
        r#"{"ada": 36}"#
    );
    assert_eq!(to_text(map_of(&h, md, &[]), &md), "{}");
    let sd = b::set(b::i64());
    assert_eq!(to_text(set_of(&h, sd, &[i(1), i(2)]), &sd), "{1, 2}");
    let os = b::optional(b::string());
    assert_eq!(to_text(0, &os), "null");
    assert_eq!(to_text(some(&h, os, s(&h, "x")), &os), "x");
    let lo = b::list(os);
    assert_eq!(
        to_text(list(&h, lo, &[0, s(&h, "x")]), &lo),
        r#"[null, "x"]"#
    );
    let oi = b::optional(b::f64());
    assert_eq!(to_text(some(&h, oi, f(2.0)), &oi), "2.0");
}

#[test]
fn structs_and_variants() {
    let t = types();
    let h = Heap::new();
    let p = strukt(&h, t.point, &[i(1), i(2)]);
    assert_eq!(to_text(p, &t.point), "Point { x: 1, y: 2 }");
    let c = variant(&h, t.shape, 0, &[f(1.0)]);
    assert_eq!(to_text(c, &t.shape), "Shape.Circle { radius: 1.0 }");
    let r = variant(&h, t.shape, 1, &[f(2.0), f(0.5)]);
    assert_eq!(to_text(r, &t.shape), "Shape.Rect { w: 2.0, h: 0.5 }");
    let d = variant(&h, t.shape, 2, &[]);
    assert_eq!(to_text(d, &t.shape), "Shape.Dot");
    let e = variant(&h, t.math_error, 0, &[]);
    assert_eq!(to_text(e, &t.math_error), "MathError.BadLuck");
    let o = variant(&h, t.math_error, 1, &[i(3)]);
    assert_eq!(to_text(o, &t.math_error), "MathError.Overflow { at: 3 }");
    let named = b::strukt(
        "User",
        &[("name", b::string()), ("tags", b::list(b::string()))],
    );
    let u = strukt(
        &h,
        named,
        &[s(&h, "ada"), list(&h, b::list(b::string()), &[s(&h, "x")])],
    );
    assert_eq!(to_text(u, &named), r#"User { name: "ada", tags: ["x"] }"#);
    let recs = sample_records(&h, &t, 1);
    assert_eq!(
        to_text(recs, &t.records),
        r#"[Record { name: "rec0", at: Point { x: 0, y: 0 }, tags: {"c": Shape.Circle { radius: 0.5 }, "none": null, "d": Shape.Dot}, maybe: {"r": Shape.Rect { w: 2.0, h: 3.0 }} }]"#
    );
}

#[test]
fn references() {
    let h = Heap::new();
    set_node_name(1, "n1");
    let ar = b::actor_ref(b::i64());
    let r = actor_ref_from_wire(&h, ar.get(), 1, 17, "Counter");
    assert_eq!(to_text(r, &ar), "<Counter#17@n1>");
    let local = actor_ref_from_wire(&h, ar.get(), 0, 3, "Log");
    assert_eq!(to_text(local, &ar), "<Log#3@local>");
    let account = b::grain_type("Account", &[b::string()]);
    let chat = b::grain_type("Chat", &[b::string(), b::i64()]);
    let gr = b::grain_ref(b::i64(), &[account, chat]);
    let id = strukt(&h, b::tuple(&[b::string()]), &[s(&h, "alice")]);
    let g = new_grain_ref(&h, gr.get(), account, id);
    assert_eq!(to_text(g, &gr), r#"<Account("alice")>"#);
    let id2 = unsafe {
        let v = janus_runtime::values::obj::new_struct(&h, chat.identity(), 2);
        *janus_runtime::values::obj::struct_slots(v) = s(&h, "lobby");
        *janus_runtime::values::obj::struct_slots(v).add(1) = 3;
        v
    };
    let g2 = new_grain_ref(&h, gr.get(), chat, id2);
    assert_eq!(to_text(g2, &gr), r#"<Chat("lobby", 3)>"#);
    let rp = b::reply(b::i64());
    let reply = janus_runtime::values::handles::reply_from_wire(&h, rp.get(), 0, 5);
    assert_eq!(to_text(reply, &rp), "<Reply>");
}
