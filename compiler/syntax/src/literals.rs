//! Literal scanning for the lexer: numbers and durations, plain and interpolated strings with
//! their escapes, and nested block comments.

use crate::ast::InterpPart;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use crate::token::Tok;

/// Length of the rest of a block comment after its opening `/*`, including the closing `*/`;
/// `None` when it is never closed. Block comments nest.
pub(crate) fn block_comment_len(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return Some(i);
            }
        } else {
            i += 1;
        }
    }
    None
}

/// How many bytes after the regex match `src[lo..hi]` still belong to the number: a fraction
/// (`3.14`) and a signed exponent (`1.5e-3`). A number right after `.` takes no fraction, so
/// `t.0.1` is two tuple field accesses, and `1..2` stays a range.
pub(crate) fn number_extension(src: &str, lo: usize, hi: usize) -> usize {
    let b = src.as_bytes();
    let text = &b[lo..hi];
    let hex_or_bin =
        text.len() > 1 && text[0] == b'0' && matches!(text[1], b'x' | b'X' | b'b' | b'B');
    if hex_or_bin {
        return 0;
    }
    let mut end = hi;
    let after_dot = lo > 0 && b[lo - 1] == b'.';
    if !after_dot && b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(|c| c.is_ascii_digit())
    {
        end += 1;
        while b
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            end += 1;
        }
    }
    // `1e-3` / `1.5E+7`: the regex stops at the sign.
    if matches!(b[end - 1], b'e' | b'E')
        && matches!(b.get(end), Some(b'+' | b'-'))
        && b.get(end + 1).is_some_and(|c| c.is_ascii_digit())
        && b[lo..end - 1]
            .iter()
            .all(|c| c.is_ascii_digit() || *c == b'_' || *c == b'.')
    {
        end += 2;
        while b.get(end).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            end += 1;
        }
    }
    end - hi
}

/// Decodes a number, float or duration literal. Bad ones are reported (E0106) and become
/// [`Tok::BadNumber`].
pub(crate) fn number<'a>(text: &str, span: Span, diags: &mut Vec<Diagnostic>) -> Tok<'a> {
    let bad = |diags: &mut Vec<Diagnostic>, msg: String, label: &str, help: Option<&str>| {
        let mut d = Diagnostic::error("E0106", msg).primary(span, label);
        if let Some(h) = help {
            d = d.help(h);
        }
        diags.push(d);
    };
    let b = text.as_bytes();
    // Hexadecimal and binary integers.
    if b.len() > 1 && b[0] == b'0' && matches!(b[1], b'x' | b'X' | b'b' | b'B') {
        let radix = if matches!(b[1], b'x' | b'X') { 16 } else { 2 };
        let digits: String = text[2..].chars().filter(|c| *c != '_').collect();
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            bad(
                diags,
                format!("invalid number literal `{text}`"),
                "bad digits",
                None,
            );
            return Tok::BadNumber;
        }
        return match u64::from_str_radix(&digits, radix) {
            Ok(v) => Tok::Int(v),
            Err(_) => {
                bad(
                    diags,
                    format!("integer literal `{text}` is too large"),
                    "does not fit in 64 bits",
                    None,
                );
                Tok::BadNumber
            }
        };
    }
    let digits_end = b
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b'_'))
        .unwrap_or(b.len());
    let rest = &text[digits_end..];
    if rest.is_empty() {
        let digits: String = text.chars().filter(|c| *c != '_').collect();
        return match digits.parse::<u64>() {
            Ok(v) => Tok::Int(v),
            Err(_) => {
                bad(
                    diags,
                    format!("integer literal `{text}` is too large"),
                    "does not fit in 64 bits",
                    None,
                );
                Tok::BadNumber
            }
        };
    }
    let is_float = rest.starts_with('.')
        || (matches!(rest.as_bytes()[0], b'e' | b'E')
            && rest.len() > 1
            && rest[1..]
                .trim_start_matches(['+', '-'])
                .bytes()
                .all(|c| c.is_ascii_digit() || c == b'_')
            && rest[1..]
                .trim_start_matches(['+', '-'])
                .bytes()
                .any(|c| c.is_ascii_digit()));
    if is_float {
        let clean: String = text.chars().filter(|c| *c != '_').collect();
        return match clean.parse::<f64>() {
            Ok(v) if v.is_finite() => Tok::Float(v),
            Ok(_) => {
                bad(
                    diags,
                    format!("float literal `{text}` is too large"),
                    "out of range for f64",
                    None,
                );
                Tok::BadNumber
            }
            Err(_) => {
                bad(
                    diags,
                    format!("invalid number literal `{text}`"),
                    "not a valid float",
                    None,
                );
                Tok::BadNumber
            }
        };
    }
    // A duration: digits and a unit.
    let unit_ns: u64 = match rest {
        "ns" => 1,
        "us" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => {
            bad(
                diags,
                format!("invalid number literal `{text}`"),
                "unknown suffix",
                Some("durations use the units `ns`, `us`, `ms`, `s`, `m` and `h`, e.g. `250ms`"),
            );
            return Tok::BadNumber;
        }
    };
    let digits: String = text[..digits_end].chars().filter(|c| *c != '_').collect();
    match digits
        .parse::<u64>()
        .ok()
        .and_then(|v| v.checked_mul(unit_ns))
    {
        Some(ns) => Tok::Duration(ns),
        None => {
            bad(
                diags,
                format!("duration `{text}` is too large"),
                "does not fit in 64 bits of nanoseconds",
                None,
            );
            Tok::BadNumber
        }
    }
}

