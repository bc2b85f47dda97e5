//! 100,000 idle actors: bytes per actor (idle actors hold no stack). Own process for clean RSS.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use janus_runtime::Behavior;

struct Idle {
    n: u64,
    started: Arc<AtomicUsize>,
}
impl Behavior for Idle {
    type Msg = u64;
    fn on_start(&mut self) {
        self.started.fetch_add(1, Ordering::Relaxed);
    }
    fn handle(&mut self, m: &mut u64) {
        self.n += *m;
    }
}

#[test]
fn hundred_thousand_idle_actors_are_small() {
    let rt = common::rt();
    let started = Arc::new(AtomicUsize::new(0));
    let n = 100_000;
    let mut refs = Vec::with_capacity(n);
    // Warm up the allocator and the stack pools first.
    for _ in 0..1000 {
        refs.push(rt.spawn(Idle {
            n: 0,
            started: started.clone(),
        }));
    }
    assert!(common::wait_until(Duration::from_secs(20), || started
        .load(Ordering::Relaxed)
        == 1000));
    let before = common::rss_bytes();
    for _ in 0..n {
        refs.push(rt.spawn(Idle {
            n: 0,
            started: started.clone(),
        }));
    }
    assert!(common::wait_until(Duration::from_secs(25), || started
        .load(Ordering::Relaxed)
        == n + 1000));
    let after = common::rss_bytes();
    let per = after.saturating_sub(before) / n;
    eprintln!(
        "idle actors: RSS {} KiB -> {} KiB, {} bytes/actor (incl. the test's 8-byte ref)",
        before / 1024,
        after / 1024,
        per
    );
    assert!(per < 2048, "{per} bytes per idle actor");
    // They are alive and answer.
    refs[n / 2].send(1);
    assert_eq!(rt.live_actors(), n + 1000);
}
