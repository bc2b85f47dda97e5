//! Object layouts (all `#[repr(C)]`, a `Header` first) and their constructors and accessors.
//!
//! A value is one 8-byte slot (`Value`): a scalar's bits, or a pointer to an object (0 = null
//! optional). Layouts are part of the ABI (`spec/abi.md` §3): compiled code reads lengths and
//! slots directly and calls the runtime for everything that allocates.

use std::ptr;

use super::heap::{Header, Heap, raw_alloc};
use crate::abi::desc::{GrainTypeDesc, TypeDesc};

/// One 8-byte value slot.
pub type Value = u64;

const HDR: usize = std::mem::size_of::<Header>();

/// `String`, `Bytes`, `NodeId`: `len` bytes follow the struct (immutable after construction).
#[repr(C)]
pub struct StrObj {
    pub h: Header,
    pub len: u64,
}

/// `[T]`: `len` slots in use out of `cap` at `data` (a separate allocation owned by the list).
#[repr(C)]
pub struct ListObj {
    pub h: Header,
    pub len: u64,
    pub cap: u64,
    pub data: *mut Value,
}

/// An enum/error/message value: the variant's field slots follow `tag`.
#[repr(C)]
pub struct EnumObj {
    pub h: Header,
    pub tag: u64,
}

/// `Map[K, V]` and `Set[T]`: an insertion-ordered hash table (see `map.rs`).
#[repr(C)]
pub struct MapObj {
    pub h: Header,
    /// Live entries.
    pub len: u64,
    /// Entries used, including removed ones (tombstones) not yet compacted.
    pub used: u64,
    /// Entry capacity.
    pub cap: u64,
    /// `cap` entries of `[hash, key, value]` (maps) or `[hash, key]` (sets).
    pub entries: *mut Value,
    /// Open-addressing index: entry number + 1, 0 = empty; `mask + 1` slots (null when cap = 0).
    pub index: *mut u32,
    pub mask: u64,
}

/// `ActorRef[M]`: the runtime handle plus its wire identity; the actor type's name (`name_len`
/// bytes) follows the struct.
#[repr(C)]
pub struct ActorRefObj {
    pub h: Header,
    /// A `RawActorRef::into_raw` pointer holding one count, or null for a reference not resolved
    /// to a local actor (decoded from the wire without a resolver), or — low bit set — a
    /// supervised child's `StableRef::into_raw` pointer (`handles.rs`, `spec/abi.md` §9).
    pub actor: *const crate::Actor,
    /// Node number (0 = this process's node, see `handles.rs`).
    pub node: u64,
    /// Actor (incarnation) id on that node.
    pub id: u64,
    pub name_len: u64,
}

/// `Reply[T]`.
#[repr(C)]
pub struct ReplyObj {
    pub h: Header,
    /// A `RawReply::into_raw` pointer holding one copy, or null when unresolved.
    pub reply: *const (),
    pub node: u64,
    pub id: u64,
}

/// `GrainRef[M]`: the grain type and its identity (a tuple value of `grain.identity`).
#[repr(C)]
pub struct GrainRefObj {
    pub h: Header,
    pub grain: *const GrainTypeDesc,
    pub identity: Value,
}

/// Runtime-internal string builder (interpolation), a heap object so that a crash mid-way
/// frees it with the heap.
#[repr(C)]
pub struct BuilderObj {
    pub h: Header,
    pub buf: Vec<u8>,
}

/// The header of the object a value points at.
///
/// # Safety
/// `v` must be a live object pointer.
pub unsafe fn hdr<'a>(v: Value) -> &'a mut Header {
    // SAFETY: guaranteed by the caller.
    unsafe { &mut *(v as *mut Header) }
}

/// Slots of a struct, tuple or optional box (right after the header).
pub fn struct_slots(v: Value) -> *mut Value {
    (v as usize + HDR) as *mut Value
}

/// Slots of an enum value (after the tag).
pub fn enum_slots(v: Value) -> *mut Value {
    (v as usize + std::mem::size_of::<EnumObj>()) as *mut Value
}

/// The bytes of a string/bytes object.
///
/// # Safety
/// `v` must be a live `StrObj`.
pub unsafe fn str_bytes<'a>(v: Value) -> &'a [u8] {
    // SAFETY: guaranteed by the caller; `len` bytes follow the struct.
    unsafe {
        let o = v as *const StrObj;
        std::slice::from_raw_parts(o.add(1).cast::<u8>(), (*o).len as usize)
    }
}

/// The text of a `String` object (compiled code and the decoder only build valid UTF-8).
///
/// # Safety
/// `v` must be a live `StrObj` holding UTF-8.
pub unsafe fn str_text<'a>(v: Value) -> &'a str {
    // SAFETY: guaranteed by the caller.
    let b = unsafe { str_bytes(v) };
    std::str::from_utf8(b).unwrap_or("\u{FFFD}")
}