/// Scans a plain string literal whose opening quote ends at `start`; returns its decoded value
/// and how many bytes after `start` it takes (including the closing quote).
pub(crate) fn scan_string(
    file: FileId,
    src: &str,
    base: usize,
    start: usize,
    diags: &mut Vec<Diagnostic>,
    open: usize,
) -> (String, usize) {
    let b = src.as_bytes();
    let mut out = String::new();
    let mut i = start;
    let mut seg = start;
    loop {
        match b.get(i) {
            None => {
                out.push_str(&src[seg..i]);
                diags.push(
                    Diagnostic::error("E0104", "unterminated string")
                        .primary(
                            Span::new(file, base + open, base + start),
                            "this string is never closed",
                        )
                        .help("add the closing `\"`"),
                );
                return (out, i - start);
            }
            Some(b'"') => {
                out.push_str(&src[seg..i]);
                return (out, i + 1 - start);
            }
            // A string ends at the end of its line: an unclosed one then hides nothing more.
            Some(b'\n') => {
                out.push_str(&src[seg..i]);
                diags.push(
                    Diagnostic::error("E0104", "unterminated string")
                        .primary(
                            Span::new(file, base + open, base + start),
                            "this string is not closed on its line",
                        )
                        .help("add the closing `\"`; write `\\n` for a line break inside a string"),
                );
                return (out, i - start);
            }
            Some(b'\\') => {
                out.push_str(&src[seg..i]);
                i = escape(file, src, base, i, &mut out, diags);
                seg = i;
            }
            Some(_) => i += 1,
        }
    }
}

