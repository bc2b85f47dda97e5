//! Intensity escalation through two levels of supervisors, and the top-level failure report.

mod supervise_common;

use std::sync::Arc;
use std::time::Duration;

use janus_runtime::ExitReason;
use janus_runtime::supervise::{
    Backoff, ChildSpec, Strategy, SupervisorSpec, spawn_supervisor_with,
};
use parking_lot::Mutex;
use supervise_common::{Child, Log, Msg, quiet_rt, restarted, wait_until};

#[test]
fn intensity_escalates_through_two_levels() {
    let (rt, events) = quiet_rt(2);
    let log = Log::default();
    let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
    let (v, vr) = ChildSpec::behavior("v", move || Child::new("v", &l1));
    let (w, wr) = ChildSpec::behavior("w", move || Child::new("w", &l2));
    let (other, or) = ChildSpec::behavior("other", move || Child::new("other", &l3));
    let mid = SupervisorSpec::new("Mid")
        .intensity(2, Duration::from_secs(10))
        .backoff(Backoff::None)
        .child(v)
        .child(w);
    let top = SupervisorSpec::new("Top")
        .strategy(Strategy::OneForOne)
        .intensity(1, Duration::from_secs(10))
        .backoff(Backoff::None)
        .child(ChildSpec::supervisor("mid", mid))
        .child(other);
    type Ended = Option<(ExitReason, Option<String>)>;
    let ended: Arc<Mutex<Ended>> = Arc::default();
    let e2 = ended.clone();
    let sup = spawn_supervisor_with(&rt, top, move |e, line| {
        *e2.lock() = Some((e.reason.clone(), line.map(str::to_string)));
    });
    assert_eq!(log.take(), ["start v", "start w", "start other"]);
    let mid_ref = sup.child("mid").cloned();
    let mid_first = mid_ref.as_ref().and_then(|r| r.current()).map(|r| r.id());
    assert!(mid_first.is_some());

    // Two restarts of w are within Mid's intensity.
    for _ in 0..2 {
        wr.send(Msg::Crash);
        assert_eq!(log.take_n(1), ["start w"]);
    }
    // The third is one too many: Mid stops v and fails; Top restarts Mid, which starts both.
    wr.send(Msg::Crash);
    assert_eq!(log.take_n(3), ["stop v", "start v", "start w"]);
    let mid_second = mid_ref.as_ref().and_then(|r| r.current()).map(|r| r.id());
    assert!(
        mid_second.is_some() && mid_second != mid_first,
        "Mid was restarted"
    );
    // A supervisor child's reference designates it but takes no messages.
    assert_eq!(
        mid_ref
            .as_ref()
            .map(|r| r.send(janus_runtime::Payload::new(1u8))),
        Some(janus_runtime::supervise::SendOutcome::Dropped)
    );
    // The stable references of Mid's children followed its restart.
    assert_eq!(vr.ask(Msg::Seen), Ok(vec![]));
    // The same again: this time Top exceeds its own intensity, stops `other` and fails.
    for _ in 0..2 {
        wr.send(Msg::Crash);
        assert_eq!(log.take_n(1), ["start w"]);
    }
    wr.send(Msg::Crash);
    assert_eq!(log.take_n(2), ["stop v", "stop other"]);
    assert!(wait_until(Duration::from_secs(5), || ended
        .lock()
        .is_some()));
    let (reason, line) = ended.lock().take().unwrap_or((ExitReason::Normal, None));
    assert!(matches!(reason, ExitReason::Crashed(_)), "{reason:?}");
    assert_eq!(
        line.as_deref(),
        Some(
            "supervisor Top failed: more than 1 restarts within 10s (last: mid crashed: more \
             than 2 restarts within 10s (last: w crashed: boom at t.jan:1:1))"
        )
    );
    assert_eq!(
        restarted(&events),
        [
            "Mid/w", "Mid/w", "Mid!", "Top/mid", "Mid/w", "Mid/w", "Mid!", "Top!"
        ]
    );
    // Nothing restarts any more: every reference of the tree is closed, every actor ended.
    for r in [vr.raw(), wr.raw(), or.raw()] {
        assert!(r.is_closed(), "{r:?}");
    }
    assert!(mid_ref.is_some_and(|r| r.is_closed()));
    assert!(!sup.is_alive());
    assert!(
        wait_until(Duration::from_secs(5), || rt.live_actors() == 0),
        "{}",
        rt.live_actors()
    );
    std::thread::sleep(Duration::from_millis(30));
    assert!(log.take().is_empty());
}

#[test]
fn a_child_crashing_in_on_start_is_restarted_and_counted() {
    // A child that always crashes in `on start`: the supervisor's own start keeps retrying
    // (with backoff) until intensity is exceeded, then fails; spawn returns then.
    struct Bad;
    impl janus_runtime::Behavior for Bad {
        type Msg = ();
        fn on_start(&mut self) {
            janus_runtime::fail("cannot start", "bad.jan:2:3");
        }
        fn handle(&mut self, _: &mut ()) {}
    }
    let (rt, events) = quiet_rt(2);
    let ended: Arc<Mutex<Option<String>>> = Arc::default();
    let e2 = ended.clone();
    let t0 = std::time::Instant::now();
    let sup = spawn_supervisor_with(
        &rt,
        SupervisorSpec::new("S")
            .intensity(3, Duration::from_secs(5))
            .backoff(Backoff::Exponential {
                min: Duration::from_millis(5),
                max: Duration::from_millis(100),
            })
            .child(ChildSpec::behavior("bad", || Bad).0),
        move |_, line| *e2.lock() = line.map(str::to_string),
    );
    // Delays 5 + 10 + 20 ms (±20%) passed during the start.
    assert!(
        t0.elapsed() >= Duration::from_millis(28),
        "{:?}",
        t0.elapsed()
    );
    assert!(wait_until(Duration::from_secs(5), || ended
        .lock()
        .is_some()));
    assert_eq!(
        ended.lock().as_deref(),
        Some(
            "supervisor S failed: more than 3 restarts within 5s (last: bad crashed: cannot \
             start at bad.jan:2:3)"
        )
    );
    assert_eq!(restarted(&events), ["S/bad", "S/bad", "S/bad", "S!"]);
    assert!(!sup.is_alive());
}
