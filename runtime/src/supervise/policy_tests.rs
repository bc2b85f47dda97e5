//! Unit tests of the restart policy (`policy.rs`): every strategy × restart type, intensity at
//! exactly N+1 and its sliding window, backoff growth, cap, jitter bounds, reset, determinism.

use super::*;

use RestartType::{Permanent, Temporary, Transient};

const MS: Duration = Duration::from_millis(1);

fn settings(strategy: Strategy, n: u32, within: Duration, backoff: Backoff) -> Settings {
    Settings {
        strategy,
        intensity: Intensity {
            max_restarts: n,
            within,
        },
        backoff,
    }
}

fn lenient(strategy: Strategy) -> Settings {
    settings(strategy, 1000, Duration::from_secs(1), Backoff::None)
}

fn exit(child: usize, kind: ExitKind, at: Instant) -> ChildExit {
    ChildExit {
        child,
        kind,
        at,
        ran_for: Duration::ZERO,
    }
}

fn restart_of(d: Decision) -> Restart {
    match d {
        Decision::Restart(r) => r,
        other => panic!("expected a restart, got {other:?}"),
    }
}

#[test]
fn defaults_are_the_dialects() {
    let s = Settings::default();
    assert_eq!(s.strategy, Strategy::OneForOne);
    assert_eq!(s.intensity.max_restarts, 3);
    assert_eq!(s.intensity.within, Duration::from_secs(5));
    assert_eq!(
        s.backoff,
        Backoff::Exponential {
            min: 10 * MS,
            max: Duration::from_secs(5)
        }
    );
}

#[test]
fn restart_types_times_exit_kinds_for_every_strategy() {
    let t0 = Instant::now();
    for strategy in [
        Strategy::OneForOne,
        Strategy::OneForAll,
        Strategy::RestForOne,
    ] {
        for (ty, kind, restarted) in [
            (Permanent, ExitKind::Normal, true),
            (Permanent, ExitKind::Crashed, true),
            (Transient, ExitKind::Normal, false),
            (Transient, ExitKind::Crashed, true),
            (Temporary, ExitKind::Normal, false),
            (Temporary, ExitKind::Crashed, false),
        ] {
            // The child under test sits in the middle of three permanent siblings.
            let mut p = Policy::new(lenient(strategy), vec![Permanent, ty, Permanent], 1);
            let d = p.on_exit(exit(1, kind, t0));
            if restarted {
                let r = restart_of(d);
                assert_eq!(r.child, 1);
                let (stop, start) = match strategy {
                    Strategy::OneForOne => (vec![], vec![1]),
                    Strategy::OneForAll => (vec![2, 0], vec![0, 1, 2]),
                    Strategy::RestForOne => (vec![2], vec![1, 2]),
                };
                assert_eq!(r.stop, stop, "{strategy:?} {ty:?} {kind:?}");
                assert_eq!(r.start, start, "{strategy:?} {ty:?} {kind:?}");
                assert!(r.removed.is_empty());
                assert_eq!(r.restart_count, 1);
                assert!(p.is_present(1));
                assert_eq!(p.restarts_in_window(t0), 1);
            } else {
                // Not restarted: removed alone, siblings untouched, intensity not charged.
                assert_eq!(
                    d,
                    Decision::Remove { child: 1 },
                    "{strategy:?} {ty:?} {kind:?}"
                );
                assert!(!p.is_present(1));
                assert!(p.is_present(0) && p.is_present(2));
                assert_eq!(p.restarts_in_window(t0), 0);
                // A removed child's later exits are ignored, and it is left out of groups.
                assert_eq!(p.on_exit(exit(1, ExitKind::Crashed, t0)), Decision::Ignore);
                let r = restart_of(p.on_exit(exit(0, ExitKind::Crashed, t0)));
                match strategy {
                    Strategy::OneForOne => assert_eq!(r.start, vec![0]),
                    Strategy::OneForAll | Strategy::RestForOne => {
                        assert_eq!(r.stop, vec![2]);
                        assert_eq!(r.start, vec![0, 2]);
                    }
                }
            }
        }
    }
}