/// Decodes the escape at `src[i]` (a backslash) into `out`; returns the index after it.
fn escape(
    file: FileId,
    src: &str,
    base: usize,
    i: usize,
    out: &mut String,
    diags: &mut Vec<Diagnostic>,
) -> usize {
    let b = src.as_bytes();
    let c = match b.get(i + 1) {
        Some(c) => *c,
        None => return i + 1,
    };
    let simple = match c {
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        b'0' => Some('\0'),
        b'"' => Some('"'),
        b'\\' => Some('\\'),
        b'{' => Some('{'),
        b'}' => Some('}'),
        _ => None,
    };
    if let Some(ch) = simple {
        out.push(ch);
        return i + 2;
    }
    // `\u{...}`: at most 6 hex digits; the search for `}` stays within that window so a
    // malformed escape cannot swallow the closing quote.
    let window = b.get(i + 3..(i + 12).min(b.len())).unwrap_or(&[]);
    if c == b'u'
        && b.get(i + 2) == Some(&b'{')
        && let Some(close) = window.iter().position(|c| *c == b'}').map(|p| i + 3 + p)
    {
        let hex = &src[i + 3..close];
        if let Some(ch) = (hex.len() <= 6 && !hex.is_empty())
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
            .and_then(char::from_u32)
        {
            out.push(ch);
            return close + 1;
        }
        diags.push(
            Diagnostic::error("E0105", format!("invalid unicode escape `\\u{{{hex}}}`"))
                .primary(
                    Span::new(file, base + i, base + close + 1),
                    "not a Unicode scalar value",
                )
                .help("write 1 to 6 hex digits of a valid code point, e.g. `\\u{1F600}`"),
        );
        return close + 1;
    }
    // Unknown escape: report it and keep the character itself.
    let ch_len = src[i + 1..]
        .chars()
        .next()
        .map(|ch| ch.len_utf8())
        .unwrap_or(1);
    let shown = &src[i..i + 1 + ch_len];
    diags.push(
        Diagnostic::error("E0105", format!("invalid escape sequence `{shown}`"))
            .primary(
                Span::new(file, base + i, base + i + 1 + ch_len),
                "unknown escape",
            )
            .help("valid escapes are \\n \\t \\r \\0 \\\" \\\\ \\{ \\} and \\u{...}"),
    );
    out.push_str(&src[i + 1..i + 1 + ch_len]);
    i + 1 + ch_len
}

/// Scans an interpolated string whose `$"` ends at `start`: literal pieces are decoded, each
/// `{...}` is parsed as an expression at its own absolute offsets. Returns the parts and the
/// byte length after `start`.
pub(crate) fn scan_interp(
    file: FileId,
    src: &str,
    base: usize,
    start: usize,
    diags: &mut Vec<Diagnostic>,
    open: usize,
) -> (Vec<InterpPart>, usize) {
    let b = src.as_bytes();
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = start;
    let mut seg = start;
    loop {
        match b.get(i) {
            Some(b'"') => {
                lit.push_str(&src[seg..i]);
                push_lit(&mut parts, lit);
                return (parts, i + 1 - start);
            }
            end @ (None | Some(b'\n')) => {
                lit.push_str(&src[seg..i]);
                push_lit(&mut parts, lit);
                let (label, help) = if end.is_none() {
                    ("this string is never closed", "add the closing `\"`")
                } else {
                    (
                        "this string is not closed on its line",
                        "add the closing `\"`; write `\\n` for a line break inside a string",
                    )
                };
                diags.push(
                    Diagnostic::error("E0104", "unterminated string")
                        .primary(Span::new(file, base + open, base + start), label)
                        .help(help),
                );
                return (parts, i - start);
            }
            Some(b'\\') => {
                lit.push_str(&src[seg..i]);
                i = escape(file, src, base, i, &mut lit, diags);
                seg = i;
            }
            Some(b'}') => {
                diags.push(
                    Diagnostic::error("E0107", "unmatched `}` in an interpolated string")
                        .primary(Span::new(file, base + i, base + i + 1), "no `{` opens this")
                        .help("write `\\}` for a literal brace"),
                );
                lit.push_str(&src[seg..=i]);
                i += 1;
                seg = i;
            }
            Some(b'{') => {
                lit.push_str(&src[seg..i]);
                let expr_lo = i + 1;
                match matching_brace(src, expr_lo, 0) {
                    Ok(close) => {
                        push_lit(&mut parts, std::mem::take(&mut lit));
                        if src[expr_lo..close].trim().is_empty() {
                            diags.push(
                                Diagnostic::error("E0107", "empty interpolation `{}`")
                                    .primary(Span::new(file, base + i, base + close + 1), "no expression here")
                                    .help("put an expression between the braces, or write `\\{\\}` for literal braces"),
                            );
                        } else if INTERP_DEPTH.get() >= MAX_INTERP_DEPTH {
                            diags.push(
                                Diagnostic::error(
                                    "E0107",
                                    "interpolated strings nested too deeply",
                                )
                                .primary(
                                    Span::new(file, base + i, base + close + 1),
                                    "too deeply nested",
                                ),
                            );
                            let span = Span::new(file, base + expr_lo, base + close);
                            parts.push(InterpPart::Expr(crate::ast::Expr {
                                kind: crate::ast::ExprKind::Error,
                                span,
                            }));
                        } else {
                            INTERP_DEPTH.set(INTERP_DEPTH.get() + 1);
                            let e = crate::parser::parse_fragment(
                                file,
                                &src[expr_lo..close],
                                base + expr_lo,
                                diags,
                            );
                            INTERP_DEPTH.set(INTERP_DEPTH.get() - 1);
                            parts.push(InterpPart::Expr(e));
                        }
                        i = close + 1;
                        seg = i;
                    }
                    Err(BraceError::TooDeep) => {
                        diags.push(
                            Diagnostic::error("E0107", "interpolated strings nested too deeply")
                                .primary(
                                    Span::new(file, base + i, base + i + 1),
                                    "this interpolation nests too deeply",
                                )
                                .help("bind the inner string to a name first"),
                        );
                        // The rest of the line cannot be split into strings reliably: one
                        // report for the whole line, then resume on the next one.
                        let stop = src[i..].find('\n').map(|p| i + p).unwrap_or(src.len());
                        push_lit(&mut parts, lit);
                        return (parts, stop - start);
                    }
                    Err(BraceError::Unclosed) => {
                        diags.push(
                            Diagnostic::error("E0107", "`{` without `}` in an interpolated string")
                                .primary(Span::new(file, base + i, base + i + 1), "this `{` is never closed")
                                .help("close the expression with `}`, or write `\\{` for a literal brace"),
                        );
                        // Skip to the end of the string (or of the line) and stop.
                        let stop = src[i..]
                            .find(['"', '\n'])
                            .map(|p| i + p)
                            .unwrap_or(src.len());
                        let len = if b.get(stop) == Some(&b'"') {
                            stop + 1 - start
                        } else {
                            stop - start
                        };
                        push_lit(&mut parts, lit);
                        return (parts, len);
                    }
                }
            }
            Some(_) => i += 1,
        }
    }
}

