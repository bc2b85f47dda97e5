//! Crashes: `fail` (the abort-like entry compiled code calls), crash reports, and main's exit.
//!
//! A crash never unwinds: `fail` switches from the handler's coroutine straight back to the
//! worker, which abandons the coroutine (`force_reset`), frees what the actor owned, reports one
//! line on stderr and notifies the actor's exit hook (supervision). Reports are formatted and
//! printed on the worker's own stack, never on the small coroutine stack.

use std::io::Write;
use std::sync::Arc;

use crate::actor::CrashInfo;

/// What the crash reporter is told.
pub struct CrashReport<'a> {
    pub actor_id: u64,
    pub actor_name: &'a str,
    pub info: &'a CrashInfo,
}

/// Receives each crash of a (non-main) actor. The default prints one line on stderr.
pub type CrashReporter = Arc<dyn Fn(&CrashReport<'_>) + Send + Sync>;

/// The one-line report: `actor NAME#ID crashed: REASON at LOCATION`.
pub fn format_report(r: &CrashReport<'_>) -> String {
    format!(
        "actor {}#{} crashed: {} at {}",
        r.actor_name, r.actor_id, r.info.reason, r.info.location
    )
}

/// The default reporter: one line on stderr.
pub fn stderr_reporter() -> CrashReporter {
    Arc::new(|r: &CrashReport<'_>| {
        let line = format_report(r);
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    })
}

/// A reporter that prints nothing (tests that crash on purpose many times).
pub fn silent_reporter() -> CrashReporter {
    Arc::new(|_: &CrashReport<'_>| {})
}

/// Crashes the running actor with `reason` at `location` (a `file:line:col` string). Never
/// returns. Called outside an actor (a plain thread) it panics instead.
pub fn fail(reason: &str, location: &str) -> ! {
    crate::coro::fail(reason, location)
}

/// The report printed when `main` crashes; the process then exits with status 1.
pub fn format_main_crash(info: &CrashInfo) -> String {
    format!("main crashed: {} at {}", info.reason, info.location)
}
