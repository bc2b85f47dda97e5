//! Actors, messages, send/ask/reply, spawn, behaviors.
mod common;
use common::*;

const MSG: &str = "message CounterMsg {\n    Increment,\n    Add { amount: i64 },\n    Get { reply: Reply[i64] },\n}\n";

fn with_msg(rest: &str) -> String {
    format!("{MSG}{rest}")
}

const COUNTER: &str = "actor Counter(start: i64) implements CounterMsg do\n    var count: i64 = start\n    receive do\n        | Increment => count += 1\n        | Add { amount } => count += amount\n        | Get { reply } => reply.send(count)\n    end\nend\n";

fn with_counter(rest: &str) -> String {
    format!("{MSG}{COUNTER}{rest}")
}

#[test]
fn receive_must_be_exhaustive() {
    let src = with_msg(
        "actor C implements CounterMsg do\n    receive do\n        | Increment => println(1)\n        | Add { amount } => println(amount)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(7, "E0402")]);
    assert!(message(&src, "E0402").contains("Get"));
}

#[test]
fn receive_unreachable_arm() {
    let src = with_msg(
        "actor C implements CounterMsg do\n    receive do\n        | _ => println(1)\n        | Increment => println(2)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(9, "W0401")]);
}

#[test]
fn send_value_not_in_protocol() {
    let src = with_counter(
        "message Other { Ping }\nfunc main() do\n    let c = spawn Counter(0)\n    c.send(Decrement)\n    c.send(Other.Ping)\nend\n",
    );
    assert_eq!(check(&src), vec![(17, "E0601"), (18, "E0601")]);
    let src2 =
        with_counter("func main() do\n    let c = spawn Counter(0)\n    c.send(Incremnt)\nend\n");
    assert!(message(&src2, "E0601").contains("did you mean `Increment`?"));
}

#[test]
fn send_payload_fields_checked() {
    let src = with_counter(
        "func main() do\n    let c = spawn Counter(0)\n    c.send(Add { amount: \"x\" })\n    c.send(Add)\n    c.send(.Add { amount: 1 })\n    c.send(CounterMsg.Increment)\nend\n",
    );
    assert_eq!(check(&src), vec![(16, "E0301"), (17, "E0303")]);
}

#[test]
fn ask_result_is_fallible() {
    let src = with_counter(
        "func get(c: ActorRef[CounterMsg]) -> i64 do\n    return c.ask(Get)?\nend\nfunc get2(c: ActorRef[CounterMsg]) -> i64 ! AskError do\n    return c.ask(Get, timeout: 1s)?\nend\nfunc main() do\n    let c = spawn Counter(0)\n    c.ask(Get)\nend\n",
    );
    assert_eq!(check(&src), vec![(15, "E0502"), (22, "E0501")]);
}

#[test]
fn ask_needs_exactly_one_reply_field() {
    let src = with_counter(
        "func main() do\n    let c = spawn Counter(0)\n    let a = c.ask(Increment)?\nend\n",
    );
    assert_eq!(check(&src), vec![(16, "E0602")]);
}

#[test]
fn ask_reply_field_must_be_left_out() {
    let src = "message M { Q { x: i64, reply: Reply[String] } }\nfunc f(r: ActorRef[M], rep: Reply[String]) do\n    let a = r.ask(Q { x: 1, reply: rep }) catch \"\"\n    let b: String = r.ask(Q { x: 1 }) catch \"\"\n    let c = r.ask(Q) catch \"\"\nend\n";
    assert_eq!(check(src), vec![(3, "E0602"), (5, "E0303")]);
}

#[test]
fn ask_timeout_must_be_duration() {
    let src = with_counter(
        "func main() do\n    let c = spawn Counter(0)\n    let a = c.ask(Get, timeout: 5)?\n    let b = c.ask(Get, wait: 5s)?\nend\n",
    );
    assert_eq!(check(&src), vec![(16, "E0301"), (17, "E0318")]);
}

#[test]
fn reply_send_type() {
    let src = with_msg(
        "actor C implements CounterMsg do\n    receive do\n        | Get { reply } => reply.send(\"x\")\n        | _ => println(0)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(8, "E0610")]);
}

#[test]
fn message_payload_must_cross_network() {
    let src = "supervisor S do\n    child a: A()\nend\nmessage M { Ping }\nactor A implements M do\n    receive do\n        | Ping => println(1)\n    end\nend\nmessage Bad { Carry { s: S }, Fine { xs: [Map[String, ?(i64, Bytes)]], r: ActorRef[M] } }\n";
    assert_eq!(check(src), vec![(10, "E0603")]);
}

#[test]
fn implements_non_message() {
    let src = "struct P { x: i64 }\nactor A implements P do\n    receive do\n        | _ => println(1)\n    end\nend\n";
    assert_eq!(check(src), vec![(2, "E0604")]);
}

#[test]
fn missing_and_double_receive() {
    let src = with_msg(
        "actor A implements CounterMsg do\n    var x: i64 = 0\nend\nactor B implements CounterMsg do\n    receive do\n        | _ => println(1)\n    end\n    receive do\n        | _ => println(2)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(6, "E0605"), (13, "E0605")]);
}

#[test]
fn hooks_per_kind() {
    let src = with_msg(
        "actor A implements CounterMsg do\n    on activate do\n    end\n    on start do\n    end\n    on start do\n    end\n    receive do\n        | _ => println(1)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(7, "E0606"), (11, "E0606")]);
}

#[test]
fn stop_and_self_outside_actor() {
    let src = "func main() do\n    stop()\n    let me = self\nend\n";
    assert_eq!(check(src), vec![(2, "E0607"), (3, "E0607")]);
}

#[test]
fn self_and_stop_inside_actor() {
    let src = with_msg(
        "actor A implements CounterMsg do\n    var me: ?ActorRef[CounterMsg] = null\n    on start do\n        me = self\n        self.send(Increment)\n    end\n    receive do\n        | Increment => stop()\n        | _ => println(1)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![]);
}

#[test]
fn spawn_non_actor_and_grain() {
    let src = with_msg(
        "func f() do\nend\ngrain G(id: String) implements CounterMsg do\n    receive do\n        | _ => println(1)\n    end\nend\nfunc main() do\n    let a = spawn f()\n    let b = spawn G(\"x\")\nend\n",
    );
    assert_eq!(check(&src), vec![(14, "E0608"), (15, "E0804")]);
}

#[test]
fn actor_without_spawn() {
    let src = with_counter("func main() do\n    let c = Counter(1)\nend\n");
    assert_eq!(check(&src), vec![(15, "E0609")]);
}

#[test]
fn spawn_arguments_checked() {
    let src = with_counter(
        "func main() do\n    let a = spawn Counter()\n    let b = spawn Counter(\"x\")\n    let c = spawn Counter(start: 3)\nend\n",
    );
    assert_eq!(check(&src), vec![(15, "E0614"), (16, "E0614")]);
}

#[test]
fn after_needs_duration() {
    let src = with_msg(
        "actor A implements CounterMsg do\n    receive do\n        | _ => println(1)\n        after 5 => println(\"idle\")\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(9, "E0612")]);
}

#[test]
fn fields_initialize_in_order() {
    let src = with_msg(
        "actor A(n: i64) implements CounterMsg do\n    var a: i64 = n + 1\n    var b = a * 2\n    var c: i64 = d\n    var d: i64 = 0\n    receive do\n        | _ => println(a + b + c)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(9, "E0201")]);
}

#[test]
fn helpers_see_state_but_admit_no_errors() {
    let src = "error E { Bad }\nmessage M { Go }\nfunc risky() -> i64 ! E do\n    return 1\nend\nactor A implements M do\n    var n: i64 = 0\n    func bump() do\n        n += risky()?\n    end\n    receive do\n        | Go => do\n            bump()\n            n += risky()?\n          end\n    end\nend\n";
    assert_eq!(check(src), vec![(9, "E0502")]);
}

#[test]
fn msg_parameter_form() {
    let src = "message Echo { Say { text: String } }\nactor Echoer(msg: Echo) do\n    receive do\n        | Say { text } => println(msg)\n    end\nend\nfunc main() do\n    let e = spawn Echoer()\n    e.send(Say { text: \"hi\" })\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn behaviors_mix_protocols() {
    let src = "message Health { Ping { reply: Reply[bool] } }\nmessage Work { Job { n: i64 } }\nbehavior Healthy implements Health do\n    var pings: i64 = 0\n    receive do\n        | Ping { reply } => do\n            pings += 1\n            reply.send(true)\n          end\n    end\nend\nactor Worker implements Work does Healthy do\n    receive do\n        | Job { n } => println(n)\n    end\nend\nfunc main() do\n    let w = spawn Worker()\n    w.send(Job { n: 1 })\n    let ok = w.ask(Ping)?\n    let h: ActorRef[Health] = w\nend\n";
    assert_eq!(check(src), vec![]);
}

#[test]
fn behavior_variant_clash_and_bad_does() {
    let src = "message A { Ping }\nmessage B { Ping }\nstruct S { x: i64 }\nbehavior Bh implements B do\n    receive do\n        | Ping => println(1)\n    end\nend\nactor X implements A does Bh do\n    receive do\n        | Ping => println(2)\n    end\nend\nactor Y implements A does S do\n    receive do\n        | Ping => println(2)\n    end\nend\n";
    assert_eq!(check(src), vec![(9, "E0611"), (14, "E0611")]);
}

#[test]
fn behavior_cannot_touch_host_state() {
    let src = "message A { Go }\nmessage B { Tick }\nbehavior Bh implements B do\n    receive do\n        | Tick => hostvar += 1\n    end\nend\nactor X implements A does Bh do\n    var hostvar: i64 = 0\n    receive do\n        | Go => println(hostvar)\n    end\nend\n";
    assert_eq!(check(src), vec![(5, "E0611")]);
}

#[test]
fn mailbox_attribute() {
    let src = with_msg(
        "@mailbox(capacity: 10_000)\nactor A implements CounterMsg do\n    receive do\n        | _ => println(1)\n    end\nend\n@mailbox(capacity: 0)\nactor B implements CounterMsg do\n    receive do\n        | _ => println(1)\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(12, "E0613")]);
}

#[test]
fn receive_arm_admits_errors_but_not_ignoring() {
    let src = "error E { Bad }\nmessage M { Go, Stay }\nfunc risky() -> i64 ! E do\n    return 1\nend\nactor A implements M do\n    receive do\n        | Go => println(risky()?)\n        | Stay => risky()\n    end\nend\n";
    assert_eq!(check(src), vec![(9, "E0501")]);
}

#[test]
fn return_in_arm_ends_handling() {
    let src = with_msg(
        "actor A implements CounterMsg do\n    receive do\n        | Add { amount } => do\n            if amount < 0 do\n                return\n            end\n            println(amount)\n          end\n        | _ => return 5\n    end\nend\n",
    );
    assert_eq!(check(&src), vec![(14, "E0309")]);
}
