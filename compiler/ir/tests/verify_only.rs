//! Small programs covering §2–§3 that must lower and pass the verifier (their exact text is
//! not pinned; `snapshots.rs` pins representative ones).

mod common;

use common::lower;

/// Lowers and verifies (the helper panics on any failure) and checks a fragment is present.
fn lowers_with(src: &str, fragment: &str) {
    let ir = lower(src);
    assert!(ir.contains(fragment), "`{fragment}` not in:\n{ir}");
}

#[test]
fn nested_match_on_enums_in_tuples() {
    lowers_with(
        r#"
enum Color { Red, Green, Blue }
func mix(a: Color, b: ?Color) -> i64 do
    return match (a, b) {
        (.Red, null) => 1,
        (.Red, .Green) => 2,
        (_, Blue) => 3,
        (x, y) when x == .Green => 4,
        _ => 5,
    }
end
"#,
        "is_variant",
    );
}

#[test]
fn match_as_statement_with_assign_return_break_continue() {
    lowers_with(
        r#"
func f(xs: [i64]) -> i64 do
    var total = 0
    for x in xs do
        match x {
            0 => continue,
            1 => total = total + 1,
            99 => break,
            -1 => return -1,
            _ => total += x,
        }
    end
    return total
end
"#,
        "jump",
    );
}

#[test]
fn match_over_strings_and_bools() {
    lowers_with(
        r#"
func f(s: String, b: bool) -> i64 do
    let x = match s {
        "a" => 1,
        "b" => 2,
        _ => 3,
    }
    let y = match b {
        true => 10,
        false => 20,
    }
    return x + y
end
"#,
        "const \"a\"",
    );
}

#[test]
fn error_sets_several_and_match_on_caught_error() {
    lowers_with(
        r#"
error A { X, Y { n: i64 } }
error B { Z }
func a(n: i64) -> i64 ! A do
    if n > 0 do
        fail .Y { n: n }
    end
    return n
end
func b(n: i64) -> i64 ! B do
    if n > 5 do
        fail B.Z
    end
    return n
end
func both(n: i64) -> i64 ! (A | B) do
    let x = a(n)?
    let y = try b(n)
    return x + y
end
func main() do
    let v = both(3) catch |e| match e {
        A.X => 0,
        A.Y { n } => n,
        B.Z => -1,
    }
    println(v)
end
"#,
        "is_variant v5, A.Y",
    );
}

#[test]
fn void_fallible_functions() {
    lowers_with(
        r#"
error E { Bad }
func check(n: i64) -> void ! E do
    if n < 0 do
        fail .Bad
    end
end
func run(n: i64) -> void ! E do
    check(n)?
    check(n + 1)?
    return
end
func main() do
    run(1) catch |e| println($"error {e}")
    run(2)?
end
"#,
        "ok void",
    );
}

#[test]
fn list_methods_and_index_assignment() {
    lowers_with(
        r#"
func f() -> [i64] do
    var xs: [i64] = []
    xs.push(3)
    xs.push(1)
    xs.insert(0, 7)
    let last = xs.pop() ?? 0
    let r = xs.remove(0)
    xs.sort()
    xs.reverse()
    xs[0] = last + r
    let ys = xs.slice(0, 1) ++ [9]
    if xs.contains(9) or xs.is_empty() do
        xs.clear()
    end
    return ys
end
"#,
        "builtin list.insert(&%xs",
    );
}

#[test]
fn maps_and_sets() {
    lowers_with(
        r#"
func f() -> i64 do
    var m: Map[String, ?i64] = Map.new()
    m.set("a", 1)
    m.insert("b", null)
    let old = m.remove("a")
    var s: Set[i64] = Set.new()
    let added = s.insert(4)
    s.remove(5)
    var n = 0
    for x in s do
        n += x
    end
    for (k, v) in m do
        n += v ?? 0
    end
    if m.contains("b") and s.contains(4) and added do
        n += m.len() + s.len() + m.keys().len() + m.values().len() + s.to_list().len()
    end
    let g = m.get("b")
    return n
end
"#,
        "builtin set.elem_at",
    );
}

