//! What every fuzz target asserts about the front end, whatever the input: it never panics,
//! a syntax error always surfaces as an error diagnostic, and every label points into the file.

use janus_sema::{Program, SourceModule, check_program};
use janus_syntax::{Diagnostic, FileId, parse_module};

/// The file id the targets give their single input.
pub const FILE: FileId = FileId(0);

/// Parses and checks `src` as the entry module of a program with no manifest, as `janusc check
/// file.jan` would without a `janus.toml`, and asserts the invariants. Imports cannot be loaded
/// here, so they are passed as missing modules (the driver reports those itself).
pub fn parse_and_check(src: &str) {
    let (module, parse_diags) = parse_module(FILE, src);
    let missing_modules = module
        .items
        .iter()
        .filter_map(|item| match &item.kind {
            janus_syntax::ast::ItemKind::Import(import) => {
                Some(import.path.iter().map(|p| p.name.clone()).collect::<Vec<_>>())
            }
            _ => None,
        })
        .collect();
    let program = Program { modules: vec![SourceModule { path: Vec::new(), module }], missing_modules };
    let checked = check_program(&program, None);

    let parse_failed = parse_diags.iter().any(Diagnostic::is_error);
    let mut all = parse_diags;
    all.extend(checked.diagnostics);
    if parse_failed {
        assert!(all.iter().any(Diagnostic::is_error), "a syntax error vanished from the diagnostics");
    }
    assert_labels_in_bounds(src, &all);
}

/// Every label of every diagnostic lies inside `src`, on character boundaries, in [`FILE`].
pub fn assert_labels_in_bounds(src: &str, diags: &[Diagnostic]) {
    for d in diags {
        assert!(!d.message.is_empty(), "{}: empty message", d.code);
        for label in &d.labels {
            let (lo, hi) = (label.span.lo as usize, label.span.hi as usize);
            assert_eq!(label.span.file, FILE, "{}: label in another file", d.code);
            assert!(lo <= hi && hi <= src.len(), "{}: label {lo}..{hi} outside 0..{}", d.code, src.len());
            assert!(
                src.is_char_boundary(lo) && src.is_char_boundary(hi),
                "{}: label {lo}..{hi} splits a character",
                d.code
            );
        }
    }
}

/// Parses `src` as a `janus.toml`: never panics; an unusable manifest always says why.
pub fn parse_manifest(src: &str) {
    let (manifest, diags) = janus_manifest::parse(FILE, src);
    if manifest.is_none() {
        assert!(diags.iter().any(Diagnostic::is_error), "manifest rejected without an error");
    }
    assert_labels_in_bounds(src, &diags);
}
