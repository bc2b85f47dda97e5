//! Janus :cluster's typed control-flow IR: the form between the checked AST and Cranelift.
//!
//! [`lower_program`] turns a program the checker accepted into an [`ir::Program`];
//! [`verify`] checks it (definitions before uses, jump targets, operand types); [`display`]
//! prints it. The design and the lowering of each construct are described in `spec/ir.md`.

pub mod builtins;
pub mod display;
pub mod ir;
pub mod lower;
pub mod verify;

pub use display::display;
pub use lower::{LowerError, lower_program};
pub use verify::verify;
