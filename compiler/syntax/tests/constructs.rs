//! Each construct parses to the expected AST shape (compared through `dump`).

mod common;

use common::{dump_ok, expr, stmts};

#[test]
fn imports() {
    assert_eq!(
        dump_ok("import a.b\nimport a.b as c\nimport a.b.{X, Y}\n"),
        "(import a.b)\n(import a.b as c)\n(import a.b {X.Y})\n"
    );
}

#[test]
fn funcs() {
    assert_eq!(dump_ok("func f() do\nend"), "(func f () (block))\n");
    assert_eq!(
        dump_ok("func f(a: i64, b: [String]) -> ?i64 with Storage, Net do\n  return a\nend"),
        "(func f ((a i64) (b [String])) -> ?i64 with Storage.Net (block (return a)))\n"
    );
    assert_eq!(
        dump_ok("@intrinsic\nfunc len(s: String) -> i64\n"),
        "(@intrinsic) (func len ((s String)) -> i64)\n"
    );
    assert_eq!(
        dump_ok("func main() with Net do\nend"),
        "(func main () with Net (block))\n"
    );
}

#[test]
fn data_declarations() {
    assert_eq!(
        dump_ok("struct P { x: i64, y: i64, }"),
        "(struct P ((x i64) (y i64)))\n"
    );
    assert_eq!(
        dump_ok("enum Shape { Circle { radius: f64 }, Rect { w: f64, h: f64 }, Dot, Empty {} }"),
        "(enum Shape Circle((radius f64)) Rect((w f64) (h f64)) Dot Empty())\n"
    );
    assert_eq!(
        dump_ok("message M {\n  A { x: i64 }\n  B\n}"),
        "(message M A((x i64)) B)\n",
        "a comma may be left out after `}}` at a line break"
    );
    assert_eq!(
        dump_ok("error E { Bad, Worse { at: i64 } }"),
        "(error E Bad Worse((at i64)))\n"
    );
    assert_eq!(dump_ok("type UserId = i64"), "(type UserId i64)\n");
    assert_eq!(
        dump_ok("const N: i64 = 10\nconst M: i64 := 2"),
        "(const N i64 10)\n(const M i64 2)\n"
    );
    assert_eq!(dump_ok("capability Gpu"), "(capability Gpu)\n");
}

#[test]
fn types() {
    assert_eq!(
        dump_ok(
            "type T = Map[String, [i64]]\ntype U = (i64, ?String)\ntype V = i64 ! E\ntype W = void ! (E1 | E2)\ntype X = m.T\ntype Y = ()\ntype Z = ??i64\n"
        ),
        "(type T (Map String [i64]))\n(type U (tuple i64 ?String))\n(type V (! i64 E))\n(type W (! void E1 E2))\n(type X m.T)\n(type Y (tuple))\n(type Z ??i64)\n"
    );
}

