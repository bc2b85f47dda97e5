//! Program end: `run_main` exits with 0 when `main` returns (without stopping live actors) and
//! with 1 after one report when `main` crashes. The test re-runs its own binary as the program.

mod common;

use std::time::{Duration, Instant};

use janus_runtime::{Behavior, Config, fail, run_main};

const CHILD_ENV: &str = "JANUS_RUNTIME_TEST_CHILD";

struct Noisy;
impl Behavior for Noisy {
    type Msg = ();
    fn handle(&mut self, _: &mut ()) {}
    fn on_stop(&mut self) {
        println!("on stop must not run at program end");
    }
}

/// The "program": does nothing unless started by `program_exit_status` below.
#[test]
fn child_program() {
    match std::env::var(CHILD_ENV).as_deref() {
        Ok("ok") => run_main(Config::default(), || {
            let a = janus_runtime::spawn(Noisy).expect("inside main");
            a.send(());
            println!("hello from main");
        }),
        Ok("crash") => run_main(Config::default(), || {
            let _a = janus_runtime::spawn(Noisy).expect("inside main");
            fail("boom", "main.jan:1:2")
        }),
        _ => {}
    }
}

fn run_child(mode: &str) -> (Option<i32>, String, String, Duration) {
    let t0 = Instant::now();
    let out = common::run_test_in_child("child_program", CHILD_ENV, mode);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        t0.elapsed(),
    )
}

#[test]
fn program_exit_status() {
    let (code, stdout, stderr, took) = run_child("ok");
    assert_eq!(code, Some(0), "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("hello from main"), "{stdout}");
    assert!(!stdout.contains("on stop must not run"), "{stdout}");
    assert!(took < Duration::from_secs(20));

    let (code, stdout, stderr, _) = run_child("crash");
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(
        stderr.matches("main crashed: boom at main.jan:1:2").count(),
        1,
        "{stderr}"
    );
    assert!(
        !stderr.contains("actor main"),
        "main's crash is reported once, as main: {stderr}"
    );
}
