//! Supervision events: restarts and escalations, emitted as `tracing` events with structured
//! fields (`supervisor`, `child`, `reason`, `restart_count`, `delay_ms`) and handed to the
//! runtime's `Config::supervisor_reporter`, whose default prints one readable line on stderr
//! when no global `tracing` subscriber is installed (the dialect: "Supervisor restart events go
//! to stderr"; stdout carries only what the program prints).

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SupervisorEventKind {
    /// A child is being restarted (`also`: siblings restarted with it by a group strategy).
    Restart {
        child: String,
        /// `crashed: REASON at LOCATION`, or `stopped` for a normal exit.
        reason: String,
        restart_count: u32,
        delay: Duration,
        also: Vec<String>,
    },
    /// Intensity exceeded: the supervisor stops its children and fails.
    Escalation {
        /// The exit that tipped it over (`CHILD crashed: REASON at LOCATION`).
        reason: String,
        max_restarts: u32,
        within: Duration,
    },
}

/// One event of one supervisor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupervisorEvent {
    pub supervisor: String,
    pub kind: SupervisorEventKind,
}

/// Receives every supervision event (after the `tracing` event was emitted).
pub type SupervisorReporter = Arc<dyn Fn(&SupervisorEvent) + Send + Sync>;

/// A duration as the dialect writes it: `5s`, `100ms`, `250us`.
pub fn format_duration(d: Duration) -> String {
    let ns = d.as_nanos();
    if ns == 0 {
        "0ms".to_string()
    } else if ns.is_multiple_of(1_000_000_000) {
        format!("{}s", ns / 1_000_000_000)
    } else if ns >= 1_000_000 {
        format!("{}ms", (ns + 500_000) / 1_000_000)
    } else {
        format!("{}us", (ns + 500) / 1000)
    }
}

/// The one-line form:
/// `supervisor Tree: restarting lobby (crashed: boom at x.jan:3:5), restart 2, in 20ms`.
pub fn format_event(e: &SupervisorEvent) -> String {
    match &e.kind {
        SupervisorEventKind::Restart {
            child,
            reason,
            restart_count,
            delay,
            also,
        } => {
            let when = if delay.is_zero() {
                "at once".to_string()
            } else {
                format!("in {}", format_duration(*delay))
            };
            let with = if also.is_empty() {
                String::new()
            } else {
                format!(" with {}", also.join(", "))
            };
            format!(
                "supervisor {}: restarting {child}{with} ({reason}), restart {restart_count}, {when}",
                e.supervisor
            )
        }
        SupervisorEventKind::Escalation {
            reason,
            max_restarts,
            within,
        } => format!(
            "supervisor {}: more than {max_restarts} restarts within {}, stopping its children and failing (last: {reason})",
            e.supervisor,
            format_duration(*within)
        ),
    }
}

/// The default reporter: the one-line form on stderr, unless a global `tracing` subscriber is
/// installed (it got the structured event already).
pub fn stderr_supervisor_reporter() -> SupervisorReporter {
    Arc::new(|e: &SupervisorEvent| {
        if tracing::dispatcher::has_been_set() {
            return;
        }
        let line = format_event(e);
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    })
}

/// A reporter that prints nothing (tests, benchmarks).
pub fn silent_supervisor_reporter() -> SupervisorReporter {
    Arc::new(|_: &SupervisorEvent| {})
}

/// Emits the `tracing` event, then tells the reporter.
pub(crate) fn emit(reporter: &SupervisorReporter, e: &SupervisorEvent) {
    match &e.kind {
        SupervisorEventKind::Restart {
            child,
            reason,
            restart_count,
            delay,
            also,
        } => tracing::warn!(
            target: "janus::supervisor",
            supervisor = %e.supervisor,
            child = %child,
            reason = %reason,
            restart_count = *restart_count,
            delay_ms = delay.as_secs_f64() * 1000.0,
            also = ?also,
            "restarting child"
        ),
        SupervisorEventKind::Escalation {
            reason,
            max_restarts,
            within,
        } => tracing::error!(
            target: "janus::supervisor",
            supervisor = %e.supervisor,
            reason = %reason,
            max_restarts = *max_restarts,
            within_ms = within.as_secs_f64() * 1000.0,
            "intensity exceeded: stopping children and failing"
        ),
    }
    reporter(e);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_forms() {
        let e = SupervisorEvent {
            supervisor: "Tree".into(),
            kind: SupervisorEventKind::Restart {
                child: "lobby".into(),
                reason: "crashed: boom at x.jan:3:5".into(),
                restart_count: 2,
                delay: Duration::from_millis(20),
                also: vec![],
            },
        };
        assert_eq!(
            format_event(&e),
            "supervisor Tree: restarting lobby (crashed: boom at x.jan:3:5), restart 2, in 20ms"
        );
        let e = SupervisorEvent {
            supervisor: "Tree".into(),
            kind: SupervisorEventKind::Restart {
                child: "a".into(),
                reason: "stopped".into(),
                restart_count: 1,
                delay: Duration::ZERO,
                also: vec!["b".into(), "c".into()],
            },
        };
        assert_eq!(
            format_event(&e),
            "supervisor Tree: restarting a with b, c (stopped), restart 1, at once"
        );
        let e = SupervisorEvent {
            supervisor: "Game".into(),
            kind: SupervisorEventKind::Escalation {
                reason: "lobby crashed: boom at x.jan:3:5".into(),
                max_restarts: 3,
                within: Duration::from_secs(5),
            },
        };
        assert_eq!(
            format_event(&e),
            "supervisor Game: more than 3 restarts within 5s, stopping its children and failing (last: lobby crashed: boom at x.jan:3:5)"
        );
        assert_eq!(format_duration(Duration::from_micros(250)), "250us");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1500ms");
    }
}
