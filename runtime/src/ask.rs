//! Ask and reply: a one-shot reply slot shared by the asker and every copy of the `Reply` handle.
//!
//! The slot is lock-free: one state word (`VALUE`, `WAKER`, `CLOSED` bits) guards two cells.
//! Exactly one completer exists per slot (the winner of the `answered` swap: the first answer,
//! or the `Stopped` of the last dropped copy) and exactly one asker. The completer writes the
//! value, then sets `VALUE`; the asker writes its waker, then sets `WAKER`; each side reads the
//! other's cell only after seeing the other's bit in the result of its own `fetch_or`, so the
//! cells are never accessed concurrently. `CLOSED` (asker gave up) makes the completer take its
//! value back and drop it.
//!
//! The asker holds an `AskHandle`; the request message carries a `RawReply` (copies share the
//! slot). The first `send` fills the slot and wakes the asker; a second one is an error the caller
//! turns into a crash of the replier. When the last `Reply` copy is dropped unanswered *while an
//! actor is ending* (its state, queue or current message being freed, or a message dropped at a
//! dead actor) the asker gets `Stopped` at once; a reply dropped by a live actor leaves the asker
//! to its timeout. A late answer, after the timeout, is dropped.

use std::cell::{Cell, UnsafeCell};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::actor::Actor;
use crate::coro;
use crate::mailbox::{self, SendResult};
use crate::payload::Payload;
use crate::sched::Waker;

/// Why an ask produced no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AskError {
    /// No answer before the deadline (counted from the call, including a wait on a full mailbox).
    Timeout,
    /// The receiver ended (stop or crash) before answering, or had ended before the ask.
    Stopped,
    /// The receiver's node is gone (cluster layer; not produced locally).
    Unreachable,
}

impl std::fmt::Display for AskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AskError::Timeout => "Timeout",
            AskError::Stopped => "Stopped",
            AskError::Unreachable => "Unreachable",
        })
    }
}

impl std::error::Error for AskError {}

/// The default ask timeout (dialect: 5 s).
pub const DEFAULT_ASK_TIMEOUT: Duration = Duration::from_secs(5);

struct ReplySlot {
    /// `VALUE | WAKER | CLOSED` bits (see the module doc).
    state: AtomicU8,
    /// Written once by the completer before it sets `VALUE`.
    value: UnsafeCell<Option<Result<Payload, AskError>>>,
    /// Written once by the asker before it sets `WAKER`.
    waker: UnsafeCell<Option<Waker>>,
    /// Set by the first `send`; a second `send` finds it set (double reply).
    answered: AtomicBool,
    /// Number of live `RawReply` copies.
    handles: AtomicUsize,
}

const VALUE: u8 = 1;
const WAKER: u8 = 2;
const CLOSED: u8 = 4;

// SAFETY: the cells are only touched under the protocol described in the module doc (one writer
// per cell, the reader synchronized through the AcqRel `fetch_or` on `state`); their contents
// (payloads, wakers) are `Send`.
unsafe impl Sync for ReplySlot {}
// SAFETY: as above.
unsafe impl Send for ReplySlot {}

impl ReplySlot {
    /// Delivers the result. Only the single completer calls this (see `answered`).
    fn complete(&self, result: Result<Payload, AskError>) {
        // Acquire: pairs with the asker's AcqRel `fetch_or(CLOSED)`; a stale read only costs
        // the slow path below.
        if self.state.load(Ordering::Acquire) & CLOSED != 0 {
            drop(result); // the asker is gone: a late answer is dropped
            return;
        }
        // SAFETY: the single completer writes `value` before publishing `VALUE`; the asker reads
        // it only after seeing `VALUE`.
        unsafe { *self.value.get() = Some(result) };
        // AcqRel: Release publishes the value to the asker; Acquire makes the asker's waker (written
        // before its `fetch_or(WAKER)`) visible to us.
        let prev = self.state.fetch_or(VALUE, Ordering::AcqRel);
        if prev & CLOSED != 0 {
            // The asker closed before seeing VALUE and will never read the cell: take it back.
            // SAFETY: as above; nobody else reads `value` now.
            let late = unsafe { (*self.value.get()).take() };
            drop(late);
        } else if prev & WAKER != 0 {
            // SAFETY: the asker wrote the waker before setting WAKER and never touches it again.
            if let Some(w) = unsafe { (*self.waker.get()).take() } {
                w.wake();
            }
        }
    }
}

