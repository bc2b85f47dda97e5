//! The Janus actor runtime: work-stealing workers running actor turns on pooled coroutine stacks,
//! bounded mailboxes with backpressure, ask/reply with timeouts, timers, and crash isolation.
//!
//! Two layers: the raw layer (`ActorDesc`, `Payload`, `RawActorRef`, `RawReply`, `AskHandle`)
//! that the future `abi` module will wrap one-to-one in `extern "C"` functions for compiled code,
//! and a typed Rust layer (`Behavior`, `ActorRef<M>`, `Reply<T>`) for tests and benchmarks.
//! See `spec/runtime.md` for the semantics and the measured figures.

pub mod abi;
mod actor;
mod ask;
mod coro;
mod crash;
pub mod entry;
mod mailbox;
mod payload;
pub mod rng;
mod sched;
pub mod stack;
pub mod supervise;
mod timer;
mod typed;
pub mod values;

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;

use crossbeam_deque::{Injector, Worker};
use parking_lot::Mutex;

pub use actor::{Actor, ActorDesc, CrashInfo, Exit, ExitHook, ExitReason, RawActorRef, StartHook};
pub use ask::{AskError, AskHandle, DEFAULT_ASK_TIMEOUT, DoubleReply, RawReply, reply_channel};
pub use coro::{in_actor, sleep, stop};
pub use crash::{
    CrashReport, CrashReporter, fail, format_main_crash, format_report, silent_reporter,
    stderr_reporter,
};
pub use payload::{Payload, PayloadVTable};
pub use supervise::{
    ChildSpec, Stable, StableRef, Supervisor, SupervisorSpec, spawn_supervisor,
    spawn_supervisor_here, spawn_supervisor_with,
};
pub use typed::{ActorRef, Behavior, FnActor, Reply, desc_of};

use sched::{Shared, WorkerShared};

/// Every allocation of a program that links the runtime (actor cells, payloads, queues, and
/// the value heaps through `values::heap`) comes from mimalloc: actors allocate on one worker
/// and free on another all the time, which glibc's allocator serializes on arena locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runtime settings.
#[derive(Clone)]
pub struct Config {
    /// Worker threads (default: the number of cores).
    pub workers: usize,
    /// Usable size of each coroutine stack (default 256 KiB; only touched pages cost memory),
    /// rounded up to a power of two (`stack::AlignedStack`).
    pub stack_size: usize,
    /// Free stacks each worker keeps for reuse (default 64).
    pub stack_pool_max: usize,
    /// Messages an actor handles per turn before yielding its worker (default 64).
    pub batch: usize,
    /// Where crash reports of non-main actors go (default: one line on stderr).
    pub crash_reporter: CrashReporter,
    /// Where supervisor restart and escalation events go after their `tracing` event (default:
    /// one line on stderr unless a global `tracing` subscriber is installed).
    pub supervisor_reporter: supervise::SupervisorReporter,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            stack_size: 256 * 1024,
            stack_pool_max: 64,
            batch: 64,
            crash_reporter: stderr_reporter(),
            supervisor_reporter: supervise::stderr_supervisor_reporter(),
        }
    }
}

/// A running scheduler. Dropping it stops the workers (actors are not stopped one by one).
pub struct Runtime {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Runtime {
    /// Starts the worker threads.
    pub fn new(config: Config) -> Runtime {
        let n = config.workers.max(1);
        let locals: Vec<Worker<Arc<Actor>>> = (0..n).map(|_| Worker::new_fifo()).collect();
        let workers: Vec<WorkerShared> = locals
            .iter()
            .map(|l| WorkerShared {
                stealer: l.stealer(),
                inbox: Mutex::new(Vec::new()),
                has_inbox: AtomicBool::new(false),
                thread: std::sync::OnceLock::new(),
            })
            .collect();
        let shared = Arc::new(Shared {
            workers: workers.into_boxed_slice(),
            injector: Injector::new(),
            sleepers: Mutex::new(Vec::new()),
            num_sleepers: AtomicUsize::new(0),
            shutdown: AtomicBool::new(false),
            config,
            next_id: AtomicU64::new(1),
            live_actors: AtomicUsize::new(0),
        });
        let threads = locals
            .into_iter()
            .enumerate()
            .map(|(i, local)| {
                let sh = shared.clone();
                std::thread::Builder::new()
                    .name(format!("janus-worker-{i}"))
                    .spawn(move || sched::worker::run_worker(sh, i, local))
                    .unwrap_or_else(|e| sched::fatal(&format!("cannot start a worker thread: {e}")))
            })
            .collect();
        Runtime { shared, threads }
    }

