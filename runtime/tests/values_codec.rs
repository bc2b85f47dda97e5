//! The wire codec: round trips of every kind of value, frames and fingerprints, and decoder
//! robustness (random bytes, every truncation, bit flips: an error, never a panic).

mod values_util;

use janus_runtime::abi::desc::build::{self as b, Ty};
use janus_runtime::values::codec::{DecodeError, MAX_DEPTH};
use janus_runtime::values::handles::{actor_ref_from_wire, new_grain_ref, reply_from_wire};
use janus_runtime::values::heap::Heap;
use janus_runtime::values::obj::Value;
use janus_runtime::values::{
    canonical_form, decode, decode_frame, encode, encode_frame, eq, fingerprint, to_text,
};
use values_util::*;

fn round_trip(v: Value, d: Ty) -> Vec<u8> {
    let mut out = Vec::new();
    encode(v, &d, &mut out).expect("encodes");
    let (heap, back) = decode(&out, d.get()).expect("decodes");
    assert!(
        eq(v, back, &d) || to_text(v, &d) == to_text(back, &d),
        "{} vs {}",
        to_text(v, &d),
        to_text(back, &d)
    );
    assert_eq!(to_text(v, &d), to_text(back, &d));
    let mut again = Vec::new();
    encode(back, &d, &mut again).expect("re-encodes");
    assert_eq!(out, again, "encoding is deterministic");
    drop(heap);
    out
}

#[test]
fn scalars_use_postcard_forms() {
    assert_eq!(round_trip(i(0), b::i64()), [0]);
    assert_eq!(round_trip(i(-1), b::i64()), [1]);
    assert_eq!(round_trip(i(1), b::i64()), [2]);
    assert_eq!(round_trip(i(-65), b::i64()), [0x81, 0x01]);
    assert_eq!(round_trip(i(i64::MIN), b::i64()).len(), 10);
    assert_eq!(round_trip(i(i64::MAX), b::i64()).len(), 10);
    assert_eq!(round_trip(300, b::u64()), [0xac, 0x02]);
    assert_eq!(round_trip(u64::MAX, b::u64()).len(), 10);
    assert_eq!(round_trip(i(-5), b::i32()), [9]);
    assert_eq!(round_trip(f(1.5), b::f64()), 1.5f64.to_le_bytes());
    assert_eq!(round_trip(1, b::bool()), [1]);
    assert_eq!(round_trip(0, b::void()), [] as [u8; 0]);
    assert_eq!(round_trip(i(-250_000_000), b::duration()).len(), 5);
    round_trip(i(123), b::instant());
    let nan = f(f64::NAN);
    let mut out = Vec::new();
    encode(nan, &b::f64(), &mut out).unwrap();
    let (_, back) = decode(&out, b::f64().get()).unwrap();
    assert_eq!(back, nan, "NaN bits survive");
}

#[test]
fn every_pointer_kind_round_trips() {
    let h = Heap::new();
    let t = types();
    assert_eq!(round_trip(s(&h, "héllo"), b::string()), b"\x06h\xc3\xa9llo");
    round_trip(bytes(&h, b::bytes(), &[0, 1, 255]), b::bytes());
    round_trip(obj_node(&h), b::node_id());
    let li = b::list(b::i64());
    assert_eq!(round_trip(list(&h, li, &[i(1), i(-1)]), li), [2, 2, 1]);
    let md = b::map(b::string(), b::i64());
    round_trip(
        map_of(&h, md, &[(s(&h, "b"), i(2)), (s(&h, "a"), i(1))]),
        md,
    );
    let sd = b::set(t.point);
    round_trip(
        set_of(
            &h,
            sd,
            &[
                strukt(&h, t.point, &[i(1), i(2)]),
                strukt(&h, t.point, &[i(3), i(4)]),
            ],
        ),
        sd,
    );
    let oi = b::optional(b::i64());
    assert_eq!(round_trip(0, oi), [0]);
    assert_eq!(round_trip(some(&h, oi, i(3)), oi), [1, 6]);
    let ooi = b::optional(oi);
    assert_eq!(round_trip(some(&h, ooi, 0), ooi), [1, 0]);
    let tup = b::tuple(&[b::i64(), b::string()]);
    round_trip(strukt(&h, tup, &[i(7), s(&h, "seven")]), tup);
    assert_eq!(round_trip(variant(&h, t.shape, 2, &[]), t.shape), [2]);
    round_trip(variant(&h, t.shape, 1, &[f(1.0), f(2.0)]), t.shape);
    round_trip(sample_records(&h, &t, 10), t.records);
    let ar = b::actor_ref(t.shape);
    round_trip(actor_ref_from_wire(&h, ar.get(), 2, 17, "Counter"), ar);
    let rp = b::reply(b::i64());
    round_trip(reply_from_wire(&h, rp.get(), 1, 99), rp);
    let account = b::grain_type("Account", &[b::string()]);
    let gr = b::grain_ref(b::i64(), &[account]);
    let id = strukt(&h, b::tuple(&[b::string()]), &[s(&h, "alice")]);
    round_trip(new_grain_ref(&h, gr.get(), account, id), gr);
}

