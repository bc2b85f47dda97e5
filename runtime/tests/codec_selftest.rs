//! The codec self-test (`abi::selftest`) and the random value generator behind it
//! (`values::arbitrary`): protocols with every field kind, handles and recursive types pass;
//! broken descriptors (a wrong compiler fingerprint, a type without finite values, a grain
//! reference without grains) fail cleanly with a reason; runs are deterministic; generated
//! values cover the edge cases; and the `janus_rt_codec_selftest` export exits with the status.

mod common;
mod values_util;

use std::collections::HashSet;

use janus_runtime::abi::desc::build::{self as b, Ty};
use janus_runtime::abi::desc::{TypeDesc, kind};
use janus_runtime::abi::selftest::{check_protocol, codec_selftest, same};
use janus_runtime::values::arbitrary::{Arbitrary, Rng};
use janus_runtime::values::fingerprint::compute_fingerprint;
use janus_runtime::values::handles::actor_ref_from_wire;
use janus_runtime::values::heap::{self, Heap};
use janus_runtime::values::obj::{self as o, Value};
use janus_runtime::values::{eq, map, to_text};
use values_util::*;

/// `message Everything`: one variant per group of field kinds, handles included.
fn everything() -> Ty {
    let t = types();
    let m = b::declare();
    let account = b::grain_type("Account", &[b::string()]);
    let chat = b::grain_type("Chat", &[b::string(), b::i64()]);
    let grains = b::grain_ref(m, &[account, chat]);
    let pair = b::tuple(&[b::i32(), b::optional(b::string())]);
    b::define_enum(
        m,
        "Everything",
        &[
            ("Ping", &[]),
            (
                "Scalars",
                &[
                    ("a", b::i64()),
                    ("b", b::i32()),
                    ("c", b::u64()),
                    ("d", b::f64()),
                    ("e", b::bool()),
                    ("f", b::void()),
                    ("g", b::duration()),
                    ("h", b::instant()),
                ],
            ),
            (
                "Texts",
                &[
                    ("s", b::string()),
                    ("raw", b::bytes()),
                    ("node", b::node_id()),
                ],
            ),
            (
                "Collections",
                &[
                    ("xs", b::list(b::i64())),
                    ("m", b::map(b::string(), b::list(b::f64()))),
                    ("flags", b::set(b::bool())),
                    ("units", b::set(b::void())),
                    ("points", b::set(t.point)),
                    ("maybe", b::optional(b::i64())),
                    ("nested", b::optional(b::optional(b::i64()))),
                    ("pair", pair),
                ],
            ),
            (
                "Records",
                &[("at", t.point), ("shape", t.shape), ("recs", t.records)],
            ),
            (
                "Handles",
                &[
                    ("who", b::actor_ref(m)),
                    ("reply", b::reply(b::i64())),
                    ("maybe_reply", b::optional(b::reply(t.shape))),
                    ("grain", grains),
                    ("refs", b::map(b::actor_ref(m), b::list(grains))),
                ],
            ),
        ],
    );
    m
}

/// `enum Expr { Num(i64), Add(Expr, Expr), Neg(Expr), All([Expr]), Let(Binding) }` with
/// `struct Binding { name: String, value: Expr, body: ?Expr }`: recursion directly, through a
/// list, an optional and a struct.
fn expr() -> Ty {
    let e = b::declare();
    let binding = b::strukt(
        "Binding",
        &[
            ("name", b::string()),
            ("value", e),
            ("body", b::optional(e)),
        ],
    );
    b::define_enum(
        e,
        "Expr",
        &[
            ("Add", &[("l", e), ("r", e)]),
            ("Neg", &[("x", e)]),
            ("All", &[("xs", b::list(e))]),
            ("Let", &[("b", binding)]),
            ("Num", &[("n", b::i64())]),
        ],
    );
    e
}

/// A message whose only base case is reached through a struct: `E { A(F), B(String, String) }`,
/// `F { e: E }` — the variant with fewer pointer fields (A) recurses, so termination must come
/// from the computed heights, not from counting fields.
fn tricky() -> Ty {
    let e = b::declare();
    let f = b::strukt("F", &[("e", e)]);
    b::define_enum(
        e,
        "Tricky",
        &[
            ("A", &[("f", f)]),
            ("B", &[("x", b::string()), ("y", b::string())]),
        ],
    );
    e
}

