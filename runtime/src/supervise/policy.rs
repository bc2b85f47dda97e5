//! The restart policy of one supervisor: a pure, deterministic state machine (no threads, no
//! clock reads, no I/O), fed with child exits and the instants they happened at, that decides
//! what to stop, what to restart, after which delay, and when to give up.
//!
//! The rules are `shared/dialect.md` §5 and its "Precise rules: Supervisors" paragraph, with
//! OTP's semantics where the dialect is brief:
//! - **Restart types.** `permanent` children are restarted after any exit, `transient` ones only
//!   after a crash, `temporary` ones never. A child that is not restarted leaves the supervisor
//!   for good ([`Decision::Remove`]); nothing else changes and intensity is not charged.
//! - **Strategies.** `one_for_one` restarts the failed child; `one_for_all` stops every other
//!   present child and restarts them all; `rest_for_one` stops the children declared after the
//!   failed one and restarts it and them. Stops go in reverse declaration order, starts in
//!   declaration order. A `temporary` sibling stopped by a group restart is not started again
//!   (OTP); `transient` and `permanent` siblings are.
//! - **Intensity** `N within D` counts restart decisions in a sliding window: a decision at `t`
//!   counts together with the earlier ones made after `t - D` (one exactly `D` old has expired).
//!   The decision that makes the count exceed `N` is [`Decision::Escalate`]: the supervisor stops
//!   every child in reverse order and fails. After that the policy ignores everything.
//! - **Backoff** `exponential(min, max)`: the k-th consecutive restart of a child waits
//!   `min(max, min * 2^(k-1))` times a random factor in [0.8, 1.2], never more than `max`. A child
//!   whose incarnation ran for at least `max` starts counting again (its next restart is k = 1).
//!   Group strategies use the failed child's delay. `backoff: none` restarts at once (the count
//!   still grows, for the events' `restart_count`).
//!
//! The randomness is a seeded SplitMix64, so a policy fed the same exits with the same seed
//! makes the same decisions (the runner seeds it from the clock and the supervisor's id).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Which children a restart involves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    OneForOne,
    OneForAll,
    RestForOne,
}

/// When a child is restarted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartType {
    /// After any exit (the default).
    Permanent,
    /// Only after a crash.
    Transient,
    /// Never.
    Temporary,
}

/// `intensity: max_restarts within within`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Intensity {
    pub max_restarts: u32,
    pub within: Duration,
}

/// Delay before restarting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backoff {
    /// `backoff: none`: restart at once.
    None,
    /// `backoff: exponential(min, max)`.
    Exponential { min: Duration, max: Duration },
}

/// A supervisor's settings. `Default` is the dialect's: `one_for_one`, `3 within 5s`,
/// `exponential(min: 10ms, max: 5s)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub strategy: Strategy,
    pub intensity: Intensity,
    pub backoff: Backoff,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            strategy: Strategy::OneForOne,
            intensity: Intensity {
                max_restarts: 3,
                within: Duration::from_secs(5),
            },
            backoff: Backoff::Exponential {
                min: Duration::from_millis(10),
                max: Duration::from_secs(5),
            },
        }
    }
}

/// How a child incarnation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    /// `stop()` or a stop request: `on stop` ran.
    Normal,
    /// A crash (or a node loss, later).
    Crashed,
}

/// One child exit, as the runner saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChildExit {
    /// Declaration index of the child.
    pub child: usize,
    pub kind: ExitKind,
    /// When the exit was handled (the restart decision's instant).
    pub at: Instant,
    /// How long the ended incarnation ran (from its start to its exit).
    pub ran_for: Duration,
}

/// A restart decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restart {
    /// The child whose exit caused it.
    pub child: usize,
    /// Other present children to stop first, in reverse declaration order (the runner skips
    /// those not running at the moment).
    pub stop: Vec<usize>,
    /// Temporary siblings among `stop`: they end for good.
    pub removed: Vec<usize>,
    /// Children to start again once the stops are done and `delay` has passed, in declaration
    /// order (includes `child`).
    pub start: Vec<usize>,
    /// The failed child's backoff delay.
    pub delay: Duration,
    /// This is the failed child's `restart_count`-th consecutive restart (1-based).
    pub restart_count: u32,
}

/// What to do about an exit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// An unknown or already removed child, or a policy that has failed: nothing to do.
    Ignore,
    /// The child ends for good (temporary, or transient after a normal exit).
    Remove {
        child: usize,
    },
    Restart(Restart),
    /// Too many restarts: stop these children (every other present one, reverse declaration
    /// order) and fail the supervisor. `restarts` is the count in the window, including this one.
    Escalate {
        stop: Vec<usize>,
        restarts: usize,
    },
}

