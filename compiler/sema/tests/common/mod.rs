//! Test helpers: source text -> parse -> check -> `(line, code)` pairs.
#![allow(dead_code)]

use janus_manifest::{CapabilityDecl, Manifest, NodeDecl, Package, Storage};
use janus_sema::{Program, SourceModule, check_program};
use janus_syntax::{Diagnostic, FileId, Span};

fn line_of(src: &str, offset: u32) -> usize {
    src[..(offset as usize).min(src.len())]
        .matches('\n')
        .count()
        + 1
}

/// Parses modules (`path` like "chat.protocol"; "" for the entry) and checks them.
pub fn diags_modules(
    mods: &[(&str, &str)],
    missing: &[&str],
    manifest: Option<&Manifest>,
) -> Vec<(usize, usize, Diagnostic)> {
    let mut program = Program::default();
    for (i, (path, src)) in mods.iter().enumerate() {
        let (module, syn) = janus_syntax::parse_module(FileId(i as u32), src);
        assert!(
            syn.is_empty(),
            "syntax errors in test source {path:?}: {syn:#?}"
        );
        let path: Vec<String> = if path.is_empty() {
            vec![]
        } else {
            path.split('.').map(String::from).collect()
        };
        program.modules.push(SourceModule { path, module });
    }
    program.missing_modules = missing
        .iter()
        .map(|p| p.split('.').map(String::from).collect())
        .collect();
    let checked = check_program(&program, manifest);
    checked
        .diagnostics
        .into_iter()
        .map(|d| {
            let span = d.primary_span().unwrap_or_default();
            let file = span.file.0 as usize;
            let line = line_of(mods[file].1, span.lo);
            (file, line, d)
        })
        .collect()
}

pub fn diags_with(src: &str, manifest: Option<&Manifest>) -> Vec<Diagnostic> {
    diags_modules(&[("", src)], &[], manifest)
        .into_iter()
        .map(|(_, _, d)| d)
        .collect()
}

pub fn diags(src: &str) -> Vec<Diagnostic> {
    diags_with(src, None)
}

/// `(line, code)` of every diagnostic, in order.
pub fn check(src: &str) -> Vec<(usize, &'static str)> {
    check_with(src, None)
}

pub fn check_with(src: &str, manifest: Option<&Manifest>) -> Vec<(usize, &'static str)> {
    diags_modules(&[("", src)], &[], manifest)
        .into_iter()
        .map(|(_, l, d)| (l, d.code))
        .collect()
}

/// `(file, line, code)` for multi-module programs.
pub fn check_modules(mods: &[(&str, &str)], missing: &[&str]) -> Vec<(usize, usize, &'static str)> {
    diags_modules(mods, missing, None)
        .into_iter()
        .map(|(f, l, d)| (f, l, d.code))
        .collect()
}

/// The message (plus help and notes) of the only diagnostic with `code`.
pub fn message(src: &str, code: &str) -> String {
    message_with(src, code, None)
}

pub fn message_with(src: &str, code: &str, manifest: Option<&Manifest>) -> String {
    let ds: Vec<Diagnostic> = diags_with(src, manifest)
        .into_iter()
        .filter(|d| d.code == code)
        .collect();
    assert_eq!(ds.len(), 1, "expected one {code}, got {ds:#?}");
    let d = &ds[0];
    let mut s = d.message.clone();
    if let Some(h) = &d.help {
        s.push_str(" | help: ");
        s.push_str(h);
    }
    for n in &d.notes {
        s.push_str(" | note: ");
        s.push_str(n);
    }
    s
}

/// A manifest with these capabilities and nodes (`(name, caps)`).
pub fn manifest(caps: &[&str], nodes: &[(&str, &[&str])]) -> Manifest {
    Manifest {
        file: FileId(99),
        package: Package {
            name: "t".into(),
            version: "0.1.0".into(),
            entry: "src/main.jan".into(),
        },
        capabilities: caps
            .iter()
            .map(|c| CapabilityDecl {
                name: c.to_string(),
                description: String::new(),
                span: Span::default(),
            })
            .collect(),
        nodes: nodes
            .iter()
            .map(|(n, cs)| NodeDecl {
                name: n.to_string(),
                listen: "127.0.0.1:7000".into(),
                caps: cs.iter().map(|c| c.to_string()).collect(),
                span: Span::default(),
            })
            .collect(),
        storage: Storage::Embedded {
            path: ".janus/state".into(),
        },
    }
}
