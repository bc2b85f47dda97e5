//! Expressions, inference, operators, statements and control flow.
mod common;
use common::*;

fn in_main(body: &str) -> String {
    format!("func main() do\n{body}\nend\n")
}

#[test]
fn mismatch_in_let() {
    let src = in_main("    let x: i64 = \"s\"");
    assert_eq!(check(&src), vec![(2, "E0301")]);
    assert!(message(&src, "E0301").contains("expected `i64`, found `String`"));
}

#[test]
fn no_implicit_numeric_conversion() {
    assert_eq!(check(&in_main("    let x: f64 = 1")), vec![(2, "E0301")]);
    assert_eq!(
        check(&in_main("    let a: i32 = 1\n    let b: i64 = a")),
        vec![(3, "E0301")]
    );
}

#[test]
fn integer_literal_takes_expected_type() {
    assert_eq!(
        check(&in_main(
            "    let a: i32 = 7\n    let b: u64 = 7\n    let c: i32 = a + 1\n    let d: i32 = 1 + a"
        )),
        vec![]
    );
}

#[test]
fn integer_literal_out_of_range() {
    assert_eq!(
        check(&in_main("    let a: i32 = 3_000_000_000")),
        vec![(2, "E0315")]
    );
    assert_eq!(check(&in_main("    let a: u64 = -1")), vec![(2, "E0315")]);
}

#[test]
fn empty_list_needs_type() {
    let src = in_main("    var xs = []");
    assert_eq!(check(&src), vec![(2, "E0306")]);
    assert!(message(&src, "E0306").contains("var xs: [i64] = []"));
    assert_eq!(
        check(&in_main("    var xs: [i64] = []\n    xs.push(1)")),
        vec![]
    );
}

#[test]
fn null_needs_type() {
    assert_eq!(check(&in_main("    let x = null")), vec![(2, "E0306")]);
    assert_eq!(
        check(&in_main("    let x: ?i64 = null\n    let y: i64 = null")),
        vec![(3, "E0301")]
    );
}

#[test]
fn map_new_needs_type() {
    assert_eq!(check(&in_main("    let m = Map.new()")), vec![(2, "E0306")]);
    assert_eq!(
        check(&in_main(
            "    var m: Map[String, i64] = Map.new()\n    m.set(\"a\", 1)\n    let v: ?i64 = m.get(\"a\")"
        )),
        vec![]
    );
}

#[test]
fn optional_accepts_plain_value() {
    assert_eq!(
        check(&in_main(
            "    let x: ?i64 = 5\n    let y: ? ?i64 = x\n    let z: i64 = x ?? 0"
        )),
        vec![]
    );
}

#[test]
fn optional_is_not_plain() {
    let src = in_main("    let x: ?i64 = 5\n    let y: i64 = x");
    assert_eq!(check(&src), vec![(3, "E0301")]);
    assert!(message(&src, "E0301").contains("??"));
}

#[test]
fn coalesce_on_non_optional() {
    assert_eq!(check(&in_main("    let x = 1 ?? 2")), vec![(2, "E0305")]);
}

#[test]
fn string_plus_is_an_error_with_hint() {
    let src = in_main("    let s = \"a\" + \"b\"");
    assert_eq!(check(&src), vec![(2, "E0305")]);
    assert!(message(&src, "E0305").contains("++"));
}

#[test]
fn concat_strings_and_lists() {
    assert_eq!(
        check(&in_main(
            "    let s = \"a\" ++ \"b\"\n    let l = [1] ++ [2, 3]\n    println(s ++ l.len().to_string())"
        )),
        vec![]
    );
    assert_eq!(
        check(&in_main("    let l = [1] ++ \"x\"")),
        vec![(2, "E0305")]
    );
}

#[test]
fn comparisons() {
    assert_eq!(
        check(&in_main(
            "    let a = 1 < 2\n    let b = \"a\" < \"b\"\n    let c = (1, \"a\") < (2, \"b\")\n    let d = now() < now()"
        )),
        vec![]
    );
    assert_eq!(check(&in_main("    let a = [1] < [2]")), vec![(2, "E0311")]);
    assert_eq!(
        check(&in_main("    let a = 1 == \"x\"")),
        vec![(2, "E0305")]
    );
}

