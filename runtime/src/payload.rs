//! Opaque owned message payloads: a pointer plus a static vtable whose drop function frees it.
//!
//! The runtime never looks inside a payload. Compiled code will build payloads in its own value
//! model (a deep copy or a move into the receiver) and hand the runtime a pointer plus the
//! descriptor that knows how to free it; the Rust API below boxes any `Send` value.

use std::ptr::NonNull;

/// How to free one kind of payload. One static instance per message type.
#[repr(C)]
pub struct PayloadVTable {
    /// Frees everything the payload owns, including the allocation behind the pointer.
    pub drop: unsafe extern "C" fn(*mut u8),
}

/// An owned message (or reply value, or spawn argument). Dropping it runs the vtable's drop.
pub struct Payload {
    ptr: NonNull<u8>,
    vtable: &'static PayloadVTable,
}

// SAFETY: a payload is owned by exactly one place at a time (a mailbox, a reply slot, a handler's
// "current message" cell) and moves between threads only as a whole; producers promise that the
// value may be sent (the Rust constructor requires `T: Send`, compiled code deep-copies).
unsafe impl Send for Payload {}

unsafe extern "C" fn drop_box<T>(p: *mut u8) {
    // SAFETY: `p` came from `Box::<T>::into_raw` in `Payload::new::<T>` and is dropped once.
    unsafe { drop(Box::from_raw(p.cast::<T>())) }
}

struct VTableOf<T>(std::marker::PhantomData<T>);
impl<T> VTableOf<T> {
    const VTABLE: PayloadVTable = PayloadVTable {
        drop: drop_box::<T>,
    };
}

impl Payload {
    /// Boxes a Rust value.
    pub fn new<T: Send + 'static>(value: T) -> Payload {
        let ptr = Box::into_raw(Box::new(value)).cast::<u8>();
        Payload {
            // SAFETY: Box::into_raw never returns null (ZSTs get a dangling non-null pointer).
            ptr: unsafe { NonNull::new_unchecked(ptr) },
            vtable: &VTableOf::<T>::VTABLE,
        }
    }

    /// Wraps a raw payload built by compiled code.
    ///
    /// # Safety
    /// `ptr` must be non-null and valid for `vtable.drop`, which must free it exactly once.
    pub unsafe fn from_raw(ptr: *mut u8, vtable: &'static PayloadVTable) -> Option<Payload> {
        NonNull::new(ptr).map(|ptr| Payload { ptr, vtable })
    }

    /// The pointer handed to handlers; the payload keeps ownership.
    /// Whether this payload was made with `vtable` (how the runtime tells its own kinds of
    /// message payloads apart).
    pub(crate) fn made_with(&self, vtable: &'static PayloadVTable) -> bool {
        std::ptr::eq(self.vtable, vtable)
    }

    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Takes the boxed Rust value back out.
    ///
    /// # Safety
    /// The payload must have been created by `Payload::new::<T>` with this very `T`.
    pub unsafe fn into_inner<T>(self) -> T {
        let p = self.ptr.as_ptr().cast::<T>();
        std::mem::forget(self);
        // SAFETY: the caller guarantees the payload is a `Box<T>`; `forget` above prevents the
        // vtable drop from freeing it a second time.
        unsafe { *Box::from_raw(p) }
    }
}

impl Drop for Payload {
    fn drop(&mut self) {
        // SAFETY: by construction the vtable's drop matches the pointer and runs exactly once.
        unsafe { (self.vtable.drop)(self.ptr.as_ptr()) }
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payload({:p})", self.ptr)
    }
}
