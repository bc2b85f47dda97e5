//! A worker thread: its loop, its local run queue and LIFO slot, its timers, its stack pool, and
//! the turns suspended on it.
//!
//! Loop, in order: resume suspended turns whose wake events arrived; fire due timers (every 32
//! turns, and whenever there is nothing else); run the next runnable actor (LIFO slot first,
//! bounded to 16 in a row so a ping-pong pair cannot starve the local queue; then the local
//! deque; every 61 ticks the injector first; then stealing); otherwise park until the next
//! timer deadline or a wake-up. All `RefCell`s here are only borrowed for short, non-reentrant
//! sections, never across a coroutine resume, because turn code calls back into this module
//! (timers, LIFO slot, `chain_next`) while the worker is inside `resume`.
//!
//! The latency path skips most of that loop: a turn that ends with its token released asks
//! `chain_next` for the LIFO actor and runs its turn on the same runner (no stack switch), as
//! long as the loop has nothing due (see `chain_next` for the exact conditions; the LIFO streak,
//! the tick counter and the periodic checks stay exactly as if each turn had gone through the
//! loop). Which actor a runner is on is tracked in `running`, so a yield is always attributed to
//! the right actor. References of actors whose token was released are kept in `ref_cache` and
//! moved (not cloned) when the actor is scheduled again from this worker.
//!
//! Loom-style argument for chaining: the chained actor's token was taken by a send from a turn
//! on this thread (only such sends fill the LIFO slot), so this thread owns it; the previous
//! actor's token was released under its mailbox lock before `chain_next` runs, and from then on
//! the runner touches only that actor's `Arc` (moved into the cache), never its `RunCell`, so
//! another worker may take and run it concurrently without a data race.

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
use crate::values::heap;

/// How many turns in a row may come from the LIFO slot.
const LIFO_MAX: u32 = 16;

/// Slots of the reference cache (direct-mapped by actor address; a power of two).
const REF_CACHE: usize = 256;
/// The reference cache is emptied at least every this many turns (and whenever the worker idles).
const REF_CACHE_FLUSH: u32 = 4096;

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
    /// The second buffer of `ready` (see `process_events`).
    ready_spare: Cell<Vec<(u64, u64)>>,
    runners: RefCell<RunnerPool>,
    suspended: RefCell<IdMap<Suspended>>,
    tick: Cell<u32>,
    /// References of actors whose turn ended on this worker with the token released, kept so
    /// that scheduling them again from this worker moves the reference instead of cloning it:
    /// on the latency path (ping-pong, rings) a hop then costs no reference-count traffic (an
    /// `Arc` clone and drop are two atomic read-modify-writes). A cached reference only delays
    /// the collection of an actor that nobody else references; the cache is emptied before the
    /// worker parks and every `REF_CACHE_FLUSH` turns, so an unreferenced idle actor is still
    /// collected once its worker idles, or soon. `Cell`s, not a `RefCell`: dropping an evicted
    /// reference may collect an actor, whose drop code may call back into this worker.
    ref_cache: Box<[Cell<Option<Arc<Actor>>>]>,
    /// The actor whose turn the runner being resumed runs. `drive` sets it before `resume`; a
    /// runner that chains into the next LIFO actor (see `chain_next`) swaps it, so after `resume`
    /// returns it names the actor the yield is about.
    running: Cell<Option<Arc<Actor>>>,
    /// One spare counted reference to this worker's own runtime. A waker holds such a reference
    /// (it may be woken from any thread, after anything else is gone); an ask made and answered
    /// on this worker would clone it in `prepare_wait` and drop it in `Waker::wake`, two atomic
    /// read-modify-writes on a counter every worker shares. Instead the local wake puts the
    /// reference here and the next wait takes it back. It only ever holds a reference to
    /// `shared`, which this worker holds anyway, so it changes no lifetime.
    shared_stash: Cell<Option<Arc<Shared>>>,
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
/// On success the waker's runtime reference is kept for the next `runtime_ref` (see
/// `shared_stash`); otherwise it is handed back.
pub(crate) fn push_local_resume(
    rt: Arc<Shared>,
    worker: usize,
    actor: u64,
    wgen: u64,
) -> Result<(), Arc<Shared>> {
    let p = WORKER.with(|w| w.get());
    // SAFETY: as in `with_worker`.
    let Some(w) = (unsafe { p.as_ref() }) else {
        return Err(rt);
    };
    if w.idx != worker || !Arc::ptr_eq(&w.shared, &rt) {
        return Err(rt);
    }
    w.ready.borrow_mut().push((actor, wgen));
    drop(w.shared_stash.replace(Some(rt))); // drops only when the stash was already full
    Ok(())
}

