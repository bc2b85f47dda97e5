//! Turning parse errors into diagnostics (E0101, E0102, E0107): expected-token sets in the
//! user's terms, mismatched and unclosed brackets named with the line they were opened on.

use lalrpop_util::ParseError;

use crate::diagnostic::Diagnostic;
use crate::layout::{self, Open, OpenKind};
use crate::parser::{Ctx, LexicalError};
use crate::span::Span;
use crate::token::Tok;

pub(crate) fn what(kind: OpenKind) -> &'static str {
    match kind {
        OpenKind::Do => "`do` block",
        OpenKind::Paren => "`(`",
        OpenKind::Bracket => "`[`",
        OpenKind::Brace => "`{`",
    }
}

pub(crate) fn opened_on(ctx: &Ctx, open: Open) -> String {
    match ctx.line_of(open.lo) {
        Some(line) => format!("{} on line {line}", what(open.kind)),
        None => what(open.kind).to_string(),
    }
}

pub(crate) fn unclosed_diag(
    ctx: &Ctx,
    open: Open,
    end: usize,
    next: Option<&(Span, String)>,
) -> Diagnostic {
    let opener = ctx.sp(open.lo as usize, open.hi as usize);
    let closer = open.kind.closer();
    match next {
        // The primary label is the opener: that is where the fix goes.
        None => Diagnostic::error(
            "E0102",
            format!(
                "unexpected end of file: the {} is never closed",
                opened_on(ctx, open)
            ),
        )
        .primary(
            opener,
            format!("this `{}` has no matching `{closer}`", open.kind.opener()),
        )
        .secondary(
            ctx.sp(end, end),
            format!("the file ends here; expected `{closer}`"),
        )
        .help(format!(
            "add `{closer}` where the {} should end",
            what(open.kind)
        )),
        Some((span, found)) => Diagnostic::error(
            "E0101",
            format!(
                "expected `{closer}` to close the {}, found {found}",
                opened_on(ctx, open)
            ),
        )
        .primary(*span, format!("expected `{closer}` before this"))
        .secondary(opener, "never closed"),
    }
}

/// What the parser's "end of input" is.
pub(crate) enum Eof {
    File,
    /// The next top-level declaration (its span and description).
    Next(Span, String),
    Interp,
}

pub(crate) struct ErrInfo<'x> {
    pub los: &'x [usize],
    pub context: &'x [Option<Open>],
    pub eof: Eof,
    pub end: usize,
    /// Byte ranges (inclusive) where errors follow from a repair already reported.
    pub suppress: Vec<(usize, usize)>,
    /// True when the input ended inside an unclosed bracket (already reported).
    pub unclosed: bool,
}

impl ErrInfo<'_> {
    fn suppressed(&self, at: usize) -> bool {
        // Few repairs in practice; bounded so that garbage input stays fast.
        self.suppress
            .iter()
            .take(64)
            .any(|(lo, hi)| *lo <= at && at <= *hi)
            || self
                .suppress
                .last()
                .is_some_and(|(lo, hi)| *lo <= at && at <= *hi)
    }
}

/// Reports the layout pass's repairs and returns the ranges where parse errors are their
/// consequences.
pub(crate) fn report_repairs(
    ctx: &Ctx,
    repairs: &[layout::Repair],
    diags: &mut Vec<Diagnostic>,
) -> Vec<(usize, usize)> {
    let mut suppress = Vec::new();
    // A parse error on a block line that also lacks its `do` (`if n > 0 then`) says more than
    // "expected `do`"; the missing-`do` report is then dropped (see `drop_missing_do`).
    for r in repairs {
        let d = match r {
            layout::Repair::LeftOpen {
                open,
                found,
                lo,
                hi,
            }
            | layout::Repair::Replaced {
                open,
                found,
                lo,
                hi,
            } => {
                let closer = open.kind.closer();
                if matches!(r, layout::Repair::LeftOpen { .. }) {
                    suppress.push((open.lo as usize, *lo));
                } else {
                    suppress.push((*lo, *lo));
                }
                Diagnostic::error(
                    "E0101",
                    format!(
                        "expected `{closer}` to close the {}, found {found}",
                        opened_on(ctx, *open)
                    ),
                )
                .primary(ctx.sp(*lo, *hi), format!("expected `{closer}`"))
                .secondary(ctx.sp(open.lo as usize, open.hi as usize), "opened here")
                .help(match open.kind {
                    OpenKind::Do => "a block opened with `do` is closed with `end`".to_string(),
                    k => format!("close `{}` with `{}` before this", k.opener(), k.closer()),
                })
            }
            layout::Repair::Dropped { found, lo, hi } => {
                Diagnostic::error("E0101", format!("unexpected {found}: nothing is open here"))
                    .primary(ctx.sp(*lo, *hi), "nothing to close")
                    .help("remove it")
            }
            layout::Repair::MissingDo {
                keyword,
                kw_lo,
                kw_hi,
                at,
            } => {
                suppress.push((*at, *at));
                Diagnostic::error(
                    "E0101",
                    format!("expected `do` at the end of the `{keyword}` line"),
                )
                .primary(ctx.sp(*at, *at), "expected `do` here")
                .secondary(ctx.sp(*kw_lo, *kw_hi), "this block starts here")
                .help(format!(
                    "write `{keyword} ... do`, then the block, then `end`"
                ))
            }
        };
        diags.push(d);
    }
    suppress
}

