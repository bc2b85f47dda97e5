//! Cost figures of the value model (not a correctness test; ignored by default). Run with
//! `cargo test --release -p janus-runtime --test values_bench -- --ignored --nocapture`.

mod values_util;

use std::hint::black_box;
use std::time::Instant;

use janus_runtime::abi::desc::build as b;
use janus_runtime::values::heap::Heap;
use janus_runtime::values::obj::{self, Value};
use janus_runtime::values::{MessageBox, decode, deep_copy, encode, map, rc};
use values_util::*;

fn per_op(label: &str, n: u64, f: impl FnOnce()) {
    let t = Instant::now();
    f();
    let ns = t.elapsed().as_nanos() as f64 / n as f64;
    println!("{label}: {ns:.1} ns/op");
}

#[test]
#[ignore]
fn value_costs() {
    let t = types();
    let h = Heap::new();
    const N: u64 = 5_000_000;
    per_op("alloc+free Point (2 slots)", N, || {
        for k in 0..N {
            let p = obj::new_struct(&h, t.point.get(), 2);
            unsafe { *obj::struct_slots(p) = k };
            rc::release(black_box(p), t.point.get());
        }
    });
    per_op("alloc+free 16-byte String", N, || {
        for _ in 0..N {
            let s = obj::new_string(&h, "0123456789abcdef");
            rc::release(black_box(s), t.string.get());
        }
    });
    per_op(
        "alloc 1M Points then free_all (per object)",
        1_000_000,
        || {
            for _ in 0..1_000_000 {
                black_box(obj::new_struct(&h, t.point.get(), 2));
            }
            h.free_all();
        },
    );
    per_op("retain+release", N, || {
        let p = obj::new_struct(&h, t.point.get(), 2);
        for _ in 0..N {
            rc::retain(black_box(p), t.point.get());
            rc::release(black_box(p), t.point.get());
        }
        rc::release(p, t.point.get());
    });

    // Deep copy: nested records, and a flat list of integers.
    let src = Heap::new();
    let recs = sample_records(&src, &t, 1000);
    let objs = src.object_count();
    let mut enc = Vec::new();
    encode(recs, &t.records, &mut enc).unwrap();
    let rounds = 50;
    let start = Instant::now();
    for _ in 0..rounds {
        let m = MessageBox::copy_of(recs, t.records.get());
        black_box(m.root);
    }
    let el = start.elapsed().as_secs_f64();
    println!(
        "deep copy of 1000 records ({objs} objects, {} bytes encoded) + free: {:.1} ns/object, {:.0} MB/s of encoded size",
        enc.len(),
        el * 1e9 / (rounds as f64 * objs as f64),
        rounds as f64 * enc.len() as f64 / el / 1e6
    );
    let li = b::list(b::i64());
    let ints = list(
        &src,
        li,
        &(0..1_000_000).map(|k| k as Value).collect::<Vec<_>>(),
    );
    let start = Instant::now();
    for _ in 0..20 {
        let dst = Heap::new();
        black_box(deep_copy(ints, &li, &dst));
    }
    let el = start.elapsed().as_secs_f64();
    println!(
        "deep copy of a 1M-element [i64]: {:.0} MB/s",
        20.0 * 8e6 / el / 1e6
    );

    // Codec.
    let start = Instant::now();
    let mut out = Vec::new();
    for _ in 0..rounds {
        out.clear();
        encode(recs, &t.records, &mut out).unwrap();
    }
    let el = start.elapsed().as_secs_f64();
    println!(
        "encode records: {:.0} MB/s",
        rounds as f64 * out.len() as f64 / el / 1e6
    );
    let start = Instant::now();
    for _ in 0..rounds {
        let (hp, v) = decode(&out, t.records.get()).unwrap();
        black_box(v);
        drop(hp);
    }
    let el = start.elapsed().as_secs_f64();
    println!(
        "decode records (+ free): {:.0} MB/s",
        rounds as f64 * out.len() as f64 / el / 1e6
    );
    let mut ienc = Vec::new();
    encode(ints, &li, &mut ienc).unwrap();
    let start = Instant::now();
    for _ in 0..20 {
        ienc.clear();
        encode(ints, &li, &mut ienc).unwrap();
    }
    let e1 = start.elapsed().as_secs_f64();
    let start = Instant::now();
    for _ in 0..20 {
        black_box(decode(&ienc, li.get()).unwrap());
    }
    let e2 = start.elapsed().as_secs_f64();
    println!(
        "[i64] of 1M (varints, {} bytes): encode {:.0} MB/s, decode {:.0} MB/s",
        ienc.len(),
        20.0 * ienc.len() as f64 / e1 / 1e6,
        20.0 * ienc.len() as f64 / e2 / 1e6
    );

    // Maps.
    let md = b::map(b::i64(), b::i64());
    let m = obj::new_map(&h, md.get());
    const M: u64 = 1_000_000;
    per_op("map insert (i64 keys, growing to 1M)", M, || {
        for k in 0..M {
            unsafe { map::insert(m, k, k) };
        }
    });
    per_op("map get (hit, 1M entries)", M, || {
        for k in 0..M {
            black_box(unsafe { map::get(m, k.wrapping_mul(0x9E37_79B9) % M) });
        }
    });
    let sd = b::map(b::string(), b::i64());
    let sm = obj::new_map(&h, sd.get());
    let keys: Vec<Value> = (0..100_000)
        .map(|k| obj::new_string(&h, &format!("user-{k}")))
        .collect();
    per_op("map insert (String keys, 100k)", 100_000, || {
        for &k in &keys {
            rc::retain(k, t.string.get());
            unsafe { map::insert(sm, k, 1) };
        }
    });
    per_op("map get (String keys, hit)", 100_000, || {
        for &k in &keys {
            black_box(unsafe { map::get(sm, k) });
        }
    });
}
