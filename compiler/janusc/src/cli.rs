//! The command line: `janusc <command> [options] [path]`, parsed by hand (a handful of flags do
//! not justify a parser dependency). Every mistake is a [`UsageError`] with a clear message.

use crate::UsageError;
use crate::loader::did_you_mean;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Print this help text on stdout.
    Help(&'static str),
    Version,
    Check {
        path: String,
        format: Format,
    },
    Build(BuildArgs),
}

/// `janusc build [path] [-o out] [--release] [-v]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildArgs {
    pub path: String,
    /// `-o`: the executable to write (default: the entry file's stem in the current directory).
    pub out: Option<String>,
    pub release: bool,
    /// `-v` / `--timings`: print the time of each phase on stderr.
    pub timings: bool,
    /// What the executable runs: `main` (default), the `test` blocks (`--tests`), or the
    /// codec self-test of the program's message protocols (`--codec-selftest`).
    pub entry: janus_codegen::Entry,
}

pub const HELP: &str = "\
janusc: the Janus :cluster compiler

Usage: janusc <command> [options] [path]

Commands:
  check [path]    parse and check a program, print diagnostics, build nothing
  build [path]    compile a program to a native executable (`janusc build --help`)

Options:
  -h, --help      print help (also `janusc check --help`)
  -V, --version   print the version

A path (default `.`) is a directory with a janus.toml (its [package] entry is checked) or a
.jan file (the nearest janus.toml at or above its directory supplies capabilities and nodes).
Exit status: 0 when there are no errors (warnings allowed), 1 on errors, 2 on usage errors.
";

pub const CHECK_HELP: &str = "\
janusc check: parse and check a program, print diagnostics, build nothing

Usage: janusc check [--format human|json] [path]

Arguments:
  [path]          a directory with a janus.toml, or a .jan file (default: `.`)

Options:
  --format human  diagnostics rendered for people, on stderr (the default)
  --format json   one JSON document on stdout:
                  {\"diagnostics\": [...], \"errors\": N, \"warnings\": N}
  -h, --help      print this help

Colour is used only when stderr is a terminal and NO_COLOR is not set.
Exit status: 0 when there are no errors (warnings allowed), 1 on errors, 2 on usage errors.
";

pub const BUILD_HELP: &str = "\
janusc build: compile a program to a native executable

Usage: janusc build [-o out] [--release] [-v] [--tests | --codec-selftest] [path]

Arguments:
  [path]          a directory with a janus.toml, or a .jan file (default: `.`)

Options:
  -o, --output F  the executable to write (default: the entry file's name without `.jan`,
                  in the current directory)
  --release       optimize the generated code
  -v, --timings   print how long each phase took on stderr, as one line
                  `timings parse_check_ms=.. lower_ms=.. codegen_ms=.. link_ms=..`
  --tests         build an executable that runs the program's `test` blocks instead of
                  `main`, reporting each (what `janus test` runs)
  --codec-selftest
                  build an executable that encodes and decodes random values of every
                  message protocol of the program through the wire codec (exit status 1 on
                  any mismatch)
  -h, --help      print this help

The runtime library `libjanus_runtime.a` is taken from the file or directory named by the
JANUS_RUNTIME environment variable, else from beside the janusc executable. Linking uses `cc`.
Exit status: 0 built, 1 errors in the program (diagnostics as for `check`) or a failed link,
2 usage errors or a missing tool or runtime library.
";

const COMMANDS: &[&str] = &["check", "build", "help"];

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let Some((first, rest)) = args.split_first() else {
        return Err(UsageError("no command given; try `janusc check`".into()));
    };
    match first.as_str() {
        "-h" | "--help" | "help" => Ok(Command::Help(match rest.first().map(String::as_str) {
            Some("check") => CHECK_HELP,
            Some("build") => BUILD_HELP,
            _ => HELP,
        })),
        "-V" | "--version" => Ok(Command::Version),
        "check" => parse_check(rest),
        "build" => parse_build(rest),
        other if other.starts_with('-') => Err(UsageError(format!("unknown option `{other}`"))),
        other => {
            let hint = match did_you_mean(other, COMMANDS.iter().copied()) {
                Some(c) => format!("; did you mean `{c}`?"),
                None => String::new(),
            };
            Err(UsageError(format!("unknown command `{other}`{hint}")))
        }
    }
}

fn parse_format(value: Option<&str>) -> Result<Format, UsageError> {
    match value {
        Some("human") => Ok(Format::Human),
        Some("json") => Ok(Format::Json),
        Some(other) => Err(UsageError(format!(
            "unknown format `{other}`: use `--format human` or `--format json`"
        ))),
        None => Err(UsageError(
            "`--format` needs a value: `human` or `json`".into(),
        )),
    }
}

