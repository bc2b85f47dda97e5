//! Bounded mailboxes: the per-actor FIFO, the scheduling token, and `send` with backpressure.
//!
//! One mutex guards a mailbox's queue *and* the actor's scheduling flag, so "enqueue and decide
//! whether to schedule" is one atomic step: an actor is scheduled exactly when its mailbox goes
//! from empty-and-idle to non-empty (or when a timer/stop request needs a turn), and the token
//! (`scheduled == true`) has exactly one owner: a run queue, a running worker, or a suspended
//! turn. A send to a full mailbox parks the *sender* in `waiters` together with its message; the
//! receiver hands the oldest waiter's message into the queue as it frees a slot, so waiters are
//! served in order and a woken sender never has to retry. Messages from one sender therefore keep
//! their order: a sender has at most one message in flight while it waits.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

use crate::actor::{Actor, ExitHook};
use crate::ask::with_ending;
use crate::coro;
use crate::payload::Payload;
use crate::sched::{self, Waker};

/// The mutex-protected part of an actor.
pub(crate) struct Mailbox {
    queue: VecDeque<Payload>,
    waiters: VecDeque<Arc<PendingSend>>,
    pub(crate) exit_hook: Option<ExitHook>,
    capacity: u32,
    /// Bumped each time an `after` timer is armed; a firing timer with an older epoch is stale.
    pub(crate) after_epoch: u32,
    /// The scheduling token is taken (queued, running or suspended).
    pub(crate) scheduled: bool,
    pub(crate) dead: bool,
    /// An `after` timer fired on an empty mailbox; the next turn runs the `after` arm.
    after_due: bool,
    /// External stop request (supervisor): stop at the next message boundary.
    stop_requested: bool,
    /// Do not print a crash line (main reports its own crash).
    pub(crate) quiet: bool,
}

/// What a turn takes out of the mailbox next.
pub(crate) enum Popped {
    Msg(Payload),
    After,
    Stop,
    Empty,
    /// Empty, and the scheduling token was released in the same critical section: the turn
    /// must end without touching the actor's run cell again (another worker may own it now).
    Released,
}