pub(crate) fn report(
    ctx: &Ctx,
    info: &ErrInfo,
    e: ParseError<usize, Tok, LexicalError>,
    diags: &mut Vec<Diagnostic>,
) {
    let d = match e {
        ParseError::UnrecognizedToken {
            token: (lo, tok, hi),
            expected,
        } => {
            if info.suppressed(lo) {
                return;
            }
            let span = ctx.sp(lo, hi);
            let idx = info.los.partition_point(|l| *l < lo);
            let open = info.context.get(idx).copied().flatten();
            let found = tok.describe();
            let closer_kind = match tok {
                Tok::End => Some(OpenKind::Do),
                Tok::RParen => Some(OpenKind::Paren),
                Tok::RBracket => Some(OpenKind::Bracket),
                Tok::RBrace => Some(OpenKind::Brace),
                _ => None,
            };
            match (open, closer_kind) {
                (Some(open), Some(k)) if k != open.kind => {
                    let closer = open.kind.closer();
                    Diagnostic::error(
                        "E0101",
                        format!(
                            "expected `{closer}` to close the {}, found {found}",
                            opened_on(ctx, open)
                        ),
                    )
                    .primary(span, format!("expected `{closer}`"))
                    .secondary(ctx.sp(open.lo as usize, open.hi as usize), "opened here")
                }
                _ => {
                    let exp = expected_desc(&expected);
                    let d = Diagnostic::error("E0101", format!("expected {exp}, found {found}"))
                        .primary(span, format!("expected {exp}"));
                    // `let match = 3`: a reserved word where a name was expected.
                    let reserved = tok
                        .text()
                        .filter(|t| t.chars().all(|c| c.is_ascii_alphabetic()));
                    let expects = |t: &str| expected.iter().any(|e| e.trim_matches('"') == t);
                    let binary = matches!(
                        tok,
                        Tok::Plus
                            | Tok::Star
                            | Tok::Slash
                            | Tok::Percent
                            | Tok::PlusPlus
                            | Tok::EqEq
                            | Tok::Ne
                            | Tok::Lt
                            | Tok::Le
                            | Tok::Gt
                            | Tok::Ge
                            | Tok::And
                            | Tok::Or
                            | Tok::QuestionQuestion
                            | Tok::Catch
                            | Tok::DotDot
                            | Tok::DotDotEq
                            | Tok::DotDotLt
                    );
                    let line_start = ctx.lines.is_some_and(|l| l.starts_line(lo));
                    // `1 < 2 < 3`: after a comparison the grammar still takes `and`/`or`, but
                    // not another comparison (they are non-associative).
                    let comparison = matches!(
                        tok,
                        Tok::EqEq | Tok::Ne | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge
                    );
                    let chained = comparison && !line_start && expects("and");
                    match reserved {
                        _ if chained => {
                            Diagnostic::error("E0101", format!("comparison operators cannot be chained, found {found}"))
                                .primary(span, "a second comparison")
                                .help("compare twice and join with `and`: `a < b and b < c`")
                        }
                        Some(word) if expects("ident") => {
                            d.help(format!("`{word}` is a reserved word and cannot be used as a name"))
                        }
                        _ if binary && line_start => d.help(
                            "a line break ends the statement here; to continue it, end the previous line with the operator",
                        ),
                        _ if expects("|") && expects("after") => {
                            d.help("each `receive` arm starts with `|`: `| Pattern => ...`")
                        }
                        _ => d,
                    }
                }
            }
        }
        ParseError::UnrecognizedEof { location, expected } => {
            if info.unclosed || info.suppressed(location) {
                return;
            }
            let exp = expected_desc(&expected);
            match &info.eof {
                Eof::File => {
                    Diagnostic::error("E0102", format!("unexpected end of file, expected {exp}"))
                        .primary(ctx.sp(info.end, info.end), format!("expected {exp}"))
                }
                Eof::Next(span, what) => {
                    Diagnostic::error("E0101", format!("expected {exp}, found {what}"))
                        .primary(*span, format!("expected {exp} before this"))
                }
                Eof::Interp => Diagnostic::error(
                    "E0107",
                    format!("incomplete interpolated expression, expected {exp}"),
                )
                .primary(ctx.sp(location, info.end), format!("expected {exp}")),
            }
        }
        ParseError::ExtraToken {
            token: (lo, tok, hi),
        } => Diagnostic::error("E0101", format!("unexpected {}", tok.describe()))
            .primary(ctx.sp(lo, hi), "unexpected"),
        ParseError::InvalidToken { location } => Diagnostic::error("E0103", "invalid token")
            .primary(ctx.sp(location, location + 1), "invalid token"),
        ParseError::User { .. } => return,
    };
    // One mistake, one message: recovery may meet the same token twice. (Only recent
    // diagnostics are compared, so garbage input stays linear.)
    let lo = d.primary_span().map(|s| s.lo);
    if diags
        .iter()
        .rev()
        .take(8)
        .any(|old| old.code.starts_with("E010") && old.primary_span().map(|s| s.lo) == lo)
    {
        return;
    }
    diags.push(d);
}

