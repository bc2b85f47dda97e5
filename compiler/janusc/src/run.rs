//! `janus run`: build a program into a per-program cache directory when its inputs changed,
//! then replace this process with it (dialect §9). One node only for now. `janus test` does
//! the same with the executable of the program's `test` blocks (`janusc build --tests`).
//!
//! The cache is `<root>/.janus/build/<hash>/<stem>`, where `<root>` is the directory of the
//! program's `janus.toml` (or of the `.jan` file when there is none) and `<hash>` is a SipHash
//! (std's `DefaultHasher`, fixed keys) of everything that decides the executable: every loaded
//! source (path and text, the embedded std modules included), the `--release` flag, and the
//! path, size and modification time of both the running `janus` executable (it contains the
//! compiler) and the runtime library it links with. Those two are 40–100 MB, so hashing their
//! bytes would cost tens of milliseconds per run; size + mtime + path changes on every rebuild
//! or reinstall. Not hashed: the system `cc` (a different C toolchain reuses old entries).
//! The newest [`KEEP`] entries per program stem are kept, older ones are deleted after a build.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cli::BuildArgs;
use crate::project::MANIFEST_FILE;
use crate::source_map::Origin;
use crate::{UsageError, analyze, render};

/// How many cached executables of one program stay on disk.
pub const KEEP: usize = 3;

pub const HELP: &str = "\
janus: build and run Janus :cluster programs

Usage: janus run [--release] [-v] [path] [-- args...]
       janus test [--release] [-v] [path] [-- filters...]

Commands:
  run [path]      build the program if its sources changed, then run it on one node
  test [path]     build the program's `test` blocks the same way and run them, reporting
                  each; filters select the tests whose name contains one of them

Arguments:
  [path]          a directory with a janus.toml, or a .jan file (default: `.`)
  [args...]       everything after `--` is passed to the program (`args()`)
  [filters...]    `janus test`: run only tests whose name contains one of them

Options:
  --release       optimize the generated code
  -v, --verbose   say whether the cached executable was up to date, and where it is
  -h, --help      print this help
  -V, --version   print the version

Executables are cached in `.janus/build/` beside the program's janus.toml (or .jan file);
the newest three per program are kept, and deleting `.janus/build` is always safe.
`janus run --cluster` and `janus run --node` are not available yet.
Exit status: the program's own (`janus test`: 0 when every test passed); 1 on errors in
the program, 2 on usage errors.
";

/// `janus run [--release] [-v] [path] [-- args]` and `janus test` (same form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunArgs {
    pub path: String,
    pub args: Vec<String>,
    pub release: bool,
    pub verbose: bool,
    /// `janus test`: build and run the `test` blocks instead of `main`.
    pub tests: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Run(RunArgs),
}

/// Parses the arguments after `janus`.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((first, rest)) = args.split_first() else {
        return Err(UsageError("no command given; try `janus run`".into()));
    };
    match first.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help),
        "-V" | "--version" => Ok(Command::Version),
        "run" => parse_run(rest, false),
        "test" => parse_run(rest, true),
        other if other.starts_with('-') => Err(UsageError(format!("unknown option `{other}`"))),
        other => {
            let hint = match crate::loader::did_you_mean(other, ["run", "test", "help"]) {
                Some(c) => format!("; did you mean `{c}`?"),
                None => String::new(),
            };
            Err(UsageError(format!("unknown command `{other}`{hint}")))
        }
    }
}

fn parse_run(args: &[String], tests: bool) -> Result<Command, UsageError> {
    let mut r = RunArgs {
        path: ".".into(),
        args: Vec::new(),
        release: false,
        verbose: false,
        tests,
    };
    let mut path: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        if arg == "--" {
            r.args = args[i..].to_vec();
            break;
        }
        if arg.starts_with('-') && arg != "-" {
            match arg {
                "-h" | "--help" => return Ok(Command::Help),
                "--release" => r.release = true,
                "-v" | "--verbose" => r.verbose = true,
                _ if arg == "--cluster" || arg.starts_with("--cluster=") => {
                    return Err(not_yet("--cluster"));
                }
                _ if arg == "--node"
                    || arg.starts_with("--node=")
                    || arg == "--join"
                    || arg.starts_with("--join=") =>
                {
                    return Err(not_yet(arg.split('=').next().unwrap_or(arg)));
                }
                _ => {
                    return Err(UsageError(format!(
                        "unknown option `{arg}` for `janus run` (arguments for the program go \
                         after `--`)"
                    )));
                }
            }
            continue;
        }
        if let Some(first) = &path {
            return Err(UsageError(format!(
                "`janus run` takes one path, got `{first}` and `{arg}`; arguments for the \
                 program go after `--`"
            )));
        }
        path = Some(arg.to_string());
    }
    if let Some(p) = path {
        r.path = p;
    }
    Ok(Command::Run(r))
}

