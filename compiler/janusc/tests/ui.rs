//! The UI test runner (`harness = false`): checks every program under `tests/ui` with the real
//! `janusc` binary and compares its diagnostics with the `//~ CODE` annotations in the sources
//! (exactly, both ways), its exit status with the one the annotations imply, and its rendered
//! output with the `.stderr` snapshot. See `tests/ui/README.md` for the layout and the rules.
//!
//! Environment: `JANUS_UI_FILTER=substring` (or a positional argument, as in
//! `cargo test -p janusc --test ui -- types/`) runs only the tests whose path contains it;
//! `JANUS_BLESS=1` rewrites the snapshots. A missing snapshot is written (and the test still
//! checks its annotations), except under `CI`, where it is a failure.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const UI_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/ui");
const JANUSC: &str = env!("CARGO_BIN_EXE_janusc");
/// Directories with this name hold modules imported by tests, not tests.
const AUX_DIR: &str = "aux";
const NO_MANIFEST_DIR: &str = "no_manifest";
/// A janusc run taking longer than this is a failure (a hang, not a slow machine).
const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug)]
struct Test {
    /// Path relative to `tests/ui` (`types/mismatch.jan`, `driver/bad_manifest/`).
    name: String,
    /// The `.jan` file, or the project directory.
    path: PathBuf,
    project: bool,
}

/// One expected or produced diagnostic: file (as janusc displays it, relative to the test's
/// working directory), 1-based line, code.
type Key = (String, usize, String);

/// A test's outcome: notes to print when it passed, or why it failed.
type Outcome = Result<Vec<String>, String>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Enough of libtest's protocol for `cargo nextest` to list and run this suite as one test.
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            println!("ui: test");
        }
        return;
    }
    // The filter: JANUS_UI_FILTER, else a positional argument (`cargo test -p janusc types/`),
    // except `ui` itself, which is how nextest names this suite.
    let mut positional = None;
    let mut rest = args.iter();
    while let Some(a) = rest.next() {
        if [
            "--test-threads",
            "--format",
            "--skip",
            "--color",
            "--logfile",
            "-Z",
            "--shuffle-seed",
        ]
        .contains(&a.as_str())
        {
            rest.next();
        } else if !a.starts_with('-') && a != "ui" && positional.is_none() {
            positional = Some(a.clone());
        }
    }
    let filter = std::env::var("JANUS_UI_FILTER")
        .ok()
        .filter(|f| !f.is_empty())
        .or(positional);
    // No tests/ui directory at all is the same as an empty one: zero tests.
    let root = Path::new(UI_DIR)
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(UI_DIR));
    let mut tests = Vec::new();
    discover(&root, &root, &mut tests);
    tests.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(f) = &filter {
        tests.retain(|t| t.name.contains(f.as_str()));
    }
    if tests.is_empty() {
        println!(
            "no UI tests found under {}{}",
            root.display(),
            filter
                .map(|f| format!(" matching `{f}`"))
                .unwrap_or_default()
        );
        println!("0 passed, 0 failed");
        return;
    }
    println!("running {} UI tests", tests.len());
    let results: Vec<Mutex<Option<Outcome>>> = tests.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(test) = tests.get(i) else { break };
                    let outcome = run_test(&root, test);
                    if let Ok(mut slot) = results[i].lock() {
                        *slot = Some(outcome);
                    }
                }
            });
        }
    });
    let (mut passed, mut failed) = (0, 0);
    let mut failures = Vec::new();
    for (test, slot) in tests.iter().zip(&results) {
        let outcome = slot
            .lock()
            .ok()
            .and_then(|mut s| s.take())
            .unwrap_or_else(|| Err("the test did not run".into()));
        match outcome {
            Ok(notes) => {
                passed += 1;
                println!("test {} ... ok", test.name);
                for n in notes {
                    println!("    note: {n}");
                }
            }
            Err(why) => {
                failed += 1;
                println!("test {} ... FAILED", test.name);
                failures.push((test.name.clone(), why));
            }
        }
    }
    if !failures.is_empty() {
        println!("\nfailures:\n");
        for (name, why) in &failures {
            println!("---- {name} ----\n{why}\n");
        }
        println!("failed tests:");
        for (name, _) in &failures {
            println!("    {name}");
        }
        println!(
            "\nrerun one with JANUS_UI_FILTER=<part of its path>; bless snapshots with JANUS_BLESS=1"
        );
    }
    println!(
        "\ntest result: {}. {passed} passed; {failed} failed",
        if failed == 0 { "ok" } else { "FAILED" }
    );
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}

