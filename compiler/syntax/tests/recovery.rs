//! Error recovery: independent mistakes are each reported once, without follow-on errors,
//! and the rest of the file still parses.

mod common;

use common::{parse, render};

fn codes(src: &str) -> Vec<(&'static str, usize)> {
    let (_, d) = parse(src);
    d.iter()
        .map(|d| {
            let lo = d.primary_span().map(|s| s.lo as usize).unwrap_or(0);
            (d.code, src[..lo.min(src.len())].matches('\n').count() + 1)
        })
        .collect()
}

#[test]
fn three_errors_in_three_functions() {
    let src = "func a() do\n    let x = (1 + )\n    println(x)\nend\n\nfunc b() do\n    let y = 3 3\n    y += 1\nend\n\nfunc c() -> i64 do\n    return match x { 1 => 2, => 3 }\nend\n\nfunc d() do\n    ok()\nend\n";
    assert_eq!(
        codes(src),
        vec![("E0101", 2), ("E0101", 7), ("E0101", 12)],
        "{}",
        render(&parse(src).1, src)
    );
    let (m, _) = parse(src);
    assert_eq!(m.items.len(), 4);
    let dump = janus_syntax::dump(&m);
    assert!(dump.contains("(func d () (block (call ok ())))"), "{dump}");
    assert!(
        dump.contains("(call println (x))"),
        "statements after the error survive: {dump}"
    );
}

#[test]
fn messages_name_what_was_expected() {
    let (_, d) = parse("func a() do\n  let x = (1 + )\nend\n");
    assert_eq!(d[0].message, "expected an expression, found `)`");
    let (_, d) = parse("func a() do\n  let match = 3\nend\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "expected a pattern, found `match`");
    assert_eq!(
        d[0].help.as_deref(),
        Some("`match` is a reserved word and cannot be used as a name")
    );
    let (_, d) = parse("func a() do\n  f(1 2)\nend\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "expected `,` or `)`, found a number");
}

#[test]
fn wrong_closer_names_the_open_block() {
    let src = "func d() do\n    if x do\n        foo()\n    }\nend\n";
    let (m, d) = parse(src);
    assert_eq!(d.len(), 1, "{}", render(&d, src));
    assert_eq!(
        d[0].message,
        "expected `end` to close the `do` block on line 2, found `}`"
    );
    assert_eq!(d[0].labels.len(), 2);
    assert_eq!(
        d[0].help.as_deref(),
        Some("a block opened with `do` is closed with `end`")
    );
    assert!(!d[0].labels[1].primary);
    assert_eq!(
        janus_syntax::dump(&m),
        "(func d () (block (if x (block (call foo ())))))\n"
    );
}

#[test]
fn unclosed_at_eof_points_at_opener() {
    let src = "func f() do\n  let x = 1\n  if x do\n    g(\n";
    let (m, d) = parse(src);
    assert_eq!(d.len(), 1, "{}", render(&d, src));
    assert_eq!(d[0].code, "E0102");
    // The primary label is the opener; the end of the file is secondary.
    let prim = d[0].primary_span().unwrap();
    assert_eq!(&src[prim.range()], "(");
    let sec = d[0].labels.iter().find(|l| !l.primary).unwrap();
    assert_eq!(sec.span.lo as usize, src.len());
    // What was written is kept.
    assert_eq!(
        janus_syntax::dump(&m),
        "(func f () (block (let x 1) (if x (block (call g ())))))\n"
    );
    let (_, d) = parse("func f() do\n  x = 1\n");
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].message,
        "unexpected end of file: the `do` block on line 1 is never closed"
    );
}

#[test]
fn missing_end_does_not_swallow_the_next_function() {
    let src = "func f() do\n  if x do\n    g()\nend\n\nfunc h() do\n  k()\nend\n";
    let (m, d) = parse(src);
    assert_eq!(d.len(), 1, "{}", render(&d, src));
    assert!(
        d[0].message
            .starts_with("expected `end` to close the `do` block on line 1"),
        "{}",
        d[0].message
    );
    assert!(janus_syntax::dump(&m).contains("(func h () (block (call k ())))"));
}

#[test]
fn member_and_arm_errors_recover() {
    let src = "actor A implements M do\n  var x: = 1\n  var y = 2\n  receive do\n    | Foo => x += \n    | Bar => y = 3\n    | => 4\n  end\nend\n";
    assert_eq!(
        codes(src),
        vec![("E0101", 2), ("E0101", 5), ("E0101", 7)],
        "{}",
        render(&parse(src).1, src)
    );
    let dump = janus_syntax::dump(&parse(src).0);
    assert!(dump.contains("(var y 2)"), "{dump}");
    assert!(dump.contains("(| Bar => (= y 3))"), "{dump}");
}

