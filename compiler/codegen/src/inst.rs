//! One small lowering function per IR operation (`spec/ir.md`, "Operations"). Scalars are
//! computed inline with checked arithmetic; objects are built and read through the layouts of
//! `runtime/src/values/obj.rs` (header of 32 bytes, then 8-byte slots; an enum's tag first).

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Value, types,
};
use janus_ir::ir::{BinOp, Const, Inst, Op, UnOp, ValueId};
use janus_sema::Ty;
use janus_sema::types::{DefId, IntTy};
use janus_syntax::Span;

use crate::CodegenError;
use crate::data::{ENUM_FIELDS, HEADER};
use crate::func::{CV, Cx};
use crate::types::{clif, from_slot};

/// Offset of an enum's first field slot (after the header and the tag).

/// Lowers instruction `index` of block `block`.
pub fn lower_inst(
    cx: &mut Cx,
    inst: &Inst,
    block: janus_ir::ir::BlockId,
    index: usize,
) -> Result<(), CodegenError> {
    let cv = match &inst.op {
        Op::Const(c) => CV::One(constant(cx, inst, c)?),
        Op::Load(p) => crate::places::load(cx, inst, p)?,
        Op::Store(p, v) => {
            let release_old = cx.own.release_old.contains(&(block, index));
            crate::places::store(cx, p, *v, inst.span, release_old)?;
            CV::None
        }
        Op::Unary(op, v) => CV::One(unary(cx, *op, *v, inst.span)?),
        Op::Binary(op, a, b) => CV::One(binary(cx, *op, *a, *b, inst.span)?),
        Op::Call(f, args) => call(cx, *f, args)?,
        Op::Builtin(name, ops) => crate::builtins::lower(cx, inst, name, ops)?,
        Op::Struct(_, vs) | Op::Tuple(vs) => CV::One(aggregate(cx, inst, vs)?),
        Op::Field(v, i) | Op::Elem(v, i) => {
            CV::One(read_slot(cx, inst, *v, HEADER + 8 * *i as i32)?)
        }
        Op::List(vs) => CV::One(list(cx, inst, vs)?),
        Op::Variant(def, tag, vs) => CV::One(variant(cx, *def, *tag, vs)?),
        Op::Tag(v) => {
            let x = cx.val(*v)?;
            CV::One(
                cx.b.ins()
                    .load(types::I64, MemFlagsData::trusted(), x, HEADER),
            )
        }
        Op::IsVariant(v, def, tag) => CV::One(is_variant(cx, *v, *def, *tag)?),
        Op::VariantField(v, _, _, i) => {
            CV::One(read_slot(cx, inst, *v, ENUM_FIELDS + 8 * *i as i32)?)
        }
        Op::Some(v) => CV::One(some(cx, inst, *v)?),
        Op::IsNull(v) => {
            let x = cx.val(*v)?;
            CV::One(cx.b.ins().icmp_imm_s(IntCC::Equal, x, 0))
        }
        Op::Unwrap(v) => CV::One(unwrap(cx, inst, *v)?),
        Op::Ok(v) => {
            let zero = cx.b.ins().iconst(types::I8, 0);
            let _ = cx.consume(*v)?;
            CV::Pair(zero, cx.slot(*v)?)
        }
        Op::OkVoid => {
            let zero = cx.b.ins().iconst(types::I8, 0);
            CV::Pair(zero, cx.iconst(0))
        }
        Op::Err(v) => {
            let one = cx.b.ins().iconst(types::I8, 1);
            let _ = cx.consume(*v)?;
            CV::Pair(one, cx.slot(*v)?)
        }
        Op::IsErr(v) => CV::One(cx.pair(*v)?.0),
        Op::OkValue(v) => {
            let p = cx.pair(*v)?.1;
            let t = dest_ty(cx, inst);
            if clif(&t).is_none() {
                CV::None
            } else {
                CV::One(from_slot(&mut cx.b, &t, p))
            }
        }
        Op::ErrValue(v) => CV::One(cx.pair(*v)?.1),
        Op::Upcast(v) => cx.vals.get(v).copied().unwrap_or(CV::None),
        Op::Spawn(def, args, _on) if cx.actors.sups.contains_key(def) => {
            crate::supervisors::spawn(cx, inst, *def, args)?
        }
        Op::Spawn(def, args, _on) => crate::messaging::spawn(cx, inst, *def, args)?,
        Op::Send(r, m) => crate::messaging::send(cx, *r, *m)?,
        Op::Ask {
            target,
            def,
            variant,
            fields,
            timeout,
        } => crate::messaging::ask(cx, inst, *target, *def, *variant, fields, *timeout)?,
        Op::Reply(r, v) => crate::messaging::reply(cx, inst, *r, *v)?,
        Op::SelfRef => crate::messaging::self_ref(cx, inst)?,
        Op::Stop => crate::messaging::stop(cx)?,
        Op::GrainRef(..) => return Err(crate::messaging::not_yet("grains")),
        Op::StartChild {
            index,
            target,
            args,
        } => crate::supervisors::start_child(cx, inst, *index, *target, args)?,
        Op::Child(v, i) => crate::supervisors::child(cx, inst, *v, *i)?,
    };
    if let Some(d) = inst.dest {
        cx.vals.insert(d, cv);
    }
    Ok(())
}

