//! One mistake, one diagnostic: poisoning, error types, lenient arguments.
mod common;
use common::*;

#[test]
fn unknown_error_set_poisons_its_uses() {
    let src = "func load(n: i64) -> i64 ! LoadErorr do\n    if n < 0 do\n        fail LoadErorr.Negative\n    end\n    return n\nend\nfunc main() do\n    let a = load(1)?\n    let b = load(2) catch 0\n    println(a + b)\nend\n";
    assert_eq!(check(src), vec![(1, "E0506")]);
}

#[test]
fn unknown_type_poisons_its_uses() {
    let src = "func f(p: Pont) -> i64 do\n    let q = Pont { x: 1 }\n    return p.x + q.y\nend\n";
    assert_eq!(check(src), vec![(1, "E0202")]);
}

#[test]
fn failed_callee_args_stay_quiet() {
    let src = "func main() do\n    nope(.Dot, [], null)\nend\n";
    assert_eq!(check(src), vec![(2, "E0201")]);
}

#[test]
fn error_typed_binding_absorbs() {
    let src = "func main() do\n    let x = nope\n    let y: String = x + 1\n    x.foo()\n    println(x.bar.baz)\n    for i in x do\n    end\nend\n";
    assert_eq!(check(src), vec![(2, "E0201")]);
}

#[test]
fn double_optional_match() {
    let src = "func lookup(m: Map[String, ?i64], k: String) -> ? ?i64 do\n    return m.get(k)\nend\nfunc main() do\n    var m: Map[String, ?i64] = Map.new()\n    m.set(\"a\", null)\n    let r = lookup(m, \"a\")\n    let shown = match r {\n        null => \"missing\",\n        inner => match inner {\n            null => \"present but empty\",\n            v => v.to_string(),\n        }\n    }\n    println(shown)\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn diagnostics_are_sorted_and_deduplicated() {
    let src =
        "func main() do\n    let a: i64 = \"x\"\n    let b = nope\n    let c: bool = 1\nend\n";
    assert_eq!(check(src), vec![(2, "E0301"), (3, "E0201"), (4, "E0301")]);
}

#[test]
fn bad_protocol_does_not_cascade_into_sends() {
    let src = "actor A implements Mssg do\n    receive do\n        | Go => println(1)\n    end\nend\nfunc main() do\n    let a = spawn A()\n    a.send(Go)\nend\n";
    assert_eq!(check(src), vec![(1, "E0202")]);
}

#[test]
fn misspelt_shorthand_field_does_not_unbind_the_real_one() {
    let src = "message M { Get { key: String, reply: Reply[i64] } }\nactor A implements M do\n    receive do\n        | Get { key, repl } => reply.send(key.len())\n    end\nend\n";
    assert_eq!(check(src), vec![(4, "E0209")]);
}

#[test]
fn ask_payload_of_a_failed_receiver_stays_quiet() {
    let src = "message M { Balance { reply: Reply[i64] } }\nfunc main() do\n    let n = nope.ask(Balance)?\n    nope.send(Balance)\nend\n";
    assert_eq!(check(src), vec![(3, "E0201")]);
}
