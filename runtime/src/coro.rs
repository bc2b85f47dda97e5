//! Coroutine turns: pooled turn runners, the turn body, and suspension (`wait`, `sleep`, `fail`).
//!
//! Each turn of an actor (start, up to a batch of messages, the `after` arm, stop) runs on a
//! corosensei coroutine taken from the worker's pool. A pooled coroutine is a *turn runner*: a
//! loop that receives an actor on resume, runs one turn and yields `Yield::Done`, ready for the
//! next actor, so a turn costs two stack switches and no coroutine set-up. A turn that ends
//! without waiting gives its runner back at once, so idle actors hold no stack. A turn that
//! waits yields `Yield::Suspend`; the worker keeps that runner (the actor is then pinned to that
//! worker) and resumes it when a matching wake event arrives. A crash yields `Yield::Crash` and is
//! never resumed: the worker `force_reset`s the runner and reuses only its stack (nothing on it is
//! dropped; the runtime keeps everything it must free — message, state, arguments — outside the
//! stack).
//!
//! Nothing a turn allocates is owned by the coroutine stack itself except what handler code puts
//! there: Rust handler locals alive at a crash are leaked (compiled code keeps its values in the
//! actor's heap, which the crash frees).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use corosensei::{Coroutine, Yielder};

use crate::actor::{Actor, CrashInfo};
use crate::mailbox::Popped;
use crate::payload::Payload;
use crate::sched::{self, Waker, worker};
use crate::stack::AlignedStack;
use crate::values::heap;

/// A turn runner: resumed with the actor whose turn to run (ignored when resuming a wait).
pub(crate) type Co = Coroutine<*const Actor, Yield, (), AlignedStack>;

/// What a turn runner yields to its worker.
pub(crate) enum Yield {
    /// The turn ended; the runner is idle and may run another actor's turn.
    Done(TurnEnd),
    /// Waiting for a wake event with the actor's current `wait_gen`.
    Suspend,
    /// The actor crashed; never resumed.
    Crash(CrashInfo),
}

/// How a turn that returned normally ended.
pub(crate) enum TurnEnd {
    /// The batch is done; re-arm the `after` timer with this period if any.
    Done { after: Option<Duration> },
    /// The mailbox was empty and the token is already released (no `after` arm): nothing to do.
    Released,
    /// `stop()` was called (or requested) and `on stop` has run.
    Stopped,
    /// A Rust panic escaped a handler (treated as a crash).
    Crashed(CrashInfo),
}

struct TurnCtx {
    yielder: *const Yielder<*const Actor, Yield>,
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
    // SAFETY: the worker holds an `Arc` to the actor for the whole turn: in its `running` cell
    // while the turn runs (also for turns chained on one runner), in its suspended map while the
    // turn waits.
    ctx().map(|c| unsafe { &*c.actor })
}

/// Takes the payload the running actor's turn is handling — the current message, or the
/// spawn arguments during `init` — out of the runtime's keeping, if its pointer is `p`
/// (compiled code adopts it into the actor's heap: `abi::actors::janus_rt_msg_adopt`). What the
/// payload held is the actor's from then on, so a crash frees it with the actor's heap.
pub(crate) fn take_delivered(p: *mut u8) -> Option<Payload> {
    let a = current_actor()?;
    for cell in [&a.run.current, &a.run.args] {
        match cell.take() {
            Some(m) if m.as_ptr() == p => return Some(m),
            other => cell.set(other),
        }
    }
    None
}

/// Creates a turn runner on `stack`.
pub(crate) fn new_runner(stack: AlignedStack, batch: usize) -> Co {
    Co::with_stack(stack, move |y, first: *const Actor| {
        let mut actor = first;
        loop {
            let end = turn_body(actor, y, batch);
            if let TurnEnd::Released = end {
                // The turn left nothing to do; if the worker lets us, run the next LIFO actor's
                // turn right here (the worker tracks which actor this runner now runs).
                clear_current();
                let next = worker::chain_next();
                if !next.is_null() {
                    // The chained turn allocates into its own actor's heap (values.md §3); the
                    // worker restores its previous heap when this runner yields.
                    // SAFETY: the worker's `running` cell now holds an `Arc` to `next` for the
                    // whole turn, so its heap outlives its time as the current heap.
                    unsafe { heap::set_current(&(*next).run.heap) };
                    actor = next;
                    continue;
                }
            }
            actor = y.suspend(Yield::Done(end));
        }
    })
}

