//! `janus-bench`: the benchmark suite of issue 4 in one command. Builds every program of
//! benches/programs with `janusc build --release`, runs it (best of 3), runs its plain-tokio
//! baseline in this process, and times `janusc build` on a generated 100,000-line program.
//! Prints one comparable line per figure (see benches/README.md):
//!
//! ```text
//! ping-pong-1M   janus=X baseline=Y unit=Mmsg/s base=tokio-ct ratio=R target=ratio>1 met
//! compile_speed lines=100000 lines_per_s=N (without link) link_ms=L ... target=... met
//! ```
//!
//! Usage: `janus-bench [JANUSC] [--only NAME,...] [--runs N] [--tiny] [--compile-lines N]
//! [--compile-actors yes|no|auto] [--emit-compile DIR]`. JANUSC defaults to `$JANUSC`, else the
//! janusc beside this executable (`target/release/janusc` for `target/release/janus-bench`).
//! `--emit-compile DIR` only writes the compile-speed program (for profiling janusc on it).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use janus_bench::baselines::{self, Flavor, Runtimes};
use janus_bench::compile;
use janus_bench::programs::{self, PROGRAMS};
use janus_bench::report::{Better, Figure, Target};

const USAGE: &str = "usage: janus-bench [JANUSC] [--only NAME,...] [--runs N] [--tiny] [--compile-lines N] [--compile-actors yes|no|auto] [--emit-compile DIR]
names: pingpong ring ask skynet fanin spawn restart idle compile";

/// A Janus program may take this long before it counts as hung.
const RUN_LIMIT: Duration = Duration::from_secs(600);

