//! The run suite: every `tests/run/*.jan` is compiled by the real `janusc build` and run as a
//! real process. Its stdout must equal the `.stdout` file beside it exactly, its exit status the
//! `// expect-exit: N` line (default 0), and each `// expect-stderr: text` line must occur in its
//! stderr. `JANUS_BLESS=1` writes the `.stdout` files (review them against the dialect!).
//! Prints a diff-like report per failure and a final `N passed, N failed` line.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Expect {
    exit: i32,
    stderr: Vec<String>,
}

fn expectations(src: &str) -> Expect {
    let mut e = Expect {
        exit: 0,
        stderr: Vec::new(),
    };
    for line in src.lines() {
        let l = line.trim();
        if let Some(n) = l.strip_prefix("// expect-exit:") {
            e.exit = n.trim().parse().unwrap_or(-1);
        } else if let Some(t) = l.strip_prefix("// expect-stderr:") {
            e.stderr.push(t.trim().to_string());
        }
    }
    e
}

/// Builds and runs one program; `Err` describes the mismatch.
fn run_one(path: &Path, out_dir: &Path, bless: bool) -> Result<(), String> {
    let src = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let expect = expectations(&src);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let exe = out_dir.join(&stem);
    let build = Command::new(env!("CARGO_BIN_EXE_janusc"))
        .arg("build")
        .arg(path)
        .arg("-o")
        .arg(&exe)
        .output()
        .map_err(|e| format!("cannot run janusc: {e}"))?;
    if !build.status.success() {
        return Err(format!(
            "janusc build failed:\n{}",
            String::from_utf8_lossy(&build.stderr)
        ));
    }
    let run = Command::new(&exe)
        .output()
        .map_err(|e| format!("cannot run the program: {e}"))?;
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    let expected_path = path.with_extension("stdout");
    if bless {
        std::fs::write(&expected_path, &stdout).map_err(|e| format!("cannot bless: {e}"))?;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let mut problems = Vec::new();
    if stdout != expected {
        problems.push(format!(
            "stdout differs\n--- expected\n{expected}--- got\n{stdout}"
        ));
    }
    let code = run.status.code().unwrap_or(-1);
    if code != expect.exit {
        problems.push(format!("exit status {code}, expected {}", expect.exit));
    }
    for want in &expect.stderr {
        if !stderr.contains(want.as_str()) {
            problems.push(format!("stderr lacks `{want}`"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n--- stderr\n{stderr}", problems.join("\n")))
    }
}

/// A runtime library without the ABI version symbol (here: an empty archive) fails the link
/// with exit status 1 and a message naming the symbol and the fix.
fn stale_runtime(out_dir: &Path) -> Result<(), String> {
    let lib = out_dir.join("libempty.a");
    let made = Command::new("ar")
        .arg("rc")
        .arg(&lib)
        .status()
        .map_err(|e| format!("ar: {e}"))?;
    if !made.success() {
        return Err("ar failed".into());
    }
    let out = Command::new(env!("CARGO_BIN_EXE_janusc"))
        .arg("build")
        .arg(root().join("tests/run/fib.jan"))
        .arg("-o")
        .arg(out_dir.join("stale"))
        .env("JANUS_RUNTIME", &lib)
        .output()
        .map_err(|e| format!("cannot run janusc: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(1)
        && stderr.contains("janus_rt_abi_v1")
        && stderr.contains("another ABI version")
    {
        Ok(())
    } else {
        Err(format!("status {:?}, stderr:\n{stderr}", out.status.code()))
    }
}

fn main() {
    let dir = root().join("tests/run");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "jan"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    if let Some(f) = &filter {
        files.retain(|p| p.to_string_lossy().contains(f.as_str()));
    }
    let bless = std::env::var_os("JANUS_BLESS").is_some();
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("run-suite");
    let _ = std::fs::create_dir_all(&out_dir);
    let queue = Mutex::new(files.clone());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some(p) = queue.lock().map(|mut q| q.pop()).ok().flatten() {
                    let r = run_one(&p, &out_dir, bless);
                    if let Ok(mut v) = results.lock() {
                        v.push((p, r));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    if filter.is_none() {
        results.push((
            PathBuf::from("(stale runtime refused at link time)"),
            stale_runtime(&out_dir),
        ));
    }
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failed = 0;
    for (p, r) in &results {
        if let Err(e) = r {
            failed += 1;
            println!("FAIL {}\n{e}\n", p.display());
        }
    }
    println!("{} passed, {} failed", results.len() - failed, failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
