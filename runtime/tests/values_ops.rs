//! Equality, ordering and hashing by descriptor; insertion-ordered maps and sets.

mod values_util;

use std::cmp::Ordering;

use janus_runtime::abi::desc::build as b;
use janus_runtime::values::heap::Heap;
use janus_runtime::values::{compare, eq, hash, map, to_text};
use values_util::*;

#[test]
fn scalar_equality_and_order() {
    let d = b::i64();
    assert!(eq(i(-3), i(-3), &d));
    assert_eq!(compare(i(-3), i(2), &d), Some(Ordering::Less));
    let u = b::u64();
    assert_eq!(compare(u64::MAX, 1, &u), Some(Ordering::Greater));
    let fl = b::f64();
    assert!(!eq(f(f64::NAN), f(f64::NAN), &fl), "NaN != NaN");
    assert!(eq(f(0.0), f(-0.0), &fl));
    assert_eq!(hash(f(0.0), &fl), hash(f(-0.0), &fl));
    assert_eq!(compare(f(f64::NAN), f(1.0), &fl), None);
    assert_eq!(compare(f(1.5), f(2.0), &fl), Some(Ordering::Less));
    let dur = b::duration();
    assert_eq!(compare(i(-5), i(5), &dur), Some(Ordering::Less));
}

#[test]
fn strings_bytes_and_tuples_order_lexicographically() {
    let h = Heap::new();
    let st = b::string();
    let (a, bb, ab) = (s(&h, "a"), s(&h, "b"), s(&h, "ab"));
    assert_eq!(compare(a, bb, &st), Some(Ordering::Less));
    assert_eq!(compare(ab, a, &st), Some(Ordering::Greater));
    let (e, z) = (s(&h, "é"), s(&h, "z"));
    assert_eq!(compare(z, e, &st), Some(Ordering::Less), "code point order");
    let tup = b::tuple(&[b::i64(), b::string()]);
    let t1 = strukt(&h, tup, &[i(1), s(&h, "x")]);
    let t2 = strukt(&h, tup, &[i(1), s(&h, "y")]);
    let t3 = strukt(&h, tup, &[i(0), s(&h, "z")]);
    assert_eq!(compare(t1, t2, &tup), Some(Ordering::Less));
    assert_eq!(compare(t3, t1, &tup), Some(Ordering::Less));
    assert!(!eq(t1, t2, &tup));
    let t1b = strukt(&h, tup, &[i(1), s(&h, "x")]);
    assert!(eq(t1, t1b, &tup));
    assert_eq!(hash(t1, &tup), hash(t1b, &tup));
    let by = b::bytes();
    let (x, y) = (bytes(&h, by, &[0, 255]), bytes(&h, by, &[1]));
    assert_eq!(compare(x, y, &by), Some(Ordering::Less));
}

#[test]
fn structural_equality_of_nested_values() {
    let t = types();
    let h = Heap::new();
    let a = sample_records(&h, &t, 5);
    let c = sample_records(&h, &t, 5);
    let d = sample_records(&h, &t, 4);
    assert!(eq(a, c, &t.records));
    assert!(!eq(a, d, &t.records));
    assert_eq!(hash(a, &t.records), hash(c, &t.records));
    let circle = variant(&h, t.shape, 0, &[f(1.0)]);
    let circle2 = variant(&h, t.shape, 0, &[f(2.0)]);
    let dot = variant(&h, t.shape, 2, &[]);
    assert!(!eq(circle, circle2, &t.shape));
    assert!(!eq(circle, dot, &t.shape));
    assert_eq!(
        compare(circle, dot, &t.shape),
        Some(Ordering::Less),
        "tag order"
    );
}

