//! `janusc build`: the front end (as `check`), then lowering to the IR, code generation to an
//! object file, and linking with the runtime into a native executable. Programs with errors
//! are refused with the same diagnostics `check` prints.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::BuildArgs;
use crate::{UsageError, analyze, render};

/// Runs `janusc build`; returns the exit status.
pub fn build(args: &BuildArgs, stderr: &mut dyn Write, color: bool) -> i32 {
    let t0 = Instant::now();
    let analysis = match analyze(&args.path) {
        Ok(a) => a,
        Err(UsageError(message)) => {
            let _ = writeln!(stderr, "error: {message}");
            return 2;
        }
    };
    if !analysis.diagnostics.is_empty() {
        let name = &analysis.project.name;
        let _ = render::render(
            stderr,
            &analysis.sources,
            &analysis.diagnostics,
            name,
            "build",
            color,
        );
    }
    if analysis.has_errors() {
        return 1;
    }
    let (Some(program), Some(checked)) = (&analysis.program, &analysis.checked) else {
        let _ = writeln!(stderr, "error: no entry file to build");
        return 1;
    };
    let t_front = t0.elapsed();
    let t1 = Instant::now();
    let ir = match janus_ir::lower_program(program, checked) {
        Ok(ir) => ir,
        Err(errors) => {
            for e in errors {
                let _ = writeln!(
                    stderr,
                    "error: cannot compile this program yet: {}",
                    e.message
                );
            }
            return 1;
        }
    };
    let t_lower = t1.elapsed();
    let t1 = Instant::now();
    let sources = &analysis.sources;
    let locate = |span: janus_syntax::Span| match sources.locate(span) {
        Some((file, line, col)) => format!("{file}:{line}:{col}"),
        None => "<unknown>".to_string(),
    };
    let opts = janus_codegen::Options {
        optimize: args.release,
        verify: false,
        skip_unsupported: false,
        entry: args.entry,
    };
    let object = match janus_codegen::compile(&ir, &opts, &locate) {
        Ok(o) => o,
        Err(e) => {
            let _ = writeln!(stderr, "error: cannot compile this program yet: {e}");
            return 1;
        }
    };
    let t_codegen = t1.elapsed();
    let entry = analysis
        .project
        .entry
        .and_then(|id| sources.get(id))
        .map(|f| PathBuf::from(&f.display));
    let out = output_path(args, entry.as_deref());
    let t2 = Instant::now();
    let status = match crate::link::link(&object, &out) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(stderr, "error: {}", e.message);
            e.status
        }
    };
    if args.timings {
        // One line of `key=value` words, read by the benchmark suite (benches/suite).
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        let _ = writeln!(
            stderr,
            "timings parse_check_ms={:.1} lower_ms={:.1} codegen_ms={:.1} link_ms={:.1}",
            ms(t_front),
            ms(t_lower),
            ms(t_codegen),
            ms(t2.elapsed())
        );
    }
    if crate::process_exits_after_run() {
        // The process ends right after: freeing the AST, the IR and the object piece by piece
        // would only cost time (tens of milliseconds on a 100,000-line program).
        std::mem::forget(analysis);
        std::mem::forget(ir);
        std::mem::forget(object);
    }
    status
}

/// `-o`, else the entry file's stem in the current directory.
fn output_path(args: &BuildArgs, entry: Option<&Path>) -> PathBuf {
    if let Some(o) = &args.out {
        return PathBuf::from(o);
    }
    let stem = entry
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "a.out".to_string());
    PathBuf::from(stem)
}