/// Collects the tests under `dir`: `.jan` files, and directories with a `janus.toml` as one
/// test each. `aux` directories hold imported modules and are skipped.
fn discover(root: &Path, dir: &Path, out: &mut Vec<Test>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let rel = path.strip_prefix(root).map(slash_path).unwrap_or_default();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == AUX_DIR) {
                continue;
            }
            if path.join("janus.toml").is_file() {
                out.push(Test {
                    name: format!("{rel}/"),
                    path,
                    project: true,
                });
            } else {
                discover(root, &path, out);
            }
        } else if path.extension().is_some_and(|e| e == "jan") {
            out.push(Test {
                name: rel,
                path,
                project: false,
            });
        }
    }
}

/// A relative path with `/` separators and no `.` components.
fn slash_path(p: &Path) -> String {
    p.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The annotations of one file: (1-based line, code). `//~` (or `#~`) at the end of a line
/// names codes expected on that line; each `^` right after it moves one line up.
fn annotations(text: &str, toml: bool) -> Result<Vec<(usize, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let found = if toml {
            line.find("#~").map(|p| (p, 2))
        } else {
            match (line.find("//~"), line.find("#~")) {
                (Some(a), Some(b)) if b < a => Some((b, 2)),
                (Some(a), _) => Some((a, 3)),
                (None, Some(b)) => Some((b, 2)),
                (None, None) => None,
            }
        };
        let Some((pos, len)) = found else { continue };
        let rest = &line[pos + len..];
        let carets = rest.chars().take_while(|c| *c == '^').count();
        let rest = &rest[carets..];
        let codes: Vec<&str> = rest.split_whitespace().take_while(|w| is_code(w)).collect();
        if codes.is_empty() {
            return Err(format!(
                "line {}: annotation without a diagnostic code: `{}`",
                i + 1,
                line.trim()
            ));
        }
        let Some(target) = (i + 1).checked_sub(carets).filter(|t| *t >= 1) else {
            return Err(format!(
                "line {}: annotation points above the first line",
                i + 1
            ));
        };
        out.extend(codes.into_iter().map(|c| (target, c.to_string())));
    }
    Ok(out)
}

fn is_code(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 5 && (b[0] == b'E' || b[0] == b'W') && b[1..].iter().all(u8::is_ascii_digit)
}

fn is_annotated_file(p: &Path) -> Option<bool> {
    if p.extension().is_some_and(|e| e == "jan") {
        Some(false)
    } else if p.file_name().is_some_and(|n| n == "janus.toml") {
        Some(true)
    } else {
        None
    }
}

