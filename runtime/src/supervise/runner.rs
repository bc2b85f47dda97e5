//! The supervisor actor: applies the restart policy (`policy.rs`) to real child actors.
//!
//! A supervisor is an ordinary actor of the runtime (so it can be spawned, supervised by another
//! supervisor, and stopped), whose state is its spec, its policy and one slot per child. Every
//! child incarnation is spawned with two hooks, installed before its first turn:
//! - a **start hook** (`StartHook`, run right after the child's `on start`) that marks the
//!   incarnation's `Watch` started;
//! - an **exit hook** that moves the child's stable reference to "waiting", marks the `Watch`
//!   exited and tells the supervisor with a `ChildExited` notice (`send_system`: never waits).
//!
//! Sequential steps wait *inside the supervisor's turn* on a `Watch` (the turn suspends, its
//! worker runs other actors): starting a child waits for its `on start` to finish, stopping one
//! (`request_stop`) waits for its exit, so children start one at a time in declaration order
//! and stop one at a time in reverse order, each after the previous one's `on stop`. Meanwhile
//! other children's notices wait in the supervisor's mailbox and are handled afterwards, one at
//! a time. Backoff delays do not hold the turn: a child waiting for its restart is marked with
//! its due instant and the supervisor's `after` arm (re-armed at the end of every turn with the
//! time left until the earliest due restart) starts it; so a supervisor stays responsive to
//! other exits during a delay. Only the supervisor's own start (`on start`, which the dialect
//! makes finish once every child has started) sleeps through a delay in its turn.
//!
//! A notice about an incarnation that is no longer the child's current one (already handled in
//! the turn, e.g. a child that crashed during its `on start`, or one stopped by a group
//! restart) is ignored. Escalation: stop every running child (reverse order), then fail with
//! `fail_owned`, which the parent sees as a crash of this child.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::actor::{CrashInfo, Exit, ExitHook, ExitReason, RawActorRef, StartHook};
use crate::coro;
use crate::payload::Payload;
use crate::sched::Waker;
use crate::typed::{Behavior, args_of, desc_of};

use super::events::{self, SupervisorEvent, SupervisorEventKind, SupervisorReporter};
use super::policy::{ChildExit, Decision, ExitKind, Policy};
use super::spec::{ChildStart, SupervisorSpec};

/// The start/exit state of one incarnation, shared by its hooks and whoever waits on it.
#[derive(Default)]
pub(crate) struct Watch {
    st: Mutex<WatchState>,
}

#[derive(Default)]
struct WatchState {
    started: bool,
    exited: Option<ExitReason>,
    waiter: Option<Waker>,
}

/// How a start ended.
pub(crate) enum Started {
    Yes,
    /// Ended before its `on start` finished (crashed in `init`/`on start`, or stopped).
    Failed(ExitReason),
}

impl Watch {
    pub(crate) fn new() -> Arc<Watch> {
        Arc::new(Watch::default())
    }

    pub(crate) fn mark_started(&self) {
        let mut g = self.st.lock();
        g.started = true;
        let w = g.waiter.take();
        drop(g);
        if let Some(w) = w {
            w.wake();
        }
    }

    pub(crate) fn mark_exited(&self, reason: ExitReason) {
        let mut g = self.st.lock();
        g.exited = Some(reason);
        let w = g.waiter.take();
        drop(g);
        if let Some(w) = w {
            w.wake();
        }
    }

    /// Waits (suspending a turn, parking a thread) until `done` holds.
    fn wait_for(&self, done: impl Fn(&WatchState) -> bool) {
        loop {
            let mut g = self.st.lock();
            if done(&g) {
                return;
            }
            g.waiter = Some(coro::prepare_wait());
            drop(g);
            coro::wait(None);
        }
    }