#[test]
fn group_restarts_drop_temporary_siblings_and_keep_transient_ones() {
    let t0 = Instant::now();
    let types = vec![Permanent, Transient, Temporary, Permanent, Temporary];
    let mut p = Policy::new(lenient(Strategy::OneForAll), types.clone(), 7);
    let r = restart_of(p.on_exit(exit(3, ExitKind::Crashed, t0)));
    assert_eq!(r.stop, vec![4, 2, 1, 0]);
    assert_eq!(r.removed, vec![4, 2]);
    assert_eq!(r.start, vec![0, 1, 3]);
    assert!(!p.is_present(2) && !p.is_present(4));

    let mut p = Policy::new(lenient(Strategy::RestForOne), types, 7);
    let r = restart_of(p.on_exit(exit(1, ExitKind::Crashed, t0)));
    assert_eq!(r.stop, vec![4, 3, 2]);
    assert_eq!(r.removed, vec![4, 2]);
    assert_eq!(r.start, vec![1, 3]);
    assert!(
        p.is_present(0),
        "children declared before the failed one are untouched"
    );
    // The first child's crash under rest_for_one is a full restart.
    let r = restart_of(p.on_exit(exit(0, ExitKind::Crashed, t0)));
    assert_eq!(r.stop, vec![3, 1]);
    assert_eq!(r.start, vec![0, 1, 3]);
    // The last child's crash restarts only itself.
    let r = restart_of(p.on_exit(exit(3, ExitKind::Crashed, t0)));
    assert!(r.stop.is_empty());
    assert_eq!(r.start, vec![3]);
}

#[test]
fn unknown_children_are_ignored() {
    let mut p = Policy::new(lenient(Strategy::OneForAll), vec![Permanent], 1);
    assert_eq!(
        p.on_exit(exit(5, ExitKind::Crashed, Instant::now())),
        Decision::Ignore
    );
    let mut empty = Policy::new(lenient(Strategy::OneForOne), vec![], 1);
    assert_eq!(
        empty.on_exit(exit(0, ExitKind::Crashed, Instant::now())),
        Decision::Ignore
    );
}

#[test]
fn intensity_escalates_exactly_at_n_plus_one() {
    for n in 0..6u32 {
        let t0 = Instant::now();
        let s = settings(
            Strategy::OneForOne,
            n,
            Duration::from_secs(5),
            Backoff::None,
        );
        let mut p = Policy::new(s, vec![Permanent, Permanent, Temporary], 3);
        for k in 0..n {
            let d = p.on_exit(exit(1, ExitKind::Crashed, t0 + MS * k));
            assert!(matches!(d, Decision::Restart(_)), "n={n} k={k}: {d:?}");
        }
        let d = p.on_exit(exit(1, ExitKind::Crashed, t0 + MS * n));
        assert_eq!(
            d,
            Decision::Escalate {
                stop: vec![2, 0],
                restarts: n as usize + 1
            },
            "n={n}"
        );
        assert!(p.has_failed());
        // A failed policy decides nothing more.
        assert_eq!(
            p.on_exit(exit(0, ExitKind::Crashed, t0 + MS * (n + 1))),
            Decision::Ignore
        );
    }
}

#[test]
fn intensity_counts_restarts_of_all_children_and_normal_stops_of_permanent_ones() {
    let t0 = Instant::now();
    let s = settings(
        Strategy::OneForOne,
        2,
        Duration::from_secs(5),
        Backoff::None,
    );
    let mut p = Policy::new(s, vec![Permanent, Transient, Temporary], 3);
    assert!(matches!(
        p.on_exit(exit(0, ExitKind::Normal, t0)),
        Decision::Restart(_)
    ));
    // Not restarted: not counted.
    assert!(matches!(
        p.on_exit(exit(1, ExitKind::Normal, t0)),
        Decision::Remove { .. }
    ));
    assert!(matches!(
        p.on_exit(exit(2, ExitKind::Crashed, t0)),
        Decision::Remove { .. }
    ));
    assert_eq!(p.restarts_in_window(t0), 1);
    assert!(matches!(
        p.on_exit(exit(0, ExitKind::Crashed, t0)),
        Decision::Restart(_)
    ));
    assert!(matches!(
        p.on_exit(exit(0, ExitKind::Normal, t0)),
        Decision::Escalate { .. }
    ));
}

