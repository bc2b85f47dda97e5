//! Diagnostic quality: what each message says (the right name, grammar, a pasteable fix),
//! and that suggestions are meaningful (right kind, close enough) or absent.
mod common;
use common::*;

const PING: &str = "message M {\n    Ping,\n    Wait { reply: Reply[i64] },\n}\n";

#[test]
fn contains_on_a_list_of_replies_needs_equality() {
    let src = format!(
        "{PING}actor A implements M do\n    var waiting: [Reply[i64]] = []\n    receive do\n        | Ping => println(1)\n        | Wait {{ reply }} => do\n            if not waiting.contains(reply) do\n                waiting.push(reply)\n            end\n          end\n    end\nend\n"
    );
    assert_eq!(check(&src), vec![(10, "E0311")]);
    assert!(message(&src, "E0311").contains("`contains` compares with `==`"));
    // A list of plain data keeps `contains`.
    assert_eq!(
        check("func f(xs: [i64]) -> bool do\n    return xs.contains(1)\nend\n"),
        vec![]
    );
}

#[test]
fn missing_case_over_several_error_sets_is_qualified() {
    let src = "error NetError { Timeout, Down }\nerror DiskError { Timeout, Full }\nfunc sync(n: i64) -> i64 ! (NetError | DiskError) do\n    fail NetError.Down\nend\nfunc main() do\n    let r = sync(1) catch |e| match e {\n        NetError.Timeout => 1,\n        NetError.Down => 2,\n        DiskError.Full => 3,\n    }\n    println(r)\nend\n";
    assert_eq!(check(src), vec![(7, "E0401")]);
    let m = message(src, "E0401");
    assert!(m.contains("does not cover `DiskError.Timeout`"), "{m}");
    assert!(m.contains("add an arm: `DiskError.Timeout => ...`"), "{m}");
    // One set: the short form stays.
    let one = "error E { A, B }\nfunc f(e: E) -> i64 do\n    return match e {\n        .A => 1,\n    }\nend\n";
    assert!(message(one, "E0401").contains("does not cover `.B`"));
}

#[test]
fn ambiguous_variant_in_fail_and_pattern() {
    let src = "error NetError { Timeout, Down }\nerror DiskError { Timeout, Full }\nfunc sync(n: i64) -> i64 ! (NetError | DiskError) do\n    fail .Timeout\nend\nfunc main() do\n    let r = sync(1) catch |e| match e {\n        .Timeout => 1,\n        _ => 2,\n    }\n    println(r)\nend\n";
    assert_eq!(check(src), vec![(4, "E0207"), (8, "E0207")]);
}

#[test]
fn spawn_of_a_non_actor_reads_well() {
    let src = "func work() do\nend\nstruct P { x: i64 }\nfunc main() do\n    let a = spawn work()\n    let b = spawn P(1)\nend\n";
    let ds = diags(src);
    let msgs: Vec<&str> = ds.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "cannot spawn `work`: it is a function, not an actor or supervisor",
            "cannot spawn `P`: it is a struct, not an actor or supervisor",
        ]
    );
    assert_eq!(
        ds[0].help.as_deref(),
        Some("a function runs when it is called: `work(...)`")
    );
}

#[test]
fn articles_agree_with_their_noun() {
    let src = format!(
        "{PING}actor Helper implements M do\n    receive do\n        | Ping => println(1)\n        | Wait {{ reply }} => reply.send(1)\n    end\nend\nactor Host implements M does Helper do\n    receive do\n        | Ping => println(1)\n        | Wait {{ reply }} => reply.send(1)\n    end\nend\n"
    );
    assert!(message(&src, "E0611").contains("`Helper` is an actor"));
    let send = format!(
        "{PING}actor A implements M do\n    receive do\n        | Ping => println(1)\n        | Wait {{ reply }} => reply.send(\"x\")\n    end\nend\nfunc main() do\n    let a = spawn A()\n    a.send(5)\nend\n"
    );
    for d in diags(&send) {
        assert!(!d.message.contains(" a `i64`"), "{}", d.message);
    }
    let ret = "func sign(n: i64) -> i64 do\n    if n > 0 do\n        return 1\n    end\nend\n";
    assert!(message(ret, "E0310").contains("without returning a value of type `i64`"));
}

