//! `check-speed`: times `janusc check` on a generated 100,000-line program, and the parser alone
//! in-process. Prints one line per figure:
//!
//! ```text
//! parse_speed lines=100000 best_s=0.050 lines_per_s=2000000
//! check_speed lines=100000 best_s=0.180 lines_per_s=555555
//! ```
//!
//! Usage: `check-speed [JANUSC] [--lines N] [--runs N] [--parse-only] [--emit DIR]`; `JANUSC` defaults to the workspace's
//! `target/release/janusc` (build it first with `cargo build --release -p janusc`). The target
//! for a release build is 500,000 lines/s for `check`.

use check_speed::generate;

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

struct Options {
    janusc: PathBuf,
    lines: usize,
    runs: usize,
    /// Only time the in-process parser (no `janusc` needed).
    parse_only: bool,
    /// Write the program and its manifest into this directory and stop (for profiling).
    emit: Option<PathBuf>,
}

const USAGE: &str =
    "usage: check-speed [JANUSC] [--lines N] [--runs N] [--parse-only] [--emit DIR]";

fn options() -> Result<Options, String> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut opts = Options {
        janusc: workspace.join("target/release/janusc"),
        lines: 100_000,
        runs: 5,
        parse_only: false,
        emit: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |what: &str| -> Result<usize, String> {
            let v = args.next().ok_or(format!("{what} needs a value"))?;
            v.replace('_', "")
                .parse()
                .map_err(|_| format!("{what}: not a number: {v}"))
        };
        match arg.as_str() {
            "--lines" => opts.lines = number("--lines")?.max(300),
            "--runs" => opts.runs = number("--runs")?.max(1),
            "--parse-only" => opts.parse_only = true,
            "--emit" => {
                opts.emit = Some(PathBuf::from(
                    args.next().ok_or("--emit needs a directory")?,
                ))
            }
            "-h" | "--help" => return Err(USAGE.into()),
            path => opts.janusc = PathBuf::from(path),
        }
    }
    Ok(opts)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("check-speed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let opts = options()?;
    if let Some(dir) = &opts.emit {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (name, text) in [
            ("main.jan", generate::program(opts.lines)),
            ("janus.toml", generate::MANIFEST.to_string()),
        ] {
            std::fs::write(dir.join(name), text)
                .map_err(|e| format!("{}: {e}", dir.join(name).display()))?;
        }
        println!("wrote {}", dir.display());
        return Ok(());
    }
    if !opts.parse_only && !opts.janusc.is_file() {
        return Err(format!(
            "no janusc at {} (build it with `cargo build --release -p janusc`, or pass its path)",
            opts.janusc.display()
        ));
    }
    let dir = std::env::temp_dir().join(format!("janus-check-speed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = measure(&opts, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(opts: &Options, dir: &std::path::Path) -> Result<(), String> {
    let src = generate::program(opts.lines);
    let lines = src.lines().count();
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("{}: {e}", dir.join(name).display()))
    };
    write("main.jan", &src)?;
    write("janus.toml", generate::MANIFEST)?;

    let mut best = Duration::MAX;
    for _ in 0..opts.runs {
        let start = Instant::now();
        let (module, diags) = janus_syntax::parse_module(janus_syntax::FileId(0), &src);
        let took = start.elapsed();
        if !diags.is_empty() {
            return Err(format!(
                "the generated program has syntax diagnostics: {:?}",
                diags[0]
            ));
        }
        drop(module);
        best = best.min(took);
    }
    report("parse_speed", lines, best);

    // The real command, as a user runs it; the program must check clean for the figure to mean
    // anything.
    if opts.parse_only {
        return Ok(());
    }
    let mut best = Duration::MAX;
    for _ in 0..opts.runs {
        let start = Instant::now();
        let out = Command::new(&opts.janusc)
            .arg("check")
            .arg(dir)
            .output()
            .map_err(|e| format!("running {}: {e}", opts.janusc.display()))?;
        let took = start.elapsed();
        // Clean: success, and no diagnostic (a summary line such as "no problems" is fine).
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let lower = text.to_lowercase();
        if !out.status.success() || lower.contains("error") || lower.contains("warning") {
            let head: Vec<&str> = text.lines().take(40).collect();
            return Err(format!(
                "the generated program does not check clean ({}):\n{}",
                out.status,
                head.join("\n")
            ));
        }
        best = best.min(took);
    }
    report("check_speed", lines, best);
    Ok(())
}

fn report(what: &str, lines: usize, best: Duration) {
    let secs = best.as_secs_f64();
    let per_s = if secs > 0.0 {
        (lines as f64 / secs) as u64
    } else {
        0
    };
    println!("{what} lines={lines} best_s={secs:.3} lines_per_s={per_s}");
}
