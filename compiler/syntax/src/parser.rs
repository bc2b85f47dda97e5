//! The parser driver: lexes, splits the file into top-level chunks, runs the layout pass and the
//! generated LR(1) parser on each chunk, and turns parse errors into diagnostics (E0101, E0102).
//!
//! Splitting at item keywords that start a line in column 0 (at nesting depth zero, or anywhere
//! when the file's `do`/`end` do not balance) keeps one broken declaration from swallowing the
//! next: each chunk is parsed on its own, and inside a chunk lalrpop's error
//! recovery (`!` at statement, arm, member and item level) resumes at the next terminator.

use lalrpop_util::ErrorRecovery;

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::errors::{Eof, ErrInfo, drop_missing_do, report, report_repairs, unclosed_diag};
use crate::layout;
use crate::lexer;
use crate::span::{FileId, Span};
use crate::token::{Spanned, Tok};

lalrpop_util::lalrpop_mod!(
    #[allow(
        clippy::all,
        unused_parens,
        unused_imports,
        dead_code,
        unreachable_pub,
        missing_docs
    )]
    grammar
);

/// The lexer never hands errors to the parser (it reports them itself), so this is uninhabited
/// in practice; lalrpop needs a type.
#[derive(Clone, Debug, PartialEq)]
pub struct LexicalError;

/// What the grammar's start symbol produced.
pub enum Top {
    Module(Vec<Item>),
    Expr(Expr),
}

/// One line of a `receive` block.
pub enum RecvItem {
    Arm(ReceiveArm),
    After(AfterArm),
    Error,
}

/// One line of a supervisor body.
pub enum SupItem {
    Setting(SupervisorSetting),
    Child(ChildSpec),
    OnNode(Expr, Span),
    Error,
}

/// Moves boxed list elements out of their boxes (see the grammar's note on boxing).
pub fn unbox<T>(v: Vec<Box<T>>) -> Vec<T> {
    v.into_iter().map(|b| *b).collect()
}

pub(crate) type Recovery<'a> = ErrorRecovery<usize, Tok<'a>, LexicalError>;

/// State shared with the grammar's actions.
pub struct Ctx<'a> {
    pub file: FileId,
    /// Whether line numbers can be given (false inside an interpolation fragment).
    pub(crate) lines: Option<&'a LineIndex<'a>>,
    pub diags: Vec<Diagnostic>,
    pub errors: Vec<Recovery<'a>>,
}

/// Line numbers for messages ("the `do` block on line 3"), computed on first use.
pub(crate) struct LineIndex<'a> {
    src: &'a str,
    starts: std::cell::OnceCell<Vec<u32>>,
}

