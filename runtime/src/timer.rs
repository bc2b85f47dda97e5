//! Per-worker timers: a binary heap of deadlines over a slab of entries, with O(1) cancellation.
//!
//! Each worker owns one `Timers` and checks it in its loop; an idle worker parks until the next
//! deadline. Timers are local because everything that arms one is pinned to the worker: a
//! suspended `sleep` or `ask` resumes on the worker that armed it, and an `after` timer is armed by
//! the worker that just ran the actor's turn (it may fire on that worker and schedule the actor
//! anywhere). Cancelling frees the slab entry at once; its heap node becomes stale (the slot's
//! generation no longer matches) and is skipped when popped. When stale nodes outnumber live ones
//! the heap is rebuilt, so a million answered asks per second do not pile up 5 s of dead nodes.
//!
//! Arming is staged: a new timer takes its slab slot at once but its heap node waits in a
//! `staged` vector until the worker next looks at its deadlines (every 32 turns, or when idle).
//! Most timers are ask deadlines cancelled within a few turns, usually in the reverse order of
//! arming, so the cancel pops the staged node again and the timer never costs a heap push or
//! pop (about a tenth of an ask round trip otherwise).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

/// Identifies an armed timer, for cancellation: slab index and generation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct TimerId(u32, u32);

struct Slot<K> {
    generation: u32,
    kind: Option<K>,
}

/// A deadline-ordered set of timer entries of type `K`.
pub(crate) struct Timers<K> {
    heap: BinaryHeap<Reverse<(Instant, u32, u32)>>,
    /// Heap nodes of recently armed timers, not yet pushed (see the module doc).
    staged: Vec<(Instant, u32, u32)>,
    slots: Vec<Slot<K>>,
    free: Vec<u32>,
    live: usize,
}

impl<K> Timers<K> {
    pub(crate) fn new() -> Self {
        Timers {
            heap: BinaryHeap::new(),
            staged: Vec::new(),
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
        }
    }

    /// Arms `kind` to fire at `deadline`.
    pub(crate) fn arm(&mut self, deadline: Instant, kind: K) -> TimerId {
        let idx = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    kind: None,
                });
                (self.slots.len() - 1) as u32
            }
        };
        let slot = &mut self.slots[idx as usize];
        slot.kind = Some(kind);
        let generation = slot.generation;
        self.staged.push((deadline, idx, generation));
        self.live += 1;
        TimerId(idx, generation)
    }

    fn take(&mut self, idx: u32, generation: u32) -> Option<K> {
        let slot = self.slots.get_mut(idx as usize)?;
        if slot.generation != generation {
            return None;
        }
        let k = slot.kind.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(idx);
        self.live -= 1;
        Some(k)
    }

    fn is_live(&self, idx: u32, generation: u32) -> bool {
        self.slots
            .get(idx as usize)
            .is_some_and(|s| s.generation == generation && s.kind.is_some())
    }

    /// Cancels a timer; a no-op when it already fired.
    pub(crate) fn cancel(&mut self, id: TimerId) -> Option<K> {
        let k = self.take(id.0, id.1);
        if self
            .staged
            .last()
            .is_some_and(|&(_, i, g)| (i, g) == (id.0, id.1))
        {
            self.staged.pop(); // the common case: cancelled before it was ever pushed
        } else if self.staged.len() > 64 + 2 * self.live {
            let slots = &self.slots;
            self.staged.retain(|&(_, i, g)| {
                slots
                    .get(i as usize)
                    .is_some_and(|s| s.generation == g && s.kind.is_some())
            });
        }
        if self.heap.len() > 64 + 2 * self.live {
            // Rebuild without the stale nodes: amortized O(1) per cancellation.
            let entries: Vec<_> = std::mem::take(&mut self.heap)
                .into_vec()
                .into_iter()
                .filter(|Reverse((_, i, g))| self.is_live(*i, *g))
                .collect();
            self.heap = BinaryHeap::from(entries);
        }
        k
    }

    /// Pushes the staged nodes of still-armed timers into the heap.
    fn unstage(&mut self) {
        for (at, i, g) in std::mem::take(&mut self.staged) {
            if self.is_live(i, g) {
                self.heap.push(Reverse((at, i, g)));
            }
        }
    }

    /// The earliest live deadline, dropping stale nodes from the top.
    pub(crate) fn next_deadline(&mut self) -> Option<Instant> {
        self.unstage();
        while let Some(Reverse((at, i, g))) = self.heap.peek() {
            if self.is_live(*i, *g) {
                return Some(*at);
            }
            self.heap.pop();
        }
        None
    }

    /// Moves every entry due at `now` into `out`, earliest first.
    pub(crate) fn pop_due(&mut self, now: Instant, out: &mut Vec<K>) {
        self.unstage();
        while let Some(Reverse((at, i, g))) = self.heap.peek() {
            if *at > now {
                break;
            }
            let (i, g) = (*i, *g);
            self.heap.pop();
            if let Some(k) = self.take(i, g) {
                out.push(k);
            }
        }
    }

    /// Number of live timers.
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// Removes every entry (runtime shutdown).
    pub(crate) fn clear(&mut self) -> Vec<K> {
        self.heap.clear();
        self.staged.clear();
        self.free.clear();
        self.live = 0;
        self.slots.drain(..).filter_map(|s| s.kind).collect()
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
        assert_eq!(t.cancel(a), None);
        assert_eq!(t.next_deadline(), Some(now + Duration::from_millis(10)));
        let mut out = vec![];
        t.pop_due(now + Duration::from_millis(25), &mut out);
        assert_eq!(out, vec!["b", "c"]);
        assert_eq!(t.next_deadline(), None);
        assert_eq!(t.len(), 0);
    }

    #[test]
    fn a_reused_slot_does_not_fire_for_a_cancelled_timer() {
        let mut t = Timers::new();
        let now = Instant::now();
        let a = t.arm(now + Duration::from_millis(5), 1);
        t.cancel(a);
        let b = t.arm(now + Duration::from_millis(50), 2); // reuses a's slot
        let mut out = vec![];
        t.pop_due(now + Duration::from_millis(10), &mut out);
        assert!(out.is_empty(), "the stale node of `a` fired `b`");
        assert_eq!(t.cancel(a), None);
        assert_eq!(t.cancel(b), Some(2));
    }

    #[test]
    fn staged_timers_cancelled_out_of_order_still_fire_right() {
        let mut t = Timers::new();
        let now = Instant::now();
        let ids: Vec<_> = (0..200u64)
            .map(|i| t.arm(now + Duration::from_millis(i), i))
            .collect();
        for id in ids.iter().step_by(2) {
            t.cancel(*id); // every even one, oldest first: not the last staged node
        }
        let mut out = vec![];
        t.pop_due(now + Duration::from_millis(1000), &mut out);
        assert_eq!(out, (0..200u64).filter(|i| i % 2 == 1).collect::<Vec<_>>());
        assert_eq!(t.len(), 0);
        assert!(t.staged.is_empty());
    }

    #[test]
    fn cancelled_entries_are_compacted() {
        let mut t = Timers::new();
        let now = Instant::now();
        for i in 0..10_000u64 {
            let id = t.arm(now + Duration::from_secs(5 + i), i);
            t.cancel(id);
        }
        assert!(
            t.heap.len() + t.staged.len() <= 64 + 1,
            "kept {} + {} dead entries",
            t.heap.len(),
            t.staged.len()
        );
        assert!(t.slots.len() <= 1);
    }
}
