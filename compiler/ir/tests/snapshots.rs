//! Exact printed IR of small programs, one per construct family. The printer is stable, so
//! these double as documentation of how each construct lowers (see `spec/ir.md`).

mod common;

use common::lower;

/// Lowers `src` and compares the printed IR with `expected`, showing both on a mismatch.
fn check(src: &str, expected: &str) {
    let got = lower(src);
    if got != expected {
        panic!("printed IR differs.\n--- expected\n{expected}\n--- got\n{got}");
    }
}

/// Recursion, `if` without `else`, `return`, checked arithmetic and calls.
#[test]
fn fib() {
    check(
        r#"func fib(n: i64) -> i64 do
    if n < 2 do
        return n
    end
    return fib(n - 1) + fib(n - 2)
end
"#,
        r#"fn fib(%n: i64) -> i64 {
bb0:
    v0: i64 = load %n
    v1: i64 = const 2
    v2: bool = lt v0, v1
    branch v2, bb1, bb2
bb1:
    v3: i64 = load %n
    ret v3
bb2:
    v4: i64 = load %n
    v5: i64 = const 1
    v6: i64 = sub v4, v5
    v7: i64 = call fib(v6)
    v8: i64 = load %n
    v9: i64 = const 2
    v10: i64 = sub v8, v9
    v11: i64 = call fib(v10)
    v12: i64 = add v7, v11
    ret v12
}
"#,
    );
}

/// `var`, `while` (header block tests the condition) and `-=`.
#[test]
fn while_compound() {
    check(
        r#"func count() -> i64 do
    var total = 100
    while total > 10 do
        total -= 7
    end
    return total
end
"#,
        r#"fn count() -> i64 {
    local %total: i64
bb0:
    v0: i64 = const 100
    store %total, v0
    jump bb1
bb1:
    v1: i64 = load %total
    v2: i64 = const 10
    v3: bool = gt v1, v2
    branch v3, bb2, bb3
bb2:
    v4: i64 = load %total
    v5: i64 = const 7
    v6: i64 = sub v4, v5
    store %total, v6
    jump bb1
bb3:
    v7: i64 = load %total
    ret v7
}
"#,
    );
}

/// `for i in 0..<10`: tested on entry and after each turn; the counter is a local apart from the binding.
#[test]
fn range_half_open() {
    check(
        r#"func sum() -> i64 do
    var s = 0
    for i in 0..<10 do
        s += i
    end
    return s
end
"#,
        r#"fn sum() -> i64 {
    local %s: i64
    local %counter: i64
    local %i: i64
bb0:
    v0: i64 = const 0
    store %s, v0
    v1: i64 = const 0
    v2: i64 = const 10
    store %counter, v1
    v3: bool = lt v1, v2
    branch v3, bb1, bb3
bb1:
    v4: i64 = load %counter
    store %i, v4
    v5: i64 = load %s
    v6: i64 = load %i
    v7: i64 = add v5, v6
    store %s, v7
    jump bb2
bb2:
    v8: i64 = load %counter
    v9: i64 = const 1
    v10: i64 = add v8, v9
    store %counter, v10
    v11: bool = lt v10, v2
    branch v11, bb1, bb3
bb3:
    v12: i64 = load %s
    ret v12
}
"#,
    );
}

/// `for i in 1..=n`: stops after the turn where `i == n`, so `n = i32::MAX` cannot overflow.
#[test]
fn range_inclusive() {
    check(
        r#"func sum(n: i32) -> i32 do
    var s: i32 = 0
    for i in 1..=n do
        s = s + i
    end
    return s
end
"#,
        r#"fn sum(%n: i32) -> i32 {
    local %s: i32
    local %counter: i32
    local %i: i32
bb0:
    v0: i32 = const 0
    store %s, v0
    v1: i32 = const 1
    v2: i32 = load %n
    store %counter, v1
    v3: bool = le v1, v2
    branch v3, bb1, bb4
bb1:
    v4: i32 = load %counter
    store %i, v4
    v5: i32 = load %s
    v6: i32 = load %i
    v7: i32 = add v5, v6
    store %s, v7
    jump bb2
bb2:
    v8: i32 = load %counter
    v9: bool = eq v8, v2
    branch v9, bb4, bb3
bb3:
    v10: i32 = const 1
    v11: i32 = add v8, v10
    store %counter, v11
    jump bb1
bb4:
    v12: i32 = load %s
    ret v12
}
"#,
    );
}

