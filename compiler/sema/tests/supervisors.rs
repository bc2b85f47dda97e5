//! Supervisors: children, settings, child arguments, references to children.
mod common;
use common::*;

const BASE: &str = "message M { Ping }\nactor W(name: String) implements M do\n    receive do\n        | Ping => println(name)\n    end\nend\ngrain G(id: String) implements M do\n    receive do\n        | Ping => println(id)\n    end\nend\n";

fn with_base(rest: &str) -> String {
    format!("{BASE}{rest}")
}

#[test]
fn valid_tree_with_params_and_earlier_children() {
    let src = with_base(
        "message LogMsg { Line { text: String } }\nactor Log implements LogMsg do\n    receive do\n        | Line { text } => println(text)\n    end\nend\nactor Uses(log: ActorRef[LogMsg], w: ActorRef[M]) implements M do\n    receive do\n        | Ping => log.send(Line { text: \"p\" })\n    end\nend\nsupervisor Tree(prefix: String) do\n    child log: Log\n    child a: W(prefix)\n    child b: Uses(log, a)\nend\nfunc main() do\n    let t = spawn Tree(\"x\")\n    t.b.send(Ping)\n    t.log.send(Line { text: \"hi\" })\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn child_must_be_actor_or_supervisor() {
    let src = with_base(
        "func f() do\nend\nsupervisor S do\n    child a: G(\"x\")\n    child b: f()\n    child c: Nope()\nend\n",
    );
    assert_eq!(
        check(&src),
        vec![(15, "E0701"), (16, "E0701"), (17, "E0201")]
    );
}

#[test]
fn duplicate_child() {
    let src = with_base("supervisor S do\n    child a: W(\"1\")\n    child a: W(\"2\")\nend\n");
    assert_eq!(check(&src), vec![(14, "E0702")]);
}

#[test]
fn unknown_strategy_suggests() {
    let src = with_base("supervisor S do\n    strategy: one_for_al\n    child a: W(\"1\")\nend\n");
    assert_eq!(check(&src), vec![(13, "E0703")]);
    assert!(message(&src, "E0703").contains("one_for_all"));
}

#[test]
fn invalid_intensity() {
    let src =
        with_base("supervisor S do\n    intensity: 5 within 0s\n    child a: W(\"1\")\nend\n");
    assert_eq!(check(&src), vec![(13, "E0704")]);
}

#[test]
fn invalid_backoff() {
    let src = with_base(
        "supervisor S do\n    backoff: exponential(min: 10s, max: 1s)\n    child a: W(\"1\")\nend\nsupervisor T do\n    backoff: linear\n    child a: W(\"1\")\nend\nsupervisor U do\n    backoff: none\n    child a: W(\"1\")\nend\n",
    );
    assert_eq!(check(&src), vec![(13, "E0705"), (17, "E0705")]);
}

#[test]
fn unknown_restart_suggests() {
    let src = with_base("supervisor S do\n    child a: W(\"1\") restart: transiant\nend\n");
    assert_eq!(check(&src), vec![(13, "E0706")]);
    assert!(message(&src, "E0706").contains("transient"));
}

#[test]
fn setting_twice() {
    let src = with_base(
        "supervisor S do\n    strategy: one_for_one\n    strategy: one_for_all\n    child a: W(\"1\")\nend\n",
    );
    assert_eq!(check(&src), vec![(14, "E0707")]);
}

#[test]
fn unknown_child_reference() {
    let src = with_base(
        "supervisor S do\n    child worker: W(\"1\")\nend\nfunc main() do\n    let s = spawn S()\n    s.wroker.send(Ping)\nend\n",
    );
    assert_eq!(check(&src), vec![(17, "E0708")]);
    assert!(message(&src, "E0708").contains("did you mean `worker`?"));
}

#[test]
fn nested_supervisor_reference() {
    let src = with_base(
        "supervisor Inner do\n    child db: W(\"db\")\nend\nsupervisor Outer do\n    child storage: Inner\nend\nfunc main() do\n    let o = spawn Outer()\n    o.storage.db.send(Ping)\n    let i: Inner = o.storage\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn child_arguments_checked() {
    let src = with_base("supervisor S do\n    child a: W(1)\n    child b: W()\nend\n");
    assert_eq!(check(&src), vec![(13, "E0614"), (14, "E0614")]);
}

#[test]
fn no_children() {
    let src = "supervisor S do\n    strategy: one_for_one\nend\n";
    assert_eq!(check(src), vec![(1, "E0709")]);
}

#[test]
fn supervisor_without_spawn() {
    let src = with_base(
        "supervisor S do\n    child a: W(\"1\")\nend\nfunc main() do\n    let s = S()\nend\n",
    );
    assert_eq!(check(&src), vec![(16, "E0609")]);
}
