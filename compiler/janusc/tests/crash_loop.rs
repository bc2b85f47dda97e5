//! Crash isolation under load, on a compiled program: `tests/crash_loop/crash_loop.jan` spawns
//! an actor that crashes, a million times in a row, while another actor keeps answering. The
//! test counts the crash reports on stderr, checks every ask to a crashed actor failed with
//! `Stopped`, and reads the process's resident memory at each of the program's ten progress
//! lines: it must stay flat (the figure goes to the test's output, for the closing note).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const CRASHES: u64 = 1_000_000;

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_million_crashes_keep_memory_flat_and_the_other_actor_answering() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let exe = std::env::temp_dir().join(format!("janus-crash-loop-{}", std::process::id()));
    let build = Command::new(env!("CARGO_BIN_EXE_janusc"))
        .args(["build", "--release", "-o"])
        .arg(&exe)
        .arg(root.join("tests/crash_loop/crash_loop.jan"))
        .output()
        .expect("run janusc");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );

    let mut child = Command::new(&exe)
        .arg(CRASHES.to_string())
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
            if line.starts_with("actor Crasher#")
                && line.contains(" crashed: panic: boom at ")
                && line.ends_with("crash_loop.jan:20:13")
            {
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
    let (crash_lines, other) = reports.join().expect("stderr reader");
    let _ = std::fs::remove_file(&exe);

    assert!(status.success(), "exit {status:?}; stderr: {other:?}");
    assert_eq!(
        last,
        format!("done {CRASHES} crashes, {CRASHES} asks stopped, 10 echoes")
    );
    assert_eq!(
        crash_lines, CRASHES,
        "one report per crash; others: {other:?}"
    );
    assert_eq!(rss.len(), 10, "{rss:?}");
    let (first, end) = (rss[0], rss[9]);
    eprintln!(
        "crash loop: {CRASHES} crashes; RSS after 100,000: {first} KiB, after 1,000,000: {end} KiB ({rss:?})"
    );
    // Flat: the last nine tenths of the crashes may not grow the process by more than 2 MiB
    // (a leak of even 8 bytes per crash would add 7 MiB).
    assert!(end <= first + 2048, "memory grew: {rss:?} KiB");
}
