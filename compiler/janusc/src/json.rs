//! `--format json`: one JSON document with every diagnostic and the counts, for tools and for
//! the UI test harness. Lines and columns are 1-based; columns count characters.

use janus_syntax::{Diagnostic, Severity, Span};
use serde::Serialize;

use crate::render::counts;
use crate::source_map::SourceMap;

#[derive(Serialize)]
pub struct Output {
    pub diagnostics: Vec<JsonDiagnostic>,
    pub errors: usize,
    pub warnings: usize,
}

/// One diagnostic. The location fields are those of the primary label (null when the
/// diagnostic has no place in a file, such as an unreadable entry file).
#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub severity: &'static str,
    pub code: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub start: Option<u32>,
    pub end: Option<u32>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub labels: Vec<JsonLabel>,
    pub notes: Vec<String>,
    pub help: Option<String>,
}

#[derive(Serialize)]
pub struct JsonLabel {
    pub file: String,
    pub start: u32,
    pub end: u32,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub primary: bool,
}

struct Located {
    file: String,
    start: u32,
    end: u32,
    line: usize,
    column: usize,
}

fn locate(sources: &SourceMap, span: Span) -> Option<Located> {
    let f = sources.get(span.file)?;
    let (lo, hi) = f.clamp(span.lo as usize, span.hi as usize);
    let (line, column) = f.line_col(lo);
    Some(Located {
        file: f.display.clone(),
        start: lo as u32,
        end: hi as u32,
        line,
        column,
    })
}

pub fn output(sources: &SourceMap, diags: &[Diagnostic]) -> Output {
    let diagnostics = diags
        .iter()
        .map(|d| {
            let at = d.primary_span().and_then(|s| locate(sources, s));
            let labels = d
                .labels
                .iter()
                .filter_map(|l| {
                    let at = locate(sources, l.span)?;
                    Some(JsonLabel {
                        file: at.file,
                        start: at.start,
                        end: at.end,
                        line: at.line,
                        column: at.column,
                        message: l.message.clone(),
                        primary: l.primary,
                    })
                })
                .collect();
            JsonDiagnostic {
                severity: match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                code: d.code,
                message: d.message.clone(),
                file: at.as_ref().map(|a| a.file.clone()),
                start: at.as_ref().map(|a| a.start),
                end: at.as_ref().map(|a| a.end),
                line: at.as_ref().map(|a| a.line),
                column: at.as_ref().map(|a| a.column),
                labels,
                notes: d.notes.clone(),
                help: d.help.clone(),
            }
        })
        .collect();
    let (errors, warnings) = counts(diags);
    Output {
        diagnostics,
        errors,
        warnings,
    }
}

/// The JSON document as text (pretty-printed: it is read by people too).
pub fn to_string(sources: &SourceMap, diags: &[Diagnostic]) -> String {
    serde_json::to_string_pretty(&output(sources, diags)).unwrap_or_else(|e| {
        // Serializing plain strings and numbers cannot fail; say so loudly if it ever does.
        format!(
            "{{\"diagnostics\":[],\"errors\":1,\"warnings\":0,\"internal_error\":{:?}}}",
            e.to_string()
        )
    })
}