/// `for x in xs` by position over a snapshot; `continue` goes to the latch; `return` from the loop.
#[test]
fn for_list_break_continue() {
    check(
        r#"func first_big(xs: [i64]) -> i64 do
    for x in xs do
        if x < 0 do
            continue
        end
        if x > 100 do
            return x
        end
    end
    return 0
end
"#,
        r#"fn first_big(%xs: [i64]) -> i64 {
    local %idx: i64
    local %x: i64
bb0:
    v0: [i64] = load %xs
    v1: i64 = builtin list.len(v0)
    v2: i64 = const 0
    store %idx, v2
    jump bb1
bb1:
    v3: i64 = load %idx
    v4: bool = lt v3, v1
    branch v4, bb2, bb6
bb2:
    v5: i64 = load %idx
    v6: i64 = builtin list.get(v0, v5)
    store %x, v6
    v7: i64 = load %x
    v8: i64 = const 0
    v9: bool = lt v7, v8
    branch v9, bb5, bb3
bb3:
    v10: i64 = load %x
    v11: i64 = const 100
    v12: bool = gt v10, v11
    branch v12, bb4, bb5
bb4:
    v13: i64 = load %x
    ret v13
bb5:
    v14: i64 = load %idx
    v15: i64 = const 1
    v16: i64 = add v14, v15
    store %idx, v16
    jump bb1
bb6:
    v17: i64 = const 0
    ret v17
}
"#,
    );
}

/// `for (k, v) in m`: entries by position (insertion order), the tuple pattern binds both.
#[test]
fn for_map() {
    check(
        r#"func total(m: Map[String, i64]) -> i64 do
    var t = 0
    for (k, v) in m do
        t += v
    end
    return t
end
"#,
        r#"fn total(%m: Map[String, i64]) -> i64 {
    local %t: i64
    local %idx: i64
    local %k: String
    local %v: i64
bb0:
    v0: i64 = const 0
    store %t, v0
    v1: Map[String, i64] = load %m
    v2: i64 = builtin map.len(v1)
    v3: i64 = const 0
    store %idx, v3
    jump bb1
bb1:
    v4: i64 = load %idx
    v5: bool = lt v4, v2
    branch v5, bb2, bb4
bb2:
    v6: i64 = load %idx
    v7: (String, i64) = builtin map.entry_at(v1, v6)
    v8: String = elem v7.0
    store %k, v8
    v9: i64 = elem v7.1
    store %v, v9
    v10: i64 = load %t
    v11: i64 = load %v
    v12: i64 = add v10, v11
    store %t, v12
    jump bb3
bb3:
    v13: i64 = load %idx
    v14: i64 = const 1
    v15: i64 = add v13, v14
    store %idx, v15
    jump bb1
bb4:
    v16: i64 = load %t
    ret v16
}
"#,
    );
}

/// `if`/`else if`/`else` as an expression: each branch stores into a result local.
#[test]
fn if_expr() {
    check(
        r#"func sign(n: i64) -> String do
    let s = if n > 0 do "pos" else if n < 0 do "neg" else "zero" end
    return s
end
"#,
        r#"fn sign(%n: i64) -> String {
    local %if.1: String
    local %if.2: String
    local %s: String
bb0:
    v0: i64 = load %n
    v1: i64 = const 0
    v2: bool = gt v0, v1
    branch v2, bb1, bb2
bb1:
    v3: String = const "pos"
    store %if.1, v3
    jump bb6
bb2:
    v4: i64 = load %n
    v5: i64 = const 0
    v6: bool = lt v4, v5
    branch v6, bb3, bb4
bb3:
    v7: String = const "neg"
    store %if.2, v7
    jump bb5
bb4:
    v8: String = const "zero"
    store %if.2, v8
    jump bb5
bb5:
    v9: String = load %if.2
    store %if.1, v9
    jump bb6
bb6:
    v10: String = load %if.1
    store %s, v10
    v11: String = load %s
    ret v11
}
"#,
    );
}

