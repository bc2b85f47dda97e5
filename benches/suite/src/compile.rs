//! The compile-speed figure: `janusc build --timings` of a generated 100,000-line program
//! (check-speed's generator, without grains and supervisors, which `janusc build` does not
//! compile), with the link time reported apart. The rate is lines per second of the whole
//! command (process start to exit, as a user sees it) minus the link phase janusc reports.

use std::path::Path;
use std::time::Duration;

use check_speed::generate::{self, Features};

use crate::janus;

/// The phase times `janusc build --timings` prints on stderr, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timings {
    pub parse_check_ms: f64,
    /// Lowering to the IR; `None` from a janusc that reports it together with code generation.
    pub lower_ms: Option<f64>,
    pub codegen_ms: f64,
    pub link_ms: f64,
}

/// Reads the timings line: `timings parse_check_ms=.. lower_ms=.. codegen_ms=.. link_ms=..`,
/// or the older `front end X ms, code generation Y ms, link Z ms` (lowering counted in code
/// generation) of janusc builds from before the `timings` line.
pub fn parse_timings(stderr: &str) -> Option<Timings> {
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix("timings ") {
            let get = |key: &str| {
                crate::result::fields(rest)
                    .find(|(k, _)| *k == key)
                    .and_then(|(_, v)| v.parse::<f64>().ok())
            };
            return Some(Timings {
                parse_check_ms: get("parse_check_ms")?,
                lower_ms: Some(get("lower_ms")?),
                codegen_ms: get("codegen_ms")?,
                link_ms: get("link_ms")?,
            });
        }
        if let Some(rest) = line.strip_prefix("front end ") {
            let ms: Vec<f64> = rest
                .split(',')
                .filter_map(|part| {
                    part.trim()
                        .strip_suffix(" ms")?
                        .rsplit(' ')
                        .next()?
                        .parse()
                        .ok()
                })
                .collect();
            if let [front, codegen, link] = ms[..] {
                return Some(Timings {
                    parse_check_ms: front,
                    lower_ms: None,
                    codegen_ms: codegen,
                    link_ms: link,
                });
            }
        }
    }
    None
}

/// The best (fastest without link) of several builds.
pub struct CompileSpeed {
    pub lines: usize,
    /// Whether the program had actors (else the actor-free variant, for a janusc that cannot
    /// compile actors yet).
    pub actors: bool,
    pub wall: Duration,
    pub timings: Timings,
}

impl CompileSpeed {
    /// The build without its link phase.
    pub fn without_link_s(&self) -> f64 {
        (self.wall.as_secs_f64() - self.timings.link_ms / 1e3).max(1e-9)
    }

    pub fn lines_per_s(&self) -> f64 {
        self.lines as f64 / self.without_link_s()
    }

    /// `compile_speed lines=N lines_per_s=R (without link) link_ms=L ...`.
    pub fn line(&self, target_lines_per_s: f64) -> String {
        let t = &self.timings;
        let lower = t.lower_ms.map_or("-".to_string(), |v| format!("{v:.0}"));
        let rate = self.lines_per_s();
        format!(
            "compile_speed lines={} lines_per_s={:.0} (without link) link_ms={:.0} wall_ms={:.0} parse_check_ms={:.0} lower_ms={lower} codegen_ms={:.0} actors={} target=lines_per_s>={target_lines_per_s:.0} {}",
            self.lines,
            rate,
            t.link_ms,
            self.wall.as_secs_f64() * 1e3,
            t.parse_check_ms,
            t.codegen_ms,
            if self.actors { "yes" } else { "no" },
            if rate >= target_lines_per_s {
                "met"
            } else {
                "MISSED"
            },
        )
    }
}

/// Writes the generated program (with or without actors) and its manifest into `dir`.
pub fn write_program(dir: &Path, lines: usize, actors: bool) -> Result<usize, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let src = generate::program_with(lines, Features::build(actors));
    let count = src.lines().count();
    for (name, text) in [
        ("main.jan", src.as_str()),
        ("janus.toml", generate::MANIFEST),
    ] {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("{}: {e}", dir.join(name).display()))?;
    }
    Ok(count)
}

/// Times `janusc build --timings` (debug code generation, as `janusc build` defaults to) on a
/// generated program of `lines` lines in `dir`, best of `runs`. With `actors: None` it tries the
/// program with actors and falls back to the actor-free one if janusc cannot compile actors.
pub fn measure(
    janusc: &Path,
    dir: &Path,
    lines: usize,
    actors: Option<bool>,
    runs: usize,
) -> Result<CompileSpeed, String> {
    let attempts: &[bool] = match actors {
        Some(true) => &[true],
        Some(false) => &[false],
        None => &[true, false],
    };
    let mut last_error = String::new();
    for &with_actors in attempts {
        let count = write_program(dir, lines, with_actors)?;
        let out = dir.join("program");
        let mut best: Option<CompileSpeed> = None;
        for _ in 0..runs.max(1) {
            let built = match janus::build(janusc, dir, &out, false, true) {
                Ok(b) => b,
                Err(e) => {
                    last_error = e;
                    best = None;
                    break;
                }
            };
            let timings = parse_timings(&built.stderr).ok_or_else(|| {
                format!(
                    "janusc build --timings printed no timings:\n{}",
                    built.stderr
                )
            })?;
            let run = CompileSpeed {
                lines: count,
                actors: with_actors,
                wall: built.wall,
                timings,
            };
            if best
                .as_ref()
                .is_none_or(|b| run.without_link_s() < b.without_link_s())
            {
                best = Some(run);
            }
        }
        if let Some(b) = best {
            return Ok(b);
        }
    }
    Err(last_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_timings_formats() {
        let new = "timings parse_check_ms=210.5 lower_ms=30 codegen_ms=400.25 link_ms=95\n";
        assert_eq!(
            parse_timings(new),
            Some(Timings {
                parse_check_ms: 210.5,
                lower_ms: Some(30.0),
                codegen_ms: 400.25,
                link_ms: 95.0
            })
        );
        let old = "warning: x\nfront end 0.5 ms, code generation 3.0 ms, link 90.2 ms\n";
        assert_eq!(
            parse_timings(old),
            Some(Timings {
                parse_check_ms: 0.5,
                lower_ms: None,
                codegen_ms: 3.0,
                link_ms: 90.2
            })
        );
        assert_eq!(parse_timings("timings parse_check_ms=1\n"), None);
        assert_eq!(parse_timings(""), None);
    }

    #[test]
    fn rate_leaves_out_the_link() {
        let c = CompileSpeed {
            lines: 100_000,
            actors: false,
            wall: Duration::from_millis(600),
            timings: Timings {
                parse_check_ms: 200.0,
                lower_ms: Some(50.0),
                codegen_ms: 250.0,
                link_ms: 100.0,
            },
        };
        assert!((c.lines_per_s() - 200_000.0).abs() < 1.0);
        let l = c.line(100_000.0);
        assert!(
            l.starts_with(
                "compile_speed lines=100000 lines_per_s=200000 (without link) link_ms=100"
            ),
            "{l}"
        );
        assert!(l.ends_with("target=lines_per_s>=100000 met"), "{l}");
    }
}