#[test]
fn maps_compare_as_maps_whatever_their_order() {
    let h = Heap::new();
    let md = b::map(b::string(), b::i64());
    let m1 = map_of(&h, md, &[(s(&h, "a"), 1), (s(&h, "b"), 2)]);
    let m2 = map_of(&h, md, &[(s(&h, "b"), 2), (s(&h, "a"), 1)]);
    let m3 = map_of(&h, md, &[(s(&h, "b"), 3), (s(&h, "a"), 1)]);
    assert!(eq(m1, m2, &md));
    assert_eq!(hash(m1, &md), hash(m2, &md));
    assert!(!eq(m1, m3, &md));
    assert_eq!(to_text(m1, &md), r#"{"a": 1, "b": 2}"#);
    assert_eq!(to_text(m2, &md), r#"{"b": 2, "a": 1}"#);
}

#[test]
fn hashes_distinguish_usual_keys() {
    let h = Heap::new();
    let st = b::string();
    let mut seen = std::collections::HashSet::new();
    for k in 0..10_000 {
        let v = s(&h, &format!("key{k}"));
        assert!(seen.insert(hash(v, &st)), "collision at {k}");
    }
    let d = b::i64();
    let hs: std::collections::HashSet<u64> =
        (0..10_000i64).map(|k| hash(i(k), &d) & 0xffff).collect();
    assert!(hs.len() > 8_000, "low bits spread: {}", hs.len());
}

#[test]
fn map_insert_get_remove_keep_insertion_order() {
    let h = Heap::new();
    let md = b::map(b::i64(), b::string());
    let m = map_of(&h, md, &[]);
    for k in 0..1000i64 {
        assert!(unsafe { map::insert(m, i(k), s(&h, &k.to_string())) }.is_none());
    }
    assert_eq!(unsafe { map::len(m) }, 1000);
    // Replace returns the old value.
    let old = unsafe { map::insert(m, i(7), s(&h, "seven")) }.expect("present");
    assert_eq!(to_text(old, &b::string()), "7");
    release(old, b::string());
    // Remove the even keys: order of the rest is kept.
    for k in (0..1000i64).step_by(2) {
        let (kk, v) = unsafe { map::remove(m, i(k)) }.expect("present");
        assert_eq!(kk, i(k));
        release(v, b::string());
    }
    assert!(unsafe { map::remove(m, i(0)) }.is_none());
    assert_eq!(unsafe { map::len(m) }, 500);
    let mut keys = Vec::new();
    unsafe { map::for_each_entry(m, |k, _| keys.push(k as i64)) };
    assert_eq!(keys, (1..1000).step_by(2).collect::<Vec<_>>());
    assert_eq!(
        unsafe { map::get(m, i(7)) }.map(|v| to_text(v, &b::string())),
        Some("seven".into())
    );
    assert!(unsafe { map::get(m, i(8)) }.is_none());
    // Re-inserting after removals compacts tombstones and keeps order (new keys at the end).
    for k in 1000..3000i64 {
        assert!(unsafe { map::insert(m, i(k), s(&h, "n")) }.is_none());
    }
    let mut keys = Vec::new();
    unsafe { map::for_each_entry(m, |k, _| keys.push(k as i64)) };
    let mut want: Vec<i64> = (1..1000).step_by(2).collect();
    want.extend(1000..3000);
    assert_eq!(keys, want);
    for k in 0..3000i64 {
        assert_eq!(
            unsafe { map::find(m, i(k)) }.is_some(),
            k >= 1000 || k % 2 == 1,
            "key {k}"
        );
    }
    // Remove everything, then reuse.
    for k in keys {
        let (_, v) = unsafe { map::remove(m, i(k)) }.expect("present");
        release(v, b::string());
    }
    assert_eq!(unsafe { map::len(m) }, 0);
    assert!(unsafe { map::insert(m, i(5), s(&h, "again")) }.is_none());
    assert_eq!(to_text(m, &md), r#"{5: "again"}"#);
    release(m, md);
    assert!(h.is_empty());
}

#[test]
fn sets_with_struct_keys() {
    let t = types();
    let h = Heap::new();
    let sd = b::set(t.point);
    let st = set_of(&h, sd, &[]);
    for k in 0..100i64 {
        let p = strukt(&h, t.point, &[i(k % 10), i(k / 10)]);
        assert!(unsafe { map::insert(st, p, 0) }.is_none());
    }
    let dup = strukt(&h, t.point, &[i(3), i(4)]);
    assert!(
        unsafe { map::insert(st, dup, 0) }.is_some(),
        "already present"
    );
    assert_eq!(unsafe { map::len(st) }, 100);
    let probe = strukt(&h, t.point, &[i(9), i(9)]);
    assert!(unsafe { map::find(st, probe) }.is_some());
    let (k, _) = unsafe { map::remove(st, probe) }.expect("present");
    release(k, t.point);
    assert!(unsafe { map::find(st, probe) }.is_none());
    release(probe, t.point);
    unsafe { map::clear(st) };
    assert_eq!(unsafe { map::len(st) }, 0);
    release(st, sd);
    assert!(h.is_empty());
}

#[test]
fn optional_and_handle_equality() {
    let h = Heap::new();
    let oi = b::optional(b::i64());
    let a = some(&h, oi, i(0));
    assert!(!eq(a, 0, &oi), "Some(0) != null");
    assert!(eq(0, 0, &oi));
    let a2 = some(&h, oi, i(0));
    assert!(eq(a, a2, &oi));
    let ooi = b::optional(oi);
    let some_null = some(&h, ooi, 0);
    assert!(
        !eq(some_null, 0, &ooi),
        "??T keeps Some(null) apart from null"
    );
    assert_eq!(to_text(some_null, &ooi), "null");
    let ar = b::actor_ref(b::i64());
    let r1 = janus_runtime::values::handles::actor_ref_from_wire(&h, ar.get(), 1, 17, "Counter");
    let r2 = janus_runtime::values::handles::actor_ref_from_wire(&h, ar.get(), 1, 17, "Counter");
    let r3 = janus_runtime::values::handles::actor_ref_from_wire(&h, ar.get(), 1, 18, "Counter");
    assert!(eq(r1, r2, &ar));
    assert!(!eq(r1, r3, &ar));
    assert_eq!(hash(r1, &ar), hash(r2, &ar));
}