#[test]
fn statement_errors_recover_in_nested_blocks() {
    let src = "func f() do\n  while x do\n    let = 1\n    if y do\n      z = = 2\n    end\n    ok()\n  end\nend\n";
    assert_eq!(
        codes(src),
        vec![("E0101", 3), ("E0101", 5)],
        "{}",
        render(&parse(src).1, src)
    );
    assert!(janus_syntax::dump(&parse(src).0).contains("(call ok ())"));
}

#[test]
fn lexical_errors() {
    assert_eq!(
        codes("func f() do\n  let s = \"abc\n  g()\nend\n"),
        vec![("E0104", 2)],
        "a string ends at its line"
    );
    assert_eq!(
        codes("/* never closed\nfunc f() do end"),
        vec![("E0104", 1)]
    );
    assert_eq!(
        codes("func f() do\n  let s = \"a\\qb\"\nend\n"),
        vec![("E0105", 2)]
    );
    assert_eq!(
        codes("func f() do\n  let s = \"\\u{D800}\"\nend\n"),
        vec![("E0105", 2)]
    );
    assert_eq!(
        codes("func f() do\n  let s = \"\\u{zz\"\n  g(\"}\")\nend\n"),
        vec![("E0105", 2)],
        "a bad escape keeps the quote"
    );
    assert_eq!(
        codes("func f() do\n  let s = \"é\\u{é}\"\nend\n"),
        vec![("E0105", 2)]
    );
    assert_eq!(
        codes("func f() do\n  let n = 99999999999999999999\nend\n"),
        vec![("E0106", 2)]
    );
    assert_eq!(
        codes("func f() do\n  let d = 99999999999h\nend\n"),
        vec![("E0106", 2)]
    );
    assert_eq!(
        codes("func f() do\n  let d = 5min\nend\n"),
        vec![("E0106", 2)]
    );
    assert_eq!(
        codes("func f() do\n  let d = 0xfg\nend\n"),
        vec![("E0106", 2)]
    );
    assert_eq!(
        codes("func f() do\n  let c = 1 ~ 2\nend\n")[0],
        ("E0103", 2)
    );
    assert_eq!(
        codes("func f() do\n  ~~~ ``` \u{1}\n  g()\nend\n"),
        vec![("E0103", 2), ("E0103", 2), ("E0103", 2)],
        "one report per run"
    );
    assert_eq!(
        codes("func f() do\n  let s = $\"a {} b\"\nend\n"),
        vec![("E0107", 2)]
    );
    assert_eq!(
        codes("func f() do\n  let s = $\"a {b\"\nend\n"),
        vec![("E0107", 2)]
    );
}

#[test]
fn misplaced_constructs() {
    assert_eq!(codes("let x = 1\nfunc f() do end\n"), vec![("E0108", 1)]);
    assert_eq!(
        codes("func f() do\n  receive do\n    | A => 1\n  end\nend\n"),
        vec![("E0108", 2)]
    );
    assert_eq!(codes("receive do\n  | A => 1\nend\n"), vec![("E0108", 1)]);
    assert_eq!(
        codes("func f() do\n  on start do\n    g()\n  end\n  let on = 1\n  on + 1\nend\n"),
        vec![("E0108", 2)]
    );
    assert_eq!(
        codes("func f() do\n  import a.b\n  g()\nend\n"),
        vec![("E0108", 2)]
    );
    assert_eq!(
        codes("func f() do\n  func g() do\n  end\n  h()\nend\n"),
        vec![("E0108", 2)]
    );
    // `after` problems and unknown hooks carry the checker's codes (the AST cannot keep them).
    assert_eq!(
        codes(
            "actor A implements M do\n  receive do\n    after 1s => x()\n    | A => 1\n  end\nend\n"
        ),
        vec![("E0612", 3)]
    );
    assert_eq!(
        codes(
            "actor A implements M do\n  receive do\n    after 1s => x()\n    after 2s => y()\n  end\nend\n"
        ),
        vec![("E0612", 4)]
    );
    assert_eq!(
        codes("actor A implements M do\n  on begin do end\nend\n"),
        vec![("E0606", 2)]
    );
    // Setting order is the checker's (E0707): the parser keeps it.
    assert_eq!(
        codes("supervisor S do\n  child a: A()\n  strategy: one_for_all\nend\n"),
        vec![]
    );
    assert_eq!(
        codes("supervisor S do\n  stratgy: one_for_all\nend\n"),
        vec![("E0101", 2)]
    );
}

#[test]
fn missing_do_is_supplied() {
    let src = "func f() do\n  while x > 0\n    x -= 1\n  end\n  if a\n    b()\n  else if c\n    d()\n  end\nend\nfunc g() do end\n";
    let (m, d) = parse(src);
    assert_eq!(
        codes(src),
        vec![("E0101", 2), ("E0101", 5), ("E0101", 7)],
        "{}",
        render(&d, src)
    );
    assert_eq!(d[0].message, "expected `do` at the end of the `while` line");
    assert_eq!(
        d[2].message,
        "expected `do` at the end of the `else if` line"
    );
    assert_eq!(
        janus_syntax::dump(&m),
        "(func f () (block (while (> x 0) (block (-= x 1))) (if a (block (call b ())) (if c (block (call d ()))))))\n(func g () (block))\n"
    );
}

