//! Restart latency: the median time from a supervised child's crash to its restarted
//! incarnation handling the next message, with `backoff: none` (issue 5's target: < 10 µs).
//!
//! `cargo run --release -p janus-runtime --example restart [-- ROUNDS [WORKERS]]`
//!
//! A driver thread sends `Crash` through the child's stable reference; the handler notes the
//! instant and crashes. As soon as the reference no longer designates the crashed incarnation
//! (the exit hook unbound it, or the supervisor bound the next one), the driver sends `Ping`,
//! which the new incarnation gets first (held during the restart, then moved into its mailbox);
//! its handler notes the instant. The figure is the difference; the driver's reaction is
//! included (it polls, so it adds well under a microsecond).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use janus_runtime::supervise::{
    Backoff, ChildSpec, SupervisorSpec, silent_supervisor_reporter, spawn_supervisor,
};
use janus_runtime::{Behavior, Config, Runtime, silent_reporter};

/// Nanoseconds since `EPOCH` of the last crash, and the latency of the last ping.
struct Probe {
    epoch: Instant,
    crash_at: Arc<AtomicU64>,
    latency: Arc<AtomicU64>,
}

enum Msg {
    Crash,
    Ping,
}

impl Behavior for Probe {
    type Msg = Msg;
    const NAME: &'static str = "probe";
    fn handle(&mut self, m: &mut Msg) {
        match m {
            Msg::Crash => {
                let now = self.epoch.elapsed().as_nanos() as u64;
                self.crash_at.store(now, Ordering::SeqCst);
                janus_runtime::fail("on purpose", "restart.rs:1:1")
            }
            Msg::Ping => {
                let now = self.epoch.elapsed().as_nanos() as u64;
                let at = self.crash_at.load(Ordering::SeqCst);
                self.latency
                    .store(now.saturating_sub(at).max(1), Ordering::SeqCst);
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let workers: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let rt = Runtime::new(Config {
        workers,
        crash_reporter: silent_reporter(),
        supervisor_reporter: silent_supervisor_reporter(),
        ..Config::default()
    });
    let epoch = Instant::now();
    let crash_at = Arc::new(AtomicU64::new(0));
    let latency = Arc::new(AtomicU64::new(0));
    let (c2, l2) = (crash_at.clone(), latency.clone());
    let (spec, probe) = ChildSpec::behavior("probe", move || Probe {
        epoch,
        crash_at: c2.clone(),
        latency: l2.clone(),
    });
    let _sup = spawn_supervisor(
        &rt,
        SupervisorSpec::new("Bench")
            .intensity(u32::MAX, Duration::from_secs(1))
            .backoff(Backoff::None)
            .child(spec),
    );
    let mut samples = Vec::with_capacity(rounds);
    let t0 = Instant::now();
    for _ in 0..rounds {
        let Some(old) = probe.raw().current().map(|r| r.id()) else {
            std::thread::yield_now();
            continue;
        };
        latency.store(0, Ordering::SeqCst);
        probe.send(Msg::Crash);
        while probe.raw().current().map(|r| r.id()) == Some(old) {
            std::hint::spin_loop();
        }
        probe.send(Msg::Ping);
        let mut l = latency.load(Ordering::SeqCst);
        while l == 0 {
            std::hint::spin_loop();
            l = latency.load(Ordering::SeqCst);
        }
        samples.push(l);
    }
    let total = t0.elapsed();
    samples.sort_unstable();
    let pct = |p: f64| {
        samples
            .get(((samples.len() as f64 - 1.0) * p) as usize)
            .map_or(0.0, |ns| *ns as f64 / 1000.0)
    };
    println!(
        "restart-latency janus={:.2} unit=us (median; p10 {:.2}, p90 {:.2}, p99 {:.2}) rounds={} workers={} total={:.2}s",
        pct(0.5),
        pct(0.1),
        pct(0.9),
        pct(0.99),
        samples.len(),
        workers,
        total.as_secs_f64()
    );
}
