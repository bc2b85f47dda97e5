//! Robustness timing: `cargo run --release -p janus-syntax --example garbage [BYTES]` parses
//! deterministic random garbage and a truncated real program repeated, and reports the time.

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let alphabet = b" \n(){}[]\"$\\|=>.,;:0123456789abcdeiftxy_-+*/#@!?do end func if match ";
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut bytes = Vec::with_capacity(n);
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.push(alphabet[(x % alphabet.len() as u64) as usize]);
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let t = std::time::Instant::now();
    let (m, d) = janus_syntax::parse_module(janus_syntax::FileId(0), &text);
    println!(
        "garbage: {} bytes, {} items, {} diagnostics, {:.1} ms",
        n,
        m.items.len(),
        d.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let unit = "func f(a: i64) do\n  let x = (a + \n  g(x, [1, 2\n  if x do\n";
    let text = unit.repeat(n / unit.len());
    let t = std::time::Instant::now();
    let (m, d) = janus_syntax::parse_module(janus_syntax::FileId(0), &text);
    println!(
        "broken: {} bytes, {} items, {} diagnostics, {:.1} ms",
        text.len(),
        m.items.len(),
        d.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let text = "(".repeat(n / 2) + &"-".repeat(n / 2);
    let t = std::time::Instant::now();
    let (_, d) = janus_syntax::parse_module(janus_syntax::FileId(0), &text);
    println!(
        "nested: {} bytes, {} diagnostics, {:.1} ms",
        text.len(),
        d.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
}