fn obj_node(h: &Heap) -> Value {
    janus_runtime::values::obj::new_str(h, b::node_id().get(), b"n1")
}

fn int_list() -> Ty {
    let il = b::declare();
    b::define_enum(
        il,
        "IntList",
        &[("Nil", &[]), ("Cons", &[("head", b::i64()), ("tail", il)])],
    );
    il
}

fn build_int_list(h: &Heap, il: Ty, n: i64) -> Value {
    let mut v = variant(h, il, 0, &[]);
    for k in (0..n).rev() {
        v = variant(h, il, 1, &[i(k), v]);
    }
    v
}

#[test]
fn recursive_types_round_trip_up_to_the_depth_limit() {
    let h = Heap::new();
    let il = int_list();
    let v = build_int_list(&h, il, 300);
    round_trip(v, il);
    let short = build_int_list(&h, il, 2);
    assert_eq!(
        to_text(short, &il),
        "IntList.Cons { head: 0, tail: IntList.Cons { head: 1, tail: IntList.Nil } }"
    );
    let too_deep = build_int_list(&h, il, MAX_DEPTH as i64 + 5);
    let mut out = Vec::new();
    assert!(encode(too_deep, &il, &mut out).is_err());
    // A crafted over-deep frame is refused by the decoder too.
    let mut crafted = Vec::new();
    for _ in 0..MAX_DEPTH + 5 {
        crafted.extend_from_slice(&[1, 0]);
    }
    crafted.push(0);
    assert_eq!(decode(&crafted, il.get()).err(), Some(DecodeError::TooDeep));
}

fn counter_msg(amount_name: &str, get_ty: Ty) -> Ty {
    b::enumm(
        "CounterMsg",
        &[
            ("Increment", &[]),
            ("Add", &[(amount_name, b::i64())]),
            ("Get", &[("reply", b::reply(get_ty))]),
            ("Stop", &[]),
        ],
    )
}

#[test]
fn canonical_form_and_fingerprint_are_stable() {
    let m = counter_msg("amount", b::i64());
    assert_eq!(
        canonical_form(&m),
        "enum CounterMsg{Increment;Add{amount:i64};Get{reply:Reply[i64]};Stop}"
    );
    // Fixed value: FNV-1a 64 of the text above. The compiler must produce the same number.
    assert_eq!(
        fingerprint(&m),
        0x820b_57c8_59b0_09dc_u64,
        "{:016x}",
        fingerprint(&m)
    );
    let again = counter_msg("amount", b::i64());
    assert_eq!(
        fingerprint(&m),
        fingerprint(&again),
        "same description, same fingerprint"
    );
    let il = int_list();
    assert_eq!(
        canonical_form(&il),
        "enum IntList{Nil;Cons{head:i64;tail:@0}}"
    );
    let t = types();
    assert_eq!(
        canonical_form(&t.records),
        "[struct Record{name:String;at:struct Point{x:i64;y:i64};tags:Map[String,?enum Shape{Circle{radius:f64};Rect{w:f64;h:f64};Dot}];maybe:?Map[String,?@2]}]"
    );
    let account = b::grain_type("Account", &[b::string()]);
    let chat = b::grain_type("Chat", &[b::string(), b::i64()]);
    let gr = b::grain_ref(m, &[chat, account]);
    let wrapper = b::strukt(
        "W",
        &[
            ("g", gr),
            ("a", b::actor_ref(m)),
            ("s", b::set(b::u64())),
            ("d", b::duration()),
        ],
    );
    assert_eq!(
        canonical_form(&wrapper),
        "struct W{g:GrainRef[enum CounterMsg{Increment;Add{amount:i64};Get{reply:Reply[i64]};Stop}]<Account(String);Chat(String,i64)>;a:ActorRef[@1];s:Set[u64];d:Duration}"
    );
}