struct Options {
    janusc: Option<PathBuf>,
    only: Option<Vec<String>>,
    runs: usize,
    /// The smoke sizes instead of the issue's (for trying the suite out quickly).
    tiny: bool,
    compile_lines: usize,
    compile_actors: Option<bool>,
    /// Only write the compile-speed program into this directory (for profiling janusc on it).
    emit_compile: Option<PathBuf>,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        janusc: None,
        only: None,
        runs: 3,
        tiny: false,
        compile_lines: 100_000,
        compile_actors: None,
        emit_compile: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |what: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{what} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--only" => o.only = Some(value("--only")?.split(',').map(str::to_string).collect()),
            "--runs" => {
                o.runs = value("--runs")?
                    .parse()
                    .map_err(|_| "--runs: not a number".to_string())?
            }
            "--tiny" => o.tiny = true,
            "--compile-lines" => {
                o.compile_lines = value("--compile-lines")?
                    .replace('_', "")
                    .parse()
                    .map_err(|_| "--compile-lines: not a number".to_string())?
            }
            "--compile-actors" => {
                o.compile_actors = match value("--compile-actors")?.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    "auto" => None,
                    other => {
                        return Err(format!(
                            "--compile-actors: `{other}` is not yes, no or auto"
                        ));
                    }
                }
            }
            "--emit-compile" => o.emit_compile = Some(PathBuf::from(value("--emit-compile")?)),
            "-h" | "--help" => return Err(USAGE.into()),
            other if other.starts_with('-') => {
                return Err(format!("unknown option `{other}`\n{USAGE}"));
            }
            path => o.janusc = Some(PathBuf::from(path)),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The tokio idle-task figure runs in a fresh process of its own (no earlier figure's heap).
    if args.first().map(String::as_str) == Some("--idle-tokio") {
        let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
        return match baselines::idle_task_bytes(n) {
            Ok(v) => {
                println!("{v}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("janus-bench: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match options(&args).and_then(|o| run(&o)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("janus-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(o: &Options) -> Result<(), String> {
    if let Some(dir) = &o.emit_compile {
        let lines = compile::write_program(dir, o.compile_lines, o.compile_actors != Some(false))?;
        println!("wrote {lines} lines to {}", dir.display());
        return Ok(());
    }
    let janusc = janus_bench::janus::find_janusc(o.janusc.as_deref())?;
    let wanted = |name: &str| o.only.as_ref().is_none_or(|l| l.iter().any(|w| w == name));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "# janus-bench: janusc={} runs={} cores={cores} (best of runs; ratio>1 means Janus is better)",
        janusc.display(),
        o.runs
    );
    let dir = std::env::temp_dir().join(format!("janus-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = figures(o, &janusc, &dir, &wanted);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn figures(
    o: &Options,
    janusc: &Path,
    dir: &Path,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<(), String> {
    let rts = Runtimes::new()?;
    let source_dir = programs::programs_dir();
    for p in PROGRAMS.iter().filter(|p| wanted(p.name)) {
        let args: Vec<String> = (if o.tiny { p.tiny } else { p.full })
            .iter()
            .map(|s| s.to_string())
            .collect();
        let size = |i: usize| args.get(i).and_then(|s| s.parse::<u64>().ok()).unwrap_or(1);
        let exe = programs::build(janusc, &source_dir, p.name, dir);
        let best = |b: &mut dyn FnMut() -> Duration| {
            (0..o.runs.max(1)).map(|_| b()).min().unwrap_or_default()
        };
        // The Janus side, best of the runs: (millions per second, seconds), or why it could not
        // be measured (the program did not build or failed).
        let janus_rate = || -> Result<(f64, f64), String> {
            let r = programs::best_of(
                exe.as_ref().map_err(Clone::clone)?,
                p.name,
                &args,
                o.runs,
                RUN_LIMIT,
            )?;
            Ok((
                r.count as f64 / r.elapsed.as_secs_f64() / 1e6,
                r.elapsed.as_secs_f64(),
            ))
        };
        match p.name {
            "pingpong" => {
                let rounds = size(0);
                let base =
                    best(&mut || rts.run(Flavor::CurrentThread, baselines::pingpong(rounds)));
                let name = format!("ping-pong-{}", short(rounds));
                let fig = rate_figure(&name, "Mmsg/s", Flavor::CurrentThread, Target::Above(1.0));
                emit(
                    &fig,
                    janus_rate().map(|r| r.0),
                    2.0 * rounds as f64 / base.as_secs_f64() / 1e6,
                );
            }
            "ring" => {
                let (actors, hops) = (size(0).max(2), size(1));
                let hops = (hops / actors).max(1) * actors;
                let base = best(&mut || {
                    rts.run(
                        Flavor::CurrentThread,
                        baselines::ring(actors as usize, hops),
                    )
                });
                let name = format!("thread-ring-{}x{}", actors, short(hops));
                let fig = rate_figure(&name, "Mmsg/s", Flavor::CurrentThread, Target::Above(1.0));
                emit(
                    &fig,
                    janus_rate().map(|r| r.0),
                    hops as f64 / base.as_secs_f64() / 1e6,
                );
            }
            "ask" => {
                let asks = size(0);
                let janus = janus_rate().map(|r| r.0);
                let name = format!("ask-{}", short(asks));
                for (flavor, target) in [
                    (Flavor::MultiThread, Target::AtLeast(2.0)),
                    (Flavor::CurrentThread, Target::None),
                ] {
                    let base = best(&mut || rts.run(flavor, baselines::ask(asks)));
                    emit(
                        &rate_figure(&name, "Mask/s", flavor, target),
                        janus.clone(),
                        asks as f64 / base.as_secs_f64() / 1e6,
                    );
                }
            }
            "skynet" => {
                let mut leaves = 1;
                while leaves * 10 <= size(0) {
                    leaves *= 10;
                }
                let janus = janus_rate().map(|r| r.1);
                let name = format!("skynet-{}", short(leaves));
                let secs = |base, target| Figure {
                    name: &name,
                    unit: "s",
                    base,
                    better: Better::Lower,
                    target,
                };
                emit(&secs("target", Target::Above(1.0)), janus.clone(), 0.5);
                for flavor in [Flavor::MultiThread, Flavor::CurrentThread] {
                    let base = best(&mut || rts.run(flavor, baselines::skynet(leaves)));
                    emit(
                        &secs(flavor.label(), Target::None),
                        janus.clone(),
                        base.as_secs_f64(),
                    );
                }
            }
            "fanin" => {
                let (senders, each) = (size(0), size(1));
                let janus = janus_rate().map(|r| r.0);
                let name = format!("fan-in-{}x{}", senders, short(each));
                for flavor in [Flavor::MultiThread, Flavor::CurrentThread] {
                    let base = best(&mut || rts.run(flavor, baselines::fanin(senders, each)));
                    emit(
                        &rate_figure(&name, "Mmsg/s", flavor, Target::None),
                        janus.clone(),
                        (senders * each) as f64 / base.as_secs_f64() / 1e6,
                    );
                }
            }
            "spawn" => {
                let (n, batch) = (size(0), size(1));
                let janus = janus_rate().map(|r| r.0);
                let name = format!("spawn-rate-{}", short(n));
                for flavor in [Flavor::MultiThread, Flavor::CurrentThread] {
                    let base = best(&mut || rts.run(flavor, baselines::spawn(n, batch)));
                    emit(
                        &rate_figure(&name, "Mactor/s", flavor, Target::None),
                        janus.clone(),
                        n as f64 / base.as_secs_f64() / 1e6,
                    );
                }
            }
            "restart" => {
                // The program's `elapsed` is the median sample: crash to the restarted child's
                // answer, no backoff. No tokio counterpart: tokio has no supervision.
                let janus = janus_rate().map(|r| r.1 * 1e6);
                let fig = Figure {
                    name: "restart-latency-median",
                    unit: "us",
                    base: "target",
                    better: Better::Lower,
                    target: Target::Above(1.0),
                };
                emit(&fig, janus, 10.0);
            }
            "idle" => {
                let n = size(0);
                let janus = exe
                    .as_ref()
                    .map_err(Clone::clone)
                    .and_then(|exe| programs::run_idle(exe, &args, RUN_LIMIT))
                    .map(|m| m.bytes_per_actor());
                let name = format!("idle-memory-{}", short(n));
                let bytes = |base, target| Figure {
                    name: &name,
                    unit: "B/actor",
                    base,
                    better: Better::Lower,
                    target,
                };
                emit(&bytes("target", Target::Above(1.0)), janus.clone(), 300.0);
                emit(&bytes("tokio-mt", Target::None), janus, idle_tokio(n)?);
            }
            other => return Err(format!("no figure for program `{other}`")),
        }
    }
    if wanted("compile") {
        let lines = if o.tiny { 1000 } else { o.compile_lines };
        match compile::measure(
            janusc,
            &dir.join("compile"),
            lines,
            o.compile_actors,
            o.runs,
        ) {
            Ok(c) => println!("{}", c.line(100_000.0)),
            Err(e) => {
                println!("compile_speed lines={lines} unmeasured");
                eprintln!("compile_speed: {e}");
            }
        }
    }
    Ok(())
}

fn rate_figure<'a>(
    name: &'a str,
    unit: &'static str,
    flavor: Flavor,
    target: Target,
) -> Figure<'a> {
    Figure {
        name,
        unit,
        base: flavor.label(),
        better: Better::Higher,
        target,
    }
}

/// Prints a figure's line; why the Janus side is missing goes to stderr, once per figure.
fn emit(fig: &Figure, janus: Result<f64, String>, baseline: f64) {
    println!(
        "{}",
        fig.line(janus.as_ref().map(|v| *v).map_err(String::as_str), baseline)
    );
    if let Err(e) = janus {
        let first = e.lines().take(6).collect::<Vec<_>>().join("\n  ");
        eprintln!("{} ({}): {first}", fig.name, fig.base);
    }
}

/// The tokio idle-task size, measured by this executable in a fresh process.
fn idle_tokio(n: u64) -> Result<f64, String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find my own path: {e}"))?;
    let out = std::process::Command::new(me)
        .args(["--idle-tokio", &n.to_string()])
        .output()
        .map_err(|e| format!("the idle-memory child: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .map_err(|_| {
            format!(
                "the idle-memory child printed no figure: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
}

/// 1000000 → `1M`, 10000 → `10k`, else the number.
fn short(n: u64) -> String {
    if n >= 1_000_000 && n.is_multiple_of(1_000_000) {
        format!("{}M", n / 1_000_000)
    } else if n >= 1000 && n.is_multiple_of(1000) {
        format!("{}k", n / 1000)
    } else {
        n.to_string()
    }
}
