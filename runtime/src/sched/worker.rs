//! A worker thread: its loop, its local run queue and LIFO slot, its timers, its stack pool, and
//! the turns suspended on it.
//!
//! Loop, in order: resume suspended turns whose wake events arrived; fire due timers (every 32
//! turns, and whenever there is nothing else); run the next runnable actor (LIFO slot first,
//! bounded to 16 in a row so a ping-pong pair cannot starve the local queue; then the local
//! deque; every 61 ticks the injector first; then stealing); otherwise park until the next
//! timer deadline or a wake-up. All `RefCell`s here are only borrowed for short, non-reentrant
//! sections, never across a coroutine resume, because turn code calls back into this module
//! (timers, LIFO slot) while the worker is inside `resume`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use corosensei::CoroutineResult;
use crossbeam_deque::{Steal, Worker};

use crate::actor::{Actor, ExitReason};
use crate::coro::{self, Co, RunnerPool, TurnEnd, Yield};
use crate::sched::{Shared, queue};
use crate::timer::{TimerId, Timers};

/// How many turns in a row may come from the LIFO slot.
const LIFO_MAX: u32 = 16;

/// What a worker timer does when it fires.
pub(crate) enum TimerKind {
    /// Resume the turn of actor `.0` if it still waits with generation `.1`.
    Resume(u64, u64),
    /// An `after` timer armed at the end of a turn with this epoch.
    After { actor: Arc<Actor>, epoch: u32 },
}

/// Identity hashing for actor ids (unique integers): SipHash would cost more than the rest of
/// a resume.
#[derive(Default)]
struct IdHasher(u64);
impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        // Spread the bits so sequential ids fill hashbrown's control bytes well.
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
type IdMap<V> = HashMap<u64, V, std::hash::BuildHasherDefault<IdHasher>>;

struct Suspended {
    co: Co,
    actor: Arc<Actor>,
}

pub(crate) struct WorkerLocal {
    idx: usize,
    shared: Arc<Shared>,
    local: Worker<Arc<Actor>>,
    lifo: Cell<Option<Arc<Actor>>>,
    lifo_streak: Cell<u32>,
    timers: RefCell<Timers<TimerKind>>,
    ready: RefCell<Vec<(u64, u64)>>,
    runners: RefCell<RunnerPool>,
    suspended: RefCell<IdMap<Suspended>>,
    tick: Cell<u32>,
}

thread_local! {
    /// The worker running on this thread, or null.
    static WORKER: Cell<*const WorkerLocal> = const { Cell::new(std::ptr::null()) };
}

fn with_worker<R>(f: impl FnOnce(&WorkerLocal) -> R) -> Option<R> {
    let p = WORKER.with(|w| w.get());
    // SAFETY: WORKER is set by `run_worker` to a WorkerLocal living on that function's frame and
    // cleared before the frame ends; only this thread reads it.
    unsafe { p.as_ref() }.map(f)
}

/// This thread's worker index, or `usize::MAX` on other threads.
pub(crate) fn current_index() -> usize {
    with_worker(|w| w.idx).unwrap_or(usize::MAX)
}

/// Queues a resume event locally when the target worker is this thread (no lock, no unpark).
pub(crate) fn push_local_resume(rt: &Arc<Shared>, worker: usize, actor: u64, wgen: u64) -> bool {
    with_worker(|w| {
        if w.idx == worker && Arc::ptr_eq(&w.shared, rt) {
            w.ready.borrow_mut().push((actor, wgen));
            true
        } else {
            false
        }
    })
    .unwrap_or(false)
}

/// Puts a newly runnable actor on this worker if the actor belongs to this worker's runtime.
pub(crate) fn schedule_here(actor: Arc<Actor>) -> Result<(), Arc<Actor>> {
    let p = WORKER.with(|w| w.get());
    // SAFETY: as in `with_worker`.
    let Some(w) = (unsafe { p.as_ref() }) else {
        return Err(actor);
    };
    if !Arc::ptr_eq(&w.shared, &actor.rt) {
        return Err(actor);
    }
    if coro::in_actor() {
        // Sent from a running turn: run it next on this core (latency-bound chains).
        if let Some(prev) = w.lifo.replace(Some(actor)) {
            w.local.push(prev);
            queue::notify_one(&w.shared);
        }
    } else {
        w.local.push(actor);
        queue::notify_one(&w.shared);
    }
    Ok(())
}

