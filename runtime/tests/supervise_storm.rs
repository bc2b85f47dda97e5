//! Restart storm: a child that crashes on every message (its `on start` sends itself one),
//! restarted with no backoff under a very high intensity, many times in a row: memory stays
//! flat, the supervisor keeps up, and the child works normally once the storm is over.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use janus_runtime::supervise::{
    Backoff, ChildSpec, SupervisorSpec, silent_supervisor_reporter, spawn_supervisor,
};
use janus_runtime::{Behavior, Config, Payload, Reply, Runtime, silent_reporter};

/// Restarts in the storm.
const STORM: usize = 1_000_000;

struct Stormy {
    starts: Arc<AtomicUsize>,
    _state: Vec<u64>,
}
enum StormMsg {
    Crash,
    Starts(Reply<usize>),
}
impl Behavior for Stormy {
    type Msg = StormMsg;
    fn on_start(&mut self) {
        let n = self.starts.fetch_add(1, Ordering::Relaxed);
        if n < STORM
            && let Some(me) = janus_runtime::current_actor_ref()
        {
            me.send(Payload::new(StormMsg::Crash));
        }
    }
    fn handle(&mut self, m: &mut StormMsg) {
        match m {
            StormMsg::Crash => janus_runtime::fail("storm", "storm.jan:1:1"),
            StormMsg::Starts(r) => r.send(self.starts.load(Ordering::Relaxed)),
        }
    }
}

#[test]
fn restart_storm_keeps_memory_flat() {
    let rt = Runtime::new(Config {
        workers: 2,
        crash_reporter: silent_reporter(),
        supervisor_reporter: silent_supervisor_reporter(),
        ..Config::default()
    });
    let starts = Arc::new(AtomicUsize::new(0));
    let s2 = starts.clone();
    let (c, child) = ChildSpec::behavior("stormy", move || Stormy {
        starts: s2.clone(),
        _state: vec![0; 16],
    });
    let t0 = Instant::now();
    let sup = spawn_supervisor(
        &rt,
        SupervisorSpec::new("Storm")
            .intensity(u32::MAX, Duration::from_secs(1))
            .backoff(Backoff::None)
            .child(c),
    );
    assert!(common::wait_until(Duration::from_secs(60), || starts
        .load(Ordering::Relaxed)
        >= 20_000));
    let rss_early = common::rss_bytes();
    assert!(
        common::wait_until(Duration::from_secs(300), || starts.load(Ordering::Relaxed)
            > STORM),
        "{} restarts",
        starts.load(Ordering::Relaxed)
    );
    let took = t0.elapsed();
    let rss_after = common::rss_bytes();
    eprintln!(
        "restart storm: {STORM} restarts in {took:?} ({:.1} us each), RSS after 20,000 {} KiB, after all {} KiB",
        took.as_secs_f64() * 1e6 / STORM as f64,
        rss_early / 1024,
        rss_after / 1024
    );
    // The storm is over: the last incarnation works.
    assert_eq!(child.ask(StormMsg::Starts), Ok(STORM + 1));
    assert!(sup.is_alive());
    // The supervisor and its one child are all that is left.
    assert!(
        common::wait_until(Duration::from_secs(10), || rt.live_actors() == 2),
        "{} actors alive",
        rt.live_actors()
    );
    assert!(
        rss_after < rss_early + 16 * 1024 * 1024,
        "RSS grew from {rss_early} to {rss_after}"
    );
}
