//! The closed list of built-ins (`janus_ir::builtins`): each becomes an inline sequence (lengths,
//! `is_empty`, `min`/`max`, `abs`) or one runtime call. Built-ins that change their receiver get
//! the address of the variable's slot (`places::addr_of`) and the variable is read back after.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, Value, types,
};
use janus_ir::ir::{Inst, Operand, ValueId};
use janus_sema::Ty;
use janus_sema::types::IntTy;

use crate::CodegenError;
use crate::data::{HEADER, kind};
use crate::func::{CV, Cx};
use crate::inst::dest_ty;
use crate::places;
use crate::types::{clif, from_slot};

fn value(ops: &[Operand], i: usize) -> Result<ValueId, CodegenError> {
    match ops.get(i) {
        Some(Operand::Value(v)) => Ok(*v),
        _ => Err(CodegenError::new(format!(
            "internal: built-in operand {i} is not a value"
        ))),
    }
}

fn num_kind(t: &Ty) -> u32 {
    match t {
        Ty::Int(IntTy::I32) => kind::I32,
        Ty::Int(IntTy::U64) => kind::U64,
        Ty::F64 => kind::F64,
        _ => kind::I64,
    }
}

/// `len` of a list, map, set, string or bytes: the word after the header.
fn len_of(cx: &mut Cx, ops: &[Operand]) -> Result<Value, CodegenError> {
    let x = cx.val(value(ops, 0)?)?;
    Ok(cx
        .b
        .ins()
        .load(types::I64, MemFlagsData::trusted(), x, HEADER))
}