/// A match over an enum: one `switch` on the tag, guards falling through to the next candidate arm, positional fields, `_`.
#[test]
fn match_enum() {
    check(
        r#"enum Shape { Circle { radius: f64 }, Rect { w: f64, h: f64 }, Dot }

func area(s: Shape) -> f64 do
    return match s {
        .Circle { radius } => 3.0 * radius * radius,
        .Rect { w, h } when w == h => w * w,
        .Rect(w, h) => w * h,
        _ => 0.0,
    }
end
"#,
        r#"fn area(%s: Shape) -> f64 {
    local %match: f64
    local %radius: f64
    local %w.3: f64
    local %h.4: f64
    local %w.5: f64
    local %h.6: f64
bb0:
    v0: Shape = load %s
    v1: i64 = tag v0
    switch v1 [0 => bb2, 1 => bb3, 2 => bb8], default bb1
bb1:
    unreachable
bb2:
    v2: f64 = variant_field v0 as Shape.Circle.radius
    store %radius, v2
    jump bb5
bb3:
    v3: f64 = variant_field v0 as Shape.Rect.w
    store %w.3, v3
    v4: f64 = variant_field v0 as Shape.Rect.h
    store %h.4, v4
    v5: f64 = load %w.3
    v6: f64 = load %h.4
    v7: bool = eq v5, v6
    branch v7, bb6, bb4
bb4:
    v8: f64 = variant_field v0 as Shape.Rect.w
    store %w.5, v8
    v9: f64 = variant_field v0 as Shape.Rect.h
    store %h.6, v9
    jump bb7
bb5:
    v10: f64 = const 3.0
    v11: f64 = load %radius
    v12: f64 = mul v10, v11
    v13: f64 = load %radius
    v14: f64 = mul v12, v13
    store %match, v14
    jump bb9
bb6:
    v15: f64 = load %w.3
    v16: f64 = load %w.3
    v17: f64 = mul v15, v16
    store %match, v17
    jump bb9
bb7:
    v18: f64 = load %w.5
    v19: f64 = load %h.6
    v20: f64 = mul v18, v19
    store %match, v20
    jump bb9
bb8:
    v21: f64 = const 0.0
    store %match, v21
    jump bb9
bb9:
    v22: f64 = load %match
    ret v22
}
"#,
    );
}

/// A match over `?i64`: `null`, a literal of the inner type, and a binding that only matches non-null values.
#[test]
fn match_optional() {
    check(
        r#"func describe(x: ?i64) -> i64 do
    return match x {
        null => 0,
        0 => 1,
        n => n + 2,
    }
end
"#,
        r#"fn describe(%x: ?i64) -> i64 {
    local %match: i64
    local %n: i64
bb0:
    v0: ?i64 = load %x
    v1: bool = is_null v0
    branch v1, bb4, bb1
bb1:
    v2: bool = is_null v0
    branch v2, bb3, bb2
bb2:
    v3: i64 = unwrap v0
    v4: i64 = const 0
    v5: bool = eq v3, v4
    branch v5, bb5, bb3
bb3:
    v6: i64 = unwrap v0
    store %n, v6
    jump bb6
bb4:
    v7: i64 = const 0
    store %match, v7
    jump bb7
bb5:
    v8: i64 = const 1
    store %match, v8
    jump bb7
bb6:
    v9: i64 = load %n
    v10: i64 = const 2
    v11: i64 = add v9, v10
    store %match, v11
    jump bb7
bb7:
    v12: i64 = load %match
    ret v12
}
"#,
    );
}

