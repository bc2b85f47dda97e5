//! The layout pass: turns line breaks into statement terminators and separators (dialect §10
//! "Lines and blocks") so that the grammar only ever sees explicit `;` and `,`.
//!
//! A stack of open contexts decides what a line break means: at top level and inside `do ... end`
//! it ends a statement (a virtual `;`), unless the line ends in a token that cannot end one
//! (a binary operator, `,`, `=`, `=>`, `->`, `.`, an opening bracket...). Inside `( )` and `[ ]`
//! it means nothing. Inside `{ }` it means nothing either, except that after an item ending in
//! `end` or `}` it stands for the comma that may be left out there. A line starting with `|`
//! always starts a new `receive` arm. Redundant terminators are dropped, as are terminators
//! right before a closing `end`, `else` or bracket, so the grammar needs no empty statements.

use crate::token::{Spanned, Tok};

/// What kind of bracket or block is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenKind {
    Do,
    Paren,
    Bracket,
    Brace,
}

impl OpenKind {
    pub fn closer(self) -> &'static str {
        match self {
            OpenKind::Do => "end",
            OpenKind::Paren => ")",
            OpenKind::Bracket => "]",
            OpenKind::Brace => "}",
        }
    }

    pub fn opener(self) -> &'static str {
        match self {
            OpenKind::Do => "do",
            OpenKind::Paren => "(",
            OpenKind::Bracket => "[",
            OpenKind::Brace => "{",
        }
    }
}

/// An open context: its kind and the byte range of its opener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Open {
    pub kind: OpenKind,
    pub lo: u32,
    pub hi: u32,
    /// Set after `else if`: the coming `do` continues this block instead of opening one.
    elseif: bool,
}

/// A place where the layout pass repaired the token stream; the parser reports each one once
/// and suppresses its own errors that follow from it.
#[derive(Clone, Debug, PartialEq)]
pub enum Repair {
    /// A closer matched an outer context: the contexts opened inside it (innermost `open`) were
    /// left open and have been closed right before it.
    LeftOpen {
        open: Open,
        found: String,
        lo: usize,
        hi: usize,
    },
    /// A closer of a kind that is not open anywhere: it stands for the closer of `open`.
    Replaced {
        open: Open,
        found: String,
        lo: usize,
        hi: usize,
    },
    /// A closer with nothing open: dropped.
    Dropped { found: String, lo: usize, hi: usize },
    /// A line starting a block (`if`, `while`, `for`, `else if` at `kw_lo..kw_hi`) ended
    /// without `do`: one was inserted at `at`.
    MissingDo {
        keyword: &'static str,
        kw_lo: usize,
        kw_hi: usize,
        at: usize,
    },
}

/// Deepest nesting of brackets and blocks accepted; deeper input is cut off (and reported) so
/// that later recursive passes over the tree cannot overflow the stack.
pub const MAX_DEPTH: usize = 128;

/// Most operators in one statement, argument or element (between `;`, `,`, `do` and `end`):
/// each nests the tree one level deeper, so longer chains are cut off like deep nesting.
pub const MAX_OPERATORS: usize = 512;

/// The result of the layout pass.
pub struct Layout<'a> {
    pub tokens: Vec<Spanned<'a>>,
    /// For each token, the innermost context open when it was read (before it was applied).
    pub context: Vec<Option<Open>>,
    /// Contexts still open at the end of the input, outermost first.
    pub unclosed: Vec<Open>,
    /// Repairs made, in source order.
    pub repairs: Vec<Repair>,
    /// Where the input was cut off for nesting deeper than [`MAX_DEPTH`], or for more than
    /// [`MAX_OPERATORS`] operators in a row (`true`).
    pub too_deep: Option<(usize, usize, bool)>,
}

/// True when a line ending in `t` continues on the next line.
fn continues(t: &Tok) -> bool {
    use Tok::*;
    matches!(
        t,
        Plus | Minus
            | Star
            | Slash
            | Percent
            | PlusPlus
            | EqEq
            | Ne
            | Lt
            | Le
            | Gt
            | Ge
            | And
            | Or
            | Not
            | QuestionQuestion
            | DotDot
            | DotDotEq
            | DotDotLt
            | Catch
            | Try
            | In
            | When
            | Comma
            | Eq
            | ColonEq
            | PlusEq
            | MinusEq
            | StarEq
            | SlashEq
            | PercentEq
            | FatArrow
            | Arrow
            | Dot
            | LParen
            | LBracket
            | LBrace
            | Colon
            | Pipe
            | At
            | Bang
            | Do
            | Else
            | ElseIf
            | StartModule
            | StartExpr
    )
}

/// Tokens that nest the expression tree one level deeper.
fn is_operator(t: &Tok) -> bool {
    use Tok::*;
    matches!(
        t,
        Plus | Minus
            | Star
            | Slash
            | Percent
            | PlusPlus
            | EqEq
            | Ne
            | Lt
            | Le
            | Gt
            | Ge
            | And
            | Or
            | Not
            | Try
            | QuestionQuestion
            | Catch
            | Question
            | Dot
            | DotDot
            | DotDotEq
            | DotDotLt
    )
}

