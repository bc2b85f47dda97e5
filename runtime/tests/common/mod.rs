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
