//! Places (`%x`, `%p.f`, `%t.0`, `%xs[i]`, nested): reading them, writing them, and the slot
//! address a mutating built-in works on. A write goes down the path making each object unique
//! first (copy-on-write, `janus_cg_unique` / `janus_cg_list_slot`), so that no other holder of a
//! shared value sees the change; the root variable is spilled to a stack slot for the walk and
//! read back afterwards (Cranelift variables have no address).

use cranelift_codegen::ir::{
    InstBuilder, MemFlagsData, StackSlot, StackSlotData, StackSlotKind, Value, types,
};
use janus_ir::ir::{Inst, LocalId, Place, Proj};
use janus_sema::Ty;
use janus_syntax::Span;

use crate::CodegenError;
use crate::data::HEADER;
use crate::func::{CV, Cx};
use crate::types::{clif, counted, from_slot, to_slot};

/// The type reached by one projection from `t`.
fn step_ty(cx: &Cx, t: &Ty, p: &Proj) -> Ty {
    let r = match (p, t) {
        (Proj::Field(i), Ty::Def(d)) => cx
            .prog
            .defs
            .get(d.0 as usize)
            .and_then(|info| info.struct_fields())
            .and_then(|fs| fs.get(*i as usize))
            .map(|f| f.ty.clone())
            .unwrap_or(Ty::Void),
        (Proj::Elem(i), Ty::Tuple(ts)) => ts.get(*i as usize).cloned().unwrap_or(Ty::Void),
        (Proj::Index(_), Ty::List(e)) => (**e).clone(),
        _ => Ty::Void,
    };
    cx.data.resolve(&r)
}

pub fn load(cx: &mut Cx, inst: &Inst, p: &Place) -> Result<CV, CodegenError> {
    let mut t = cx.local_ty(p.local);
    if clif(&t).is_none() {
        return Ok(CV::None);
    }
    let mut x = cx.read_local(p.local);
    for (k, proj) in p.proj.iter().enumerate() {
        if k > 0 {
            // Intermediate values on a path are objects: already pointer slots.
        }
        x = match proj {
            Proj::Field(i) | Proj::Elem(i) => cx.b.ins().load(
                types::I64,
                MemFlagsData::trusted(),
                x,
                HEADER + 8 * *i as i32,
            ),
            Proj::Index(ix) => {
                let i = cx.val(*ix)?;
                let l = cx.loc(inst.span)?;
                cx.call_rt1("janus_rt_list_get", &[x, i, l])?
            }
        };
        t = step_ty(cx, &t, proj);
    }
    if !p.proj.is_empty() {
        x = from_slot(&mut cx.b, &t, x);
    }
    if let Some(d) = inst.dest
        && cx.own.retain_load.contains(&d)
        && counted(&t)
    {
        let s = to_slot(&mut cx.b, &t, x);
        let dd = cx.rc_desc(&t)?;
        cx.call_rt("janus_rt_retain", &[s, dd])?;
        // The reference is now this value's own: a consuming use may hand it on.
        cx.own.fresh.insert(d);
    }
    Ok(CV::One(x))
}

/// Spills `local` and walks `projs`, making each object unique; returns the address of the
/// slot holding the last object, its type, and the spill slot (see [`finish`]).
pub fn addr_of(
    cx: &mut Cx,
    local: LocalId,
    projs: &[Proj],
    span: Span,
) -> Result<(Value, Ty, Option<StackSlot>), CodegenError> {
    let mut t = cx.local_ty(local);
    // A state local already has an address (its slot in the state block); a variable is
    // spilled for the walk and read back by `finish`.
    let (mut addr, ss) = match cx.state_addr(local) {
        Some(a) => (a, None),
        None => {
            let ss =
                cx.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
            let v = cx.read_local(local);
            let s = to_slot(&mut cx.b, &t, v);
            cx.b.ins().stack_store(types::I64, s, ss, 0);
            (cx.b.ins().stack_addr(types::I64, ss, 0), Some(ss))
        }
    };
    for proj in projs {
        addr = match proj {
            Proj::Field(i) | Proj::Elem(i) => {
                let d = cx.desc(&t)?;
                let obj = cx.call_rt1("janus_cg_unique", &[addr, d])?;
                cx.b.ins().iadd_imm_s(obj, (HEADER + 8 * *i as i32) as i64)
            }
            Proj::Index(ix) => {
                let i = cx.val(*ix)?;
                let l = cx.loc(span)?;
                cx.call_rt1("janus_cg_list_slot", &[addr, i, l])?
            }
        };
        t = step_ty(cx, &t, proj);
    }
    Ok((addr, t, ss))
}

/// Reads the spilled root back into its variable after a write through [`addr_of`] (a state
/// local was written in place).
pub fn finish(cx: &mut Cx, local: LocalId, ss: Option<StackSlot>) {
    let Some(ss) = ss else { return };
    let t = cx.local_ty(local);
    let s = cx.b.ins().stack_load(types::I64, types::I64, ss, 0);
    let v = from_slot(&mut cx.b, &t, s);
    cx.write_local(local, v);
}

/// Writes `v` into place `p`; `release_old`: the overwritten value may be released (no
/// value borrowed from the variable is used later, see `owner.rs`).
pub fn store(
    cx: &mut Cx,
    p: &Place,
    v: janus_ir::ir::ValueId,
    span: Span,
    release_old: bool,
) -> Result<(), CodegenError> {
    let lt = cx.local_ty(p.local);
    if clif(&lt).is_none() {
        return Ok(());
    }
    let Some((last, prefix)) = p.proj.split_last() else {
        let x = cx.consume(v)?;
        if release_old && counted(&lt) {
            // A variable not yet assigned reads as 0, which release ignores.
            let old = cx.read_local(p.local);
            cx.write_local(p.local, x);
            let d = cx.rc_desc(&lt)?;
            cx.call_rt("janus_rt_release", &[old, d])?;
        } else {
            cx.write_local(p.local, x);
        }
        return Ok(());
    };
    let (addr, t, ss) = addr_of(cx, p.local, prefix, span)?;
    let _ = cx.consume(v)?;
    let s = cx.slot(v)?;
    match last {
        Proj::Field(i) | Proj::Elem(i) => {
            let d = cx.desc(&t)?;
            let obj = cx.call_rt1("janus_cg_unique", &[addr, d])?;
            let off = HEADER + 8 * *i as i32;
            let ft = cx.ty(v);
            if release_old && counted(&ft) {
                let old =
                    cx.b.ins()
                        .load(types::I64, MemFlagsData::trusted(), obj, off);
                cx.b.ins().store(MemFlagsData::trusted(), s, obj, off);
                let fd = cx.rc_desc(&ft)?;
                cx.call_rt("janus_rt_release", &[old, fd])?;
            } else {
                cx.b.ins().store(MemFlagsData::trusted(), s, obj, off);
            }
        }
        Proj::Index(ix) => {
            let i = cx.val(*ix)?;
            let l = cx.loc(span)?;
            cx.call_rt("janus_rt_list_set", &[addr, i, s, l])?;
        }
    }
    finish(cx, p.local, ss);
    Ok(())
}
