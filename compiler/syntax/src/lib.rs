//! Janus :cluster syntax: tokens, layout, parser and AST with byte spans.
//!
//! Parsing never aborts: [`parse_module`] always returns a module (with `Error` nodes where the
//! input made no sense) plus every syntax diagnostic found. This crate does no IO and knows
//! nothing about names or types.

pub mod ast;
pub mod diagnostic;
pub mod span;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use span::{FileId, Span};