#[test]
fn field_and_count_errors_name_the_variant() {
    let src = "enum Shape { Dot, Rect { w: f64, h: f64 } }\nfunc f(s: Shape) -> f64 do\n    return match s {\n        .Rect(w) => w,\n        _ => 0.0,\n    }\nend\nfunc g(s: Shape) -> f64 do\n    return match s {\n        .Rect { wdth } => wdth,\n        _ => 0.0,\n    }\nend\n";
    let m = message(src, "E0405");
    assert!(m.starts_with("`Shape.Rect` has 2 fields"), "{m}");
    assert!(m.contains("`{ w, h }`"), "{m}");
    let m = message(src, "E0209");
    assert!(m.starts_with("`Shape.Rect` has no field `wdth`"), "{m}");
    assert!(
        m.contains("did you mean `w`?") || m.contains("its fields are"),
        "{m}"
    );
}

#[test]
fn short_names_get_no_guess_but_an_explanation() {
    // `y` is not a typo of `c`; it went out of scope.
    let src = "func main() do\n    let c = 1\n    if c > 0 do\n        let y = 1\n        println(y)\n    end\n    println(y)\nend\n";
    let ds = diags(src);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].help, None);
    assert!(ds[0].labels.len() == 2, "{:?}", ds[0].labels);
    assert!(
        ds[0]
            .notes
            .iter()
            .any(|n| n.contains("exists only until the end"))
    );
    // An unknown 1-char field lists the fields instead of guessing.
    let f = "struct P { x: i64, y: i64 }\nfunc f(p: P) -> i64 do\n    return p.z\nend\n";
    assert_eq!(
        message(f, "E0209"),
        "`P` has no field `z` | note: its fields are `x` and `y`"
    );
}

#[test]
fn unknown_node_lists_the_nodes() {
    let m = manifest(&[], &[("n1", &[]), ("n2", &[]), ("n3", &[])]);
    let src = "message M { Ping }\nactor W implements M do\n    receive do\n        | Ping => println(1)\n    end\nend\nfunc main() do\n    let w = spawn W() on \"n9\"\nend\n";
    assert_eq!(
        message_with(src, "E1004", Some(&m)),
        "no node named `n9` in `janus.toml` | note: nodes: n1, n2, n3"
    );
}

#[test]
fn unknown_protocol_suggests_only_protocols() {
    let src = "actor Counter implements CountrMsg do\nend\n";
    let m = message(src, "E0202");
    assert!(m.starts_with("unknown message protocol `CountrMsg`"), "{m}");
    assert!(!m.contains("Counter`?"), "{m}");
    let with_proto = "message CounterMsg { Ping }\nactor Counter implements CountrMsg do\nend\n";
    assert!(message(with_proto, "E0202").contains("did you mean `CounterMsg`?"));
    // A type position does not offer functions; an error set position offers error sets.
    let ty = "func Pointt() do\nend\nstruct Point { x: i64 }\nfunc f(p: Pointe) do\nend\n";
    assert!(message(ty, "E0202").contains("did you mean `Point`?"));
    let es = "struct LoadErrors { x: i64 }\nerror LoadError { Bad }\nfunc f() -> i64 ! LoadErorr do\n    return 1\nend\n";
    assert!(message(es, "E0506").contains("did you mean `LoadError`?"));
}

#[test]
fn combined_protocols_are_spelt_with_plus() {
    let src = "message M { Work }\nmessage P { Ping }\nmessage O { Other }\nbehavior B implements P do\n    receive do\n        | Ping => println(1)\n    end\nend\nactor H implements M does B do\n    receive do\n        | Work => println(2)\n    end\nend\nfunc main() do\n    let h = spawn H()\n    let o: ActorRef[O] = h\n    h.send(O.Other)\nend\n";
    let ds = diags(src);
    assert_eq!(ds.len(), 2);
    assert!(
        ds[0].message.contains("found `ActorRef[M + P]`"),
        "{}",
        ds[0].message
    );
    assert!(
        ds[1].message.contains("not a message of `M + P`"),
        "{}",
        ds[1].message
    );
}

