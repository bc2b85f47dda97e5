//! Handle values: `ActorRef`, `Reply` and `GrainRef` objects wrapping the runtime's raw handles,
//! plus the node-name table used to print references and the wire identities of handles.
//!
//! Wire identities are provisional until the cluster layer exists: node 0 is "this node" (named
//! `local` unless `set_node_name(0, ..)` says otherwise), an actor is identified by its
//! incarnation id, a reply by a per-process number. Decoding yields *unresolved* handles (no
//! runtime pointer) unless a resolver is installed (`set_resolver`), which the cluster layer
//! will do; unresolved handles still print, compare and re-encode.

use std::ptr;
use std::sync::{OnceLock, RwLock};

use super::heap::Heap;
use super::obj::*;
use super::rc::desc_of;
use crate::abi::desc::{GrainTypeDesc, TypeDesc};
use crate::{RawActorRef, RawReply};

static NODE_NAMES: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Names node number `id` (for printing references).
pub fn set_node_name(id: u64, name: &str) {
    if let Ok(mut v) = NODE_NAMES.write()
        && let Ok(i) = usize::try_from(id)
        && i < 1 << 16
    {
        if v.len() <= i {
            v.resize(i + 1, String::new());
        }
        v[i] = name.to_string();
    }
}

/// The name of node `id`: the registered one, `local` for node 0, else `node<id>`.
pub fn node_name(id: u64) -> String {
    if let Ok(v) = NODE_NAMES.read()
        && let Some(n) = usize::try_from(id).ok().and_then(|i| v.get(i))
        && !n.is_empty()
    {
        return n.clone();
    }
    if id == 0 {
        "local".to_string()
    } else {
        format!("node{id}")
    }
}

/// Turns wire identities back into runtime handles (installed by the cluster layer).
pub struct Resolver {
    pub actor: fn(node: u64, id: u64) -> Option<RawActorRef>,
    pub reply: fn(node: u64, id: u64) -> Option<RawReply>,
}

static RESOLVER: OnceLock<Resolver> = OnceLock::new();

/// Installs the process's resolver (once; later calls are ignored and return false).
pub fn set_resolver(r: Resolver) -> bool {
    RESOLVER.set(r).is_ok()
}

/// A new `ActorRef` object taking over `r`'s count.
pub fn new_actor_ref(heap: &Heap, desc: &'static TypeDesc, r: RawActorRef) -> Value {
    let (id, name) = (r.id(), r.name().to_string());
    let v = alloc_actor_ref(heap, desc, 0, id, &name);
    // SAFETY: `v` is the ActorRefObj just built.
    unsafe { (*(v as *mut ActorRefObj)).actor = r.into_raw() };
    v
}

/// A new `ActorRef` object for a wire identity, resolved through the resolver when one is
/// installed.
pub fn actor_ref_from_wire(
    heap: &Heap,
    desc: &'static TypeDesc,
    node: u64,
    id: u64,
    name: &str,
) -> Value {
    let v = alloc_actor_ref(heap, desc, node, id, name);
    if let Some(r) = RESOLVER.get().and_then(|r| (r.actor)(node, id)) {
        // SAFETY: `v` is the ActorRefObj just built.
        unsafe { (*(v as *mut ActorRefObj)).actor = r.into_raw() };
    }
    v
}

fn alloc_actor_ref(heap: &Heap, desc: &'static TypeDesc, node: u64, id: u64, name: &str) -> Value {
    let p = heap.alloc(desc, std::mem::size_of::<ActorRefObj>() + name.len());
    // SAFETY: room for the struct plus the name bytes.
    unsafe {
        let o = p.cast::<ActorRefObj>();
        (*o).actor = ptr::null();
        (*o).node = node;
        (*o).id = id;
        (*o).name_len = name.len() as u64;
        ptr::copy_nonoverlapping(name.as_ptr(), o.add(1).cast::<u8>(), name.len());
    }
    p as Value
}

/// The runtime handle of an `ActorRef` value (a new count), None when unresolved.
///
/// # Safety
/// `v` must be a live `ActorRefObj`.
pub unsafe fn actor_ref_raw(v: Value) -> Option<RawActorRef> {
    // SAFETY: `actor` holds one count of a live actor; we take a new one for the caller.
    unsafe {
        let a = (*(v as *const ActorRefObj)).actor;
        if a.is_null() {
            return None;
        }
        let held = std::mem::ManuallyDrop::new(RawActorRef::from_raw(a));
        Some((*held).clone())
    }
}

