//! The parser never panics: every prefix of every dialect example, plus deterministic random
//! mutations of them, parse to a module (diagnostics allowed).

mod common;

use janus_syntax::{FileId, parse_module};

const DIALECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/dialect.md");

/// Extra inputs that exercise the lexer's corners.
const CORNERS: &[&str] = &[
    "$\"{",
    "$\"{\"",
    "$\"{$\"{",
    "$\"}\"",
    "\"\\u{110000}\"",
    "\"\\u{\"",
    "\"\\",
    "/* /* */",
    "0x",
    "0b2",
    "1e",
    "1e+",
    "1.5e-",
    "99999999999999999999",
    "99999999999999999999h",
    "t.0.1.2",
    "x.99999999999",
    "@",
    "@(",
    "func",
    "func f(",
    "actor A(",
    "receive do | =>",
    "match { }",
    "else if",
    "end end )]}",
    "$\"{x}}\"",
    "let (a, b",
    "é",
    "\u{0}",
    "let ü = 1",
    "\"\\ü\"",
    "$\"{ü}\"",
    "😀😀",
    "x = 1 😀 2",
    "\r\n\r\n",
    "catch | |",
    "..<",
    "a ?? ?? b",
    "-",
    "--1",
];

fn parse_all(src: &str) {
    let (m, diags) = parse_module(FileId(0), src);
    // Every label must be a valid range of the source, on character boundaries, so that a
    // renderer can slice it.
    for d in &diags {
        assert!(
            d.code.starts_with("E01") || ["E0606", "E0612"].contains(&d.code),
            "parser codes only: {}",
            d.code
        );
        for l in &d.labels {
            let (lo, hi) = (l.span.lo as usize, l.span.hi as usize);
            assert!(
                lo <= hi && hi <= src.len(),
                "label {lo}..{hi} outside {} bytes: {src:?}",
                src.len()
            );
            assert!(
                src.is_char_boundary(lo) && src.is_char_boundary(hi),
                "label {lo}..{hi} splits a character: {src:?}"
            );
        }
    }
    // Every span in the tree must be a valid range of the source too. The Debug rendering
    // lists them all: `Span { file: FileId(0), lo: 3, hi: 7 }`.
    let debug = format!("{m:?}");
    let mut rest = debug.as_str();
    const MARK: &str = "Span { file: FileId(0), lo: ";
    while let Some(p) = rest.find(MARK) {
        rest = &rest[p + MARK.len()..];
        let lo: usize = rest[..rest.find(',').unwrap()].parse().unwrap();
        let q = rest.find("hi: ").unwrap();
        rest = &rest[q + 4..];
        let hi: usize = rest[..rest.find(' ').unwrap()].parse().unwrap();
        assert!(
            lo <= hi && hi <= src.len(),
            "AST span {lo}..{hi} outside {} bytes: {src:?}",
            src.len()
        );
        assert!(
            src.is_char_boundary(lo) && src.is_char_boundary(hi),
            "AST span {lo}..{hi} splits a character: {src:?}"
        );
    }
    let dump = janus_syntax::dump(&m);
    assert!(dump.len() < 100 * src.len() + 1000);
}

/// xorshift64*: deterministic, no extra crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn sources() -> Vec<String> {
    let mut v: Vec<String> = CORNERS.iter().map(|s| s.to_string()).collect();
    match std::fs::read_to_string(DIALECT) {
        Ok(md) => v.extend(common::janus_blocks(&md).into_iter().map(|(_, s)| s)),
        Err(_) => {
            eprintln!("SKIPPED part: {DIALECT} is absent; only built-in corner cases are fuzzed")
        }
    }
    v
}

#[test]
fn every_prefix_parses_without_panic() {
    for src in sources() {
        for (i, _) in src.char_indices() {
            parse_all(&src[..i]);
        }
        parse_all(&src);
    }
}

#[test]
fn random_mutations_parse_without_panic() {
    const PIECES: &[&str] = &[
        "(", ")", "[", "]", "{", "}", "do", "end", "\"", "$\"", "{", "|", "=>", ",", "\n", ";",
        ".", "..", "0", "1.5", "-", "?", "@", "#", "/*", "*/", "\\", "if", "else", "match",
        "receive", "catch", "é", "\t", "x", "_", "e", "😀", "\\u{", "ü",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let srcs = sources();
    for round in 0..3000 {
        let base = &srcs[round % srcs.len()];
        let mut s: Vec<char> = base.chars().collect();
        for _ in 0..1 + rng.below(6) {
            match rng.below(3) {
                0 if !s.is_empty() => {
                    let at = rng.below(s.len());
                    s.remove(at);
                }
                1 => {
                    let at = rng.below(s.len() + 1);
                    let piece = PIECES[rng.below(PIECES.len())];
                    for (k, c) in piece.chars().enumerate() {
                        s.insert(at + k, c);
                    }
                }
                _ if !s.is_empty() => {
                    let at = rng.below(s.len());
                    let other = s[rng.below(s.len())];
                    s[at] = other;
                }
                _ => {}
            }
        }
        let text: String = s.into_iter().collect();
        parse_all(&text);
    }
}

#[test]
fn random_bytes_parse_without_panic() {
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let len = rng.below(80);
        let bytes: Vec<u8> = (0..len)
            .map(|_| b" \n(){}[]\"$\\|=>.,;:0123456789abcdeiftxy_-+*/#@!?"[rng.below(46)])
            .collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        parse_all(&text);
    }
}

#[test]
fn pathological_depth_is_cut_off_not_overflowed() {
    for src in [
        format!("func f() do\n  let x = {}1\nend\n", "-".repeat(200_000)),
        format!("func f() do\n  let x = {}1\nend\n", "not ".repeat(100_000)),
        format!("func f() do\n  let x = 1{}\nend\n", " + 1".repeat(100_000)),
        format!("func f() do\n  let x = a{}\nend\n", ".b".repeat(100_000)),
        format!("func f() do\n  let x = {}1\nend\n", "(".repeat(100_000)),
        format!("func f() do\n  let x = {}\nend\n", "[".repeat(100_000)),
        format!("func f() do\n{}\nend\n", "if x do\n".repeat(100_000)),
    ] {
        let (_, d) = parse_module(FileId(0), &src);
        assert!(
            d.iter()
                .any(|d| d.code == "E0101" && d.message.contains("more than")
                    || d.message.contains("nesting")),
            "{:?}",
            d.first()
        );
    }
    // Long but legal code is fine.
    let ok = format!("func f() do\n  let x = 1{}\nend\n", " + 1".repeat(400));
    assert!(parse_module(FileId(0), &ok).1.is_empty());
    let ok = format!("func f() do\n{}end\n", "  x = x + 1 - 2 * 3\n".repeat(2000));
    assert!(parse_module(FileId(0), &ok).1.is_empty());
}
