//! Per-worker timers: a binary heap of deadlines with O(1) lazy cancellation.
//!
//! Each worker owns one `Timers` and checks it in its loop; an idle worker parks until the next
//! deadline. Timers are local because everything that arms one is pinned to the worker: a
//! suspended `sleep` or `ask` resumes on the worker that armed it, and an `after` timer is armed by
//! the worker that just ran the actor's turn (it may fire on that worker and schedule the actor
//! anywhere). Cancelled entries stay in the heap until popped; when they outnumber live ones
//! the heap is rebuilt, so a million answered asks per second do not pile up 5 s of dead entries.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::Instant;

/// Identifies an armed timer, for cancellation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TimerId(u64);

/// A deadline-ordered set of timer entries of type `K`.
pub(crate) struct Timers<K> {
    heap: BinaryHeap<Reverse<(Instant, u64)>>,
    live: HashMap<u64, K>,
    next_id: u64,
}

impl<K> Timers<K> {
    pub(crate) fn new() -> Self {
        Timers { heap: BinaryHeap::new(), live: HashMap::new(), next_id: 0 }
    }

    /// Arms `kind` to fire at `deadline`.
    pub(crate) fn arm(&mut self, deadline: Instant, kind: K) -> TimerId {
        let id = self.next_id;
        self.next_id += 1;
        self.heap.push(Reverse((deadline, id)));
        self.live.insert(id, kind);
        TimerId(id)
    }

    /// Cancels a timer; a no-op when it already fired.
    pub(crate) fn cancel(&mut self, id: TimerId) -> Option<K> {
        let k = self.live.remove(&id.0);
        if self.heap.len() > 64 + 2 * self.live.len() {
            // Rebuild without the dead entries: amortized O(1) per cancellation.
            let live = &self.live;
            let entries: Vec<_> = self.heap.drain().filter(|Reverse((_, i))| live.contains_key(i)).collect();
            self.heap = BinaryHeap::from(entries);
        }
        k
    }

    /// The earliest live deadline, dropping dead entries from the top.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        while let Some(Reverse((at, id))) = self.heap.peek() {
            if self.live.contains_key(id) {
                return Some(*at);
            }
            self.heap.pop();
        }
        None
    }

    /// Moves every entry due at `now` into `out`, earliest first.
    pub(crate) fn pop_due(&mut self, now: Instant, out: &mut Vec<K>) {
        while let Some(Reverse((at, id))) = self.heap.peek() {
            if *at > now {
                break;
            }
            let id = *id;
            self.heap.pop();
            if let Some(k) = self.live.remove(&id) {
                out.push(k);
            }
        }
    }

    /// Number of live timers.
    pub(crate) fn len(&self) -> usize {
        self.live.len()
    }

    /// Removes every entry (runtime shutdown).
    pub(crate) fn clear(&mut self) -> Vec<K> {
        self.heap.clear();
        self.live.drain().map(|(_, k)| k).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn fires_in_order_and_cancels() {
        let mut t = Timers::new();
        let now = Instant::now();
        let a = t.arm(now + Duration::from_millis(30), "a");
        t.arm(now + Duration::from_millis(10), "b");
        t.arm(now + Duration::from_millis(20), "c");
        assert_eq!(t.cancel(a), Some("a"));
        assert_eq!(t.next_deadline(), Some(now + Duration::from_millis(10)));
        let mut out = vec![];
        t.pop_due(now + Duration::from_millis(25), &mut out);
        assert_eq!(out, vec!["b", "c"]);
        assert_eq!(t.next_deadline(), None);
        assert_eq!(t.len(), 0);
    }

    #[test]
    fn cancelled_entries_are_compacted() {
        let mut t = Timers::new();
        let now = Instant::now();
        for i in 0..10_000u64 {
            let id = t.arm(now + Duration::from_secs(5 + i), i);
            t.cancel(id);
        }
        assert!(t.heap.len() <= 64 + 1, "heap kept {} dead entries", t.heap.len());
    }
}