#[test]
fn fingerprint_changes_with_any_structural_change() {
    let base = fingerprint(&counter_msg("amount", b::i64()));
    assert_ne!(
        base,
        fingerprint(&counter_msg("amt", b::i64())),
        "renamed field"
    );
    assert_ne!(
        base,
        fingerprint(&counter_msg("amount", b::i32())),
        "changed reply type"
    );
    let renamed_variant = b::enumm(
        "CounterMsg",
        &[
            ("Inc", &[]),
            ("Add", &[("amount", b::i64())]),
            ("Get", &[("reply", b::reply(b::i64()))]),
            ("Stop", &[]),
        ],
    );
    assert_ne!(base, fingerprint(&renamed_variant));
    let reordered = b::enumm(
        "CounterMsg",
        &[
            ("Add", &[("amount", b::i64())]),
            ("Increment", &[]),
            ("Get", &[("reply", b::reply(b::i64()))]),
            ("Stop", &[]),
        ],
    );
    assert_ne!(
        base,
        fingerprint(&reordered),
        "variant order is the wire tag"
    );
    let renamed_type = b::enumm(
        "CounterMsg2",
        &[
            ("Increment", &[]),
            ("Add", &[("amount", b::i64())]),
            ("Get", &[("reply", b::reply(b::i64()))]),
            ("Stop", &[]),
        ],
    );
    assert_ne!(base, fingerprint(&renamed_type));
    let p1 = b::strukt("P", &[("x", b::i64())]);
    let p2 = b::strukt("P", &[("x", b::optional(b::i64()))]);
    assert_ne!(
        fingerprint(&b::list(p1)),
        fingerprint(&b::list(p2)),
        "nested field type"
    );
    // The compiler's precomputed value wins when present.
    let mut pre = janus_runtime::abi::desc::TypeDesc::simple(janus_runtime::abi::desc::kind::ENUM);
    pre.fingerprint = 42;
    assert_eq!(fingerprint(&pre), 42);
}

#[test]
fn frames_carry_the_fingerprint_and_refuse_other_protocols() {
    let h = Heap::new();
    let m = counter_msg("amount", b::i64());
    let fp = fingerprint(&m);
    let v = variant(&h, m, 1, &[i(5)]);
    let frame = encode_frame(fp, v, &m).unwrap();
    assert_eq!(&frame[..8], &fp.to_le_bytes());
    assert_eq!(&frame[8..], &[1, 10]);
    let msg = decode_frame(&frame, m.get(), fp).expect("same protocol");
    assert_eq!(to_text(msg.root, &m), "CounterMsg.Add { amount: 5 }");
    let other = counter_msg("amt", b::i64());
    let err = decode_frame(&frame, other.get(), fingerprint(&other))
        .err()
        .expect("refused");
    let text = err.to_string();
    assert!(
        text.contains(&format!("{fp:016x}"))
            && text.contains(&format!("{:016x}", fingerprint(&other))),
        "{text}"
    );
    assert!(text.contains("protocol mismatch"), "{text}");
    assert_eq!(
        decode_frame(&frame[..5], m.get(), fp).err(),
        Some(DecodeError::Truncated)
    );
}

