//! Grains: identity, references, hooks, memory tags, lifecycle.
mod common;
use common::*;

const MSG: &str = "message M { Ping, Get { reply: Reply[i64] } }\n";

fn with_msg(rest: &str) -> String {
    format!("{MSG}{rest}")
}

const RECV: &str = "    receive do\n        | _ => println(1)\n    end\n";

#[test]
fn identity_must_be_key_type() {
    let src = with_msg(&format!(
        "grain G(id: f64) implements M do\n{RECV}end\ngrain H(id: String, n: i64) implements M do\n{RECV}end\n"
    ));
    assert_eq!(check(&src), vec![(2, "E0801")]);
}

#[test]
fn grain_needs_identity() {
    let src = with_msg(&format!("grain G implements M do\n{RECV}end\n"));
    assert_eq!(check(&src), vec![(2, "E0807")]);
}

#[test]
fn grain_reference_without_spawn() {
    let src = with_msg(&format!(
        "grain Chat(room: String, n: i64) implements M do\n{RECV}end\nfunc main() do\n    let c: GrainRef[M] = Chat(\"lobby\", 3)\n    c.send(Ping)\n    let n = c.ask(Get)?\n    let bad = Chat(1, 2)\nend\n"
    ));
    assert_eq!(check(&src), vec![(11, "E0301")]);
}

#[test]
fn grain_hooks() {
    let src = with_msg(&format!(
        "grain G(id: String) implements M do\n    on start do\n    end\n    on activate do\n    end\n{RECV}end\n"
    ));
    assert_eq!(check(&src), vec![(3, "E0805")]);
}

#[test]
fn memory_tags() {
    let src = with_msg(&format!(
        "grain G(id: String) implements M do\n    @Volatile.Ephemeral var a: i64 = 0\n    @Session.Replicated var b: i64 = 0\n    @Local.Exclusive var c: i64 = 0\n    @Volatile.Ephemerl var d: i64 = 0\n    @Volatile.Ephemeral let e: i64 = 0\n    @Volatile.Ephemeral @Local.Exclusive var f: i64 = 0\n{RECV}end\nactor A implements M do\n    @Volatile.Ephemeral var x: i64 = 0\n{RECV}end\n"
    ));
    assert_eq!(
        check(&src),
        vec![(6, "E0802"), (7, "E0802"), (8, "E0802"), (14, "E0802")]
    );
}

#[test]
fn persisted_field_cannot_hold_reply() {
    let src = with_msg(&format!(
        "grain G(id: String) implements M with Storage do\n    var pending: ?Reply[i64] = null\n    @Volatile.Ephemeral var ok: ?Reply[i64] = null\n{RECV}end\n"
    ));
    assert_eq!(check(&src), vec![(3, "E0803")]);
}

#[test]
fn lifecycle_attribute() {
    let src = with_msg(&format!(
        "@lifecycle(deactivation: .never)\ngrain A(id: String) implements M do\n{RECV}end\n@lifecycle(deactivation: .idle_timout(5s))\ngrain B(id: String) implements M do\n{RECV}end\n@lifecycle(deactivation: .idle_timeout(5s))\nactor C implements M do\n{RECV}end\n"
    ));
    assert_eq!(check(&src), vec![(8, "E0806"), (14, "E0806")]);
}

#[test]
fn self_is_grain_ref() {
    let src = with_msg(
        "grain G(id: String) implements M do\n    receive do\n        | Ping => do\n            let me: GrainRef[M] = self\n            stop()\n          end\n        | Get { reply } => reply.send(1)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}