#[test]
fn intensity_window_slides() {
    let t0 = Instant::now();
    let sec = Duration::from_secs(1);
    let s = settings(Strategy::OneForOne, 3, 5 * sec, Backoff::None);
    let mut p = Policy::new(s, vec![Permanent], 3);
    for t in [0, 1, 2] {
        assert!(matches!(
            p.on_exit(exit(0, ExitKind::Crashed, t0 + sec * t)),
            Decision::Restart(_)
        ));
    }
    // At 5 s the restart made at 0 is exactly D old: expired. Window: 1, 2, 5.
    assert!(matches!(
        p.on_exit(exit(0, ExitKind::Crashed, t0 + 5 * sec)),
        Decision::Restart(_)
    ));
    assert_eq!(p.restarts_in_window(t0 + 5 * sec), 3);
    // Just before 6 s the one at 1 still counts: 1, 2, 5, 5.9 is four.
    let mut q = p.clone();
    assert!(matches!(
        q.on_exit(exit(0, ExitKind::Crashed, t0 + 5900 * MS)),
        Decision::Escalate { restarts: 4, .. }
    ));
    // At 6 s it has expired: 2, 5, 6.
    assert!(matches!(
        p.on_exit(exit(0, ExitKind::Crashed, t0 + 6 * sec)),
        Decision::Restart(_)
    ));
    // A long quiet period empties the window.
    assert_eq!(p.restarts_in_window(t0 + 60 * sec), 0);
    for t in [60, 61, 62] {
        assert!(matches!(
            p.on_exit(exit(0, ExitKind::Crashed, t0 + sec * t)),
            Decision::Restart(_)
        ));
    }
    assert!(matches!(
        p.on_exit(exit(0, ExitKind::Crashed, t0 + sec * 63)),
        Decision::Escalate { .. }
    ));
}

fn expo(min_ms: u64, max_ms: u64) -> Backoff {
    Backoff::Exponential {
        min: MS * min_ms as u32,
        max: MS * max_ms as u32,
    }
}

fn within_jitter(d: Duration, base: Duration, max: Duration) {
    let lo = base.mul_f64(0.8);
    let hi = base.mul_f64(1.2).min(max);
    assert!(
        d >= lo && d <= hi,
        "{d:?} not in [{lo:?}, {hi:?}] (base {base:?})"
    );
}

#[test]
fn backoff_grows_exponentially_up_to_the_cap() {
    let t0 = Instant::now();
    let s = settings(
        Strategy::OneForOne,
        1000,
        Duration::from_secs(1),
        expo(10, 1000),
    );
    let mut p = Policy::new(s, vec![Permanent], 42);
    let max = 1000 * MS;
    for k in 1..=12u32 {
        let r = restart_of(p.on_exit(exit(0, ExitKind::Crashed, t0)));
        assert_eq!(r.restart_count, k);
        let base = (10 * MS * (1 << (k - 1))).min(max);
        within_jitter(r.delay, base, max);
        assert!(r.delay <= max);
    }
    // Far beyond: still capped, no overflow.
    for k in [40u32, 63, 64, 1000, u32::MAX] {
        let d = p.backoff_delay(k);
        within_jitter(d, max, max);
    }
}

#[test]
fn backoff_never_exceeds_max_even_with_min_above_max() {
    let s = settings(
        Strategy::OneForOne,
        1000,
        Duration::from_secs(1),
        expo(500, 100),
    );
    let mut p = Policy::new(s, vec![Permanent], 1);
    for k in 1..50 {
        assert!(p.backoff_delay(k) <= 100 * MS);
    }
    let huge = Backoff::Exponential {
        min: Duration::MAX / 2,
        max: Duration::MAX,
    };
    let mut p = Policy::new(
        settings(Strategy::OneForOne, 1, MS, huge),
        vec![Permanent],
        1,
    );
    for k in [1, 2, 3, 100] {
        assert!(p.backoff_delay(k) <= Duration::MAX);
    }
}

#[test]
fn jitter_spans_the_whole_range_and_depends_on_the_seed() {
    let s = settings(Strategy::OneForOne, 1, MS, expo(100, 100_000));
    let mut p = Policy::new(s, vec![Permanent], 9);
    let base = 100 * MS;
    let samples: Vec<Duration> = (0..2000).map(|_| p.backoff_delay(1)).collect();
    for d in &samples {
        within_jitter(*d, base, 100_000 * MS);
    }
    let lo = samples.iter().min().copied().unwrap_or_default();
    let hi = samples.iter().max().copied().unwrap_or_default();
    assert!(lo < base.mul_f64(0.82), "lowest {lo:?}");
    assert!(hi > base.mul_f64(1.18), "highest {hi:?}");
    let mut a = Policy::new(s, vec![Permanent], 1);
    let mut b = Policy::new(s, vec![Permanent], 2);
    let da: Vec<Duration> = (0..8).map(|_| a.backoff_delay(1)).collect();
    let db: Vec<Duration> = (0..8).map(|_| b.backoff_delay(1)).collect();
    assert_ne!(da, db);
}