#[test]
fn broken_headers_resume_at_the_body() {
    let src = "func f(a i64) do\n  g()\n  h()\nend\nfunc k() do\n  1 +\nend\n";
    assert_eq!(
        codes(src),
        vec![("E0101", 1), ("E0101", 7)],
        "{}",
        render(&parse(src).1, src)
    );
    let src = "actor A implements do\n  var x = 1\n  receive do\n    | A => 1 2\n  end\nend\n";
    assert_eq!(
        codes(src),
        vec![("E0101", 1), ("E0101", 4)],
        "{}",
        render(&parse(src).1, src)
    );
    let src = "func f() do\n  for x xs do\n    g()\n  end\n  match x y {\n    1 => a,\n  }\n  if a b do\n    c d\n  end\nend\n";
    assert_eq!(
        codes(src),
        vec![("E0101", 2), ("E0101", 5), ("E0101", 8), ("E0101", 9)],
        "{}",
        render(&parse(src).1, src)
    );
    let (_, d) = parse(src);
    assert_eq!(d[1].message, "expected `{`, found `y`");
}

#[test]
fn unclosed_bracket_inside_a_block_is_one_error() {
    let src = "func f() do\n  x.send(A { a: 1 }\n  y()\nend\n";
    let (_, d) = parse(src);
    assert_eq!(d.len(), 1, "{}", render(&d, src));
    assert_eq!(
        d[0].message,
        "expected `)` to close the `(` on line 2, found `end`"
    );
}

#[test]
fn stray_end_is_reported_once() {
    assert_eq!(
        codes("func f() do\n  g()\nend\nend\nfunc h() do end\n"),
        vec![("E0101", 4)]
    );
}

#[test]
fn test_as_a_name_in_column_zero_does_not_split() {
    let src = "func f() do\ntest = 1\nend\n";
    let (m, d) = parse(src);
    assert!(d.is_empty(), "{}", render(&d, src));
    assert_eq!(janus_syntax::dump(&m), "(func f () (block (= test 1)))\n");
}

#[test]
fn garbage_stays_fast_and_bounded() {
    // Many independent broken declarations: each is reported, and parsing stays linear.
    let unit = "func f(a: i64) do\n  let x = (a + \n  g(x, [1, 2\n  if x do\n";
    let src = unit.repeat(2000);
    let t = std::time::Instant::now();
    let (m, d) = parse(&src);
    assert_eq!(m.items.len(), 2000);
    assert_eq!(d.len(), 2000, "one report per broken function");
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
}

#[test]
fn a_bad_number_is_an_error_node() {
    let src = "func f() do\n  let d: Duration = 10days\n  match n { 99999999999999999999 => 1, _ => 2 }\nend\n";
    let (m, d) = parse(src);
    assert_eq!(
        codes(src),
        vec![("E0106", 2), ("E0106", 3)],
        "{}",
        render(&d, src)
    );
    assert_eq!(
        janus_syntax::dump(&m),
        "(func f () (block (let d: Duration (error)) (match n ((error) => 1) (_ => 2))))\n"
    );
}

#[test]
fn helps_for_common_mistakes() {
    let (_, d) = parse("func f() do\n  let x = 1\n    + 2\nend\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "expected an expression, found `+`");
    assert!(
        d[0].help
            .as_deref()
            .unwrap_or("")
            .contains("end the previous line with the operator")
    );
    let (_, d) = parse("actor A implements M do\n  receive do\n    Ping => 1\n  end\nend\n");
    assert_eq!(d.len(), 1);
    assert_eq!(
        d[0].help.as_deref(),
        Some("each `receive` arm starts with `|`: `| Pattern => ...`")
    );
}

#[test]
fn deeply_nested_interpolation_is_reported_once_per_line() {
    // Balanced and unbalanced nesting far past the limit: one E0107 each, and the next line
    // still parses.
    for tail in ["1".to_string() + &"}\"".repeat(1000), String::new()] {
        let src = format!(
            "func main() do\n    let s = {}{}\n    ok()\nend\n",
            "$\"{".repeat(1000),
            tail
        );
        assert_eq!(
            codes(&src),
            vec![("E0107", 2)],
            "{}",
            render(&parse(&src).1, &src)
        );
        assert!(janus_syntax::dump(&parse(&src).0).contains("(call ok ())"));
    }
    // Nesting within the limit is fine.
    let src = "func main() do\n    let s = $\"a{$\"b{$\"c{1}\"}\"}\"\nend\n";
    assert_eq!(codes(src), vec![]);
}
