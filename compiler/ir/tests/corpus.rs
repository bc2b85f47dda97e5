//! Every example, every dialect UI test and every `*_ok.jan` UI test must lower and verify
//! (the counts are printed; anything not lowered yet is counted apart, and fails the test).

mod common;

use common::{Outcome, lower_file};

fn files() -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut out = Vec::new();
    let mut push_dir = |dir: &str, filter: &dyn Fn(&str) -> bool| {
        let Ok(rd) = std::fs::read_dir(format!("{root}/{dir}")) else {
            return;
        };
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .map(|e| e.path().display().to_string())
            .filter(|p| p.ends_with(".jan") && filter(p))
            .collect();
        names.sort();
        out.extend(names);
    };
    push_dir("examples", &|_| true);
    push_dir("tests/ui/dialect", &|_| true);
    let Ok(rd) = std::fs::read_dir(format!("{root}/tests/ui")) else {
        return out;
    };
    let mut dirs: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|d| d != "dialect")
        .collect();
    dirs.sort();
    for d in dirs {
        push_dir(&format!("tests/ui/{d}"), &|p| p.ends_with("_ok.jan"));
    }
    out
}

#[test]
fn corpus_lowers_and_verifies() {
    let (mut ok, mut partial, mut not_yet, mut rejected) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut lowered = Vec::new();
    for f in files() {
        match lower_file(&f) {
            Outcome::Ok => {
                ok += 1;
                lowered.push(f);
            }
            Outcome::Partial => {
                partial += 1;
                eprintln!("  partial {f}");
            }
            Outcome::NotYet(why) => {
                not_yet += 1;
                eprintln!("  not yet {f}: {why}");
            }
            Outcome::CheckErrors => rejected += 1,
            Outcome::Failed(msg) => failures.push(format!("{f}: {msg}")),
        }
    }
    eprintln!(
        "corpus: {ok} lowered and verified completely, {partial} lowered and verified except some declarations, {not_yet} using what is not lowered yet, {rejected} rejected by the checker, {} failed",
        failures.len()
    );
    for f in &lowered {
        eprintln!("  ok {f}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(
        (partial, not_yet, rejected),
        (0, 0, 0),
        "every program must lower completely"
    );
    assert!(ok >= 100, "too few files lowered: {ok}");
}

fn all_ui_files(dir: &std::path::Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<std::path::PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            all_ui_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "jan") {
            out.push(p.display().to_string());
        }
    }
}

/// Lowering is meant for checked programs, but it must not panic even on programs the
/// checker rejected (error types, unresolved names): it reports errors instead.
#[test]
fn lowering_never_panics_even_on_rejected_programs() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/ui");
    let mut files = Vec::new();
    all_ui_files(std::path::Path::new(root), &mut files);
    let mut n = 0;
    for f in &files {
        let Ok(a) = janusc::analyze(f) else { continue };
        let (Some(program), Some(checked)) = (&a.program, &a.checked) else {
            continue;
        };
        n += 1;
        if let Ok(ir) = janus_ir::lower_program(program, checked) {
            // Whatever was lowered can at least be printed and verified without panicking.
            let _ = janus_ir::verify(&ir);
            let _ = janus_ir::display(&ir);
        }
    }
    eprintln!("lowered (or refused) {n} UI programs without a panic");
    assert!(n > 400);
}
