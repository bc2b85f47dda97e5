//! Backoff measured through real restarts (generous bounds): delays grow ×2 up to the cap,
//! differ between runs (jitter), and start over after a stable period.

mod supervise_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use janus_runtime::supervise::{Backoff, ChildSpec, Stable, SupervisorSpec, spawn_supervisor};
use janus_runtime::{Behavior, Payload};
use parking_lot::Mutex;
use supervise_common::{quiet_rt, wait_until};

const MIN: Duration = Duration::from_millis(50);
const MAX: Duration = Duration::from_millis(400);
/// Scheduling noise allowed on top of a delay (the machine is shared with builds).
const SLACK: Duration = Duration::from_millis(60);

/// Crashes right after `on start` while `crashes_left` > 0; records every start.
struct Flaky {
    crashes_left: Arc<AtomicUsize>,
    starts: Arc<Mutex<Vec<Instant>>>,
}
enum FlakyMsg {
    Crash,
}
impl Behavior for Flaky {
    type Msg = FlakyMsg;
    fn on_start(&mut self) {
        self.starts.lock().push(Instant::now());
        let crash = self
            .crashes_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if crash && let Some(me) = janus_runtime::current_actor_ref() {
            me.send(Payload::new(FlakyMsg::Crash));
        }
    }
    fn handle(&mut self, m: &mut FlakyMsg) {
        match m {
            FlakyMsg::Crash => janus_runtime::fail("flaky", "f.jan:1:1"),
        }
    }
}

struct Tree {
    crashes_left: Arc<AtomicUsize>,
    starts: Arc<Mutex<Vec<Instant>>>,
    child: Stable<FlakyMsg>,
    _sup: janus_runtime::supervise::Supervisor,
}

fn tree(rt: &janus_runtime::Runtime, crashes: usize) -> Tree {
    let crashes_left = Arc::new(AtomicUsize::new(crashes));
    let starts: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let (c2, s2) = (crashes_left.clone(), starts.clone());
    let (c, child) = ChildSpec::behavior("flaky", move || Flaky {
        crashes_left: c2.clone(),
        starts: s2.clone(),
    });
    let sup = spawn_supervisor(
        rt,
        SupervisorSpec::new("B")
            .intensity(100, Duration::from_secs(60))
            .backoff(Backoff::Exponential { min: MIN, max: MAX })
            .child(c),
    );
    Tree {
        crashes_left,
        starts,
        child,
        _sup: sup,
    }
}

fn intervals(starts: &[Instant]) -> Vec<Duration> {
    starts.windows(2).map(|w| w[1] - w[0]).collect()
}

fn base(k: u32) -> Duration {
    (MIN * (1 << (k - 1))).min(MAX)
}

