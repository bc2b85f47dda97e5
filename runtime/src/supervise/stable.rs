//! Stable child references: a handle that follows a supervised child across its restarts.
//!
//! A `StableRef` is a shared cell (one per child of a supervisor spec, made with the spec, so it
//! also survives restarts of the supervisor itself) in one of three states:
//! - **Live** — the child's current incarnation: sends and asks go straight to it, with the
//!   mailbox's usual backpressure;
//! - **Waiting** — the child is (re)starting: between an incarnation's end (its exit hook) and
//!   the next one's spawn. Messages wait here, in order, up to the child's mailbox capacity; a
//!   sender beyond that waits (an actor's turn suspends, a plain thread parks) until the new
//!   incarnation takes the queue or the reference closes. When the supervisor binds the new
//!   incarnation the queue moves into its (empty) mailbox first, under this cell's lock, so
//!   nothing sent later can overtake it;
//! - **Closed** — the child will not run again (temporary, transient after a normal stop, or
//!   its supervisor is gone for good): sends are dropped, asks fail with `Stopped` (messages
//!   still waiting are dropped the same way).
//!
//! A send takes the Live incarnation under the lock and sends outside it; if that incarnation
//! ends in between, the message is dropped with its mailbox, as the dialect says of messages
//! "left in a crashed or stopped incarnation's mailbox". Lock order: this cell, then a mailbox
//! (`bind` moves the queue with `send_system`, which never waits); nothing that can wait or
//! run user code is called under the cell's lock (dropped messages are dropped after it).

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::actor::RawActorRef;
use crate::ask::{AskError, AskHandle, DEFAULT_ASK_TIMEOUT, reply_channel, with_ending};
use crate::coro;
use crate::payload::Payload;
use crate::sched::{self, Waker};
use crate::typed::Reply;

/// What became of a message sent through a stable reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// Handed to the live incarnation's mailbox.
    Delivered,
    /// Held for the incarnation being started.
    Held,
    /// The child will not run again (or the wait timed out, for asks): dropped.
    Dropped,
}

enum Route {
    Live(RawActorRef),
    Waiting {
        queue: VecDeque<Payload>,
        blocked: Vec<Waker>,
    },
    Closed,
}

struct Cell {
    name: String,
    capacity: usize,
    /// The reference of a supervisor child: it designates the supervisor (`current`) but
    /// takes no messages (a supervisor has no user protocol), so everything sent is dropped.
    control_only: bool,
    /// The reference's number for printing and the wire (`stable_id`), 0 until first asked.
    id: AtomicU64,
    route: Mutex<Route>,
}

/// An untyped stable reference (see the module doc). Clones share the cell.
#[derive(Clone)]
pub struct StableRef(Arc<Cell>);

/// Where one message goes (decided under the lock, carried out after it).
enum Routed {
    Live(RawActorRef, Payload),
    Held,
    Dropped(Payload),
    TimedOut(Payload),
}

impl StableRef {
    /// A reference for the child `name` whose mailbox holds `capacity` messages (0 = 1024). It
    /// starts Waiting: messages sent before the first start go to the first incarnation.
    pub fn new(name: &str, capacity: u32) -> StableRef {
        Self::make(name, capacity, false)
    }

    /// The reference of a supervisor child (sends are dropped, asks get `Stopped`).
    pub(crate) fn control(name: &str) -> StableRef {
        Self::make(name, 0, true)
    }

    fn make(name: &str, capacity: u32, control_only: bool) -> StableRef {
        let capacity = if capacity == 0 {
            1024
        } else {
            capacity as usize
        };
        StableRef(Arc::new(Cell {
            name: name.to_string(),
            capacity,
            control_only,
            id: AtomicU64::new(0),
            route: Mutex::new(Route::Waiting {
                queue: VecDeque::new(),
                blocked: Vec::new(),
            }),
        }))
    }

    /// The child's name in its supervisor.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The live incarnation, if the child is running now (a snapshot).
    pub fn current(&self) -> Option<RawActorRef> {
        match &*self.0.route.lock() {
            Route::Live(r) => Some(r.clone()),
            _ => None,
        }
    }

    /// Whether the child will not run again.
    pub fn is_closed(&self) -> bool {
        matches!(*self.0.route.lock(), Route::Closed)
    }

    /// Messages held for the next incarnation (a snapshot).
    pub fn held(&self) -> usize {
        match &*self.0.route.lock() {
            Route::Waiting { queue, .. } => queue.len(),
            _ => 0,
        }
    }