impl LineIndex<'_> {
    /// 1-based line of byte offset `pos`.
    pub(crate) fn line_of(&self, pos: u32) -> usize {
        let starts = self.starts.get_or_init(|| {
            let mut v = vec![0u32];
            v.extend(
                self.src
                    .bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            v
        });
        starts.partition_point(|s| *s <= pos)
    }

    /// True when only blanks precede `pos` on its line.
    pub(crate) fn starts_line(&self, pos: usize) -> bool {
        let before = self.src.as_bytes().get(..pos).unwrap_or(&[]);
        before
            .iter()
            .rev()
            .take_while(|b| **b != b'\n')
            .all(|b| matches!(b, b' ' | b'\t' | b'\r'))
    }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/// Parses one source file. Never panics; always returns a module, with `Error` nodes where the
/// input made no sense, and every syntax diagnostic found, in source order.
pub fn parse_module(file: FileId, src: &str) -> (Module, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let tokens = lexer::lex(file, src, 0, &mut diags);
    let lens = split_items(src, &tokens);
    // Where each chunk starts, to describe "the next declaration" to the chunk before it.
    let mut starts = Vec::with_capacity(lens.len());
    let mut at = 0;
    for len in &lens {
        starts.push(
            tokens
                .get(at)
                .map(|(lo, t, hi)| (Span::new(file, *lo, *hi), t.describe())),
        );
        at += len;
    }
    let mut items = Vec::new();
    let lines = LineIndex {
        src,
        starts: std::cell::OnceCell::new(),
    };
    let mut iter = tokens.into_iter();
    for (i, len) in lens.iter().enumerate() {
        let next = starts.get(i + 1).cloned().flatten();
        let end = next
            .as_ref()
            .map(|(s, _)| s.lo as usize)
            .unwrap_or(src.len());
        parse_chunk(
            file,
            &lines,
            iter.by_ref().take(*len),
            end,
            next,
            &mut items,
            &mut diags,
        );
    }
    diags.sort_by_key(|d| d.primary_span().map(|s| s.lo).unwrap_or(0));
    (Module { file, items }, diags)
}

/// Parses the expression of an interpolation `{...}`; `text` starts at byte `base` of the file.
pub(crate) fn parse_fragment(
    file: FileId,
    text: &str,
    base: usize,
    diags: &mut Vec<Diagnostic>,
) -> Expr {
    let tokens = lexer::lex(file, text, base, diags);
    let lay = layout::layout(tokens, true);
    let end = base + text.len();
    let mut ctx = Ctx {
        file,
        lines: None,
        diags: Vec::new(),
        errors: Vec::new(),
    };
    let los: Vec<usize> = lay.tokens.iter().map(|t| t.0).collect();
    let start = (base, Tok::StartExpr, base);
    let input = std::iter::once(start)
        .chain(lay.tokens)
        .map(Ok::<_, LexicalError>);
    let result = grammar::StartParser::new().parse(&mut ctx, input);
    let suppress = report_repairs(&ctx, &lay.repairs, diags);
    if lay.too_deep.is_some() {
        diags.push(
            Diagnostic::error("E0107", "interpolated expression nested too deeply")
                .primary(Span::new(file, base, end), "too deeply nested"),
        );
        return Expr {
            kind: ExprKind::Error,
            span: Span::new(file, base, end),
        };
    }
    let info = ErrInfo {
        los: &los,
        context: &lay.context,
        eof: Eof::Interp,
        end,
        suppress,
        unclosed: false,
    };
    let mut out = match result {
        Ok(Top::Expr(e)) => e,
        Ok(Top::Module(_)) => Expr {
            kind: ExprKind::Error,
            span: Span::new(file, base, end),
        },
        Err(e) => {
            report(&ctx, &info, e, diags);
            Expr {
                kind: ExprKind::Error,
                span: Span::new(file, base, end),
            }
        }
    };
    for r in std::mem::take(&mut ctx.errors) {
        report(&ctx, &info, r.error, diags);
    }
    diags.append(&mut ctx.diags);
    if matches!(out.kind, ExprKind::Error) {
        out.span = Span::new(file, base, end);
    }
    out
}

/// True for tokens that start a top-level declaration.
fn starts_item(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Func
            | Tok::Struct
            | Tok::Enum
            | Tok::Error
            | Tok::Message
            | Tok::Type
            | Tok::Const
            | Tok::Actor
            | Tok::Grain
            | Tok::Supervisor
            | Tok::Behavior
            | Tok::Capability
            | Tok::Import
            | Tok::Test
            | Tok::At
    )
}