#[test]
fn strings_and_conversions() {
    lowers_with(
        r#"
func f(s: String) -> String do
    let parts = s.split(",")
    let t = s.trim().to_upper().to_lower()
    let n: i32 = 5
    let u: u64 = 7
    let x = n.to_i64() + u.to_i64() + s.len() + parts.len()
    let y = x.to_f64() * 2.5
    let b = s.starts_with("a") and s.ends_with("z") and s.contains("q") and not s.is_empty()
    let c = s.chars()
    let by = s.to_bytes()
    let z = min(x, 3) + max(-x, 2) + (-x).abs()
    return $"{t} {y} {b} {c} {by.len()} {z} {x.to_string()} {"nested {}"}"
end
"#,
        "builtin str.split",
    );
}

#[test]
fn optional_wrapping_at_calls_fields_returns_and_comparisons() {
    lowers_with(
        r#"
struct Box { v: ?i64, name: String }
func wrap(x: ?i64) -> ?i64 do
    return x
end
func g(n: i64) -> ?i64 do
    if n > 0 do
        return n
    end
    return null
end
func f() -> bool do
    let b = Box { v: 3, name: "b" }
    let w = wrap(4)
    let xs: [?i64] = [1, null]
    return b.v == 3 and w != null and g(1) == xs[0]
end
"#,
        "some",
    );
}

#[test]
fn nested_places() {
    lowers_with(
        r#"
struct Inner { n: i64, tags: [String] }
struct Outer { inner: Inner, pair: (i64, i64), items: [Inner] }
func f(o: Outer) -> Outer do
    var x = o
    x.inner.n += 1
    x.inner.tags.push("t")
    x.pair.0 = 5
    x.items[0].n = x.pair.1
    x.items[1].tags[0] = "u"
    return x
end
"#,
        "store %x.items[",
    );
}

#[test]
fn blocks_as_values_and_tuple_lets() {
    lowers_with(
        r#"
func f(t: (i64, String)) -> i64 do
    let (a, s) = t
    let (_, (b, c)) = (1, (2, 3))
    let v = do
        let z = a * 2
        z + b + c
    end
    return v + s.len()
end
"#,
        "elem",
    );
}

#[test]
fn time_and_numbers() {
    lowers_with(
        r#"
func f() -> Duration do
    let t0 = now()
    sleep(5ms)
    let d = 1s + 250ms - 10ms
    let t1 = now() + d
    let big: u64 = 18446744073709551615
    let small: i32 = -2147483648
    let q = 7 / 2 + 7 % 2
    return t1 - t0
end
"#,
        "const 18446744073709551615",
    );
}

#[test]
fn recursive_types_and_variant_shorthand() {
    lowers_with(
        r#"
enum Tree { Leaf, Node { left: Tree, value: i64, right: Tree } }
func sum(t: Tree) -> i64 do
    return match t {
        .Leaf => 0,
        .Node { left, value, right } => sum(left) + value + sum(right),
    }
end
func main() do
    let t = Tree.Node { left: .Leaf, value: 3, right: Tree.Node { left: .Leaf, value: 4, right: .Leaf } }
    println(sum(t))
end
"#,
        "call sum(",
    );
}

#[test]
fn while_true_with_break_and_parse_int() {
    lowers_with(
        r#"
func main() do
    var i = 0
    while true do
        i += 1
        if i > 10 do
            break
        end
    end
    let n = parse_int("42") catch 0
    let m = parse_int("x") catch |e| match e {
        .Invalid { text } => text.len(),
    }
    let f = parse_float("1.5")?
    println(n + m + i)
end
"#,
        "builtin parse_int",
    );
}

