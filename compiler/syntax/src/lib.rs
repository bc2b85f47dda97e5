//! Janus :cluster syntax: tokens, layout, parser and AST with byte spans.
//!
//! Parsing never aborts: [`parse_module`] always returns a module (with `Error` nodes where the
//! input made no sense) plus every syntax diagnostic found. This crate does no IO and knows
//! nothing about names or types.

mod actions;
pub mod ast;
pub mod diagnostic;
pub mod dump;
mod dump_expr;
mod errors;
pub mod layout;
pub mod lexer;
mod literals;
pub mod parser;
pub mod span;
pub mod suggest;
pub mod token;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use dump::dump;
pub use parser::parse_module;
pub use span::{FileId, Span};