pub fn lower(cx: &mut Cx, inst: &Inst, name: &str, ops: &[Operand]) -> Result<CV, CodegenError> {
    // Built-ins that change their receiver (the first operand is a place).
    if let Some(Operand::Place(p)) = ops.first() {
        let (addr, t, ss) = places::addr_of(cx, p.local, &p.proj, inst.span)?;
        let r = mutate(cx, inst, name, ops, addr, &t)?;
        places::finish(cx, p.local, ss);
        return Ok(r);
    }
    let dt = dest_ty(cx, inst);
    let one = |cx: &mut Cx, name: &'static str, args: &[Value]| -> Result<CV, CodegenError> {
        Ok(CV::One(cx.call_rt1(name, args)?))
    };
    match name {
        "print" | "println" | "eprintln" => {
            let v = value(ops, 0)?;
            let t = cx.ty(v);
            let s = cx.slot(v)?;
            let d = cx.desc_for(&t, s)?;
            let f = match name {
                "print" => "janus_rt_print",
                "println" => "janus_rt_println",
                _ => "janus_rt_eprintln",
            };
            cx.call_rt(f, &[s, d])?;
            Ok(CV::None)
        }
        "now" => one(cx, "janus_cg_now", &[]),
        "sleep" => {
            let d = cx.val(value(ops, 0)?)?;
            cx.call_rt("janus_cg_sleep", &[d])?;
            Ok(CV::None)
        }
        "node" => {
            let d = cx.desc(&Ty::NodeId)?;
            one(cx, "janus_cg_node", &[d])
        }
        "random_int" => {
            let (a, b) = (cx.slot(value(ops, 0)?)?, cx.slot(value(ops, 1)?)?);
            let r = cx.call_rt1("janus_cg_random_int", &[a, b])?;
            Ok(CV::One(from_slot(&mut cx.b, &dt, r)))
        }
        "parse_int" | "parse_float" => parse(cx, name, &dt, value(ops, 0)?),
        "args" => {
            let d = cx.desc(&dt)?;
            one(cx, "janus_cg_args", &[d])
        }
        "min" | "max" => {
            let (a, b) = (value(ops, 0)?, value(ops, 1)?);
            let t = cx.ty(a);
            let (x, y) = (cx.val(a)?, cx.val(b)?);
            Ok(CV::One(match (&t, name) {
                (Ty::F64, "min") => cx.b.ins().fmin(x, y),
                (Ty::F64, _) => cx.b.ins().fmax(x, y),
                (Ty::Int(IntTy::U64), "min") => cx.b.ins().umin(x, y),
                (Ty::Int(IntTy::U64), _) => cx.b.ins().umax(x, y),
                (_, "min") => cx.b.ins().smin(x, y),
                _ => cx.b.ins().smax(x, y),
            }))
        }
        "list.len" | "map.len" | "set.len" | "str.len" | "bytes.len" => {
            Ok(CV::One(len_of(cx, ops)?))
        }
        "list.is_empty" | "map.is_empty" | "set.is_empty" | "str.is_empty" | "bytes.is_empty" => {
            let n = len_of(cx, ops)?;
            Ok(CV::One(cx.b.ins().icmp_imm_s(IntCC::Equal, n, 0)))
        }
        "list.get" => {
            let (l, i) = (cx.val(value(ops, 0)?)?, cx.val(value(ops, 1)?)?);
            let loc = cx.loc(inst.span)?;
            let s = cx.call_rt1("janus_rt_list_get", &[l, i, loc])?;
            Ok(CV::One(from_slot(&mut cx.b, &dt, s)))
        }
        "list.contains" | "map.contains" | "set.contains" => {
            let l = cx.val(value(ops, 0)?)?;
            let x = cx.slot(value(ops, 1)?)?;
            let f = if name == "list.contains" {
                "janus_rt_list_contains"
            } else {
                "janus_rt_map_contains"
            };
            one(cx, f, &[l, x])
        }
        "list.slice" => {
            let l = cx.val(value(ops, 0)?)?;
            let (lo, hi) = (cx.val(value(ops, 1)?)?, cx.val(value(ops, 2)?)?);
            let loc = cx.loc(inst.span)?;
            one(cx, "janus_rt_list_slice", &[l, lo, hi, loc])
        }
        "map.new" | "set.new" => {
            let d = cx.desc(&dt)?;
            one(cx, "janus_rt_map_new", &[d])
        }
        "map.get" => {
            let m = cx.val(value(ops, 0)?)?;
            let k = cx.slot(value(ops, 1)?)?;
            let d = cx.desc(&dt)?;
            one(cx, "janus_rt_map_get", &[m, k, d])
        }
        "map.keys" | "set.to_list" | "map.values" => {
            let m = cx.val(value(ops, 0)?)?;
            let d = cx.desc(&dt)?;
            let f = if name == "map.values" {
                "janus_rt_map_values"
            } else {
                "janus_rt_map_keys"
            };
            one(cx, f, &[m, d])
        }
        "map.entry_at" | "set.elem_at" => {
            let m = cx.val(value(ops, 0)?)?;
            let i = cx.val(value(ops, 1)?)?;
            let d = if name == "map.entry_at" {
                cx.desc(&dt)?
            } else {
                cx.iconst(0)
            };
            let s = cx.call_rt1("janus_cg_map_entry_at", &[m, i, d])?;
            Ok(CV::One(from_slot(&mut cx.b, &dt, s)))
        }
        "str.split" | "str.chars" => {
            let s = cx.val(value(ops, 0)?)?;
            let d = cx.desc(&dt)?;
            if name == "str.split" {
                let sep = cx.val(value(ops, 1)?)?;
                one(cx, "janus_rt_string_split", &[s, sep, d])
            } else {
                one(cx, "janus_rt_string_chars", &[s, d])
            }
        }
        "str.contains" | "str.starts_with" | "str.ends_with" => {
            let f = match name {
                "str.contains" => "janus_rt_string_contains",
                "str.starts_with" => "janus_rt_string_starts_with",
                _ => "janus_rt_string_ends_with",
            };
            let (s, x) = (cx.val(value(ops, 0)?)?, cx.val(value(ops, 1)?)?);
            one(cx, f, &[s, x])
        }
        "str.trim" | "str.to_upper" | "str.to_lower" | "str.to_bytes" => {
            let f = match name {
                "str.trim" => "janus_rt_string_trim",
                "str.to_upper" => "janus_rt_string_to_upper",
                "str.to_lower" => "janus_rt_string_to_lower",
                _ => "janus_rt_string_to_bytes",
            };
            let s = cx.val(value(ops, 0)?)?;
            one(cx, f, &[s])
        }
        "num.to_f64" | "num.to_i64" | "num.to_i32" | "num.to_u64" => {
            let v = value(ops, 0)?;
            let (from, to) = (num_kind(&cx.ty(v)), num_kind(&dt));
            Ok(CV::One(convert(cx, cx.val(v)?, from, to, inst.span)?))
        }
        "num.abs" => {
            let v = value(ops, 0)?;
            let t = cx.ty(v);
            let x = cx.val(v)?;
            Ok(CV::One(match t {
                Ty::F64 => cx.b.ins().fabs(x),
                Ty::Int(IntTy::U64) => x,
                _ => {
                    let ct = cx.b.func.dfg.value_type(x);
                    let min = if ct == types::I32 {
                        i32::MIN as i64
                    } else {
                        i64::MIN
                    };
                    let is_min = cx.b.ins().icmp_imm_s(IntCC::Equal, x, min);
                    cx.fail_if(is_min, "integer overflow", inst.span)?;
                    let neg = cx.b.ins().ineg(x);
                    let lt = cx.b.ins().icmp_imm_s(IntCC::SignedLessThan, x, 0);
                    cx.b.ins().select(lt, neg, x)
                }
            }))
        }
        "fmt.to_string" => {
            let v = value(ops, 0)?;
            let t = cx.ty(v);
            let s = cx.slot(v)?;
            let d = cx.desc_for(&t, s)?;
            one(cx, "janus_rt_to_string", &[s, d])
        }
        "fmt.new" => Ok(CV::One(cx.str_obj("")?)),
        "fmt.push" => {
            let b = cx.val(value(ops, 0)?)?;
            let v = value(ops, 1)?;
            let t = cx.ty(v);
            let s = cx.slot(v)?;
            let d = cx.desc_for(&t, s)?;
            one(cx, "janus_cg_fmt_push", &[b, s, d])
        }
        other => Err(CodegenError::new(format!(
            "the built-in `{other}` cannot be compiled yet"
        ))),
    }
}