    /// Waits until the incarnation has finished its `on start`, or has ended.
    pub(crate) fn wait_start(&self) -> Started {
        self.wait_for(|s| s.started || s.exited.is_some());
        let g = self.st.lock();
        match (&g.started, &g.exited) {
            (false, Some(r)) => Started::Failed(r.clone()),
            _ => Started::Yes,
        }
    }

    /// Waits until the incarnation has ended.
    pub(crate) fn wait_exit(&self) {
        self.wait_for(|s| s.exited.is_some());
    }
}

/// The supervisor's messages (runtime notices only; user code never sends to a supervisor).
pub(crate) enum SupMsg {
    ChildExited {
        child: usize,
        id: u64,
        reason: ExitReason,
    },
}

enum Status {
    Running,
    Down,
    /// To be started at this instant.
    Waiting(Instant),
    Removed,
}

struct Kid {
    status: Status,
    incarnation: Option<RawActorRef>,
    watch: Option<Arc<Watch>>,
    started_at: Instant,
}

/// What makes the supervisor fail: (reason, location) for `fail_owned`.
type Failure = (String, String);

/// The supervisor actor's state.
pub(crate) struct SupervisorActor {
    spec: Arc<SupervisorSpec>,
    policy: Policy,
    kids: Vec<Kid>,
    reporter: Option<SupervisorReporter>,
}

/// Mixed into clock-based seeds so that supervisors started at once still differ.
static SEEDS: AtomicU64 = AtomicU64::new(0);

impl SupervisorActor {
    pub(crate) fn new(spec: Arc<SupervisorSpec>) -> SupervisorActor {
        let seed = spec.seed_value().unwrap_or_else(|| {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
            // Relaxed: only uniqueness matters.
            t ^ SEEDS
                .fetch_add(1, Ordering::Relaxed)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        });
        let types = spec.children().iter().map(|c| c.restart_type()).collect();
        let now = Instant::now();
        let kids = spec
            .children()
            .iter()
            .map(|_| Kid {
                status: Status::Waiting(now),
                incarnation: None,
                watch: None,
                started_at: now,
            })
            .collect();
        SupervisorActor {
            policy: Policy::new(*spec.settings(), types, seed),
            spec,
            kids,
            reporter: None,
        }
    }

    fn emit(&self, kind: SupervisorEventKind) {
        let e = SupervisorEvent {
            supervisor: self.spec.name().to_string(),
            kind,
        };
        match &self.reporter {
            Some(r) => events::emit(r, &e),
            None => events::emit(&events::stderr_supervisor_reporter(), &e),
        }
    }

    /// Starts every child whose restart is due, lowest declaration index first. During the
    /// supervisor's own start, waits (in the turn) for delayed ones too.
    fn drive(&mut self, in_start: bool) -> Option<Failure> {
        loop {
            let now = Instant::now();
            let mut next_due: Option<Instant> = None;
            let mut ready = None;
            for (i, k) in self.kids.iter().enumerate() {
                if let Status::Waiting(due) = k.status {
                    if due <= now {
                        ready = Some(i);
                        break;
                    }
                    next_due = Some(next_due.map_or(due, |d: Instant| d.min(due)));
                }
            }
            match ready {
                Some(i) => {
                    if let Started::Failed(reason) = self.start_kid(i)
                        && let Some(f) = self.on_exit(i, reason)
                    {
                        return Some(f);
                    }
                }
                None => match next_due {
                    Some(due) if in_start => crate::sleep(due.saturating_duration_since(now)),
                    _ => return None,
                },
            }
        }
    }