/// Tuple patterns with literals and wildcards (wildcards read nothing).
#[test]
fn match_tuple() {
    check(
        r#"func both(a: bool, b: bool) -> i64 do
    return match (a, b) {
        (true, true) => 3,
        (true, _) => 2,
        (_, x) => if x do 1 else 0 end,
    }
end
"#,
        r#"fn both(%a: bool, %b: bool) -> i64 {
    local %match: i64
    local %x: bool
    local %if: i64
bb0:
    v0: bool = load %a
    v1: bool = load %b
    v2: (bool, bool) = tuple (v0, v1)
    v3: bool = elem v2.0
    v4: bool = const true
    v5: bool = eq v3, v4
    branch v5, bb1, bb2
bb1:
    v6: bool = elem v2.1
    v7: bool = const true
    v8: bool = eq v6, v7
    branch v8, bb4, bb2
bb2:
    v9: bool = elem v2.0
    v10: bool = const true
    v11: bool = eq v9, v10
    branch v11, bb5, bb3
bb3:
    v12: bool = elem v2.1
    store %x, v12
    jump bb6
bb4:
    v13: i64 = const 3
    store %match, v13
    jump bb10
bb5:
    v14: i64 = const 2
    store %match, v14
    jump bb10
bb6:
    v15: bool = load %x
    branch v15, bb7, bb8
bb7:
    v16: i64 = const 1
    store %if, v16
    jump bb9
bb8:
    v17: i64 = const 0
    store %if, v17
    jump bb9
bb9:
    v18: i64 = load %if
    store %match, v18
    jump bb10
bb10:
    v19: i64 = load %match
    ret v19
}
"#,
    );
}

/// Struct construction, field reads, and assignment through a field of a `var` (`q.x += 1`).
#[test]
fn struct_fields() {
    check(
        r#"struct Point { x: i64, y: i64 }

func moved(p: Point) -> Point do
    var q = p
    q.x += 1
    q.y = q.x * 2
    return Point { x: q.x, y: q.y }
end
"#,
        r#"fn moved(%p: Point) -> Point {
    local %q: Point
bb0:
    v0: Point = load %p
    store %q, v0
    v1: i64 = load %q.x
    v2: i64 = const 1
    v3: i64 = add v1, v2
    store %q.x, v3
    v4: Point = load %q
    v5: i64 = field v4.x
    v6: i64 = const 2
    v7: i64 = mul v5, v6
    store %q.y, v7
    v8: Point = load %q
    v9: i64 = field v8.x
    v10: Point = load %q
    v11: i64 = field v10.y
    v12: Point = struct Point {v9, v11}
    ret v12
}
"#,
    );
}

/// `fail` and `?` in fallible functions: the union is tested with `is_err` and the error returned.
#[test]
fn fail_try() {
    check(
        r#"error MathError { BadLuck, Overflow { at: i64 } }

func check(n: i64) -> i64 ! MathError do
    if n == 13 do
        fail MathError.BadLuck
    end
    return n
end

func twice(n: i64) -> i64 ! MathError do
    let a = check(n)?
    return a * 2
end
"#,
        r#"fn check(%n: i64) -> i64 ! MathError {
bb0:
    v0: i64 = load %n
    v1: i64 = const 13
    v2: bool = eq v0, v1
    branch v2, bb1, bb2
bb1:
    v3: MathError = variant MathError.BadLuck
    v4: i64 ! MathError = err v3
    ret v4
bb2:
    v5: i64 = load %n
    v6: i64 ! MathError = ok v5
    ret v6
}

fn twice(%n: i64) -> i64 ! MathError {
    local %a: i64
bb0:
    v0: i64 = load %n
    v1: i64 ! MathError = call check(v0)
    v2: bool = is_err v1
    branch v2, bb1, bb2
bb1:
    v3: MathError = err_value v1
    v4: i64 ! MathError = err v3
    ret v4
bb2:
    v5: i64 = ok_value v1
    store %a, v5
    v6: i64 = load %a
    v7: i64 = const 2
    v8: i64 = mul v6, v7
    v9: i64 ! MathError = ok v8
    ret v9
}
"#,
    );
}

