//! The lexer: logos splits the source into raw tokens; `literals` decodes numbers and scans
//! strings, nested block comments and interpolations by hand. Bad input is reported (E0103-E0107)
//! and skipped, so lexing never stops.

use logos::Logos;

use crate::diagnostic::Diagnostic;
use crate::literals::{block_comment_len, number, number_extension, scan_interp, scan_string};
use crate::span::{FileId, Span};
use crate::token::{Spanned, Tok};

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\f]+")]
enum Raw {
    #[regex(r"//[^\n]*", logos::skip, allow_greedy = true)]
    #[regex(r"#[^\n]*", logos::skip, allow_greedy = true)]
    LineComment,
    #[token("/*")]
    BlockComment,
    #[token("\n")]
    Newline,
    #[token("\"")]
    Quote,
    #[token("$\"")]
    InterpQuote,
    #[regex(r"[0-9][0-9a-zA-Z_]*")]
    Number,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,

    #[token("func")]
    Func,
    #[token("let")]
    Let,
    #[token("var")]
    Var,
    #[token("const")]
    Const,
    #[token("type")]
    Type,
    #[token("struct")]
    Struct,
    #[token("enum")]
    Enum,
    #[token("message")]
    Message,
    #[token("error")]
    Error,
    #[token("actor")]
    Actor,
    #[token("grain")]
    Grain,
    #[token("supervisor")]
    Supervisor,
    #[token("behavior")]
    Behavior,
    #[token("capability")]
    Capability,
    #[token("receive")]
    Receive,
    #[token("spawn")]
    Spawn,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("while")]
    While,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("match")]
    Match,
    #[token("when")]
    When,
    #[token("return")]
    Return,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("fail")]
    Fail,
    #[token("try")]
    Try,
    #[token("catch")]
    Catch,
    #[token("import")]
    Import,
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("null")]
    Null,
    #[token("self")]
    SelfKw,
    #[token("do")]
    Do,
    #[token("end")]
    End,
    #[token("_", priority = 5)]
    Underscore,

    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(":=")]
    ColonEq,
    #[token("=")]
    Eq,
    #[token("==")]
    EqEq,
    #[token("!=")]
    Ne,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("++")]
    PlusPlus,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
    #[token("?")]
    Question,
    #[token("??")]
    QuestionQuestion,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("..=")]
    DotDotEq,
    #[token("..<")]
    DotDotLt,
    #[token("->")]
    Arrow,
    #[token("=>")]
    FatArrow,
    #[token("|")]
    Pipe,
    #[token("@")]
    At,
    #[token("!")]
    Bang,
}