#[test]
fn actors_and_grains() {
    let src = r#"
@mailbox(capacity: 10_000)
actor Counter(start: i64) implements CounterMsg does Logging, Metrics with Clock do
    var count: i64 = start
    let name := "c"
    func helper() -> i64 do
        return count
    end
    on start do
        count = 0
    end
    on stop do end
    receive do
        | Increment => count += 1
        | Add { amount } when amount > 0 => do
            count = count + amount
          end
        | Msg.Get { reply: r } => r.send(count)
        | .Stop => stop()
        | other => return
        after 30s => println("idle")
    end
end
"#;
    assert_eq!(
        dump_ok(src),
        "(@mailbox (capacity: 10000)) (actor Counter ((start i64)) implements CounterMsg does (Logging Metrics) with Clock \
(var count: i64 start) (let name \"c\") (func helper () -> i64 (block (return count))) (on start (block (= count 0))) \
(on stop (block)) (receive (| Increment => (+= count 1)) (| (variant Add (amount)) when (> amount 0) => (block (= count (+ count amount)))) \
(| (variant Msg.Get (reply r)) => (call (. r send) (count))) (| (variant .Stop) => (call stop ())) (| other => (return)) \
(after 30000000000ns => (call println (\"idle\")))))\n"
    );
    let grain = r#"
@requires(cap: [.storage_nvme, .gpu])
@lifecycle(deactivation: .idle_timeout(30s))
@placement(.hash)
grain Account(id: String) implements AccountMsg with Storage do
    @Volatile.Ephemeral var hits: i64 = 0
    @Session.Replicated
    var seen: i64 = 0
    on activate do hits = 0 end
    on deactivate do end
end
actor Log implements LogMsg do
end
behavior B implements M do
end
"#;
    assert_eq!(
        dump_ok(grain),
        "(@requires (cap: (list .storage_nvme .gpu))) (@lifecycle (deactivation: (call .idle_timeout (30000000000ns)))) (@placement (.hash)) \
(grain Account ((id String)) implements AccountMsg with Storage (@Volatile.Ephemeral) (var hits: i64 0) (@Session.Replicated) (var seen: i64 0) \
(on activate (block (= hits 0))) (on deactivate (block)))\n(actor Log implements LogMsg)\n(behavior B implements M)\n"
    );
}

#[test]
fn supervisors() {
    let src = r#"
supervisor Tree(log: ActorRef[LogMsg]) do
    strategy: rest_for_one
    intensity: 5 within 10s
    backoff: none
    on node "n1"
    child a: Worker("a", log)
    child b: m.Worker(max: 10) restart: transient
    child c: Sub
end
"#;
    assert_eq!(
        dump_ok(src),
        "(supervisor Tree ((log (ActorRef LogMsg))) (strategy rest_for_one) (intensity 5 10000000000ns) (backoff none) (on-node \"n1\") \
(child a Worker (\"a\" log)) (child b (. m Worker) (max: 10) restart transient) (child c Sub))\n"
    );
}

#[test]
fn tests_blocks() {
    assert_eq!(
        dump_ok("test \"adds\" with Clock do\n  assert(1 + 1 == 2)\nend"),
        "(test \"adds\" with Clock (block (call assert ((== (+ 1 1) 2)))))\n"
    );
}

#[test]
fn statements() {
    assert_eq!(stmts("let x: i64 = 1"), "(block (let x: i64 1))");
    assert_eq!(stmts("var x := 1"), "(block (var x 1))");
    assert_eq!(stmts("let (a, b) = t"), "(block (let (tuple a b) t))");
    assert_eq!(
        stmts("x = 1; y -= 2\nz *= 3\nw /= 4\nv %= 5"),
        "(block (= x 1) (-= y 2) (*= z 3) (/= w 4) (%= v 5))"
    );
    assert_eq!(
        stmts("m.text = \"x\"\nxs[0] = 1"),
        "(block (= (. m text) \"x\") (= (index xs 0) 1))"
    );
    assert_eq!(
        stmts("while x > 0 do\n x -= 1\nend"),
        "(block (while (> x 0) (block (-= x 1))))"
    );
    assert_eq!(stmts("for x in xs do\nend"), "(block (for x xs (block)))");
    assert_eq!(
        stmts("for (k, v) in m do\n  break\n  continue\nend"),
        "(block (for (tuple k v) m (block break continue)))"
    );
    assert_eq!(
        stmts("for i in 0..<10 do end"),
        "(block (for i (..< 0 10) (block)))"
    );
    assert_eq!(stmts("return"), "(block (return))");
    assert_eq!(
        stmts("fail MathError.BadLuck"),
        "(block (fail (. MathError BadLuck)))"
    );
}

