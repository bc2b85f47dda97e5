//! Layout rules (§10 "Lines and blocks"), operator precedence, and spans.

mod common;

use common::{expr, parse, render, stmts};
use janus_syntax::ast::{ExprKind, InterpPart, ItemKind, StmtKind};

#[test]
fn precedence() {
    assert_eq!(expr("a ?? b ?? c"), "(?? a (?? b c))");
    assert_eq!(expr("a catch b catch c"), "(catch a (catch b c))");
    assert_eq!(expr("-x.f()"), "(neg (call (. x f) ()))");
    assert_eq!(expr("not a == b"), "(not (== a b))");
    assert_eq!(expr("a..<b"), "(..< a b)");
    assert_eq!(expr("a..=b + 1"), "(..= a (+ b 1))");
    assert_eq!(expr("a .. b"), "(..= a b)");
    assert_eq!(expr("1 + 2 * 3 - 4 % 2"), "(- (+ 1 (* 2 3)) (% 4 2))");
    assert_eq!(expr("a ++ b + c"), "(+ (++ a b) c)");
    assert_eq!(expr("a or b and not c"), "(or a (and b (not c)))");
    assert_eq!(
        expr("a < b and c >= d or e != f"),
        "(or (and (< a b) (>= c d)) (!= e f))"
    );
    assert_eq!(expr("x ?? 0 + 1"), "(?? x (+ 0 1))");
    assert_eq!(expr("a ?? b == c"), "(== (?? a b) c)");
    assert_eq!(expr("try f() + 1"), "(+ (try (call f ())) 1)");
    assert_eq!(expr("-a * b"), "(* (neg a) b)");
    assert_eq!(expr("m.get(k)? ?? 0"), "(?? (try (call (. m get) (k))) 0)");
}

#[test]
fn comparisons_do_not_chain() {
    let (_, d) = parse("func f() do\n  let x = a < b < c\nend\n");
    assert_eq!(d.len(), 1, "{}", render(&d, ""));
    assert_eq!(d[0].code, "E0101");
}

#[test]
fn line_continuation() {
    assert_eq!(stmts("let x = 1 +\n  2"), "(block (let x (+ 1 2)))");
    assert_eq!(stmts("let x =\n  2"), "(block (let x 2))");
    assert_eq!(stmts("f(1,\n  2\n)"), "(block (call f (1 2)))");
    assert_eq!(
        stmts("let xs = [\n  1,\n  2\n]"),
        "(block (let xs (list 1 2)))"
    );
    assert_eq!(stmts("let y = a.\n  b"), "(block (let y (. a b)))");
    assert_eq!(
        stmts("let z = a and\n  b or\n  c"),
        "(block (let z (or (and a b) c)))"
    );
    assert_eq!(stmts("let v = a ??\n  b"), "(block (let v (?? a b)))");
    assert_eq!(
        stmts("x = 1\n-2"),
        "(block (= x 1) (neg 2))",
        "a line starting with an operator is a new statement"
    );
    assert_eq!(stmts("a; b;; c\n\n\n d"), "(block a b c d)");
}

#[test]
fn comma_optional_after_end_or_brace() {
    assert_eq!(
        stmts("let r = match x {\n  1 => do\n    a\n  end\n  2 => P { x: 1 }\n  _ => 0\n}"),
        "(block (let r (match x (1 => (block a)) (2 => (struct P (x 1))) (_ => 0))))"
    );
}

#[test]
fn do_block_inside_brackets_uses_lines() {
    assert_eq!(
        stmts("f(do\n  let a = 1\n  a + 1\nend)"),
        "(block (call f ((block (let a 1) (+ a 1)))))"
    );
    assert_eq!(
        stmts("let xs = [do\n  1\n  2\nend, 3]"),
        "(block (let xs (list (block 1 2) 3)))"
    );
}

#[test]
fn pipe_starts_receive_arm() {
    let src = "actor A implements M do\n  receive do\n    | X =>\n      f()\n    | Y => g()\n  end\nend\n";
    let (m, d) = parse(src);
    assert!(d.is_empty(), "{}", render(&d, src));
    assert_eq!(
        janus_syntax::dump(&m),
        "(actor A implements M (receive (| X => (call f ())) (| Y => (call g ()))))\n"
    );
}

#[test]
fn comments() {
    let src = "// line\n# hash\n/// doc\n/* block /* nested */ still */\nfunc f() do // trailing\n  1 /* inline */ + 2\nend\n";
    let (m, d) = parse(src);
    assert!(d.is_empty(), "{}", render(&d, src));
    assert_eq!(janus_syntax::dump(&m), "(func f () (block (+ 1 2)))\n");
}

#[test]
fn spans_are_byte_offsets() {
    let src = "func f() do\n  let x = a + bc\nend\n";
    let (m, d) = parse(src);
    assert!(d.is_empty());
    let ItemKind::Func(f) = &m.items[0].kind else {
        panic!("func")
    };
    assert_eq!(&src[f.span.range()], src.trim_end());
    assert_eq!(f.name.name, "f");
    assert_eq!(&src[f.name.span.range()], "f");
    let body = f.body.as_ref().unwrap();
    assert_eq!(&src[body.span.range()], "do\n  let x = a + bc\nend");
    let StmtKind::Let { init, pat, .. } = &body.stmts[0].kind else {
        panic!("let")
    };
    assert_eq!(&src[body.stmts[0].span.range()], "let x = a + bc");
    assert_eq!(&src[pat.span.range()], "x");
    assert_eq!(&src[init.span.range()], "a + bc");
    let ExprKind::Binary { rhs, .. } = &init.kind else {
        panic!("binary")
    };
    assert_eq!(&src[rhs.span.range()], "bc");
}

#[test]
fn interpolation_spans_are_absolute() {
    let src = "func f() do\n  let s = $\"hi {name} and {m.get(\"a\") ?? n + 1}!\"\nend\n";
    let (m, d) = parse(src);
    assert!(d.is_empty(), "{}", render(&d, src));
    let ItemKind::Func(f) = &m.items[0].kind else {
        panic!("func")
    };
    let StmtKind::Let { init, .. } = &f.body.as_ref().unwrap().stmts[0].kind else {
        panic!("let")
    };
    assert_eq!(
        &src[init.span.range()],
        "$\"hi {name} and {m.get(\"a\") ?? n + 1}!\""
    );
    let ExprKind::Interp(parts) = &init.kind else {
        panic!("interp")
    };
    assert_eq!(parts.len(), 5);
    let InterpPart::Expr(e1) = &parts[1] else {
        panic!("expr")
    };
    assert_eq!(&src[e1.span.range()], "name");
    let InterpPart::Expr(e2) = &parts[3] else {
        panic!("expr")
    };
    assert_eq!(&src[e2.span.range()], "m.get(\"a\") ?? n + 1");
    let ExprKind::Binary { rhs, .. } = &e2.kind else {
        panic!("binary")
    };
    assert_eq!(&src[rhs.span.range()], "n + 1");
    assert_eq!(parts[4], InterpPart::Lit("!".into()));
}

#[test]
fn error_in_interpolation_points_inside_the_string() {
    let src = "func f() do\n  let s = $\"a {1 + } b\"\nend\n";
    let (_, d) = parse(src);
    assert_eq!(d.len(), 1, "{}", render(&d, src));
    assert_eq!(d[0].code, "E0107");
    let at = d[0].primary_span().unwrap().lo as usize;
    assert!(src[..at].trim_end().ends_with("{1 +"), "points at {at}");
}