/// Arms a resume timer on this thread's worker (called from a turn, which is on its worker).
pub(crate) fn arm_resume(deadline: Instant, actor: u64, wgen: u64) -> TimerId {
    match with_worker(|w| {
        w.timers
            .borrow_mut()
            .arm(deadline, TimerKind::Resume(actor, wgen))
    }) {
        Some(id) => id,
        None => super::fatal("a turn ran outside its worker"),
    }
}

pub(crate) fn cancel_timer(id: TimerId) {
    with_worker(|w| w.timers.borrow_mut().cancel(id));
}

/// Entry point of a worker thread.
pub(crate) fn run_worker(shared: Arc<Shared>, idx: usize, local: Worker<Arc<Actor>>) {
    let _ = shared.workers[idx].thread.set(std::thread::current());
    let cfg = &shared.config;
    let w = WorkerLocal {
        idx,
        local,
        lifo: Cell::new(None),
        lifo_streak: Cell::new(0),
        timers: RefCell::new(Timers::new()),
        ready: RefCell::new(Vec::new()),
        runners: RefCell::new(RunnerPool::new(
            cfg.stack_size,
            cfg.stack_pool_max,
            cfg.batch.max(1),
        )),
        suspended: RefCell::new(IdMap::default()),
        tick: Cell::new(idx as u32),
        shared: shared.clone(),
    };
    WORKER.with(|p| p.set(&w));
    w.main_loop();
    w.teardown();
    WORKER.with(|p| p.set(std::ptr::null()));
}

impl WorkerLocal {
    fn main_loop(&self) {
        loop {
            // Acquire: pairs with the Release store in `Runtime::shutdown`.
            if self.shared.shutdown.load(Ordering::Acquire) {
                return;
            }
            let tick = self.tick.get().wrapping_add(1);
            self.tick.set(tick);
            self.process_events();
            if tick.is_multiple_of(32) {
                self.fire_timers();
            }
            if let Some(a) = self.next_runnable(tick) {
                self.run_turn(a);
                continue;
            }
            if self.fire_timers() || !self.ready.borrow().is_empty() {
                continue;
            }
            self.park();
        }
    }

    fn process_events(&self) {
        let ws = &self.shared.workers[self.idx];
        // Relaxed pre-check to avoid a read-modify-write when empty; the Acquire swap pairs with
        // the Release store in `Waker::wake` (the mutex then orders the events themselves).
        if ws.has_inbox.load(Ordering::Relaxed) && ws.has_inbox.swap(false, Ordering::Acquire) {
            let events = std::mem::take(&mut *ws.inbox.lock());
            self.ready.borrow_mut().extend(events);
        }
        let batch = std::mem::take(&mut *self.ready.borrow_mut());
        for (id, wgen) in batch {
            let s = {
                let mut map = self.suspended.borrow_mut();
                match map.get(&id) {
                    Some(s) if s.actor.run.wait_gen.get() == wgen => map.remove(&id),
                    _ => None, // stale: the turn already resumed for this or a newer wait
                }
            };
            if let Some(s) = s {
                self.drive(s.co, s.actor);
            }
        }
    }

    fn fire_timers(&self) -> bool {
        let mut due = Vec::new();
        {
            let mut t = self.timers.borrow_mut();
            if t.len() == 0 {
                return false;
            }
            t.pop_due(Instant::now(), &mut due);
        }
        let fired = !due.is_empty();
        for k in due {
            match k {
                TimerKind::Resume(id, wgen) => self.ready.borrow_mut().push((id, wgen)),
                TimerKind::After { actor, epoch } => {
                    let run = actor.mb.lock().fire_after(epoch);
                    if run {
                        self.local.push(actor);
                        queue::notify_one(&self.shared);
                    }
                }
            }
        }
        fired
    }