/// True when a terminator right before `t` is pointless (the grammar does not want one there).
fn no_term_before(t: &Tok) -> bool {
    matches!(
        t,
        Tok::End | Tok::Else | Tok::ElseIf | Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::Comma
    )
}

/// A block keyword whose line has not yet shown its `do`.
#[derive(Clone, Copy)]
struct PendingDo {
    keyword: &'static str,
    lo: usize,
    hi: usize,
    depth: usize,
}

struct Layouter<'a> {
    out: Vec<Spanned<'a>>,
    context: Vec<Option<Open>>,
    stack: Vec<Open>,
    repairs: Vec<Repair>,
    pending_do: Option<PendingDo>,
    nested: bool,
}

/// Runs the layout pass. `nested` is for interpolated expressions, where line breaks outside
/// a `do` block mean nothing.
pub fn layout<'a>(input: impl IntoIterator<Item = Spanned<'a>>, nested: bool) -> Layout<'a> {
    let input = input.into_iter();
    let cap = input.size_hint().0;
    let mut l = Layouter {
        out: Vec::with_capacity(cap),
        context: Vec::with_capacity(cap),
        stack: Vec::new(),
        repairs: Vec::new(),
        pending_do: None,
        nested,
    };
    let mut too_deep = None;
    let mut newline = false;
    let mut operators = 0usize;
    for (lo, tok, hi) in input {
        if tok == Tok::Newline {
            newline = true;
            continue;
        }
        let after_newline = std::mem::take(&mut newline);
        if after_newline {
            l.line_break(&tok);
            if matches!(l.out.last(), Some((_, Tok::Semi(_) | Tok::Comma, _))) {
                operators = 0;
            }
        }
        if l.stack.len() >= MAX_DEPTH
            && matches!(tok, Tok::LParen | Tok::LBracket | Tok::LBrace | Tok::Do)
        {
            too_deep = Some((lo, hi, false));
            break;
        }
        if is_operator(&tok) {
            operators += 1;
            if operators > MAX_OPERATORS {
                too_deep = Some((lo, hi, true));
                break;
            }
        } else if matches!(tok, Tok::Semi(_) | Tok::Comma | Tok::Do | Tok::End) {
            operators = 0;
        }
        l.feed(lo, tok, hi, after_newline);
    }
    // No terminator at the very end.
    if matches!(l.out.last(), Some((_, Tok::Semi(_), _))) {
        l.out.pop();
        l.context.pop();
    }
    Layout {
        tokens: l.out,
        context: l.context,
        unclosed: l.stack,
        repairs: l.repairs,
        too_deep,
    }
}

impl<'a> Layouter<'a> {
    fn line_significant(&self) -> bool {
        match self.stack.last() {
            None => !self.nested,
            Some(o) => o.kind == OpenKind::Do,
        }
    }

    fn push(&mut self, tok: Spanned<'a>, top: Option<Open>) {
        self.out.push(tok);
        self.context.push(top);
    }

    fn open(&mut self, kind: OpenKind, lo: usize, hi: usize) {
        self.stack.push(Open {
            kind,
            lo: lo as u32,
            hi: hi as u32,
            elseif: false,
        });
    }

    /// Applies one token (real or synthesized) to the stack and the output.
    fn feed(&mut self, lo: usize, tok: Tok<'a>, hi: usize, after_newline: bool) {
        let top = self.stack.last().copied();
        match &tok {
            Tok::Semi(_) => {
                push_term(&mut self.out, &mut self.context, top, lo, hi, false);
                return;
            }
            t if no_term_before(t) => {
                if matches!(self.out.last(), Some((_, Tok::Semi(_), _))) {
                    self.out.pop();
                    self.context.pop();
                }
            }
            _ => {}
        }
        match &tok {
            Tok::LParen => self.open(OpenKind::Paren, lo, hi),
            Tok::LBracket => self.open(OpenKind::Bracket, lo, hi),
            Tok::LBrace => self.open(OpenKind::Brace, lo, hi),
            Tok::RParen | Tok::RBracket | Tok::RBrace | Tok::End => {
                let kind = match tok {
                    Tok::RParen => OpenKind::Paren,
                    Tok::RBracket => OpenKind::Bracket,
                    Tok::RBrace => OpenKind::Brace,
                    _ => OpenKind::Do,
                };
                if self.stack.last().is_some_and(|o| o.kind == kind) {
                    self.stack.pop();
                } else if let Some(pos) = self.stack.iter().rposition(|o| o.kind == kind) {
                    // The contexts opened after the matching one were left open: close them here.
                    if let Some(open) = self.stack.last().copied() {
                        self.repairs.push(Repair::LeftOpen {
                            open,
                            found: tok.describe(),
                            lo,
                            hi,
                        });
                    }
                    let inner: Vec<Open> = self.stack.drain(pos..).skip(1).rev().collect();
                    for open in inner {
                        push_closer(&mut self.out, &mut self.context, open, lo, lo);
                    }
                } else if let Some(open) = self.stack.pop() {
                    // A closer of a kind that is not open: it stands for the expected one.
                    self.repairs.push(Repair::Replaced {
                        open,
                        found: tok.describe(),
                        lo,
                        hi,
                    });
                    push_closer(&mut self.out, &mut self.context, open, lo, hi);
                    return;
                } else {
                    self.repairs.push(Repair::Dropped {
                        found: tok.describe(),
                        lo,
                        hi,
                    });
                    return;
                }
            }
            Tok::If if !after_newline && matches!(self.out.last(), Some((_, Tok::Else, _))) => {
                // `else if` on one line continues the chain: one token, and its `do` opens nothing.
                if let Some(top) = self.stack.last_mut() {
                    top.elseif = true;
                }
                let mut else_lo = lo;
                if let Some(last) = self.out.last_mut() {
                    else_lo = last.0;
                    *last = (last.0, Tok::ElseIf, hi);
                }
                self.expect_do("else if", else_lo, hi);
                return;
            }
            Tok::If => self.expect_do("if", lo, hi),
            Tok::While => self.expect_do("while", lo, hi),
            Tok::For => self.expect_do("for", lo, hi),
            Tok::Do => {
                if self.pending_do.is_some_and(|p| p.depth == self.stack.len()) {
                    self.pending_do = None;
                }
                match self.stack.last_mut() {
                    Some(top) if top.elseif => top.elseif = false,
                    _ => self.open(OpenKind::Do, lo, hi),
                }
            }
            _ => {}
        }
        self.push((lo, tok, hi), top);
    }