/// One turn. `actor` is kept alive by the worker for the whole turn.
fn turn_body(actor: *const Actor, y: &Yielder<*const Actor, Yield>, batch: usize) -> TurnEnd {
    let ctx = TurnCtx { yielder: y, actor };
    CURRENT.with(|c| c.set(&ctx));
    // SAFETY: see above: the worker's Arc outlives the coroutine.
    let actor = unsafe { &*actor };
    match catch_unwind(AssertUnwindSafe(|| run_turn(actor, batch))) {
        Ok(end) => end,
        Err(payload) => {
            let reason = panic_message(&*payload);
            TurnEnd::Crashed(CrashInfo {
                reason: format!("panic: {reason}"),
                location: "<runtime>".into(),
            })
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
        // Supervision: tell whoever waits that `on start` finished (see `StartHook`).
        if let Some(hook) = run.start_hook.take() {
            hook();
        }
    }
    let state = run.state.get();
    let mut handled = 0;
    // Without an `after` arm there is nothing to evaluate once the mailbox is empty, so the pop
    // that finds it empty may release the token itself.
    let release = desc.after_ns.is_none();
    while handled < batch && !run.stop.get() {
        let (item, wake) = actor.mb.lock().pop(release);
        for w in wake {
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
            // The actor may already run elsewhere: touch nothing of it any more.
            Popped::Released => return TurnEnd::Released,
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
    let after = desc
        .after_ns
        .map(|f| unsafe { f(state) })
        .filter(|ns| *ns >= 0)
        .map(|ns| Duration::from_nanos(ns as u64));
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
    fail_owned(reason.to_string(), location.to_string())
}

/// [`fail`] taking its strings over. The frames between the turn and this call are
/// abandoned, never dropped, so a caller must not keep heap data of its own across the call:
/// handing the reason and location over by value is how the ABI's failure paths avoid
/// leaking them on every crash.
pub(crate) fn fail_owned(reason: String, location: String) -> ! {
    let info = CrashInfo { reason, location };
    match ctx() {
        Some(c) => {
            // SAFETY: the yielder belongs to the coroutine we are running on (see `ctx`).
            let y = unsafe { &*c.yielder };
            let _ = y.suspend(Yield::Crash(info));
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
            Waker::Actor {
                rt: worker::runtime_ref(&a.rt),
                worker: worker::current_index(),
                actor: a.id,
                wgen,
            }
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
            // SAFETY: the yielder belongs to the running coroutine. The value passed on resume
            // (the actor pointer) is only meaningful at the start of a turn and is ignored here.
            let _ = unsafe { &*c.yielder }.suspend(Yield::Suspend);
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

/// The top bytes of a recovered stack whose pages stay resident (a usual turn's depth).
const KEEP_ON_RECOVERY: usize = 64 << 10;

/// A per-worker pool of idle turn runners (each owns a stack) and of bare stacks recovered from
/// crashed runners. Every stack is an [`AlignedStack`] of the same power-of-two size (the
/// configured size rounded up), which is what compiled code's stack check relies on
/// (`spec/abi.md`, "Stack limit").
pub(crate) struct RunnerPool {
    idle: Vec<Co>,
    stacks: Vec<AlignedStack>,
    size: usize,
    max: usize,
    batch: usize,
}

impl RunnerPool {
    pub(crate) fn new(size: usize, max: usize, batch: usize) -> RunnerPool {
        RunnerPool {
            idle: Vec::new(),
            stacks: Vec::new(),
            // Rounded here once so that the pool's stacks all have the size `AlignedStack` gives;
            // an impossible size is left as is and fails when the first stack is made.
            size: crate::stack::rounded_size(size).unwrap_or(size),
            max,
            batch,
        }
    }

    pub(crate) fn take(&mut self) -> Co {
        if let Some(co) = self.idle.pop() {
            return co;
        }
        let stack = match self.stacks.pop() {
            Some(s) => s,
            // A new stack costs an mmap, two munmaps, an mprotect and an madvise; out of address
            // space or mappings there is nothing sensible to do but report.
            None => match AlignedStack::new(self.size) {
                Ok(s) => s,
                Err(e) => sched::fatal(&format!("cannot allocate a coroutine stack: {e}")),
            },
        };
        new_runner(stack, self.batch)
    }

    /// Takes back a runner that yielded `Done`.
    pub(crate) fn give_idle(&mut self, mut co: Co) {
        if self.idle.len() < self.max {
            self.idle.push(co);
        } else {
            // SAFETY: an idle runner is suspended in its loop, whose frames own nothing (the
            // actor pointer is borrowed); abandoning it without unwinding leaks nothing.
            unsafe { co.force_reset() };
            drop(co);
        }
    }

    /// Takes back the stack of a crashed runner. A crash may have run deep (a stack overflow
    /// touched all of it), so the stack keeps only its top pages' memory while pooled.
    pub(crate) fn give_stack(&mut self, s: AlignedStack) {
        if self.stacks.len() + self.idle.len() < self.max {
            s.release_below(KEEP_ON_RECOVERY);
            self.stacks.push(s);
        }
    }

    /// Abandons every idle runner (worker shutdown).
    pub(crate) fn clear(&mut self) {
        for mut co in self.idle.drain(..) {
            // SAFETY: as in `give_idle`.
            unsafe { co.force_reset() };
        }
        self.stacks.clear();
    }
}