/// Where to split the token stream: before every item keyword written in column 0 (attribute
/// lines stay with the declaration they precede). Returns the chunk lengths.
///
/// Indentation must never change the meaning of a valid program, so when every `do` has its
/// `end` and every bracket its closer, only keywords at nesting depth zero split (a member
/// written in column 0 stays a member). Only an unbalanced file, which is an error anyway, is
/// split at every column-0 keyword, so that a missing `end` cannot swallow the declarations
/// after it.
fn split_items(src: &str, tokens: &[Spanned<'_>]) -> Vec<usize> {
    let bytes = src.as_bytes();
    let depths = nesting_depths(tokens);
    let balanced = depths.last().is_none_or(|d| *d == 0) && depths.iter().all(|d| *d >= 0);
    let mut lens = Vec::new();
    let mut start = 0;
    let mut has_content = false;
    let mut attrs_only = false;
    for (i, tok) in tokens.iter().enumerate() {
        let top_level = !balanced || depths.get(i).is_none_or(|d| *d == 0);
        let col0 = top_level && (tok.0 == 0 || bytes.get(tok.0 - 1) == Some(&b'\n'));
        // `test` is a declaration only before its name string; elsewhere it is a plain name.
        let is_item = starts_item(&tok.1)
            && (tok.1 != Tok::Test || matches!(tokens.get(i + 1), Some((_, Tok::Str(_), _))));
        if col0 && is_item {
            if has_content && !attrs_only {
                lens.push(i - start);
                start = i;
            }
            attrs_only = tok.1 == Tok::At;
        }
        has_content |= tok.1 != Tok::Newline;
    }
    lens.push(tokens.len() - start);
    lens
}

/// The `do`/bracket nesting depth before each token, followed by the depth after the last one.
/// Closers without an opener count as depth changes too, so a stray `end` also unbalances.
fn nesting_depths(tokens: &[Spanned<'_>]) -> Vec<i64> {
    let mut depth = 0i64;
    let mut depths = Vec::with_capacity(tokens.len() + 1);
    for (_, tok, _) in tokens {
        depths.push(depth);
        match tok {
            Tok::Do | Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
            Tok::End | Tok::RParen | Tok::RBracket | Tok::RBrace => depth -= 1,
            _ => {}
        }
    }
    depths.push(depth);
    depths
}

/// Parses one chunk into `items`. `end` is where the chunk ends (the next chunk's first token
/// or the end of the file); `next` describes that token.
fn parse_chunk<'a>(
    file: FileId,
    lines: &'a LineIndex<'a>,
    tokens: impl Iterator<Item = Spanned<'a>>,
    end: usize,
    next: Option<(Span, String)>,
    items: &mut Vec<Item>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut lay = layout::layout(tokens, false);
    let chunk_lo = lay.tokens.first().map(|t| t.0).unwrap_or(end);
    let mut ctx = Ctx {
        file,
        lines: Some(lines),
        diags: Vec::new(),
        errors: Vec::new(),
    };
    let first_repair = diags.len();
    let mut suppress = report_repairs(&ctx, &lay.repairs, diags);
    let repairs = std::mem::take(&mut lay.repairs);
    if let Some((lo, hi, operators)) = lay.too_deep {
        let message = if operators {
            format!(
                "more than {} operators in one expression",
                layout::MAX_OPERATORS
            )
        } else {
            format!("nesting deeper than {} levels", layout::MAX_DEPTH)
        };
        diags.push(
            Diagnostic::error("E0101", message)
                .primary(ctx.sp(lo, hi), "the input is cut off here")
                .help("split this into smaller functions or bindings"),
        );
    }
    if let Some(inner) = lay.unclosed.last().copied() {
        if lay.too_deep.is_none() {
            diags.push(unclosed_diag(&ctx, inner, end, next.as_ref()));
        }
        // Close everything at the end so the parser keeps what was written; errors inside the
        // innermost unclosed context are consequences of the missing closer.
        suppress.push((inner.lo as usize, usize::MAX));
        for open in lay.unclosed.iter().rev() {
            layout::push_closer(&mut lay.tokens, &mut lay.context, *open, end, end);
        }
    }
    let los: Vec<usize> = lay.tokens.iter().map(|t| t.0).collect();
    let start = (chunk_lo, Tok::StartModule, chunk_lo);
    let input = std::iter::once(start)
        .chain(lay.tokens)
        .map(Ok::<_, LexicalError>);
    let result = grammar::StartParser::new().parse(&mut ctx, input);
    let eof = match &next {
        None => Eof::File,
        Some((span, what)) => Eof::Next(*span, what.clone()),
    };
    let unclosed = !lay.unclosed.is_empty();
    let info = ErrInfo {
        los: &los,
        context: &lay.context,
        eof,
        end,
        suppress,
        unclosed,
    };
    let first_parse = diags.len();
    match result {
        Ok(Top::Module(mut v)) => items.append(&mut v),
        Ok(Top::Expr(_)) => {}
        Err(e) => {
            report(&ctx, &info, e, diags);
            items.push(Item {
                attrs: vec![],
                kind: ItemKind::Error,
                span: Span::new(file, chunk_lo, end),
            });
        }
    }
    for r in std::mem::take(&mut ctx.errors) {
        report(&ctx, &info, r.error, diags);
    }
    drop_missing_do(&repairs, diags, first_repair, first_parse);
    diags.append(&mut ctx.diags);
}