pub use crate::rng::SplitMix64;

/// The policy state of one supervisor incarnation.
#[derive(Clone, Debug)]
pub struct Policy {
    settings: Settings,
    types: Vec<RestartType>,
    /// Children still under supervision (not removed).
    present: Vec<bool>,
    /// Consecutive restarts per child (the backoff exponent).
    consecutive: Vec<u32>,
    /// Instants of the restart decisions still inside the intensity window.
    window: VecDeque<Instant>,
    rng: SplitMix64,
    failed: bool,
}

impl Policy {
    /// A policy for children of these restart types (declaration order), all present.
    pub fn new(settings: Settings, types: Vec<RestartType>, seed: u64) -> Policy {
        let n = types.len();
        Policy {
            settings,
            types,
            present: vec![true; n],
            consecutive: vec![0; n],
            window: VecDeque::new(),
            rng: SplitMix64::new(seed),
            failed: false,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether the child is still supervised (not removed).
    pub fn is_present(&self, child: usize) -> bool {
        self.present.get(child).copied().unwrap_or(false)
    }

    /// The child's consecutive restart count so far.
    pub fn restart_count(&self, child: usize) -> u32 {
        self.consecutive.get(child).copied().unwrap_or(0)
    }

    /// Whether intensity was exceeded (the supervisor is failing).
    pub fn has_failed(&self) -> bool {
        self.failed
    }

    /// Restart decisions counted in the window that ends at `now`.
    pub fn restarts_in_window(&self, now: Instant) -> usize {
        let within = self.settings.intensity.within;
        self.window
            .iter()
            .filter(|t| now.saturating_duration_since(**t) < within)
            .count()
    }

    /// Decides what an exit leads to.
    pub fn on_exit(&mut self, exit: ChildExit) -> Decision {
        let i = exit.child;
        if self.failed || !self.is_present(i) {
            return Decision::Ignore;
        }
        let restart = match self.types[i] {
            RestartType::Permanent => true,
            RestartType::Transient => exit.kind == ExitKind::Crashed,
            RestartType::Temporary => false,
        };
        if !restart {
            self.present[i] = false;
            return Decision::Remove { child: i };
        }
        // Intensity: a sliding window of decision instants.
        let within = self.settings.intensity.within;
        while let Some(t) = self.window.front() {
            if exit.at.saturating_duration_since(*t) >= within {
                self.window.pop_front();
            } else {
                break;
            }
        }
        self.window.push_back(exit.at);
        let n = self.present.len();
        if self.window.len() > self.settings.intensity.max_restarts as usize {
            self.failed = true;
            let stop = (0..n)
                .rev()
                .filter(|&c| c != i && self.present[c])
                .collect();
            return Decision::Escalate {
                stop,
                restarts: self.window.len(),
            };
        }
        // Backoff: reset after a stable incarnation, then count this restart.
        if let Backoff::Exponential { max, .. } = self.settings.backoff
            && exit.ran_for >= max
        {
            self.consecutive[i] = 0;
        }
        let k = self.consecutive[i].saturating_add(1);
        self.consecutive[i] = k;
        let delay = self.backoff_delay(k);
        // The group.
        let group: Vec<usize> = match self.settings.strategy {
            Strategy::OneForOne => vec![i],
            Strategy::OneForAll => (0..n).filter(|&c| self.present[c]).collect(),
            Strategy::RestForOne => (i..n).filter(|&c| self.present[c]).collect(),
        };
        let stop: Vec<usize> = group.iter().rev().copied().filter(|&c| c != i).collect();
        let removed: Vec<usize> = stop
            .iter()
            .copied()
            .filter(|&c| self.types[c] == RestartType::Temporary)
            .collect();
        for &c in &removed {
            self.present[c] = false;
        }
        let start = group.into_iter().filter(|&c| self.present[c]).collect();
        Decision::Restart(Restart {
            child: i,
            stop,
            removed,
            start,
            delay,
            restart_count: k,
        })
    }

    /// The delay of a k-th consecutive restart (k ≥ 1), jitter included.
    pub fn backoff_delay(&mut self, k: u32) -> Duration {
        match self.settings.backoff {
            Backoff::None => Duration::ZERO,
            Backoff::Exponential { min, max } => {
                let shift = k.saturating_sub(1);
                // min * 2^(k-1), saturating at max (an overflowing product is above max).
                let base = if shift >= 32 {
                    max
                } else {
                    min.checked_mul(1u32 << shift).map_or(max, |d| d.min(max))
                };
                let factor = 0.8 + 0.4 * self.rng.next_unit();
                Duration::try_from_secs_f64(base.as_secs_f64() * factor).map_or(max, |d| d.min(max))
            }
        }
    }
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
