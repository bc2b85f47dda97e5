//! Timers: `after` fires on silence and is re-armed by every handler; `sleep` suspends only
//! the sleeping actor.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use janus_runtime::{Behavior, Reply, sleep};

struct Quiet {
    period: Duration,
    fired: Arc<AtomicUsize>,
    handled: Arc<AtomicUsize>,
}
impl Behavior for Quiet {
    type Msg = ();
    const HAS_AFTER: bool = true;
    fn handle(&mut self, _: &mut ()) {
        self.handled.fetch_add(1, Ordering::SeqCst);
    }
    fn after(&self) -> Option<Duration> {
        Some(self.period)
    }
    fn on_after(&mut self) {
        self.fired.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn after_fires_repeatedly_on_silence() {
    let rt = common::rt();
    let fired = Arc::new(AtomicUsize::new(0));
    let _q = rt.spawn(Quiet {
        period: Duration::from_millis(10),
        fired: fired.clone(),
        handled: Arc::default(),
    });
    assert!(common::wait_until(Duration::from_secs(10), || fired
        .load(Ordering::SeqCst)
        >= 3));
}

#[test]
fn after_is_rearmed_by_every_handler() {
    let rt = common::rt();
    let fired = Arc::new(AtomicUsize::new(0));
    let handled = Arc::new(AtomicUsize::new(0));
    let q = rt.spawn(Quiet {
        period: Duration::from_millis(1500),
        fired: fired.clone(),
        handled: handled.clone(),
    });
    // Keep talking for 600 ms with gaps of 20 ms: the silence never lasts 1.5 s.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_millis(600) {
        q.send(());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        fired.load(Ordering::SeqCst),
        0,
        "after fired although messages kept coming"
    );
    assert!(handled.load(Ordering::SeqCst) > 0);
    // Then silence: it fires.
    assert!(common::wait_until(Duration::from_secs(15), || fired
        .load(Ordering::SeqCst)
        >= 1));
}

#[test]
fn sleep_suspends_only_the_sleeping_actor() {
    let rt = common::rt_with(1); // one worker: a blocking sleep would stall everyone
    let woke = Arc::new(AtomicBool::new(false));
    let w2 = woke.clone();
    let sleeper = rt.spawn_fn(
        (),
        move |_: &mut (), d: &mut (Duration, Reply<Duration>)| {
            let t0 = Instant::now();
            sleep(d.0);
            w2.store(true, Ordering::SeqCst);
            d.1.send(t0.elapsed());
        },
    );
    let echo = rt.spawn_fn((), |_: &mut (), r: &mut Reply<u32>| r.send(1));
    let s2 = sleeper.clone();
    let t = std::thread::spawn(move || s2.ask(|r| (Duration::from_millis(500), r)));
    // Wait until the sleeper is asleep, then talk to the other actor on the same worker.
    std::thread::sleep(Duration::from_millis(20));
    for _ in 0..50 {
        assert_eq!(echo.ask(|r| r), Ok(1));
    }
    assert!(
        !woke.load(Ordering::SeqCst),
        "the other actor only ran after the sleep ended"
    );
    let slept = t.join().unwrap().unwrap();
    assert!(slept >= Duration::from_millis(500));
}

#[test]
fn many_sleepers_share_one_worker() {
    let rt = common::rt_with(1);
    let done = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    for _ in 0..200 {
        let d2 = done.clone();
        let a = rt.spawn_fn((), move |_: &mut (), _: &mut ()| {
            sleep(Duration::from_millis(200));
            d2.fetch_add(1, Ordering::SeqCst);
        });
        a.send(());
    }
    assert!(common::wait_until(Duration::from_secs(20), || done
        .load(Ordering::SeqCst)
        == 200));
    // 200 sequential sleeps would take 40 s; concurrent ones take about 0.2 s.
    assert!(t0.elapsed() < Duration::from_secs(15));
}