/// The asker's end of an ask. `closed` is a private shortcut: once the asker has taken its result
/// (and closed the slot itself) dropping the handle need not lock the slot again.
pub struct AskHandle(Arc<ReplySlot>, Cell<bool>);
// (`.1` is true once the asker took its result or closed the slot.)

/// One copy of a `Reply` handle (the replier's end). Clone = another copy of the same channel.
pub struct RawReply(Arc<ReplySlot>);

/// The second answer to one ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoubleReply;

/// Creates a reply channel.
pub fn reply_channel() -> (AskHandle, RawReply) {
    let slot = Arc::new(ReplySlot {
        state: AtomicU8::new(0),
        value: UnsafeCell::new(None),
        waker: UnsafeCell::new(None),
        answered: AtomicBool::new(false),
        handles: AtomicUsize::new(1),
    });
    (AskHandle(slot.clone(), Cell::new(false)), RawReply(slot))
}

impl RawReply {
    /// Answers. Never waits. A second answer (through any copy) returns `DoubleReply` and drops
    /// `value`; the caller crashes the replier.
    pub fn send(&self, value: Payload) -> Result<(), DoubleReply> {
        // AcqRel: the winner's later writes to the slot happen after every earlier answer attempt
        // observed the flag; exactly one swap sees `false` whatever the ordering.
        if self.0.answered.swap(true, Ordering::AcqRel) {
            drop(value);
            return Err(DoubleReply);
        }
        self.0.complete(Ok(value));
        Ok(())
    }

    /// Whether some copy has answered already.
    pub fn is_answered(&self) -> bool {
        // Acquire pairs with the AcqRel swap in `send`; a snapshot is all callers need.
        self.0.answered.load(Ordering::Acquire)
    }
}

impl RawReply {
    /// Converts into a plain pointer holding this copy (for compiled code).
    pub fn into_raw(self) -> *const () {
        let p = Arc::as_ptr(&self.0).cast::<()>();
        // The copy's count and the Arc count move into the pointer.
        std::mem::forget(self);
        p
    }

    /// # Safety
    /// `p` must come from `RawReply::into_raw`; the copy it holds is taken over.
    pub unsafe fn from_raw(p: *const ()) -> RawReply {
        // SAFETY: `into_raw` leaked one Arc count for exactly this pointer.
        RawReply(unsafe { Arc::from_raw(p.cast::<ReplySlot>()) })
    }
}

impl AskHandle {
    /// Boxes the handle into a plain pointer (for compiled code).
    pub fn into_raw(self) -> *mut AskHandle {
        Box::into_raw(Box::new(self))
    }

    /// # Safety
    /// `p` must come from `AskHandle::into_raw` and is taken over.
    pub unsafe fn from_raw(p: *mut AskHandle) -> AskHandle {
        // SAFETY: guaranteed by the caller.
        unsafe { *Box::from_raw(p) }
    }
}

impl Clone for RawReply {
    fn clone(&self) -> Self {
        // Relaxed: like `Arc::clone`, a new copy is made from an existing one, which keeps the
        // count above zero; no other memory is published by this increment.
        self.0.handles.fetch_add(1, Ordering::Relaxed);
        RawReply(self.0.clone())
    }
}

impl Drop for RawReply {
    fn drop(&mut self) {
        // AcqRel (as in `Arc::drop`): the last dropper must see every other copy's `send`
        // (their `answered` swap happened before their decrement).
        // The `answered` swap (AcqRel, as in `send`) makes the Stopped answer exclusive with any
        // concurrent answer: exactly one swap sees `false`.
        if self.0.handles.fetch_sub(1, Ordering::AcqRel) == 1
            && ENDING.with(|e| e.get() > 0)
            && !self.0.answered.swap(true, Ordering::AcqRel)
        {
            self.0.complete(Err(AskError::Stopped));
        }
    }
}