/// A new `Reply` object taking over the copy `r`.
/// The runtime reference an `ActorRef` object holds, borrowed for as long as the object lives
/// (no count taken: the caller must not keep it past the object).
///
/// # Safety
/// `v` must be a live `ActorRef` object that outlives every use of the result.
pub unsafe fn actor_ref_borrow(v: Value) -> Option<std::mem::ManuallyDrop<RawActorRef>> {
    // SAFETY: guaranteed by the caller; the object owns one count of `actor`, which the
    // ManuallyDrop never gives back.
    unsafe {
        let a = (*(v as *const ActorRefObj)).actor;
        (!a.is_null()).then(|| std::mem::ManuallyDrop::new(RawActorRef::from_raw(a)))
    }
}

/// The reply handle a `Reply` object holds, borrowed like [`actor_ref_borrow`].
///
/// # Safety
/// `v` must be a live `Reply` object that outlives every use of the result.
pub unsafe fn reply_borrow(v: Value) -> Option<std::mem::ManuallyDrop<RawReply>> {
    // SAFETY: as above.
    unsafe {
        let r = (*(v as *const ReplyObj)).reply;
        (!r.is_null()).then(|| std::mem::ManuallyDrop::new(RawReply::from_raw(r)))
    }
}

pub fn new_reply(heap: &Heap, desc: &'static TypeDesc, r: RawReply) -> Value {
    let p = r.into_raw();
    // The slot's address is unique while any copy lives: a per-process reply number.
    alloc_reply(heap, desc, p, 0, p as u64)
}

/// A new `Reply` object for a wire identity.
pub fn reply_from_wire(heap: &Heap, desc: &'static TypeDesc, node: u64, id: u64) -> Value {
    let r = RESOLVER
        .get()
        .and_then(|r| (r.reply)(node, id))
        .map_or(ptr::null(), |r| r.into_raw());
    alloc_reply(heap, desc, r, node, id)
}

fn alloc_reply(heap: &Heap, desc: &'static TypeDesc, r: *const (), node: u64, id: u64) -> Value {
    let p = heap.alloc(desc, std::mem::size_of::<ReplyObj>());
    // SAFETY: room for a ReplyObj.
    unsafe {
        let o = p.cast::<ReplyObj>();
        (*o).reply = r;
        (*o).node = node;
        (*o).id = id;
    }
    p as Value
}

/// The runtime handle of a `Reply` value (a new copy), None when unresolved.
///
/// # Safety
/// `v` must be a live `ReplyObj`.
pub unsafe fn reply_raw(v: Value) -> Option<RawReply> {
    // SAFETY: `reply` holds one copy; cloning makes another for the caller.
    unsafe {
        let r = (*(v as *const ReplyObj)).reply;
        if r.is_null() {
            return None;
        }
        let held = std::mem::ManuallyDrop::new(RawReply::from_raw(r));
        Some((*held).clone())
    }
}

/// A new `GrainRef` object; takes over the reference of `identity` (a tuple value of
/// `grain.identity`).
pub fn new_grain_ref(
    heap: &Heap,
    desc: &'static TypeDesc,
    grain: &'static GrainTypeDesc,
    identity: Value,
) -> Value {
    let p = heap.alloc(desc, std::mem::size_of::<GrainRefObj>());
    // SAFETY: room for a GrainRefObj.
    unsafe {
        let o = p.cast::<GrainRefObj>();
        (*o).grain = grain;
        (*o).identity = identity;
    }
    p as Value
}

/// A copy of a handle object in `heap` referring to the same actor/reply/grain (children
/// retained).
///
/// # Safety
/// `v` must be a live handle object.
pub unsafe fn clone_handle(v: Value, heap: &Heap) -> Value {
    // SAFETY: layouts follow the header's descriptor.
    unsafe {
        let d = desc_of(v);
        match d.kind {
            crate::abi::desc::kind::ACTOR_REF => {
                let o = v as *const ActorRefObj;
                let c = alloc_actor_ref(heap, d, (*o).node, (*o).id, actor_ref_name(v));
                if let Some(r) = actor_ref_raw(v) {
                    (*(c as *mut ActorRefObj)).actor = r.into_raw();
                }
                c
            }
            crate::abi::desc::kind::REPLY => {
                let o = v as *const ReplyObj;
                let r = reply_raw(v).map_or(ptr::null(), |r| r.into_raw());
                alloc_reply(heap, d, r, (*o).node, (*o).id)
            }
            crate::abi::desc::kind::GRAIN_REF => {
                let o = v as *const GrainRefObj;
                let g = &*(*o).grain;
                super::rc::retain((*o).identity, g.identity());
                new_grain_ref(heap, d, g, (*o).identity)
            }
            // Not a handle (a descriptor the runtime does not know): an empty struct.
            _ => new_struct(heap, d, 0),
        }
    }
}