/// `catch |e| match e {...}` (a switch over the error set) and `catch default`.
#[test]
fn catch_handlers() {
    check(
        r#"error MathError { BadLuck, Overflow { at: i64 } }

func check(n: i64) -> i64 ! MathError do
    fail .Overflow { at: n }
end

func main() do
    let a = check(1) catch |e| match e {
        .BadLuck => -1,
        .Overflow { at } => at,
    }
    let b = check(2) catch 0
    println(a + b)
end
"#,
        r#"fn check(%n: i64) -> i64 ! MathError {
bb0:
    v0: i64 = load %n
    v1: MathError = variant MathError.Overflow {v0}
    v2: i64 ! MathError = err v1
    ret v2
}

fn main() {
    local %catch.0: i64
    local %e: MathError
    local %match: i64
    local %at: i64
    local %a: i64
    local %catch.5: i64
    local %b: i64
bb0:
    v0: i64 = const 1
    v1: i64 ! MathError = call check(v0)
    v2: bool = is_err v1
    branch v2, bb2, bb1
bb1:
    v3: i64 = ok_value v1
    store %catch.0, v3
    jump bb8
bb2:
    v4: MathError = err_value v1
    store %e, v4
    v5: MathError = load %e
    v6: i64 = tag v5
    switch v6 [0 => bb5, 1 => bb4], default bb3
bb3:
    unreachable
bb4:
    v7: i64 = variant_field v5 as MathError.Overflow.at
    store %at, v7
    jump bb6
bb5:
    v8: i64 = const -1
    store %match, v8
    jump bb7
bb6:
    v9: i64 = load %at
    store %match, v9
    jump bb7
bb7:
    v10: i64 = load %match
    store %catch.0, v10
    jump bb8
bb8:
    v11: i64 = load %catch.0
    store %a, v11
    v12: i64 = const 2
    v13: i64 ! MathError = call check(v12)
    v14: bool = is_err v13
    branch v14, bb10, bb9
bb9:
    v15: i64 = ok_value v13
    store %catch.5, v15
    jump bb11
bb10:
    v16: i64 = const 0
    store %catch.5, v16
    jump bb11
bb11:
    v17: i64 = load %catch.5
    store %b, v17
    v18: i64 = load %a
    v19: i64 = load %b
    v20: i64 = add v18, v19
    builtin println(v20)
    ret
}
"#,
    );
}

/// String interpolation as a builder sequence, with `??` inside.
#[test]
fn coalesce_interp() {
    check(
        r#"func greet(name: ?String, n: i64) -> String do
    return $"hi {name ?? "you"} x{n + 1}"
end
"#,
        r#"fn greet(%name: ?String, %n: i64) -> String {
    local %coalesce: String
bb0:
    v0: String = builtin fmt.new()
    v1: String = const "hi "
    v2: String = builtin fmt.push(v0, v1)
    v3: ?String = load %name
    v4: bool = is_null v3
    branch v4, bb2, bb1
bb1:
    v5: String = unwrap v3
    store %coalesce, v5
    jump bb3
bb2:
    v6: String = const "you"
    store %coalesce, v6
    jump bb3
bb3:
    v7: String = load %coalesce
    v8: String = builtin fmt.push(v2, v7)
    v9: String = const " x"
    v10: String = builtin fmt.push(v8, v9)
    v11: i64 = load %n
    v12: i64 = const 1
    v13: i64 = add v11, v12
    v14: String = builtin fmt.push(v10, v13)
    ret v14
}
"#,
    );
}

/// A constant (its initializer function), `push` through a place, and `xs[0] += ...`.
#[test]
fn list_index_const() {
    check(
        r#"const LIMIT: i64 = 3

func bump() -> [i64] do
    var xs: [i64] = [1, 2]
    xs.push(LIMIT)
    xs[0] += xs.len()
    return xs
end
"#,
        r#"const fn LIMIT() -> i64 {
bb0:
    v0: i64 = const 3
    ret v0
}

fn bump() -> [i64] {
    local %xs: [i64]
bb0:
    v0: i64 = const 1
    v1: i64 = const 2
    v2: [i64] = list [v0, v1]
    store %xs, v2
    v3: i64 = call LIMIT()
    builtin list.push(&%xs, v3)
    v4: i64 = const 0
    v5: i64 = load %xs[v4]
    v6: [i64] = load %xs
    v7: i64 = builtin list.len(v6)
    v8: i64 = add v5, v7
    store %xs[v4], v8
    v9: [i64] = load %xs
    ret v9
}
"#,
    );
}

