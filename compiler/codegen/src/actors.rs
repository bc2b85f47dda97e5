//! Actor types as the runtime runs them: one static `ActorDesc` per actor (`data.rs` lays it
//! out) and the small `extern "C"` wrappers it points to, which adapt the runtime's calls
//! (`init(state, payload)`, `handle(state, payload)`, hooks with the state block) to the
//! IR's actor functions (`A.init(args)`, `A.receive(msg)`, ... with the state block as hidden
//! first parameter when the actor has state; see `func::has_state`).
//!
//! The state block holds one 8-byte slot per state local: the host's start arguments and
//! fields, then each behavior's fields (`does B1, B2`), so a behavior's functions get the
//! address of their part. A message goes to the host's `receive` or to the behavior whose
//! protocol it belongs to, told apart by the descriptor in the message's own header.
//! `drop_state` does nothing: everything the state refers to lives in the actor's heap, which
//! the runtime frees in one pass when the actor ends (`spec/values.md` §3).

use janus_sema::fx::FxMap as HashMap;

use cranelift_codegen::Context;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    AbiParam, InstBuilder, MemFlagsData, Signature, UserFuncName, Value, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{DataId, FuncId, Linkage, Module};
use cranelift_object::ObjectModule;
use janus_ir::ir::{self, ActorPlan};
use janus_sema::Ty;
use janus_sema::info::DefInfoKind;
use janus_sema::types::DefId;
use janus_syntax::ast::ActorKind;

use crate::CodegenError;
use crate::data::{ActorFns, DataCx, HEADER};
use crate::func::has_state;
use crate::rt::Rt;
use crate::types::{clif, counted, from_slot};

/// The descriptors of the program's actor types, declared before any function is lowered so
/// that `spawn` can take their address.
#[derive(Default)]
pub struct Actors {
    pub descs: HashMap<DefId, DataId>,
    /// Supervisor descriptors (`SupDesc`, see `supervisors.rs`).
    pub sups: HashMap<DefId, DataId>,
}

/// The kind (actor, grain, behavior) of actor-like declaration `d`, if it is one.
pub fn actor_kind(prog: &ir::Program, d: DefId) -> Option<ActorKind> {
    match prog.defs.get(d.0 as usize).map(|i| &i.kind) {
        Some(DefInfoKind::Actor { kind, .. }) => Some(*kind),
        _ => None,
    }
}

/// Declares one descriptor per plain actor (grains and supervisors are not compiled yet;
/// behaviors are part of their hosts).
pub fn declare(m: &mut ObjectModule, prog: &ir::Program) -> Result<Actors, CodegenError> {
    let mut out = Actors::default();
    for plan in &prog.actors {
        if plan.kind != ActorKind::Actor {
            continue;
        }
        let id = m
            .declare_anonymous_data(false, false)
            .map_err(|e| CodegenError::new(format!("cannot declare an actor descriptor: {e}")))?;
        out.descs.insert(plan.def, id);
    }
    for plan in &prog.supervisors {
        let id = m.declare_anonymous_data(false, false).map_err(|e| {
            CodegenError::new(format!("cannot declare a supervisor descriptor: {e}"))
        })?;
        out.sups.insert(plan.def, id);
    }
    Ok(out)
}

/// What the wrappers of one actor need.
struct Wcx<'a, 'p> {
    m: &'a mut ObjectModule,
    data: &'a mut DataCx<'p>,
    rt: &'a mut Rt,
    fids: &'a [Option<FuncId>],
    prog: &'a ir::Program,
}

/// The function being built and the contexts it is built in.
struct Fcx<'c> {
    ctx: &'c mut Context,
    fctx: &'c mut FunctionBuilderContext,
}

