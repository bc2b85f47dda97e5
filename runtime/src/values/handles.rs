//! Handle values: `ActorRef`, `Reply` and `GrainRef` objects wrapping the runtime's raw handles,
//! plus the node-name table used to print references and the wire identities of handles.
//!
//! Wire identities are provisional until the cluster layer exists: node 0 is "this node" (named
//! `local` unless `set_node_name(0, ..)` says otherwise), an actor is identified by its
//! incarnation id, a reply by a per-process number. Decoding yields *unresolved* handles (no
//! runtime pointer) unless a resolver is installed (`set_resolver`), which the cluster layer
//! will do; unresolved handles still print, compare and re-encode.
//!
//! An `ActorRef` object of a supervised child (`spec/abi.md` §9) routes through the child's
//! `StableRef` instead of one incarnation: its `actor` field holds `StableRef::into_raw | 1`
//! (the low bit tags it; actor pointers are aligned, so theirs is 0), its node is 0 and its id
//! the reference's `stable_id`. Only this file and `rc.rs` (freeing) look inside `actor`; every
//! other reader goes through [`actor_ref_borrow`] / [`actor_ref_raw`] or reads node and id.

use std::ptr;
use std::sync::{OnceLock, RwLock};

use super::heap::Heap;
use super::obj::*;
use super::rc::desc_of;
use crate::abi::desc::{GrainTypeDesc, TypeDesc};
use crate::supervise::StableRef;
use crate::{RawActorRef, RawReply};

/// The tag in the low bit of `ActorRefObj.actor` marking a `StableRef` pointer.
const STABLE_TAG: usize = 1;

/// What an `ActorRefObj.actor` field holds.
enum Target {
    None,
    Actor(*const crate::Actor),
    Stable(*const ()),
}

fn target_of(a: *const crate::Actor) -> Target {
    if a.is_null() {
        Target::None
    } else if a as usize & STABLE_TAG != 0 {
        Target::Stable((a as usize & !STABLE_TAG) as *const ())
    } else {
        Target::Actor(a)
    }
}

/// The runtime reference an `ActorRef` object holds, borrowed (see [`actor_ref_borrow`]).
pub enum RefTarget {
    /// One incarnation (`spawn`, `self`, an actor resolved from the wire).
    Actor(std::mem::ManuallyDrop<RawActorRef>),
    /// A supervised child, across its restarts.
    Stable(std::mem::ManuallyDrop<StableRef>),
}

/// A new `ActorRef` object routing through `r` (a supervised child whose actor type is
/// `actor_name`), taking over `r`'s count.
pub fn new_stable_actor_ref(
    heap: &Heap,
    desc: &'static TypeDesc,
    r: StableRef,
    actor_name: &str,
) -> Value {
    let v = alloc_actor_ref(heap, desc, 0, r.stable_id(), actor_name);
    let p = r.into_raw() as usize | STABLE_TAG;
    // SAFETY: `v` is the ActorRefObj just built.
    unsafe { (*(v as *mut ActorRefObj)).actor = p as *const crate::Actor };
    v
}

/// Drops the count an `ActorRefObj.actor` field holds (freeing the object).
///
/// # Safety
/// `a` must be the field of an object being freed, dropped once.
pub(crate) unsafe fn drop_actor_field(a: *const crate::Actor) {
    // SAFETY: the field holds one count of what it points at (`new_actor_ref`,
    // `new_stable_actor_ref`, `clone_handle`).
    unsafe {
        match target_of(a) {
            Target::None => {}
            Target::Actor(p) => drop(RawActorRef::from_raw(p)),
            Target::Stable(p) => drop(StableRef::from_raw(p)),
        }
    }
}

/// A new count of what an `ActorRefObj.actor` field holds, as a field value.
///
/// # Safety
/// `a` must be the field of a live object.
unsafe fn clone_actor_field(a: *const crate::Actor) -> *const crate::Actor {
    // SAFETY: the field holds one count, kept (ManuallyDrop); the clone is a new one.
    unsafe {
        match target_of(a) {
            Target::None => ptr::null(),
            Target::Actor(p) => {
                let held = std::mem::ManuallyDrop::new(RawActorRef::from_raw(p));
                (*held).clone().into_raw()
            }
            Target::Stable(p) => {
                let held = std::mem::ManuallyDrop::new(StableRef::from_raw(p));
                ((*held).clone().into_raw() as usize | STABLE_TAG) as *const crate::Actor
            }
        }
    }
}

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

/// The runtime handle of an `ActorRef` value (a new count), None when unresolved. For a
/// reference routed through a supervised child's `StableRef`, the child's current incarnation
/// (None while it restarts or once it is gone).
///
/// # Safety
/// `v` must be a live `ActorRefObj`.
pub unsafe fn actor_ref_raw(v: Value) -> Option<RawActorRef> {
    // SAFETY: guaranteed by the caller; the borrow ends inside this call.
    match unsafe { actor_ref_borrow(v) }? {
        RefTarget::Actor(r) => Some((*r).clone()),
        RefTarget::Stable(s) => s.current(),
    }
}

/// The runtime reference an `ActorRef` object holds, borrowed for as long as the object lives
/// (no count taken: the caller must not keep it past the object). None when unresolved.
///
/// # Safety
/// `v` must be a live `ActorRef` object that outlives every use of the result.
pub unsafe fn actor_ref_borrow(v: Value) -> Option<RefTarget> {
    // SAFETY: guaranteed by the caller; the object owns one count of `actor`, which the
    // ManuallyDrop never gives back.
    unsafe {
        match target_of((*(v as *const ActorRefObj)).actor) {
            Target::None => None,
            Target::Actor(p) => Some(RefTarget::Actor(std::mem::ManuallyDrop::new(
                RawActorRef::from_raw(p),
            ))),
            Target::Stable(p) => Some(RefTarget::Stable(std::mem::ManuallyDrop::new(
                StableRef::from_raw(p),
            ))),
        }
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

/// A new `Reply` object taking over the copy `r`.
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
                (*(c as *mut ActorRefObj)).actor = clone_actor_field((*o).actor);
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
