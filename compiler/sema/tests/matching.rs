//! `match`: exhaustiveness, unreachable arms, pattern typing.
mod common;
use common::*;

const SHAPE: &str = "enum Shape { Circle { radius: f64 }, Rect { w: f64, h: f64 }, Dot }\n";

fn with_shape(rest: &str) -> String {
    format!("{SHAPE}{rest}")
}

#[test]
fn missing_variant_is_named() {
    let src = with_shape(
        "func f(s: Shape) -> f64 do\n    return match s {\n        .Circle { radius } => radius,\n        .Rect { w, h } => w * h,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(3, "E0401")]);
    let m = message(&src, "E0401");
    assert!(m.contains("`match` does not cover `.Dot`"), "{m}");
    assert!(m.contains("add an arm: `.Dot => ...`"), "{m}");
}

#[test]
fn guarded_arms_do_not_count() {
    let src = with_shape(
        "func f(s: Shape) -> i64 do\n    return match s {\n        .Dot when true => 0,\n        .Circle { radius } => 1,\n        .Rect { w, h } => 2,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(3, "E0401")]);
}

#[test]
fn unreachable_arm_warns() {
    let src = with_shape(
        "func f(s: Shape) -> i64 do\n    return match s {\n        _ => 0,\n        .Dot => 1,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(5, "W0401")]);
}

#[test]
fn bool_and_optional_exhaustive() {
    let src = "func f(b: bool, o: ?i64) -> i64 do\n    let x = match b {\n        true => 1,\n        false => 2,\n    }\n    return match o {\n        null => x,\n        v => v + x,\n    }\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn optional_binding_does_not_cover_null() {
    let src = "func f(o: ?i64) -> i64 do\n    return match o {\n        v => v,\n    }\nend\n";
    assert_eq!(check(src), vec![(2, "E0401")]);
    assert!(message(src, "E0401").contains("null"));
}

#[test]
fn integers_need_a_catch_all() {
    let src = "func f(n: i64) -> String do\n    return match n {\n        0 => \"zero\",\n        1 => \"one\",\n    }\nend\n";
    assert_eq!(check(src), vec![(2, "E0401")]);
    let ok = "func f(n: i64) -> String do\n    return match n {\n        0 => \"zero\",\n        _ => \"many\",\n    }\nend\n";
    assert_eq!(check(ok), vec![]);
}

#[test]
fn nested_tuple_coverage() {
    let src = with_shape(
        "func f(s: Shape, o: ?i64) -> i64 do\n    return match (s, o) {\n        (.Circle { radius }, _) => 1,\n        (.Rect { w, h }, _) => 2,\n        (.Dot, v) => v,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(3, "E0401")]);
    assert!(message(&src, "E0401").contains("(.Dot, null)"));
}

#[test]
fn bare_name_matches_variant_else_binds() {
    let src = "enum Light { On, Off }\nfunc f(l: Light) -> i64 do\n    return match l {\n        On => 1,\n        other => 0,\n    }\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn pattern_type_mismatch() {
    let src = "func f(n: i64) -> i64 do\n    return match n {\n        \"a\" => 1,\n        _ => 0,\n    }\nend\n";
    assert_eq!(check(src), vec![(3, "E0403")]);
}

#[test]
fn pattern_of_other_enum() {
    let src = with_shape(
        "enum Color { Red }\nfunc f(s: Shape) -> i64 do\n    return match s {\n        Color.Red => 1,\n        _ => 0,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(5, "E0403")]);
}

#[test]
fn duplicate_binding_in_pattern() {
    let src =
        "func f(t: (i64, i64)) -> i64 do\n    return match t {\n        (a, a) => a,\n    }\nend\n";
    assert_eq!(check(src), vec![(3, "E0404")]);
}

#[test]
fn positional_fields_count() {
    let src = with_shape(
        "func f(s: Shape) -> f64 do\n    return match s {\n        .Rect(w, h) => w * h,\n        .Circle(r, x) => r,\n        _ => 0.0,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(5, "E0405")]);
}

#[test]
fn omitted_named_fields_are_wildcards() {
    let src = with_shape(
        "func f(s: Shape) -> f64 do\n    return match s {\n        .Rect { w } => w,\n        .Circle { } => 1.0,\n        .Dot => 0.0,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn unknown_variant_in_pattern() {
    let src = with_shape(
        "func f(s: Shape) -> i64 do\n    return match s {\n        .Square => 1,\n        _ => 0,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(4, "E0206")]);
}

#[test]
fn unknown_field_in_pattern() {
    let src = with_shape(
        "func f(s: Shape) -> f64 do\n    return match s {\n        .Circle { radus } => radus,\n        _ => 0.0,\n    }\nend\n",
    );
    assert_eq!(check(&src), vec![(4, "E0209")]);
}

#[test]
fn arms_must_agree() {
    let src = "func f(b: bool) do\n    let x = match b {\n        true => 1,\n        false => \"no\",\n    }\nend\n";
    assert_eq!(check(src), vec![(4, "E0301")]);
}

#[test]
fn match_as_statement_arms_may_differ() {
    let src = "func f(b: bool) do\n    match b {\n        true => println(1),\n        false => return,\n    }\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn strings_match_with_catch_all() {
    let src = "func f(s: String) -> i64 do\n    return match s {\n        \"a\" => 1,\n        \"a\" => 2,\n        _ => 0,\n    }\nend\n";
    assert_eq!(check(src), vec![(4, "W0401")]);
}

#[test]
fn struct_pattern() {
    let src = "struct P { x: i64, y: i64 }\nfunc f(p: P) -> i64 do\n    return match p {\n        P { x: 0, y } => y,\n        P { x, y } => x + y,\n    }\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn error_in_scrutinee_does_not_cascade() {
    let src = "func f() -> i64 do\n    return match nope {\n        1 => 1,\n    }\nend\n";
    assert_eq!(check(src), vec![(2, "E0201")]);
}
