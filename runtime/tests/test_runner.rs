//! The `janus test` runner (`abi::testing`): selection by filters, one turn per test on one
//! shared runtime, failures isolated and summarised once, the cargo-like report, the exit status;
//! and the `janus_rt_run_tests` export itself, run in a child process (it exits).

mod common;
mod values_util;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use janus_runtime::abi::desc::build as b;
use janus_runtime::abi::testing::{TestEntry, run_tests, run_tests_on, selected, test_config};
use janus_runtime::entry::janus_cg_crash;
use janus_runtime::values::heap::with_current;
use janus_runtime::values::obj::new_string;
use janus_runtime::values::to_text;
use janus_runtime::{ActorRef, Config, CrashReport, FnActor, Runtime};
use values_util::*;

type Entry = (&'static str, extern "C" fn());

extern "C" fn passes() {}

extern "C" fn fails_with_fail() {
    janus_runtime::fail("assertion failed: 1 + 1 == 3", "math.jan:4:5");
}

/// Builds values in the turn's heap and checks them like a compiled `assert` would.
extern "C" fn uses_values() {
    let t = types();
    let text = with_current(|h| {
        let p = strukt(h, t.point, &[i(3), i(-4)]);
        let l = list(h, b::list(b::string()), &[s(h, "a"), s(h, "é")]);
        format!(
            "{} {}",
            to_text(p, &t.point),
            to_text(l, &b::list(b::string()))
        )
    });
    if text != r#"Point { x: 3, y: -4 } ["a", "é"]"# {
        janus_runtime::fail(&format!("unexpected text {text}"), "values.jan:1:1");
    }
}

/// Fails through the code generator's own crash entry (`assert` with a message).
extern "C" fn fails_with_assert_message() {
    let (msg, loc) = with_current(|h| {
        (
            new_string(h, "balance is 7"),
            new_string(h, "bank.jan:12:9"),
        )
    });
    // SAFETY: String objects of the current heap; kind 1 = assert.
    unsafe { janus_cg_crash(1, msg, std::ptr::null(), loc) }
}

/// Recurses through a few MiB of stack: only the 8 MiB test stack holds it (the default actor
/// stack is 256 KiB).
extern "C" fn deep_recursion() {
    #[inline(never)]
    fn down(n: u32) -> u64 {
        let pad = std::hint::black_box([n as u8; 512]);
        if n == 0 {
            pad[0] as u64
        } else {
            down(n - 1) + pad[511] as u64
        }
    }
    if std::hint::black_box(down(3000)) == u64::MAX {
        janus_runtime::fail("impossible", "deep.jan:1:1");
    }
}

