//! Unit tests of stable references (`stable.rs`) on a real runtime, without a supervisor:
//! holding, binding in order, unbinding by incarnation, closing, supervisor references.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::*;
use crate::{Config, Runtime, silent_reporter};

fn rt() -> Runtime {
    Runtime::new(Config {
        workers: 2,
        crash_reporter: silent_reporter(),
        ..Config::default()
    })
}

fn wait_until(mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    f()
}

/// An actor recording the `u64`s it gets.
fn recorder(rt: &Runtime) -> (RawActorRef, Arc<Mutex<Vec<u64>>>) {
    let seen: Arc<Mutex<Vec<u64>>> = Arc::default();
    let s2 = seen.clone();
    let a = rt.spawn_fn((), move |_, n: &mut u64| s2.lock().push(*n));
    (a.raw().clone(), seen)
}

#[test]
fn held_messages_go_first_to_the_bound_incarnation() {
    let rt = rt();
    let r = StableRef::new("x", 4);
    for n in 1..=3u64 {
        assert_eq!(r.send(Payload::new(n)), SendOutcome::Held);
    }
    assert_eq!(r.held(), 3);
    let (a, seen) = recorder(&rt);
    r.bind(&a);
    assert_eq!(r.held(), 0);
    assert_eq!(r.current(), Some(a.clone()));
    assert_eq!(r.send(Payload::new(4u64)), SendOutcome::Delivered);
    assert!(wait_until(|| seen.lock().len() == 4));
    assert_eq!(*seen.lock(), [1, 2, 3, 4]);
}

#[test]
fn unbind_only_affects_the_named_incarnation() {
    let rt = rt();
    let r = StableRef::new("x", 0);
    let (a, _) = recorder(&rt);
    let (b, _) = recorder(&rt);
    r.bind(&a);
    r.unbind(b.id());
    assert_eq!(r.current(), Some(a.clone()));
    r.unbind(a.id());
    assert_eq!(r.current(), None);
    assert_eq!(r.send(Payload::new(1u64)), SendOutcome::Held);
    // Forced sends may exceed the bound (runtime notices).
    let small = StableRef::new("s", 1);
    assert_eq!(small.send(Payload::new(1u64)), SendOutcome::Held);
    assert_eq!(small.send_system(Payload::new(2u64)), SendOutcome::Held);
    assert_eq!(small.held(), 2);
}

#[test]
fn closing_fails_held_asks_and_drops_later_sends() {
    let r = StableRef::new("x", 0);
    let r2 = r.clone();
    let asker = std::thread::spawn(move || {
        let (h, reply) = reply_channel();
        r2.ask(Payload::new(reply), &h, Duration::from_secs(5))
            .map(|_| ())
    });
    assert!(wait_until(|| r.held() == 1));
    r.close();
    assert_eq!(asker.join().ok(), Some(Err(AskError::Stopped)));
    assert!(r.is_closed());
    assert_eq!(r.send(Payload::new(1u64)), SendOutcome::Dropped);
    let (h, reply) = reply_channel();
    assert_eq!(
        r.ask(Payload::new(reply), &h, Duration::from_secs(5)).err(),
        Some(AskError::Stopped)
    );
    // A closed reference stays closed.
    let rt = rt();
    let (a, _) = recorder(&rt);
    r.bind(&a);
    assert!(r.is_closed());
}

#[test]
fn a_held_ask_times_out_and_a_full_queue_times_out_an_ask() {
    let r = StableRef::new("x", 1);
    let (h, reply) = reply_channel();
    let t0 = Instant::now();
    assert_eq!(
        r.ask(Payload::new(reply), &h, Duration::from_millis(30))
            .err(),
        Some(AskError::Timeout)
    );
    assert!(t0.elapsed() >= Duration::from_millis(30));
    // The queue (capacity 1) is now full with that request: the next ask waits for room.
    let (h, reply) = reply_channel();
    assert_eq!(
        r.ask(Payload::new(reply), &h, Duration::from_millis(30))
            .err(),
        Some(AskError::Timeout)
    );
    assert_eq!(r.held(), 1);
}

#[test]
fn a_supervisor_childs_reference_takes_no_messages() {
    let r = StableRef::control("storage");
    assert_eq!(r.send(Payload::new(1u64)), SendOutcome::Dropped);
    let (h, reply) = reply_channel();
    assert_eq!(
        r.ask(Payload::new(reply), &h, Duration::from_secs(5)).err(),
        Some(AskError::Stopped)
    );
    assert_eq!(r.held(), 0);
}
