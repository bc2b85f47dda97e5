//! Stable references across restarts: messages sent while a child restarts wait (bounded) and
//! reach the new incarnation in order; asks pending on a crashed incarnation fail `Stopped`.

mod supervise_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use janus_runtime::supervise::{
    Backoff, ChildSpec, SendOutcome, Stable, SupervisorSpec, spawn_supervisor,
};
use janus_runtime::{AskError, Behavior, Reply};
use supervise_common::{Child, Log, Msg, quiet_rt, wait_until};

fn delayed(name: &str, min_ms: u64) -> SupervisorSpec {
    SupervisorSpec::new(name)
        .intensity(100, Duration::from_secs(10))
        .backoff(Backoff::Exponential {
            min: Duration::from_millis(min_ms),
            max: Duration::from_secs(10),
        })
}

fn wait_down(r: &janus_runtime::supervise::StableRef) {
    assert!(
        wait_until(Duration::from_secs(5), || r.current().is_none()),
        "the child did not go down"
    );
}

#[test]
fn messages_sent_during_a_backoff_delay_reach_the_new_incarnation_in_order() {
    let (rt, _) = quiet_rt(2);
    let log = Log::default();
    let l = log.clone();
    let starts = Arc::new(AtomicUsize::new(0));
    let (c, x) = ChildSpec::behavior("x", move || Child::new("x", &l).counting(&starts));
    let _sup = spawn_supervisor(&rt, delayed("S", 200).child(c));
    assert_eq!(x.ask(Msg::Generation), Ok(0));
    let t0 = Instant::now();
    x.send(Msg::Crash);
    wait_down(x.raw());
    for n in 1..=10 {
        assert_eq!(x.send(Msg::Put(n)), SendOutcome::Held);
    }
    assert_eq!(x.raw().held(), 10);
    // The ask waits in the same queue, after the ten messages.
    assert_eq!(x.ask(Msg::Seen), Ok((1..=10).collect::<Vec<u64>>()));
    assert!(
        t0.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t0.elapsed()
    );
    assert_eq!(x.ask(Msg::Generation), Ok(1));
    assert!(x.raw().current().is_some());
}

#[test]
fn messages_sent_before_the_first_start_go_to_the_first_incarnation() {
    let (rt, _) = quiet_rt(2);
    let log = Log::default();
    let l = log.clone();
    let (c, x) = ChildSpec::behavior("x", move || Child::new("x", &l));
    assert_eq!(x.send(Msg::Put(7)), SendOutcome::Held);
    let _sup = spawn_supervisor(&rt, delayed("S", 10).child(c));
    assert_eq!(x.ask(Msg::Seen), Ok(vec![7]));
}

/// A child with a mailbox of 4.
struct Small {
    seen: Vec<u64>,
}
enum SmallMsg {
    Crash,
    Put(u64),
    Seen(Reply<Vec<u64>>),
}
impl Behavior for Small {
    type Msg = SmallMsg;
    const MAILBOX: u32 = 4;
    fn handle(&mut self, m: &mut SmallMsg) {
        match m {
            SmallMsg::Crash => janus_runtime::fail("boom", "s.jan:1:1"),
            SmallMsg::Put(n) => self.seen.push(*n),
            SmallMsg::Seen(r) => r.send(self.seen.clone()),
        }
    }
}

fn small_tree(workers: usize, delay_ms: u64) -> (janus_runtime::Runtime, Stable<SmallMsg>) {
    let (rt, _) = quiet_rt(workers);
    let (c, x) = ChildSpec::behavior("small", || Small { seen: Vec::new() });
    let sup = spawn_supervisor(&rt, delayed("S", delay_ms).child(c));
    std::mem::forget(sup); // keep it running (the runtime owns the actors)
    (rt, x)
}

