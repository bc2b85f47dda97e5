//! Crash reports: one line naming the actor, the failure and the location; panics are crashes.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use janus_runtime::{Behavior, Config, CrashReport, ExitReason, Runtime, fail, format_report};

struct Bad;
impl Behavior for Bad {
    type Msg = u8;
    const NAME: &'static str = "Bad";
    fn handle(&mut self, m: &mut u8) {
        match m {
            0 => fail("division by zero", "calc.jan:12:9"),
            _ => panic!("rust panic in a handler"),
        }
    }
}

#[test]
fn crash_line_names_actor_failure_and_location() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let l2 = lines.clone();
    let rt = Runtime::new(Config {
        workers: 2,
        crash_reporter: Arc::new(move |r: &CrashReport<'_>| {
            l2.lock().unwrap().push(format_report(r))
        }),
        ..Config::default()
    });
    let a = rt.spawn(Bad);
    let id = a.id();
    a.send(0);
    assert!(common::wait_until(Duration::from_secs(10), || !lines
        .lock()
        .unwrap()
        .is_empty()));
    assert_eq!(
        lines.lock().unwrap()[0],
        format!("actor Bad#{id} crashed: division by zero at calc.jan:12:9")
    );
    // The rest of the program goes on.
    let b = rt.spawn(Bad);
    let exit = Arc::new(Mutex::new(None));
    let e2 = exit.clone();
    b.on_exit(move |e| *e2.lock().unwrap() = Some(e.reason.clone()));
    b.send(1);
    assert!(common::wait_until(Duration::from_secs(10), || exit
        .lock()
        .unwrap()
        .is_some()));
    match exit.lock().unwrap().clone() {
        Some(ExitReason::Crashed(info)) => {
            assert!(info.reason.contains("rust panic in a handler"), "{info:?}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(lines.lock().unwrap().len(), 2);
}

#[test]
fn exit_hook_on_an_ended_actor_runs_at_once() {
    let rt = common::rt();
    let a = rt.spawn(Bad);
    a.send(0);
    assert!(common::wait_until(Duration::from_secs(10), || !a.is_alive()));
    let got = Arc::new(Mutex::new(None));
    let g2 = got.clone();
    a.on_exit(move |e| *g2.lock().unwrap() = Some(e.reason.clone()));
    assert_eq!(*got.lock().unwrap(), Some(ExitReason::AlreadyEnded));
}
