//! Supervision through real actors: start/stop order of each strategy, restart types after
//! normal stops and crashes, and the restart events.

mod supervise_common;

use std::time::Duration;

use janus_runtime::supervise::{
    Backoff, ChildSpec, RestartType, SendOutcome, Strategy, SupervisorEventKind, SupervisorSpec,
    spawn_supervisor,
};
use supervise_common::{Child, Log, Msg, quiet_rt, restarted, wait_until};

const SLOW: Duration = Duration::from_millis(3);

fn spec(name: &str, strategy: Strategy) -> SupervisorSpec {
    SupervisorSpec::new(name)
        .strategy(strategy)
        .intensity(100, Duration::from_secs(10))
        .backoff(Backoff::None)
}

#[test]
fn children_start_in_order_each_after_the_previous_on_start() {
    let (rt, _) = quiet_rt(2);
    let log = Log::default();
    let mut s = spec("Tree", Strategy::OneForOne);
    for name in ["a", "b", "c"] {
        let l = log.clone();
        s = s.child(ChildSpec::behavior(name, move || Child::new(name, &l).slow(SLOW)).0);
    }
    let sup = spawn_supervisor(&rt, s);
    // spawn_supervisor returns once every child has started.
    assert_eq!(
        log.take(),
        [
            "start a",
            "started a",
            "start b",
            "started b",
            "start c",
            "started c"
        ]
    );
    sup.stop();
    assert_eq!(
        log.take_n(6),
        [
            "stop c",
            "stopped c",
            "stop b",
            "stopped b",
            "stop a",
            "stopped a"
        ]
    );
    assert!(wait_until(Duration::from_secs(5), || !sup.is_alive()));
    for name in ["a", "b", "c"] {
        assert!(sup.child(name).is_some_and(|r| r.is_closed()));
    }
}

/// Builds a, b, c, d (slow starts and stops), crashes b, returns the log after the crash.
fn crash_b(strategy: Strategy, expect: usize) -> (Vec<String>, Vec<String>) {
    let (rt, events) = quiet_rt(2);
    let log = Log::default();
    let mut s = spec("Tree", strategy);
    let mut refs = Vec::new();
    for name in ["a", "b", "c", "d"] {
        let l = log.clone();
        let (c, r) = ChildSpec::behavior(name, move || Child::new(name, &l).slow(SLOW));
        s = s.child(c);
        refs.push(r);
    }
    let _sup = spawn_supervisor(&rt, s);
    assert_eq!(log.take().len(), 8);
    assert_eq!(refs[1].send(Msg::Crash), SendOutcome::Delivered);
    let got = log.take_n(expect);
    // Nothing more happens afterwards.
    std::thread::sleep(Duration::from_millis(50));
    assert!(log.take().is_empty());
    (got, restarted(&events))
}

#[test]
fn one_for_one_restarts_only_the_failed_child() {
    let (log, ev) = crash_b(Strategy::OneForOne, 2);
    assert_eq!(log, ["start b", "started b"]);
    assert_eq!(ev, ["Tree/b"]);
}

#[test]
fn one_for_all_stops_the_others_in_reverse_and_restarts_all_in_order() {
    let (log, ev) = crash_b(Strategy::OneForAll, 14);
    assert_eq!(
        log,
        [
            "stop d",
            "stopped d",
            "stop c",
            "stopped c",
            "stop a",
            "stopped a", // b crashed: no on stop
            "start a",
            "started a",
            "start b",
            "started b",
            "start c",
            "started c",
            "start d",
            "started d",
        ]
    );
    assert_eq!(ev, ["Tree/b"]);
}

#[test]
fn rest_for_one_restarts_the_failed_child_and_those_after_it() {
    let (log, ev) = crash_b(Strategy::RestForOne, 10);
    assert_eq!(
        log,
        [
            "stop d",
            "stopped d",
            "stop c",
            "stopped c",
            "start b",
            "started b",
            "start c",
            "started c",
            "start d",
            "started d",
        ]
    );
    assert_eq!(ev, ["Tree/b"]);
}

