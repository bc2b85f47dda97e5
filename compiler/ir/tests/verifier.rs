//! The verifier rejects broken IR: each test lowers a valid program, breaks one rule by hand,
//! and checks the verifier names the problem.

mod common;

use common::lower_ir;
use janus_ir::ir::*;
use janus_sema::Ty;

const SRC: &str = r#"
func f(n: i64) -> i64 do
    var x = n
    if n > 0 do
        x = n + 1
    end
    return x
end
"#;

fn errors_after(edit: impl FnOnce(&mut Function)) -> String {
    let mut p = lower_ir(SRC);
    assert!(
        janus_ir::verify(&p).is_empty(),
        "the program must start valid"
    );
    edit(&mut p.functions[0]);
    let errs = janus_ir::verify(&p);
    assert!(
        !errs.is_empty(),
        "the verifier accepted broken IR:\n{}",
        janus_ir::display(&p)
    );
    errs.join("\n")
}

#[test]
fn use_before_definition() {
    let e = errors_after(|f| {
        // Make the entry block's first instruction use a value defined later.
        let last = ValueId(f.values.len() as u32 - 1);
        f.blocks[0].insts.insert(
            0,
            Inst {
                dest: None,
                op: Op::Store(Place::local(LocalId(0)), last),
                span: Default::default(),
            },
        );
    });
    assert!(e.contains("used before it is defined"), "{e}");
}

#[test]
fn value_defined_on_one_path_only() {
    let e = errors_after(|f| {
        // The `then` block defines values; use one of them in the join block.
        let then_val = f.blocks[1].insts.iter().find_map(|i| i.dest).unwrap();
        let join = f.blocks.len() - 1;
        f.blocks[join].term = Term::Return(Some(then_val));
    });
    assert!(e.contains("used before it is defined"), "{e}");
}

#[test]
fn local_read_before_assignment() {
    let e = errors_after(|f| {
        let x = f.locals.iter().position(|l| l.name == "x").unwrap() as u32;
        let b = &mut f.blocks[0];
        b.insts
            .retain(|i| !matches!(&i.op, Op::Store(p, _) if p.local == LocalId(x)));
    });
    assert!(e.contains("read before it is assigned"), "{e}");
}

#[test]
fn store_of_the_wrong_type() {
    let e = errors_after(|f| {
        let cond = f.blocks[0]
            .insts
            .iter()
            .find_map(|i| {
                matches!(i.op, Op::Binary(BinOp::Gt, ..))
                    .then_some(i.dest)
                    .flatten()
            })
            .unwrap();
        f.blocks[0].insts.push(Inst {
            dest: None,
            op: Op::Store(Place::local(LocalId(0)), cond),
            span: Default::default(),
        });
    });
    assert!(e.contains("store: expected `i64`, found `bool`"), "{e}");
}

#[test]
fn branch_on_a_non_bool_and_missing_block() {
    let e = errors_after(|f| {
        let v = f.blocks[0].insts[0].dest.unwrap();
        f.blocks[0].term = Term::Branch {
            cond: v,
            then: BlockId(1),
            else_: BlockId(99),
        };
    });
    assert!(e.contains("jump to missing block bb99"), "{e}");
    let e = errors_after(|f| {
        let v = f.blocks[0].insts[0].dest.unwrap();
        f.blocks[0].term = Term::Branch {
            cond: v,
            then: BlockId(1),
            else_: BlockId(1),
        };
    });
    assert!(
        e.contains("branch condition: expected `bool`, found `i64`"),
        "{e}"
    );
}

#[test]
fn value_defined_twice_and_bad_return() {
    let e = errors_after(|f| {
        let d = f.blocks[0].insts[0].dest;
        let inst = Inst {
            dest: d,
            op: Op::Const(Const::Int(1)),
            span: Default::default(),
        };
        f.blocks[0].insts.push(inst);
    });
    assert!(e.contains("defined twice"), "{e}");
    let e = errors_after(|f| {
        let v = ValueId(f.values.len() as u32);
        f.values.push(Ty::Bool);
        let join = f.blocks.len() - 1;
        f.blocks[join].insts.push(Inst {
            dest: Some(v),
            op: Op::Const(Const::Bool(true)),
            span: Default::default(),
        });
        f.blocks[join].term = Term::Return(Some(v));
    });
    assert!(e.contains("return: expected `i64`, found `bool`"), "{e}");
}

#[test]
fn arithmetic_on_mismatched_types() {
    let e = errors_after(|f| {
        let b = ValueId(f.values.len() as u32);
        f.values.push(Ty::F64);
        let i = f.blocks[0].insts[0].dest.unwrap();
        let r = ValueId(f.values.len() as u32);
        f.values.push(Ty::i64());
        f.blocks[0].insts.push(Inst {
            dest: Some(b),
            op: Op::Const(Const::F64(1.0f64.to_bits())),
            span: Default::default(),
        });
        f.blocks[0].insts.push(Inst {
            dest: Some(r),
            op: Op::Binary(BinOp::Add, i, b),
            span: Default::default(),
        });
    });
    assert!(e.contains("arithmetic Add on `i64` and `f64`"), "{e}");
}
