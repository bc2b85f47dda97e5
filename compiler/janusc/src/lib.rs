//! `janusc` as a library: the driver of the Janus :cluster compiler and the only place that
//! does IO. `main.rs` is a thin wrapper around [`main_entry`]; tests and benches call [`run`]
//! or [`analyze`] in-process.
//!
//! The front end ([`analyze`]) is shared by every command: resolve the path into a project
//! (manifest + entry), load the modules, check the program. `check` then only reports;
//! `build` will go on to lower what [`Analysis`] holds.

pub mod build;
pub mod cli;
pub mod json;
pub mod link;
pub mod loader;
pub mod project;
pub mod render;
pub mod run;
pub mod source_map;
pub mod stdlib;

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use janus_sema::Program;
use janus_syntax::Diagnostic;

use crate::cli::{Command, Format};
use crate::project::Project;
use crate::source_map::SourceMap;

/// A command line that cannot be carried out (bad flag, path not found): exit status 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Everything the front end found out about a program.
#[derive(Debug)]
pub struct Analysis {
    pub sources: SourceMap,
    pub project: Project,
    /// The loaded program; `None` when there was no entry file to start from.
    pub program: Option<Program>,
    /// What the checker found out about `program` (types and definitions, for lowering); its
    /// diagnostics have been moved into [`Analysis::diagnostics`].
    pub checked: Option<janus_sema::Checked>,
    /// Every diagnostic of every phase, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Runs the front end on the path a user typed: manifest, modules, parsing, checking.
pub fn analyze(path: &str) -> Result<Analysis, UsageError> {
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let project = project::open(path, &mut sources, &mut diagnostics)?;
    let mut program = None;
    let mut checked_program = None;
    if let Some(entry) = project.entry {
        let (loaded, load_diags) =
            loader::load_program(&mut sources, entry, &project.root, &project.root_display);
        diagnostics.extend(load_diags);
        let mut checked = janus_sema::check_program(&loaded, project.manifest.as_ref());
        // With a janus.toml that could not be used, "no janus.toml found" would mislead: the
        // manifest's own errors say what is wrong.
        let broken_manifest = project.manifest_found && project.manifest.is_none();
        diagnostics.extend(
            std::mem::take(&mut checked.diagnostics)
                .into_iter()
                .filter(|d| !(broken_manifest && d.code == "W1001")),
        );
        program = Some(loaded);
        checked_program = Some(checked);
    }
    sort(&mut diagnostics);
    Ok(Analysis {
        sources,
        project,
        program,
        checked: checked_program,
        diagnostics,
    })
}

/// File order: diagnostics without a place first, then by file (in load order: manifest,
/// entry, imports) and position. The sort is stable, so ties keep the order they were found.
fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by_key(|d| d.primary_span().map(|s| (s.file, s.lo, s.hi)));
}

/// Runs a command line (the arguments after the program name). Human diagnostics go to
/// `stderr`, JSON and help to `stdout`. Returns the exit status: 0 success (warnings allowed),
/// 1 errors in the program, 2 usage errors.
pub fn run(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write, color: bool) -> i32 {
    // Write failures (a closed pipe) cannot be reported anywhere; the exit status still tells.
    let command = match cli::parse(args) {
        Ok(c) => c,
        Err(UsageError(message)) => {
            let _ = writeln!(stderr, "error: {message}\n\nRun `janusc --help` for usage.");
            return 2;
        }
    };
    match command {
        Command::Help(text) => {
            let _ = stdout.write_all(text.as_bytes());
            0
        }
        Command::Version => {
            let _ = writeln!(stdout, "janusc {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Command::Check { path, format } => check(&path, format, stdout, stderr, color),
        Command::Build(args) => build::build(&args, stderr, color),
    }
}

fn check(
    path: &str,
    format: Format,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    color: bool,
) -> i32 {
    let analysis = match analyze(path) {
        Ok(a) => a,
        Err(UsageError(message)) => {
            let _ = writeln!(stderr, "error: {message}");
            return 2;
        }
    };
    match format {
        Format::Json => {
            let _ = writeln!(
                stdout,
                "{}",
                json::to_string(&analysis.sources, &analysis.diagnostics)
            );
        }
        Format::Human => {
            let name = &analysis.project.name;
            let _ = render::render(
                stderr,
                &analysis.sources,
                &analysis.diagnostics,
                name,
                "check",
                color,
            );
        }
    }
    let status = if analysis.has_errors() { 1 } else { 0 };
    if PROCESS_EXITS_AFTER_RUN.load(Ordering::Relaxed) {
        // Freeing a large program's AST and tables node by node takes about a sixth of the
        // whole check; the process is about to exit and the OS takes the memory back at once.
        std::mem::forget(analysis);
    }
    status
}

/// Set by [`main_entry`]: the process exits as soon as [`run`] returns. In-process callers
/// (tests, benches) leave it unset, so nothing leaks there.
static PROCESS_EXITS_AFTER_RUN: AtomicBool = AtomicBool::new(false);

/// Whether the process exits right after [`run`] (then big structures need not be freed).
pub(crate) fn process_exits_after_run() -> bool {
    PROCESS_EXITS_AFTER_RUN.load(Ordering::Relaxed)
}

/// Whether to colour output written to stderr: only on a terminal, never with `NO_COLOR` set.
pub fn stderr_wants_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// The process entry point: real arguments, stdout, stderr and terminal detection.
pub fn main_entry() -> i32 {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let color = stderr_wants_color();
    // Relaxed suffices: set once on this thread before `run` reads it on the same thread.
    PROCESS_EXITS_AFTER_RUN.store(true, Ordering::Relaxed);
    let status = run(
        &args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
        color,
    );
    let _ = std::io::stdout().flush();
    status
}
