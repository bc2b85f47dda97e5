//! Helpers shared by the `values_*` tests: building values of the runtime's value model from Rust.
#![allow(dead_code)]

use janus_runtime::abi::desc::build::{self as b, Ty};
use janus_runtime::values::heap::Heap;
use janus_runtime::values::obj::{self, Value};
use janus_runtime::values::{map, rc};

pub fn s(h: &Heap, text: &str) -> Value {
    obj::new_string(h, text)
}

pub fn bytes(h: &Heap, d: Ty, b: &[u8]) -> Value {
    obj::new_str(h, d.get(), b)
}

/// A list taking over `items`.
pub fn list(h: &Heap, d: Ty, items: &[Value]) -> Value {
    let l = obj::new_list(h, d.get(), 0);
    for &x in items {
        unsafe { obj::list_push(l, x) };
    }
    l
}

/// A struct or tuple taking over `slots`.
pub fn strukt(h: &Heap, d: Ty, slots: &[Value]) -> Value {
    let v = obj::new_struct(h, d.get(), slots.len());
    for (i, &x) in slots.iter().enumerate() {
        unsafe { *obj::struct_slots(v).add(i) = x };
    }
    v
}

/// An enum value taking over `slots`.
pub fn variant(h: &Heap, d: Ty, tag: usize, slots: &[Value]) -> Value {
    let v = obj::new_enum(h, d.get(), tag);
    for (i, &x) in slots.iter().enumerate() {
        unsafe { *obj::enum_slots(v).add(i) = x };
    }
    v
}

/// A map taking over `entries`.
pub fn map_of(h: &Heap, d: Ty, entries: &[(Value, Value)]) -> Value {
    let m = obj::new_map(h, d.get());
    for &(k, v) in entries {
        assert!(unsafe { map::insert(m, k, v) }.is_none());
    }
    m
}

pub fn set_of(h: &Heap, d: Ty, items: &[Value]) -> Value {
    let m = obj::new_map(h, d.get());
    for &k in items {
        assert!(unsafe { map::insert(m, k, 0) }.is_none());
    }
    m
}

pub fn some(h: &Heap, opt: Ty, v: Value) -> Value {
    obj::some(h, opt.get(), v)
}

pub fn f(x: f64) -> Value {
    x.to_bits()
}

pub fn i(x: i64) -> Value {
    x as u64
}

pub fn rc_of(v: Value) -> u32 {
    unsafe { obj::hdr(v).rc }
}

pub fn release(v: Value, d: Ty) {
    rc::release(v, d.get())
}

/// The descriptors of a small program: Point, Shape, MathError, and a nested record type.
pub struct Types {
    pub i64: Ty,
    pub f64: Ty,
    pub string: Ty,
    pub point: Ty,
    pub shape: Ty,
    pub math_error: Ty,
    pub opt_shape: Ty,
    pub tags: Ty,
    pub opt_tags: Ty,
    pub record: Ty,
    pub records: Ty,
}

pub fn types() -> Types {
    let i64 = b::i64();
    let f64 = b::f64();
    let string = b::string();
    let point = b::strukt("Point", &[("x", i64), ("y", i64)]);
    let shape = b::enumm(
        "Shape",
        &[
            ("Circle", &[("radius", f64)]),
            ("Rect", &[("w", f64), ("h", f64)]),
            ("Dot", &[]),
        ],
    );
    let math_error = b::enumm(
        "MathError",
        &[("BadLuck", &[]), ("Overflow", &[("at", i64)])],
    );
    let opt_shape = b::optional(shape);
    let tags = b::map(string, opt_shape);
    let opt_tags = b::optional(tags);
    let record = b::strukt(
        "Record",
        &[
            ("name", string),
            ("at", point),
            ("tags", tags),
            ("maybe", opt_tags),
        ],
    );
    let records = b::list(record);
    Types {
        i64,
        f64,
        string,
        point,
        shape,
        math_error,
        opt_shape,
        tags,
        opt_tags,
        record,
        records,
    }
}

/// A list of records: structs of maps of optionals of enums (every pointer kind nested).
pub fn sample_records(h: &Heap, t: &Types, n: usize) -> Value {
    let mut items = Vec::new();
    for k in 0..n {
        let circle = variant(h, t.shape, 0, &[f(k as f64 + 0.5)]);
        let dot = variant(h, t.shape, 2, &[]);
        let tags = map_of(
            h,
            t.tags,
            &[
                (s(h, "c"), some(h, t.opt_shape, circle)),
                (s(h, "none"), 0),
                (s(h, "d"), some(h, t.opt_shape, dot)),
            ],
        );
        let inner_rect = variant(h, t.shape, 1, &[f(2.0), f(3.0)]);
        let inner = map_of(h, t.tags, &[(s(h, "r"), inner_rect)]);
        let maybe = if k % 2 == 0 {
            some(h, t.opt_tags, inner)
        } else {
            release(inner, t.tags);
            0
        };
        let p = strukt(h, t.point, &[i(k as i64), i(-(k as i64))]);
        items.push(strukt(
            h,
            t.record,
            &[s(h, &format!("rec{k}")), p, tags, maybe],
        ));
    }
    list(h, t.records, &items)
}