/// `and`/`or`/`not`: the right operand is evaluated only when it decides.
#[test]
fn short_circuit() {
    check(
        r#"func both(a: i64, b: i64) -> bool do
    return a > 0 and (b > 0 or not (a == b))
end
"#,
        r#"fn both(%a: i64, %b: i64) -> bool {
    local %and: bool
    local %or: bool
bb0:
    v0: i64 = load %a
    v1: i64 = const 0
    v2: bool = gt v0, v1
    store %and, v2
    branch v2, bb1, bb4
bb1:
    v3: i64 = load %b
    v4: i64 = const 0
    v5: bool = gt v3, v4
    store %or, v5
    branch v5, bb3, bb2
bb2:
    v6: i64 = load %a
    v7: i64 = load %b
    v8: bool = eq v6, v7
    v9: bool = not v8
    store %or, v9
    jump bb3
bb3:
    v10: bool = load %or
    store %and, v10
    jump bb4
bb4:
    v11: bool = load %and
    ret v11
}
"#,
    );
}

/// `assert(cond, msg)` and `panic(msg)` as crash terminators with their source location.
#[test]
fn panic_assert() {
    check(
        r#"func main() do
    let n = 3
    assert(n == 3, "n is three")
    if n > 5 do
        panic("too big")
    end
end
"#,
        r#"fn main() {
    local %n: i64
bb0:
    v0: i64 = const 3
    store %n, v0
    v1: i64 = load %n
    v2: i64 = const 3
    v3: bool = eq v1, v2
    branch v3, bb2, bb1
bb1:
    v4: String = const "n is three"
    crash assert v4 at 33..61
bb2:
    v5: i64 = load %n
    v6: i64 = const 5
    v7: bool = gt v5, v6
    branch v7, bb3, bb4
bb3:
    v8: String = const "too big"
    crash panic v8 at 86..102
bb4:
    ret
}
"#,
    );
}

/// A plain actor (§4): initializer, hook, `receive` as a decision tree over the protocol with
/// a guard, `after`, a helper sharing the state locals; `spawn`, `send`, `ask` (with `?` and
/// `catch`), `reply.send` and `stop()`.
#[test]
fn actor_counter() {
    check(
        r#"message CounterMsg {
    Increment,
    Add { amount: i64 },
    Get { reply: Reply[i64] },
    Stop,
}

actor Counter(start: i64) implements CounterMsg do
    var count: i64 = start

    on start do
        println($"counter starts at {count}")
    end

    receive do
        | Increment => count += 1
        | Add { amount } when amount > 0 => count = count + amount
        | Add { amount } => bump(amount)
        | Get { reply } => reply.send(count)
        | Stop => stop()
        after 30s => println("idle")
    end

    func bump(n: i64) do
        count -= n
    end
end

func main() do
    let c = spawn Counter(10)
    c.send(Increment)
    c.send(Add { amount: 5 })
    let n = c.ask(Get)?
    let m = c.ask(Get, timeout: 100ms) catch -1
    println($"{n} {m}")
    c.send(Stop)
end
"#,
        r#"fn Counter.init(%start: i64) {
    local %count: i64 (state 1)
bb0:
    v0: i64 = load %start
    store %count, v0
    ret
}

fn Counter.on_start() {
    local %start: i64 (state 0)
    local %count: i64 (state 1)
bb0:
    v0: String = builtin fmt.new()
    v1: String = const "counter starts at "
    v2: String = builtin fmt.push(v0, v1)
    v3: i64 = load %count
    v4: String = builtin fmt.push(v2, v3)
    builtin println(v4)
    ret
}

fn Counter.receive(%msg: CounterMsg) {
    local %start: i64 (state 0)
    local %count: i64 (state 1)
    local %amount.3: i64
    local %amount.4: i64
    local %reply: Reply[i64]
bb0:
    v0: CounterMsg = load %msg
    v1: i64 = tag v0
    switch v1 [0 => bb5, 1 => bb2, 2 => bb4, 3 => bb9], default bb1
bb1:
    unreachable
bb2:
    v2: i64 = variant_field v0 as CounterMsg.Add.amount
    store %amount.3, v2
    v3: i64 = load %amount.3
    v4: i64 = const 0
    v5: bool = gt v3, v4
    branch v5, bb6, bb3
bb3:
    v6: i64 = variant_field v0 as CounterMsg.Add.amount
    store %amount.4, v6
    jump bb7
bb4:
    v7: Reply[i64] = variant_field v0 as CounterMsg.Get.reply
    store %reply, v7
    jump bb8
bb5:
    v8: i64 = load %count
    v9: i64 = const 1
    v10: i64 = add v8, v9
    store %count, v10
    jump bb10
bb6:
    v11: i64 = load %count
    v12: i64 = load %amount.3
    v13: i64 = add v11, v12
    store %count, v13
    jump bb10
bb7:
    v14: i64 = load %amount.4
    call Counter.bump(v14)
    jump bb10
bb8:
    v15: Reply[i64] = load %reply
    v16: i64 = load %count
    reply v15, v16
    jump bb10
bb9:
    stop
    jump bb10
bb10:
    ret
}