fn run(descs: &[Ty], rounds: u32) -> (i32, String) {
    let ds: Vec<&'static TypeDesc> = descs.iter().map(|d| d.get()).collect();
    let mut out = Vec::new();
    let code = codec_selftest(&ds, rounds, &mut out);
    (code, String::from_utf8(out).expect("UTF-8 report"))
}

/// A copy of `d` (a non-recursive descriptor) carrying `fp` as the compiler's fingerprint.
fn with_fingerprint(d: Ty, fp: u64) -> &'static TypeDesc {
    let d = d.get();
    Box::leak(Box::new(TypeDesc {
        kind: d.kind,
        flags: d.flags,
        name: d.name,
        fields: d.fields,
        n_fields: d.n_fields,
        variants: d.variants,
        n_variants: d.n_variants,
        elem: d.elem,
        value: d.value,
        grains: d.grains,
        n_grains: d.n_grains,
        fingerprint: fp,
    }))
}

#[test]
fn protocols_with_every_field_kind_pass() {
    let before = heap::current();
    let (code, out) = run(&[everything(), expr(), tricky()], 200);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    for (line, name) in lines.iter().zip(["Everything", "Expr", "Tricky"]) {
        assert!(
            line.starts_with(&format!("codec {name} fingerprint=0x")),
            "{line}"
        );
        assert!(line.contains(" values=200 bytes="), "{line}");
        assert!(line.ends_with(" ok"), "{line}");
        let hex = &line[line.find("=0x").unwrap() + 3..][..16];
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
        let bytes: usize = line
            .split(" bytes=")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a byte count");
        assert!(
            bytes >= 200 * 9,
            "every frame has 8 fingerprint bytes and a tag: {line}"
        );
    }
    assert_eq!(lines[3], "codec self-test: 3 protocols ok");
    assert_eq!(
        heap::current(),
        before,
        "the caller's current heap is restored"
    );
}

#[test]
fn runs_are_deterministic() {
    let a = run(&[everything(), expr()], 50);
    let b = run(&[everything(), expr()], 50);
    assert_eq!(a, b);
    assert_eq!(a.0, 0, "{}", a.1);
}

#[test]
fn a_wrong_compiler_fingerprint_fails_and_the_right_one_passes() {
    let t = types();
    let msg = b::enumm(
        "CounterMsg",
        &[
            ("Add", &[("n", b::i64())]),
            ("Get", &[("reply", b::reply(b::i64()))]),
            ("Stop", &[]),
        ],
    );
    let fp = compute_fingerprint(&msg);
    let good = with_fingerprint(msg, fp);
    let bad = with_fingerprint(msg, fp ^ 1);
    let mut out = Vec::new();
    let code = codec_selftest(&[good, bad, t.shape.get()], 20, &mut out);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "codec CounterMsg fingerprint=0x{fp:016x} values=20 bytes={} ok",
            {
                let r = check_protocol(good, 20).unwrap();
                r.bytes
            }
        )
    );
    assert!(
        lines[1].starts_with("codec CounterMsg fingerprint="),
        "{out}"
    );
    assert!(
        lines[1].contains(" FAILED: the compiler's fingerprint"),
        "{out}"
    );
    assert!(
        lines[1].contains(&format!("runtime's 0x{fp:016x}")),
        "{out}"
    );
    assert!(
        lines[1].contains("enum CounterMsg{"),
        "the canonical form helps: {out}"
    );
    assert!(
        lines[2].starts_with("codec Shape ") && lines[2].ends_with(" ok"),
        "{out}"
    );
    assert_eq!(lines[3], "codec self-test: 1 of 3 protocols FAILED");
}

#[test]
fn types_without_values_fail_cleanly() {
    let looping = b::declare();
    b::define_enum(looping, "Loop", &[("Again", &[("next", looping)])]);
    let empty = b::enumm("Never", &[]);
    let node = b::declare();
    b::define_struct(node, "Node", &[("next", node)]);
    let m = b::declare();
    let no_grains = b::grain_ref(m, &[]);
    b::define_enum(m, "Orphan", &[("To", &[("g", no_grains)])]);
    let (code, out) = run(&[looping, empty, node, m, expr()], 10);
    assert_eq!(code, 1, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("codec Loop ")
            && lines[0].contains("FAILED: cannot generate values of `Loop`"),
        "{out}"
    );
    assert!(lines[0].contains("without a base case"), "{out}");
    assert!(
        lines[1].contains("FAILED") && lines[1].contains("no variants"),
        "{out}"
    );
    assert!(
        lines[2].contains("FAILED") && lines[2].contains("`Node`"),
        "{out}"
    );
    assert!(
        lines[3].contains("codec Orphan ") && lines[3].contains("FAILED"),
        "{out}"
    );
    assert!(
        lines[4].starts_with("codec Expr ") && lines[4].ends_with(" ok"),
        "{out}"
    );
    assert_eq!(lines[5], "codec self-test: 4 of 5 protocols FAILED");
}

