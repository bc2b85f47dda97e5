//! Coroutine turns: pooled stacks, the turn body, and suspension (`wait`, `sleep`, `fail`).
//!
//! Each turn of an actor (start, up to a batch of messages, the `after` arm, stop) runs in a fresh
//! corosensei coroutine built on a stack taken from the worker's pool. A turn that ends without
//! waiting gives its stack back at once, so idle actors hold none. A turn that waits yields
//! `Yield::Suspend`; the worker keeps the coroutine (the actor is then pinned to that worker) and
//! resumes it when a matching wake event arrives. A crash yields `Yield::Crash` and is never
//! resumed: the worker `force_reset`s the coroutine (nothing on the stack is dropped; the runtime
//! keeps everything it must free — message, state, arguments — outside the stack).
//!
//! Nothing a turn allocates is owned by the coroutine stack itself except what handler code puts
//! there: Rust handler locals alive at a crash are leaked (compiled code keeps its values in the
//! actor's heap, which the crash frees).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use corosensei::stack::DefaultStack;
use corosensei::{Coroutine, Yielder};

use crate::actor::{Actor, CrashInfo};
use crate::mailbox::Popped;
use crate::sched::{self, Waker, worker};

/// A turn coroutine.
pub(crate) type Co = Coroutine<(), Yield, TurnEnd, DefaultStack>;

/// What a turn yields to its worker.
pub(crate) enum Yield {
    /// Waiting for a wake event with the actor's current `wait_gen`.
    Suspend,
    /// The actor crashed; never resumed.
    Crash(CrashInfo),
}

/// How a turn that returned normally ended.
pub(crate) enum TurnEnd {
    /// The batch is done; re-arm the `after` timer with this period if any.
    Done { after: Option<Duration> },
    /// `stop()` was called (or requested) and `on stop` has run.
    Stopped,
    /// A Rust panic escaped a handler (treated as a crash).
    Crashed(CrashInfo),
}

struct TurnCtx {
    yielder: *const Yielder<(), Yield>,
    actor: *const Actor,
}

thread_local! {
    /// The running turn on this thread, or null outside turns.
    static CURRENT: Cell<*const TurnCtx> = const { Cell::new(std::ptr::null()) };
}

/// Clears the current-turn marker (the worker calls this after every resume returns).
pub(crate) fn clear_current() {
    CURRENT.with(|c| c.set(std::ptr::null()));
}

fn ctx() -> Option<&'static TurnCtx> {
    let p = CURRENT.with(|c| c.get());
    // SAFETY: a non-null CURRENT points at the `TurnCtx` local of the turn running on this thread;
    // it lives on that turn's coroutine stack until the turn ends, and the worker clears CURRENT
    // whenever control leaves the coroutine, so the reference is only used inside the turn.
    unsafe { p.as_ref() }
}

/// The actor whose turn is running on this thread.
pub(crate) fn current_actor() -> Option<&'static Actor> {
    // SAFETY: the worker holds an `Arc` to the actor for the whole turn (running or suspended).
    ctx().map(|c| unsafe { &*c.actor })
}