/// Adds the literal piece scanned so far, unless it is empty.
fn push_lit(parts: &mut Vec<InterpPart>, lit: String) {
    if !lit.is_empty() {
        parts.push(InterpPart::Lit(lit));
    }
}

/// How deeply interpolated strings may nest inside each other's expressions.
const MAX_INTERP_DEPTH: u32 = 8;

thread_local! {
    /// Current nesting of interpolation fragments being parsed (they recurse into the parser).
    static INTERP_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Why no closing `}` was found for an interpolation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BraceError {
    /// The line (or file) ends first.
    Unclosed,
    /// Strings and interpolations nest deeper than [`MAX_INTERP_DEPTH`] allows.
    TooDeep,
}

/// The index of the `}` closing an interpolation whose expression starts at `i`, skipping
/// nested braces and string literals (plain and interpolated) inside it.
fn matching_brace(src: &str, mut i: usize, nest: u32) -> Result<usize, BraceError> {
    if nest > 2 * MAX_INTERP_DEPTH {
        return Err(BraceError::TooDeep);
    }
    let b = src.as_bytes();
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                if depth == 0 {
                    return Ok(i);
                }
                depth -= 1;
            }
            b'"' => i = skip_string(src, i + 1, nest + 1)?,
            b'\n' => return Err(BraceError::Unclosed),
            _ => {}
        }
        i += 1;
    }
    Err(BraceError::Unclosed)
}

/// From just inside a string literal, the index of its closing quote. Interpolations inside
/// (for a `$"` string) are skipped by brace matching.
fn skip_string(src: &str, mut i: usize, nest: u32) -> Result<usize, BraceError> {
    let b = src.as_bytes();
    let interp = i >= 2 && b[i - 2] == b'$';
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'"' => return Ok(i),
            b'{' if interp => i = matching_brace(src, i + 1, nest + 1)?,
            b'\n' => return Err(BraceError::Unclosed),
            _ => {}
        }
        i += 1;
    }
    Err(BraceError::Unclosed)
}
