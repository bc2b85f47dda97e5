//! Shared helpers for the runtime's integration tests.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use janus_runtime::{Config, Runtime, silent_reporter};

/// A 2-worker runtime that does not print crash lines.
pub fn rt() -> Runtime {
    Runtime::new(Config {
        workers: 2,
        crash_reporter: silent_reporter(),
        ..Config::default()
    })
}

pub fn rt_with(workers: usize) -> Runtime {
    Runtime::new(Config {
        workers,
        crash_reporter: silent_reporter(),
        ..Config::default()
    })
}

/// Polls `cond` until it holds or `limit` passes (generous limits: no timing asserts).
pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    cond()
}

/// Resident set size in bytes, from /proc/self/statm.
pub fn rss_bytes() -> usize {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = s
        .split_whitespace()
        .nth(1)
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// Spawns `rounds` × `per_round` actors with `spawn`, sends each one `()` (on which it is meant
/// to crash) and waits, round by round, until every one of them has crashed. Returns the RSS
/// after the first round and after the last, in bytes.
pub fn crash_rounds(
    rounds: usize,
    per_round: usize,
    mut spawn: impl FnMut() -> janus_runtime::ActorRef<()>,
) -> (usize, usize) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let crashed = Arc::new(AtomicUsize::new(0));
    let mut rss_before = 0;
    for round in 0..rounds {
        for _ in 0..per_round {
            let a = spawn();
            let c = crashed.clone();
            a.on_exit(move |e| {
                if matches!(e.reason, janus_runtime::ExitReason::Crashed(_)) {
                    // Relaxed: a counter read after the wait below.
                    c.fetch_add(1, Ordering::Relaxed);
                }
            });
            a.send(());
        }
        let want = (round + 1) * per_round;
        assert!(
            wait_until(Duration::from_secs(20), || crashed.load(Ordering::Relaxed)
                == want),
            "round {round}: {} crashes",
            crashed.load(Ordering::Relaxed)
        );
        if round == 0 {
            rss_before = rss_bytes();
        }
    }
    (rss_before, rss_bytes())
}

/// Runs test `name` of this very test binary in a child process with the environment variable
/// `key` set to `value` (which the test reads to know it is the child): how tests check code
/// that ends the process (exit status, what reached stdout and stderr).
pub fn run_test_in_child(name: &str, key: &str, value: &str) -> std::process::Output {
    let exe = std::env::current_exe().expect("the test binary");
    std::process::Command::new(exe)
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(key, value)
        .output()
        .expect("the child runs")
}
