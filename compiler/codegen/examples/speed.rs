//! Measures code generation: `cargo run --release -p janus-codegen --example speed -- PATH
//! [--release]`
//! runs the front end, lowering and code generation (without linking) on a program and prints
//! the time of each phase. Functions this version cannot compile (actors) get a trapping body,
//! so that the figure covers everything else (e.g. `check-speed --emit DIR`'s 100,000 lines).
//! With `JANUS_DUMP_IR=1` it also prints the IR (a debugging aid).

use std::time::Instant;

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| ".".into());
    let t0 = Instant::now();
    let analysis = match janusc::analyze(&path) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {}", e.0);
            std::process::exit(2);
        }
    };
    let (Some(program), Some(checked)) = (&analysis.program, &analysis.checked) else {
        eprintln!("error: no program");
        std::process::exit(1);
    };
    let lines: usize = analysis
        .sources
        .files()
        .map(|(_, f)| f.text.lines().count())
        .sum();
    let t_front = t0.elapsed();
    let t1 = Instant::now();
    let ir = match janus_ir::lower_program(program, checked) {
        Ok(ir) => ir,
        Err(e) => {
            eprintln!("lowering failed: {e:?}");
            std::process::exit(1);
        }
    };
    let t_lower = t1.elapsed();
    if std::env::var_os("JANUS_DUMP_IR").is_some() {
        print!("{}", janus_ir::display(&ir));
    }
    let t2 = Instant::now();
    let opts = janus_codegen::Options {
        optimize: false,
        verify: false,
        skip_unsupported: true,
        ..Default::default()
    };
    let object = match janus_codegen::compile(&ir, &opts, &|_| "x.jan:1:1".to_string()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("codegen failed: {e}");
            std::process::exit(1);
        }
    };
    let t_cg = t2.elapsed();
    let total = t0.elapsed().as_secs_f64();
    println!(
        "lines={lines} functions={} compilable={} front_s={:.3} lower_s={:.3} codegen_s={:.3} total_s={total:.3} lines_per_s={:.0} object_bytes={}",
        ir.functions.len(),
        ir.functions.iter().filter(|f| compilable(f)).count(),
        t_front.as_secs_f64(),
        t_lower.as_secs_f64(),
        t_cg.as_secs_f64(),
        lines as f64 / total,
        object.len()
    );
}

/// A function this version compiles: a `func` or constant without actor operations.
fn compilable(f: &janus_ir::ir::Function) -> bool {
    use janus_ir::ir::{FnKind, Op};
    matches!(f.kind, FnKind::User(_) | FnKind::Const(_))
        && f.blocks.iter().flat_map(|b| &b.insts).all(|i| {
            !matches!(
                i.op,
                Op::Spawn(..)
                    | Op::GrainRef(..)
                    | Op::StartChild { .. }
                    | Op::Child(..)
                    | Op::Send(..)
                    | Op::Ask { .. }
                    | Op::Reply(..)
                    | Op::SelfRef
                    | Op::Stop
            )
        })
}