impl Mailbox {
    pub(crate) fn new(capacity: u32) -> Mailbox {
        Mailbox {
            queue: VecDeque::new(),
            waiters: VecDeque::new(),
            exit_hook: None,
            capacity: capacity.max(1),
            after_epoch: 0,
            scheduled: false,
            dead: false,
            after_due: false,
            stop_requested: false,
            quiet: false,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    pub(crate) fn waiting_senders(&self) -> usize {
        self.waiters.len()
    }

    /// Takes the next item for the running turn. When that frees a slot of a full mailbox, the
    /// oldest blocked sender's message moves in and its waker is returned (to be woken after the
    /// lock is released; one pop frees one slot, so there is at most one). With
    /// `release_when_empty` an empty mailbox also ends the turn here (saves a lock round trip per
    /// turn on the latency path).
    pub(crate) fn pop(&mut self, release_when_empty: bool) -> (Popped, Option<Waker>) {
        if self.stop_requested {
            return (Popped::Stop, None);
        }
        match self.queue.pop_front() {
            Some(p) => {
                self.after_due = false; // a message broke the silence
                let mut wake = None;
                while wake.is_none() && self.queue.len() < self.capacity as usize {
                    let Some(w) = self.waiters.pop_front() else {
                        break;
                    };
                    if let Some((payload, waker)) = w.take_for_delivery() {
                        self.queue.push_back(payload);
                        wake = Some(waker);
                    }
                }
                (Popped::Msg(p), wake)
            }
            None if self.after_due => {
                self.after_due = false;
                (Popped::After, None)
            }
            None if release_when_empty => {
                self.scheduled = false;
                (Popped::Released, None)
            }
            None => (Popped::Empty, None),
        }
    }

    /// End of a turn: keeps the token when there is more to do, else releases it.
    /// Returns whether the actor must be queued again.
    pub(crate) fn end_turn(&mut self) -> bool {
        if self.queue.is_empty() && !self.after_due && !self.stop_requested {
            self.scheduled = false;
            false
        } else {
            true
        }
    }

    /// An `after` timer fired: take the token if the mailbox stayed silent since it was armed.
    pub(crate) fn fire_after(&mut self, epoch: u32) -> bool {
        if self.dead || self.scheduled || epoch != self.after_epoch || !self.queue.is_empty() {
            return false;
        }
        self.after_due = true;
        self.scheduled = true;
        true
    }

    /// Supervisor stop: returns whether the caller must schedule the actor.
    pub(crate) fn request_stop(&mut self) -> bool {
        if self.dead {
            return false;
        }
        self.stop_requested = true;
        !std::mem::replace(&mut self.scheduled, true)
    }

    /// Marks the actor dead and takes everything that must be dropped or woken.
    pub(crate) fn kill(
        &mut self,
    ) -> (
        VecDeque<Payload>,
        VecDeque<Arc<PendingSend>>,
        Option<ExitHook>,
        bool,
    ) {
        self.dead = true;
        (
            std::mem::take(&mut self.queue),
            std::mem::take(&mut self.waiters),
            self.exit_hook.take(),
            self.quiet,
        )
    }
}

/// A sender blocked on a full mailbox, with its message.
pub(crate) struct PendingSend {
    state: Mutex<PendState>,
}

enum PendState {
    Waiting(Payload, Waker),
    Delivered,
    Dropped,
    Cancelled,
}

impl PendingSend {
    /// Receiver side: move the message into the queue (returns None if the sender gave up).
    fn take_for_delivery(&self) -> Option<(Payload, Waker)> {
        let mut st = self.state.lock();
        match std::mem::replace(&mut *st, PendState::Delivered) {
            PendState::Waiting(p, w) => Some((p, w)),
            other => {
                *st = other;
                None
            }
        }
    }

    /// The receiver ended: the message is dropped (its asks get Stopped) and the sender woken.
    pub(crate) fn drop_undelivered(&self) {
        let mut st = self.state.lock();
        if let PendState::Waiting(..) = &*st {
            let PendState::Waiting(p, w) = std::mem::replace(&mut *st, PendState::Dropped) else {
                return;
            };
            drop(st);
            drop(p);
            w.wake();
        }
    }
}

/// How a send ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SendResult {
    /// Enqueued in the receiver's mailbox.
    Delivered,
    /// The receiver has ended; the message was dropped.
    Dropped,
    /// The deadline passed while the mailbox stayed full; the message was dropped.
    TimedOut,
}

/// Enqueues unconditionally (self-sends, runtime notices, worker threads outside a turn).
pub(crate) fn send_forced(target: &Arc<Actor>, msg: Payload) -> SendResult {
    let mut mb = target.mb.lock();
    if mb.dead {
        drop(mb);
        with_ending(|| drop(msg));
        return SendResult::Dropped;
    }
    mb.queue.push_back(msg);
    let schedule = !std::mem::replace(&mut mb.scheduled, true);
    drop(mb);
    if schedule {
        sched::schedule(target.clone());
    }
    SendResult::Delivered
}

/// Sends `msg`, waiting while the mailbox is full (until `deadline` if given). Waiting suspends
/// the calling actor's turn, or blocks a plain thread; a send to one's own mailbox and a send from
/// a worker thread outside any turn never wait.
pub(crate) fn send(target: &Arc<Actor>, msg: Payload, deadline: Option<Instant>) -> SendResult {
    let force = match coro::current_actor() {
        Some(me) => std::ptr::eq(me, Arc::as_ptr(target)),
        None => sched::on_worker_thread(),
    };
    if force {
        return send_forced(target, msg);
    }
    let mut mb = target.mb.lock();
    if mb.dead {
        drop(mb);
        with_ending(|| drop(msg));
        return SendResult::Dropped;
    }
    if mb.queue.len() < mb.capacity as usize {
        mb.queue.push_back(msg);
        let schedule = !std::mem::replace(&mut mb.scheduled, true);
        drop(mb);
        if schedule {
            sched::schedule(target.clone());
        }
        return SendResult::Delivered;
    }
    // Full: park the message with the sender. The receiver is scheduled (its mailbox is not
    // empty), so it will pop and hand our message in.
    let pending = Arc::new(PendingSend {
        state: Mutex::new(PendState::Waiting(msg, coro::prepare_wait())),
    });
    mb.waiters.push_back(pending.clone());
    drop(mb);
    loop {
        {
            let mut st = pending.state.lock();
            match &*st {
                PendState::Delivered => return SendResult::Delivered,
                PendState::Dropped => return SendResult::Dropped,
                PendState::Cancelled => return SendResult::TimedOut,
                PendState::Waiting(..) => {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        let old = std::mem::replace(&mut *st, PendState::Cancelled);
                        drop(st);
                        drop(old); // the message (an ask's own reply handle: its slot is closed)
                        return SendResult::TimedOut;
                    }
                }
            }
        }
        coro::wait(deadline);
    }
}
