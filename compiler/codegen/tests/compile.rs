//! Code generation with the Cranelift verifier on: small programs, every run-suite program and
//! every example without actors compile to an object that defines `main` and references the
//! runtime's ABI version; programs this version cannot compile are refused with a clear error.

use janus_codegen::{CodegenError, Options, compile};
use janus_sema::{Program, SourceModule, check_program};
use janus_syntax::FileId;

fn opts() -> Options {
    Options {
        optimize: false,
        verify: true,
        skip_unsupported: false,
        ..Default::default()
    }
}

fn build(src: &str) -> Result<Vec<u8>, CodegenError> {
    let (module, diags) = janus_syntax::parse_module(FileId(0), src);
    assert!(diags.is_empty(), "parse errors: {diags:?}");
    let program = Program {
        modules: vec![SourceModule {
            path: Vec::new(),
            module,
        }],
        missing_modules: Vec::new(),
    };
    let checked = check_program(&program, None);
    assert!(
        !checked.has_errors(),
        "check errors: {:#?}",
        checked.diagnostics
    );
    let ir = janus_ir::lower_program(&program, &checked).expect("lowers");
    compile(&ir, &opts(), &|s| format!("t.jan:{}", s.lo))
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn object_defines_main_and_references_the_abi() {
    let obj = build("func main() do\n    println(1 + 2)\nend\n").expect("compiles");
    assert_eq!(&obj[..4], b"\x7fELF");
    assert!(contains(&obj, "janus_rt_start"));
    assert!(contains(&obj, "janus_rt_abi_v1"));
    assert!(contains(&obj, "janus_rt_println"));
}

#[test]
fn optimized_build_compiles() {
    let (module, _) = janus_syntax::parse_module(
        FileId(0),
        "func f(n: i64) -> i64 do\n    return n * 2\nend\n\nfunc main() do\n    println(f(21))\nend\n",
    );
    let program = Program {
        modules: vec![SourceModule {
            path: Vec::new(),
            module,
        }],
        missing_modules: Vec::new(),
    };
    let checked = check_program(&program, None);
    let ir = janus_ir::lower_program(&program, &checked).expect("lowers");
    let o = Options {
        optimize: true,
        verify: true,
        skip_unsupported: false,
        ..Default::default()
    };
    assert!(compile(&ir, &o, &|_| String::new()).is_ok());
}

#[test]
fn actors_compile() {
    let src = "message M { Ping }\n\nactor A implements M do\n    receive do\n        | Ping => println(1)\n    end\nend\n\nfunc main() do\n    let a = spawn A()\n    a.send(Ping)\nend\n";
    assert!(build(src).is_ok());
}

#[test]
fn supervisors_compile_and_grains_are_refused_clearly() {
    let sup = "message M { Ping }\n\nactor A implements M do\n    receive do\n        | Ping => println(1)\n    end\nend\n\nsupervisor S do\n    child a: A()\nend\n\nfunc main() do\n    let s = spawn S()\n    s.a.send(Ping)\nend\n";
    assert!(build(sup).is_ok());
    let grain = "message M { Ping }\n\ngrain G(id: String) implements M do\n    receive do\n        | Ping => println(1)\n    end\nend\n\nfunc main() do\n    G(\"a\").send(Ping)\nend\n";
    let e = build(grain).expect_err("grains are not compiled yet");
    assert!(e.message.contains("grains"), "{}", e.message);
}

#[test]
fn a_program_without_main_is_refused() {
    let e = build("func f() -> i64 do\n    return 1\nend\n").expect_err("no main");
    assert!(e.message.contains("main"), "{}", e.message);
}

/// Every run-suite program (and the examples without grains) passes the verifier.
#[test]
fn corpus_verifies() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths: Vec<_> = std::fs::read_dir(root.join("tests/run"))
        .expect("tests/run")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jan"))
        .collect();
    for e in [
        "shapes",
        "word_count",
        "counter",
        "chat_room",
        "pipeline",
        "mathematicians",
        "game_server",
    ] {
        paths.push(root.join(format!("examples/{e}.jan")));
    }
    assert!(paths.len() > 10);
    for p in paths {
        let a = janusc::analyze(&p.to_string_lossy()).expect("analyze");
        assert!(!a.has_errors(), "{}", p.display());
        let ir = janus_ir::lower_program(
            a.program.as_ref().expect("program"),
            a.checked.as_ref().expect("checked"),
        )
        .expect("lowers");
        if let Err(e) = compile(&ir, &opts(), &|_| String::new()) {
            panic!("{}: {e}", p.display());
        }
    }
}
