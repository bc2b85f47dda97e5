//! The scheduler: shared runtime state, wakers, and where a newly runnable actor goes.
//!
//! `Shared` is what every worker and every actor can reach (one per `Runtime`): the per-worker
//! stealers and wake inboxes, the global injector for work coming from plain threads, the sleeper
//! list, the configuration. The per-thread side (local queue, LIFO slot, timers, stack pool,
//! suspended turns) is in `worker.rs`; queueing and parking policy is in `queue.rs`.

pub(crate) mod queue;
pub(crate) mod spin;
pub(crate) mod worker;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread::Thread;

use crossbeam_deque::{Injector, Stealer};
use parking_lot::Mutex;

use crate::Config;
use crate::actor::Actor;

/// Per-worker state reachable from other threads.
pub(crate) struct WorkerShared {
    pub(crate) stealer: Stealer<Arc<Actor>>,
    /// Resume events `(actor id, wait generation)` for turns suspended on this worker.
    pub(crate) inbox: Mutex<Vec<(u64, u64)>>,
    pub(crate) has_inbox: AtomicBool,
    pub(crate) thread: std::sync::OnceLock<Thread>,
}

/// Runtime-wide shared state.
pub(crate) struct Shared {
    pub(crate) workers: Box<[WorkerShared]>,
    pub(crate) injector: Injector<Arc<Actor>>,
    pub(crate) sleepers: Mutex<Vec<usize>>,
    pub(crate) num_sleepers: AtomicUsize,
    pub(crate) shutdown: AtomicBool,
    pub(crate) config: Config,
    pub(crate) next_id: AtomicU64,
    pub(crate) live_actors: AtomicUsize,
}

impl Shared {
    pub(crate) fn next_actor_id(&self) -> u64 {
        // Relaxed: ids only need to be unique, which atomicity alone guarantees.
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }
}

/// Ends a wait: an actor's suspended turn (routed to the worker it is pinned to) or a thread.
pub(crate) enum Waker {
    Actor {
        rt: Arc<Shared>,
        worker: usize,
        actor: u64,
        wgen: u64,
    },
    Thread(Thread),
}

impl Waker {
    pub(crate) fn wake(self) {
        match self {
            Waker::Thread(t) => t.unpark(),
            Waker::Actor {
                rt,
                worker,
                actor,
                wgen,
            } => {
                let rt = match worker::push_local_resume(rt, worker, actor, wgen) {
                    Ok(()) => return,
                    Err(rt) => rt,
                };
                let Some(w) = rt.workers.get(worker) else {
                    return;
                };
                w.inbox.lock().push((actor, wgen));
                // Release: pairs with the worker's Acquire swap, so the worker that sees the flag
                // also sees the event (the inbox mutex orders the data itself; the flag is a hint
                // that lets the worker skip locking an empty inbox).
                w.has_inbox.store(true, Ordering::Release);
                if let Some(t) = w.thread.get() {
                    // std's park token makes this race-free: an unpark before the park is kept.
                    t.unpark();
                }
            }
        }
    }
}

/// Makes `actor` (whose scheduling token the caller just took) runnable.
/// From a turn on one of its runtime's workers it goes to that worker's LIFO slot (it runs next,
/// on this core, when the current turn ends); from the same worker outside a turn, to the local
/// queue; from anywhere else, to the global injector.
pub(crate) fn schedule(actor: Arc<Actor>) {
    let actor = match worker::schedule_here(actor) {
        Ok(()) => return,
        Err(a) => a,
    };
    let rt = actor.rt.clone();
    rt.injector.push(actor);
    queue::notify_one(&rt);
}

/// `schedule` for a borrowed reference: on a worker of the actor's runtime the queued reference
/// may come from the worker's reference cache instead of a clone (no reference-count traffic).
pub(crate) fn schedule_ref(actor: &Arc<Actor>) {
    if !worker::schedule_here_ref(actor) {
        let rt = actor.rt.clone();
        rt.injector.push(actor.clone());
        queue::notify_one(&rt);
    }
}

/// Whether this thread is a worker thread (of any runtime).
pub(crate) fn on_worker_thread() -> bool {
    worker::current_index() != usize::MAX
}

/// An unrecoverable runtime condition: report and exit.
pub(crate) fn fatal(msg: &str) -> ! {
    eprintln!("janus runtime: fatal: {msg}");
    std::process::exit(70)
}