#[test]
fn zero_protocols_and_zero_rounds() {
    assert_eq!(
        run(&[], 10),
        (0, "codec self-test: 0 protocols ok\n".to_string())
    );
    let (code, out) = run(&[expr()], 0);
    assert_eq!(code, 0);
    assert!(out.contains(" values=0 bytes=0 ok"), "{out}");
}

// ---------------------------------------------------------------- the generator

fn draw(d: Ty, seed: u64, n: usize, h: &Heap) -> Vec<Value> {
    let mut g = Arbitrary::new(d.get(), seed).expect("a generator");
    (0..n).map(|_| g.value(h).expect("a value")).collect()
}

#[test]
fn scalars_cover_their_edge_values_and_never_nan() {
    let h = Heap::new();
    let ints: HashSet<i64> = draw(b::i64(), 1, 2000, &h)
        .into_iter()
        .map(|v| v as i64)
        .collect();
    for x in [0, -1, 1, i64::MIN, i64::MAX] {
        assert!(ints.contains(&x), "{x} never drawn");
    }
    assert!(ints.len() > 500, "varied: {}", ints.len());
    let i32s: Vec<i64> = draw(b::i32(), 2, 2000, &h)
        .into_iter()
        .map(|v| v as i64)
        .collect();
    assert!(
        i32s.iter().all(|&x| i32::try_from(x).is_ok()),
        "i32 slots are sign-extended i32s"
    );
    assert!(i32s.contains(&(i32::MIN as i64)) && i32s.contains(&-1));
    let floats: Vec<f64> = draw(b::f64(), 3, 2000, &h)
        .into_iter()
        .map(f64::from_bits)
        .collect();
    assert!(floats.iter().all(|x| !x.is_nan()));
    assert!(floats.contains(&f64::MAX) && floats.iter().any(|x| x.is_sign_negative() && *x == 0.0));
    let bools: HashSet<u64> = draw(b::bool(), 4, 100, &h).into_iter().collect();
    assert_eq!(bools, HashSet::from([0, 1]));
    let texts: Vec<String> = draw(b::string(), 5, 500, &h)
        .into_iter()
        .map(|v| unsafe { o::str_text(v) }.to_string())
        .collect();
    assert!(texts.iter().any(|t| t.is_empty()));
    assert!(texts.iter().any(|t| !t.is_ascii()));
    assert!(texts.iter().any(|t| t.chars().count() > 3 && t.is_ascii()));
}

#[test]
fn collections_hold_up_to_four_unique_keys() {
    let h = Heap::new();
    let md = b::map(b::string(), b::i64());
    let mut sizes = HashSet::new();
    for v in draw(md, 6, 300, &h) {
        let n = unsafe { map::len(v) };
        assert!(n <= 4);
        sizes.insert(n);
    }
    assert_eq!(sizes, HashSet::from([0, 1, 2, 3, 4]));
    // Only two distinct keys exist: a set of bools never repeats one.
    for v in draw(b::set(b::bool()), 7, 300, &h) {
        assert!(unsafe { map::len(v) } <= 2);
    }
    let opt = b::optional(b::optional(b::i64()));
    let vs = draw(opt, 8, 300, &h);
    assert!(vs.contains(&0), "nulls appear");
    assert!(vs.iter().any(|&v| v != 0), "present values appear");
}

#[test]
fn recursive_types_terminate_vary_and_stay_shallow() {
    let h = Heap::new();
    let e = expr();
    let vs = draw(e, 9, 500, &h);
    let mut tags = HashSet::new();
    let mut deepest = 0;
    for &v in &vs {
        tags.insert(unsafe { (*(v as *const o::EnumObj)).tag });
        deepest = deepest.max(to_text(v, &e).matches('{').count());
    }
    assert_eq!(tags.len(), 5, "every variant is drawn at the top: {tags:?}");
    assert!(deepest >= 3, "values nest");
    assert!(deepest < 200, "values stay bounded: {deepest}");
    // The base case only reachable through a struct is found.
    for v in draw(tricky(), 10, 300, &h) {
        assert!(!to_text(v, &tricky()).is_empty());
    }
}