#[test]
fn delays_grow_exponentially_to_the_cap_differ_between_runs_and_reset() {
    let (rt, _) = quiet_rt(2);
    let crashes = 6;
    // Two trees at once: their jitter must differ.
    let a = tree(&rt, crashes);
    let b = tree(&rt, crashes);
    for t in [&a, &b] {
        assert!(
            wait_until(Duration::from_secs(10), || t.starts.lock().len()
                == crashes + 1),
            "{} starts",
            t.starts.lock().len()
        );
    }
    let ia = intervals(&a.starts.lock());
    let ib = intervals(&b.starts.lock());
    eprintln!("restart delays A: {ia:?}");
    eprintln!("restart delays B: {ib:?}");
    for iv in [&ia, &ib] {
        for (k, d) in iv.iter().enumerate() {
            let k = k as u32 + 1;
            let lo = base(k).mul_f64(0.8);
            let hi = base(k).mul_f64(1.2).min(MAX) + SLACK;
            assert!(
                *d >= lo && *d <= hi,
                "restart {k}: {d:?} not in [{lo:?}, {hi:?}]"
            );
        }
        // Roughly ×2 while below the cap.
        for k in 0..3 {
            let ratio = iv[k + 1].as_secs_f64() / iv[k].as_secs_f64();
            assert!((1.1..=3.5).contains(&ratio), "growth {k}: {ratio}");
        }
        // Capped afterwards.
        assert!(iv[3..].iter().all(|d| *d <= MAX + SLACK), "{iv:?}");
    }
    let same = ia
        .iter()
        .zip(&ib)
        .all(|(x, y)| x.abs_diff(*y) < Duration::from_micros(500));
    assert!(!same, "jitter gave two runs the same delays: {ia:?} {ib:?}");

    // Stable for longer than `max`: the next restart is a first one again.
    std::thread::sleep(MAX + Duration::from_millis(50));
    let n = a.starts.lock().len();
    let t0 = Instant::now();
    a.crashes_left.store(0, Ordering::SeqCst);
    a.child.send(FlakyMsg::Crash);
    assert!(wait_until(Duration::from_secs(5), || a.starts.lock().len() == n + 1));
    let d = a.starts.lock()[n] - t0;
    eprintln!("restart delay after a stable period: {d:?}");
    assert!(
        d >= MIN.mul_f64(0.8) && d <= MIN.mul_f64(1.2) + SLACK,
        "{d:?}"
    );
    // And a second crash right away is the second step again.
    let t1 = Instant::now();
    a.child.send(FlakyMsg::Crash);
    assert!(wait_until(Duration::from_secs(5), || a.starts.lock().len() == n + 2));
    let d = a.starts.lock()[n + 1] - t1;
    assert!(
        d >= base(2).mul_f64(0.8) && d <= base(2).mul_f64(1.2) + SLACK,
        "{d:?}"
    );
}

#[test]
fn a_delay_does_not_hold_up_other_restarts() {
    // Two children, 300 ms first delay. b crashes 50 ms after a: if the supervisor slept
    // through a's delay, b would restart after ~600 ms instead of ~350 ms.
    let (rt, events) = quiet_rt(2);
    let starts: Arc<Mutex<Vec<(&'static str, Instant)>>> = Arc::default();
    let mut spec = SupervisorSpec::new("D")
        .intensity(100, Duration::from_secs(60))
        .backoff(Backoff::Exponential {
            min: Duration::from_millis(300),
            max: Duration::from_secs(5),
        });
    let mut refs = Vec::new();
    for name in ["a", "b"] {
        let s2 = starts.clone();
        let (c, r) = ChildSpec::behavior(name, move || Starter {
            name,
            starts: s2.clone(),
        });
        spec = spec.child(c);
        refs.push(r);
    }
    let _sup = spawn_supervisor(&rt, spec);
    starts.lock().clear();
    let t0 = Instant::now();
    refs[0].send(FlakyMsg::Crash);
    std::thread::sleep(Duration::from_millis(50));
    refs[1].send(FlakyMsg::Crash);
    // b's restart decision is made at once, during a's delay.
    assert!(wait_until(Duration::from_secs(5), || events.lock().len() == 2));
    assert!(
        t0.elapsed() < Duration::from_millis(200),
        "{:?}",
        t0.elapsed()
    );
    assert!(wait_until(Duration::from_secs(5), || starts.lock().len() == 2));
    let got = starts.lock().clone();
    let at = |n: &str| got.iter().find(|(x, _)| *x == n).map(|(_, t)| *t - t0);
    let (a, b) = (at("a"), at("b"));
    eprintln!("a restarted after {a:?}, b after {b:?}");
    let (Some(a), Some(b)) = (a, b) else {
        panic!("{got:?}")
    };
    assert!(a >= Duration::from_millis(240) && a <= Duration::from_millis(360) + SLACK);
    assert!(b >= Duration::from_millis(290) && b <= Duration::from_millis(410) + SLACK);
}

struct Starter {
    name: &'static str,
    starts: Arc<Mutex<Vec<(&'static str, Instant)>>>,
}
impl Behavior for Starter {
    type Msg = FlakyMsg;
    fn on_start(&mut self) {
        self.starts.lock().push((self.name, Instant::now()));
    }
    fn handle(&mut self, m: &mut FlakyMsg) {
        match m {
            FlakyMsg::Crash => janus_runtime::fail("crash", "s.jan:1:1"),
        }
    }
}