#[test]
fn equality_on_reply_is_an_error() {
    let src = "message M { Get { reply: Reply[i64] } }\nfunc f(a: Reply[i64], b: Reply[i64]) -> bool do\n    return a == b\nend\n";
    assert_eq!(check(src), vec![(3, "E0311")]);
}

#[test]
fn structural_equality_on_structs() {
    let src = "struct P { x: i64 }\nfunc f(a: P, b: P) -> bool do\n    return a == b\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn bool_operators() {
    assert_eq!(
        check(&in_main("    let a = 1 and true")),
        vec![(2, "E0305")]
    );
    assert_eq!(check(&in_main("    let a = not 1")), vec![(2, "E0305")]);
    assert_eq!(check(&in_main("    if 1 do\n    end")), vec![(2, "E0301")]);
}

#[test]
fn negation() {
    assert_eq!(
        check(&in_main(
            "    let a = -5\n    let b: f64 = -2.5\n    let c = -a"
        )),
        vec![]
    );
    assert_eq!(check(&in_main("    let a = -\"x\"")), vec![(2, "E0305")]);
}

#[test]
fn arithmetic_mixed_types() {
    let src = in_main("    let a: i32 = 1\n    let b: i64 = 2\n    let c = a + b");
    assert_eq!(check(&src), vec![(4, "E0305")]);
}

#[test]
fn durations_and_instants() {
    assert_eq!(
        check(&in_main(
            "    let d = 1s + 250ms\n    let t = now() + d\n    let e: Duration = now() - t"
        )),
        vec![]
    );
}

#[test]
fn struct_literal_missing_field() {
    let src = "struct P { x: i64, y: i64 }\nfunc main() do\n    let p = P { x: 1 }\nend\n";
    assert_eq!(check(src), vec![(3, "E0303")]);
    assert!(message(src, "E0303").contains("`y`"));
}

#[test]
fn struct_literal_unknown_field_suggests() {
    let src = "struct P { x: i64, yy: i64 }\nfunc main() do\n    let p = P { x: 1, y: 2 }\nend\n";
    assert_eq!(check(src), vec![(3, "E0209")]);
    // `y` is too short for a guess: the fields are listed instead.
    assert!(message(src, "E0209").contains("its fields are `x` and `yy`"));
    let long =
        "struct P { x: i64, count: i64 }\nfunc main() do\n    let p = P { x: 1, cuont: 2 }\nend\n";
    assert!(message(long, "E0209").contains("did you mean `count`?"));
}

#[test]
fn struct_literal_shorthand() {
    let src = "struct P { x: i64, y: i64 }\nfunc main() do\n    let x = 1\n    let y = 2\n    let p = P { x, y }\n    println(p.x)\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn field_access_unknown() {
    let src = "struct P { x: i64 }\nfunc f(p: P) -> i64 do\n    return p.z\nend\n";
    assert_eq!(check(src), vec![(3, "E0209")]);
}

#[test]
fn field_assignment_needs_var() {
    let src = "struct P { x: i64 }\nfunc main() do\n    let p = P { x: 1 }\n    p.x = 2\n    var q = P { x: 1 }\n    q.x = 3\nend\n";
    assert_eq!(check(src), vec![(4, "E0304")]);
}

#[test]
fn assign_to_let_and_param() {
    assert_eq!(
        check(&in_main("    let a = 1\n    a = 2")),
        vec![(3, "E0304")]
    );
    assert_eq!(
        check("func f(n: i64) do\n    n += 1\nend\n"),
        vec![(2, "E0304")]
    );
}

#[test]
fn mutating_method_needs_var() {
    assert_eq!(
        check(&in_main("    let xs: [i64] = []\n    xs.push(1)")),
        vec![(3, "E0304")]
    );
}

#[test]
fn invalid_assignment_target() {
    assert_eq!(
        check("func f() -> i64 do\n    return 1\nend\nfunc main() do\n    f() = 2\nend\n"),
        vec![(5, "E0314")]
    );
}

#[test]
fn compound_assignment_types() {
    assert_eq!(
        check(&in_main("    var s = \"a\"\n    s += \"b\"")),
        vec![(3, "E0305")]
    );
}

