//! `janus run` as users meet it: it builds a program into `.janus/build/<hash>/`, runs it with
//! the arguments after `--`, passes its stdout and exit status through, does not rebuild an
//! unchanged program, rebuilds an edited one, keeps only the newest few cache entries, and
//! refuses what it cannot do yet. Runs the real binary on copies of `tests/run` programs in
//! temporary directories (never in the repository).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

const JANUS: &str = env!("CARGO_BIN_EXE_janus");
const JANUSC: &str = env!("CARGO_BIN_EXE_janusc");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh directory under the system's temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "janus-run-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        Scratch(dir)
    }

    /// Copies `rel` (relative to the repository) into the scratch directory; returns the copy.
    fn copy(&self, rel: &str) -> PathBuf {
        let from = repo().join(rel);
        let to = self.0.join(from.file_name().expect("a file name"));
        std::fs::copy(&from, &to).expect("copy a program");
        to
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn janus(args: &[&str], path: &Path, after: &[&str]) -> Output {
    let mut c = Command::new(JANUS);
    c.args(args).arg(path);
    if !after.is_empty() {
        c.arg("--").args(after);
    }
    c.env("NO_COLOR", "1").output().expect("run janus")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The cached executables `janus run` wrote for `stem` under `dir`.
fn cached(dir: &Path, stem: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join(".janus/build")) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path().join(stem))
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn mtime(p: &Path) -> SystemTime {
    p.metadata().and_then(|m| m.modified()).expect("mtime")
}

#[test]
fn runs_programs_with_their_stdout_and_exit_status() {
    for name in ["arith_basic", "assert_fail", "div_zero"] {
        let s = Scratch::new();
        let src = s.copy(&format!("tests/run/{name}.jan"));
        let expected =
            std::fs::read_to_string(repo().join(format!("tests/run/{name}.stdout"))).unwrap();
        let exit = std::fs::read_to_string(&src)
            .unwrap()
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("// expect-exit:")
                    .map(|n| n.trim().to_string())
            })
            .map(|n| n.parse::<i32>().unwrap())
            .unwrap_or(0);
        let out = janus(&["run"], &src, &[]);
        assert_eq!(
            text(&out.stdout),
            expected,
            "{name}: stderr {}",
            text(&out.stderr)
        );
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{name}: stderr {}",
            text(&out.stderr)
        );
        assert_eq!(cached(&s.0, name).len(), 1, "{name}: one cache entry");
    }
}

#[test]
fn second_run_is_cached_and_an_edit_rebuilds() {
    let s = Scratch::new();
    let src = s.copy("tests/run/builtins.jan");
    let first = janus(&["run", "-v"], &src, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("janus: built `builtins`"),
        "{}",
        text(&first.stderr)
    );
    let exes = cached(&s.0, "builtins");
    assert_eq!(exes.len(), 1);
    let built_at = mtime(&exes[0]);

    let second = janus(&["run", "-v"], &src, &[]);
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(second.stdout, first.stdout);
    assert!(
        text(&second.stderr).contains("is up to date"),
        "{}",
        text(&second.stderr)
    );
    assert!(
        !text(&second.stderr).contains("janus: built"),
        "{}",
        text(&second.stderr)
    );
    assert_eq!(cached(&s.0, "builtins"), exes);
    assert_eq!(
        mtime(&exes[0]),
        built_at,
        "the cached executable was rewritten"
    );

    // An edit changes the hash: a new entry, and the new program runs.
    let edited = std::fs::read_to_string(&src)
        .unwrap()
        .replace("println(args())", "println(42)");
    std::fs::write(&src, edited).unwrap();
    let third = janus(&["run", "-v"], &src, &[]);
    assert_eq!(third.status.code(), Some(0), "{}", text(&third.stderr));
    assert!(
        text(&third.stderr).contains("janus: built `builtins`"),
        "{}",
        text(&third.stderr)
    );
    assert!(
        text(&third.stdout).starts_with("42\n"),
        "{}",
        text(&third.stdout)
    );
    assert_eq!(cached(&s.0, "builtins").len(), 2);

    // `--release` is part of the key too.
    let release = janus(&["run", "--release", "-v"], &src, &[]);
    assert!(
        text(&release.stderr).contains("janus: built"),
        "{}",
        text(&release.stderr)
    );
    assert_eq!(release.stdout, third.stdout);
}