#[test]
fn assignment_to_immutable_says_assign_not_assign_twice() {
    let src = "func main() do\n    let count = 1\n    count = 2\nend\n";
    assert_eq!(
        message(src, "E0304"),
        "cannot assign to `count`: it is a `let` binding | help: declare it with `var count` to change it"
    );
    let param = "func bump(n: i64) do\n    n = 1\nend\n";
    assert!(message(param, "E0304").starts_with("cannot assign to `n`: it is a parameter"));
    let actor = format!(
        "{PING}actor A(limit: i64) implements M do\n    receive do\n        | Ping => limit = 0\n        | Wait {{ reply }} => reply.send(limit)\n    end\nend\n"
    );
    assert!(message(&actor, "E0304").contains("state field"));
}

#[test]
fn bodiless_intrinsic_outside_std_is_one_error() {
    let src = "@intrinsic\nfunc put(k: String)\n";
    assert_eq!(check(src), vec![(2, "E0108")]);
    assert!(message(src, "E0108").contains("reserved for the standard library"));
    // Without `@intrinsic`, the missing body is the error.
    let plain = "func put(k: String)\n";
    assert!(message(plain, "E0108").contains("has no body"));
}

#[test]
fn later_field_and_later_child_are_explained() {
    let actor = format!(
        "{PING}actor A implements M do\n    var a: i64 = b + 1\n    var b: i64 = 0\n    receive do\n        | Ping => println(a)\n        | Wait {{ reply }} => reply.send(b)\n    end\nend\n"
    );
    let ds = diags(&actor);
    assert_eq!(ds.len(), 1);
    assert!(
        ds[0]
            .notes
            .iter()
            .any(|n| n.contains("fields declared before it"))
    );
    let sup = format!(
        "{PING}actor W(peer: ActorRef[M]) implements M do\n    receive do\n        | Ping => println(1)\n        | Wait {{ reply }} => reply.send(1)\n    end\nend\nsupervisor S do\n    child w: W(v)\n    child v: W(w)\nend\n"
    );
    let ds = diags(&sup);
    assert_eq!(ds.len(), 1);
    assert!(
        ds[0]
            .notes
            .iter()
            .any(|n| n.contains("children declared before it"))
    );
}

#[test]
fn handler_return_value_help_fits_handlers() {
    let src = format!(
        "{PING}actor A implements M do\n    receive do\n        | Ping => return 5\n        | Wait {{ reply }} => reply.send(1)\n    end\nend\n"
    );
    let m = message(&src, "E0309");
    assert!(
        m.contains("`return` in a `receive` arm or hook takes no value"),
        "{m}"
    );
    assert!(!m.contains("declare a return type"), "{m}");
}

#[test]
fn send_of_other_protocols_variant_says_where_it_lives() {
    let src = "message A { Ping }\nmessage B { Pong }\nactor Ay implements A do\n    receive do\n        | Ping => println(1)\n    end\nend\nfunc main() do\n    let a = spawn Ay()\n    a.send(.Pong)\nend\n";
    let m = message(src, "E0601");
    assert!(m.contains("`Pong` is a variant of `B`"), "{m}");
    assert!(!m.contains("did you mean"), "{m}");
}

#[test]
fn supervisor_capability_help_is_complete() {
    let src = "func load() -> i64 with Storage do\n    return 1\nend\nmessage M { Ping }\nactor W(n: i64) implements M do\n    receive do\n        | Ping => println(n)\n    end\nend\nsupervisor S do\n    child w: W(load())\nend\n";
    let m = message(src, "E0901");
    assert!(m.contains("a supervisor holds no capabilities"), "{m}");
    assert!(!m.ends_with(" to"), "{m}");
}

#[test]
fn node_capability_in_with_points_at_requires() {
    let m = manifest(&["gpu"], &[("n1", &["gpu"])]);
    let src = "func f() with gpu do\nend\n";
    let msg = message_with(src, "E0902", Some(&m));
    assert!(msg.contains("@requires(cap: [.gpu])"), "{msg}");
}

