//! Structural equality, ordering and hashing by descriptor.
//!
//! `==` is structural on every type (`f64` by IEEE 754: `NaN != NaN`); maps and sets are equal
//! when they hold the same entries whatever their insertion order. Ordering covers numbers,
//! `bool`, strings and bytes (bytewise, which for UTF-8 is code-point order), durations,
//! instants, tuples, and — for the runtime's own use — lists, optionals (null first), structs and
//! enums (tag, then fields) lexicographically; maps, sets and handles are unordered. Hashes are
//! seeded per process (so the wire never depends on them and crafted keys cannot be precomputed).

use std::cmp::Ordering;
use std::sync::OnceLock;

use super::map;
use super::obj::*;
use crate::abi::desc::{TypeDesc, kind};

/// Whether `a == b` for values of type `d`.
pub fn eq(a: Value, b: Value, d: &TypeDesc) -> bool {
    if d.is_scalar() {
        return if d.kind == kind::F64 {
            f64::from_bits(a) == f64::from_bits(b)
        } else {
            a == b
        };
    }
    if d.kind == kind::OPTIONAL {
        return match (opt_get(d, a), opt_get(d, b)) {
            (None, None) => true,
            (Some(x), Some(y)) => eq(x, y, d.elem()),
            _ => false,
        };
    }
    if a == 0 || b == 0 {
        return a == b;
    }
    // SAFETY: non-null slots of pointer types point at live objects laid out per `d`.
    unsafe {
        match d.kind {
            kind::STRING | kind::BYTES | kind::NODE_ID => a == b || str_bytes(a) == str_bytes(b),
            kind::LIST => {
                let (x, y) = (list_items(a), list_items(b));
                let e = d.elem();
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| eq(*p, *q, e))
            }
            kind::TUPLE | kind::STRUCT => {
                let (x, y) = (struct_slots(a), struct_slots(b));
                d.fields()
                    .iter()
                    .enumerate()
                    .all(|(i, f)| eq(*x.add(i), *y.add(i), f.ty()))
            }
            kind::ENUM => {
                let (ta, tb) = ((*(a as *const EnumObj)).tag, (*(b as *const EnumObj)).tag);
                if ta != tb {
                    return false;
                }
                let Some(v) = d.variants().get(ta as usize) else {
                    return true;
                };
                let (x, y) = (enum_slots(a), enum_slots(b));
                v.fields()
                    .iter()
                    .enumerate()
                    .all(|(i, f)| eq(*x.add(i), *y.add(i), f.ty()))
            }
            kind::MAP | kind::SET => {
                if map::len(a) != map::len(b) {
                    return false;
                }
                let vd = if d.kind == kind::MAP {
                    Some(d.value())
                } else {
                    None
                };
                let mut same = true;
                map::for_each_entry(a, |k, v| {
                    if !same {
                        return;
                    }
                    same = match map::get(b, k) {
                        None => false,
                        Some(w) => vd.is_none_or(|vd| eq(v, w, vd)),
                    };
                });
                same
            }
            kind::ACTOR_REF => {
                let (x, y) = (a as *const ActorRefObj, b as *const ActorRefObj);
                // Resolved: the same incarnation, or (tagged pointers, `handles.rs`) the same
                // supervised child's stable reference; a stable reference never equals one of
                // its incarnations. Hashing uses node and id, which a stable reference keeps for
                // its whole life (its `stable_id`), so equal references hash alike.
                if !(*x).actor.is_null() && !(*y).actor.is_null() {
                    (*x).actor == (*y).actor
                } else {
                    (*x).node == (*y).node && (*x).id == (*y).id
                }
            }
            kind::REPLY => {
                let (x, y) = (a as *const ReplyObj, b as *const ReplyObj);
                (*x).node == (*y).node && (*x).id == (*y).id
            }
            kind::GRAIN_REF => {
                let (x, y) = (a as *const GrainRefObj, b as *const GrainRefObj);
                let (gx, gy) = (&*(*x).grain, &*(*y).grain);
                gx.name() == gy.name() && eq((*x).identity, (*y).identity, gx.identity())
            }
            _ => a == b,
        }
    }
}