/// The test's own files, relative to the directory janusc runs in, with their annotations.
fn own_annotations(test: &Test, cwd: &Path, subject: &Path) -> Result<Vec<Key>, String> {
    let mut files = Vec::new();
    if test.project {
        collect_files(subject, &mut files);
    } else {
        files.push(subject.to_path_buf());
    }
    let mut keys = Vec::new();
    for f in files {
        let Some(toml) = is_annotated_file(&f) else {
            continue;
        };
        let text =
            std::fs::read_to_string(&f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        let rel = slash_path(f.strip_prefix(cwd).unwrap_or(&f));
        for (line, code) in annotations(&text, toml).map_err(|e| format!("{rel}: {e}"))? {
            keys.push((rel.clone(), line, code));
        }
    }
    Ok(keys)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Copies a directory tree (used to move `no_manifest` tests away from every janus.toml).
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

fn janusc(cwd: &Path, arg: &str, json: bool) -> Result<Run, String> {
    let mut cmd = Command::new(JANUSC);
    cmd.arg("check");
    if json {
        cmd.args(["--format", "json"]);
    }
    let mut child = cmd
        .arg(arg)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {JANUSC}: {e}"))?;
    // Read both pipes on their own threads (a full pipe would block the child), and give up
    // on a janusc that hangs instead of hanging the whole suite.
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "janusc did not finish within {}s",
                    TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("cannot wait for janusc: {e}")),
        }
    };
    Ok(Run {
        status: status.code(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

/// Removes the directory it names when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run_test(root: &Path, test: &Test) -> Outcome {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let mut notes = Vec::new();
    let file_name = test
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = test.path.parent().unwrap_or(root).to_path_buf();
    // `no_manifest` tests run from a copy in a fresh temporary directory, so that no janus.toml
    // is found above them.
    let mut _temp = None;
    let cwd = if test.name.starts_with(&format!("{NO_MANIFEST_DIR}/")) {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("janus-ui-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(&parent, &dir)
            .map_err(|e| format!("cannot copy the test to {}: {e}", dir.display()))?;
        _temp = Some(TempDir(dir.clone()));
        dir
    } else {
        parent.clone()
    };
    let subject = cwd.join(&file_name);
    let expected = own_annotations(test, &cwd, &subject)?;

    let json_run = janusc(&cwd, &file_name, true)?;
    let human_run = janusc(&cwd, &file_name, false)?;
    for run in [&json_run, &human_run] {
        if !matches!(run.status, Some(0 | 1)) {
            return Err(format!(
                "janusc crashed or refused the test (exit status {:?}):\n{}",
                run.status, run.stderr
            ));
        }
    }
    let doc: serde_json::Value = serde_json::from_str(&json_run.stdout).map_err(|e| {
        format!(
            "--format json printed invalid JSON ({e}):\n{}",
            json_run.stdout
        )
    })?;
    let mut produced: Vec<(Key, String)> = Vec::new();
    for d in doc["diagnostics"].as_array().into_iter().flatten() {
        let code = d["code"].as_str().unwrap_or("?").to_string();
        let file = d["file"]
            .as_str()
            .map(|f| slash_path(Path::new(f)))
            .unwrap_or_else(|| "<no file>".into());
        let line = d["line"].as_u64().unwrap_or(0) as usize;
        let message = d["message"].as_str().unwrap_or("").to_string();
        produced.push(((file, line, code), message));
    }

    // Diagnostics in files that are not the test's own (an `aux` module, the shared
    // janus.toml, the standard library) must be annotated there; they are not required.
    let own_files: Vec<String> = expected.iter().map(|k| k.0.clone()).collect();
    let is_own = |f: &str| {
        own_files.iter().any(|o| o == f)
            || if test.project {
                f.starts_with(&format!("{file_name}/"))
            } else {
                f == file_name
            }
    };
    let mut foreign_cache: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    let mut expected_all = expected.clone();
    for ((file, _, _), _) in &produced {
        if is_own(file) || foreign_cache.contains_key(file) {
            continue;
        }
        let path = cwd.join(file);
        let anns = match std::fs::read_to_string(&path) {
            Ok(text) => {
                annotations(&text, is_annotated_file(&path) == Some(true)).unwrap_or_default()
            }
            Err(_) => Vec::new(),
        };
        expected_all.extend(anns.iter().map(|(l, c)| (file.clone(), *l, c.clone())));
        foreign_cache.insert(file.clone(), anns);
    }

    let mut problems = Vec::new();
    let mut unmatched_expected = expected_all.clone();
    let mut unexpected = Vec::new();
    for (key, message) in &produced {
        if let Some(i) = unmatched_expected.iter().position(|k| k == key) {
            unmatched_expected.swap_remove(i);
        } else {
            unexpected.push(format!("  {}:{}: {} {}", key.0, key.1, key.2, message));
        }
    }
    // Annotations of foreign files are only checked when produced (other tests import them).
    unmatched_expected.retain(|k| is_own(&k.0) || expected.contains(k));
    if !unexpected.is_empty() {
        problems.push(format!(
            "diagnostics produced but not annotated:\n{}",
            unexpected.join("\n")
        ));
    }
    if !unmatched_expected.is_empty() {
        unmatched_expected.sort();
        let list: Vec<String> = unmatched_expected
            .iter()
            .map(|k| format!("  {}:{}: {}", k.0, k.1, k.2))
            .collect();
        problems.push(format!("annotated but not produced:\n{}", list.join("\n")));
    }
    let expect_error = expected_all
        .iter()
        .any(|k| k.2.starts_with('E') && (is_own(&k.0) || produced.iter().any(|(p, _)| p == k)));
    let want_status = if expect_error { 1 } else { 0 };
    for (what, run) in [("--format json", &json_run), ("human", &human_run)] {
        if run.status != Some(want_status) {
            problems.push(format!(
                "exit status {:?} with {what} output, expected {want_status}",
                run.status
            ));
        }
    }

    // The rendered output against the snapshot.
    let snapshot = if test.project {
        test.path.join("expected.stderr")
    } else {
        test.path.with_extension("stderr")
    };
    let actual = &human_run.stderr;
    let bless = std::env::var("JANUS_BLESS").is_ok_and(|v| v == "1");
    match std::fs::read_to_string(&snapshot) {
        Ok(want) if !bless => {
            if want != *actual {
                problems.push(format!(
                    "output differs from {} (- snapshot, + actual):\n{}",
                    rel_to(root, &snapshot),
                    diff(&want, actual)
                ));
            }
        }
        Ok(_) => {
            // Blessing: rewrite, or remove a snapshot of what is now clean output.
            let r = if actual.is_empty() {
                std::fs::remove_file(&snapshot)
            } else {
                std::fs::write(&snapshot, actual)
            };
            r.map_err(|e| format!("cannot bless {}: {e}", snapshot.display()))?;
            notes.push(format!("blessed {}", rel_to(root, &snapshot)));
        }
        Err(_) if actual.is_empty() => {}
        Err(_) if !bless && std::env::var_os("CI").is_some() => {
            problems.push(format!(
                "snapshot {} is missing; run the UI tests with JANUS_BLESS=1 and commit it",
                rel_to(root, &snapshot)
            ));
        }
        Err(_) => {
            std::fs::write(&snapshot, actual)
                .map_err(|e| format!("cannot write {}: {e}", snapshot.display()))?;
            notes.push(format!("wrote new snapshot {}", rel_to(root, &snapshot)));
        }
    }
    if problems.is_empty() {
        Ok(notes)
    } else {
        Err(problems.join("\n"))
    }
}

fn rel_to(root: &Path, p: &Path) -> String {
    format!("tests/ui/{}", slash_path(p.strip_prefix(root).unwrap_or(p)))
}

/// A line diff (longest common subsequence) marking removed lines `-` and added lines `+`,
/// with unchanged lines as context.
fn diff(want: &str, got: &str) -> String {
    let a: Vec<&str> = want.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    // Very long outputs: show both sides rather than spend quadratic memory.
    if a.len() * b.len() > 4_000_000 {
        return format!("--- snapshot\n{want}\n+++ actual\n{got}");
    }
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    if want.ends_with('\n') != got.ends_with('\n') {
        out.push_str("(the two differ in the final newline)\n");
    }
    out
}