fn not_yet(flag: &str) -> UsageError {
    UsageError(format!(
        "`janus run {flag}` is not available yet: only single-node runs (`janus run [path]`) \
         are supported"
    ))
}

/// The executable to run, or the exit status to stop with (diagnostics already written).
pub fn prepare(args: &RunArgs, stderr: &mut dyn Write, color: bool) -> Result<PathBuf, i32> {
    let t0 = Instant::now();
    let analysis = match analyze(&args.path) {
        Ok(a) => a,
        Err(UsageError(message)) => {
            let _ = writeln!(stderr, "error: {message}");
            return Err(2);
        }
    };
    if analysis.has_errors() || analysis.program.is_none() {
        // Exactly what `janusc build` reports for it.
        let _ = render::render(
            stderr,
            &analysis.sources,
            &analysis.diagnostics,
            &analysis.project.name,
            "build",
            color,
        );
        if !analysis.has_errors() {
            let _ = writeln!(stderr, "error: no entry file to build");
        }
        return Err(1);
    }
    let runtime = match crate::link::find_runtime() {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(stderr, "error: {}", e.message);
            return Err(e.status);
        }
    };
    let mut h = DefaultHasher::new();
    "janus-run-cache-v1".hash(&mut h);
    args.release.hash(&mut h);
    args.tests.hash(&mut h);
    for (_, file) in analysis.sources.files() {
        match &file.origin {
            Origin::Disk(p) => (0u8, p).hash(&mut h),
            Origin::Std(name) => (1u8, name).hash(&mut h),
        }
        file.text.hash(&mut h);
    }
    hash_file_identity(std::env::current_exe().ok().as_deref(), &mut h);
    hash_file_identity(Some(&runtime), &mut h);
    let hash = format!("{:016x}", h.finish());

    let entry = analysis
        .project
        .entry
        .and_then(|id| analysis.sources.get(id));
    let stem = entry
        .and_then(|f| match &f.origin {
            Origin::Disk(p) => p.file_stem(),
            Origin::Std(_) => None,
        })
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "main".to_string());
    let stem = if args.tests {
        format!("{stem}-tests")
    } else {
        stem
    };
    // The manifest's directory when there is one, else the entry file's directory.
    let root = analysis
        .sources
        .files()
        .find_map(|(_, f)| match &f.origin {
            Origin::Disk(p) if p.file_name().is_some_and(|n| n == MANIFEST_FILE) => {
                p.parent().map(Path::to_path_buf)
            }
            _ => None,
        })
        .unwrap_or_else(|| analysis.project.root.clone());
    let root = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    };
    let cache = root.join(".janus").join("build");
    let dir = cache.join(&hash);
    let exe = dir.join(&stem);
    if exe.is_file() {
        if args.verbose {
            let _ = writeln!(
                stderr,
                "janus: `{stem}` is up to date ({}, checked in {:.1} ms)",
                exe.display(),
                t0.elapsed().as_secs_f64() * 1e3
            );
        }
        return Ok(exe);
    }
    if let Err(e) = std::fs::create_dir_all(&dir) {
        let _ = writeln!(
            stderr,
            "error: cannot create the cache `{}`: {e}",
            dir.display()
        );
        return Err(1);
    }
    // Built under a private name and renamed into place, so that a concurrent `janus run` of
    // the same program never executes a half-written file.
    let tmp = dir.join(format!(".{stem}.tmp-{}", std::process::id()));
    let build_args = BuildArgs {
        path: args.path.clone(),
        out: Some(tmp.to_string_lossy().into_owned()),
        release: args.release,
        timings: args.verbose,
        entry: if args.tests {
            janus_codegen::Entry::Tests
        } else {
            janus_codegen::Entry::Main
        },
    };
    // `build` runs the front end again (a few ms for ordinary programs, only when building) and
    // reports its diagnostics, warnings included, exactly as `janusc build` does.
    let status = crate::build::build(&build_args, stderr, color);
    if status != 0 {
        let _ = std::fs::remove_file(&tmp);
        return Err(status);
    }
    if let Err(e) = std::fs::rename(&tmp, &exe) {
        let _ = writeln!(stderr, "error: cannot write `{}`: {e}", exe.display());
        let _ = std::fs::remove_file(&tmp);
        return Err(1);
    }
    if args.verbose {
        let _ = writeln!(
            stderr,
            "janus: built `{stem}` ({}, {:.1} ms)",
            exe.display(),
            t0.elapsed().as_secs_f64() * 1e3
        );
    }
    prune(&cache, &stem, &hash);
    if crate::process_exits_after_run() {
        std::mem::forget(analysis);
    }
    Ok(exe)
}

