//! Reference counting by descriptor: retain, release (iterative, so a million-element recursive
//! list is freed without deep recursion), freeing one object, shallow clones and copy-on-write
//! (`make_unique`).

use std::ptr;

use super::heap::{self, Header, Heap, IMMORTAL, raw_alloc, raw_free};
use super::obj::*;
use crate::abi::desc::{TypeDesc, kind};

/// The static descriptor of an object (from its header).
///
/// # Safety
/// `v` must be a live object.
pub unsafe fn desc_of(v: Value) -> &'static TypeDesc {
    // SAFETY: headers hold pointers to static descriptors.
    unsafe { &*(*(v as *const Header)).desc }
}

/// Whether a slot of type `d` holds an object reference (non-zero) that counts.
#[inline]
pub fn is_ref(d: &TypeDesc, v: Value) -> bool {
    v != 0 && !d.is_scalar()
}

/// Visits every child reference of the object `v` (by its header's descriptor).
///
/// # Safety
/// `v` must be a live object.
pub unsafe fn for_each_child(v: Value, mut f: impl FnMut(Value, &'static TypeDesc)) {
    // SAFETY: layouts follow the header's descriptor (built by the constructors in obj.rs).
    unsafe {
        let d = desc_of(v);
        match d.kind {
            kind::STRUCT | kind::TUPLE => {
                let s = struct_slots(v);
                for (i, fd) in d.fields().iter().enumerate() {
                    let c = *s.add(i);
                    if is_ref(fd.ty(), c) {
                        f(c, &*fd.ty);
                    }
                }
            }
            kind::OPTIONAL => {
                let c = *struct_slots(v);
                if is_ref(d.elem(), c) {
                    f(c, &*d.elem);
                }
            }
            kind::ENUM => {
                let tag = (*(v as *const EnumObj)).tag as usize;
                if let Some(var) = d.variants().get(tag) {
                    let s = enum_slots(v);
                    for (i, fd) in var.fields().iter().enumerate() {
                        let c = *s.add(i);
                        if is_ref(fd.ty(), c) {
                            f(c, &*fd.ty);
                        }
                    }
                }
            }
            kind::LIST => {
                let e = &*d.elem;
                if !e.is_scalar() {
                    for &c in list_items(v) {
                        if c != 0 {
                            f(c, e);
                        }
                    }
                }
            }
            kind::MAP | kind::SET => {
                let (k, val) = (
                    &*d.elem,
                    if d.kind == kind::MAP {
                        Some(&*d.value)
                    } else {
                        None
                    },
                );
                super::map::for_each_entry(v, |key, value| {
                    if is_ref(k, key) {
                        f(key, k);
                    }
                    if let Some(vd) = val
                        && is_ref(vd, value)
                    {
                        f(value, vd);
                    }
                });
            }
            kind::GRAIN_REF => {
                let o = v as *const GrainRefObj;
                let g = &*(*o).grain;
                if (*o).identity != 0 {
                    f((*o).identity, &*g.identity);
                }
            }
            _ => {}
        }
    }
}

/// Adds a reference to `v` (nothing for scalars, null and immortal objects).
#[inline]
pub fn retain(v: Value, d: &TypeDesc) {
    if is_ref(d, v) {
        // SAFETY: a non-null reference slot points at a live object owned by this thread's heap
        // (or immortal static data, which is never written).
        unsafe {
            let h = &mut *(v as *mut Header);
            if h.rc < IMMORTAL - 1 {
                h.rc += 1;
            } else {
                // Saturated: the object becomes immortal (leaked), never a use-after-free.
                h.rc = IMMORTAL;
            }
        }
    }
}

/// The objects `release` still has to free: a few inline (freeing a message, a string, a
/// small struct never allocates), the rest in a vector.
struct Pending {
    inline: [Value; 16],
    n: usize,
    spill: Vec<Value>,
}

impl Pending {
    fn push(&mut self, v: Value) {
        if self.n < self.inline.len() {
            self.inline[self.n] = v;
            self.n += 1;
        } else {
            self.spill.push(v);
        }
    }

    fn pop(&mut self) -> Option<Value> {
        if let Some(v) = self.spill.pop() {
            return Some(v);
        }
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(self.inline[self.n])
    }
}

/// Drops a reference to `v`; frees it (and, iteratively, the children whose counts reach zero)
/// when it was the last.
pub fn release(v: Value, d: &TypeDesc) {
    if !is_ref(d, v) {
        return;
    }
    // SAFETY: as in `retain`; an object whose count reaches zero is unreachable, so freeing it
    // (after dropping its children's counts) is sound.
    unsafe {
        if !dec(v) {
            return;
        }
        let mut work = Pending {
            inline: [0; 16],
            n: 0,
            spill: Vec::new(),
        };
        work.push(v);
        while let Some(o) = work.pop() {
            for_each_child(o, |c, _| {
                if dec(c) {
                    work.push(c);
                }
            });
            heap::unlink(o as *mut Header);
            free_object_only(o as *mut Header);
        }
    }
}

/// Decrements; true when the count reached zero.
#[inline]
unsafe fn dec(v: Value) -> bool {
    // SAFETY: the caller passes a live object.
    unsafe {
        let h = &mut *(v as *mut Header);
        if h.rc == IMMORTAL {
            return false;
        }
        h.rc -= 1;
        h.rc == 0
    }
}

/// Frees one object's memory and what it owns outside the heap (list buffers, map tables, runtime
/// handles) without touching its children. The object must already be unlinked.
///
/// # Safety
/// `p` must be a live, unlinked, non-immortal object, freed once.
pub unsafe fn free_object_only(p: *mut Header) {
    // SAFETY: layouts follow the header's descriptor; every out-of-line buffer came from
    // `raw_alloc`, every handle pointer from the runtime's `into_raw`.
    unsafe {
        match (*(*p).desc).kind {
            kind::LIST => raw_free((*p.cast::<ListObj>()).data.cast()),
            kind::MAP | kind::SET => {
                let m = p.cast::<MapObj>();
                raw_free((*m).entries.cast());
                raw_free((*m).index.cast());
            }
            kind::ACTOR_REF => {
                // An incarnation or, tagged, a supervised child's stable reference.
                super::handles::drop_actor_field((*p.cast::<ActorRefObj>()).actor);
            }
            kind::REPLY => {
                let r = (*p.cast::<ReplyObj>()).reply;
                if !r.is_null() {
                    drop(crate::RawReply::from_raw(r));
                }
            }
            kind::INTERNAL => ptr::drop_in_place(ptr::addr_of_mut!((*p.cast::<BuilderObj>()).buf)),
            _ => {}
        }
        raw_free(p.cast());
    }
}

/// A copy of the object `v` in `heap` that shares (retains) its children: the first step of
/// copy-on-write.
///
/// # Safety
/// `v` must be a live object.
pub unsafe fn shallow_clone(v: Value, heap: &Heap) -> Value {
    // SAFETY: layouts follow the header's descriptor.
    unsafe {
        let d = desc_of(v);
        let n = match d.kind {
            kind::STRING | kind::BYTES | kind::NODE_ID => return new_str(heap, d, str_bytes(v)),
            kind::STRUCT | kind::TUPLE => d.n_fields,
            kind::OPTIONAL => 1,
            kind::ENUM => {
                let tag = (*(v as *const EnumObj)).tag as usize;
                let c = new_enum(heap, d, tag);
                let n = d.variants().get(tag).map_or(0, |x| x.n_fields);
                ptr::copy_nonoverlapping(enum_slots(v), enum_slots(c), n);
                for_each_child(c, retain);
                return c;
            }
            kind::LIST => {
                let items = list_items(v);
                let c = new_list(heap, d, items.len());
                let o = c as *mut ListObj;
                if !items.is_empty() {
                    ptr::copy_nonoverlapping(items.as_ptr(), (*o).data, items.len());
                }
                (*o).len = items.len() as u64;
                for_each_child(c, retain);
                return c;
            }
            kind::MAP | kind::SET => {
                let c = super::map::clone_table(v, heap);
                for_each_child(c, retain);
                return c;
            }
            _ => return super::handles::clone_handle(v, heap),
        };
        let c = new_struct(heap, d, n);
        ptr::copy_nonoverlapping(struct_slots(v), struct_slots(c), n);
        for_each_child(c, retain);
        c
    }
}

/// Copy-on-write: returns `v` itself when it is uniquely referenced, else a shallow clone in the
/// current heap (and drops the caller's reference to the shared original). The caller stores the
/// result back into its `var`.
pub fn make_unique(v: Value, d: &TypeDesc) -> Value {
    if !is_ref(d, v) {
        return v;
    }
    // SAFETY: `v` is a live object of this thread.
    unsafe {
        if (*(v as *const Header)).rc == 1 {
            return v;
        }
        let c = heap::with_current(|h| shallow_clone(v, h));
        release(v, desc_of(v));
        c
    }
}

/// A new builder object (internal) in `heap`.
pub fn new_builder(heap: &Heap) -> Value {
    let p = heap.alloc(&super::BUILDER, std::mem::size_of::<BuilderObj>());
    // SAFETY: room for a BuilderObj; the Vec is initialized in place.
    unsafe { ptr::write(ptr::addr_of_mut!((*p.cast::<BuilderObj>()).buf), Vec::new()) };
    p as Value
}

/// Allocates raw zeroed memory for `n` slots (map tables and such).
pub fn alloc_slots(n: usize) -> *mut Value {
    let p = raw_alloc(n * 8).cast::<Value>();
    // SAFETY: fresh allocation of `n` slots.
    unsafe { ptr::write_bytes(p, 0, n) };
    p
}