#[test]
fn the_same_seed_gives_the_same_values() {
    let h = Heap::new();
    let e = everything();
    let a = draw(e, 42, 50, &h);
    let b2 = draw(e, 42, 50, &h);
    let c = draw(e, 43, 50, &h);
    assert!(a.iter().zip(&b2).all(|(x, y)| same(*x, *y, &e)));
    assert!(a.iter().zip(&c).any(|(x, y)| !same(*x, *y, &e)));
}

#[test]
fn same_is_stricter_than_equality() {
    let h = Heap::new();
    let ar = b::actor_ref(b::i64());
    let x = actor_ref_from_wire(&h, ar.get(), 1, 7, "Counter");
    let y = actor_ref_from_wire(&h, ar.get(), 1, 7, "Other");
    assert!(eq(x, y, &ar) && !same(x, y, &ar), "the name counts");
    let fd = b::f64();
    assert!(
        eq(f(0.0), f(-0.0), &fd) && !same(f(0.0), f(-0.0), &fd),
        "bits count"
    );
    let sd = b::set(b::i64());
    let p = set_of(&h, sd, &[i(1), i(2)]);
    let q = set_of(&h, sd, &[i(2), i(1)]);
    assert!(eq(p, q, &sd) && !same(p, q, &sd), "insertion order counts");
    let t = types();
    let r1 = sample_records(&h, &t, 3);
    let r2 = sample_records(&h, &t, 3);
    assert!(same(r1, r2, &t.records));
    let r3 = sample_records(&h, &t, 2);
    assert!(!same(r1, r3, &t.records));
}

#[test]
fn rng_is_splitmix64() {
    // The first outputs of SplitMix64 seeded with 0 (reference implementation).
    let mut r = Rng::new(0);
    assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
    assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    assert!((0..1000).all(|_| r.below(5) < 5));
    assert_eq!(r.below(0), 0);
}

#[test]
fn kind_constants_used_by_the_generator_match_the_abi() {
    // The generator treats kinds <= INSTANT as scalars: keep that assumption pinned.
    assert_eq!(kind::INSTANT, 7);
    assert!(TypeDesc::simple(kind::INSTANT).is_scalar());
    assert!(!TypeDesc::simple(kind::STRING).is_scalar());
}

// ---------------------------------------------------------------- the export (a child process)

/// Not a test by itself: runs the export when the parent test starts this binary with
/// `JANUS_SELFTEST_CHILD` set (`good` or `bad`). Exits the process.
#[test]
fn child_runs_the_export() {
    let Ok(which) = std::env::var("JANUS_SELFTEST_CHILD") else {
        return;
    };
    let mut descs: Vec<*const TypeDesc> = vec![everything().ptr(), expr().ptr()];
    if which == "bad" {
        let looping = b::declare();
        b::define_enum(looping, "Loop", &[("Again", &[("next", looping)])]);
        descs.push(looping.ptr());
    }
    // SAFETY: valid descriptor pointers.
    unsafe {
        janus_runtime::abi::selftest::janus_rt_codec_selftest(descs.as_ptr(), descs.len(), 30)
    };
    unreachable!("janus_rt_codec_selftest returned");
}

fn run_child(which: &str) -> (Option<i32>, String) {
    let out = common::run_test_in_child("child_runs_the_export", "JANUS_SELFTEST_CHILD", which);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_export_prints_and_exits_with_the_status() {
    let (code, out) = run_child("good");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("codec Everything fingerprint=0x"), "{out}");
    assert!(out.contains(" values=30 bytes="), "{out}");
    assert!(out.contains("codec self-test: 2 protocols ok\n"), "{out}");
    let (code, out) = run_child("bad");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("codec Loop fingerprint=0x"), "{out}");
    assert!(
        out.contains("codec self-test: 1 of 3 protocols FAILED\n"),
        "{out}"
    );
}

#[test]
fn a_value_the_decoder_reads_differently_fails_the_round_trip() {
    // Two grain types with the same name (a compiler bug): the decoder resolves the name to the
    // first, so a reference to the second comes back different.
    let m = b::declare();
    let first = b::grain_type("Account", &[b::string()]);
    let second = b::grain_type("Account", &[b::string()]);
    b::define_enum(
        m,
        "Bank",
        &[("Open", &[("acct", b::grain_ref(m, &[first, second]))])],
    );
    let (code, out) = run(&[m], 50);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("codec Bank fingerprint="), "{out}");
    assert!(out.contains("FAILED: value "), "{out}");
    assert!(
        out.contains("changed in a round trip: sent Bank.Open"),
        "{out}"
    );
}