/// `parse_int(s)` / `parse_float(s)`: an error union (flag, payload).
fn parse(cx: &mut Cx, name: &str, dt: &Ty, s: ValueId) -> Result<CV, CodegenError> {
    let Ty::Union(_, sets) = dt else {
        return Err(CodegenError::new(
            "internal: parse_* does not return an error union",
        ));
    };
    let Some(set) = sets.first() else {
        return Err(CodegenError::new("internal: parse_* without an error set"));
    };
    let s = cx.val(s)?;
    let ss =
        cx.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
    let zero = cx.iconst(0);
    cx.b.ins().stack_store(types::I64, zero, ss, 0);
    let addr = cx.b.ins().stack_addr(types::I64, ss, 0);
    let d = cx.desc(&Ty::Def(*set))?;
    let f = if name == "parse_int" {
        "janus_cg_parse_int"
    } else {
        "janus_cg_parse_float"
    };
    let n = cx.call_rt1(f, &[s, addr, d])?;
    let e = cx.b.ins().stack_load(types::I64, types::I64, ss, 0);
    let flag = cx.b.ins().icmp_imm_s(IntCC::NotEqual, e, 0);
    let payload = cx.b.ins().select(flag, e, n);
    Ok(CV::Pair(flag, payload))
}

/// The built-ins whose first operand is a place: `addr` is the slot holding the receiver.
fn mutate(
    cx: &mut Cx,
    inst: &Inst,
    name: &str,
    ops: &[Operand],
    addr: Value,
    t: &Ty,
) -> Result<CV, CodegenError> {
    let dt = dest_ty(cx, inst);
    let opt_of = |t: &Ty, dt: &Ty| -> Ty {
        if matches!(dt, Ty::Optional(_)) {
            return dt.clone();
        }
        match t {
            Ty::Map(_, v) => Ty::Optional(v.clone()),
            Ty::List(e) => Ty::Optional(e.clone()),
            _ => Ty::Void,
        }
    };
    let res = |cx: &mut Cx, r: Value| -> CV {
        if clif(&dt).is_some() {
            CV::One(from_slot(&mut cx.b, &dt, r))
        } else {
            CV::None
        }
    };
    match name {
        "list.push" | "set.insert" => {
            let v = value(ops, 1)?;
            let _ = cx.consume(v)?;
            let s = cx.slot(v)?;
            if name == "list.push" {
                cx.call_rt("janus_rt_list_push", &[addr, s])?;
                Ok(CV::None)
            } else {
                let r = cx.call_rt1("janus_rt_set_insert", &[addr, s])?;
                Ok(res(cx, r))
            }
        }
        "set.remove" => {
            let s = cx.slot(value(ops, 1)?)?;
            let r = cx.call_rt1("janus_rt_set_remove", &[addr, s])?;
            Ok(res(cx, r))
        }
        "list.pop" => {
            let d = cx.desc(&opt_of(t, &dt))?;
            let r = cx.call_rt1("janus_rt_list_pop", &[addr, d])?;
            Ok(res(cx, r))
        }
        "list.insert" => {
            let i = cx.val(value(ops, 1)?)?;
            let v = value(ops, 2)?;
            let _ = cx.consume(v)?;
            let s = cx.slot(v)?;
            let loc = cx.loc(inst.span)?;
            cx.call_rt("janus_rt_list_insert", &[addr, i, s, loc])?;
            Ok(CV::None)
        }
        "list.remove" => {
            let i = cx.val(value(ops, 1)?)?;
            let loc = cx.loc(inst.span)?;
            let r = cx.call_rt1("janus_rt_list_remove", &[addr, i, loc])?;
            Ok(res(cx, r))
        }
        "list.clear" | "list.sort" | "list.reverse" | "map.clear" => {
            let f = match name {
                "list.clear" => "janus_rt_list_clear",
                "list.sort" => "janus_rt_list_sort",
                "list.reverse" => "janus_rt_list_reverse",
                _ => "janus_rt_map_clear",
            };
            cx.call_rt(f, &[addr])?;
            Ok(CV::None)
        }
        "map.set" => {
            let (k, v) = (value(ops, 1)?, value(ops, 2)?);
            let _ = cx.consume(k)?;
            let _ = cx.consume(v)?;
            let (ks, vs) = (cx.slot(k)?, cx.slot(v)?);
            let d = cx.desc(&opt_of(t, &dt))?;
            let r = cx.call_rt1("janus_rt_map_insert", &[addr, ks, vs, d])?;
            Ok(res(cx, r))
        }
        "map.remove" => {
            let k = cx.slot(value(ops, 1)?)?;
            let d = cx.desc(&opt_of(t, &dt))?;
            let r = cx.call_rt1("janus_rt_map_remove", &[addr, k, d])?;
            Ok(res(cx, r))
        }
        other => Err(CodegenError::new(format!(
            "the built-in `{other}` cannot be compiled yet"
        ))),
    }
}

