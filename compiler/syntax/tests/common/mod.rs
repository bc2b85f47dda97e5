//! Shared helpers for the syntax tests.
#![allow(dead_code)]

use janus_syntax::{Diagnostic, FileId, ast::Module, parse_module};

/// Parses `src` and returns the module and its diagnostics.
pub fn parse(src: &str) -> (Module, Vec<Diagnostic>) {
    parse_module(FileId(0), src)
}

/// Parses `src`, asserts there are no diagnostics, and returns the dump.
pub fn dump_ok(src: &str) -> String {
    let (m, d) = parse(src);
    assert!(
        d.is_empty(),
        "unexpected diagnostics for\n{src}\n{}",
        render(&d, src)
    );
    janus_syntax::dump(&m)
}

/// The dump of the body of `func main() do <stmts> end`, as its `(block ...)`.
pub fn stmts(body: &str) -> String {
    let src = format!("func main() do\n{body}\nend\n");
    let d = dump_ok(&src);
    let d = d.trim_end();
    let start = d.find("(block").expect("a block");
    d[start..d.len() - 1].to_string()
}

/// The dump of one expression, parsed as `let x = <e>`.
pub fn expr(e: &str) -> String {
    let b = stmts(&format!("let x = {e}"));
    // (block (let x <e>))
    let inner = b
        .strip_prefix("(block (let x ")
        .expect("let")
        .strip_suffix("))")
        .expect("end");
    inner.to_string()
}

/// One line per diagnostic: `CODE line:col message`.
pub fn render(diags: &[Diagnostic], src: &str) -> String {
    let mut out = String::new();
    for d in diags {
        let lo = d
            .primary_span()
            .map(|s| s.lo as usize)
            .unwrap_or(0)
            .min(src.len());
        let line = src[..lo].matches('\n').count() + 1;
        let col = lo - src[..lo].rfind('\n').map(|p| p + 1).unwrap_or(0) + 1;
        out.push_str(&format!("{} {line}:{col} {}\n", d.code, d.message));
    }
    out
}

/// The ```janus code blocks of a markdown document, with their first line number.
pub fn janus_blocks(md: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, line) in md.lines().enumerate() {
        let t = line.trim_start();
        match &mut cur {
            None if t.starts_with("```janus") => cur = Some((i + 2, String::new())),
            Some(_) if t.starts_with("```") => out.extend(cur.take()),
            Some((_, s)) => {
                s.push_str(line);
                s.push('\n');
            }
            None => {}
        }
    }
    out
}
