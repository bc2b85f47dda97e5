//! Supervisor and child specifications, and spawning a supervisor.
//!
//! A `SupervisorSpec` is what a `supervisor` declaration plus its `spawn S(args)` evaluates to:
//! settings, and children in declaration order, each with a restart type and a way to start an
//! incarnation — a descriptor plus an argument factory (compiled code: its `ActorDesc` static
//! and a function copying the start arguments, which the dialect evaluates once and reuses on
//! every restart), or a nested supervisor spec. Each child's `StableRef` is made with the spec:
//! it is the child's identity for the spec's whole life, across restarts of the child and of
//! the supervisor itself (so `game.storage.db` keeps working after `storage` restarts). One
//! spec is therefore one supervisor: spawn a fresh spec for every `spawn S(...)`.

use std::sync::Arc;
use std::time::Duration;

use crate::actor::{ActorDesc, CrashInfo, Exit, ExitHook, ExitReason, RawActorRef, StartHook};
use crate::payload::Payload;
use crate::sched::Shared;
use crate::typed::{Behavior, args_of, desc_of};
use crate::{Runtime, coro};

use super::policy::{Backoff, Intensity, RestartType, Settings, Strategy};
use super::runner::{Started, SupervisorActor, Watch};
use super::stable::{Stable, StableRef};

/// Builds the start arguments of one incarnation (called at every start).
pub type ArgsFactory = Box<dyn Fn() -> Option<Payload> + Send + Sync>;

/// How to start a child's incarnation.
pub enum ChildStart {
    /// An actor: its descriptor and its start arguments.
    Actor {
        desc: &'static ActorDesc,
        args: ArgsFactory,
    },
    /// A nested supervisor.
    Supervisor(Arc<SupervisorSpec>),
}

/// One `child name: Start(args) restart: type` line.
pub struct ChildSpec {
    name: String,
    restart: RestartType,
    start: ChildStart,
    stable: StableRef,
}

impl ChildSpec {
    /// A child actor started from a descriptor (compiled code) and an argument factory.
    pub fn actor(
        name: &str,
        desc: &'static ActorDesc,
        args: impl Fn() -> Option<Payload> + Send + Sync + 'static,
    ) -> ChildSpec {
        ChildSpec {
            name: name.to_string(),
            restart: RestartType::Permanent,
            stable: StableRef::new(name, desc.mailbox_capacity),
            start: ChildStart::Actor {
                desc,
                args: Box::new(args),
            },
        }
    }

    /// A Rust `Behavior` child: `make` builds each incarnation's initial state. Also returns
    /// the typed stable reference.
    pub fn behavior<B: Behavior>(
        name: &str,
        make: impl Fn() -> B + Send + Sync + 'static,
    ) -> (ChildSpec, Stable<B::Msg>) {
        let c = ChildSpec::actor(name, desc_of::<B>(), move || Some(args_of(make())));
        // SAFETY: every incarnation is a `B`, whose descriptor handles `B::Msg` boxes.
        let s = unsafe { Stable::from_raw(c.stable.clone()) };
        (c, s)
    }

    /// A nested supervisor child.
    pub fn supervisor(name: &str, spec: SupervisorSpec) -> ChildSpec {
        ChildSpec {
            name: name.to_string(),
            restart: RestartType::Permanent,
            stable: StableRef::control(name),
            start: ChildStart::Supervisor(Arc::new(spec)),
        }
    }

    /// Sets the restart type (default `permanent`).
    pub fn restart(mut self, r: RestartType) -> ChildSpec {
        self.restart = r;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn restart_type(&self) -> RestartType {
        self.restart
    }

    pub fn start(&self) -> &ChildStart {
        &self.start
    }

    /// The child's stable reference.
    pub fn stable(&self) -> &StableRef {
        &self.stable
    }

    /// The nested supervisor's spec, for a supervisor child.
    pub fn supervisor_spec(&self) -> Option<&Arc<SupervisorSpec>> {
        match &self.start {
            ChildStart::Supervisor(s) => Some(s),
            ChildStart::Actor { .. } => None,
        }
    }

    /// Closes this child's reference and, for a supervisor child, all of its tree's.
    pub(crate) fn close_refs(&self) {
        self.stable.close();
        if let ChildStart::Supervisor(s) = &self.start {
            s.close_refs();
        }
    }
}

/// A supervisor: name, settings, children in declaration order.
pub struct SupervisorSpec {
    name: String,
    settings: Settings,
    children: Vec<ChildSpec>,
    seed: Option<u64>,
}

impl SupervisorSpec {
    /// A spec with the dialect's default settings and no children yet.
    pub fn new(name: &str) -> SupervisorSpec {
        SupervisorSpec {
            name: name.to_string(),
            settings: Settings::default(),
            children: Vec::new(),
            seed: None,
        }
    }

    pub fn strategy(mut self, s: Strategy) -> Self {
        self.settings.strategy = s;
        self
    }

    pub fn intensity(mut self, max_restarts: u32, within: Duration) -> Self {
        self.settings.intensity = Intensity {
            max_restarts,
            within,
        };
        self
    }

    pub fn backoff(mut self, b: Backoff) -> Self {
        self.settings.backoff = b;
        self
    }

    pub fn with_settings(mut self, s: Settings) -> Self {
        self.settings = s;
        self
    }