/// The body of every turn coroutine. `actor` is kept alive by the worker.
pub(crate) fn turn_body(actor: *const Actor, y: &Yielder<(), Yield>, batch: usize) -> TurnEnd {
    let ctx = TurnCtx { yielder: y, actor };
    CURRENT.with(|c| c.set(&ctx));
    // SAFETY: see above: the worker's Arc outlives the coroutine.
    let actor = unsafe { &*actor };
    match catch_unwind(AssertUnwindSafe(|| run_turn(actor, batch))) {
        Ok(end) => end,
        Err(payload) => {
            let reason = panic_message(&*payload);
            TurnEnd::Crashed(CrashInfo { reason: format!("panic: {reason}"), location: "<runtime>".into() })
        }
    }
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

fn run_turn(actor: &Actor, batch: usize) -> TurnEnd {
    let desc = actor.desc;
    let run = &actor.run;
    if !run.started.get() {
        let state = actor.alloc_state();
        run.state.set(state);
        // The arguments stay in `current` during `init`, so a crash there still frees them.
        let args = run.args.take();
        let args_ptr = args.as_ref().map_or(std::ptr::null_mut(), |a| a.as_ptr());
        run.current.set(args);
        // SAFETY: `state` is a fresh block of the descriptor's layout; `init` fills it.
        unsafe { (desc.init)(state, args_ptr) };
        run.started.set(true);
        drop(run.current.take());
        if let Some(on_start) = desc.on_start {
            // SAFETY: the state is initialized; this turn owns it.
            unsafe { on_start(state) };
        }
    }
    let state = run.state.get();
    let mut wakes = Vec::new();
    let mut handled = 0;
    while handled < batch && !run.stop.get() {
        let item = actor.mb.lock().pop(&mut wakes);
        for w in wakes.drain(..) {
            w.wake();
        }
        match item {
            Popped::Msg(p) => {
                let ptr = p.as_ptr();
                run.current.set(Some(p));
                // SAFETY: initialized state owned by this turn; the payload stays alive in
                // `current` for the whole call.
                unsafe { (desc.handle)(state, ptr) };
                drop(run.current.take());
            }
            Popped::After => {
                if let Some(f) = desc.on_after {
                    // SAFETY: as above.
                    unsafe { f(state) };
                }
            }
            Popped::Stop => run.stop.set(true),
            Popped::Empty => break,
        }
        handled += 1;
    }
    if run.stop.get() {
        if let Some(on_stop) = desc.on_stop {
            // SAFETY: as above.
            unsafe { on_stop(state) };
        }
        return TurnEnd::Stopped;
    }
    // SAFETY: as above; the `after` period is evaluated each time the timer is set.
    let after = desc.after_ns.map(|f| unsafe { f(state) }).filter(|ns| *ns >= 0).map(|ns| Duration::from_nanos(ns as u64));
    TurnEnd::Done { after }
}

/// Asks the running actor to stop after the current handler. Returns false outside actors.
pub fn stop() -> bool {
    match current_actor() {
        Some(a) => {
            a.run.stop.set(true);
            true
        }
        None => false,
    }
}

/// Crashes the running actor: control goes back to the worker and never returns here.
/// Outside an actor (a plain thread) this panics with the reason.
pub(crate) fn fail(reason: &str, location: &str) -> ! {
    let info = CrashInfo { reason: reason.to_string(), location: location.to_string() };
    match ctx() {
        Some(c) => {
            // SAFETY: the yielder belongs to the coroutine we are running on (see `ctx`).
            let y = unsafe { &*c.yielder };
            y.suspend(Yield::Crash(info));
            // The worker never resumes a crashed turn.
            std::process::abort()
        }
        None => panic!("{} at {}", info.reason, info.location),
    }
}

/// Prepares a wait of the current context and returns the waker that ends it. In a turn this
/// starts a new suspension generation; on a plain thread it is the thread's unparker.
pub(crate) fn prepare_wait() -> Waker {
    match current_actor() {
        Some(a) => {
            let wgen = a.run.wait_gen.get() + 1;
            a.run.wait_gen.set(wgen);
            Waker::Actor { rt: a.rt.clone(), worker: worker::current_index(), actor: a.id, wgen }
        }
        None => Waker::Thread(std::thread::current()),
    }
}

/// Waits until the waker from `prepare_wait` fires or `deadline` passes (spurious returns are
/// possible: callers re-check their condition). A turn suspends, so its worker runs other actors;
/// a plain thread parks.
pub(crate) fn wait(deadline: Option<Instant>) {
    match ctx() {
        Some(c) => {
            // SAFETY: as in `current_actor`.
            let actor = unsafe { &*c.actor };
            let wgen = actor.run.wait_gen.get();
            let timer = deadline.map(|d| worker::arm_resume(d, actor.id, wgen));
            let saved = CURRENT.with(|cur| cur.get());
            // SAFETY: the yielder belongs to the running coroutine.
            unsafe { &*c.yielder }.suspend(Yield::Suspend);
            CURRENT.with(|cur| cur.set(saved));
            if let Some(t) = timer {
                worker::cancel_timer(t);
            }
        }
        None => match deadline {
            Some(d) => {
                let now = Instant::now();
                if d > now {
                    std::thread::park_timeout(d - now);
                }
            }
            None => std::thread::park(),
        },
    }
}

/// Sleeps: suspends the running turn (the worker keeps running others) or the plain thread.
pub fn sleep(d: Duration) {
    let deadline = Instant::now() + d;
    if current_actor().is_none() {
        std::thread::sleep(d);
        return;
    }
    while Instant::now() < deadline {
        drop(prepare_wait()); // new generation; the timer is the only waker
        wait(Some(deadline));
    }
}

/// Whether the caller runs inside an actor's turn.
pub fn in_actor() -> bool {
    ctx().is_some()
}

/// A per-worker pool of coroutine stacks.
pub(crate) struct StackPool {
    free: Vec<DefaultStack>,
    size: usize,
    max: usize,
    pub(crate) created: u64,
}

impl StackPool {
    pub(crate) fn new(size: usize, max: usize) -> StackPool {
        StackPool { free: Vec::new(), size, max, created: 0 }
    }

    pub(crate) fn take(&mut self) -> DefaultStack {
        match self.free.pop() {
            Some(s) => s,
            None => {
                self.created += 1;
                match DefaultStack::new(self.size) {
                    Ok(s) => s,
                    // Out of address space or mappings: nothing sensible to do but report.
                    Err(e) => sched::fatal(&format!("cannot allocate a coroutine stack: {e}")),
                }
            }
        }
    }

    pub(crate) fn give(&mut self, s: DefaultStack) {
        if self.free.len() < self.max {
            self.free.push(s);
        }
    }
}