pub fn dest_ty(cx: &Cx, inst: &Inst) -> Ty {
    inst.dest.map(|d| cx.ty(d)).unwrap_or(Ty::Void)
}

fn constant(cx: &mut Cx, inst: &Inst, c: &Const) -> Result<Value, CodegenError> {
    let t = dest_ty(cx, inst);
    Ok(match c {
        Const::Int(n) => {
            let ct = clif(&t).unwrap_or(types::I64);
            if ct == types::F64 {
                cx.b.ins().f64const(*n as f64)
            } else {
                cx.b.ins().iconst(ct, *n as i64)
            }
        }
        Const::F64(bits) => cx.b.ins().f64const(f64::from_bits(*bits)),
        Const::Bool(x) => cx.b.ins().iconst(types::I8, *x as i64),
        Const::Str(s) => cx.str_obj(s)?,
        Const::Duration(ns) => cx.b.ins().iconst(types::I64, *ns as i64),
        Const::Null => cx.iconst(0),
    })
}

fn signed(t: &Ty) -> bool {
    matches!(
        t,
        Ty::Int(IntTy::I64) | Ty::Int(IntTy::I32) | Ty::Duration | Ty::Instant
    )
}

fn unary(cx: &mut Cx, op: UnOp, v: ValueId, span: Span) -> Result<Value, CodegenError> {
    let x = cx.val(v)?;
    let t = cx.ty(v);
    Ok(match (op, &t) {
        (UnOp::Not, _) => cx.b.ins().icmp_imm_s(IntCC::Equal, x, 0),
        (UnOp::Neg, Ty::F64) => cx.b.ins().fneg(x),
        (UnOp::Neg, Ty::Int(IntTy::U64)) => {
            let nz = cx.b.ins().icmp_imm_s(IntCC::NotEqual, x, 0);
            cx.fail_if(nz, "integer overflow", span)?;
            x
        }
        (UnOp::Neg, _) => {
            let ct = cx.b.func.dfg.value_type(x);
            let min = if ct == types::I32 {
                i32::MIN as i64
            } else {
                i64::MIN
            };
            let is_min = cx.b.ins().icmp_imm_s(IntCC::Equal, x, min);
            cx.fail_if(is_min, "integer overflow", span)?;
            cx.b.ins().ineg(x)
        }
    })
}

