//! `janus test`: the runtime half of the test runner. A test executable's C `main` calls
//! `janus_rt_run_tests` (instead of `janus_rt_start`) with the table of its `test "name" { .. }`
//! blocks; each test runs as its own main-like turn on one shared runtime, and a crash (failed
//! `assert`, `panic`, uncaught error, run-time failure) fails that test only. The output imitates
//! `cargo test`; `spec/abi.md` §7 is the contract.
//!
//! The logic lives in `run_tests`/`run_tests_on`, which return the exit status instead of
//! exiting, so that Rust tests can drive it; the export is a thin wrapper.
#![allow(clippy::missing_safety_doc)]

use std::ffi::c_char;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use crate::{Config, CrashInfo, Runtime};

/// One test of the table compiled code passes to `janus_rt_run_tests`.
#[repr(C)]
pub struct TestEntry {
    /// The test block's name (UTF-8, not NUL-terminated; may dangle when `name_len` is 0).
    pub name_ptr: *const u8,
    pub name_len: usize,
    /// The compiled test body (no arguments, no result; failures crash the turn).
    pub run: extern "C" fn(),
}

/// The stack of each test's turn: the size `janus_rt_start` gives `main`, since a test body is
/// compiled like `main` and may recurse as deeply; compiled code's stack check relies on it.
const TEST_STACK: usize = super::COMPILED_STACK_SIZE;

/// The runtime configuration tests run with (as `janus_rt_start`'s for `main`).
pub fn test_config() -> Config {
    Config {
        stack_size: TEST_STACK,
        ..Config::default()
    }
}

/// Whether a test named `name` is selected: no filter selects everything, otherwise the name
/// must contain at least one filter (substring match, like `cargo test NAME`).
pub fn selected(name: &str, filters: &[String]) -> bool {
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}

/// Runs `entries` on a fresh runtime (see `run_tests_on`), then shuts the runtime down, which
/// abandons whatever actors the tests left running. Returns the exit status (0 or 1).
pub fn run_tests(
    entries: &[(&str, extern "C" fn())],
    filters: &[String],
    out: &mut dyn Write,
) -> i32 {
    let rt = Runtime::new(test_config());
    let code = run_tests_on(&rt, entries, filters, out);
    rt.shutdown();
    code
}

/// Runs the selected tests of `entries` in declaration order, each as one main-like turn
/// (`Runtime::block_on`) of `rt`, and writes the report to `out`. Returns 0 when no selected test
/// failed (also when none was selected), else 1.
///
/// A test's actors stay alive after the test ends (they run on the shared runtime until the
/// process exits), so a later test can still receive their messages; a test that crashes frees
/// only its own turn's heap. A crashed turn is reported once, in the failure summary: `block_on`
/// runs the turn as a quiet actor, so the runtime's crash reporter does not print it.
///
/// `out` must not hold the stdout lock across the call: tests print from worker threads through
/// `std::io::stdout()` (pass `&mut std::io::stdout()`, not a `StdoutLock`). Layout as in
/// `cargo test --test-threads=1 --nocapture`: `test NAME ... ` is written (and flushed) before
/// the test runs, its verdict after, so what the test prints appears between the two.
pub fn run_tests_on(
    rt: &Runtime,
    entries: &[(&str, extern "C" fn())],
    filters: &[String],
    out: &mut dyn Write,
) -> i32 {
    let start = Instant::now();
    let chosen: Vec<&(&str, extern "C" fn())> = entries
        .iter()
        .filter(|(name, _)| selected(name, filters))
        .collect();
    let filtered_out = entries.len() - chosen.len();
    let _ = writeln!(out, "running {} test{}", chosen.len(), plural(chosen.len()));
    let _ = out.flush();
    let mut failures: Vec<(&str, CrashInfo)> = Vec::new();
    for &&(name, run) in &chosen {
        let _ = write!(out, "test {name} ... ");
        let _ = out.flush();
        match rt.block_on(move || run()) {
            Ok(()) => {
                let _ = writeln!(out, "ok");
            }
            Err(info) => {
                let _ = writeln!(out, "FAILED");
                failures.push((name, info));
            }
        }
        let _ = out.flush();
    }
    let _ = writeln!(out);
    if !failures.is_empty() {
        let _ = writeln!(out, "failures:");
        let _ = writeln!(out);
        for (name, info) in &failures {
            let _ = writeln!(out, "---- {name} ----");
            let _ = writeln!(out, "{}", describe(info));
            let _ = writeln!(out);
        }
    }
    let failed = failures.len();
    let _ = writeln!(
        out,
        "test result: {}. {} passed; {} failed; {} filtered out; finished in {:.2}s",
        if failed == 0 { "ok" } else { "FAILED" },
        chosen.len() - failed,
        failed,
        filtered_out,
        start.elapsed().as_secs_f64()
    );
    let _ = out.flush();
    i32::from(failed != 0)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `REASON at LOCATION` (just the reason when the crash has no location).
fn describe(info: &CrashInfo) -> String {
    if info.location.is_empty() {
        info.reason.clone()
    } else {
        format!("{} at {}", info.reason, info.location)
    }
}

/// C `main` of a test executable calls this with its test table and its arguments (`argv[1..]`
/// are name filters). Runs the tests (see `run_tests_on`), flushes stdout and exits with status
/// 0 when no test failed, 1 otherwise (never returns).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_run_tests(
    tests: *const TestEntry,
    n: usize,
    argc: i32,
    argv: *const *const c_char,
) -> i32 {
    let mut names: Vec<(String, extern "C" fn())> = Vec::new();
    if !tests.is_null() {
        for i in 0..n {
            // SAFETY: compiled code passes `n` entries at `tests`, each naming `name_len` bytes
            // of static data.
            let e = unsafe { &*tests.add(i) };
            let name = if e.name_ptr.is_null() || e.name_len == 0 {
                String::new()
            } else {
                // SAFETY: as above.
                let b = unsafe { std::slice::from_raw_parts(e.name_ptr, e.name_len) };
                String::from_utf8_lossy(b).into_owned()
            };
            names.push((name, e.run));
        }
    }
    let mut filters = Vec::new();
    if !argv.is_null() {
        for i in 1..argc.max(0) as usize {
            // SAFETY: C passes `argc` valid NUL-terminated strings in `argv`.
            let p = unsafe { *argv.add(i) };
            if !p.is_null() {
                // SAFETY: as above.
                let a = unsafe { std::ffi::CStr::from_ptr(p) };
                filters.push(a.to_string_lossy().into_owned());
            }
        }
    }
    let entries: Vec<(&str, extern "C" fn())> =
        names.iter().map(|(s, f)| (s.as_str(), *f)).collect();
    // The runtime is never dropped: the process exits with the tests' actors still running.
    let rt = Runtime::new(test_config());
    let code = catch_unwind(AssertUnwindSafe(|| {
        run_tests_on(&rt, &entries, &filters, &mut std::io::stdout())
    }))
    .unwrap_or(1);
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}