/// Lexes `src` (which starts at byte `base` of the file) into tokens with absolute offsets.
/// Line breaks are kept as [`Tok::Newline`] for the layout pass. Problems go to `diags`; the
/// offending stretch is skipped or replaced by a best-effort token, so lexing never stops.
pub fn lex<'a>(
    file: FileId,
    src: &'a str,
    base: usize,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Spanned<'a>> {
    let mut out: Vec<Spanned<'a>> = Vec::with_capacity(src.len() / 4 + 4);
    let mut lex = Raw::lexer(src);
    let sp = |lo: usize, hi: usize| Span::new(file, base + lo, base + hi);
    while let Some(res) = lex.next() {
        let range = lex.span();
        let (lo, hi) = (range.start, range.end);
        let raw = match res {
            Ok(r) => r,
            Err(()) => {
                // A run of bad characters is one mistake: extend the previous report.
                if let Some(d) = diags.last_mut()
                    && d.code == "E0103"
                    && let Some(label) = d.labels.first_mut()
                    && label.span.hi as usize == base + lo
                {
                    label.span.hi = (base + hi) as u32;
                    d.message = "unexpected characters".to_string();
                    label.message = "these characters do not start any token".to_string();
                    continue;
                }
                let text = &src[lo..hi];
                let shown = text
                    .chars()
                    .next()
                    .map(|c| c.escape_debug().to_string())
                    .unwrap_or_default();
                diags.push(
                    Diagnostic::error("E0103", format!("unexpected character `{shown}`"))
                        .primary(sp(lo, hi), "this character does not start any token"),
                );
                continue;
            }
        };
        let tok = match raw {
            Raw::LineComment => continue,
            Raw::BlockComment => {
                let len = block_comment_len(&src[hi..]);
                match len {
                    Some(n) => lex.bump(n),
                    None => {
                        lex.bump(src.len() - hi);
                        diags.push(
                            Diagnostic::error("E0104", "unterminated block comment")
                                .primary(sp(lo, hi), "this comment is never closed")
                                .help("close it with `*/` (block comments nest)"),
                        );
                    }
                }
                continue;
            }
            Raw::Newline => Tok::Newline,
            Raw::Quote => {
                let (value, len) = scan_string(file, src, base, hi, diags, lo);
                lex.bump(len);
                Tok::Str(value)
            }
            Raw::InterpQuote => {
                let (parts, len) = scan_interp(file, src, base, hi, diags, lo);
                lex.bump(len);
                Tok::Interp(parts)
            }
            Raw::Number => {
                let extra = number_extension(src, lo, hi);
                lex.bump(extra);
                let hi = hi + extra;
                number(&src[lo..hi], sp(lo, hi), diags)
            }
            Raw::Ident => {
                let s = &src[lo..hi];
                Tok::contextual(s).unwrap_or(Tok::Ident(s))
            }
            Raw::Func => Tok::Func,
            Raw::Let => Tok::Let,
            Raw::Var => Tok::Var,
            Raw::Const => Tok::Const,
            Raw::Type => Tok::Type,
            Raw::Struct => Tok::Struct,
            Raw::Enum => Tok::Enum,
            Raw::Message => Tok::Message,
            Raw::Error => Tok::Error,
            Raw::Actor => Tok::Actor,
            Raw::Grain => Tok::Grain,
            Raw::Supervisor => Tok::Supervisor,
            Raw::Behavior => Tok::Behavior,
            Raw::Capability => Tok::Capability,
            Raw::Receive => Tok::Receive,
            Raw::Spawn => Tok::Spawn,
            Raw::If => Tok::If,
            Raw::Else => Tok::Else,
            Raw::While => Tok::While,
            Raw::For => Tok::For,
            Raw::In => Tok::In,
            Raw::Match => Tok::Match,
            Raw::When => Tok::When,
            Raw::Return => Tok::Return,
            Raw::Break => Tok::Break,
            Raw::Continue => Tok::Continue,
            Raw::Fail => Tok::Fail,
            Raw::Try => Tok::Try,
            Raw::Catch => Tok::Catch,
            Raw::Import => Tok::Import,
            Raw::And => Tok::And,
            Raw::Or => Tok::Or,
            Raw::Not => Tok::Not,
            Raw::True => Tok::True,
            Raw::False => Tok::False,
            Raw::Null => Tok::Null,
            Raw::SelfKw => Tok::SelfKw,
            Raw::Do => Tok::Do,
            Raw::End => Tok::End,
            Raw::Underscore => Tok::Underscore,
            Raw::LParen => Tok::LParen,
            Raw::RParen => Tok::RParen,
            Raw::LBracket => Tok::LBracket,
            Raw::RBracket => Tok::RBracket,
            Raw::LBrace => Tok::LBrace,
            Raw::RBrace => Tok::RBrace,
            Raw::Comma => Tok::Comma,
            Raw::Semi => Tok::Semi(false),
            Raw::Colon => Tok::Colon,
            Raw::ColonEq => Tok::ColonEq,
            Raw::Eq => Tok::Eq,
            Raw::EqEq => Tok::EqEq,
            Raw::Ne => Tok::Ne,
            Raw::Lt => Tok::Lt,
            Raw::Le => Tok::Le,
            Raw::Gt => Tok::Gt,
            Raw::Ge => Tok::Ge,
            Raw::Plus => Tok::Plus,
            Raw::Minus => Tok::Minus,
            Raw::Star => Tok::Star,
            Raw::Slash => Tok::Slash,
            Raw::Percent => Tok::Percent,
            Raw::PlusPlus => Tok::PlusPlus,
            Raw::PlusEq => Tok::PlusEq,
            Raw::MinusEq => Tok::MinusEq,
            Raw::StarEq => Tok::StarEq,
            Raw::SlashEq => Tok::SlashEq,
            Raw::PercentEq => Tok::PercentEq,
            Raw::Question => Tok::Question,
            Raw::QuestionQuestion => Tok::QuestionQuestion,
            Raw::Dot => Tok::Dot,
            Raw::DotDot => Tok::DotDot,
            Raw::DotDotEq => Tok::DotDotEq,
            Raw::DotDotLt => Tok::DotDotLt,
            Raw::Arrow => Tok::Arrow,
            Raw::FatArrow => Tok::FatArrow,
            Raw::Pipe => Tok::Pipe,
            Raw::At => Tok::At,
            Raw::Bang => Tok::Bang,
        };
        let hi = lex.span().end;
        out.push((base + lo, tok, base + hi));
    }
    out
}