fn binary(
    cx: &mut Cx,
    op: BinOp,
    a: ValueId,
    b: ValueId,
    span: Span,
) -> Result<Value, CodegenError> {
    let t = cx.ty(a);
    let (x, y) = (cx.val(a)?, cx.val(b)?);
    match op {
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            compare(cx, op, &t, a, b)
        }
        BinOp::Concat => {
            if matches!(t, Ty::List(_)) {
                cx.call_rt1("janus_rt_list_concat", &[x, y])
            } else {
                cx.call_rt1("janus_rt_string_concat", &[x, y])
            }
        }
        _ if t == Ty::F64 => Ok(match op {
            BinOp::Add => cx.b.ins().fadd(x, y),
            BinOp::Sub => cx.b.ins().fsub(x, y),
            BinOp::Mul => cx.b.ins().fmul(x, y),
            BinOp::Div => cx.b.ins().fdiv(x, y),
            _ => cx.call_rt1("fmod", &[x, y])?,
        }),
        _ => int_arith(cx, op, signed(&t), x, y, span),
    }
}

fn int_arith(
    cx: &mut Cx,
    op: BinOp,
    signed: bool,
    x: Value,
    y: Value,
    span: Span,
) -> Result<Value, CodegenError> {
    let (r, of) = match (op, signed) {
        (BinOp::Add, true) => cx.b.ins().sadd_overflow(x, y),
        (BinOp::Add, false) => cx.b.ins().uadd_overflow(x, y),
        (BinOp::Sub, true) => cx.b.ins().ssub_overflow(x, y),
        (BinOp::Sub, false) => cx.b.ins().usub_overflow(x, y),
        (BinOp::Mul, true) => cx.b.ins().smul_overflow(x, y),
        (BinOp::Mul, false) => cx.b.ins().umul_overflow(x, y),
        (BinOp::Div | BinOp::Rem, _) => return div_rem(cx, op, signed, x, y, span),
        _ => return Err(CodegenError::new("internal: not an arithmetic operator")),
    };
    cx.fail_if(of, "integer overflow", span)?;
    Ok(r)
}

fn div_rem(
    cx: &mut Cx,
    op: BinOp,
    signed: bool,
    x: Value,
    y: Value,
    span: Span,
) -> Result<Value, CodegenError> {
    let zero = cx.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
    cx.fail_if(zero, "division by zero", span)?;
    if !signed {
        return Ok(if op == BinOp::Div {
            cx.b.ins().udiv(x, y)
        } else {
            cx.b.ins().urem(x, y)
        });
    }
    let ct = cx.b.func.dfg.value_type(x);
    let min = if ct == types::I32 {
        i32::MIN as i64
    } else {
        i64::MIN
    };
    let is_min = cx.b.ins().icmp_imm_s(IntCC::Equal, x, min);
    let minus1 = cx.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
    let both = cx.b.ins().band(is_min, minus1);
    if op == BinOp::Div {
        cx.fail_if(both, "integer overflow", span)?;
        Ok(cx.b.ins().sdiv(x, y))
    } else {
        // MIN % -1 is 0 (and would trap in the machine instruction): divide by 1 instead.
        let one = cx.b.ins().iconst(ct, 1);
        let d = cx.b.ins().select(minus1, one, y);
        Ok(cx.b.ins().srem(x, d))
    }
}