    /// Spawns child `i`'s next incarnation, binds its stable reference and waits until its
    /// `on start` finished. A child that ends before that is left Down for the caller to decide.
    fn start_kid(&mut self, i: usize) -> Started {
        let Some(me) = crate::current_actor_ref() else {
            return Started::Failed(ExitReason::AlreadyEnded);
        };
        let Some(rt) = coro::current_actor().map(|a| a.rt.clone()) else {
            return Started::Failed(ExitReason::AlreadyEnded);
        };
        let child = &self.spec.children()[i];
        let watch = Watch::new();
        let w1 = watch.clone();
        let start: StartHook = Box::new(move || w1.mark_started());
        let w2 = watch.clone();
        let stable = child.stable().clone();
        let exit: ExitHook = Box::new(move |e: &Exit| {
            stable.unbind(e.actor_id);
            w2.mark_exited(e.reason.clone());
            me.send_system(Payload::new(SupMsg::ChildExited {
                child: i,
                id: e.actor_id,
                reason: e.reason.clone(),
            }));
        });
        let (desc, args, quiet) = match child.start() {
            ChildStart::Actor { desc, args } => (*desc, args(), false),
            // Supervisors report their own failure through their parent's restart event.
            ChildStart::Supervisor(spec) => (
                desc_of::<SupervisorActor>(),
                Some(args_of(SupervisorActor::new(spec.clone()))),
                true,
            ),
        };
        let raw = crate::spawn_hooked(&rt, desc, args, quiet, Some(start), Some(exit));
        // Messages held while the child was down go first into the new (empty) mailbox; they
        // are handled after `on start`, like anything sent to a freshly spawned actor.
        child.stable().bind(&raw);
        let kid = &mut self.kids[i];
        kid.status = Status::Running;
        kid.incarnation = Some(raw);
        kid.watch = Some(watch.clone());
        kid.started_at = Instant::now();
        let started = watch.wait_start();
        if let Started::Failed(_) = started {
            let kid = &mut self.kids[i];
            kid.incarnation = None;
            kid.watch = None;
            kid.status = Status::Down;
        }
        started
    }

    /// Stops child `i` if it runs, waiting until its `on stop` finished.
    fn stop_kid(&mut self, i: usize) {
        let kid = &mut self.kids[i];
        if let Some(inc) = kid.incarnation.take() {
            let watch = kid.watch.take();
            kid.status = Status::Down;
            inc.request_stop();
            if let Some(w) = watch {
                w.wait_exit();
            }
        } else if matches!(kid.status, Status::Running) {
            kid.status = Status::Down;
        }
    }

    /// Child `i` leaves for good: its stable reference (and a supervisor child's, recursively)
    /// closes.
    fn remove(&mut self, i: usize) {
        self.kids[i].status = Status::Removed;
        self.spec.children()[i].close_refs();
    }

    /// Whether a notice is about child `i`'s current incarnation.
    fn is_current(&self, i: usize, id: u64) -> bool {
        self.kids
            .get(i)
            .and_then(|k| k.incarnation.as_ref())
            .is_some_and(|r| r.id() == id)
    }

    /// Handles the end of child `i`'s current incarnation.
    fn on_exit(&mut self, i: usize, reason: ExitReason) -> Option<Failure> {
        let now = Instant::now();
        let kid = &mut self.kids[i];
        let ran_for = now.saturating_duration_since(kid.started_at);
        kid.incarnation = None;
        kid.watch = None;
        kid.status = Status::Down;
        let (kind, why) = describe(&reason);
        let child_name = self.spec.children()[i].name().to_string();
        match self.policy.on_exit(ChildExit {
            child: i,
            kind,
            at: now,
            ran_for,
        }) {
            Decision::Ignore => None,
            Decision::Remove { child } => {
                self.remove(child);
                None
            }
            Decision::Restart(r) => {
                let also = r
                    .start
                    .iter()
                    .filter(|&&c| c != i)
                    .map(|&c| self.spec.children()[c].name().to_string())
                    .collect();
                self.emit(SupervisorEventKind::Restart {
                    child: child_name,
                    reason: why,
                    restart_count: r.restart_count,
                    delay: r.delay,
                    also,
                });
                for &s in &r.stop {
                    self.stop_kid(s);
                }
                for &s in &r.removed {
                    self.remove(s);
                }
                let due = Instant::now() + r.delay;
                for &s in &r.start {
                    self.kids[s].status = Status::Waiting(due);
                }
                None
            }
            Decision::Escalate { stop, .. } => {
                let intensity = self.policy.settings().intensity;
                let last = format!("{child_name} {why}");
                self.emit(SupervisorEventKind::Escalation {
                    reason: last.clone(),
                    max_restarts: intensity.max_restarts,
                    within: intensity.within,
                });
                for &s in &stop {
                    self.stop_kid(s);
                }
                for k in &mut self.kids {
                    if !matches!(k.status, Status::Removed) {
                        k.status = Status::Down;
                    }
                }
                Some((
                    format!(
                        "more than {} restarts within {} (last: {last})",
                        intensity.max_restarts,
                        events::format_duration(intensity.within)
                    ),
                    "<supervisor>".to_string(),
                ))
            }
        }
    }
}