#[test]
fn held_messages_are_bounded_by_the_mailbox_and_senders_wait() {
    let (_rt, x) = small_tree(2, 300);
    x.send(SmallMsg::Crash);
    wait_down(x.raw());
    for n in 1..=4 {
        assert_eq!(x.send(SmallMsg::Put(n)), SendOutcome::Held);
    }
    // A fifth message does not fit: a plain-thread sender blocks until the restart.
    let x2 = x.clone();
    let done = Arc::new(AtomicUsize::new(0));
    let d2 = done.clone();
    let sender = std::thread::spawn(move || {
        for n in 5..=6 {
            let out = x2.send(SmallMsg::Put(n));
            d2.fetch_add(1, Ordering::SeqCst);
            assert_ne!(out, SendOutcome::Dropped);
        }
    });
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        done.load(Ordering::SeqCst),
        0,
        "the sender went past a full hold queue"
    );
    assert_eq!(x.raw().held(), 4);
    let _ = sender.join();
    assert_eq!(x.ask(SmallMsg::Seen), Ok(vec![1, 2, 3, 4, 5, 6]));
}

#[test]
fn an_actor_sending_into_a_full_hold_queue_suspends_without_blocking_its_worker() {
    // One worker: if the waiting sender blocked it, the supervisor could never restart the
    // child and the test would hang.
    let (rt, x) = small_tree(1, 100);
    x.send(SmallMsg::Crash);
    wait_down(x.raw());
    let x2 = x.clone();
    let out = rt.block_on(move || {
        let mut outs = Vec::new();
        for n in 1..=8 {
            outs.push(x2.send(SmallMsg::Put(n)));
        }
        outs
    });
    let outs = out.unwrap_or_default();
    assert_eq!(outs.len(), 8);
    assert!(
        outs[..4].iter().all(|o| *o == SendOutcome::Held),
        "{outs:?}"
    );
    assert_eq!(x.ask(SmallMsg::Seen), Ok((1..=8).collect::<Vec<u64>>()));
}

#[test]
fn asks_pending_on_a_crashed_child_get_stopped() {
    let (rt, _) = quiet_rt(2);
    let log = Log::default();
    let l = log.clone();
    let starts = Arc::new(AtomicUsize::new(0));
    let (c, x) = ChildSpec::behavior("x", move || Child::new("x", &l).counting(&starts));
    let _sup = spawn_supervisor(&rt, delayed("S", 50).child(c));
    let mut askers = Vec::new();
    for _ in 0..3 {
        let x2 = x.clone();
        askers.push(std::thread::spawn(move || {
            let t0 = Instant::now();
            (
                x2.ask_timeout(Msg::Hold, Duration::from_secs(5)),
                t0.elapsed(),
            )
        }));
    }
    // The child holds the three replies unanswered; then it crashes.
    assert!(wait_until(Duration::from_secs(5), || x.ask(Msg::Holding) == Ok(3)));
    x.send(Msg::Crash);
    for a in askers {
        let (res, took) = a.join().unwrap_or((Ok(0), Duration::ZERO));
        assert_eq!(res, Err(AskError::Stopped));
        assert!(
            took < Duration::from_secs(3),
            "answered by the crash, not the timeout"
        );
    }
    // The next incarnation answers again.
    assert_eq!(x.ask(Msg::Generation), Ok(1));
}

#[test]
fn a_child_that_will_not_restart_drops_what_waits_for_it() {
    let (rt, _) = quiet_rt(2);
    let log = Log::default();
    let l = log.clone();
    let (c, x) = ChildSpec::behavior("x", move || Child::new("x", &l));
    let sup = spawn_supervisor(&rt, delayed("S", 300).child(c));
    x.send(Msg::Crash);
    wait_down(x.raw());
    // Held during the delay; then the supervisor is stopped: nothing will run x again.
    assert_eq!(x.send(Msg::Put(1)), SendOutcome::Held);
    let x2 = x.clone();
    let asker = std::thread::spawn(move || x2.ask_timeout(Msg::Seen, Duration::from_secs(5)));
    std::thread::sleep(Duration::from_millis(20));
    sup.stop();
    assert_eq!(asker.join().ok(), Some(Err(AskError::Stopped)));
    assert!(x.raw().is_closed());
    assert_eq!(x.send(Msg::Put(2)), SendOutcome::Dropped);
    assert_eq!(x.ask(Msg::Seen), Err(AskError::Stopped));
    assert!(!log.snapshot().iter().any(|l| l.starts_with("got")));
}
