//! Names, modules, declarations and type expressions.
mod common;
use common::*;

#[test]
fn unknown_name_with_suggestion() {
    let src = "func main() do\n    let count = 1\n    println(cout)\nend\n";
    assert_eq!(check(src), vec![(3, "E0201")]);
    assert!(message(src, "E0201").contains("did you mean `count`?"));
}

#[test]
fn unknown_name_reported_once_per_function() {
    let src = "func main() do\n    println(x)\n    println(x + 1)\n    let y = x\nend\n";
    assert_eq!(check(src), vec![(2, "E0201")]);
}

#[test]
fn unknown_type_with_suggestion() {
    let src = "func f(x: Strng) do\nend\n";
    assert_eq!(check(src), vec![(1, "E0202")]);
    assert!(message(src, "E0202").contains("`String`"));
}

#[test]
fn duplicate_function() {
    let src = "func f() do\nend\nfunc f() do\nend\n";
    assert_eq!(check(src), vec![(3, "E0203")]);
}

#[test]
fn duplicate_field_and_variant() {
    let src = "struct P { x: i64, x: i64 }\nenum E { A, A }\n";
    assert_eq!(check(src), vec![(1, "E0203"), (2, "E0203")]);
}

#[test]
fn duplicate_param() {
    assert_eq!(
        check("func f(a: i64, a: i64) do\nend\n"),
        vec![(1, "E0203")]
    );
}

#[test]
fn wrong_type_arity() {
    assert_eq!(check("func f(m: Map[i64]) do\nend\n"), vec![(1, "E0208")]);
    assert_eq!(
        check("func f(m: i64[String]) do\nend\n"),
        vec![(1, "E0208")]
    );
}

#[test]
fn cyclic_alias_reported_once() {
    let src = "type A = B\ntype B = A\nfunc f(x: A) do\nend\n";
    assert_eq!(check(src), vec![(1, "E0211")]);
}

#[test]
fn alias_is_transparent() {
    let src = "type UserId = i64\nfunc f(x: UserId) -> i64 do\n    return x + 1\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn recursive_struct_and_enum() {
    let src = "enum Tree { Leaf, Node { left: Tree, right: Tree } }\nstruct L { next: ?L }\nfunc depth(t: Tree) -> i64 do\n    return match t {\n        .Leaf => 0,\n        .Node { left, right } => 1 + max(depth(left), depth(right)),\n    }\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn import_qualified_and_unqualified() {
    let lib = "struct Point { x: i64, y: i64 }\nfunc origin() -> Point do\n    return Point { x: 0, y: 0 }\nend\nenum Color { Red, Green }\n";
    let main = "import geo.shapes\nimport geo.shapes.{Point}\nimport geo.shapes as g\nfunc main() do\n    let p: Point = shapes.origin()\n    let q: g.Point = Point { x: 1, y: 2 }\n    let c = g.Color.Red\n    println(p.x + q.y)\n    println(c)\nend\n";
    assert_eq!(
        check_modules(&[("", main), ("geo.shapes", lib)], &[]),
        vec![]
    );
}

#[test]
fn import_missing_name() {
    let lib = "struct Point { x: i64 }\n";
    let main = "import geo.{Pointt}\nfunc main() do\nend\n";
    assert_eq!(
        check_modules(&[("", main), ("geo", lib)], &[]),
        vec![(0, 1, "E0205")]
    );
}

#[test]
fn module_member_missing() {
    let lib = "func hello() do\nend\n";
    let main = "import greet\nfunc main() do\n    greet.helo()\nend\n";
    assert_eq!(
        check_modules(&[("", main), ("greet", lib)], &[]),
        vec![(0, 3, "E0205")]
    );
}

#[test]
fn unknown_module_without_driver() {
    assert_eq!(
        check("import nowhere.thing\nfunc main() do\nend\n"),
        vec![(1, "E0204")]
    );
}

#[test]
fn missing_module_is_silent_poison() {
    let main = "import lost.mod\nimport lost.mod.{Thing}\nfunc main() do\n    let t: Thing = mod.make()\n    mod.run(t.x)\n    let u: mod.Other = t\nend\n";
    assert_eq!(check_modules(&[("", main)], &["lost.mod"]), vec![]);
}

#[test]
fn cyclic_imports_are_fine() {
    let a = "import b\nstruct A { x: b.B }\n";
    let b = "import a\nstruct B { y: i64 }\nfunc mk(v: a.A) -> i64 do\n    return v.x.y\nend\n";
    assert_eq!(check_modules(&[("", a), ("b", b), ("a", a)], &[]), vec![]);
}

#[test]
fn type_used_as_value() {
    let src = "struct P { x: i64 }\nfunc main() do\n    let p = P\nend\n";
    assert_eq!(check(src), vec![(3, "E0307")]);
}

#[test]
fn function_is_not_a_value() {
    let src = "func f() do\nend\nfunc main() do\n    let g = f\nend\n";
    assert_eq!(check(src), vec![(4, "E0307")]);
}

#[test]
fn calling_a_value() {
    let src = "func main() do\n    let x = 1\n    x()\nend\n";
    assert_eq!(check(src), vec![(3, "E0307")]);
}

#[test]
fn shadowing_in_inner_block() {
    let src = "func main() do\n    let x = 1\n    if true do\n        let x = \"s\"\n        println(x ++ \"!\")\n    end\n    println(x + 1)\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn const_declarations() {
    let src = "const LIMIT: i64 = 10 * 3\nconst NAME: String = \"x\"\nconst BAD: i64 = fib()\nfunc fib() -> i64 do\n    return 1\nend\nfunc main() do\n    println(LIMIT + 1)\nend\n";
    assert_eq!(check(src), vec![(3, "E0319")]);
}

#[test]
fn const_type_mismatch() {
    assert_eq!(check("const N: i64 = \"ten\"\n"), vec![(1, "E0301")]);
}

#[test]
fn bodiless_func_outside_std() {
    assert_eq!(check("func f() -> i64\n"), vec![(1, "E0108")]);
}

#[test]
fn intrinsic_in_std_is_accepted() {
    let std = "@intrinsic\nfunc put(k: String, v: String) with Storage\n";
    let main = "import std.kv\nfunc main() with Storage do\n    kv.put(\"a\", \"b\")\nend\n";
    assert_eq!(check_modules(&[("", main), ("std.kv", std)], &[]), vec![]);
}

#[test]
fn unknown_attribute() {
    let src = "@frobnicate\nfunc f() do\nend\n";
    assert_eq!(check(src), vec![(1, "E0613")]);
}

#[test]
fn import_names_must_be_distinct() {
    let a = "func f() do\nend\n";
    let main =
        "import x.util\nimport y.util\nimport y.util as yu\nfunc main() do\n    yu.f()\nend\n";
    assert_eq!(
        check_modules(&[("", main), ("x.util", a), ("y.util", a)], &[]),
        vec![(0, 2, "E0203")]
    );
}