fn compare(cx: &mut Cx, op: BinOp, t: &Ty, a: ValueId, b: ValueId) -> Result<Value, CodegenError> {
    let (x, y) = (cx.val(a)?, cx.val(b)?);
    let scalar_int = matches!(t, Ty::Int(_) | Ty::Bool | Ty::Duration | Ty::Instant);
    if scalar_int {
        let s = signed(t);
        let cc = match op {
            BinOp::Eq => IntCC::Equal,
            BinOp::Ne => IntCC::NotEqual,
            BinOp::Lt if s => IntCC::SignedLessThan,
            BinOp::Le if s => IntCC::SignedLessThanOrEqual,
            BinOp::Gt if s => IntCC::SignedGreaterThan,
            BinOp::Ge if s => IntCC::SignedGreaterThanOrEqual,
            BinOp::Lt => IntCC::UnsignedLessThan,
            BinOp::Le => IntCC::UnsignedLessThanOrEqual,
            BinOp::Gt => IntCC::UnsignedGreaterThan,
            _ => IntCC::UnsignedGreaterThanOrEqual,
        };
        return Ok(cx.b.ins().icmp(cc, x, y));
    }
    if *t == Ty::F64 {
        let cc = match op {
            BinOp::Eq => FloatCC::Equal,
            BinOp::Ne => FloatCC::NotEqual,
            BinOp::Lt => FloatCC::LessThan,
            BinOp::Le => FloatCC::LessThanOrEqual,
            BinOp::Gt => FloatCC::GreaterThan,
            _ => FloatCC::GreaterThanOrEqual,
        };
        return Ok(cx.b.ins().fcmp(cc, x, y));
    }
    let (sx, sy) = (cx.slot(a)?, cx.slot(b)?);
    let d = cx.desc_for(t, x)?;
    match op {
        BinOp::Eq | BinOp::Ne => {
            let r = cx.call_rt1("janus_rt_eq", &[sx, sy, d])?;
            Ok(if op == BinOp::Eq {
                r
            } else {
                cx.b.ins().icmp_imm_s(IntCC::Equal, r, 0)
            })
        }
        _ => {
            // -1, 0, 1, or 2 when unordered.
            let r = cx.call_rt1("janus_rt_compare", &[sx, sy, d])?;
            Ok(match op {
                BinOp::Lt => cx.b.ins().icmp_imm_s(IntCC::Equal, r, -1),
                BinOp::Gt => cx.b.ins().icmp_imm_s(IntCC::Equal, r, 1),
                BinOp::Ge => cx.b.ins().icmp_imm_s(IntCC::UnsignedLessThan, r, 2),
                _ => {
                    let r1 = cx.b.ins().iadd_imm_s(r, 1);
                    cx.b.ins().icmp_imm_s(IntCC::UnsignedLessThan, r1, 2)
                }
            })
        }
    }
}

fn call(cx: &mut Cx, f: janus_ir::ir::FuncId, args: &[ValueId]) -> Result<CV, CodegenError> {
    let mut xs = Vec::new();
    for a in args {
        if clif(&cx.ty(*a)).is_some() {
            xs.push(cx.val(*a)?);
        }
    }
    // A helper of the running actor works on the same state block.
    let callee_state = cx
        .prog
        .functions
        .get(f.0 as usize)
        .is_some_and(crate::func::has_state);
    if callee_state {
        let s = cx
            .state
            .ok_or_else(|| CodegenError::new("internal: actor helper called without state"))?;
        xs.insert(0, s);
    }
    let rs = cx.call_user(f, &xs)?;
    Ok(match rs.as_slice() {
        [] => CV::None,
        [x] => CV::One(*x),
        [a, b, ..] => CV::Pair(*a, *b),
    })
}

/// A struct or tuple: a new object whose slots take over the fields.
fn aggregate(cx: &mut Cx, inst: &Inst, vs: &[ValueId]) -> Result<Value, CodegenError> {
    let t = dest_ty(cx, inst);
    let d = cx.desc(&t)?;
    new_struct(cx, d, vs)
}

/// A new struct or tuple object of descriptor `d` whose slots take over `vs`.
pub fn new_struct(cx: &mut Cx, d: Value, vs: &[ValueId]) -> Result<Value, CodegenError> {
    let n = cx.iconst(vs.len() as i64);
    let obj = cx.call_rt1("janus_cg_struct_new", &[d, n])?;
    for (i, v) in vs.iter().enumerate() {
        let _ = cx.consume(*v)?;
        let s = cx.slot(*v)?;
        cx.b.ins()
            .store(MemFlagsData::trusted(), s, obj, HEADER + 8 * i as i32);
    }
    Ok(obj)
}