#[test]
fn same_seed_same_decisions() {
    let t0 = Instant::now();
    let s = settings(
        Strategy::RestForOne,
        20,
        Duration::from_secs(1),
        expo(10, 5000),
    );
    let types = vec![Permanent, Transient, Temporary, Permanent];
    let script: Vec<ChildExit> = (0..40u32)
        .map(|i| ChildExit {
            child: (i as usize * 7) % 4,
            kind: if i % 3 == 0 {
                ExitKind::Normal
            } else {
                ExitKind::Crashed
            },
            at: t0 + MS * (i * 97),
            ran_for: MS * (i * 131 % 6000),
        })
        .collect();
    let run = |seed| {
        let mut p = Policy::new(s, types.clone(), seed);
        script.iter().map(|e| p.on_exit(*e)).collect::<Vec<_>>()
    };
    assert_eq!(run(1234), run(1234));
    assert_ne!(run(1234), run(4321));
}

#[test]
fn a_stable_incarnation_resets_the_count() {
    let t0 = Instant::now();
    let s = settings(
        Strategy::OneForOne,
        1000,
        Duration::from_secs(1),
        expo(10, 1000),
    );
    let mut p = Policy::new(s, vec![Permanent], 5);
    for k in 1..=4 {
        let r = restart_of(p.on_exit(exit(0, ExitKind::Crashed, t0)));
        assert_eq!(r.restart_count, k);
    }
    // Ran just under max: the count goes on.
    let r = restart_of(p.on_exit(ChildExit {
        ran_for: 999 * MS,
        ..exit(0, ExitKind::Crashed, t0)
    }));
    assert_eq!(r.restart_count, 5);
    within_jitter(r.delay, 160 * MS, 1000 * MS);
    // Ran for max: back to the first delay.
    let r = restart_of(p.on_exit(ChildExit {
        ran_for: 1000 * MS,
        ..exit(0, ExitKind::Crashed, t0)
    }));
    assert_eq!(r.restart_count, 1);
    within_jitter(r.delay, 10 * MS, 1000 * MS);
    let r = restart_of(p.on_exit(exit(0, ExitKind::Crashed, t0)));
    assert_eq!(r.restart_count, 2);
    within_jitter(r.delay, 20 * MS, 1000 * MS);
}

#[test]
fn group_strategies_use_the_failed_childs_delay() {
    let t0 = Instant::now();
    let s = settings(
        Strategy::OneForAll,
        1000,
        Duration::from_secs(1),
        expo(10, 10_000),
    );
    let mut p = Policy::new(s, vec![Permanent, Permanent], 5);
    for _ in 0..3 {
        restart_of(p.on_exit(exit(0, ExitKind::Crashed, t0)));
    }
    // Child 1 restarts for the first time: its own (k = 1) delay, not child 0's.
    let r = restart_of(p.on_exit(exit(1, ExitKind::Crashed, t0)));
    assert_eq!(r.restart_count, 1);
    within_jitter(r.delay, 10 * MS, 10_000 * MS);
    // Child 0's fourth restart: k = 4, for the whole group.
    let r = restart_of(p.on_exit(exit(0, ExitKind::Crashed, t0)));
    assert_eq!(r.restart_count, 4);
    assert_eq!(r.start, vec![0, 1]);
    within_jitter(r.delay, 80 * MS, 10_000 * MS);
    assert_eq!(p.restart_count(1), 1, "siblings' counts are untouched");
}

#[test]
fn backoff_none_restarts_at_once_and_still_counts() {
    let t0 = Instant::now();
    let mut p = Policy::new(lenient(Strategy::OneForOne), vec![Permanent], 5);
    for k in 1..=5 {
        let r = restart_of(p.on_exit(ChildExit {
            ran_for: Duration::from_secs(100),
            ..exit(0, ExitKind::Crashed, t0)
        }));
        assert_eq!(r.delay, Duration::ZERO);
        assert_eq!(r.restart_count, k);
    }
}

#[test]
fn splitmix_unit_is_in_range() {
    let mut r = SplitMix64::new(0);
    for _ in 0..10_000 {
        let u = r.next_unit();
        assert!((0.0..1.0).contains(&u));
    }
}
