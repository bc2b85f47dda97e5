//! `janus.toml`: the program's package, node-capability vocabulary, cluster nodes and storage.
//!
//! [`parse`] turns the manifest's text into a [`Manifest`] plus diagnostics that point into the
//! TOML. It never panics on any input and does no IO (the driver reads the file).

#[cfg(test)]
mod tests;
mod validate;

use janus_syntax::{Diagnostic, FileId, Span};

/// A validated manifest. Every name keeps the span where the TOML wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub file: FileId,
    pub package: Package,
    /// `[capabilities]`: the vocabulary of node capabilities, in file order.
    pub capabilities: Vec<CapabilityDecl>,
    /// `[[cluster.node]]` entries, in file order; empty when the manifest lists no cluster.
    pub nodes: Vec<NodeDecl>,
    pub storage: Storage,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// `entry`, relative to the manifest's directory; default `src/main.jan`.
    pub entry: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CapabilityDecl {
    pub name: String,
    pub description: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeDecl {
    pub name: String,
    pub listen: String,
    pub caps: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Storage {
    /// SQLite file under `path` (default `.janus/state` beside the manifest).
    Embedded {
        path: String,
    },
    Postgres {
        url: String,
    },
}

impl Manifest {
    pub fn has_capability(&self, name: &str) -> bool {
        self.capabilities.iter().any(|c| c.name == name)
    }

    pub fn node(&self, name: &str) -> Option<&NodeDecl> {
        self.nodes.iter().find(|n| n.name == name)
    }
}

/// Parses and validates a manifest. Returns `None` only when the text is not usable at all
/// (TOML syntax error or missing `[package]`); all problems are reported as diagnostics.
pub fn parse(file: FileId, text: &str) -> (Option<Manifest>, Vec<Diagnostic>) {
    validate::parse(file, text)
}

/// The span of the value at `path` (for example `["package", "entry"]`) in a manifest's text,
/// if the text is valid TOML and has that key. The driver uses it to point at `entry` when the
/// entry file cannot be read, without the data model having to carry every span.
pub fn value_span(file: FileId, text: &str, path: &[&str]) -> Option<Span> {
    validate::value_span(file, text, path)
}

/// The default `entry` when `[package]` does not name one.
pub const DEFAULT_ENTRY: &str = "src/main.jan";

/// The default embedded storage path, relative to the manifest's directory.
pub const DEFAULT_STORAGE_PATH: &str = ".janus/state";