/// A counted reference to `rt` for a waker made in a turn on this worker: the stashed one when
/// there is one (no count change), else a clone.
pub(crate) fn runtime_ref(rt: &Arc<Shared>) -> Arc<Shared> {
    with_worker(|w| w.shared_stash.take())
        .flatten()
        .filter(|s| Arc::ptr_eq(s, rt))
        .unwrap_or_else(|| rt.clone())
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
    w.place(actor);
    Ok(())
}

/// Like `schedule_here` for a borrowed reference: the queued reference is taken from this
/// worker's reference cache when it holds one for `actor` (no count change), else cloned.
/// Returns false when the caller is not a worker of the actor's runtime.
pub(crate) fn schedule_here_ref(actor: &Arc<Actor>) -> bool {
    let p = WORKER.with(|w| w.get());
    // SAFETY: as in `with_worker`.
    let Some(w) = (unsafe { p.as_ref() }) else {
        return false;
    };
    if !Arc::ptr_eq(&w.shared, &actor.rt) {
        return false;
    }
    let owned = w.cache_take(actor).unwrap_or_else(|| actor.clone());
    w.place(owned);
    true
}

fn cache_index(actor: *const Actor) -> usize {
    // Fibonacci hashing of the address: actor cells are allocated a few hundred bytes apart.
    ((actor as usize as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize % REF_CACHE
}

impl WorkerLocal {
    /// Takes the cached reference of `actor`, if this worker holds one.
    fn cache_take(&self, actor: &Arc<Actor>) -> Option<Arc<Actor>> {
        let slot = &self.ref_cache[cache_index(Arc::as_ptr(actor))];
        let cached = slot.take()?;
        if Arc::ptr_eq(&cached, actor) {
            Some(cached)
        } else {
            slot.set(Some(cached));
            None
        }
    }

    /// Keeps the reference of an actor that just released its token (see `ref_cache`).
    fn cache_put(&self, actor: Arc<Actor>) {
        let old = self.ref_cache[cache_index(Arc::as_ptr(&actor))].replace(Some(actor));
        drop(old); // may collect an unreferenced idle actor: no borrow is held here
    }

    /// Drops every cached reference (unreferenced idle actors are collected now).
    fn cache_flush(&self) {
        for slot in self.ref_cache.iter() {
            drop(slot.take());
        }
    }

    fn chain_next(&self) -> *const Actor {
        let none = std::ptr::null();
        let streak = self.lifo_streak.get();
        let tick = self.tick.get().wrapping_add(1);
        if streak >= LIFO_MAX
            || tick.is_multiple_of(32)
            || tick.is_multiple_of(61)
            || tick.is_multiple_of(REF_CACHE_FLUSH)
            || !self.ready.borrow().is_empty()
            // Relaxed: only a hint; the worker loop re-reads it with Acquire (`process_events`).
            || self.shared.workers[self.idx].has_inbox.load(Ordering::Relaxed)
            // Acquire: as in `main_loop`.
            || self.shared.shutdown.load(Ordering::Acquire)
        {
            return none;
        }
        let Some(next) = self.lifo.take() else {
            return none;
        };
        let Some(prev) = self.running.take() else {
            self.lifo.set(Some(next));
            return none;
        };
        // The finished actor's reference goes to the cache, as in `end_turn`; but dropping an
        // evicted reference could collect an actor, which must not run on a coroutine stack:
        // then leave the hand-off to the worker loop.
        let slot = &self.ref_cache[cache_index(Arc::as_ptr(&prev))];
        let evicted = slot.take();
        if evicted.as_ref().is_some_and(|e| !Arc::ptr_eq(e, &prev)) {
            slot.set(evicted);
            self.running.set(Some(prev));
            self.lifo.set(Some(next));
            return none;
        }
        drop(evicted); // none, or another reference to `prev` (we hold one): no collection
        slot.set(Some(prev));
        self.tick.set(tick);
        self.lifo_streak.set(streak + 1);
        let p = Arc::as_ptr(&next);
        self.running.set(Some(next));
        p
    }

    /// Queues a runnable actor here: the LIFO slot from a running turn, else the local queue.
    fn place(&self, actor: Arc<Actor>) {
        if coro::in_actor() {
            // Sent from a running turn: run it next on this core (latency-bound chains).
            if let Some(prev) = self.lifo.replace(Some(actor)) {
                self.local.push(prev);
                queue::notify_one(&self.shared);
            }
        } else {
            self.local.push(actor);
            queue::notify_one(&self.shared);
        }
    }
}

/// Called by a turn runner, on its coroutine stack, after a turn ended with the token released:
/// returns the actor of the LIFO slot when its turn may run right away on the same runner
/// (saving two stack switches and a pass through the worker loop), else null and the runner
/// yields to the worker as usual. Chaining stops whenever the worker loop has something to do
/// first: a resume event, the periodic timer, injector or cache tick, the LIFO streak limit.
pub(crate) fn chain_next() -> *const Actor {
    with_worker(|w| w.chain_next()).unwrap_or(std::ptr::null())
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
        ready_spare: Cell::new(Vec::new()),
        runners: RefCell::new(RunnerPool::new(
            cfg.stack_size,
            cfg.stack_pool_max,
            cfg.batch.max(1),
        )),
        suspended: RefCell::new(IdMap::default()),
        tick: Cell::new(idx as u32),
        ref_cache: (0..REF_CACHE).map(|_| Cell::new(None)).collect(),
        running: Cell::new(None),
        shared_stash: Cell::new(None),
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
            if tick.is_multiple_of(REF_CACHE_FLUSH) {
                self.cache_flush();
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
        if self.ready.borrow().is_empty() {
            return;
        }
        // Swap in the spare buffer so that resumed turns can queue new events meanwhile, and
        // keep both buffers' capacity: no allocation per resume.
        let mut batch = self.ready.replace(self.ready_spare.take());
        for (id, wgen) in batch.drain(..) {
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
        self.ready_spare.set(batch);
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

    /// Runs a turn until it returns, suspends or crashes. The runner may chain into further
    /// turns of LIFO actors (`chain_next`); the yield concerns the actor left in `running`.
    ///
    /// The actor's heap is the thread's current heap for the whole resume (values.md §3): set
    /// here before every resume (a turn's first and each one after a suspension), switched by
    /// the runner itself when it chains into another actor's turn, and restored here as soon as
    /// the runner yields (`Done`, `Suspend` or `Crash`), before anything else runs on this stack.
    fn drive(&self, mut co: Co, actor: Arc<Actor>) {
        let p = Arc::as_ptr(&actor);
        // SAFETY: the heap lives in the actor's cell, which `running` (and then the suspended
        // map or `end_turn`) keeps alive past the restore below; cells never move.
        let prev = unsafe { heap::set_current(&actor.run.heap) };
        self.running.set(Some(actor));
        let r = co.resume(p);
        // SAFETY: `prev` is what was current before this resume (null or the worker thread's
        // own setting), still alive.
        unsafe { heap::set_current(prev) };
        coro::clear_current();
        let Some(actor) = self.running.take() else {
            super::fatal("a turn runner lost its actor");
        };
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
                } else {
                    self.cache_put(actor);
                }
            }
            TurnEnd::Released => self.cache_put(actor),
            TurnEnd::Stopped => actor.finalize(ExitReason::Normal),
            TurnEnd::Crashed(info) => actor.finalize(ExitReason::Crashed(info)),
        }
    }

    fn park(&self) {
        let rt = &*self.shared;
        // Collect unreferenced idle actors before sleeping (see `ref_cache`); dropping them may
        // queue wake events, which the re-check below sees.
        self.cache_flush();
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
        self.cache_flush();
        while self.local.pop().is_some() {}
        let timers = self.timers.borrow_mut().clear();
        drop(timers);
        self.runners.borrow_mut().clear();
    }
}