#[test]
fn constants_and_tests() {
    lowers_with(
        r#"
const N: i64 = 2 + 3
const NAME: String = "n"
func f() -> i64 do
    return N * 2
end
test "f doubles" do
    assert(f() == 10)
end
"#,
        "fn test \"f doubles\"",
    );
}

#[test]
fn named_arguments_in_any_order() {
    lowers_with(
        r#"
func area(w: i64, h: i64) -> i64 do
    return w * h
end
func main() do
    println(area(h: 2, w: 3) + area(1, h: 4))
end
"#,
        "call area(",
    );
}

#[test]
fn return_inside_if_inside_match_inside_loop() {
    lowers_with(
        r#"
enum Op { Add { n: i64 }, Stop }
func run(ops: [Op]) -> i64 do
    var acc = 0
    for op in ops do
        match op {
            .Add { n } => do
                if n < 0 do
                    return -1
                end
                acc += n
            end,
            .Stop => break,
        }
    end
    return acc
end
"#,
        "switch",
    );
}

#[test]
fn match_single_arm_and_bare_variant_names() {
    lowers_with(
        r#"
enum Light { On, Off }
func flip(l: Light) -> Light do
    return match l {
        On => Off,
        Off => On,
    }
end
func only(l: Light) -> i64 do
    return match l {
        _ => 1,
    }
end
"#,
        "variant Light.Off",
    );
}

#[test]
fn never_typed_branches() {
    lowers_with(
        r#"
func f(n: i64) -> i64 do
    let x = if n > 0 do n else panic("negative") end
    let y = match n {
        0 => return 0,
        _ => n,
    }
    return x + y
end
"#,
        "crash panic",
    );
}

#[test]
fn grains_with_identity_hooks_and_state() {
    lowers_with(
        r#"
message AccountMsg {
    Deposit { amount: i64 },
    Balance { reply: Reply[i64] },
}

grain Account(id: String) implements AccountMsg do
    var balance: i64 = 0

    on activate do
        println($"activating {id}")
    end

    receive do
        | Deposit { amount } => balance += amount
        | Balance { reply } => reply.send(balance)
    end
end

func main() do
    let a = Account("alice")
    a.send(Deposit { amount: 5 })
    let b = a.ask(Balance, timeout: 1s) catch 0
    println(b)
end
"#,
        "grain_ref Account(",
    );
}

#[test]
fn behaviors_and_their_host() {
    lowers_with(
        r#"
message PingMsg {
    Ping { reply: Reply[String] },
}

behavior Pinger implements PingMsg do
    var pings: i64 = 0
    receive do
        | Ping { reply } => do
            pings += 1
            reply.send($"pong {pings}")
          end
    end
end

message WorkMsg {
    Work { n: i64 },
}

actor Worker implements WorkMsg does Pinger do
    var done: i64 = 0
    receive do
        | Work { n } => done += n
    end
end

func main() do
    let w = spawn Worker()
    w.send(Work { n: 2 })
    let p = w.ask(Ping)?
    println(p)
end
"#,
        "fn Pinger.receive(%msg: PingMsg)",
    );
}

#[test]
fn supervisors_with_parameters_and_children_using_earlier_children() {
    lowers_with(
        r#"
message LogMsg {
    Line { text: String },
}

actor Log implements LogMsg do
    receive do
        | Line { text } => println(text)
    end
end

message JobMsg {
    Run { n: i64 },
}

actor Job(name: String, log: ActorRef[LogMsg]) implements JobMsg do
    receive do
        | Run { n } => log.send(Line { text: $"{name} {n}" })
    end
end

supervisor Tree(prefix: String) do
    strategy: rest_for_one
    intensity: 2 within 1s
    backoff: none
    child log: Log()
    child job: Job(prefix ++ "-job", log) restart: transient
end

func main() do
    let t = spawn Tree("x")
    t.job.send(Run { n: 1 })
end
"#,
        "supervisor Tree rest_for_one, intensity 2 within 1000000000ns, backoff none",
    );
}
