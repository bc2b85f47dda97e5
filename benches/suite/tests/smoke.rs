//! Smoke test of the benchmark suite, so it cannot rot: every program of benches/programs is
//! built by the real `janusc build --release` and run at a tiny size (through its arguments),
//! and must print a parseable `RESULT` line with the expected count.
//!
//! Which janusc: `$JANUSC` if set, else `target/<profile>/janusc` beside this test's directory
//! (`target/<profile>/deps/`). Cargo cannot hand a test another package's binary
//! (`CARGO_BIN_EXE_*` is per package), but under `cargo test --workspace` — what CI runs — cargo
//! compiles every test target and the binaries their packages' integration tests need (janusc
//! has some) before it runs any test, in the same target directory and profile, so that janusc
//! is there and up to date. Run alone (`cargo test -p janus-bench`), the janusc found may be
//! missing or older than the sources: missing, the tests say so and pass as skipped, unless
//! `CI` is set, where a missing janusc is a failure; build it first with
//! `cargo build -p janusc` to test against the current compiler.

use std::path::PathBuf;
use std::time::Duration;

use janus_bench::janus::find_janusc;
use janus_bench::programs::{self, PROGRAMS};

/// The janusc to test with, or `None` (skip) outside CI when there is none.
fn janusc() -> Option<PathBuf> {
    match find_janusc(None) {
        Ok(p) => {
            eprintln!("using {}", p.display());
            Some(p)
        }
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: {e}");
            None
        }
        Err(e) => panic!("{e} (CI is set, so a missing janusc fails the suite)"),
    }
}

/// The count each program's `RESULT` line must report at its tiny size.
fn expected_count(name: &str) -> u64 {
    match name {
        "pingpong" => 200, // 100 round trips, 2 messages each
        "ring" | "skynet" | "fanin" | "spawn" | "idle" => 1000,
        "ask" | "restart" => 100,
        other => panic!("no expected count for `{other}`"),
    }
}

fn smoke(name: &str) {
    let Some(janusc) = janusc() else { return };
    let program = PROGRAMS
        .iter()
        .find(|p| p.name == name)
        .expect("in the catalogue");
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-smoke");
    std::fs::create_dir_all(&out_dir).expect("output directory");
    let exe = programs::build(&janusc, &programs::programs_dir(), name, &out_dir)
        .unwrap_or_else(|e| panic!("{e}"));
    let args: Vec<String> = program.tiny.iter().map(|s| s.to_string()).collect();
    let limit = Duration::from_secs(120);
    let result = if name == "idle" {
        let m = programs::run_idle(&exe, &args, limit).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.actors, 1000);
        assert!(m.after > 0 && m.before > 0);
        m.result
    } else {
        programs::run_once(&exe, name, &args, limit).unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(result.name, name);
    assert_eq!(result.count, expected_count(name), "{result:?}");
}

#[test]
fn pingpong() {
    smoke("pingpong");
}

#[test]
fn ring() {
    smoke("ring");
}

#[test]
fn ask() {
    smoke("ask");
}

#[test]
fn skynet() {
    smoke("skynet");
}

#[test]
fn fanin() {
    smoke("fanin");
}

#[test]
fn spawn() {
    smoke("spawn");
}

#[test]
fn restart() {
    smoke("restart");
}

#[test]
fn idle() {
    smoke("idle");
}

/// The compile-speed figure at 1,000 lines: the generated program (with actors, no grains or
/// supervisors) builds, and janusc's `--timings` line is understood.
#[test]
fn compile_speed() {
    let Some(janusc) = janusc() else { return };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-smoke-compile");
    let c = janus_bench::compile::measure(&janusc, &dir, 1000, Some(true), 1)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.lines, 1000);
    assert!(c.actors);
    assert!(
        c.timings.link_ms > 0.0 && c.lines_per_s() > 0.0,
        "{:?}",
        c.timings
    );
    let line = c.line(100_000.0);
    assert!(
        line.starts_with("compile_speed lines=1000 lines_per_s="),
        "{line}"
    );
}

/// A program added to benches/programs must be added to the catalogue (and to the tests above).
#[test]
fn catalogue_covers_every_program() {
    let mut on_disk: Vec<String> = std::fs::read_dir(programs::programs_dir())
        .expect("benches/programs")
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".jan")
                .map(str::to_string)
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = PROGRAMS.iter().map(|p| p.name.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    for p in PROGRAMS {
        expected_count(p.name);
    }
}