#[test]
fn restart_event_carries_the_fields() {
    let (rt, events) = quiet_rt(2);
    let log = Log::default();
    let l = log.clone();
    let (c, r) = ChildSpec::behavior("lobby", move || Child::new("lobby", &l));
    let _sup = spawn_supervisor(
        &rt,
        SupervisorSpec::new("Game")
            .backoff(Backoff::Exponential {
                min: Duration::from_millis(10),
                max: Duration::from_secs(1),
            })
            .seed(7)
            .child(c),
    );
    r.send(Msg::Crash);
    assert!(wait_until(Duration::from_secs(5), || !events
        .lock()
        .is_empty()));
    let e = events.lock()[0].clone();
    assert_eq!(e.supervisor, "Game");
    match e.kind {
        SupervisorEventKind::Restart {
            child,
            reason,
            restart_count,
            delay,
            also,
        } => {
            assert_eq!(child, "lobby");
            assert_eq!(reason, "crashed: boom at t.jan:1:1");
            assert_eq!(restart_count, 1);
            assert!(delay >= Duration::from_millis(8) && delay <= Duration::from_millis(12));
            assert!(also.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let line = janus_runtime::supervise::format_event(&events.lock()[0]);
    assert!(
        line.starts_with(
            "supervisor Game: restarting lobby (crashed: boom at t.jan:1:1), restart 1, in "
        ),
        "{line}"
    );
}

/// One child of the given restart type beside a permanent sibling; ends it with `how`.
/// Returns whether it was restarted, the sibling's log, and whether its reference closed.
fn end_child(ty: RestartType, how: Msg, strategy: Strategy) -> (bool, Vec<String>, bool) {
    let (rt, _) = quiet_rt(2);
    let log = Log::default();
    let (l1, l2) = (log.clone(), log.clone());
    let (x, xr) = ChildSpec::behavior("x", move || Child::new("x", &l1));
    let (sib, _) = ChildSpec::behavior("sib", move || Child::new("sib", &l2));
    let _sup = spawn_supervisor(&rt, spec("S", strategy).child(x.restart(ty)).child(sib));
    assert_eq!(log.take(), ["start x", "start sib"]);
    xr.send(how);
    std::thread::sleep(Duration::from_millis(60));
    let got = log.take();
    let restarted = got.iter().any(|l| l == "start x");
    let closed = xr.raw().is_closed();
    if closed {
        // Sends are dropped and asks fail with Stopped once the child is gone for good.
        assert_eq!(xr.send(Msg::Put(1)), SendOutcome::Dropped);
        assert_eq!(
            xr.ask_timeout(Msg::Seen, Duration::from_secs(5)),
            Err(janus_runtime::AskError::Stopped)
        );
    } else {
        assert_eq!(
            xr.ask_timeout(Msg::Seen, Duration::from_secs(5)),
            Ok(vec![])
        );
    }
    (restarted, got, closed)
}

#[test]
fn restart_types_after_normal_stops_and_crashes() {
    use RestartType::*;
    for strategy in [Strategy::OneForOne, Strategy::OneForAll] {
        for (ty, how, want) in [
            (Permanent, Msg::Stop, true),
            (Permanent, Msg::Crash, true),
            (Transient, Msg::Stop, false),
            (Transient, Msg::Crash, true),
            (Temporary, Msg::Stop, false),
            (Temporary, Msg::Crash, false),
        ] {
            let label = format!("{strategy:?} {ty:?} {}", matches!(how, Msg::Stop));
            let stop = matches!(how, Msg::Stop);
            let (restarted, log, closed) = end_child(ty, how, strategy);
            assert_eq!(restarted, want, "{label}: {log:?}");
            assert_eq!(closed, !want, "{label}");
            let mut expect: Vec<String> = Vec::new();
            if stop {
                expect.push("stop x".into());
            }
            if want {
                if strategy == Strategy::OneForAll {
                    expect.extend(["stop sib".into(), "start x".into(), "start sib".into()]);
                } else {
                    expect.push("start x".into());
                }
            }
            assert_eq!(log, expect, "{label}");
        }
    }
}

#[test]
fn a_group_restart_does_not_bring_back_a_temporary_sibling() {
    let (rt, _) = quiet_rt(2);
    let log = Log::default();
    let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
    let (a, ar) = ChildSpec::behavior("a", move || Child::new("a", &l1));
    let (t, tr) = ChildSpec::behavior("t", move || Child::new("t", &l2));
    let (tr_, _) = ChildSpec::behavior("tr", move || Child::new("tr", &l3));
    let _sup = spawn_supervisor(
        &rt,
        spec("S", Strategy::OneForAll)
            .child(a)
            .child(t.restart(RestartType::Temporary))
            .child(tr_.restart(RestartType::Transient)),
    );
    assert_eq!(log.take(), ["start a", "start t", "start tr"]);
    ar.send(Msg::Crash);
    assert_eq!(log.take_n(4), ["stop tr", "stop t", "start a", "start tr"]);
    assert!(tr.raw().is_closed());
}

#[test]
fn a_supervisor_spawned_from_an_actor_returns_once_its_children_started() {
    let (rt, _) = quiet_rt(1);
    let log = Log::default();
    let (l1, l2) = (log.clone(), log.clone());
    let s = spec("Inner", Strategy::OneForOne)
        .child(ChildSpec::behavior("a", move || Child::new("a", &l1).slow(SLOW)).0)
        .child(ChildSpec::behavior("b", move || Child::new("b", &l2).slow(SLOW)).0);
    let l3 = log.clone();
    let sup = rt
        .block_on(move || {
            let sup = janus_runtime::spawn_supervisor_here(s);
            l3.push("returned".into());
            sup
        })
        .ok()
        .flatten();
    assert!(sup.is_some());
    assert_eq!(
        log.take(),
        ["start a", "started a", "start b", "started b", "returned"]
    );
}

#[test]
fn a_group_restart_merges_with_a_pending_delayed_restart() {
    // rest_for_one with a backoff: c waits for its restart when a crashes; the new decision
    // takes c along (started once, in order), b is stopped.
    let (rt, events) = quiet_rt(2);
    let log = Log::default();
    let mut s = SupervisorSpec::new("R")
        .strategy(Strategy::RestForOne)
        .intensity(100, Duration::from_secs(10))
        .backoff(Backoff::Exponential {
            min: Duration::from_millis(100),
            max: Duration::from_secs(5),
        });
    let mut refs = Vec::new();
    for name in ["a", "b", "c"] {
        let l = log.clone();
        let (c, r) = ChildSpec::behavior(name, move || Child::new(name, &l));
        s = s.child(c);
        refs.push(r);
    }
    let _sup = spawn_supervisor(&rt, s);
    assert_eq!(log.take(), ["start a", "start b", "start c"]);
    refs[2].send(Msg::Crash);
    assert!(wait_until(Duration::from_secs(5), || events.lock().len() == 1));
    refs[0].send(Msg::Crash);
    assert_eq!(log.take_n(4), ["stop b", "start a", "start b", "start c"]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(log.take().is_empty(), "c was started twice");
    assert_eq!(restarted(&events), ["R/c", "R/a"]);
}

#[test]
fn a_nested_supervisor_stopped_by_a_group_restart_stops_its_children_in_reverse() {
    let (rt, events) = quiet_rt(2);
    let log = Log::default();
    let (l1, l2, l3) = (log.clone(), log.clone(), log.clone());
    let (x, xr) = ChildSpec::behavior("x", move || Child::new("x", &l1));
    let inner = SupervisorSpec::new("Inner")
        .child(ChildSpec::behavior("p", move || Child::new("p", &l2).slow(SLOW)).0)
        .child(ChildSpec::behavior("q", move || Child::new("q", &l3).slow(SLOW)).0);
    let _sup = spawn_supervisor(
        &rt,
        spec("Outer", Strategy::OneForAll)
            .child(x)
            .child(ChildSpec::supervisor("inner", inner)),
    );
    assert_eq!(
        log.take(),
        ["start x", "start p", "started p", "start q", "started q"]
    );
    xr.send(Msg::Crash);
    assert_eq!(
        log.take_n(9),
        [
            "stop q",
            "stopped q",
            "stop p",
            "stopped p",
            "start x",
            "start p",
            "started p",
            "start q",
            "started q",
        ]
    );
    assert_eq!(restarted(&events), ["Outer/x"]);
}

#[test]
fn a_supervisor_without_children_starts_and_stops() {
    let (rt, events) = quiet_rt(2);
    let ended = std::sync::Arc::new(parking_lot::Mutex::new(None));
    let e2 = ended.clone();
    let sup =
        janus_runtime::spawn_supervisor_with(&rt, SupervisorSpec::new("Empty"), move |e, line| {
            *e2.lock() = Some((e.reason.clone(), line.map(str::to_string)));
        });
    assert!(sup.is_alive());
    sup.stop();
    assert!(wait_until(Duration::from_secs(5), || ended
        .lock()
        .is_some()));
    assert_eq!(
        *ended.lock(),
        Some((janus_runtime::ExitReason::Normal, None))
    );
    assert!(events.lock().is_empty());
    assert!(wait_until(Duration::from_secs(5), || rt.live_actors() == 0));
}