/// Tokens that continue an expression; left out of "expected" lists when something more
/// telling is there.
const OPERATORS: &[&str] = &[
    "+", "-", "*", "/", "%", "++", "==", "!=", "<", "<=", ">", ">=", "and", "or", "??", "catch",
    "..", "..=", "..<", ".", "(", "[", "?", "{", "=", "+=", "-=", "*=", "/=", "%=", "!", "on",
    "within", "restart",
];

/// The expected-token list in the user's terms, collapsed: "an expression", "`,` or `)`".
pub(crate) fn expected_desc(expected: &[String]) -> String {
    let names: Vec<&str> = expected
        .iter()
        .map(|s| {
            s.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(s)
        })
        .filter(|s| !s.starts_with("START_") && *s != "bad number")
        .collect();
    let has = |t: &str| names.contains(&t);
    if has("int") && has("ident") && has("(") && has("if") {
        return "an expression".to_string();
    }
    if has("_") && has("ident") && has("int") {
        return "a pattern".to_string();
    }
    if has("ident") && has("?") && has("[") && !has("int") {
        return "a type".to_string();
    }
    if has("func") && has("struct") && has("actor") {
        return "a declaration".to_string();
    }
    let mut list: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !OPERATORS.contains(n))
        .collect();
    if list.is_empty() {
        // Only operators could continue here; name the one that would end the construct.
        for t in ["{", "=", "(", "!"] {
            if has(t) {
                return format!("`{t}`");
            }
        }
        return "an operator".to_string();
    }
    // Separators first, closers last: "expected `,` or `)`".
    list.sort_by_key(|n| match *n {
        "," | ";" => 0,
        ")" | "]" | "}" | "end" => 2,
        _ => 1,
    });
    // Contextual words are names too; "a name" covers them.
    if list.contains(&"ident") {
        list.retain(|n| Tok::contextual(n).is_none());
    }
    let shown: Vec<String> = list
        .iter()
        .take(6)
        .map(|n| match *n {
            "ident" => "a name".to_string(),
            "int" => "a number".to_string(),
            "float" => "a number".to_string(),
            "duration" => "a duration".to_string(),
            "string" | "interp" => "a string".to_string(),
            ";" => "a line break".to_string(),
            other => format!("`{other}`"),
        })
        .collect();
    let mut shown_dedup: Vec<String> = Vec::new();
    for s in shown {
        if !shown_dedup.contains(&s) {
            shown_dedup.push(s);
        }
    }
    match shown_dedup.len() {
        0 => "something else".to_string(),
        1 => shown_dedup.remove(0),
        n => {
            let last = shown_dedup.remove(n - 1);
            let more = if list.len() > 6 { ", ..." } else { "" };
            format!("{}{more} or {last}", shown_dedup.join(", "))
        }
    }
}

/// Drops a missing-`do` report when the parser reported an error on the same header
/// (`if n > 0 then`): one mistake, one message. `first_parse` is where the parse errors start in
/// `diags`.
pub(crate) fn drop_missing_do(
    repairs: &[layout::Repair],
    diags: &mut Vec<Diagnostic>,
    first_repair: usize,
    first_parse: usize,
) {
    let parse_los: Vec<usize> = diags[first_parse..]
        .iter()
        .filter_map(|d| d.primary_span())
        .map(|s| s.lo as usize)
        .collect();
    let mut doomed = Vec::new();
    for (idx, r) in (first_repair..).zip(repairs) {
        if let layout::Repair::MissingDo { kw_hi, at, .. } = r
            && parse_los.iter().any(|lo| *kw_hi <= *lo && *lo <= *at)
        {
            doomed.push(idx);
        }
    }
    for i in doomed.into_iter().rev() {
        diags.remove(i);
    }
}
