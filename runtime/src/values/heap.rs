//! Heaps: every heap object belongs to exactly one heap (an actor's, `main`'s, an in-flight
//! message's), linked into it through an intrusive circular doubly-linked list in its header.
//!
//! Why a list (and not size-class slabs): freeing a crashed actor's heap must release everything
//! it owned whatever its stack frames still referenced (one walk of the list), and a message heap
//! must be spliced into the receiver's heap in O(1) (four pointer writes). Objects come from
//! mimalloc (`mi_malloc`/`mi_free`), whose per-thread heaps free an object allocated on another
//! worker without taking a lock — the common case for messages (glibc's arena locks cost a
//! fifth to two fifths of cross-core benchmarks); a list costs 16 bytes per object and no search
//! on free. Measured figures are in `spec/values.md`.
//!
//! Refcounts are non-atomic: only the heap's owner (the thread running the owning actor's turn)
//! touches its objects. Immortal objects (static data emitted by the compiler) have
//! `rc == IMMORTAL`, null links, and are never freed, mutated or counted.

use std::cell::Cell;
use std::ptr;

use libmimalloc_sys::{mi_free as free, mi_malloc as malloc, mi_realloc as realloc};

use crate::abi::desc::TypeDesc;

/// The reference count that marks an immortal static object.
pub const IMMORTAL: u32 = u32::MAX;

/// The header every heap object starts with (32 bytes).
#[repr(C)]
pub struct Header {
    /// Non-atomic reference count; `IMMORTAL` for static objects.
    pub rc: u32,
    /// Reserved, 0.
    pub flags: u32,
    /// The object's own type (for a boxed optional: the optional's descriptor).
    pub desc: *const TypeDesc,
    /// Links of the owning heap's list (null for immortal objects).
    pub next: *mut Header,
    pub prev: *mut Header,
}

impl Header {
    /// A header for static (immortal) data.
    pub const fn immortal(desc: *const TypeDesc) -> Header {
        Header {
            rc: IMMORTAL,
            flags: 0,
            desc,
            next: ptr::null_mut(),
            prev: ptr::null_mut(),
        }
    }

    pub fn desc(&self) -> &TypeDesc {
        // SAFETY: every object's descriptor is static data set at allocation.
        unsafe { &*self.desc }
    }
}

/// A set of objects with one owner. The list's sentinel is a separate allocation, made on the
/// first allocation or adoption (an idle actor's empty heap costs 8 bytes), so a `Heap` may move
/// freely (be embedded in an actor's cell, a message, a Rust struct) while objects point at the
/// sentinel; it also keeps `&mut Heap` from claiming the sentinel, which objects' links write
/// through.
pub struct Heap {
    sentinel: Cell<*mut Header>,
}

// SAFETY: a heap moves between threads only as a whole (a message heap in flight, an actor's heap
// with its actor); its objects are referenced only from inside it (and immortal static data), and
// only the current owner touches them.
unsafe impl Send for Heap {}

impl Default for Heap {
    fn default() -> Heap {
        Heap::new()
    }
}

impl Heap {
    /// An empty heap (allocates nothing yet).
    pub const fn new() -> Heap {
        Heap {
            sentinel: Cell::new(ptr::null_mut()),
        }
    }

    /// The sentinel, created on first use.
    fn s(&self) -> *mut Header {
        let s = self.sentinel.get();
        if !s.is_null() {
            return s;
        }
        let s = raw_alloc(std::mem::size_of::<Header>()).cast::<Header>();
        // SAFETY: `s` is a fresh allocation for one header; an empty list links to itself.
        unsafe {
            ptr::write(
                s,
                Header {
                    rc: IMMORTAL,
                    flags: 0,
                    desc: ptr::null(),
                    next: s,
                    prev: s,
                },
            )
        };
        self.sentinel.set(s);
        s
    }

    /// The sentinel if it exists (a heap without one is empty).
    fn peek(&self) -> Option<*mut Header> {
        let s = self.sentinel.get();
        (!s.is_null()).then_some(s)
    }

    /// Allocates `size` bytes (≥ the header) for an object of type `desc`, with rc 1, linked into
    /// this heap. The bytes after the header are uninitialized. Aborts when memory is exhausted
    /// (like Rust's allocation failure).
    pub fn alloc(&self, desc: &'static TypeDesc, size: usize) -> *mut Header {
        debug_assert!(size >= std::mem::size_of::<Header>());
        let p = raw_alloc(size).cast::<Header>();
        let s = self.s();
        // SAFETY: `p` is a fresh allocation of at least a header; `s` and `(*s).prev` are live
        // members of this heap's list (the sentinel or an object), owned by the caller's thread.
        unsafe {
            let last = (*s).prev;
            ptr::write(
                p,
                Header {
                    rc: 1,
                    flags: 0,
                    desc,
                    next: s,
                    prev: last,
                },
            );
            (*last).next = p;
            (*s).prev = p;
        }
        p
    }

    /// Links an unlinked (null links) object at the end of this heap: the receiver's side of a
    /// message that travelled as one object (`copy::MessageBox::take`).
    ///
    /// # Safety
    /// `p` must be a live, unlinked, non-immortal object nobody else owns.
    pub unsafe fn link(&self, p: *mut Header) {
        let s = self.s();
        // SAFETY: guaranteed by the caller; `s` and its `prev` are live members of our list.
        unsafe {
            let last = (*s).prev;
            (*p).next = s;
            (*p).prev = last;
            (*last).next = p;
            (*s).prev = p;
        }
    }