    /// Spawns an actor from a raw descriptor and its argument payload. Returns at once; the
    /// actor's `init` and `on start` run in its first turn, before any message.
    pub fn spawn_raw(&self, desc: &'static ActorDesc, args: Option<Payload>) -> RawActorRef {
        spawn_in(&self.shared, desc, args, false, None)
    }

    /// Spawns a Rust `Behavior`.
    pub fn spawn<B: Behavior>(&self, b: B) -> ActorRef<B::Msg> {
        let raw = spawn_in(
            &self.shared,
            desc_of::<B>(),
            Some(typed::args_of(b)),
            false,
            None,
        );
        // SAFETY: the descriptor of B handles `B::Msg` boxes.
        unsafe { ActorRef::from_raw(raw) }
    }

    /// Spawns a closure actor: `state` plus `f(&mut state, &mut msg)` per message.
    pub fn spawn_fn<S, M, F>(&self, state: S, f: F) -> ActorRef<M>
    where
        S: Send + 'static,
        M: Send + 'static,
        F: FnMut(&mut S, &mut M) + Send + 'static,
    {
        self.spawn(FnActor::new(state, f))
    }

    /// Runs `f` as the program's `main`: an actor-like turn (so it can send, ask and sleep without
    /// blocking a worker). Blocks the calling thread until `f` returns or crashes. Must be called
    /// from a plain thread (on a worker thread it returns an error instead of deadlocking).
    /// `f` runs with its own value heap, freed when it ends: what it returns must not point
    /// into that heap.
    pub fn block_on<R, F>(&self, f: F) -> Result<R, CrashInfo>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        if sched::on_worker_thread() {
            // Blocking a worker on its own runtime could deadlock: refuse.
            return Err(CrashInfo {
                reason: "block_on called from a worker thread".into(),
                location: "<runtime>".into(),
            });
        }
        let out = Arc::new(Mutex::new(None));
        let done: Arc<(Mutex<Option<ExitReason>>, parking_lot::Condvar)> = Arc::default();
        let d2 = done.clone();
        let hook: ExitHook = Box::new(move |e: &Exit| {
            *d2.0.lock() = Some(e.reason.clone());
            d2.1.notify_all();
        });
        let main = MainActor {
            f: Some(f),
            out: out.clone(),
        };
        let _main = spawn_in(
            &self.shared,
            desc_of::<MainActor<F, R>>(),
            Some(typed::args_of(main)),
            true,
            Some(hook),
        );
        let mut g = done.0.lock();
        while g.is_none() {
            done.1.wait(&mut g);
        }
        match g.take() {
            Some(ExitReason::Crashed(info)) => Err(info),
            _ => match out.lock().take() {
                Some(r) => Ok(r),
                None => Err(CrashInfo {
                    reason: "main ended without a result".into(),
                    location: "<runtime>".into(),
                }),
            },
        }
    }

    /// Actors spawned and not yet ended or collected.
    pub fn live_actors(&self) -> usize {
        // Relaxed: a statistic.
        self.shared.live_actors.load(Ordering::Relaxed)
    }

    /// Number of worker threads.
    pub fn workers(&self) -> usize {
        self.shared.workers.len()
    }

    /// Stops the workers and waits for them. Suspended turns are abandoned, queued actors dropped.
    pub fn shutdown(mut self) {
        self.stop_workers();
    }

