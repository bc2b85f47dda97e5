//! Parser throughput: `cargo run --release -p janus-syntax --example bench [LINES]` generates a
//! program of about LINES lines and reports lines per second.

const UNIT: &str = r#"message CounterMsg {
    Increment,
    Add { amount: i64 },
    Get { reply: Reply[i64] },
}

actor Counter(start: i64) implements CounterMsg do
    var count: i64 = start
    on start do
        println($"counter starts at {count}")
    end
    receive do
        | Increment => count += 1
        | Add { amount } => do
            count = count + amount
          end
        | Get { reply } => reply.send(count)
        after 30s => println("idle")
    end
end

func area(s: Shape) -> f64 do
    return match s {
        Shape.Circle { radius } => 3.14159 * radius * radius,
        .Rect { w, h } when w == h => w * w,
        .Rect { w, h } => w * h,
        .Dot => 0.0,
    }
end

func compute(n: i64, xs: [i64]) -> i64 ! MathError do
    var total = 0
    for x in xs do
        total += x * 2 + n % 3
    end
    for i in 0..<10 do
        if i > 5 and total < 100 do
            total = total + i
        else if i == 3 do
            continue
        else
            total -= 1
        end
    end
    let r = checked(total) catch 0
    let m = lookup(n)?
    return total + r + m
end
"#;

fn main() {
    let target: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200_000);
    let unit_lines = UNIT.lines().count();
    let src = UNIT.repeat(target / unit_lines + 1);
    let lines = src.lines().count();
    let runs = 5;
    let mut best = f64::MAX;
    let mut best_with_drop = f64::MAX;
    for _ in 0..runs {
        let t = std::time::Instant::now();
        let (m, d) = janus_syntax::parse_module(janus_syntax::FileId(0), &src);
        let secs = t.elapsed().as_secs_f64();
        assert!(
            d.is_empty(),
            "benchmark program has diagnostics: {:?}",
            d.first()
        );
        assert!(!m.items.is_empty());
        drop(m);
        best = best.min(secs);
        best_with_drop = best_with_drop.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{lines} lines, {} bytes: parse best of {runs} {:.1} ms = {:.0} lines/s ({:.1} MB/s); \
         with dropping the AST {:.1} ms = {:.0} lines/s",
        src.len(),
        best * 1e3,
        lines as f64 / best,
        src.len() as f64 / best / 1e6,
        best_with_drop * 1e3,
        lines as f64 / best_with_drop,
    );
}
