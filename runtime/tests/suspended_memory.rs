//! 10,000 actors suspended at once (each holds one coroutine stack while it waits): bytes per
//! suspended actor, and everything resumes. Own process for a clean RSS.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use janus_runtime::{Behavior, sleep};

struct Napper {
    asleep: Arc<AtomicUsize>,
    woke: Arc<AtomicUsize>,
}
impl Behavior for Napper {
    type Msg = Duration;
    fn handle(&mut self, d: &mut Duration) {
        self.asleep.fetch_add(1, Ordering::SeqCst);
        sleep(*d);
        self.woke.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn ten_thousand_suspended_actors() {
    let rt = common::rt();
    let asleep = Arc::new(AtomicUsize::new(0));
    let woke = Arc::new(AtomicUsize::new(0));
    let n = 10_000;
    let before = common::rss_bytes();
    let refs: Vec<_> = (0..n)
        .map(|_| {
            rt.spawn(Napper {
                asleep: asleep.clone(),
                woke: woke.clone(),
            })
        })
        .collect();
    for r in &refs {
        r.send(Duration::from_secs(1));
    }
    assert!(common::wait_until(Duration::from_secs(20), || asleep
        .load(Ordering::SeqCst)
        == n));
    let during = common::rss_bytes();
    assert_eq!(woke.load(Ordering::SeqCst), 0);
    eprintln!(
        "suspended actors: RSS {} KiB -> {} KiB, {} bytes per suspended actor",
        before / 1024,
        during / 1024,
        during.saturating_sub(before) / n
    );
    assert!(common::wait_until(Duration::from_secs(25), || woke
        .load(Ordering::SeqCst)
        == n));
    // Each suspended turn holds a stack (a few touched pages); a generous bound.
    assert!(during.saturating_sub(before) / n < 64 * 1024);
}