    /// Whether two references designate the same child.
    pub fn same_child(&self, other: &StableRef) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The reference's own number, the same for its whole life (compiled `ActorRef` objects
    /// routed through it print and encode it as their id). Taken on first use from the running
    /// actor's runtime's actor-id counter, so it never equals an incarnation id of that runtime;
    /// outside a runtime from a process-wide counter far above the ids runtimes hand out.
    pub fn stable_id(&self) -> u64 {
        // Relaxed: only uniqueness and the one winner of the race matter.
        let id = self.0.id.load(Ordering::Relaxed);
        if id != 0 {
            return id;
        }
        static OUTSIDE: AtomicU64 = AtomicU64::new(1 << 40);
        let fresh = match coro::current_actor() {
            Some(a) => a.rt.next_actor_id(),
            None => OUTSIDE.fetch_add(1, Ordering::Relaxed),
        };
        match self
            .0
            .id
            .compare_exchange(0, fresh, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => fresh,
            Err(won) => won,
        }
    }

    /// Converts into a raw pointer holding one count of the shared cell (for compiled code's
    /// `ActorRef` objects). At least 8-aligned, so its low bit is free for a tag.
    pub fn into_raw(self) -> *const () {
        Arc::into_raw(self.0).cast()
    }

    /// # Safety
    /// `p` must come from [`StableRef::into_raw`]; its count is taken over.
    pub unsafe fn from_raw(p: *const ()) -> StableRef {
        // SAFETY: guaranteed by the caller: `p` is an `Arc<Cell>` pointer from `into_raw`.
        StableRef(unsafe { Arc::from_raw(p.cast::<Cell>()) })
    }

    /// Sends to the current incarnation, or holds the message while the child restarts
    /// (waiting while `capacity` messages are held already). Dropped once the child is gone.
    pub fn send(&self, msg: Payload) -> SendOutcome {
        match self.route(msg, None, false) {
            Routed::Live(r, msg) => {
                r.send(msg);
                SendOutcome::Delivered
            }
            Routed::Held => SendOutcome::Held,
            Routed::Dropped(msg) | Routed::TimedOut(msg) => {
                with_ending(|| drop(msg));
                SendOutcome::Dropped
            }
        }
    }

    /// Like `send` but never waits (runtime notices): the hold queue may exceed the bound.
    pub fn send_system(&self, msg: Payload) -> SendOutcome {
        match self.route(msg, None, true) {
            Routed::Live(r, msg) => {
                r.send_system(msg);
                SendOutcome::Delivered
            }
            Routed::Held => SendOutcome::Held,
            Routed::Dropped(msg) | Routed::TimedOut(msg) => {
                with_ending(|| drop(msg));
                SendOutcome::Dropped
            }
        }
    }

    /// Asks (the message must carry the reply of `handle`): through the live incarnation, or
    /// held for the next one; `Stopped` once the child is gone or when the incarnation that
    /// holds the request ends unanswered. The timeout counts from the call, waits included.
    pub fn ask(
        &self,
        msg: Payload,
        handle: &AskHandle,
        timeout: Duration,
    ) -> Result<Payload, AskError> {
        let deadline = Instant::now() + timeout;
        match self.route(msg, Some(deadline), false) {
            Routed::Live(r, msg) => {
                let left = deadline.saturating_duration_since(Instant::now());
                r.ask(msg, handle, left)
            }
            Routed::Held => handle.wait(deadline),
            Routed::Dropped(msg) => {
                with_ending(|| drop(msg));
                Err(AskError::Stopped)
            }
            Routed::TimedOut(msg) => {
                drop(msg);
                Err(AskError::Timeout)
            }
        }
    }

