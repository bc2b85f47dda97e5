//! The catalogue of the Janus benchmark programs in benches/programs: their sizes as the issue
//! sets them (the programs' own defaults, passed explicitly so the report states them) and the
//! tiny sizes of the smoke test; building one with `janusc build --release` and running it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::janus;
use crate::result::{RunResult, parse_result};

/// One benchmark program.
pub struct Program {
    /// The file stem in benches/programs, also the `name=` of its `RESULT` line.
    pub name: &'static str,
    /// Arguments for the full-size figure.
    pub full: &'static [&'static str],
    /// Arguments for the smoke test: every code path, a few milliseconds.
    pub tiny: &'static [&'static str],
}

/// Every program, in report order.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "pingpong",
        full: &["1000000"],
        tiny: &["100"],
    },
    Program {
        name: "ring",
        full: &["100", "10000000"],
        tiny: &["10", "1000"],
    },
    Program {
        name: "ask",
        full: &["1000000"],
        tiny: &["100"],
    },
    Program {
        name: "skynet",
        full: &["1000000"],
        tiny: &["1000"],
    },
    Program {
        name: "fanin",
        full: &["100", "10000"],
        tiny: &["10", "100"],
    },
    Program {
        name: "spawn",
        full: &["1000000", "1000"],
        tiny: &["1000", "100"],
    },
    Program {
        name: "restart",
        full: &["10000"],
        tiny: &["100"],
    },
    Program {
        name: "idle",
        full: &["100000", "500"],
        tiny: &["1000", "100"],
    },
];

/// The programs' directory in the source tree.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../programs")
}

/// Builds program `name` from `dir` into `out_dir` with `janusc build --release`; returns the
/// executable.
pub fn build(janusc: &Path, dir: &Path, name: &str, out_dir: &Path) -> Result<PathBuf, String> {
    let source = dir.join(format!("{name}.jan"));
    let exe = out_dir.join(name);
    janus::build(janusc, &source, &exe, true, false)?;
    Ok(exe)
}

/// Runs a built program once and parses its `RESULT` line, which must name the program.
pub fn run_once(
    exe: &Path,
    name: &str,
    args: &[String],
    limit: Duration,
) -> Result<RunResult, String> {
    let ran = janus::run(exe, args, limit, &mut |_, _| Ok(()))?;
    let r = parse_result(&ran.stdout)?;
    if r.name != name {
        return Err(format!("{name} printed a RESULT for `{}`", r.name));
    }
    Ok(r)
}

/// Best of `runs`: the run with the shortest elapsed time (the machine is shared; the fastest
/// run is the least disturbed one).
pub fn best_of(
    exe: &Path,
    name: &str,
    args: &[String],
    runs: usize,
    limit: Duration,
) -> Result<RunResult, String> {
    let mut best: Option<RunResult> = None;
    for _ in 0..runs.max(1) {
        let r = run_once(exe, name, args, limit)?;
        if best.as_ref().is_none_or(|b| r.elapsed < b.elapsed) {
            best = Some(r);
        }
    }
    best.ok_or_else(|| format!("{name}: no run"))
}

/// The idle-memory figure of one run: resident memory at the program's two markers.
pub struct IdleMemory {
    pub actors: u64,
    pub before: u64,
    pub after: u64,
    pub result: RunResult,
}

impl IdleMemory {
    pub fn bytes_per_actor(&self) -> f64 {
        self.after.saturating_sub(self.before) as f64 / self.actors.max(1) as f64
    }
}

/// Runs the idle program, reading its VmRSS when it prints `IDLE phase=before` and
/// `IDLE phase=after count=N` (it sleeps after each marker while this reads).
pub fn run_idle(exe: &Path, args: &[String], limit: Duration) -> Result<IdleMemory, String> {
    let (mut before, mut after, mut actors) = (None, None, 0u64);
    let ran = janus::run(exe, args, limit, &mut |line, pid| {
        if line == "IDLE phase=before" {
            before = Some(janus::rss_bytes(pid)?);
        } else if let Some(rest) = line.strip_prefix("IDLE phase=after ") {
            after = Some(janus::rss_bytes(pid)?);
            actors = crate::result::fields(rest)
                .find(|(k, _)| *k == "count")
                .and_then(|(_, v)| v.parse().ok())
                .ok_or_else(|| format!("no count in `{line}`"))?;
        }
        Ok(())
    })?;
    let result = parse_result(&ran.stdout)?;
    match (before, after) {
        (Some(before), Some(after)) if actors > 0 => Ok(IdleMemory {
            actors,
            before,
            after,
            result,
        }),
        _ => Err(format!(
            "the idle program did not print both markers:\n{}",
            ran.stdout
        )),
    }
}