    fn next_runnable(&self, tick: u32) -> Option<Arc<Actor>> {
        if tick.is_multiple_of(61) {
            // Fairness for work injected from outside while this worker is always busy.
            if let Steal::Success(a) = self.shared.injector.steal() {
                return Some(a);
            }
        }
        if let Some(a) = self.lifo.take() {
            let streak = self.lifo_streak.get();
            if streak < LIFO_MAX {
                self.lifo_streak.set(streak + 1);
                return Some(a);
            }
            // Let the local queue go first; no notify: this worker pops it again soon.
            self.local.push(a);
        }
        self.lifo_streak.set(0);
        if let Some(a) = self.local.pop() {
            return Some(a);
        }
        queue::steal(&self.shared, self.idx, &self.local, tick)
    }

    fn run_turn(&self, actor: Arc<Actor>) {
        let co = self.runners.borrow_mut().take();
        self.drive(co, actor);
    }

    /// Runs a turn until it returns, suspends or crashes.
    fn drive(&self, mut co: Co, actor: Arc<Actor>) {
        let r = co.resume(Arc::as_ptr(&actor));
        coro::clear_current();
        match r {
            CoroutineResult::Yield(Yield::Done(end)) => {
                self.runners.borrow_mut().give_idle(co);
                self.end_turn(actor, end);
            }
            CoroutineResult::Yield(Yield::Suspend) => {
                self.suspended
                    .borrow_mut()
                    .insert(actor.id, Suspended { co, actor });
            }
            CoroutineResult::Yield(Yield::Crash(info)) => {
                // SAFETY: the turn keeps nothing on its stack that the runtime must drop (message,
                // state and arguments live in the actor's RunCell); compiled frames have no
                // destructors. Unwinding instead would abort on compiled frames.
                unsafe { co.force_reset() };
                self.runners.borrow_mut().give_stack(co.into_stack());
                actor.finalize(ExitReason::Crashed(info));
            }
            CoroutineResult::Return(()) => {
                // Runners loop forever; a return would be a runtime bug. Keep the stack.
                self.runners.borrow_mut().give_stack(co.into_stack());
                actor.finalize(ExitReason::Crashed(crate::actor::CrashInfo {
                    reason: "internal: turn runner returned".into(),
                    location: "<runtime>".into(),
                }));
            }
        }
    }

    fn end_turn(&self, actor: Arc<Actor>, end: TurnEnd) {
        match end {
            TurnEnd::Done { after } => {
                let (requeue, epoch) = {
                    let mut mb = actor.mb.lock();
                    let epoch = after.map(|_| {
                        mb.after_epoch = mb.after_epoch.wrapping_add(1);
                        mb.after_epoch
                    });
                    (mb.end_turn(), epoch)
                };
                if let (Some(d), Some(epoch)) = (after, epoch) {
                    let at = Instant::now() + d;
                    self.timers.borrow_mut().arm(
                        at,
                        TimerKind::After {
                            actor: actor.clone(),
                            epoch,
                        },
                    );
                }
                if requeue {
                    self.local.push(actor);
                    queue::notify_one(&self.shared);
                }
            }
            TurnEnd::Released => {}
            TurnEnd::Stopped => actor.finalize(ExitReason::Normal),
            TurnEnd::Crashed(info) => actor.finalize(ExitReason::Crashed(info)),
        }
    }

    fn park(&self) {
        let rt = &*self.shared;
        queue::register_sleeper(rt, self.idx);
        if queue::has_visible_work(rt, self.idx) || !self.ready.borrow().is_empty() {
            queue::unregister_sleeper(rt, self.idx);
            return;
        }
        let deadline = self.timers.borrow_mut().next_deadline();
        match deadline {
            Some(d) => {
                let now = Instant::now();
                if d > now {
                    std::thread::park_timeout(d - now);
                }
            }
            None => std::thread::park(),
        }
        queue::unregister_sleeper(rt, self.idx);
    }

    fn teardown(&self) {
        let suspended: Vec<_> = self.suspended.borrow_mut().drain().collect();
        for (_, mut s) in suspended {
            // SAFETY: as in `drive`: abandon the turn without unwinding its frames.
            unsafe { s.co.force_reset() };
            drop(s);
        }
        drop(self.lifo.take());
        while self.local.pop().is_some() {}
        let timers = self.timers.borrow_mut().clear();
        drop(timers);
        self.runners.borrow_mut().clear();
    }
}
