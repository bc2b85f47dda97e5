//! Deep copies by descriptor (what `send` does) and message heaps (a copied value plus the heap
//! that owns it, travelling as one `Payload` and adopted by the receiver in O(1)).
//!
//! The copy is iterative (an explicit work list of "copy this child into that slot"), so a long
//! recursive list does not need a deep native stack. Sharing inside the value is preserved (an
//! object referenced twice is copied once) and immortal static objects are shared, not copied.

use std::collections::HashMap;
use std::ptr;

use super::heap::{Header, Heap, IMMORTAL};
use super::obj::*;
use super::rc::{desc_of, is_ref};
use crate::abi::desc::{TypeDesc, kind};
use crate::payload::{Payload, PayloadVTable};

/// A copy of `v` (of type `d`) whose every object lives in `into`; shares nothing mutable with
/// the original.
pub fn deep_copy(v: Value, d: &TypeDesc, into: &Heap) -> Value {
    let mut out: Value = 0;
    let mut work: Vec<(Value, *mut Value)> = Vec::new();
    let mut memo: HashMap<Value, Value> = HashMap::new();
    if is_ref(d, v) {
        work.push((v, &mut out));
    } else {
        out = v;
    }
    while let Some((src, dst)) = work.pop() {
        // SAFETY: `src` is a live object of the caller's heap; `dst` points into `out` or into a
        // slot of an object allocated below, which never moves while the copy runs (buffers are
        // allocated at their final size).
        unsafe { copy_one(src, dst, into, &mut work, &mut memo) }
    }
    out
}

unsafe fn copy_one(
    src: Value,
    dst: *mut Value,
    heap: &Heap,
    work: &mut Vec<(Value, *mut Value)>,
    memo: &mut HashMap<Value, Value>,
) {
    // SAFETY: see `deep_copy`.
    unsafe {
        let h = &*(src as *const Header);
        if h.rc == IMMORTAL {
            *dst = src;
            return;
        }
        let shared = h.rc > 1;
        if shared && let Some(&c) = memo.get(&src) {
            (*(c as *mut Header)).rc += 1;
            *dst = c;
            return;
        }
        let d = desc_of(src);
        // Push a child slot: references are copied later, scalars are already in place.
        let child = |slot: *mut Value, cd: &TypeDesc, work: &mut Vec<(Value, *mut Value)>| {
            let c = *slot;
            if is_ref(cd, c) {
                *slot = 0;
                work.push((c, slot));
            }
        };
        let c = match d.kind {
            kind::STRING | kind::BYTES | kind::NODE_ID => new_str(heap, d, str_bytes(src)),
            kind::STRUCT | kind::TUPLE | kind::OPTIONAL => {
                let n = if d.kind == kind::OPTIONAL {
                    1
                } else {
                    d.n_fields
                };
                let c = new_struct(heap, d, n);
                ptr::copy_nonoverlapping(struct_slots(src), struct_slots(c), n);
                if d.kind == kind::OPTIONAL {
                    child(struct_slots(c), d.elem(), work);
                } else {
                    for (i, f) in d.fields().iter().enumerate() {
                        child(struct_slots(c).add(i), f.ty(), work);
                    }
                }
                c
            }
            kind::ENUM => {
                let tag = (*(src as *const EnumObj)).tag as usize;
                let c = new_enum(heap, d, tag);
                if let Some(var) = d.variants().get(tag) {
                    ptr::copy_nonoverlapping(enum_slots(src), enum_slots(c), var.n_fields);
                    for (i, f) in var.fields().iter().enumerate() {
                        child(enum_slots(c).add(i), f.ty(), work);
                    }
                }
                c
            }
            kind::LIST => {
                let items = list_items(src);
                let c = new_list(heap, d, items.len());
                let o = c as *mut ListObj;
                if !items.is_empty() {
                    ptr::copy_nonoverlapping(items.as_ptr(), (*o).data, items.len());
                }
                (*o).len = items.len() as u64;
                let e = d.elem();
                if !e.is_scalar() {
                    for i in 0..items.len() {
                        child((*o).data.add(i), e, work);
                    }
                }
                c
            }
            kind::MAP | kind::SET => {
                let c = super::map::clone_table(src, heap);
                let (kd, vd) = (
                    d.elem(),
                    if d.kind == kind::MAP {
                        Some(d.value())
                    } else {
                        None
                    },
                );
                super::map::for_each_entry_slots(c, |k, v| {
                    child(k, kd, work);
                    if let (Some(v), Some(vd)) = (v, vd) {
                        child(v, vd, work);
                    }
                });
                c
            }
            kind::GRAIN_REF => {
                let o = src as *const GrainRefObj;
                let g = &*(*o).grain;
                let c = super::handles::new_grain_ref(heap, d, g, (*o).identity);
                child(
                    ptr::addr_of_mut!((*(c as *mut GrainRefObj)).identity),
                    g.identity(),
                    work,
                );
                c
            }
            _ => super::handles::clone_handle(src, heap),
        };
        if shared {
            memo.insert(src, c);
        }
        *dst = c;
    }
}

/// A value together with the heap that owns it: a message in flight.
pub struct MessageBox {
    pub heap: Heap,
    pub root: Value,
    pub desc: &'static TypeDesc,
}

unsafe extern "C" fn drop_message(p: *mut u8) {
    // SAFETY: `p` came from `Box::into_raw` in `into_payload` and is dropped once; dropping the
    // box frees its heap (everything not adopted).
    unsafe { drop(Box::from_raw(p.cast::<MessageBox>())) }
}

static MESSAGE_VTABLE: PayloadVTable = PayloadVTable { drop: drop_message };

impl MessageBox {
    /// Deep-copies `v` into a fresh message heap (the sender's side of `send`).
    pub fn copy_of(v: Value, desc: &'static TypeDesc) -> MessageBox {
        let heap = Heap::new();
        let root = deep_copy(v, desc, &heap);
        MessageBox { heap, root, desc }
    }

    /// Wraps into a runtime payload (dropping the payload frees the heap).
    pub fn into_payload(self) -> Payload {
        let p = Box::into_raw(Box::new(self)).cast::<u8>();
        // SAFETY: `p` is non-null and `drop_message` frees exactly this box.
        unsafe { Payload::from_raw(p, &MESSAGE_VTABLE) }.unwrap_or_else(unreachable_payload)
    }

    /// The receiver's side: moves every object of the message into `into` (O(1)) and returns the
    /// root value, which now belongs to `into`. The box is left empty (its drop frees nothing).
    ///
    /// # Safety
    /// `p` must be the pointer of a payload made by `into_payload`, not yet adopted.
    pub unsafe fn adopt(p: *mut u8, into: &Heap) -> Value {
        // SAFETY: guaranteed by the caller.
        unsafe {
            let m = &mut *p.cast::<MessageBox>();
            into.adopt(&m.heap);
            std::mem::replace(&mut m.root, 0)
        }
    }
}

fn unreachable_payload() -> Payload {
    // Box::into_raw never returns null; keep a non-panicking path anyway.
    Payload::new(())
}
