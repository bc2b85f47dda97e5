//! Bounded mailboxes: the per-actor FIFO, the scheduling token, and `send` with backpressure.
//!
//! One lock (`SpinLock`, see `sched/spin.rs`: one atomic swap to take it, a plain `Release`
//! store to drop it) guards a mailbox's queue *and* the actor's scheduling flag, so "enqueue and
//! decide whether to schedule" is one atomic step: an actor is scheduled exactly when its mailbox
//! goes from empty-and-idle to non-empty (or when a timer/stop request needs a turn), and the
//! token (`scheduled == true`) has exactly one owner: a run queue, a running worker, or a
//! suspended turn. The lock's Acquire/Release pair is also what orders consecutive token owners'
//! accesses to the actor's `RunCell`: the releasing owner's last writes happen before its
//! unlocking store, which the next sender's locking swap reads before it hands the token on.
//!
//! A send to a full mailbox parks the *sender* in `waiters` together with its message. The
//! receiver admits waiters in order and in batches (when a pop leaves the queue at most half
//! full it moves waiting messages in until the queue is full again) and wakes their senders, so
//! a woken sender never has to retry. While anyone waits, a new sender queues behind them even if
//! there is room, which keeps admission first-come first-served. Messages from one sender keep
//! their order: a sender has at most one message in flight while it waits.
//!
//! Why the admission is correct (loom-style case analysis, everything below under the lock):
//! - *No stranded waiter.* A sender parks only when the queue is full or others wait. After any
//!   admission either no waiter is left or the queue is full again, and between admissions the
//!   queue stays above half full (admission runs at the pop that takes it to half), so whenever
//!   a waiter exists the queue is non-empty, the receiver holds the token, and it will pop again.
//!   A dead receiver drains `waiters` in `kill` and wakes everyone.
//! - *Bound.* Admission stops at `capacity`; direct sends need `len < capacity`; only forced
//!   sends (self-sends, runtime notices) may exceed it.
//! - *Timed-out waiters* (asks) mark their entry `Cancelled` under the entry's own lock; the
//!   receiver's `take_for_delivery` and the sender's cancel exclude each other there, so a
//!   message is either admitted or dropped by its sender, never both.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

use crate::actor::{Actor, ExitHook};
use crate::ask::with_ending;
use crate::coro;
use crate::payload::Payload;
use crate::sched::{self, Waker};

/// The lock-protected part of an actor (see the module doc).
pub(crate) struct Mailbox {
    queue: MsgQueue,
    waiters: LazyDeque<Arc<PendingSend>>,
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
            queue: MsgQueue::default(),
            waiters: LazyDeque::default(),
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

    /// Takes the next item for the running turn. Blocked senders are admitted in batches: when a
    /// pop leaves the queue at most half full, the oldest waiters' messages move in, in order,
    /// until the queue is full again, and their wakers are returned (to be woken after the lock
    /// is released). Admitting one waiter per freed slot would make every message of a saturated
    /// fan-in cost a suspend and a wake; with the half-full watermark each woken sender usually
    /// finds room for several more messages before it waits again. With `release_when_empty` an
    /// empty mailbox also ends the turn here (saves a lock round trip per turn on the latency
    /// path).
    pub(crate) fn pop(&mut self, release_when_empty: bool) -> (Popped, Vec<Waker>) {
        if self.stop_requested {
            return (Popped::Stop, Vec::new());
        }
        match self.queue.pop_front() {
            Some(p) => {
                self.after_due = false; // a message broke the silence
                let mut wake = Vec::new();
                if !self.waiters.is_empty() && self.queue.len() <= self.capacity as usize / 2 {
                    while self.queue.len() < self.capacity as usize {
                        let Some(w) = self.waiters.pop_front() else {
                            break;
                        };
                        if let Some((payload, waker)) = w.take_for_delivery() {
                            self.queue.push_back(payload);
                            wake.push(waker);
                        }
                    }
                }
                (Popped::Msg(p), wake)
            }
            None if self.after_due => {
                self.after_due = false;
                (Popped::After, Vec::new())
            }
            None if release_when_empty => {
                self.scheduled = false;
                (Popped::Released, Vec::new())
            }
            None => (Popped::Empty, Vec::new()),
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
    ) -> (MsgQueue, VecDeque<Arc<PendingSend>>, Option<ExitHook>, bool) {
        self.dead = true;
        (
            std::mem::take(&mut self.queue),
            self.waiters.take(),
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
        sched::schedule_ref(target);
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
    // Room, and nobody waiting before us (waiters are admitted in order: see `Mailbox::pop`).
    if mb.queue.len() < mb.capacity as usize && mb.waiters.is_empty() {
        mb.queue.push_back(msg);
        let schedule = !std::mem::replace(&mut mb.scheduled, true);
        drop(mb);
        if schedule {
            sched::schedule_ref(target);
        }
        return SendResult::Delivered;
    }
    // Full, or others wait already: park the message with the sender. The receiver is scheduled
    // (whenever senders wait its queue is more than half full, so not empty) and will hand our
    // message in when a pop leaves the queue at most half full.
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

/// The queued messages: the oldest in an inline slot, the rest in a ring buffer allocated only
/// when two or more wait at once. Most mailboxes hold at most one message at a time (a
/// request, a ping, a token), so an actor that has drained its mailbox keeps no buffer: an
/// idle actor costs no queue memory however many messages it has handled.
#[derive(Default)]
pub(crate) struct MsgQueue {
    first: Option<Payload>,
    rest: LazyDeque<Payload>,
}

impl MsgQueue {
    pub(crate) fn push_back(&mut self, p: Payload) {
        // The inline slot holds the oldest message, so it takes one only when nothing waits.
        if self.first.is_none() && self.rest.is_empty() {
            self.first = Some(p);
        } else {
            self.rest.push_back(p);
        }
    }

    pub(crate) fn pop_front(&mut self) -> Option<Payload> {
        self.first.take().or_else(|| self.rest.pop_front())
    }

    pub(crate) fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none() && self.rest.is_empty()
    }
}

/// A ring buffer whose header is allocated on first use: the queues an idle actor rarely
/// needs (the overflow of its mailbox, its blocked senders) cost one pointer until then.
pub(crate) struct LazyDeque<T>(Option<Box<VecDeque<T>>>);

impl<T> Default for LazyDeque<T> {
    fn default() -> Self {
        LazyDeque(None)
    }
}

impl<T> LazyDeque<T> {
    pub(crate) fn push_back(&mut self, v: T) {
        self.0.get_or_insert_with(Box::default).push_back(v);
    }

    pub(crate) fn pop_front(&mut self) -> Option<T> {
        self.0.as_mut()?.pop_front()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |d| d.len())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Everything queued, leaving this empty.
    pub(crate) fn take(&mut self) -> VecDeque<T> {
        self.0.take().map(|b| *b).unwrap_or_default()
    }
}