    /// Decides where `msg` goes, waiting for room in the hold queue when needed (never when
    /// `force`, nor on a worker thread outside a turn, which must not block).
    fn route(&self, msg: Payload, deadline: Option<Instant>, force: bool) -> Routed {
        if self.0.control_only {
            return Routed::Dropped(msg);
        }
        let force = force || (sched::on_worker_thread() && !coro::in_actor());
        let mut msg = Some(msg);
        loop {
            let mut g = self.0.route.lock();
            match &mut *g {
                // An incarnation that has ended but whose exit the supervisor has not seen yet
                // (its exit hook, which unbinds, runs last in its ending): the child is
                // restarting, so the message waits for the next incarnation instead of being
                // dropped with the dead mailbox.
                Route::Live(r) if !r.is_alive() => {
                    let old = std::mem::replace(
                        &mut *g,
                        Route::Waiting {
                            queue: VecDeque::new(),
                            blocked: Vec::new(),
                        },
                    );
                    drop(g);
                    drop(old); // the incarnation's reference, released outside the lock
                    continue;
                }
                Route::Live(r) => {
                    let r = r.clone();
                    drop(g);
                    return Routed::Live(r, take(&mut msg));
                }
                Route::Closed => {
                    drop(g);
                    return Routed::Dropped(take(&mut msg));
                }
                Route::Waiting { queue, blocked } => {
                    if force || queue.len() < self.0.capacity {
                        queue.push_back(take(&mut msg));
                        return Routed::Held;
                    }
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        drop(g);
                        return Routed::TimedOut(take(&mut msg));
                    }
                    blocked.push(coro::prepare_wait());
                }
            }
            drop(g);
            coro::wait(deadline);
        }
    }

    /// The supervisor started `incarnation`: held messages move into its mailbox (in order,
    /// before anything sent later) and blocked senders retry. No effect once closed.
    pub(crate) fn bind(&self, incarnation: &RawActorRef) {
        let mut g = self.0.route.lock();
        let blocked = match &mut *g {
            Route::Closed => return,
            Route::Live(_) => Vec::new(),
            Route::Waiting { queue, blocked } => {
                // The new incarnation's mailbox is empty and the queue holds at most its
                // capacity (plus forced notices), so `send_system` keeps the bound.
                for m in queue.drain(..) {
                    incarnation.send_system(m);
                }
                std::mem::take(blocked)
            }
        };
        let old = std::mem::replace(&mut *g, Route::Live(incarnation.clone()));
        drop(g);
        drop(old); // an earlier incarnation's reference, if any, released outside the lock
        for w in blocked {
            w.wake();
        }
    }

    /// The incarnation `id` ended: hold messages until the supervisor decides (exit hooks call
    /// this; it never waits). No effect if another incarnation is bound already.
    pub(crate) fn unbind(&self, id: u64) {
        let mut g = self.0.route.lock();
        if matches!(&*g, Route::Live(r) if r.id() == id) {
            let old = std::mem::replace(
                &mut *g,
                Route::Waiting {
                    queue: VecDeque::new(),
                    blocked: Vec::new(),
                },
            );
            drop(g);
            drop(old); // the incarnation's reference, released outside the lock
        }
    }

    /// The child will not run again: held messages are dropped (asks `Stopped`), blocked
    /// senders released, later sends dropped.
    pub(crate) fn close(&self) {
        let old = std::mem::replace(&mut *self.0.route.lock(), Route::Closed);
        if let Route::Waiting { queue, blocked } = old {
            with_ending(|| drop(queue));
            for w in blocked {
                w.wake();
            }
        }
    }
}

/// The message in hand (always present: `route` moves it out once, on its return paths).
fn take(msg: &mut Option<Payload>) -> Payload {
    match msg.take() {
        Some(m) => m,
        None => sched::fatal("stable reference: message routed twice"),
    }
}

impl std::fmt::Debug for StableRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "stable {}", self.0.name)
    }
}

/// A typed stable reference for children accepting `M` (the Rust counterpart of `sup.child`).
pub struct Stable<M> {
    raw: StableRef,
    _m: PhantomData<fn(M)>,
}

impl<M> Clone for Stable<M> {
    fn clone(&self) -> Self {
        Stable {
            raw: self.raw.clone(),
            _m: PhantomData,
        }
    }
}

impl<M: Send + 'static> Stable<M> {
    /// # Safety
    /// Every incarnation bound to `raw` must handle `M` payloads boxed by `Payload::new::<M>`.
    pub unsafe fn from_raw(raw: StableRef) -> Stable<M> {
        Stable {
            raw,
            _m: PhantomData,
        }
    }

    pub fn raw(&self) -> &StableRef {
        &self.raw
    }

    pub fn send(&self, msg: M) -> SendOutcome {
        self.raw.send(Payload::new(msg))
    }

    /// Request/reply with the default 5 s timeout.
    pub fn ask<T: Send + 'static>(&self, build: impl FnOnce(Reply<T>) -> M) -> Result<T, AskError> {
        self.ask_timeout(build, DEFAULT_ASK_TIMEOUT)
    }

    pub fn ask_timeout<T: Send + 'static>(
        &self,
        build: impl FnOnce(Reply<T>) -> M,
        timeout: Duration,
    ) -> Result<T, AskError> {
        let (handle, reply) = reply_channel();
        let msg = build(Reply::from_raw_reply(reply));
        let answer = self.raw.ask(Payload::new(msg), &handle, timeout)?;
        // SAFETY: the only sender of values into this slot is `Reply<T>::send`, which boxes a T.
        Ok(unsafe { answer.into_inner::<T>() })
    }
}

impl<M> std::fmt::Debug for Stable<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.raw.fmt(f)
    }
}

#[cfg(test)]
#[path = "stable_tests.rs"]
mod tests;