#[test]
fn tuples() {
    assert_eq!(
        check(&in_main(
            "    let t = (1, \"a\")\n    let n: i64 = t.0\n    let s: String = t.1\n    let (a, b) = t\n    println(a + n)"
        )),
        vec![]
    );
    assert_eq!(
        check(&in_main("    let t = (1, \"a\")\n    let z = t.2")),
        vec![(3, "E0209")]
    );
}

#[test]
fn indexing() {
    assert_eq!(
        check(&in_main(
            "    var xs = [1, 2]\n    xs[0] = 5\n    let a: i64 = xs[1]"
        )),
        vec![]
    );
    assert_eq!(
        check(&in_main("    let xs = [1, 2]\n    let a = xs[\"0\"]")),
        vec![(3, "E0301")]
    );
    assert_eq!(
        check(&in_main("    let n = 5\n    let a = n[0]")),
        vec![(3, "E0305")]
    );
}

#[test]
fn range_only_in_for() {
    assert_eq!(check(&in_main("    let r = 0..10")), vec![(2, "E0316")]);
    assert_eq!(
        check(&in_main(
            "    for i in 0..=10 do\n        println(i)\n    end"
        )),
        vec![]
    );
}

#[test]
fn for_over_non_iterable() {
    assert_eq!(
        check(&in_main("    for x in 5 do\n    end")),
        vec![(2, "E0316")]
    );
}

