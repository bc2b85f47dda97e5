//! The benchmark suite of issue 4 as a library: the catalogue of Janus benchmark programs
//! (benches/programs), building and running them with `janusc`, their plain-tokio baselines,
//! the compile-speed figure and the report lines. The `janus-bench` binary runs it all; the
//! smoke test (tests/smoke.rs) builds and runs every program at a tiny size so it cannot rot.

pub mod baselines;
pub mod compile;
pub mod janus;
pub mod programs;
pub mod report;
pub mod result;