fn normalise(out: &[u8]) -> String {
    let text = String::from_utf8(out.to_vec()).expect("the report is UTF-8");
    // The duration varies: keep everything up to it.
    text.lines()
        .map(|l| match l.find("finished in ") {
            Some(k) => format!("{}finished in T", &l[..k]),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn run(entries: &[Entry], filters: &[&str]) -> (i32, String) {
    let filters: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
    let mut out = Vec::new();
    let code = run_tests(entries, &filters, &mut out);
    (code, normalise(&out))
}

#[test]
fn a_failing_test_does_not_stop_the_others_and_is_summarised() {
    let (code, out) = run(
        &[
            ("adds", passes),
            ("assert fails", fails_with_fail),
            ("values", uses_values),
            ("assert with message", fails_with_assert_message),
            ("deep recursion", deep_recursion),
        ],
        &[],
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "running 5 tests\n\
         test adds ... ok\n\
         test assert fails ... FAILED\n\
         test values ... ok\n\
         test assert with message ... FAILED\n\
         test deep recursion ... ok\n\
         \n\
         failures:\n\
         \n\
         ---- assert fails ----\n\
         assertion failed: 1 + 1 == 3 at math.jan:4:5\n\
         \n\
         ---- assert with message ----\n\
         assertion failed: balance is 7 at bank.jan:12:9\n\
         \n\
         test result: FAILED. 3 passed; 2 failed; 0 filtered out; finished in T"
    );
}

#[test]
fn all_passing_exits_zero() {
    let (code, out) = run(&[("one", passes), ("two", uses_values)], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "running 2 tests\ntest one ... ok\ntest two ... ok\n\n\
         test result: ok. 2 passed; 0 failed; 0 filtered out; finished in T"
    );
}

#[test]
fn no_tests_is_ok() {
    let (code, out) = run(&[], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "running 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 filtered out; finished in T"
    );
}

#[test]
fn filters_select_by_substring_and_count_the_rest() {
    let entries: &[Entry] = &[
        ("parser handles empty input", passes),
        ("parser rejects junk", fails_with_fail),
        ("printer pads", passes),
        ("bank pays interest", passes),
    ];
    let (code, out) = run(entries, &["pads", "bank"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "running 2 tests\ntest printer pads ... ok\ntest bank pays interest ... ok\n\n\
         test result: ok. 2 passed; 0 failed; 2 filtered out; finished in T"
    );
    let (code, out) = run(entries, &["parser"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("test result: FAILED. 1 passed; 1 failed; 2 filtered out"),
        "{out}"
    );
    let (code, out) = run(entries, &["nothing matches"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("running 0 tests\n"), "{out}");
    assert!(out.contains("0 passed; 0 failed; 4 filtered out"), "{out}");
    assert!(selected("abc", &[]));
    assert!(selected("abc", &["x".into(), "b".into()]));
    assert!(!selected("abc", &["x".into()]));
}

#[test]
fn a_crashed_test_is_reported_once_not_by_the_crash_reporter() {
    let reports = Arc::new(AtomicUsize::new(0));
    let r2 = reports.clone();
    let rt = Runtime::new(Config {
        crash_reporter: Arc::new(move |_: &CrashReport<'_>| {
            r2.fetch_add(1, Ordering::SeqCst);
        }),
        ..test_config()
    });
    let mut out = Vec::new();
    let code = run_tests_on(
        &rt,
        &[
            ("a", fails_with_fail),
            ("b", fails_with_assert_message),
            ("c", passes),
        ],
        &[],
        &mut out,
    );
    assert_eq!(code, 1);
    let out = normalise(&out);
    assert_eq!(out.matches("assertion failed").count(), 2, "{out}");
    assert_eq!(
        reports.load(Ordering::SeqCst),
        0,
        "the summary is the only report"
    );
    assert_eq!(rt.live_actors(), 0, "each test's turn ended");
}

// ---------------------------------------------------------------- actors outlive their test

static COUNTER: Mutex<Option<ActorRef<u32>>> = Mutex::new(None);
static SEEN: AtomicUsize = AtomicUsize::new(0);
static STARTED: AtomicBool = AtomicBool::new(false);

extern "C" fn spawns_an_actor() {
    let r = janus_runtime::spawn(FnActor::new(0u32, |n: &mut u32, m: &mut u32| {
        *n += *m;
        SEEN.store(*n as usize, Ordering::SeqCst);
    }));
    match r {
        Some(r) => {
            *COUNTER.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
            STARTED.store(true, Ordering::SeqCst);
        }
        None => janus_runtime::fail("not in a turn", "spawn.jan:1:1"),
    }
}

extern "C" fn talks_to_the_earlier_actor() {
    let r = COUNTER.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let Some(r) = r else {
        janus_runtime::fail("no actor from the earlier test", "talk.jan:1:1")
    };
    r.send(5);
    r.send(7);
    for _ in 0..2000 {
        if SEEN.load(Ordering::SeqCst) == 12 {
            return;
        }
        janus_runtime::sleep(Duration::from_millis(1));
    }
    janus_runtime::fail("the earlier test's actor did not answer", "talk.jan:9:1");
}

#[test]
fn actors_a_test_spawned_stay_alive_for_later_tests() {
    let (code, out) = run(
        &[
            ("spawn", spawns_an_actor),
            ("crash in between", fails_with_fail),
            ("talk", talks_to_the_earlier_actor),
        ],
        &[],
    );
    assert!(STARTED.load(Ordering::SeqCst));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("test spawn ... ok\n"), "{out}");
    assert!(out.contains("test talk ... ok\n"), "{out}");
    assert!(out.contains("2 passed; 1 failed"), "{out}");
    *COUNTER.lock().unwrap_or_else(|e| e.into_inner()) = None;
}

// ---------------------------------------------------------------- the export (a child process)

/// Not a test by itself: runs the export when the parent test starts this binary with
/// `JANUS_TEST_CHILD` set (its value: the filters, comma-separated). Exits the process.
#[test]
fn child_runs_the_export() {
    let Ok(filters) = std::env::var("JANUS_TEST_CHILD") else {
        return;
    };
    let names = ["first passes", "second fails", "third passes"];
    let fns: [extern "C" fn(); 3] = [passes, fails_with_fail, uses_values];
    let table: Vec<TestEntry> = names
        .iter()
        .zip(fns)
        .map(|(n, f)| TestEntry {
            name_ptr: n.as_ptr(),
            name_len: n.len(),
            run: f,
        })
        .collect();
    let args: Vec<std::ffi::CString> = std::iter::once("prog")
        .chain(filters.split(',').filter(|f| !f.is_empty()))
        .map(|a| std::ffi::CString::new(a).expect("no NUL"))
        .collect();
    let argv: Vec<*const std::ffi::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    // SAFETY: a valid table and argv.
    unsafe {
        janus_runtime::abi::testing::janus_rt_run_tests(
            table.as_ptr(),
            table.len(),
            argv.len() as i32,
            argv.as_ptr(),
        )
    };
    unreachable!("janus_rt_run_tests returned");
}

fn run_child(filters: &str) -> (Option<i32>, String) {
    let out = common::run_test_in_child("child_runs_the_export", "JANUS_TEST_CHILD", filters);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_export_prints_the_report_and_exits_with_the_status() {
    let (code, out) = run_child("");
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("running 3 tests\n"), "{out}");
    assert!(out.contains("test first passes ... ok\n"), "{out}");
    assert!(out.contains("test second fails ... FAILED\n"), "{out}");
    assert!(out.contains("test third passes ... ok\n"), "{out}");
    assert!(
        out.contains("---- second fails ----\nassertion failed: 1 + 1 == 3 at math.jan:4:5\n"),
        "{out}"
    );
    assert!(
        out.contains("test result: FAILED. 2 passed; 1 failed; 0 filtered out; finished in "),
        "{out}"
    );

    let (code, out) = run_child("first,third");
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("test result: ok. 2 passed; 0 failed; 1 filtered out; finished in "),
        "{out}"
    );
}
