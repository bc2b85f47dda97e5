//! The messaging operations of the IR (`spawn`, `send`, `ask`, `reply`, `self`, `stop`), each
//! one call of the runtime's actor ABI (`runtime/src/abi/actors.rs`, `spec/abi.md` §6).
//! `send` and `reply` hand their value over (the runtime moves a message that is one object
//! the sender alone holds, and deep-copies anything else); the spawn arguments and the
//! request of an `ask` are built into a fresh object first.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, StackSlotData, StackSlotKind, types};
use janus_ir::ir::{Inst, ValueId};
use janus_sema::Ty;
use janus_sema::info::DefInfoKind;
use janus_sema::types::DefId;
use janus_syntax::ast::ActorKind;

use crate::CodegenError;
use crate::actors::{actor_kind, arg_types};
use crate::data::ENUM_FIELDS;
use crate::func::{CV, Cx};
use crate::inst::dest_ty;

/// The error for what this version does not compile yet.
pub fn not_yet(what: &str) -> CodegenError {
    CodegenError::new(format!(
        "{what} cannot be compiled yet (`janusc build` compiles functions and actors; \
         supervisors and grains come with the next steps of the runtime)"
    ))
}

/// `spawn A(args) [on n]`. This version runs one node, `local`, where every `spawn ... on n`
/// places (dialect §7 "Placement at run time"); `n` is evaluated and not needed.
pub fn spawn(cx: &mut Cx, inst: &Inst, def: DefId, args: &[ValueId]) -> Result<CV, CodegenError> {
    let Some(&adesc) = cx.actors.descs.get(&def) else {
        return Err(not_yet(match actor_kind(cx.prog, def) {
            Some(ActorKind::Grain) => "grains",
            _ => "supervisors",
        }));
    };
    let a = cx.data_addr(adesc);
    let tuple_ty = Ty::Tuple(arg_types(cx.prog, def));
    let td = cx.desc(&tuple_ty)?;
    let tuple = if args.is_empty() {
        cx.iconst(0)
    } else {
        crate::inst::new_struct(cx, td, args)?
    };
    let rd = cx.desc(&dest_ty(cx, inst))?;
    let loc = cx.loc(inst.span)?;
    // The runtime takes the tuple.
    let r = cx.call_rt1("janus_rt_spawn", &[a, tuple, td, rd, loc])?;
    Ok(CV::One(r))
}

/// `r.send(msg)`: the runtime takes the message (a fresh one is moved, not copied).
pub fn send(cx: &mut Cx, target: ValueId, msg: ValueId) -> Result<CV, CodegenError> {
    let t = cx.val(target)?;
    let mt = cx.ty(msg);
    let _ = cx.consume(msg)?;
    let m = cx.slot(msg)?;
    let d = cx.desc(&mt)?;
    cx.call_rt("janus_rt_send", &[t, m, d])?;
    Ok(CV::None)
}

/// `reply.send(v)`: the runtime takes the answer, as for `send`.
pub fn reply(cx: &mut Cx, inst: &Inst, r: ValueId, v: ValueId) -> Result<CV, CodegenError> {
    let rv = cx.val(r)?;
    let vt = cx.ty(v);
    let _ = cx.consume(v)?;
    let x = cx.slot(v)?;
    let d = cx.desc(&vt)?;
    let loc = cx.loc(inst.span)?;
    cx.call_rt("janus_rt_reply", &[rv, x, d, loc])?;
    Ok(CV::None)
}

/// `self`.
pub fn self_ref(cx: &mut Cx, inst: &Inst) -> Result<CV, CodegenError> {
    let d = cx.desc(&dest_ty(cx, inst))?;
    Ok(CV::One(cx.call_rt1("janus_rt_self", &[d])?))
}

/// `stop()`.
pub fn stop(cx: &mut Cx) -> Result<CV, CodegenError> {
    cx.call_rt("janus_rt_stop", &[])?;
    Ok(CV::None)
}

/// `r.ask(V { fields }, timeout: d)` -> `T ! AskError` as (error flag, payload): the request
/// is variant `variant` of protocol `def` with `fields` in declaration order around its one
/// `Reply` field, which the runtime fills in.
pub fn ask(
    cx: &mut Cx,
    inst: &Inst,
    target: ValueId,
    def: DefId,
    variant: u32,
    fields: &[ValueId],
    timeout: Option<ValueId>,
) -> Result<CV, CodegenError> {
    let decl: Vec<Ty> = match cx.prog.defs.get(def.0 as usize).map(|i| &i.kind) {
        Some(DefInfoKind::Enum { variants, .. }) => variants
            .get(variant as usize)
            .map(|v| v.field_list().iter().map(|f| f.ty.clone()).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let reply_at = decl
        .iter()
        .position(|t| matches!(cx.data.resolve(t), Ty::Reply(_)))
        .ok_or_else(|| CodegenError::new("internal: ask of a variant without a Reply field"))?;
    let Ty::Union(_, sets) = dest_ty(cx, inst) else {
        return Err(CodegenError::new(
            "internal: ask does not return an error union",
        ));
    };
    let ask_error = *sets
        .first()
        .ok_or_else(|| CodegenError::new("internal: ask without AskError"))?;

    let md = cx.desc(&Ty::Def(def))?;
    let tag = cx.iconst(variant as i64);
    let req = cx.call_rt1("janus_cg_enum_new", &[md, tag])?;
    let slots = (0..decl.len()).filter(|i| *i != reply_at);
    for (v, slot) in fields.iter().zip(slots) {
        let _ = cx.consume(*v)?;
        let s = cx.slot(*v)?;
        cx.b.ins().store(
            MemFlagsData::trusted(),
            s,
            req,
            ENUM_FIELDS + 8 * slot as i32,
        );
    }
    let t = cx.val(target)?;
    let at = cx.iconst(reply_at as i64);
    let rd = cx.desc(&decl[reply_at])?;
    let timeout = match timeout {
        Some(d) => cx.val(d)?,
        None => cx.iconst(-1),
    };
    let ss =
        cx.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
    let zero = cx.iconst(0);
    cx.b.ins().stack_store(types::I64, zero, ss, 0);
    let err_ptr = cx.b.ins().stack_addr(types::I64, ss, 0);
    let ed = cx.desc(&Ty::Def(ask_error))?;
    // The runtime takes the request.
    let answer = cx.call_rt1("janus_rt_ask", &[t, req, md, at, rd, timeout, err_ptr, ed])?;
    let err = cx.b.ins().stack_load(types::I64, types::I64, ss, 0);
    let failed = cx.b.ins().icmp_imm_s(IntCC::NotEqual, err, 0);
    let payload = cx.b.ins().select(failed, err, answer);
    Ok(CV::Pair(failed, payload))
}