/// A checked numeric conversion (`to_f64`, `to_i64`, `to_i32`, `to_u64`): widening ones
/// inline, the others through the runtime, which fails at `span` when out of range.
fn convert(
    cx: &mut Cx,
    x: Value,
    from: u32,
    to: u32,
    span: janus_syntax::Span,
) -> Result<Value, CodegenError> {
    if from == to {
        return Ok(x);
    }
    // i32 values travel as i64 from here on.
    let x = if from == kind::I32 {
        cx.b.ins().sextend(types::I64, x)
    } else {
        x
    };
    let r = match (from, to) {
        (kind::U64, kind::F64) => return Ok(cx.b.ins().fcvt_from_uint(types::F64, x)),
        (_, kind::F64) => return Ok(cx.b.ins().fcvt_from_sint(types::F64, x)),
        (kind::I32, kind::I64) => return Ok(x),
        (kind::I64, kind::I32) => "janus_rt_i64_to_i32",
        (kind::I64 | kind::I32, kind::U64) => "janus_rt_i64_to_u64",
        (kind::U64, kind::I64) => "janus_rt_u64_to_i64",
        (kind::U64, kind::I32) => "janus_rt_u64_to_i32",
        (kind::F64, kind::I64) => "janus_rt_f64_to_i64",
        (kind::F64, kind::I32) => "janus_rt_f64_to_i32",
        (kind::F64, _) => "janus_rt_f64_to_u64",
        _ => return Err(CodegenError::new("internal: unknown numeric conversion")),
    };
    let loc = cx.loc(span)?;
    let v = cx.call_rt1(r, &[x, loc])?;
    Ok(if to == kind::I32 {
        cx.b.ins().ireduce(types::I32, v)
    } else {
        v
    })
}
