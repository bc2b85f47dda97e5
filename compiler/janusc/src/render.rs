//! Human-readable diagnostics: each one rendered with ariadne (byte-indexed spans, colour only
//! when asked), then a one-line summary.

use std::io::{self, Write};

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};
use janus_syntax::{Diagnostic, Severity};

use crate::source_map::SourceMap;

/// ariadne's view of our source map: sources keyed by their display name.
struct Cache<'a> {
    sources: Vec<(String, Source<&'a str>)>,
}

impl<'a> ariadne::Cache<String> for Cache<'a> {
    type Storage = &'a str;

    fn fetch(&mut self, id: &String) -> Result<&Source<&'a str>, impl std::fmt::Debug> {
        self.sources
            .iter()
            .find(|(name, _)| name == id)
            .map(|(_, s)| s)
            .ok_or_else(|| format!("no source `{id}`"))
    }

    fn display<'b>(&self, id: &'b String) -> Option<impl std::fmt::Display + 'b> {
        Some(id)
    }
}

/// Counts of errors and warnings.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diags.len() - errors)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closing line: `error: could not check `x` due to 2 previous errors; 1 warning emitted`,
/// `warning: `x` generated 1 warning`, or nothing when clean.
pub fn summary(diags: &[Diagnostic], name: &str, verb: &str) -> Option<(Severity, String)> {
    match counts(diags) {
        (0, 0) => None,
        (0, w) => Some((
            Severity::Warning,
            format!("`{name}` generated {}", plural(w, "warning")),
        )),
        (e, w) => {
            let mut s = format!(
                "could not {verb} `{name}` due to {}",
                plural(e, "previous error")
            );
            if w > 0 {
                s.push_str(&format!("; {} emitted", plural(w, "warning")));
            }
            Some((Severity::Error, s))
        }
    }
}

/// Writes every diagnostic, then the summary line, to `out`.
pub fn render(
    out: &mut dyn Write,
    sources: &SourceMap,
    diags: &[Diagnostic],
    name: &str,
    verb: &str,
    color: bool,
) -> io::Result<()> {
    let mut cache = Cache {
        sources: sources
            .files()
            .map(|(_, f)| (f.display.clone(), Source::from(f.text.as_str())))
            .collect(),
    };
    // Rendered into a buffer first so that trailing spaces, which ariadne leaves after its
    // underlines, can be removed: snapshots then survive editors that strip them.
    let mut buf = Vec::new();
    for d in diags {
        render_one(&mut buf, sources, &mut cache, d, color)?;
    }
    let text = String::from_utf8_lossy(&buf);
    for line in text.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    if let Some((severity, line)) = summary(diags, name, verb) {
        let word = if severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        if color {
            let code = if severity == Severity::Error {
                "31"
            } else {
                "33"
            };
            writeln!(out, "\x1b[1;{code}m{word}\x1b[0m\x1b[1m: {line}\x1b[0m")?;
        } else {
            writeln!(out, "{word}: {line}")?;
        }
    }
    Ok(())
}

fn render_one(
    out: &mut dyn Write,
    sources: &SourceMap,
    cache: &mut Cache<'_>,
    d: &Diagnostic,
    color: bool,
) -> io::Result<()> {
    let (kind, kind_color) = match d.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
    };
    // Labels whose file is unknown cannot be drawn; keep the others, clamped to their text.
    let labels: Vec<_> = d
        .labels
        .iter()
        .filter_map(|l| {
            let f = sources.get(l.span.file)?;
            let (lo, hi) = f.clamp(l.span.lo as usize, l.span.hi as usize);
            Some((l, f.display.clone(), lo..hi))
        })
        .collect();
    let main = labels
        .iter()
        .find(|(l, _, _)| l.primary)
        .or(labels.first())
        .cloned();
    let Some((_, main_file, main_range)) = main else {
        return render_unlocated(out, d, color);
    };
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(color);
    let mut report = Report::build(kind, (main_file.clone(), main_range.clone()))
        .with_config(config)
        .with_code(d.code)
        .with_message(&d.message);
    // ariadne draws a file's labels in one section only while their lines go forward, and
    // heads any further section with the primary label's position: add them in source order.
    let mut labels = labels;
    labels.sort_by_key(|(l, _, range)| (l.span.file, range.start, range.end));
    for (l, file, range) in &labels {
        let mut label = Label::new((file.clone(), range.clone()));
        if !l.message.is_empty() {
            label = label.with_message(&l.message);
        }
        if color {
            label = label.with_color(if l.primary { kind_color } else { Color::Blue });
        }
        // Primary labels are drawn first where labels overlap.
        label = label.with_priority(if l.primary { 1 } else { 0 });
        report = report.with_label(label);
    }
    for n in &d.notes {
        report = report.with_note(n);
    }
    if let Some(h) = &d.help {
        report = report.with_help(h);
    }
    report.finish().write(&mut *cache, &mut *out)
}

