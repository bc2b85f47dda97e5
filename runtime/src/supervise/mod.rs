//! Supervision (dialect §5, issue 5): supervisors as actors that start, stop and restart their
//! children by strategy, restart type, intensity and backoff, with stable child references.
//!
//! - `policy.rs` — the pure restart policy (what to stop, what to restart, after which delay,
//!   when to give up);
//! - `stable.rs` — stable child references that follow restarts and hold messages meanwhile;
//! - `runner.rs` — the supervisor actor that applies the policy to real actors;
//! - `spec.rs` — the supervisor and child specifications, and spawning a supervisor;
//! - `events.rs` — restart and escalation events (`tracing` + the default stderr line).
//!
//! See `spec/supervision.md` for the design and what is tested.

pub mod events;
pub mod policy;
mod runner;
pub mod spec;
pub mod stable;

pub use events::{
    SupervisorEvent, SupervisorEventKind, SupervisorReporter, format_event,
    silent_supervisor_reporter, stderr_supervisor_reporter,
};
pub use policy::{
    Backoff, ChildExit, Decision, ExitKind, Intensity, Policy, Restart, RestartType, Settings,
    Strategy,
};
pub use spec::{
    ArgsFactory, ChildSpec, ChildStart, EndHook, Supervisor, SupervisorSpec,
    format_supervisor_failure, spawn_supervisor, spawn_supervisor_here, spawn_supervisor_here_with,
    spawn_supervisor_with,
};
pub use stable::{SendOutcome, Stable, StableRef};