    /// Fixes the jitter's seed (tests); by default each supervisor incarnation seeds from the
    /// clock.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Adds the next child (declaration order).
    pub fn child(mut self, c: ChildSpec) -> Self {
        self.children.push(c);
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn children(&self) -> &[ChildSpec] {
        &self.children
    }

    pub(crate) fn seed_value(&self) -> Option<u64> {
        self.seed
    }

    /// The stable reference of the child called `name`.
    pub fn child_ref(&self, name: &str) -> Option<&StableRef> {
        self.children
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.stable)
    }

    /// The spec of the nested supervisor child called `name`.
    pub fn nested(&self, name: &str) -> Option<&Arc<SupervisorSpec>> {
        self.children
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.supervisor_spec())
    }

    /// Closes every stable reference of the tree (the supervisor will not run again).
    pub(crate) fn close_refs(&self) {
        for c in &self.children {
            c.close_refs();
        }
    }
}

/// A running top-level supervisor.
pub struct Supervisor {
    raw: RawActorRef,
    spec: Arc<SupervisorSpec>,
}

impl Supervisor {
    /// The supervisor actor itself.
    pub fn raw(&self) -> &RawActorRef {
        &self.raw
    }

    pub fn spec(&self) -> &Arc<SupervisorSpec> {
        &self.spec
    }

    /// `sup.name`: the child's stable reference.
    pub fn child(&self, name: &str) -> Option<&StableRef> {
        self.spec.child_ref(name)
    }

    /// Stops the supervisor: its children stop in reverse order, then it ends; its tree's
    /// references close.
    pub fn stop(&self) {
        self.raw.request_stop();
    }

    pub fn is_alive(&self) -> bool {
        self.raw.is_alive()
    }
}

/// The report of a top-level supervisor's failure (dialect "Program end and reports": it names
/// the supervisor and the last crash reason).
pub fn format_supervisor_failure(name: &str, info: &CrashInfo) -> String {
    if info.location == "<supervisor>" {
        format!("supervisor {name} failed: {}", info.reason)
    } else {
        format!(
            "supervisor {name} failed: {} at {}",
            info.reason, info.location
        )
    }
}

/// Called once when a top-level supervisor ends, with the failure report line if it failed.
/// Runs on a worker's stack: it must not block.
pub type EndHook = Box<dyn FnOnce(&Exit, Option<&str>) + Send>;

/// Spawns a top-level supervisor and returns once all its children have started (or it has
/// failed). When it fails, the report line goes to stderr (the lead wires the exit status).
pub fn spawn_supervisor(rt: &Runtime, spec: SupervisorSpec) -> Supervisor {
    spawn_top(&rt.shared, spec, Box::new(default_end))
}

/// `spawn_supervisor` with a hook told how the supervisor ended (and the report line).
pub fn spawn_supervisor_with(
    rt: &Runtime,
    spec: SupervisorSpec,
    on_end: impl FnOnce(&Exit, Option<&str>) + Send + 'static,
) -> Supervisor {
    spawn_top(&rt.shared, spec, Box::new(on_end))
}

/// `spawn_supervisor` from inside an actor (same runtime; the turn waits for the start).
/// None outside actors.
pub fn spawn_supervisor_here(spec: SupervisorSpec) -> Option<Supervisor> {
    let rt = coro::current_actor()?.rt.clone();
    Some(spawn_top(&rt, spec, Box::new(default_end)))
}

/// `spawn_supervisor_here` with a hook told how the supervisor ended (compiled code's
/// `janus_rt_sup_spawn` ends the program on a failure). None outside actors.
pub fn spawn_supervisor_here_with(
    spec: SupervisorSpec,
    on_end: impl FnOnce(&Exit, Option<&str>) + Send + 'static,
) -> Option<Supervisor> {
    let rt = coro::current_actor()?.rt.clone();
    Some(spawn_top(&rt, spec, Box::new(on_end)))
}

fn default_end(_: &Exit, line: Option<&str>) {
    if let Some(line) = line {
        use std::io::Write;
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

fn spawn_top(rt: &Arc<Shared>, spec: SupervisorSpec, on_end: EndHook) -> Supervisor {
    let spec = Arc::new(spec);
    let watch = Watch::new();
    let w1 = watch.clone();
    let start: StartHook = Box::new(move || w1.mark_started());
    let w2 = watch.clone();
    let s2 = spec.clone();
    let exit: ExitHook = Box::new(move |e: &Exit| {
        // Nothing will restart it: its whole tree's references close.
        s2.close_refs();
        w2.mark_exited(e.reason.clone());
        let line = match &e.reason {
            ExitReason::Crashed(info) => Some(format_supervisor_failure(s2.name(), info)),
            _ => None,
        };
        on_end(e, line.as_deref());
    });
    let raw = crate::spawn_hooked(
        rt,
        desc_of::<SupervisorActor>(),
        Some(args_of(SupervisorActor::new(spec.clone()))),
        true, // its failure is reported by `on_end`, not as an actor crash
        Some(start),
        Some(exit),
    );
    // "spawn S(...) returns once all have started". A worker thread outside a turn must not
    // wait (it would block the worker that has to run the start).
    if !crate::sched::on_worker_thread() || coro::in_actor() {
        let _: Started = watch.wait_start();
    }
    Supervisor { raw, spec }
}
