//! Run-queue policy: stealing from other workers, the global injector, and parking idle workers.
//!
//! A runnable actor is in exactly one place: a worker's LIFO slot (not stealable: it is the
//! latency path), a worker's local FIFO deque (stealable), or the global injector. Only actors
//! whose turn has not started are ever queued, so everything stealable is free to move between
//! threads; suspended turns never enter a queue (they are resumed by events on their worker).
//!
//! Parking uses a Dekker-style handshake: a worker going to sleep registers itself, issues a
//! SeqCst fence and re-checks every queue; a thread that makes work stealable pushes it, issues a
//! SeqCst fence and reads the sleeper count. One of the two always sees the other, so no work is
//! left behind with everybody asleep.

use std::sync::Arc;
use std::sync::atomic::{Ordering, fence};

use crossbeam_deque::{Steal, Worker};

use crate::actor::Actor;
use crate::sched::Shared;

/// Wakes one sleeping worker, if any, after stealable work was pushed.
pub(crate) fn notify_one(rt: &Shared) {
    // SeqCst fence: orders our preceding queue push before the sleeper-count read (see module doc);
    // the count read itself must then be SeqCst to take part in the single total order.
    fence(Ordering::SeqCst);
    if rt.num_sleepers.load(Ordering::SeqCst) == 0 {
        return;
    }
    let idx = {
        let mut s = rt.sleepers.lock();
        let idx = s.pop();
        if idx.is_some() {
            // SeqCst: the count is part of the Dekker handshake; changed under the sleepers lock.
            rt.num_sleepers.fetch_sub(1, Ordering::SeqCst);
        }
        idx
    };
    if let Some(t) = idx.and_then(|i| rt.workers[i].thread.get()) {
        t.unpark();
    }
}

/// Registers worker `idx` as about to sleep.
pub(crate) fn register_sleeper(rt: &Shared, idx: usize) {
    let mut s = rt.sleepers.lock();
    if !s.contains(&idx) {
        s.push(idx);
        // SeqCst: see module doc (paired with the fence in `notify_one`).
        rt.num_sleepers.fetch_add(1, Ordering::SeqCst);
    }
    drop(s);
    // SeqCst fence: our registration is ordered before the re-check of the queues that follows.
    fence(Ordering::SeqCst);
}

/// Removes worker `idx` from the sleepers (no-op if a notifier already did).
pub(crate) fn unregister_sleeper(rt: &Shared, idx: usize) {
    let mut s = rt.sleepers.lock();
    if let Some(pos) = s.iter().position(|&i| i == idx) {
        s.swap_remove(pos);
        // SeqCst: as in `register_sleeper`.
        rt.num_sleepers.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether any stealable work or wake event is visible to worker `idx`.
pub(crate) fn has_visible_work(rt: &Shared, idx: usize) -> bool {
    // Acquire: pairs with the Release store in `Waker::wake`.
    rt.shutdown.load(Ordering::Acquire)
        || rt.workers[idx].has_inbox.load(Ordering::Acquire)
        || !rt.injector.is_empty()
        || rt
            .workers
            .iter()
            .enumerate()
            .any(|(i, w)| i != idx && !w.stealer.is_empty())
}

/// Takes work from the injector (a batch into `local`) and then from other workers.
pub(crate) fn steal(
    rt: &Shared,
    idx: usize,
    local: &Worker<Arc<Actor>>,
    seed: u32,
) -> Option<Arc<Actor>> {
    loop {
        let mut retry = false;
        match rt.injector.steal_batch_and_pop(local) {
            Steal::Success(a) => return Some(a),
            Steal::Retry => retry = true,
            Steal::Empty => {}
        }
        let n = rt.workers.len();
        for k in 0..n {
            let i = (seed as usize + k) % n;
            if i == idx {
                continue;
            }
            match rt.workers[i].stealer.steal_batch_and_pop(local) {
                Steal::Success(a) => return Some(a),
                Steal::Retry => retry = true,
                Steal::Empty => {}
            }
        }
        if !retry {
            return None;
        }
    }
}
