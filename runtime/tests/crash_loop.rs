//! Crash isolation loop: spawn, crash, repeat 100,000 times; memory stays flat.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use janus_runtime::{Behavior, ExitReason, fail};

struct Doomed {
    _state: Vec<u64>,
}
impl Behavior for Doomed {
    type Msg = ();
    const NAME: &'static str = "Doomed";
    fn handle(&mut self, _: &mut ()) {
        fail("on purpose", "doomed.jan:1:1");
    }
}

#[test]
fn hundred_thousand_crashes_keep_memory_flat() {
    let rt = common::rt();
    let crashed = Arc::new(AtomicUsize::new(0));
    let rounds = 100;
    let per_round = 1000;
    let mut rss_before = 0;
    for round in 0..rounds {
        for _ in 0..per_round {
            let a = rt.spawn(Doomed {
                _state: vec![0; 16],
            });
            let c = crashed.clone();
            a.on_exit(move |e| {
                if matches!(e.reason, ExitReason::Crashed(_)) {
                    c.fetch_add(1, Ordering::Relaxed);
                }
            });
            a.send(());
        }
        let want = (round + 1) * per_round;
        assert!(
            common::wait_until(Duration::from_secs(20), || crashed.load(Ordering::Relaxed)
                == want),
            "round {round}: {} crashes",
            crashed.load(Ordering::Relaxed)
        );
        if round == 0 {
            rss_before = common::rss_bytes();
        }
    }
    let rss_after = common::rss_bytes();
    eprintln!(
        "crash loop: {} crashes, RSS after the first 1,000 {} KiB, after all {} KiB",
        rounds * per_round,
        rss_before / 1024,
        rss_after / 1024
    );
    assert!(
        common::wait_until(Duration::from_secs(10), || rt.live_actors() == 0),
        "{} actors not freed",
        rt.live_actors()
    );
    assert!(
        rss_after < rss_before + 16 * 1024 * 1024,
        "RSS grew from {rss_before} to {rss_after}"
    );
}