#[test]
fn for_over_map_and_set() {
    let src = in_main(
        "    var m: Map[String, i64] = Map.new()\n    for (k, v) in m do\n        println(k ++ v.to_string())\n    end\n    var s: Set[i64] = Set.new()\n    for x in s do\n        println(x + 1)\n    end",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn refutable_let() {
    let src = "enum E { A { x: i64 }, B }\nfunc f(e: E) do\n    let E.A { x } = e\nend\n";
    assert_eq!(check(src), vec![(3, "E0317")]);
}

#[test]
fn break_outside_loop() {
    assert_eq!(check(&in_main("    break")), vec![(2, "E0308")]);
    assert_eq!(
        check(&in_main("    while true do\n        break\n    end")),
        vec![]
    );
}

#[test]
fn missing_return() {
    let src = "func f(n: i64) -> i64 do\n    if n > 0 do\n        return 1\n    end\nend\n";
    assert_eq!(check(src), vec![(1, "E0310")]);
}

#[test]
fn all_paths_return() {
    let src = "func f(n: i64) -> i64 do\n    if n > 0 do\n        return 1\n    else\n        return 2\n    end\nend\nfunc g() -> i64 do\n    while true do\n    end\nend\nfunc h() -> i64 do\n    panic(\"no\")\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn return_mismatches() {
    assert_eq!(
        check("func f() -> i64 do\n    return \"x\"\nend\n"),
        vec![(2, "E0309")]
    );
    assert_eq!(
        check("func f() -> i64 do\n    return\nend\n"),
        vec![(2, "E0309")]
    );
    assert_eq!(
        check("func f() do\n    return 1\nend\n"),
        vec![(2, "E0309")]
    );
}

#[test]
fn void_as_value() {
    assert_eq!(
        check(&in_main("    let x = println(\"a\")")),
        vec![(2, "E0313")]
    );
}

#[test]
fn wrong_argument_count_and_type() {
    let src = "func f(a: i64, b: String) do\nend\nfunc main() do\n    f(1)\n    f(1, 2)\nend\n";
    assert_eq!(check(src), vec![(4, "E0302"), (5, "E0301")]);
}

#[test]
fn named_arguments() {
    let src = "func f(a: i64, b: String) do\nend\nfunc main() do\n    f(1, b: \"x\")\n    f(b: \"x\", a: 1)\n    f(1, c: \"x\")\n    f(a: 1, \"x\")\n    f(1, a: 2)\nend\n";
    assert_eq!(check(src), vec![(6, "E0318"), (7, "E0318"), (8, "E0318")]);
}

#[test]
fn unknown_method_suggests() {
    let src = in_main("    let xs = [1]\n    let n = xs.lenght()");
    assert_eq!(check(&src), vec![(3, "E0210")]);
    assert!(message(&src, "E0210").contains("did you mean `len`?"));
}

#[test]
fn builtin_methods_types() {
    let src = in_main(
        "    let s = \" a,b \"\n    let parts: [String] = s.trim().split(\",\")\n    let n: i64 = parts.len()\n    let f: f64 = n.to_f64()\n    let up: String = s.to_upper()\n    let b: Bytes = s.to_bytes()\n    let ok: bool = s.starts_with(\"a\") or s.contains(\"b\")\n    var xs = [3, 1]\n    xs.sort()\n    let p: ?i64 = xs.pop()\n    let sl: [i64] = xs.slice(0, 1)\n    let m = min(1, 2)\n    println($\"{parts} {f} {up} {b} {ok} {p} {sl} {m}\")",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn builtin_functions() {
    let src = in_main(
        "    let t: Instant = now()\n    sleep(10ms)\n    let n: NodeId = node()\n    let r: i64 = random_int(1, 6)\n    let a: [String] = args()\n    assert(r > 0)\n    assert(r > 0, \"positive\")\n    println()\n    eprintln(n)\n    print(t)",
    );
    assert_eq!(check(&src), vec![]);
    assert_eq!(check(&in_main("    sleep(5)")), vec![(2, "E0301")]);
    assert_eq!(check(&in_main("    print(1, 2)")), vec![(2, "E0302")]);
}

#[test]
fn map_keys_restricted() {
    assert_eq!(
        check("func f(m: Map[[i64], i64]) do\nend\n"),
        vec![(1, "E0312")]
    );
    assert_eq!(check("func f(s: Set[f64]) do\nend\n"), vec![(1, "E0312")]);
    assert_eq!(
        check("func f(m: Map[(String, i64), i64]) do\nend\n"),
        vec![]
    );
}

#[test]
fn if_else_value_types() {
    assert_eq!(
        check(&in_main(
            "    let x = if true do 1 else 2 end\n    println(x + 1)"
        )),
        vec![]
    );
    assert_eq!(
        check(&in_main("    let x = if true do 1 else \"a\" end")),
        vec![(2, "E0301")]
    );
}

#[test]
fn block_value_is_last_expression() {
    assert_eq!(
        check(&in_main(
            "    let x: i64 = do\n        let a = 1\n        a + 1\n    end"
        )),
        vec![]
    );
}

#[test]
fn interpolation_of_any_value() {
    let src = "struct P { x: i64 }\nfunc main() do\n    let p = P { x: 1 }\n    println($\"{p} {[1, 2]} {(1, true)} {p.x + 1}\")\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn variants_resolve_from_expected_type() {
    let src = "enum Color { Red, Green }\nenum Light { Red, Off }\nfunc paint(c: Color) do\nend\nfunc main() do\n    paint(.Red)\n    paint(Green)\n    let l: Light = Red\n    let g = Green\n    let x = Red\nend\n";
    assert_eq!(check(src), vec![(10, "E0207")]);
}

#[test]
fn unknown_variant_suggests() {
    let src = "enum Color { Red, Green }\nfunc main() do\n    let c: Color = .Gren\n    let d = Color.Blue\nend\n";
    assert_eq!(check(src), vec![(3, "E0206"), (4, "E0206")]);
    let m = message(
        "enum Color { Red, Green }\nfunc main() do\n    let c: Color = .Gren\nend\n",
        "E0206",
    );
    assert!(m.contains("did you mean `Green`?"), "{m}");
}

#[test]
fn variant_with_fields_needs_literal() {
    let src = "enum S { Circle { r: f64 }, Dot }\nfunc main() do\n    let s: S = .Circle\nend\n";
    assert_eq!(check(src), vec![(3, "E0303")]);
}

#[test]
fn context_flows_from_right_operand() {
    let src = "enum Light { On, Off }\nfunc f(o: ?i64, l: Light) -> bool do\n    return null == o or .On == l or 1 == o\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn optional_branches_join() {
    assert_eq!(
        check(&in_main(
            "    let c = true\n    let x: ?i64 = if c do 5 else null end\n    let y = x ?? 0\n    println(y + 1)"
        )),
        vec![]
    );
}