/// Emits the wrappers and defines the descriptor of every declared actor.
#[allow(clippy::too_many_arguments)]
pub fn define(
    m: &mut ObjectModule,
    data: &mut DataCx<'_>,
    rt: &mut Rt,
    fids: &[Option<FuncId>],
    prog: &ir::Program,
    actors: &Actors,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<(), CodegenError> {
    let mut w = Wcx {
        m,
        data,
        rt,
        fids,
        prog,
    };
    let mut c = Fcx { ctx, fctx };
    let c = &mut c;
    for plan in &prog.actors {
        let Some(&desc) = actors.descs.get(&plan.def) else {
            continue;
        };
        let parts = parts_of(prog, plan)?;
        let fns = ActorFns {
            init: init_wrapper(&mut w, c, plan, &parts)?,
            drop_state: hook_wrapper(&mut w, c, plan, "drop_state", &[])?,
            handle: handle_wrapper(&mut w, c, plan, &parts)?,
            on_start: hooks(&mut w, c, plan, &parts, "on_start")?,
            on_stop: hooks(&mut w, c, plan, &parts, "on_stop")?,
            after_ns: match plan.after {
                Some((d, _)) => Some(after_ns_wrapper(&mut w, c, plan, d)?),
                None => None,
            },
            on_after: match plan.after {
                Some((_, a)) => Some(hook_wrapper(&mut w, c, plan, "on_after", &[(a, 0)])?),
                None => None,
            },
        };
        let slots: u32 = parts.iter().map(|p| p.plan.state_slots).sum();
        w.data.actor_desc(
            w.m,
            desc,
            &plan.name,
            8 * slots as u64,
            &fns,
            plan.mailbox.unwrap_or(0),
        )?;
    }
    Ok(())
}

/// The host and its behaviors, each with the first state slot of its part of the block.
struct Part<'a> {
    plan: &'a ActorPlan,
    offset: u32,
}

fn parts_of<'a>(prog: &'a ir::Program, host: &'a ActorPlan) -> Result<Vec<Part<'a>>, CodegenError> {
    let mut parts = vec![Part {
        plan: host,
        offset: 0,
    }];
    let mut offset = host.state_slots;
    for b in &host.behaviors {
        let plan = prog.actors.iter().find(|p| p.def == *b).ok_or_else(|| {
            CodegenError::new(format!("internal: behavior of `{}` not lowered", host.name))
        })?;
        parts.push(Part { plan, offset });
        offset += plan.state_slots;
    }
    Ok(parts)
}