/// A file's path, size and modification time (or that it is missing).
fn hash_file_identity(path: Option<&Path>, h: &mut DefaultHasher) {
    path.hash(h);
    let meta = path.and_then(|p| std::fs::metadata(p).ok());
    meta.as_ref().map(std::fs::Metadata::len).hash(h);
    meta.and_then(|m| m.modified().ok()).hash(h);
}

/// Deletes all but the newest [`KEEP`] cached executables named `stem` (never `current`).
/// Best effort: a cache entry that cannot be deleted only costs disk space.
fn prune(cache: &Path, stem: &str, current: &str) {
    let Ok(entries) = std::fs::read_dir(cache) else {
        return;
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| e.file_name() != current)
        .filter_map(|e| {
            let t = e
                .path()
                .join(stem)
                .metadata()
                .and_then(|m| m.modified())
                .ok()?;
            Some((t, e.path()))
        })
        .collect();
    found.sort_by_key(|b| std::cmp::Reverse(b.0));
    for (_, dir) in found.into_iter().skip(KEEP.saturating_sub(1)) {
        // Only whole entries this program alone occupies: other stems may share a hash dir
        // only by an astronomically unlikely collision, but never delete their files.
        let only_ours = std::fs::read_dir(&dir).is_ok_and(|rd| {
            rd.flatten().all(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n == stem || n.starts_with(&format!(".{stem}.tmp-"))
            })
        });
        if only_ours {
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Replaces this process with the program (Unix), so signals and the exit status pass
/// through unchanged; elsewhere runs it and returns its status.
fn exec(exe: &Path, args: &[String], stderr: &mut dyn Write) -> i32 {
    let mut cmd = std::process::Command::new(exe);
    cmd.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = cmd.exec();
        let _ = writeln!(stderr, "error: cannot run `{}`: {e}", exe.display());
        1
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(s) => s.code().unwrap_or(1),
            Err(e) => {
                let _ = writeln!(stderr, "error: cannot run `{}`: {e}", exe.display());
                1
            }
        }
    }
}

/// The `janus` process entry point; returns the exit status when it does not exec.
pub fn main_entry() -> i32 {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    crate::PROCESS_EXITS_AFTER_RUN.store(true, std::sync::atomic::Ordering::Relaxed);
    let stderr = &mut std::io::stderr().lock();
    match parse(&args) {
        Err(UsageError(message)) => {
            let _ = writeln!(stderr, "error: {message}\n\nRun `janus --help` for usage.");
            2
        }
        Ok(Command::Help) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(HELP.as_bytes());
            let _ = out.flush();
            0
        }
        Ok(Command::Version) => {
            println!("janus {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Ok(Command::Run(r)) => match prepare(&r, stderr, crate::stderr_wants_color()) {
            Ok(exe) => exec(&exe, &r.args, stderr),
            Err(status) => status,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, UsageError> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn run_forms() {
        let Ok(Command::Run(r)) = p(&["run", "a.jan", "-v", "--", "x", "--release"]) else {
            panic!()
        };
        assert_eq!(r.path, "a.jan");
        assert!(r.verbose && !r.release);
        assert_eq!(r.args, ["x", "--release"]);
        let Ok(Command::Run(r)) = p(&["run"]) else {
            panic!()
        };
        assert_eq!(r.path, ".");
        assert!(r.args.is_empty());
        assert_eq!(p(&["--help"]), Ok(Command::Help));
        assert_eq!(p(&["run", "--help"]), Ok(Command::Help));
        assert_eq!(p(&["-V"]), Ok(Command::Version));
        let Ok(Command::Run(r)) = p(&["test", "a.jan", "--", "adds"]) else {
            panic!()
        };
        assert!(r.tests && r.path == "a.jan" && r.args == ["adds"]);
    }

    #[test]
    fn usage_errors() {
        assert!(p(&[]).is_err());
        assert!(p(&["run", "a", "b"]).is_err());
        assert!(p(&["run", "--bogus"]).is_err());
        let Err(UsageError(m)) = p(&["run", "--cluster", "."]) else {
            panic!()
        };
        assert!(
            m.contains("`janus run --cluster` is not available yet"),
            "{m}"
        );
        let Err(UsageError(m)) = p(&["run", "--node=n2"]) else {
            panic!()
        };
        assert!(m.contains("`janus run --node` is not available yet"), "{m}");
        let Err(UsageError(m)) = p(&["runn"]) else {
            panic!()
        };
        assert!(m.contains("did you mean `run`?"), "{m}");
    }
}
