//! Throughput of parse + check on a large generated program. Ignored by default; run with
//! `cargo test -p janus-sema --release --test perf -- --ignored --nocapture`.
use janus_sema::{Program, SourceModule, check_program};
use janus_syntax::FileId;

fn generate(units: usize) -> String {
    let mut s = String::new();
    s.push_str("error MathError { BadLuck, Overflow { at: i64 } }\n");
    s.push_str("enum Shape { Circle { radius: f64 }, Rect { w: f64, h: f64 }, Dot }\n");
    s.push_str(
        "message CounterMsg { Increment, Add { amount: i64 }, Get { reply: Reply[i64] } }\n",
    );
    for i in 0..units {
        s.push_str(&format!(
            r#"struct P{i} {{ x: i64, y: i64, name: String }}
func area{i}(s: Shape) -> f64 do
    return match s {{
        .Circle {{ radius }} => 3.14 * radius * radius,
        .Rect {{ w, h }} => w * h,
        .Dot => 0.0,
    }}
end
func calc{i}(n: i64) -> i64 ! MathError do
    if n == 13 do
        fail MathError.BadLuck
    end
    var total = 0
    let xs: [i64] = [1, 2, 3, n]
    for x in xs do
        total += x * 2
    end
    var m: Map[String, i64] = Map.new()
    m.set("k", total)
    let p = P{i} {{ x: total, y: m.get("k") ?? 0, name: $"p{{n}}" }}
    return p.x + p.y
end
actor Counter{i}(start: i64) implements CounterMsg do
    var count: i64 = start
    receive do
        | Increment => count += 1
        | Add {{ amount }} => count += amount
        | Get {{ reply }} => reply.send(count)
    end
end
func use{i}() do
    let c = spawn Counter{i}(1)
    c.send(Add {{ amount: 2 }})
    let v = calc{i}(3) catch 0
    let n = c.ask(Get) catch -1
    println($"{{v}} {{n}} {{area{i}(.Dot)}}")
end
"#
        ));
    }
    s
}

#[test]
#[ignore]
fn hundred_thousand_lines() {
    let src = generate(2500);
    let lines = src.lines().count();
    // The machine is shared: report the best of a few runs.
    let mut best = (std::time::Duration::MAX, std::time::Duration::MAX);
    for _ in 0..5 {
        let start = std::time::Instant::now();
        let (module, syn) = janus_syntax::parse_module(FileId(0), &src);
        let parsed = start.elapsed();
        assert!(syn.is_empty(), "{:?}", &syn[..syn.len().min(3)]);
        let program = Program {
            modules: vec![SourceModule {
                path: vec![],
                module,
            }],
            missing_modules: vec![],
        };
        let t = std::time::Instant::now();
        let checked = check_program(&program, None);
        let checking = t.elapsed();
        assert!(
            checked.diagnostics.is_empty(),
            "{:?}",
            &checked.diagnostics[..checked.diagnostics.len().min(3)]
        );
        best = (best.0.min(parsed), best.1.min(checking));
    }
    let total = best.0 + best.1;
    println!(
        "{lines} lines: parse {:?}, check {:?}, total {:?} = {:.0} lines/s (check alone {:.0} lines/s)",
        best.0,
        best.1,
        total,
        lines as f64 / total.as_secs_f64(),
        lines as f64 / best.1.as_secs_f64()
    );
}

/// For profiling the checker alone: parse once, check many times.
#[test]
#[ignore]
fn check_only_loop() {
    let src = generate(2500);
    let (module, _) = janus_syntax::parse_module(FileId(0), &src);
    let program = Program {
        modules: vec![SourceModule {
            path: vec![],
            module,
        }],
        missing_modules: vec![],
    };
    let start = std::time::Instant::now();
    for _ in 0..10 {
        let checked = check_program(&program, None);
        assert!(checked.diagnostics.is_empty());
    }
    println!("10 checks: {:?}", start.elapsed());
}