thread_local! {
    /// > 0 while the runtime drops what an ending actor owned (or a message refused by one).
    static ENDING: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f` (which drops things an ending actor owned) so that unanswered replies fail `Stopped`.
pub(crate) fn with_ending<R>(f: impl FnOnce() -> R) -> R {
    ENDING.with(|e| e.set(e.get() + 1));
    let r = f();
    ENDING.with(|e| e.set(e.get() - 1));
    r
}

impl AskHandle {
    /// Waits for the answer for at most `timeout` (for callers that sent the request themselves).
    pub fn wait_timeout(&self, timeout: Duration) -> Result<Payload, AskError> {
        self.wait(Instant::now() + timeout)
    }

    /// Waits for the answer until `deadline`: suspends an actor's turn, parks a plain thread.
    pub(crate) fn wait(&self, deadline: Instant) -> Result<Payload, AskError> {
        if self.1.get() {
            return Err(AskError::Timeout); // already taken or closed
        }
        let slot = &*self.0;
        loop {
            // Acquire: pairs with the completer's AcqRel `fetch_or(VALUE)`.
            let st = slot.state.load(Ordering::Acquire);
            if st & VALUE != 0 {
                return self.take_value();
            }
            if st & WAKER == 0 {
                // First time: register the waker. The deadline was just computed by the caller
                // (a zero timeout still ends: the timer fires at once), so no clock read here.
                // SAFETY: only the asker writes `waker`, once, before publishing WAKER; the
                // completer reads it only after seeing WAKER.
                unsafe { *slot.waker.get() = Some(coro::prepare_wait()) };
                // AcqRel: Release publishes the waker; Acquire sees a value published meanwhile.
                if slot.state.fetch_or(WAKER, Ordering::AcqRel) & VALUE != 0 {
                    return self.take_value();
                }
            } else if Instant::now() >= deadline {
                self.1.set(true);
                // AcqRel: as above; an answer that won the race is still taken (and returned).
                if slot.state.fetch_or(CLOSED, Ordering::AcqRel) & VALUE != 0 {
                    // SAFETY: VALUE was set before our CLOSED: the completer will not touch the
                    // cell again, and we read it once.
                    let v = unsafe { (*slot.value.get()).take() };
                    return v.unwrap_or(Err(AskError::Timeout));
                }
                return Err(AskError::Timeout);
            }
            coro::wait(Some(deadline));
        }
    }

    fn take_value(&self) -> Result<Payload, AskError> {
        self.1.set(true);
        // SAFETY: VALUE is set, so the completer finished writing and never touches the cell
        // again; `.1` makes sure the asker reads it once.
        let v = unsafe { (*self.0.value.get()).take() };
        v.unwrap_or(Err(AskError::Timeout))
    }

    fn close(&self) {
        if self.1.replace(true) {
            return;
        }
        // AcqRel: as in `wait`. If an answer arrived first, drop it here.
        if self.0.state.fetch_or(CLOSED, Ordering::AcqRel) & VALUE != 0 {
            // SAFETY: as in `take_value`.
            let v = unsafe { (*self.0.value.get()).take() };
            drop(v);
        }
    }
}

impl Drop for AskHandle {
    fn drop(&mut self) {
        // The asker is gone (finished or crashed): later answers are dropped at once.
        self.close();
    }
}

/// Sends `msg` (carrying the reply handle of `handle`) and waits for the answer.
pub(crate) fn ask(
    target: &Arc<Actor>,
    msg: Payload,
    handle: &AskHandle,
    timeout: Duration,
) -> Result<Payload, AskError> {
    let deadline = Instant::now() + timeout;
    match mailbox::send(target, msg, Some(deadline)) {
        SendResult::Delivered => handle.wait(deadline),
        SendResult::Dropped => {
            handle.close();
            Err(AskError::Stopped)
        }
        SendResult::TimedOut => {
            handle.close();
            Err(AskError::Timeout)
        }
    }
}
