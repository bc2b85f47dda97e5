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

/// A message that travels as itself, without a heap or a copy (`MessageBox::take`): the
/// payload pointer is its root object, whose objects are unlinked from the sender's heap and
/// owned by the payload until the receiver links them into its own.
static MOVED_VTABLE: PayloadVTable = PayloadVTable { drop: drop_moved };

unsafe extern "C" fn drop_moved(p: *mut u8) {
    // SAFETY: `p` is the root of a moved value owned by the payload alone (every object
    // unlinked, counts 1, immortal ones shared): releasing it frees exactly those objects.
    unsafe { super::rc::release(p as Value, desc_of(p as Value)) }
}

/// A scalar (or a null reference) travelling in the payload pointer itself; 0 has its own
/// kind because a payload pointer is never null.
static SCALAR_VTABLE: PayloadVTable = PayloadVTable { drop: drop_nothing };
static ZERO_VTABLE: PayloadVTable = PayloadVTable { drop: drop_nothing };

unsafe extern "C" fn drop_nothing(_: *mut u8) {}

/// The most objects a message moves (a larger one is copied, so that checking stays cheap).
const MOVE_MAX: usize = 16;

/// The objects of value `v` when the sender alone holds every one of them (counts of 1;
/// immortal static objects are shared freely and not listed) and there are at most
/// [`MOVE_MAX`]; `None` otherwise. Values are acyclic, so a count of 1 everywhere means a tree
/// nobody else can reach.
fn exclusive_tree(v: Value, d: &TypeDesc) -> Option<([Value; MOVE_MAX], usize)> {
    if !is_ref(d, v) {
        return None;
    }
    /// Lists `c` unless immortal; false when it is shared or the list is full.
    fn visit(c: Value, objs: &mut [Value; MOVE_MAX], n: &mut usize) -> bool {
        // SAFETY: `c` is a live object or immortal static data (caller's contract).
        let rc = unsafe { (*(c as *const Header)).rc };
        if rc == IMMORTAL {
            return true;
        }
        if rc != 1 || *n == MOVE_MAX {
            return false;
        }
        objs[*n] = c;
        *n += 1;
        true
    }
    let mut objs = [0; MOVE_MAX];
    let mut n = 0;
    if !visit(v, &mut objs, &mut n) {
        return None;
    }
    let mut i = 0;
    while i < n {
        let o = objs[i];
        i += 1;
        let mut ok = true;
        // SAFETY: `o` is a live object of the caller's heap.
        unsafe {
            super::rc::for_each_child(o, |c, _| {
                ok = ok && visit(c, &mut objs, &mut n);
            })
        };
        if !ok {
            return None;
        }
    }
    Some((objs, n))
}

/// Links every non-immortal object of a moved value into `into`.
///
/// # Safety
/// `v` must be the root of a value moved by `MessageBox::take`, not yet linked anywhere.
unsafe fn link_tree(v: Value, into: &Heap) {
    let mut stack = [0; MOVE_MAX];
    let mut n = 0;
    // SAFETY: guaranteed by the caller: at most MOVE_MAX objects, each unlinked, count 1.
    unsafe {
        let push = |c: Value, stack: &mut [Value; MOVE_MAX], n: &mut usize| {
            if (*(c as *const Header)).rc != IMMORTAL && *n < MOVE_MAX {
                stack[*n] = c;
                *n += 1;
            }
        };
        push(v, &mut stack, &mut n);
        while n > 0 {
            n -= 1;
            let o = stack[n];
            into.link(o as *mut Header);
            super::rc::for_each_child(o, |c, _| push(c, &mut stack, &mut n));
        }
    }
}

impl MessageBox {
    /// Deep-copies `v` into a fresh message heap (the sender's side of `send`).
    pub fn copy_of(v: Value, desc: &'static TypeDesc) -> MessageBox {
        let heap = Heap::new();
        let root = deep_copy(v, desc, &heap);
        MessageBox { heap, root, desc }
    }

    /// The sender's side of `send` and `reply.send` when the sender gives `v` up (takes one
    /// reference). A scalar travels in the payload pointer; a value whose objects the sender
    /// alone holds — the usual message, just built, even with strings, a `Reply` or an
    /// `ActorRef` inside — is moved as it is (its objects unlinked here and linked into the
    /// receiver's heap by [`MessageBox::adopt_payload`]), with no heap, box or copy; anything
    /// else is deep-copied into a message box and the sender's reference released.
    pub fn take(v: Value, desc: &'static TypeDesc) -> Payload {
        if desc.is_scalar() || v == 0 {
            return scalar_payload(v);
        }
        if let Some((objs, n)) = exclusive_tree(v, desc) {
            for &o in &objs[..n] {
                // SAFETY: each is a live object of the caller's heap that only this value
                // references (`exclusive_tree`).
                unsafe { super::heap::unlink(o as *mut Header) };
            }
            // SAFETY: `v` is non-null; `drop_moved` frees exactly this value.
            if let Some(p) = unsafe { Payload::from_raw(v as *mut u8, &MOVED_VTABLE) } {
                return p;
            }
        }
        let b = MessageBox::copy_of(v, desc);
        super::rc::release(v, desc);
        b.into_payload()
    }

    /// The receiver's side of any message payload (`take` or `into_payload`), taken over:
    /// its value, now owned by `into` (a moved value's objects are linked into `into`, a box's
    /// heap is spliced into it).
    pub fn adopt_payload(p: Payload, into: &Heap) -> Value {
        let ptr = p.as_ptr();
        if p.made_with(&SCALAR_VTABLE) {
            return ptr as Value;
        }
        if p.made_with(&ZERO_VTABLE) {
            return 0;
        }
        if p.made_with(&MOVED_VTABLE) {
            // SAFETY: a moved value not yet linked; ownership passes to `into`, so the payload
            // must not run its drop.
            unsafe { link_tree(ptr as Value, into) };
            std::mem::forget(p);
            return ptr as Value;
        }
        // SAFETY: every other message payload was made by `into_payload`.
        let v = unsafe { MessageBox::adopt(ptr, into) };
        drop(p);
        v
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

/// A scalar (or null) as a payload without an allocation.
fn scalar_payload(v: Value) -> Payload {
    // SAFETY: a non-null "pointer" that is never dereferenced: `drop_nothing` ignores it and
    // `adopt_payload` reads it back as the value.
    match unsafe { Payload::from_raw(v as *mut u8, &SCALAR_VTABLE) } {
        Some(p) => p,
        // SAFETY: as above, a dangling non-null pointer standing for 0.
        None => unsafe { Payload::from_raw(std::ptr::dangling_mut::<u8>(), &ZERO_VTABLE) }
            .unwrap_or_else(unreachable_payload),
    }
}

fn unreachable_payload() -> Payload {
    // Box::into_raw never returns null; keep a non-panicking path anyway.
    Payload::new(())
}