/// A new string/bytes object of type `desc` holding `bytes`.
pub fn new_str(heap: &Heap, desc: &'static TypeDesc, bytes: &[u8]) -> Value {
    let p = heap.alloc(desc, std::mem::size_of::<StrObj>() + bytes.len());
    // SAFETY: `p` has room for the struct plus `bytes.len()` bytes.
    unsafe {
        let o = p.cast::<StrObj>();
        (*o).len = bytes.len() as u64;
        ptr::copy_nonoverlapping(bytes.as_ptr(), o.add(1).cast::<u8>(), bytes.len());
    }
    p as Value
}

/// A new `String` (the runtime's own descriptor).
pub fn new_string(heap: &Heap, s: &str) -> Value {
    new_str(heap, &super::STRING, s.as_bytes())
}

/// A new struct, tuple or optional box with `n` zeroed slots.
pub fn new_struct(heap: &Heap, desc: &'static TypeDesc, n: usize) -> Value {
    let p = heap.alloc(desc, HDR + 8 * n);
    // SAFETY: `n` slots follow the header.
    unsafe { ptr::write_bytes(struct_slots(p as Value), 0, n) };
    p as Value
}

/// A new enum value of variant `tag` with zeroed field slots. `tag` must be a valid variant.
pub fn new_enum(heap: &Heap, desc: &'static TypeDesc, tag: usize) -> Value {
    let n = desc.variants().get(tag).map_or(0, |v| v.n_fields);
    let p = heap.alloc(desc, std::mem::size_of::<EnumObj>() + 8 * n);
    // SAFETY: the tag and `n` slots follow the header.
    unsafe {
        (*p.cast::<EnumObj>()).tag = tag as u64;
        ptr::write_bytes(enum_slots(p as Value), 0, n);
    }
    p as Value
}

/// A new empty list with room for `cap` elements.
pub fn new_list(heap: &Heap, desc: &'static TypeDesc, cap: usize) -> Value {
    let p = heap.alloc(desc, std::mem::size_of::<ListObj>());
    let data = if cap == 0 {
        ptr::null_mut()
    } else {
        raw_alloc(cap * 8).cast::<Value>()
    };
    // SAFETY: `p` has room for a ListObj.
    unsafe {
        let o = p.cast::<ListObj>();
        (*o).len = 0;
        (*o).cap = cap as u64;
        (*o).data = data;
    }
    p as Value
}

/// A list's elements.
///
/// # Safety
/// `v` must be a live list.
pub unsafe fn list_items<'a>(v: Value) -> &'a [Value] {
    // SAFETY: guaranteed by the caller; `data` holds `len` initialized slots.
    unsafe {
        let o = v as *const ListObj;
        if (*o).len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts((*o).data, (*o).len as usize)
        }
    }
}

/// Appends (the list must be uniquely owned; takes over the element's reference).
///
/// # Safety
/// `v` must be a live list.
pub unsafe fn list_push(v: Value, elem: Value) {
    // SAFETY: guaranteed by the caller; growth keeps `len <= cap`.
    unsafe {
        let o = v as *mut ListObj;
        if (*o).len == (*o).cap {
            let cap = ((*o).cap * 2).max(4);
            (*o).data = super::heap::raw_realloc((*o).data.cast(), cap as usize * 8).cast();
            (*o).cap = cap;
        }
        *(*o).data.add((*o).len as usize) = elem;
        (*o).len += 1;
    }
}

/// A new empty map or set.
pub fn new_map(heap: &Heap, desc: &'static TypeDesc) -> Value {
    let p = heap.alloc(desc, std::mem::size_of::<MapObj>());
    // SAFETY: `p` has room for a MapObj.
    unsafe {
        let o = p.cast::<MapObj>();
        (*o).len = 0;
        (*o).used = 0;
        (*o).cap = 0;
        (*o).entries = ptr::null_mut();
        (*o).index = ptr::null_mut();
        (*o).mask = 0;
    }
    p as Value
}

/// Wraps a present `T` into a `?T` of descriptor `opt` (boxing when `T` needs it).
pub fn some(heap: &Heap, opt: &'static TypeDesc, v: Value) -> Value {
    if opt.elem().optional_boxes() {
        let b = new_struct(heap, opt, 1);
        // SAFETY: one slot.
        unsafe { *struct_slots(b) = v };
        b
    } else {
        v
    }
}

/// Reads a `?T`: None for null, else the inner value (borrowed).
pub fn opt_get(opt: &TypeDesc, v: Value) -> Option<Value> {
    if v == 0 {
        None
    } else if opt.elem().optional_boxes() {
        // SAFETY: a non-null boxed optional has one slot.
        Some(unsafe { *struct_slots(v) })
    } else {
        Some(v)
    }
}

/// The name bytes of an actor reference.
///
/// # Safety
/// `v` must be a live `ActorRefObj`.
pub unsafe fn actor_ref_name<'a>(v: Value) -> &'a str {
    // SAFETY: guaranteed by the caller; `name_len` UTF-8 bytes follow the struct.
    unsafe {
        let o = v as *const ActorRefObj;
        let b = std::slice::from_raw_parts(o.add(1).cast::<u8>(), (*o).name_len as usize);
        std::str::from_utf8(b).unwrap_or("?")
    }
}

/// Total allocation size of an object of this layout with `extra` trailing bytes (for tests).
pub const fn header_size() -> usize {
    HDR
}
