//! Soak tests on compiled programs, a million rounds each, reading the process's resident
//! memory at each of the program's ten progress lines: it must stay flat (the figures go to
//! the test's output, for the closing note).
//! - `tests/crash_loop/crash_loop.jan`: an actor is spawned and crashes, a million times, while
//!   another answers (crash isolation);
//! - `tests/restart_storm/storm.jan`: a supervised child crashes on every message and is
//!   restarted a million times (no backoff, an intensity no storm reaches) while a sibling
//!   answers (supervision).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const ROUNDS: u64 = 1_000_000;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Builds `program` (release), runs it with `ROUNDS`, counts the stderr lines `counted`
/// accepts, samples the RSS at each `progress` line; returns (last stdout line, counted lines,
/// RSS samples in KiB, a few other stderr lines).
fn soak(program: &str, counted: fn(&str) -> bool) -> (String, u64, Vec<u64>, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let stem = Path::new(program)
        .file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned();
    let exe = std::env::temp_dir().join(format!("janus-soak-{stem}-{}", std::process::id()));
    let build = Command::new(env!("CARGO_BIN_EXE_janusc"))
        .args(["build", "--release", "-o"])
        .arg(&exe)
        .arg(root.join(program))
        .output()
        .expect("run janusc");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let mut child = Command::new(&exe)
        .arg(ROUNDS.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the program");
    let pid = child.id();
    let stderr = child.stderr.take().expect("stderr");
    let reports = std::thread::spawn(move || {
        let mut n = 0u64;
        let mut other = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if counted(&line) {
                n += 1;
            } else if other.len() < 5 {
                other.push(line);
            }
        }
        (n, other)
    });
    let mut rss = Vec::new();
    let mut last = String::new();
    for line in BufReader::new(child.stdout.take().expect("stdout"))
        .lines()
        .map_while(Result::ok)
    {
        if line.starts_with("progress ") {
            rss.push(rss_kib(pid));
        }
        last = line;
    }
    let status = child.wait().expect("wait");
    let (n, other) = reports.join().expect("stderr reader");
    let _ = std::fs::remove_file(&exe);
    assert!(status.success(), "exit {status:?}; stderr: {other:?}");
    (last, n, rss, other)
}

/// Flat: over the last nine tenths of the rounds the process may not grow by more than 2 MiB
/// (a leak of even 8 bytes per round would add 7 MiB). The sample at the last progress line
/// may be missing (0): the program can exit before the test reads its memory.
fn assert_flat(what: &str, rss: &[u64]) {
    assert_eq!(rss.len(), 10, "{rss:?}");
    let read: Vec<u64> = rss.iter().copied().filter(|&k| k > 0).collect();
    assert!(read.len() >= 9 && rss[0] > 0, "memory not read: {rss:?}");
    let (first, max) = (rss[0], read.iter().copied().max().unwrap_or(0));
    eprintln!(
        "{what}: {ROUNDS} rounds; RSS after 100,000: {first} KiB, at most {max} KiB after ({rss:?})"
    );
    assert!(max <= first + 2048, "memory grew: {rss:?} KiB");
}

#[test]
fn a_million_crashes_keep_memory_flat_and_the_other_actor_answering() {
    let (last, crashes, rss, other) = soak("tests/crash_loop/crash_loop.jan", |line| {
        line.starts_with("actor Crasher#")
            && line.contains(" crashed: panic: boom at ")
            && line.ends_with("crash_loop.jan:20:13")
    });
    assert_eq!(
        last,
        format!("done {ROUNDS} crashes, {ROUNDS} asks stopped, 10 echoes")
    );
    assert_eq!(crashes, ROUNDS, "one report per crash; others: {other:?}");
    assert_flat("crash loop", &rss);
}

#[test]
fn a_million_restarts_keep_memory_flat_and_the_sibling_answering() {
    let (last, crash_lines, rss, other) = soak("tests/restart_storm/storm.jan", |line| {
        line.starts_with("actor Crasher#") && line.ends_with("storm.jan:20:13")
    });
    assert_eq!(
        last,
        format!("done {ROUNDS} restarts, {ROUNDS} asks stopped")
    );
    assert_eq!(
        crash_lines, ROUNDS,
        "one report per crash; others: {other:?}"
    );
    assert_flat("restart storm", &rss);
}