fn parse_check(args: &[String]) -> Result<Command, UsageError> {
    let mut path: Option<String> = None;
    let mut format = Format::Human;
    let mut only_paths = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        if !only_paths && arg.starts_with('-') && arg != "-" {
            match arg {
                "-h" | "--help" => return Ok(Command::Help(CHECK_HELP)),
                "--" => only_paths = true,
                "--format" => {
                    format = parse_format(args.get(i).map(String::as_str))?;
                    i += 1;
                }
                _ => match arg.strip_prefix("--format=") {
                    Some(v) => format = parse_format(Some(v))?,
                    None => {
                        return Err(UsageError(format!(
                            "unknown option `{arg}` for `janusc check`"
                        )));
                    }
                },
            }
            continue;
        }
        if let Some(first) = &path {
            return Err(UsageError(format!(
                "`janusc check` takes one path, got `{first}` and `{arg}`"
            )));
        }
        path = Some(arg.to_string());
    }
    Ok(Command::Check {
        path: path.unwrap_or_else(|| ".".into()),
        format,
    })
}

fn parse_build(args: &[String]) -> Result<Command, UsageError> {
    let mut b = BuildArgs {
        path: ".".into(),
        out: None,
        release: false,
        timings: false,
        entry: janus_codegen::Entry::Main,
    };
    let mut path: Option<String> = None;
    let mut only_paths = false;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].as_str();
        i += 1;
        if !only_paths && arg.starts_with('-') && arg != "-" {
            match arg {
                "-h" | "--help" => return Ok(Command::Help(BUILD_HELP)),
                "--" => only_paths = true,
                "--release" => b.release = true,
                "-v" | "--timings" => b.timings = true,
                "--tests" => b.entry = janus_codegen::Entry::Tests,
                "--codec-selftest" => b.entry = janus_codegen::Entry::CodecSelfTest,
                "-o" | "--output" => {
                    let Some(v) = args.get(i) else {
                        return Err(UsageError(format!("`{arg}` needs a file name")));
                    };
                    b.out = Some(v.clone());
                    i += 1;
                }
                _ => match arg.strip_prefix("--output=") {
                    Some(v) => b.out = Some(v.to_string()),
                    None => {
                        return Err(UsageError(format!(
                            "unknown option `{arg}` for `janusc build`"
                        )));
                    }
                },
            }
            continue;
        }
        if let Some(first) = &path {
            return Err(UsageError(format!(
                "`janusc build` takes one path, got `{first}` and `{arg}`"
            )));
        }
        path = Some(arg.to_string());
    }
    if let Some(p) = path {
        b.path = p;
    }
    Ok(Command::Build(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, UsageError> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn check_forms() {
        assert_eq!(
            p(&["check"]),
            Ok(Command::Check {
                path: ".".into(),
                format: Format::Human
            })
        );
        assert_eq!(
            p(&["check", "a.jan", "--format", "json"]),
            Ok(Command::Check {
                path: "a.jan".into(),
                format: Format::Json
            })
        );
        assert_eq!(
            p(&["check", "--format=human", "d"]),
            Ok(Command::Check {
                path: "d".into(),
                format: Format::Human
            })
        );
        assert_eq!(
            p(&["check", "--", "-odd.jan"]),
            Ok(Command::Check {
                path: "-odd.jan".into(),
                format: Format::Human
            })
        );
        assert_eq!(p(&["check", "--help"]), Ok(Command::Help(CHECK_HELP)));
        assert_eq!(p(&["--version"]), Ok(Command::Version));
        assert_eq!(p(&["help", "check"]), Ok(Command::Help(CHECK_HELP)));
    }

    #[test]
    fn build_forms() {
        let Ok(Command::Build(b)) = p(&["build", "x.jan", "-o", "out", "--release", "-v"]) else {
            panic!()
        };
        assert_eq!(b.path, "x.jan");
        assert_eq!(b.out.as_deref(), Some("out"));
        assert!(b.release && b.timings);
        assert!(p(&["build", "-o"]).is_err());
        assert!(p(&["build", "a", "b"]).is_err());
        assert_eq!(p(&["build", "--help"]), Ok(Command::Help(BUILD_HELP)));
    }

    #[test]
    fn usage_errors() {
        assert!(p(&[]).is_err());
        assert!(p(&["check", "--format"]).is_err());
        assert!(p(&["check", "--format", "xml"]).is_err());
        assert!(p(&["check", "a", "b"]).is_err());
        assert!(p(&["check", "--frmat", "json"]).is_err());
        let Err(UsageError(m)) = p(&["chek"]) else {
            panic!()
        };
        assert!(m.contains("did you mean `check`?"), "{m}");
    }
}