/// A diagnostic with no place in any file (an unreadable entry file): header, notes, help.
fn render_unlocated(out: &mut dyn Write, d: &Diagnostic, color: bool) -> io::Result<()> {
    let word = if d.severity == Severity::Error {
        "Error"
    } else {
        "Warning"
    };
    if color {
        let c = if d.severity == Severity::Error {
            "31"
        } else {
            "33"
        };
        writeln!(out, "\x1b[{c}m[{}] {word}:\x1b[0m {}", d.code, d.message)?;
    } else {
        writeln!(out, "[{}] {word}: {}", d.code, d.message)?;
    }
    for n in &d.notes {
        writeln!(out, "    Note: {n}")?;
    }
    if let Some(h) = &d.help {
        writeln!(out, "    Help: {h}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source_map::Origin;
    use janus_syntax::{FileId, Span};

    #[test]
    fn summary_lines() {
        let e = Diagnostic::error("E0301", "x");
        let w = Diagnostic::warning("W0401", "y");
        assert_eq!(summary(&[], "a.jan", "check"), None);
        assert_eq!(
            summary(&[e.clone(), e.clone(), w.clone()], "a.jan", "check").map(|s| s.1),
            Some("could not check `a.jan` due to 2 previous errors; 1 warning emitted".into())
        );
        assert_eq!(
            summary(&[e], "a.jan", "check").map(|s| s.1),
            Some("could not check `a.jan` due to 1 previous error".into())
        );
        assert_eq!(
            summary(&[w.clone(), w], "p", "check").map(|s| s.1),
            Some("`p` generated 2 warnings".into())
        );
    }

    /// Rendering must never panic, whatever the spans: every span over a set of awkward texts
    /// (empty, CRLF, tabs, multi-byte characters, no final newline), with a secondary label in
    /// another file, in both colour modes.
    #[test]
    fn never_panics_on_any_span() {
        let texts = [
            "",
            "\n",
            "a",
            "ab\r\ncd\r\n",
            "\tx\t\ty\n",
            "é€🎉\nz",
            "x\n\n\n",
            "a\u{200b}b\u{301}c",
        ];
        for text in texts {
            let mut map = SourceMap::new();
            let f = map.add("f.jan".into(), Origin::Std("f".into()), text.to_string());
            let g = map.add(
                "g.jan".into(),
                Origin::Std("g".into()),
                "other\nfile\n".into(),
            );
            for lo in 0..=text.len() + 2 {
                for hi in 0..=text.len() + 2 {
                    let d = Diagnostic::error("E0301", "m")
                        .primary(
                            Span {
                                file: f,
                                lo: lo as u32,
                                hi: hi as u32,
                            },
                            "p",
                        )
                        .secondary(Span::new(g, 2, 8), "s")
                        .secondary(Span::new(FileId(99), 0, 1), "unknown file")
                        .note("n")
                        .help("h");
                    for color in [false, true] {
                        let mut out = Vec::new();
                        render(
                            &mut out,
                            &map,
                            std::slice::from_ref(&d),
                            "f.jan",
                            "check",
                            color,
                        )
                        .expect("render");
                        assert!(!out.is_empty());
                    }
                }
            }
            let mut out = Vec::new();
            render(
                &mut out,
                &map,
                &[Diagnostic::warning("W1001", "no labels")],
                "f.jan",
                "check",
                false,
            )
            .expect("render");
            assert!(String::from_utf8_lossy(&out).starts_with("[W1001] Warning: no labels\n"));
        }
    }
}
