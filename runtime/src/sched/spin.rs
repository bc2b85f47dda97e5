//! The mailbox lock: a test-and-test-and-set spin lock whose unlock is a plain store.
//!
//! Why not `parking_lot::Mutex`: its unlock is a compare-and-swap (it must check for parked
//! waiters), so every mailbox critical section cost two atomic read-modify-writes; here it costs
//! one (the acquiring `swap`), and the unlock is a `Release` store, which on x86 is an ordinary
//! `mov`. A message on the latency path takes three mailbox critical sections (the send, the pop,
//! and the pop that finds the mailbox empty and releases the scheduling token), so this saves
//! three read-modify-writes per message (measured in `spec/runtime.md` §9).
//!
//! Spinning is acceptable because every critical section is a few dozen instructions that never
//! block: push or pop on a `VecDeque`, flag updates, and at most one uncontended lock of a blocked
//! sender's entry (`PendingSend`). Nothing that may wait, allocate unboundedly or run user code
//! happens under it, except dropping a replaced exit hook (rare; supervision set-up). A holder that
//! the OS preempts would make others spin for a time slice, so after a short bounded spin a waiter
//! yields its thread instead of burning the core (this machine has 2 cores shared with builds).

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};

/// A spin lock around `T`.
pub(crate) struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock gives exclusive access to `value` to one thread at a time (see `lock`), so
// sharing the lock is sound when `T` may be sent between threads, as for `std::sync::Mutex`.
unsafe impl<T: Send> Sync for SpinLock<T> {}
// SAFETY: moving the lock moves the value; `T: Send` makes that sound.
unsafe impl<T: Send> Send for SpinLock<T> {}

impl<T> SpinLock<T> {
    pub(crate) const fn new(value: T) -> SpinLock<T> {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Takes the lock (spinning briefly, then yielding the thread, while another thread holds it).
    #[inline]
    pub(crate) fn lock(&self) -> SpinGuard<'_, T> {
        // Acquire: pairs with the Release store in `SpinGuard::drop`, so everything the previous
        // holder wrote inside its critical section is visible to us. The swap is the only
        // read-modify-write of an uncontended lock.
        if self.locked.swap(true, Ordering::Acquire) {
            self.lock_contended();
        }
        SpinGuard { lock: self }
    }

    #[cold]
    fn lock_contended(&self) {
        let mut spins = 0u32;
        loop {
            // Relaxed: a read-only wait for the lock to look free (test-and-test-and-set), which
            // keeps the cache line shared while we wait; the Acquire swap below is what
            // synchronizes with the previous holder.
            while self.locked.load(Ordering::Relaxed) {
                if spins < 64 {
                    for _ in 0..(1u32 << (spins / 16).min(3)) {
                        std::hint::spin_loop();
                    }
                    spins += 1;
                } else {
                    // The holder is probably preempted: give the core away.
                    std::thread::yield_now();
                }
            }
            // Acquire: as in `lock`.
            if !self.locked.swap(true, Ordering::Acquire) {
                return;
            }
        }
    }

    /// Exclusive access without locking (the caller has `&mut`).
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }
}

/// Holds the lock; unlocks on drop.
pub(crate) struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: the guard exists only while this thread holds the lock, so no other reference
        // to the value is live (see `lock`).
        unsafe { &*self.lock.value.get() }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only access through the guard.
        unsafe { &mut *self.lock.value.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        // Release: publishes every write of the critical section to the next holder, whose
        // Acquire swap reads this store (or a later one). Only the holder writes `false`, so a
        // plain store suffices: no read-modify-write on unlock.
        self.lock.locked.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::SpinLock;
    use std::sync::Arc;

    #[test]
    fn excludes_concurrent_increments() {
        let l = Arc::new(SpinLock::new(0u64));
        let hs: Vec<_> = (0..4)
            .map(|_| {
                let l = l.clone();
                std::thread::spawn(move || {
                    for _ in 0..100_000 {
                        *l.lock() += 1;
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().expect("thread");
        }
        assert_eq!(*l.lock(), 400_000);
    }
}
