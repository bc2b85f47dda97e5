//! The side tables kept for code generation.
use janus_sema::{Program, SourceModule, Ty, check_program};
use janus_syntax::FileId;

fn checked(src: &str) -> janus_sema::Checked {
    let (module, syn) = janus_syntax::parse_module(FileId(0), src);
    assert!(syn.is_empty(), "{syn:?}");
    check_program(
        &Program {
            modules: vec![SourceModule {
                path: vec![],
                module,
            }],
            missing_modules: vec![],
        },
        None,
    )
}

fn span_of(src: &str, needle: &str) -> (u32, u32) {
    let lo = src.find(needle).expect("needle") as u32;
    (lo, lo + needle.len() as u32)
}

#[test]
fn expression_and_binding_types_are_recorded() {
    let src = "func main() do\n    let total: i32 = 40 + 2\n    let names = [\"a\"]\n    println(total)\n    println(names)\nend\n";
    let c = checked(src);
    assert!(c.diagnostics.is_empty());
    let (lo, hi) = span_of(src, "40 + 2");
    let t = c
        .types
        .exprs
        .iter()
        .find(|(s, _)| s.lo == lo && s.hi == hi)
        .map(|(_, t)| t.clone());
    assert_eq!(t, Some(Ty::Int(janus_sema::IntTy::I32)));
    let (lo, _) = span_of(src, "names");
    let b = c
        .types
        .bindings
        .iter()
        .find(|(s, _)| s.lo == lo)
        .map(|(_, t)| t.clone());
    assert_eq!(b, Some(Ty::List(Box::new(Ty::Str))));
}

#[test]
fn calls_and_variants_are_recorded() {
    let src = "enum Shape { Circle { r: f64 }, Dot }\nfunc area(s: Shape) -> f64 do\n    return match s {\n        .Circle { r } => r,\n        .Dot => 0.0,\n    }\nend\nfunc main() do\n    println(area(.Dot))\nend\n";
    let c = checked(src);
    assert!(c.diagnostics.is_empty());
    let (lo, hi) = span_of(src, "area(.Dot)");
    let callee = c
        .types
        .calls
        .iter()
        .find(|(s, _)| s.lo == lo && s.hi == hi)
        .map(|(_, d)| *d)
        .expect("call recorded");
    assert_eq!(c.defs[callee.0 as usize].name, "area");
    let (lo, _) = span_of(src, ".Dot)");
    let (d, vi) = c
        .types
        .variants
        .iter()
        .find(|(s, _)| s.lo == lo)
        .map(|(_, v)| *v)
        .expect("variant recorded");
    assert_eq!((c.defs[d.0 as usize].name.as_str(), vi), ("Shape", 1));
    let (lo, _) = span_of(src, ".Circle { r }");
    assert!(
        c.types.variants.iter().any(|(s, v)| s.lo == lo && v.1 == 0),
        "pattern variant recorded"
    );
}