#[test]
fn missing_fields_help_shows_them() {
    let src = "struct P { x: i64, y: i64 }\nfunc main() do\n    let p = P { x: 1 }\nend\n";
    assert_eq!(
        message(src, "E0303"),
        "missing field `y` in `P` | help: add it: `y: ...`"
    );
}

#[test]
fn named_argument_errors_point_at_both_and_list_parameters() {
    let src = "func rect(w: i64, h: i64) -> i64 do\n    return w * h\nend\nfunc main() do\n    println(rect(w: 2, h: 3, w: 4))\n    println(rect(w: 2, h: 3, depth: 4))\nend\n";
    let ds = diags(src);
    assert_eq!(ds.len(), 2);
    assert_eq!(ds[0].labels.len(), 2);
    assert!(
        ds[1]
            .notes
            .iter()
            .any(|n| n == "its parameters are `w` and `h`")
    );
}

#[test]
fn calling_a_value_is_labelled_not_a_function() {
    let src = "func main() do\n    let five = 5\n    println(five(3))\nend\n";
    let ds = diags(src);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].labels[0].message, "not a function");
}

#[test]
fn constant_name_in_pattern_is_explained() {
    let src = "const LIMIT: i64 = 10\nfunc name(n: i64) -> String do\n    return match n {\n        LIMIT => \"limit\",\n        _ => \"other\",\n    }\nend\n";
    let ds = diags(src);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].code, "W0401");
    assert_eq!(ds[0].labels.len(), 2);
    assert!(
        ds[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("x when x == LIMIT"))
    );
}

#[test]
fn module_used_by_its_old_name_after_as() {
    let geo = "func area(n: i64) -> i64 do\n    return n\nend\n";
    let main = "import aux.geometry as geo\nfunc main() do\n    println(geometry.area(1))\nend\n";
    let ds = diags_modules(&[("", main), ("aux.geometry", geo)], &[], None);
    assert_eq!(ds.len(), 1);
    assert_eq!(
        ds[0].2.help.as_deref(),
        Some("module `aux.geometry` is imported as `geo`: use `geo` instead")
    );
}

#[test]
fn mailbox_errors_point_at_the_offending_part() {
    let body = "actor A implements M do\n    receive do\n        | Ping => println(1)\n        | Wait { reply } => reply.send(1)\n    end\nend\n";
    let extra = format!("{PING}@mailbox(capacity: 10, priority: 1)\n{body}");
    let ds = diags(&extra);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].labels[0].message, "`@mailbox` takes only `capacity:`");
    let zero = format!("{PING}@mailbox(capacity: 0)\n{body}");
    assert_eq!(
        diags(&zero)[0].labels[0].message,
        "the capacity must be at least 1"
    );
}

#[test]
fn variant_clash_points_at_both_declarations() {
    let src = "message H { Ping }\nmessage P { Ping }\nbehavior B implements P do\n    receive do\n        | Ping => println(1)\n    end\nend\nactor A implements H does B do\n    receive do\n        | Ping => println(2)\n    end\nend\n";
    let ds: Vec<_> = diags(src)
        .into_iter()
        .filter(|d| d.code == "E0611")
        .collect();
    assert_eq!(ds.len(), 1);
    let secondary: Vec<&str> = ds[0]
        .labels
        .iter()
        .filter(|l| !l.primary)
        .map(|l| l.message.as_str())
        .collect();
    assert_eq!(secondary, vec!["`Ping` in `H`", "`Ping` in `P`"]);
}

#[test]
fn plain_numbers_where_durations_or_bools_are_expected_get_a_hint() {
    let src = "func main() do\n    let n = 3\n    sleep(100)\n    if n do\n        println(n)\n    end\nend\n";
    let ds = diags(src);
    assert_eq!(ds.len(), 2);
    assert!(ds[0].help.as_deref().is_some_and(|h| h.contains("`100ms`")));
    assert!(ds[1].help.as_deref().is_some_and(|h| h.contains("!= 0")));
}
