//! The check-speed program generator as a library, shared by the `check-speed` binary (timing
//! `janusc check`) and the benchmark suite in benches/suite (timing `janusc build`).

pub mod generate;