#[test]
fn only_the_newest_entries_are_kept() {
    let s = Scratch::new();
    let src = s.copy("tests/run/arith_basic.jan");
    let original = std::fs::read_to_string(&src).unwrap();
    for i in 0..5 {
        std::fs::write(&src, format!("{original}\n// edit {i}\n")).unwrap();
        let out = janus(&["run"], &src, &[]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
    assert_eq!(cached(&s.0, "arith_basic").len(), 3);
    // The newest one is among them: running again is up to date.
    let again = janus(&["run", "-v"], &src, &[]);
    assert!(
        text(&again.stderr).contains("is up to date"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn arguments_after_the_separator_reach_the_program() {
    let s = Scratch::new();
    let src = s.copy("tests/run/builtins.jan");
    let out = janus(&["run"], &src, &["one", "two words", "--release"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let first = text(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(first, r#"["one", "two words", "--release"]"#);
}

#[test]
fn refusals_match_janusc_build() {
    let s = Scratch::new();
    // Actors cannot be compiled yet; a program with errors is refused with its diagnostics.
    let actors = s.copy("examples/bank.jan");
    let broken = s.0.join("broken.jan");
    std::fs::write(&broken, "func main() do\n    let x: Int = \"a\"\nend\n").unwrap();
    for src in [&actors, &broken] {
        let run = janus(&["run"], src, &[]);
        let build = Command::new(JANUSC)
            .arg("build")
            .arg(src)
            .arg("-o")
            .arg(s.0.join("out"))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
        assert_eq!(run.status.code(), build.status.code());
        assert_eq!(text(&run.stderr), text(&build.stderr));
        assert!(run.stdout.is_empty());
    }
    assert!(cached(&s.0, "bank").is_empty() && cached(&s.0, "broken").is_empty());
    let missing = janus(&["run"], &s.0.join("nope.jan"), &[]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn cluster_and_node_are_not_available_yet() {
    let s = Scratch::new();
    let src = s.copy("tests/run/builtins.jan");
    for flag in ["--cluster", "--node"] {
        let out = janus(&["run", flag], &src, &[]);
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("`janus run {flag}` is not available yet")),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    assert!(cached(&s.0, "builtins").is_empty());
}

#[test]
fn janus_test_reports_each_test_and_fails_when_one_fails() {
    let dir = Scratch::new();
    let prog = dir.copy("tests/janus_test/math.jan");
    let out = janus(&["test"], &prog, &[]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    for line in [
        "running 4 tests",
        "test adds small numbers ... ok",
        "test catches a wrong sum ... FAILED",
        "test overflows ... FAILED",
        "test asks an actor ... ok",
        "assertion failed: 2 + 2 is not 5 at ",
        "integer overflow at ",
        "test result: FAILED. 2 passed; 2 failed; 0 filtered out;",
    ] {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }
    assert!(!stdout.contains("main is not a test"), "{stdout}");

    // Filters select by name; all selected pass.
    let out = janus(&["test"], &prog, &["adds", "actor"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("test result: ok. 2 passed; 0 failed; 2 filtered out;"),
        "{stdout}"
    );
    // The test executable is cached apart from the program's own.
    assert_eq!(cached(&dir.0, "math-tests").len(), 1);
    assert!(cached(&dir.0, "math").is_empty());
}

#[test]
fn help_and_version() {
    let help = Command::new(JANUS).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("Usage: janus run"));
    let version = Command::new(JANUS).arg("--version").output().unwrap();
    assert_eq!(
        text(&version.stdout),
        format!("janus {}\n", env!("CARGO_PKG_VERSION"))
    );
    let none = Command::new(JANUS).output().unwrap();
    assert_eq!(none.status.code(), Some(2));
}