    /// Moves every object of `other` into this heap in O(1) (receiving a message).
    pub fn adopt(&self, other: &Heap) {
        let Some(o) = other.peek() else { return };
        let s = self.s();
        if ptr::eq(s, o) {
            return;
        }
        // SAFETY: both lists are well formed and owned by the caller; splicing `other`'s chain
        // before our sentinel keeps both circular.
        unsafe {
            if (*o).next == o {
                return;
            }
            let first = (*o).next;
            let last = (*o).prev;
            let tail = (*s).prev;
            (*tail).next = first;
            (*first).prev = tail;
            (*last).next = s;
            (*s).prev = last;
            (*o).next = o;
            (*o).prev = o;
        }
    }

    /// Frees every object of the heap in one pass, whatever their reference counts and whoever
    /// (a crashed actor's stack frames) still points at them. Children are not visited: they are
    /// members of the heap too. Handles (`ActorRef`, `Reply`) drop their runtime references;
    /// call this inside the runtime's "ending" context when an actor ends, so that unanswered
    /// replies fail with `Stopped`.
    pub fn free_all(&self) {
        let Some(s) = self.peek() else { return };
        // SAFETY: we walk our own list; each object is unlinked before it is freed, so a drop of
        // a handle that re-enters the allocator never sees a freed object in the list.
        unsafe {
            loop {
                let p = (*s).next;
                if p == s {
                    break;
                }
                unlink(p);
                super::rc::free_object_only(p);
            }
        }
    }

    /// Number of objects in the heap (walks the list: a diagnostic, O(n)).
    pub fn object_count(&self) -> usize {
        let Some(s) = self.peek() else { return 0 };
        let mut n = 0;
        // SAFETY: a walk of our own well-formed list.
        unsafe {
            let mut p = (*s).next;
            while p != s {
                n += 1;
                p = (*p).next;
            }
        }
        n
    }

    pub fn is_empty(&self) -> bool {
        let Some(s) = self.peek() else { return true };
        // SAFETY: reading our own sentinel.
        unsafe { (*s).next == s }
    }

    /// Whether `obj` is linked into this heap (walks the list: tests only).
    pub fn contains(&self, obj: *const Header) -> bool {
        let Some(s) = self.peek() else { return false };
        // SAFETY: a walk of our own list.
        unsafe {
            let mut p = (*s).next;
            while p != s {
                if ptr::eq(p, obj) {
                    return true;
                }
                p = (*p).next;
            }
        }
        false
    }
}

impl Drop for Heap {
    fn drop(&mut self) {
        self.free_all();
        // SAFETY: the sentinel (if any) came from `raw_alloc` in `s` and is freed once, here.
        unsafe { raw_free(self.sentinel.get().cast()) };
    }
}

/// Unlinks an object from whatever heap holds it (no heap pointer needed: the list is circular
/// with a sentinel). Immortal objects (null links) are left alone.
///
/// # Safety
/// `p` must be a live object owned by the caller's thread.
pub unsafe fn unlink(p: *mut Header) {
    // SAFETY: guaranteed by the caller; neighbours are live members of the same list.
    unsafe {
        let (n, pr) = ((*p).next, (*p).prev);
        if n.is_null() {
            return;
        }
        (*pr).next = n;
        (*n).prev = pr;
        (*p).next = ptr::null_mut();
        (*p).prev = ptr::null_mut();
    }
}

/// `malloc` that aborts on exhaustion (never returns null).
pub fn raw_alloc(size: usize) -> *mut u8 {
    // SAFETY: plain C allocation; the size is at least 1.
    let p = unsafe { malloc(size.max(1)) }.cast::<u8>();
    if p.is_null() {
        oom(size)
    }
    p
}

/// `realloc` that aborts on exhaustion.
///
/// # Safety
/// `p` must be null or come from `raw_alloc`/`raw_realloc`.
pub unsafe fn raw_realloc(p: *mut u8, size: usize) -> *mut u8 {
    // SAFETY: guaranteed by the caller.
    let q = unsafe { realloc(p.cast(), size.max(1)) }.cast::<u8>();
    if q.is_null() {
        oom(size)
    }
    q
}

/// # Safety
/// `p` must be null or come from `raw_alloc`/`raw_realloc`, and be freed once.
pub unsafe fn raw_free(p: *mut u8) {
    // SAFETY: guaranteed by the caller.
    unsafe { free(p.cast()) }
}

fn oom(size: usize) -> ! {
    std::alloc::handle_alloc_error(
        std::alloc::Layout::from_size_align(size.max(1), 8)
            .unwrap_or(std::alloc::Layout::new::<u64>()),
    )
}

thread_local! {
    /// The heap of the code running on this thread (set by the scheduler around each turn).
    static CURRENT: Cell<*const Heap> = const { Cell::new(ptr::null()) };
    /// Used when no heap is set (plain threads, tests, runtime code outside turns).
    static FALLBACK: Heap = const { Heap::new() };
}

/// Makes `heap` the current heap of this thread and returns the previous one (null = the
/// thread's fallback heap). THE SCHEDULER HOOK: the worker calls this with the actor's heap
/// before resuming a turn and restores the previous value when the turn yields, suspends,
/// ends or crashes (see `spec/values.md` §3).
///
/// # Safety
/// `heap` must be null or stay alive (and not move) until it is replaced.
pub unsafe fn set_current(heap: *const Heap) -> *const Heap {
    CURRENT.with(|c| c.replace(heap))
}

/// Runs `f` with the current heap (the fallback heap when none is set).
pub fn with_current<R>(f: impl FnOnce(&Heap) -> R) -> R {
    let p = CURRENT.with(|c| c.get());
    if p.is_null() {
        FALLBACK.with(|h| f(h))
    } else {
        // SAFETY: `set_current`'s contract keeps the heap alive while it is current.
        f(unsafe { &*p })
    }
}

/// A pointer to the current heap (the fallback heap when none is set).
pub fn current() -> *const Heap {
    with_current(|h| h as *const Heap)
}
