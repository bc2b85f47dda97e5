//! Test helpers: source text or a file through parse, check, lower, verify and print.

#![allow(dead_code)]

use janus_sema::{Program, SourceModule, check_program};
use janus_syntax::FileId;

/// Parses, checks and lowers one module (without verifying).
pub fn lower_ir(src: &str) -> janus_ir::ir::Program {
    let (module, diags) = janus_syntax::parse_module(FileId(0), src);
    assert!(diags.is_empty(), "parse errors: {diags:?}");
    let program = Program {
        modules: vec![SourceModule {
            path: Vec::new(),
            module,
        }],
        missing_modules: Vec::new(),
    };
    let checked = check_program(&program, None);
    assert!(
        !checked.has_errors(),
        "check errors: {:#?}",
        checked.diagnostics
    );
    match janus_ir::lower_program(&program, &checked) {
        Ok(p) => p,
        Err(es) => panic!("lowering failed: {es:#?}"),
    }
}

/// Parses, checks, lowers and verifies one module; returns the printed IR. Panics (failing
/// the test) with the diagnostics or verifier messages when any step fails.
pub fn lower(src: &str) -> String {
    let (module, diags) = janus_syntax::parse_module(FileId(0), src);
    assert!(diags.is_empty(), "parse errors: {diags:?}");
    let program = Program {
        modules: vec![SourceModule {
            path: Vec::new(),
            module,
        }],
        missing_modules: Vec::new(),
    };
    let checked = check_program(&program, None);
    assert!(
        !checked.has_errors(),
        "check errors: {:#?}",
        checked.diagnostics
    );
    let ir = match janus_ir::lower_program(&program, &checked) {
        Ok(p) => p,
        Err(es) => panic!("lowering failed: {es:#?}"),
    };
    let text = janus_ir::display(&ir);
    let errs = janus_ir::verify(&ir);
    assert!(errs.is_empty(), "verifier:\n{}\n\n{text}", errs.join("\n"));
    text
}

/// What happened to one file of the corpus.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Lowered and verified.
    Ok,
    /// Its functions lowered and verified; its actors, grains or supervisors are not
    /// lowered yet.
    Partial,
    /// The checker rejects it (a UI test of an error).
    CheckErrors,
    /// Uses grains, behaviors or supervisors (§5–§7), which are not lowered yet: the first
    /// such message.
    NotYet(String),
    /// A lowering or verifier failure: a bug.
    Failed(String),
}

pub fn lower_file(path: &str) -> Outcome {
    let analysis = match janusc::analyze(path) {
        Ok(a) => a,
        Err(e) => return Outcome::Failed(format!("{e:?}")),
    };
    if analysis.has_errors() {
        return Outcome::CheckErrors;
    }
    let (Some(program), Some(checked)) = (&analysis.program, &analysis.checked) else {
        return Outcome::Failed("no program".into());
    };
    let ir = match janus_ir::lower_program(program, checked) {
        Ok(p) => p,
        Err(es) => {
            if let Some(e) = es
                .iter()
                .find(|e| e.message.contains("not lowered to the IR yet"))
            {
                return Outcome::NotYet(e.message.clone());
            }
            return Outcome::Failed(format!("{es:?}"));
        }
    };
    let errs = janus_ir::verify(&ir);
    if errs.is_empty() && ir.not_lowered.is_empty() {
        Outcome::Ok
    } else if errs.is_empty() {
        Outcome::Partial
    } else {
        Outcome::Failed(format!(
            "verifier:\n{}\n\n{}",
            errs.join("\n"),
            janus_ir::display(&ir)
        ))
    }
}