/// The exit kind and its words in events: `crashed: REASON at LOCATION` or `stopped`.
fn describe(reason: &ExitReason) -> (ExitKind, String) {
    match reason {
        ExitReason::Normal => (ExitKind::Normal, "stopped".to_string()),
        // A failed supervisor's reason already names its last crash and where it happened.
        ExitReason::Crashed(CrashInfo { reason, location }) if location == "<supervisor>" => {
            (ExitKind::Crashed, format!("crashed: {reason}"))
        }
        ExitReason::Crashed(CrashInfo { reason, location }) => (
            ExitKind::Crashed,
            format!("crashed: {reason} at {location}"),
        ),
        ExitReason::AlreadyEnded => (ExitKind::Crashed, "crashed: ended unseen".to_string()),
    }
}

/// Crashes the supervisor (its parent, or the top-level hook, sees it). Nothing of the
/// caller's may be alive on the stack: the strings are handed over.
fn fail_with(f: Failure) -> ! {
    coro::fail_owned(f.0, f.1)
}

impl Behavior for SupervisorActor {
    type Msg = SupMsg;
    const NAME: &'static str = "supervisor";
    const HAS_AFTER: bool = true;

    fn on_start(&mut self) {
        self.reporter = coro::current_actor().map(|a| a.rt.config.supervisor_reporter.clone());
        let now = Instant::now();
        for k in &mut self.kids {
            k.status = Status::Waiting(now);
        }
        if let Some(f) = self.drive(true) {
            fail_with(f);
        }
    }

    fn handle(&mut self, msg: &mut SupMsg) {
        let SupMsg::ChildExited { child, id, reason } = msg;
        let mut failure = None;
        if self.is_current(*child, *id) {
            let reason = std::mem::replace(reason, ExitReason::AlreadyEnded);
            failure = self.on_exit(*child, reason);
        }
        if failure.is_none() {
            failure = self.drive(false);
        }
        if let Some(f) = failure {
            fail_with(f);
        }
    }

    /// Time left until the earliest delayed restart.
    fn after(&self) -> Option<Duration> {
        let now = Instant::now();
        self.kids
            .iter()
            .filter_map(|k| match k.status {
                Status::Waiting(due) => Some(due.saturating_duration_since(now)),
                _ => None,
            })
            .min()
    }

    fn on_after(&mut self) {
        if let Some(f) = self.drive(false) {
            fail_with(f);
        }
    }

    /// Stopped (by its parent or its owner): children stop in reverse order, each after the
    /// previous one's `on stop`. Their stable references keep waiting: whoever decided this
    /// stop decides whether they close.
    fn on_stop(&mut self) {
        for i in (0..self.kids.len()).rev() {
            self.stop_kid(i);
        }
    }
}

impl Drop for SupervisorActor {
    fn drop(&mut self) {
        // A supervisor that ended without stopping its children (a bug in it, or collection at
        // program end) does not leave them unsupervised and unstoppable: ask them to stop.
        for k in &mut self.kids {
            if let Some(inc) = k.incarnation.take() {
                inc.request_stop();
            }
        }
    }
}