    fn stop_workers(&mut self) {
        // Release: pairs with the workers' Acquire load, publishing nothing else but the flag.
        self.shared.shutdown.store(true, Ordering::Release);
        for w in self.shared.workers.iter() {
            if let Some(t) = w.thread.get() {
                t.unpark();
            }
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        while !self.shared.injector.is_empty() {
            let _ = self.shared.injector.steal();
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop_workers();
    }
}

fn spawn_in(
    rt: &Arc<Shared>,
    desc: &'static ActorDesc,
    args: Option<Payload>,
    quiet: bool,
    hook: Option<ExitHook>,
) -> RawActorRef {
    spawn_hooked(rt, desc, args, quiet, None, hook)
}

/// `spawn_in` with a start hook too (supervision: `supervise/runner.rs`). Both hooks are in
/// place before the actor's first turn can run, so neither event can be missed.
pub(crate) fn spawn_hooked(
    rt: &Arc<Shared>,
    desc: &'static ActorDesc,
    args: Option<Payload>,
    quiet: bool,
    start: Option<StartHook>,
    hook: Option<ExitHook>,
) -> RawActorRef {
    let actor = Arc::new(Actor::new(rt.next_actor_id(), desc, rt.clone(), args));
    // Before `schedule`: nobody else can see the actor yet (the queue push publishes it).
    actor.run.start_hook.set(start.map(Box::new));
    {
        let mut mb = actor.mb.lock();
        mb.scheduled = true; // the first turn (init + on start) owns the token
        mb.quiet = quiet;
        mb.exit_hook = hook;
    }
    // Relaxed: a statistic.
    rt.live_actors.fetch_add(1, Ordering::Relaxed);
    sched::schedule(actor.clone());
    RawActorRef(actor)
}

/// The running actor's own reference (`self`), or None outside actors.
pub fn current_actor_ref() -> Option<RawActorRef> {
    coro::current_actor().map(|a| {
        let p: *const Actor = a;
        // SAFETY: `a` is the actor of the running turn, which the worker keeps alive through an
        // `Arc` created by `Arc::new` in `spawn_in`; adding a count and rebuilding an Arc from
        // the same pointer is the documented `Arc::increment_strong_count` pattern.
        unsafe {
            Arc::increment_strong_count(p);
            RawActorRef(Arc::from_raw(p))
        }
    })
}

/// Spawns a raw-descriptor actor from inside an actor, on the same runtime. None outside actors.
pub fn spawn_raw_here(desc: &'static ActorDesc, args: Option<Payload>) -> Option<RawActorRef> {
    let rt = coro::current_actor()?.rt.clone();
    Some(spawn_in(&rt, desc, args, false, None))
}

/// Spawns from inside an actor, on the same runtime. None outside actors.
pub fn spawn<B: Behavior>(b: B) -> Option<ActorRef<B::Msg>> {
    let rt = coro::current_actor()?.rt.clone();
    let raw = spawn_in(&rt, desc_of::<B>(), Some(typed::args_of(b)), false, None);
    // SAFETY: the descriptor of B handles `B::Msg` boxes.
    Some(unsafe { ActorRef::from_raw(raw) })
}

/// Runs `f` as `main` on a new runtime and exits the process: status 0 when it returns (after
/// flushing stdout; live actors are not stopped), 1 after one report on stderr when it crashes.
pub fn run_main<F: FnOnce() + Send + 'static>(config: Config, f: F) -> ! {
    let rt = Runtime::new(config);
    let code = match rt.block_on(f) {
        Ok(()) => 0,
        Err(info) => {
            let _ = writeln!(std::io::stderr().lock(), "{}", format_main_crash(&info));
            1
        }
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

struct MainActor<F, R> {
    f: Option<F>,
    out: Arc<Mutex<Option<R>>>,
}

impl<R: Send + 'static, F: FnOnce() -> R + Send + 'static> Behavior for MainActor<F, R> {
    type Msg = ();
    const NAME: &'static str = "main";
    fn on_start(&mut self) {
        if let Some(f) = self.f.take() {
            let r = f();
            *self.out.lock() = Some(r);
        }
        stop();
    }
    fn handle(&mut self, _: &mut ()) {}
}