fn read_slot(cx: &mut Cx, inst: &Inst, v: ValueId, off: i32) -> Result<Value, CodegenError> {
    let x = cx.val(v)?;
    let s = cx.b.ins().load(types::I64, MemFlagsData::trusted(), x, off);
    let t = dest_ty(cx, inst);
    Ok(from_slot(&mut cx.b, &t, s))
}

fn list(cx: &mut Cx, inst: &Inst, vs: &[ValueId]) -> Result<Value, CodegenError> {
    let t = dest_ty(cx, inst);
    let d = cx.desc(&t)?;
    let ss = cx.b.create_sized_stack_slot(StackSlotData::new(
        StackSlotKind::ExplicitSlot,
        (8 * vs.len()).max(8) as u32,
        3,
    ));
    for (i, v) in vs.iter().enumerate() {
        let _ = cx.consume(*v)?;
        let s = cx.slot(*v)?;
        cx.b.ins().stack_store(types::I64, s, ss, 8 * i as i32);
    }
    let p = cx.b.ins().stack_addr(types::I64, ss, 0);
    let n = cx.iconst(vs.len() as i64);
    cx.call_rt1("janus_cg_list_from", &[d, p, n])
}

fn variant(cx: &mut Cx, def: DefId, tag: u32, vs: &[ValueId]) -> Result<Value, CodegenError> {
    let d = cx.desc(&Ty::Def(def))?;
    let t = cx.iconst(tag as i64);
    let obj = cx.call_rt1("janus_cg_enum_new", &[d, t])?;
    for (i, v) in vs.iter().enumerate() {
        let _ = cx.consume(*v)?;
        let s = cx.slot(*v)?;
        cx.b.ins()
            .store(MemFlagsData::trusted(), s, obj, ENUM_FIELDS + 8 * i as i32);
    }
    Ok(obj)
}

fn is_variant(cx: &mut Cx, v: ValueId, def: DefId, tag: u32) -> Result<Value, CodegenError> {
    let x = cx.val(v)?;
    let t =
        cx.b.ins()
            .load(types::I64, MemFlagsData::trusted(), x, HEADER);
    let same_tag = cx.b.ins().icmp_imm_s(IntCC::Equal, t, tag as i64);
    if matches!(cx.ty(v), Ty::Def(_)) {
        return Ok(same_tag);
    }
    // A value of several error sets: its header names its set.
    let d = cx.b.ins().load(types::I64, MemFlagsData::trusted(), x, 8);
    let want = cx.desc(&Ty::Def(def))?;
    let same_set = cx.b.ins().icmp(IntCC::Equal, d, want);
    Ok(cx.b.ins().band(same_tag, same_set))
}

fn inner_of(t: &Ty) -> Ty {
    match t {
        Ty::Optional(i) => (**i).clone(),
        other => other.clone(),
    }
}

fn some(cx: &mut Cx, inst: &Inst, v: ValueId) -> Result<Value, CodegenError> {
    let t = dest_ty(cx, inst);
    if cx.data.optional_boxes(&inner_of(&t)) {
        let d = cx.desc(&t)?;
        let _ = cx.consume(v)?;
        let s = cx.slot(v)?;
        cx.call_rt1("janus_cg_some", &[d, s])
    } else {
        cx.val(v)
    }
}

fn unwrap(cx: &mut Cx, inst: &Inst, v: ValueId) -> Result<Value, CodegenError> {
    let t = cx.ty(v);
    let x = cx.val(v)?;
    if cx.data.optional_boxes(&inner_of(&t)) {
        let s =
            cx.b.ins()
                .load(types::I64, MemFlagsData::trusted(), x, HEADER);
        let dt = dest_ty(cx, inst);
        Ok(from_slot(&mut cx.b, &dt, s))
    } else {
        Ok(x)
    }
}
