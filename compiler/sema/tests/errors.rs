//! Error unions: `fail`, `?`/`try`, `catch`, ignored and stored errors.
mod common;
use common::*;

const SETS: &str = "error MathError { BadLuck, Overflow { at: i64 } }\nerror IoError { Closed }\n";

fn with_sets(rest: &str) -> String {
    format!("{SETS}{rest}")
}

#[test]
fn ignored_error_value() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc main() do\n    f()\nend\n",
    );
    assert_eq!(check(&src), vec![(7, "E0501")]);
    assert!(message(&src, "E0501").contains("MathError"));
}

#[test]
fn void_fallible_call_must_be_handled() {
    let src = with_sets(
        "func save() -> void ! IoError do\nend\nfunc main() do\n    save()\n    save()?\n    save() catch |e| println(e)\nend\n",
    );
    assert_eq!(check(&src), vec![(6, "E0501")]);
}

#[test]
fn question_mark_needs_admitting_function() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc g() -> i64 ! IoError do\n    return f()?\nend\n",
    );
    assert_eq!(check(&src), vec![(7, "E0502")]);
    let m = message(&src, "E0502");
    assert!(m.contains("MathError") && m.contains("IoError"), "{m}");
}

#[test]
fn question_mark_in_function_without_errors() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc g() -> i64 do\n    return try f()\nend\n",
    );
    assert_eq!(check(&src), vec![(7, "E0502")]);
}

#[test]
fn question_mark_passes_through_union_of_sets() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc g() -> i64 ! (MathError | IoError) do\n    let x = f()?\n    return x\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn question_mark_on_infallible() {
    let src = "func f() -> i64 do\n    return 1\nend\nfunc main() do\n    let x = f()?\n    let y = f() catch 0\nend\n";
    assert_eq!(check(src), vec![(5, "E0503"), (6, "E0503")]);
}

#[test]
fn error_union_cannot_be_bound_or_passed() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc g(x: i64) do\nend\nfunc main() do\n    let x = f()\n    g(f())\nend\n",
    );
    assert_eq!(check(&src), vec![(9, "E0505"), (10, "E0505")]);
}

#[test]
fn error_union_cannot_be_stored() {
    let src = with_sets("struct S { v: i64 ! MathError }\nfunc f(x: [i64 ! MathError]) do\nend\n");
    assert_eq!(check(&src), vec![(3, "E0505"), (4, "E0505")]);
}

#[test]
fn fail_with_non_error() {
    let src = with_sets("enum E { A }\nfunc f() -> i64 ! MathError do\n    fail E.A\nend\n");
    assert_eq!(check(&src), vec![(5, "E0504")]);
}

#[test]
fn fail_with_set_not_admitted() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    fail IoError.Closed\nend\nfunc g() -> i64 do\n    fail MathError.BadLuck\nend\n",
    );
    assert_eq!(check(&src), vec![(4, "E0504"), (7, "E0504")]);
}

#[test]
fn fail_resolves_bare_variants_in_own_set() {
    let src = with_sets(
        "func f(n: i64) -> i64 ! MathError do\n    if n > 1 do\n        fail .BadLuck\n    end\n    if n > 2 do\n        fail Overflow { at: n }\n    end\n    return n\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn unknown_error_set() {
    assert_eq!(
        check("func f() -> i64 ! MathErr do\n    return 1\nend\n"),
        vec![(1, "E0506")]
    );
    assert_eq!(
        check("struct S { x: i64 }\nfunc f() -> i64 ! S do\n    return 1\nend\n"),
        vec![(2, "E0506")]
    );
}

#[test]
fn main_admits_every_error() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc main() do\n    let x = f()?\n    fail IoError.Closed\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn test_blocks_admit_every_error() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\ntest \"f works\" do\n    assert(f()? == 1)\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn catch_binding_is_matchable() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc main() do\n    let v = f() catch |e| match e {\n        .BadLuck => 0,\n        .Overflow { at } => at,\n    }\n    println(v)\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn catch_default_type_checked() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc main() do\n    let v = f() catch \"zero\"\nend\n",
    );
    assert_eq!(check(&src), vec![(7, "E0301")]);
}

#[test]
fn parse_int_and_builtin_sets() {
    let src = "func main() do\n    let n = parse_int(\"12\") catch |e| match e {\n        ParseError.Invalid { text } => text.len(),\n    }\n    let f: f64 = parse_float(\"1.5\") catch 0.0\n    println(n)\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn catch_over_several_sets() {
    let src = with_sets(
        "func f() -> i64 ! (MathError | IoError) do\n    return 1\nend\nfunc main() do\n    let v = f() catch |e| match e {\n        .BadLuck => 1,\n        MathError.Overflow { at } => at,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(7, "E0401")]);
    assert!(message(&src, "E0401").contains("Closed"));
}

#[test]
fn return_of_union_in_admitting_function() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc g() -> i64 ! MathError do\n    return f()\nend\nfunc h() -> i64 ! IoError do\n    return f()\nend\n",
    );
    assert_eq!(check(&src), vec![(10, "E0502")]);
}

#[test]
fn catch_handler_block_mismatch_points_at_its_value() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc main() do\n    let n = f() catch |e| do\n        println(e)\n        \"zero\"\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(9, "E0301")]);
}

#[test]
fn messages_name_the_function_once() {
    let src = with_sets(
        "func f() -> i64 ! MathError do\n    return 1\nend\nfunc g() -> i64 do\n    return f()?\nend\n",
    );
    let m = message(&src, "E0502");
    assert!(m.contains("`g` declares no errors"), "{m}");
}

#[test]
fn question_on_optional_does_not_cascade() {
    let src = "func first(xs: [i64]) -> i64 do\n    let head: ?i64 = if xs.is_empty() do null else xs[0] end\n    return head?\nend\n";
    assert_eq!(check(src), vec![(3, "E0503")]);
    assert!(message(src, "E0503").contains("??"));
}

#[test]
fn ambiguous_variant_across_error_sets() {
    let src = "error NetError { Timeout, Down }\nerror DiskError { Timeout, Full }\nfunc sync(n: i64) -> i64 ! (NetError | DiskError) do\n    if n < 0 do\n        fail .Timeout\n    end\n    return n\nend\nfunc main() do\n    let r = sync(-1) catch |e| match e {\n        .Timeout => 1,\n        NetError.Down => 2,\n        _ => 3,\n    }\nend\n";
    assert_eq!(check(src), vec![(5, "E0207"), (11, "E0207")]);
}