fn Counter.after_duration() -> Duration {
    local %start: i64 (state 0)
    local %count: i64 (state 1)
bb0:
    v0: Duration = const 30000000000ns
    ret v0
}

fn Counter.after() {
    local %start: i64 (state 0)
    local %count: i64 (state 1)
bb0:
    v0: String = const "idle"
    builtin println(v0)
    ret
}

fn Counter.bump(%n: i64) {
    local %start: i64 (state 0)
    local %count: i64 (state 1)
bb0:
    v0: i64 = load %count
    v1: i64 = load %n
    v2: i64 = sub v0, v1
    store %count, v2
    ret
}

fn main() {
    local %c: ActorRef[CounterMsg]
    local %n: i64
    local %catch: i64
    local %m: i64
bb0:
    v0: i64 = const 10
    v1: ActorRef[CounterMsg] = spawn Counter(v0)
    store %c, v1
    v2: ActorRef[CounterMsg] = load %c
    v3: CounterMsg = variant CounterMsg.Increment
    send v2, v3
    v4: ActorRef[CounterMsg] = load %c
    v5: i64 = const 5
    v6: CounterMsg = variant CounterMsg.Add {v5}
    send v4, v6
    v7: ActorRef[CounterMsg] = load %c
    v8: i64 ! AskError = ask v7, CounterMsg.Get {}
    v9: bool = is_err v8
    branch v9, bb1, bb2
bb1:
    v10: AskError = err_value v8
    crash uncaught v10 at 694..705
bb2:
    v11: i64 = ok_value v8
    store %n, v11
    v12: ActorRef[CounterMsg] = load %c
    v13: Duration = const 100000000ns
    v14: i64 ! AskError = ask v12, CounterMsg.Get {}, timeout v13
    v15: bool = is_err v14
    branch v15, bb4, bb3
bb3:
    v16: i64 = ok_value v14
    store %catch, v16
    jump bb5
bb4:
    v17: i64 = const -1
    store %catch, v17
    jump bb5
bb5:
    v18: i64 = load %catch
    store %m, v18
    v19: String = builtin fmt.new()
    v20: i64 = load %n
    v21: String = builtin fmt.push(v19, v20)
    v22: String = const " "
    v23: String = builtin fmt.push(v21, v22)
    v24: i64 = load %m
    v25: String = builtin fmt.push(v23, v24)
    builtin println(v25)
    v26: ActorRef[CounterMsg] = load %c
    v27: CounterMsg = variant CounterMsg.Stop
    send v26, v27
    ret
}

actor Counter: state 2 (1 params), init Counter.init, on_start Counter.on_start, receive Counter.receive, after Counter.after_duration Counter.after
"#,
    );
}

/// A match over an integer with literal arms: one `switch` on the value; the catch-alls
/// (a guarded binding, then `_`) form the default case.
#[test]
fn int_switch() {
    check(
        r#"func classify(n: i64) -> String do
    return match n {
        0 => "zero",
        1 => "one",
        k when k < 0 => "negative",
        _ => "many",
    }
end
"#,
        r#"fn classify(%n: i64) -> String {
    local %match: String
    local %k: i64
bb0:
    v0: i64 = load %n
    switch v0 [0 => bb2, 1 => bb3], default bb1
bb1:
    store %k, v0
    v1: i64 = load %k
    v2: i64 = const 0
    v3: bool = lt v1, v2
    branch v3, bb4, bb5
bb2:
    v4: String = const "zero"
    store %match, v4
    jump bb6
bb3:
    v5: String = const "one"
    store %match, v5
    jump bb6
bb4:
    v6: String = const "negative"
    store %match, v6
    jump bb6
bb5:
    v7: String = const "many"
    store %match, v7
    jump bb6
bb6:
    v8: String = load %match
    ret v8
}
"#,
    );
}
