//! Crash isolation loop: spawn, crash, repeat 100,000 times; memory stays flat.

mod common;

use std::time::Duration;

use janus_runtime::{Behavior, fail};

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
    let (rounds, per_round) = (100, 1000);
    let (rss_before, rss_after) = common::crash_rounds(rounds, per_round, || {
        rt.spawn(Doomed {
            _state: vec![0; 16],
        })
    });
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
