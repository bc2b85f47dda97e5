//! Ask and reply: a one-shot reply slot shared by the asker and every copy of the `Reply` handle.
//!
//! The asker holds an `AskHandle`; the request message carries a `RawReply` (copies share the
//! slot). The first `send` fills the slot and wakes the asker; a second one is an error the caller
//! turns into a crash of the replier. When the last `Reply` copy is dropped unanswered *while an
//! actor is ending* (its state, queue or current message being freed, or a message dropped at a
//! dead actor) the asker gets `Stopped` at once; a reply dropped by a live actor leaves the asker
//! to its timeout. A late answer, after the timeout, is dropped.

use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

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
    state: Mutex<SlotState>,
    /// Set by the first `send`; a second `send` finds it set (double reply).
    answered: AtomicBool,
    /// Number of live `RawReply` copies.
    handles: AtomicUsize,
}

enum SlotState {
    /// Not answered yet; the waker of the asker while it waits.
    Waiting(Option<Waker>),
    Ready(Result<Payload, AskError>),
    /// The asker took its result or gave up; later answers are dropped.
    Closed,
}

impl ReplySlot {
    fn complete(&self, result: Result<Payload, AskError>) {
        let mut st = self.state.lock();
        match &mut *st {
            SlotState::Waiting(w) => {
                let w = w.take();
                *st = SlotState::Ready(result);
                drop(st);
                if let Some(w) = w {
                    w.wake();
                }
            }
            _ => {
                drop(st);
                drop(result); // late or duplicate: dropped outside the lock
            }
        }
    }
}

/// The asker's end of an ask. `closed` is a private shortcut: once the asker has taken its result
/// (and closed the slot itself) dropping the handle need not lock the slot again.
pub struct AskHandle(Arc<ReplySlot>, Cell<bool>);

/// One copy of a `Reply` handle (the replier's end). Clone = another copy of the same channel.
pub struct RawReply(Arc<ReplySlot>);

/// The second answer to one ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DoubleReply;

/// Creates a reply channel.
pub fn reply_channel() -> (AskHandle, RawReply) {
    let slot = Arc::new(ReplySlot {
        state: Mutex::new(SlotState::Waiting(None)),
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
        loop {
            {
                let mut st = self.0.state.lock();
                match std::mem::replace(&mut *st, SlotState::Closed) {
                    SlotState::Ready(r) => {
                        self.1.set(true);
                        return r;
                    }
                    SlotState::Closed => {
                        self.1.set(true);
                        return Err(AskError::Timeout);
                    }
                    SlotState::Waiting(w) => {
                        // The first time through, the deadline was just computed by the caller
                        // (a zero timeout still ends: the timer fires at once); only a wake-up
                        // needs the clock (saves a clock read per ask).
                        if w.is_some() && Instant::now() >= deadline {
                            // The slot stays Closed: a late answer is dropped.
                            self.1.set(true);
                            return Err(AskError::Timeout);
                        }
                        *st = SlotState::Waiting(Some(w.unwrap_or_else(coro::prepare_wait)));
                    }
                }
            }
            coro::wait(Some(deadline));
        }
    }

    fn close(&self) {
        if self.1.replace(true) {
            return;
        }
        let old = std::mem::replace(&mut *self.0.state.lock(), SlotState::Closed);
        drop(old);
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