#[test]
fn malformed_inputs_are_errors() {
    let t = types();
    let st = b::string();
    assert!(
        matches!(
            decode(&[2, 0xff, 0xfe], st.get()),
            Err(DecodeError::Malformed(_))
        ),
        "bad UTF-8"
    );
    assert!(matches!(
        decode(&[2], b::bool().get()),
        Err(DecodeError::Malformed(_))
    ));
    assert!(
        matches!(decode(&[7], t.shape.get()), Err(DecodeError::Malformed(_))),
        "bad tag"
    );
    assert!(matches!(
        decode(&[2, 0], b::optional(b::i64()).get()),
        Err(DecodeError::Malformed(_))
    ));
    assert_eq!(
        decode(&[2, 0], b::i64().get()).err(),
        Some(DecodeError::Trailing(1))
    );
    assert!(matches!(
        decode(&[0xff; 11], b::u64().get()),
        Err(DecodeError::Malformed(_))
    ));
    assert!(
        matches!(
            decode(&[0x80, 0x80, 0x80, 0x80, 0x10], b::i32().get()),
            Err(DecodeError::Malformed(_))
        ),
        "i32 range"
    );
    // Huge claimed lengths fail without allocating them.
    assert_eq!(
        decode(&[0xff, 0xff, 0xff, 0xff, 0x0f], b::list(b::void()).get()).err(),
        Some(DecodeError::TooLarge)
    );
    assert_eq!(
        decode(&[0xff, 0xff, 0xff, 0xff, 0x0f, 1], st.get()).err(),
        Some(DecodeError::Truncated)
    );
    let md = b::map(b::i64(), b::i64());
    assert!(
        matches!(
            decode(&[2, 2, 0, 2, 0], md.get()),
            Err(DecodeError::Malformed(_))
        ),
        "duplicate key"
    );
    // A list of voids is bounded by the budget, not by the input length alone.
    let (hp, v) = decode(&[100], b::list(b::void()).get()).expect("small zero-size lists are fine");
    assert_eq!(to_text(v, &b::list(b::void())).matches("void").count(), 100);
    drop(hp);
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn descriptors() -> Vec<Ty> {
    let t = types();
    let m = counter_msg("amount", b::i64());
    vec![
        t.records,
        int_list(),
        m,
        b::map(b::string(), b::list(b::optional(b::f64()))),
        b::set(b::tuple(&[b::i32(), b::bytes()])),
        b::actor_ref(m),
        b::list(b::void()),
        b::tuple(&[b::bool(), b::duration(), b::reply(b::i64())]),
    ]
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let ds = descriptors();
    let mut ok = 0;
    for round in 0..20_000 {
        let len = (rng.next() % 64) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let d = ds[round % ds.len()];
        if let Ok((_h, v)) = decode(&bytes, d.get()) {
            ok += 1;
            let mut out = Vec::new();
            encode(v, &d, &mut out).expect("a decoded value encodes");
            let _ = to_text(v, &d);
        }
    }
    assert!(ok > 0, "some random inputs are valid values");
}

#[test]
fn every_truncation_and_bit_flip_of_valid_frames_is_handled() {
    let h = Heap::new();
    let t = types();
    let il = int_list();
    let values: Vec<(Value, Ty)> = vec![
        (sample_records(&h, &t, 3), t.records),
        (build_int_list(&h, il, 20), il),
        (
            map_of(
                &h,
                b::map(b::string(), b::i64()),
                &[(s(&h, "a"), i(1)), (s(&h, "bb"), i(-300))],
            ),
            b::map(b::string(), b::i64()),
        ),
    ];
    let mut rng = Rng(12345);
    for (v, d) in values {
        let fp = fingerprint(&d);
        let frame = encode_frame(fp, v, &d).unwrap();
        for cut in 0..frame.len() {
            assert!(
                decode_frame(&frame[..cut], d.get(), fp).is_err(),
                "truncation at {cut} must fail"
            );
        }
        assert!(decode_frame(&frame, d.get(), fp).is_ok());
        for _ in 0..2000 {
            let mut f2 = frame.clone();
            let k = 8 + (rng.next() as usize) % (frame.len() - 8);
            f2[k] ^= 1 << (rng.next() % 8);
            if let Ok(m) = decode_frame(&f2, d.get(), fp) {
                let _ = to_text(m.root, &d);
            }
        }
    }
}