/// Starts wrapper `name` of `plan` with the given parameters; returns its id and the builder.
fn start<'b>(
    w: &mut Wcx<'_, '_>,
    c: &'b mut Fcx<'_>,
    plan: &ActorPlan,
    name: &str,
    params: &[types::Type],
    ret: Option<types::Type>,
) -> Result<(FuncId, FunctionBuilder<'b>), CodegenError> {
    let mut sig: Signature = w.m.make_signature();
    sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
    sig.returns.extend(ret.map(AbiParam::new));
    let sym = format!(
        "janus_actor_{}_{name}",
        crate::module::symbol_safe(&plan.name)
    );
    let id =
        w.m.declare_function(&sym, Linkage::Local, &sig)
            .map_err(|e| CodegenError::new(format!("declare {sym}: {e}")))?;
    w.m.clear_context(c.ctx);
    c.ctx.func.signature = sig;
    c.ctx.func.name = UserFuncName::user(1, id.as_u32());
    let mut b = FunctionBuilder::new(&mut c.ctx.func, c.fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    Ok((id, b))
}

/// Defines wrapper `id`, built and finalized in `c`.
fn define_wrapper(
    w: &mut Wcx<'_, '_>,
    c: &mut Fcx<'_>,
    id: FuncId,
) -> Result<FuncId, CodegenError> {
    w.m.define_function(id, c.ctx)
        .map_err(|e| CodegenError::new(format!("actor wrapper: {e:?}")))?;
    Ok(id)
}

/// Calls IR function `f` with the state block at `offset` slots (when it has state) and
/// `args`.
fn call_fn(
    m: &mut ObjectModule,
    fids: &[Option<FuncId>],
    prog: &ir::Program,
    b: &mut FunctionBuilder,
    f: ir::FuncId,
    state: Option<Value>,
    offset: u32,
    args: &[Value],
) -> Result<Vec<Value>, CodegenError> {
    let func = prog
        .functions
        .get(f.0 as usize)
        .ok_or_else(|| CodegenError::new("internal: actor function out of range"))?;
    let Some(Some(id)) = fids.get(f.0 as usize).copied() else {
        return Err(CodegenError::new(format!(
            "`{}` cannot be compiled yet",
            func.name
        )));
    };
    let mut xs = Vec::new();
    if has_state(func) {
        let s = state.ok_or_else(|| CodegenError::new("internal: actor state missing"))?;
        xs.push(b.ins().iadd_imm_s(s, 8 * offset as i64));
    }
    xs.extend_from_slice(args);
    let r = m.declare_func_in_func(id, b.func);
    let call = b.ins().call(r, &xs);
    Ok(b.inst_results(call).to_vec())
}

fn call_rt(
    m: &mut ObjectModule,
    rt: &mut Rt,
    b: &mut FunctionBuilder,
    name: &'static str,
    args: &[Value],
) -> Result<Vec<Value>, CodegenError> {
    let id = rt.get(m, name)?;
    let r = m.declare_func_in_func(id, b.func);
    let call = b.ins().call(r, args);
    Ok(b.inst_results(call).to_vec())
}

fn desc_addr(w: &mut Wcx<'_, '_>, b: &mut FunctionBuilder, ty: &Ty) -> Result<Value, CodegenError> {
    let id = w.data.desc(w.m, ty)?;
    let gv = w.m.declare_data_in_func(id, b.func);
    Ok(b.ins().symbol_value(types::I64, gv))
}

/// `init(state, payload)`: zeroes the block (so that the first store of each field releases
/// nothing), unpacks the start arguments from the adopted tuple, calls `A.init`, then each
/// behavior's initializer on its part.
fn init_wrapper(
    w: &mut Wcx<'_, '_>,
    c: &mut Fcx<'_>,
    plan: &ActorPlan,
    parts: &[Part<'_>],
) -> Result<FuncId, CodegenError> {
    let params = arg_types(w.prog, plan.def);
    let tuple_ty = Ty::Tuple(params.clone());
    let (id, mut b) = start(w, c, plan, "init", &[types::I64, types::I64], None)?;
    let entry = b
        .current_block()
        .ok_or_else(|| CodegenError::new("internal: no block"))?;
    let (state, payload) = (b.block_params(entry)[0], b.block_params(entry)[1]);
    let zero = b.ins().iconst(types::I64, 0);
    let slots: u32 = parts.iter().map(|p| p.plan.state_slots).sum();
    for i in 0..slots {
        b.ins()
            .store(MemFlagsData::trusted(), zero, state, 8 * i as i32);
    }
    let mut args = Vec::new();
    if !params.is_empty() {
        let t = call_rt(w.m, w.rt, &mut b, "janus_rt_msg_adopt", &[payload])?[0];
        for (i, pt) in params.iter().enumerate() {
            let pt = w.data.resolve(pt);
            let s = b.ins().load(
                types::I64,
                MemFlagsData::trusted(),
                t,
                HEADER + 8 * i as i32,
            );
            if counted(&pt) {
                // The state keeps its own reference; the tuple's goes with the tuple.
                let d = desc_addr(w, &mut b, &pt)?;
                call_rt(w.m, w.rt, &mut b, "janus_rt_retain", &[s, d])?;
            }
            if clif(&pt).is_some() {
                args.push(from_slot(&mut b, &pt, s));
            }
        }
        let d = desc_addr(w, &mut b, &tuple_ty)?;
        call_rt(w.m, w.rt, &mut b, "janus_rt_release", &[t, d])?;
    }
    for (k, part) in parts.iter().enumerate() {
        let a: &[Value] = if k == 0 { &args } else { &[] };
        call_fn(
            w.m,
            w.fids,
            w.prog,
            &mut b,
            part.plan.init,
            Some(state),
            part.offset,
            a,
        )?;
    }
    b.ins().return_(&[]);
    b.seal_all_blocks();
    b.finalize(w.m.target_config());
    define_wrapper(w, c, id)
}

/// The types of actor `d`'s start arguments.
pub fn arg_types(prog: &ir::Program, d: DefId) -> Vec<Ty> {
    match prog.defs.get(d.0 as usize).map(|i| &i.kind) {
        Some(DefInfoKind::Actor { params, .. }) => params.iter().map(|p| p.ty.clone()).collect(),
        _ => Vec::new(),
    }
}

/// `handle(state, payload)`: adopts the message and calls the `receive` of the protocol it
/// belongs to (the host's, or a behavior's with its part of the state); the message is
/// released after.
fn handle_wrapper(
    w: &mut Wcx<'_, '_>,
    c: &mut Fcx<'_>,
    plan: &ActorPlan,
    parts: &[Part<'_>],
) -> Result<FuncId, CodegenError> {
    let (id, mut b) = start(w, c, plan, "handle", &[types::I64, types::I64], None)?;
    let entry = b
        .current_block()
        .ok_or_else(|| CodegenError::new("internal: no block"))?;
    let (state, payload) = (b.block_params(entry)[0], b.block_params(entry)[1]);
    let msg = call_rt(w.m, w.rt, &mut b, "janus_rt_msg_adopt", &[payload])?[0];
    let done = b.create_block();
    let receivers: Vec<(&Part<'_>, ir::FuncId)> = parts
        .iter()
        .filter_map(|p| p.plan.receive.map(|r| (p, r)))
        .collect();
    // With several protocols (behaviors), the message's header names its own.
    let several = receivers.len() > 1;
    let own = several.then(|| b.ins().load(types::I64, MemFlagsData::trusted(), msg, 8));
    for (part, r) in &receivers {
        let mut next = None;
        if let Some(own) = own {
            let proto = receive_protocol(w.prog, *r)?;
            let want = desc_addr(w, &mut b, &proto)?;
            let hit = b.ins().icmp(IntCC::Equal, own, want);
            let (yes, no) = (b.create_block(), b.create_block());
            b.ins().brif(hit, yes, &[], no, &[]);
            b.switch_to_block(yes);
            next = Some(no);
        }
        call_fn(
            w.m,
            w.fids,
            w.prog,
            &mut b,
            *r,
            Some(state),
            part.offset,
            &[msg],
        )?;
        b.ins().jump(done, &[]);
        if let Some(no) = next {
            b.switch_to_block(no);
        }
    }
    if receivers.len() != 1 {
        // No protocol matched (or the actor has no receive): nothing handles the message.
        b.ins().jump(done, &[]);
    }
    b.switch_to_block(done);
    // Any descriptor of a counted type releases an object through its own header.
    let d = desc_addr(w, &mut b, &Ty::Str)?;
    call_rt(w.m, w.rt, &mut b, "janus_rt_release", &[msg, d])?;
    b.ins().return_(&[]);
    b.seal_all_blocks();
    b.finalize(w.m.target_config());
    define_wrapper(w, c, id)
}

/// The protocol a `receive` function takes (its parameter's type).
fn receive_protocol(prog: &ir::Program, r: ir::FuncId) -> Result<Ty, CodegenError> {
    let f = prog
        .functions
        .get(r.0 as usize)
        .ok_or_else(|| CodegenError::new("internal: receive out of range"))?;
    f.params
        .first()
        .and_then(|p| f.local_ty(*p).cloned())
        .ok_or_else(|| CodegenError::new("internal: receive without a message parameter"))
}

/// The hook `name` of the host and of each behavior that has one, in that order; `None`
/// when none has it.
fn hooks(
    w: &mut Wcx<'_, '_>,
    c: &mut Fcx<'_>,
    plan: &ActorPlan,
    parts: &[Part<'_>],
    name: &'static str,
) -> Result<Option<FuncId>, CodegenError> {
    let calls: Vec<(ir::FuncId, u32)> = parts
        .iter()
        .filter_map(|p| p.plan.hook(name).map(|f| (f, p.offset)))
        .collect();
    if calls.is_empty() {
        return Ok(None);
    }
    hook_wrapper(w, c, plan, name, &calls).map(Some)
}

/// `fn(state)` calling each of `calls` (function, state offset) in order.
fn hook_wrapper(
    w: &mut Wcx<'_, '_>,
    c: &mut Fcx<'_>,
    plan: &ActorPlan,
    name: &str,
    calls: &[(ir::FuncId, u32)],
) -> Result<FuncId, CodegenError> {
    let (id, mut b) = start(w, c, plan, name, &[types::I64], None)?;
    let entry = b
        .current_block()
        .ok_or_else(|| CodegenError::new("internal: no block"))?;
    let state = b.block_params(entry)[0];
    for (f, offset) in calls {
        call_fn(w.m, w.fids, w.prog, &mut b, *f, Some(state), *offset, &[])?;
    }
    b.ins().return_(&[]);
    b.seal_all_blocks();
    b.finalize(w.m.target_config());
    define_wrapper(w, c, id)
}

/// `after_ns(state) -> i64`: the `after` duration in nanoseconds (a `Duration` is already
/// signed nanoseconds).
fn after_ns_wrapper(
    w: &mut Wcx<'_, '_>,
    c: &mut Fcx<'_>,
    plan: &ActorPlan,
    dur: ir::FuncId,
) -> Result<FuncId, CodegenError> {
    let (id, mut b) = start(w, c, plan, "after_ns", &[types::I64], Some(types::I64))?;
    let entry = b
        .current_block()
        .ok_or_else(|| CodegenError::new("internal: no block"))?;
    let state = b.block_params(entry)[0];
    let r = call_fn(w.m, w.fids, w.prog, &mut b, dur, Some(state), 0, &[])?;
    let ns = match r.first() {
        Some(v) => *v,
        None => b.ins().iconst(types::I64, -1),
    };
    b.ins().return_(&[ns]);
    b.seal_all_blocks();
    b.finalize(w.m.target_config());
    define_wrapper(w, c, id)
}
