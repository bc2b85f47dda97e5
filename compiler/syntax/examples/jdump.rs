//! Debug helper: `cargo run -p janus-syntax --example jdump FILE` prints the AST dump and the
//! syntax diagnostics of a file.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: jdump FILE");
        std::process::exit(2);
    };
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let (m, diags) = janus_syntax::parse_module(janus_syntax::FileId(0), &src);
    print!("{}", janus_syntax::dump(&m));
    for d in diags {
        let span = d.primary_span().unwrap_or_default();
        println!(
            "{} {} at {}..{}: {}",
            d.code,
            d.message,
            span.lo,
            span.hi,
            d.labels
                .iter()
                .map(|l| l.message.clone())
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
}