#[test]
fn if_chains() {
    assert_eq!(expr("if c do a else b end"), "(if c (block a) (block b))");
    assert_eq!(
        stmts("if a do\n  1\nelse if b do\n  2\nelse if c do 3\nelse\n  4\nend"),
        "(block (if a (block 1) (if b (block 2) (if c (block 3) (block 4)))))"
    );
    assert_eq!(stmts("if a do\nend"), "(block (if a (block)))");
    // `else` then `if` on the next line is an `if` inside the else block.
    assert_eq!(
        stmts("if a do\nelse\n  if b do end\nend"),
        "(block (if a (block) (block (if b (block)))))"
    );
}

#[test]
fn literals() {
    assert_eq!(expr("1_000_000"), "1000000");
    assert_eq!(expr("0xff"), "255");
    assert_eq!(expr("0b1010"), "10");
    assert_eq!(expr("3.14"), "3.14");
    assert_eq!(expr("2e10"), "20000000000.0");
    assert_eq!(expr("1.5e-3"), "0.0015");
    assert_eq!(expr("250ms"), "250000000ns");
    assert_eq!(expr("2m"), "120000000000ns");
    assert_eq!(expr("1h"), "3600000000000ns");
    assert_eq!(expr("5us"), "5000ns");
    assert_eq!(expr("7ns"), "7ns");
    assert_eq!(expr("true"), "true");
    assert_eq!(expr("null"), "null");
    assert_eq!(expr("self"), "self");
    assert_eq!(
        expr(r#""a\n\t\r\0\"\\\{\}\u{1F600}""#),
        "\"a\\n\\t\\r\\0\\\"\\\\{}😀\""
    );
    assert_eq!(expr("[1, 2, 3,]"), "(list 1 2 3)");
    assert_eq!(expr("[]"), "(list)");
    assert_eq!(expr("(1, \"a\")"), "(tuple 1 \"a\")");
    assert_eq!(expr("(1)"), "1");
    assert_eq!(expr("()"), "(tuple)");
}

#[test]
fn struct_literals_and_variants() {
    assert_eq!(expr("Point { x: 1, y }"), "(struct Point (x 1) (y))");
    assert_eq!(
        expr("Shape.Circle { radius: 1.0 }"),
        "(struct (. Shape Circle) (radius 1.0))"
    );
    assert_eq!(
        expr(".Circle { radius: 1.0 }"),
        "(struct .Circle (radius 1.0))"
    );
    assert_eq!(expr("Add { amount: 5 }"), "(struct Add (amount 5))");
    assert_eq!(expr(".Dot"), ".Dot");
    assert_eq!(
        expr("Point {\n  x: 1,\n  y: 2\n}"),
        "(struct Point (x 1) (y 2))"
    );
}

#[test]
fn calls_and_postfix() {
    assert_eq!(
        expr("c.ask(Get, timeout: 100ms)"),
        "(call (. c ask) (Get timeout: 100000000ns))"
    );
    assert_eq!(expr("MatchMaker(max: 10)"), "(call MatchMaker (max: 10))");
    assert_eq!(expr("f()?"), "(try (call f ()))");
    assert_eq!(expr("try f()"), "(try (call f ()))");
    assert_eq!(expr("xs[i + 1]"), "(index xs (+ i 1))");
    assert_eq!(expr("t.0"), "(. t 0)");
    assert_eq!(expr("t.0.1"), "(. (. t 0) 1)");
    assert_eq!(expr("t.1.0.x"), "(. (. (. t 1) 0) x)");
    assert_eq!(expr("game.storage.db"), "(. (. game storage) db)");
    assert_eq!(expr("spawn Counter(10)"), "(spawn (call Counter (10)))");
    assert_eq!(
        expr("spawn Counter(10) on n"),
        "(spawn (call Counter (10)) on n)"
    );
    assert_eq!(
        expr("spawn Log() on \"n2\""),
        "(spawn (call Log ()) on \"n2\")"
    );
}

#[test]
fn contextual_words_are_names() {
    assert_eq!(
        stmts(
            "let node = node()\nlet test = 1\nlet child = on + after + with + within + restart + does + implements + as"
        ),
        "(block (let node (call node ())) (let test 1) (let child (+ (+ (+ (+ (+ (+ (+ on after) with) within) restart) does) implements) as)))"
    );
    assert_eq!(
        dump_ok("func test(child: i64) do\nend"),
        "(func test ((child i64)) (block))\n"
    );
    assert_eq!(
        dump_ok("struct S { on: i64, after: i64 }"),
        "(struct S ((on i64) (after i64)))\n"
    );
}

#[test]
fn catch_forms() {
    assert_eq!(expr("f() catch 0"), "(catch (call f ()) 0)");
    assert_eq!(expr("f() catch -1"), "(catch (call f ()) (neg 1))");
    assert_eq!(
        stmts("let a = f() catch |e| do\n  println(e)\n  0\nend"),
        "(block (let a (catch (call f ()) |e| (block (call println (e)) 0))))"
    );
}

#[test]
fn match_expressions() {
    let src = "return match s {\n  Shape.Circle { radius } => 3.0 * radius,\n  .Rect { w, h } when w == h => w * w,\n  Pair(a, _) => a,\n  (1, -2) => 0,\n  null => do\n    0\n  end\n  \"s\" => x += 1,\n  _ => return,\n}";
    assert_eq!(
        stmts(src),
        "(block (return (match s ((variant Shape.Circle (radius)) => (* 3.0 radius)) ((variant .Rect (w) (h)) when (== w h) => (* w w)) \
((variant Pair (a _)) => a) ((tuple 1 -2) => 0) (null => (block 0)) (\"s\" => (+= x 1)) (_ => (return)))))"
    );
    // A match as a statement, its scrutinee a call.
    assert_eq!(
        stmts("match f(x) {\n  true => g(),\n  false => h()\n}"),
        "(block (match (call f (x)) (true => (call g ())) (false => (call h ()))))"
    );
    // A parenthesised struct literal is a valid scrutinee.
    assert_eq!(
        stmts("match (P { x }) { _ => 0 }"),
        "(block (match (struct P (x)) (_ => 0)))"
    );
}

#[test]
fn patterns() {
    let p = |pat: &str| {
        let s = stmts(&format!("match v {{ {pat} => 0 }}"));
        s.strip_prefix("(block (match v (")
            .unwrap()
            .strip_suffix(" => 0)))")
            .unwrap()
            .to_string()
    };
    assert_eq!(p("_"), "_");
    assert_eq!(p("x"), "x");
    assert_eq!(p("-5"), "-5");
    assert_eq!(p("2.5"), "2.5");
    assert_eq!(p("-2.5"), "-2.5");
    assert_eq!(p("\"a\""), "\"a\"");
    assert_eq!(p("false"), "false");
    assert_eq!(p("null"), "null");
    assert_eq!(p("(a, (b, _))"), "(tuple a (tuple b _))");
    assert_eq!(p("Shape.Dot"), "(variant Shape.Dot)");
    assert_eq!(p("m.Shape.Dot"), "(variant m.Shape.Dot)");
    assert_eq!(p(".Dot"), "(variant .Dot)");
    assert_eq!(p("Rect { w, h: 2.0 }"), "(variant Rect (w) (h 2.0))");
    assert_eq!(p("Pair(a, b)"), "(variant Pair (a b))");
    assert_eq!(
        p(".Some(Pair(x, _))"),
        "(variant .Some ((variant Pair (x _))))"
    );
}

#[test]
fn interpolation() {
    assert_eq!(
        expr(r#"$"hello {name}, {n + 1}""#),
        "(interp \"hello \" name \", \" (+ n 1))"
    );
    assert_eq!(
        expr(r#"$"{m.get("a") ?? 0}""#),
        "(interp (?? (call (. m get) (\"a\")) 0))"
    );
    assert_eq!(expr(r#"$"\{x\} {x}""#), "(interp \"{x} \" x)");
    assert_eq!(
        expr(r#"$"a{$"b{c}"}d""#),
        "(interp \"a\" (interp \"b\" c) \"d\")"
    );
}