/// Orders `a` and `b` (None when unordered: a NaN, or a type without an order).
pub fn compare(a: Value, b: Value, d: &TypeDesc) -> Option<Ordering> {
    match d.kind {
        kind::VOID => return Some(Ordering::Equal),
        kind::I64 | kind::I32 | kind::DURATION | kind::INSTANT => {
            return Some((a as i64).cmp(&(b as i64)));
        }
        kind::U64 | kind::BOOL => return Some(a.cmp(&b)),
        kind::F64 => return f64::from_bits(a).partial_cmp(&f64::from_bits(b)),
        kind::OPTIONAL => {
            return match (opt_get(d, a), opt_get(d, b)) {
                (None, None) => Some(Ordering::Equal),
                (None, Some(_)) => Some(Ordering::Less),
                (Some(_), None) => Some(Ordering::Greater),
                (Some(x), Some(y)) => compare(x, y, d.elem()),
            };
        }
        _ => {}
    }
    if a == 0 || b == 0 {
        return None;
    }
    // SAFETY: as in `eq`.
    unsafe {
        match d.kind {
            kind::STRING | kind::BYTES | kind::NODE_ID => Some(str_bytes(a).cmp(str_bytes(b))),
            kind::LIST => {
                let (x, y) = (list_items(a), list_items(b));
                for (p, q) in x.iter().zip(y) {
                    match compare(*p, *q, d.elem())? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(x.len().cmp(&y.len()))
            }
            kind::TUPLE | kind::STRUCT => {
                let (x, y) = (struct_slots(a), struct_slots(b));
                for (i, f) in d.fields().iter().enumerate() {
                    match compare(*x.add(i), *y.add(i), f.ty())? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(Ordering::Equal)
            }
            kind::ENUM => {
                let (ta, tb) = ((*(a as *const EnumObj)).tag, (*(b as *const EnumObj)).tag);
                if ta != tb {
                    return Some(ta.cmp(&tb));
                }
                let Some(v) = d.variants().get(ta as usize) else {
                    return Some(Ordering::Equal);
                };
                let (x, y) = (enum_slots(a), enum_slots(b));
                for (i, f) in v.fields().iter().enumerate() {
                    match compare(*x.add(i), *y.add(i), f.ty())? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(Ordering::Equal)
            }
            _ => None,
        }
    }
}

fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        use std::hash::BuildHasher;
        std::collections::hash_map::RandomState::new().hash_one(0x004a_616e_7573_u64)
    })
}

#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let r = (a as u128).wrapping_mul(b as u128);
    (r as u64) ^ ((r >> 64) as u64)
}

/// A small streaming hasher (folded multiply, as in foldhash).
struct H(u64);

impl H {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = fold(self.0 ^ x, 0x9E37_79B9_7F4A_7C15).wrapping_add(0x2545_F491_4F6C_DD1D);
    }
    fn bytes(&mut self, b: &[u8]) {
        self.add(b.len() as u64);
        let mut c = b.chunks_exact(8);
        for w in &mut c {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            self.add(u64::from_le_bytes(a));
        }
        let r = c.remainder();
        if !r.is_empty() {
            let mut a = [0u8; 8];
            a[..r.len()].copy_from_slice(r);
            self.add(u64::from_le_bytes(a));
        }
    }
}

/// The hash of `v` (consistent with `eq`: equal values hash equally).
pub fn hash(v: Value, d: &TypeDesc) -> u64 {
    let mut h = H(seed());
    hash_into(&mut h, v, d);
    fold(h.0, 0xD6E8_FEB8_6659_FD93)
}

fn hash_into(h: &mut H, v: Value, d: &TypeDesc) {
    if d.is_scalar() {
        // -0.0 == 0.0 must hash alike.
        let x = if d.kind == kind::F64 && f64::from_bits(v) == 0.0 {
            0
        } else {
            v
        };
        h.add(x);
        return;
    }
    if d.kind == kind::OPTIONAL {
        match opt_get(d, v) {
            None => h.add(0),
            Some(x) => {
                h.add(1);
                hash_into(h, x, d.elem());
            }
        }
        return;
    }
    if v == 0 {
        h.add(0);
        return;
    }
    // SAFETY: as in `eq`.
    unsafe {
        match d.kind {
            kind::STRING | kind::BYTES | kind::NODE_ID => h.bytes(str_bytes(v)),
            kind::LIST => {
                let items = list_items(v);
                h.add(items.len() as u64);
                for &x in items {
                    hash_into(h, x, d.elem());
                }
            }
            kind::TUPLE | kind::STRUCT => {
                let s = struct_slots(v);
                for (i, f) in d.fields().iter().enumerate() {
                    hash_into(h, *s.add(i), f.ty());
                }
            }
            kind::ENUM => {
                let tag = (*(v as *const EnumObj)).tag;
                h.add(tag);
                if let Some(var) = d.variants().get(tag as usize) {
                    let s = enum_slots(v);
                    for (i, f) in var.fields().iter().enumerate() {
                        hash_into(h, *s.add(i), f.ty());
                    }
                }
            }
            kind::MAP | kind::SET => {
                // Order-independent, like equality.
                let mut sum = 0u64;
                let vd = if d.kind == kind::MAP {
                    Some(d.value())
                } else {
                    None
                };
                map::for_each_entry(v, |k, x| {
                    let mut e = H(seed());
                    hash_into(&mut e, k, d.elem());
                    if let Some(vd) = vd {
                        hash_into(&mut e, x, vd);
                    }
                    sum = sum.wrapping_add(e.0);
                });
                h.add(map::len(v) as u64);
                h.add(sum);
            }
            kind::ACTOR_REF => {
                let o = v as *const ActorRefObj;
                h.add((*o).node);
                h.add((*o).id);
            }
            kind::REPLY => {
                let o = v as *const ReplyObj;
                h.add((*o).node);
                h.add((*o).id);
            }
            kind::GRAIN_REF => {
                let o = v as *const GrainRefObj;
                let g = &*(*o).grain;
                h.bytes(g.name().as_bytes());
                hash_into(h, (*o).identity, g.identity());
            }
            _ => h.add(v),
        }
    }
}