    /// Remembers that the line of a block keyword should end with `do`.
    fn expect_do(&mut self, keyword: &'static str, lo: usize, hi: usize) {
        if self.line_significant() {
            self.pending_do = Some(PendingDo {
                keyword,
                lo,
                hi,
                depth: self.stack.len(),
            });
        }
    }

    /// Handles a line break seen before `next`.
    fn line_break(&mut self, next: &Tok) {
        let top = self.stack.last().copied();
        if self.nested && top.is_none() {
            return;
        }
        let Some((_, last, last_hi)) = self.out.last() else {
            return;
        };
        let last_hi = *last_hi;
        let continued = continues(last);
        match top.map(|o| o.kind) {
            None | Some(OpenKind::Do) => {
                if let Some(p) = self.pending_do
                    && p.depth == self.stack.len()
                    && !continued
                {
                    // `while x > 0` with the `do` forgotten: supply it, so the block nests right.
                    self.pending_do = None;
                    self.repairs.push(Repair::MissingDo {
                        keyword: p.keyword,
                        kw_lo: p.lo,
                        kw_hi: p.hi,
                        at: last_hi,
                    });
                    self.feed(last_hi, Tok::Do, last_hi, false);
                    return;
                }
                let arm = *next == Tok::Pipe && top.is_some();
                if arm || !continued {
                    push_term(
                        &mut self.out,
                        &mut self.context,
                        top,
                        last_hi,
                        last_hi,
                        true,
                    );
                }
            }
            Some(OpenKind::Brace) => {
                if matches!(last, Tok::End | Tok::RBrace)
                    && !matches!(next, Tok::Comma | Tok::RBrace | Tok::RParen | Tok::RBracket)
                {
                    self.push((last_hi, Tok::Comma, last_hi), top);
                }
            }
            Some(OpenKind::Paren | OpenKind::Bracket) => {}
        }
    }
}

/// The token that closes `kind`.
pub fn closer_token(kind: OpenKind) -> Tok<'static> {
    match kind {
        OpenKind::Do => Tok::End,
        OpenKind::Paren => Tok::RParen,
        OpenKind::Bracket => Tok::RBracket,
        OpenKind::Brace => Tok::RBrace,
    }
}

/// Appends a synthesized closer for `open` (dropping a terminator right before it).
pub fn push_closer(
    out: &mut Vec<Spanned<'_>>,
    context: &mut Vec<Option<Open>>,
    open: Open,
    lo: usize,
    hi: usize,
) {
    if matches!(out.last(), Some((_, Tok::Semi(_), _))) {
        out.pop();
        context.pop();
    }
    out.push((lo, closer_token(open.kind), hi));
    context.push(Some(open));
}

/// Emits a terminator unless the previous token makes it redundant.
fn push_term<'a>(
    out: &mut Vec<Spanned<'a>>,
    context: &mut Vec<Option<Open>>,
    top: Option<Open>,
    lo: usize,
    hi: usize,
    virtual_: bool,
) {
    let redundant = match out.last() {
        None => true,
        Some((_, t, _)) => {
            matches!(
                t,
                Tok::Semi(_)
                    | Tok::Do
                    | Tok::Else
                    | Tok::LParen
                    | Tok::LBracket
                    | Tok::LBrace
                    | Tok::Comma
                    | Tok::StartModule
                    | Tok::StartExpr
            )
        }
    };
    if !redundant {
        out.push((lo, Tok::Semi(virtual_), hi));
        context.push(top);
    }
}
