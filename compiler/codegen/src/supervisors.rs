//! Supervisors (§5) as the runtime runs them (`runtime/src/abi/supervisors.rs`, `spec/abi.md`
//! §9): one static `SupDesc` per supervisor (settings and children), and the lowering of
//! `spawn S(args)`, `start_child` and `sup.child`.
//!
//! `spawn S(args)` is `b = janus_rt_sup_begin(&S)`, then the compiled `S.start(b, args)` —
//! which evaluates each child's arguments once, in order, and registers the child with
//! `janus_rt_sup_child` (an actor: its argument tuple, kept by the runtime for every restart)
//! or, for a nested supervisor, builds it the same way and registers it with
//! `janus_rt_sup_nested` — then `janus_rt_sup_spawn(b, ..)`, which starts the tree and returns
//! once every child has started. A supervisor's value is a struct of its children's
//! references (`ActorRef`s routed through the children's stable references, or nested
//! supervisor values); `sup.child` reads a slot of it.

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value};
use cranelift_object::ObjectModule;
use janus_ir::ir::{self, Inst, ValueId};
use janus_sema::Ty;
use janus_sema::types::DefId;

use crate::CodegenError;
use crate::actors::{Actors, actor_kind};
use crate::data::{DataCx, HEADER, SupChild, SupTarget};
use crate::func::{CV, Cx};
use crate::inst::dest_ty;
use crate::types::{counted, from_slot};

/// Defines the `SupDesc` of every supervisor (declared with the actor descriptors).
pub fn define(
    m: &mut ObjectModule,
    data: &mut DataCx<'_>,
    prog: &ir::Program,
    actors: &Actors,
) -> Result<(), CodegenError> {
    for plan in &prog.supervisors {
        let Some(&id) = actors.sups.get(&plan.def) else {
            continue;
        };
        let mut children = Vec::new();
        for (name, target, restart) in &plan.children {
            let target = if let Some(&a) = actors.descs.get(target) {
                SupTarget::Actor(a)
            } else if let Some(&s) = actors.sups.get(target) {
                SupTarget::Supervisor(s)
            } else {
                return Err(crate::messaging::not_yet("grains"));
            };
            children.push(SupChild {
                name: name.clone(),
                restart: match restart.as_str() {
                    "transient" => 1,
                    "temporary" => 2,
                    _ => 0,
                },
                target,
            });
        }
        let strategy = match plan.strategy.as_str() {
            "one_for_all" => 1,
            "rest_for_one" => 2,
            _ => 0,
        };
        let name = prog
            .defs
            .get(plan.def.0 as usize)
            .map_or(String::new(), |d| d.name.clone());
        data.sup_desc(
            m,
            id,
            &name,
            strategy,
            plan.intensity,
            plan.window_ns,
            plan.backoff,
            &children,
        )?;
    }
    Ok(())
}

/// The `S.start` function of supervisor `def`.
fn start_fn(cx: &Cx, def: DefId) -> Result<ir::FuncId, CodegenError> {
    cx.prog
        .supervisors
        .iter()
        .find(|p| p.def == def)
        .map(|p| p.start)
        .ok_or_else(|| CodegenError::new("internal: a supervisor without a plan"))
}

/// `b = janus_rt_sup_begin(&S); S.start(b, args)`: the builder of supervisor `def` with its
/// children registered. The arguments are passed borrowed and released after (the IR counts
/// them as consumed by the operation).
fn build(cx: &mut Cx, def: DefId, args: &[ValueId]) -> Result<Value, CodegenError> {
    let Some(&sd) = cx.actors.sups.get(&def) else {
        return Err(crate::messaging::not_yet("supervisors"));
    };
    let d = cx.data_addr(sd);
    let b = cx.call_rt1("janus_rt_sup_begin", &[d])?;
    let mut xs = vec![b];
    let mut owned = Vec::new();
    for a in args {
        let t = cx.ty(*a);
        let x = cx.consume(*a)?;
        if crate::types::clif(&t).is_some() {
            xs.push(x);
        }
        if counted(&t) {
            owned.push((x, t));
        }
    }
    let start = start_fn(cx, def)?;
    cx.call_user(start, &xs)?;
    for (x, t) in owned {
        let dsc = cx.rc_desc(&t)?;
        cx.call_rt("janus_rt_release", &[x, dsc])?;
    }
    Ok(b)
}

/// `spawn S(args)`: builds the tree and starts it; the value holds the children's references.
pub fn spawn(cx: &mut Cx, inst: &Inst, def: DefId, args: &[ValueId]) -> Result<CV, CodegenError> {
    let b = build(cx, def, args)?;
    let vd = cx.desc(&Ty::Supervisor(def))?;
    let loc = cx.loc(inst.span)?;
    Ok(CV::One(cx.call_rt1("janus_rt_sup_spawn", &[b, vd, loc])?))
}

/// `start_child i: Target(args)` inside `S.start`: registers child `index` with the builder.
pub fn start_child(
    cx: &mut Cx,
    inst: &Inst,
    index: u32,
    target: DefId,
    args: &[ValueId],
) -> Result<CV, CodegenError> {
    let b = cx
        .builder
        .ok_or_else(|| CodegenError::new("internal: start_child outside a supervisor start"))?;
    let i = cx.iconst(index as i64);
    if actor_kind(cx.prog, target).is_none() {
        let child = build(cx, target, args)?;
        let vd = cx.desc(&Ty::Supervisor(target))?;
        return Ok(CV::One(
            cx.call_rt1("janus_rt_sup_nested", &[b, i, child, vd])?,
        ));
    }
    let td = cx.desc(&Ty::Tuple(crate::actors::arg_types(cx.prog, target)))?;
    let tuple = if args.is_empty() {
        cx.iconst(0)
    } else {
        crate::inst::new_struct(cx, td, args)?
    };
    let rd = cx.desc(&dest_ty(cx, inst))?;
    Ok(CV::One(
        cx.call_rt1("janus_rt_sup_child", &[b, i, tuple, td, rd])?,
    ))
}

/// `sup.child`: slot `index` of the supervisor's value (borrowed).
pub fn child(cx: &mut Cx, inst: &Inst, v: ValueId, index: u32) -> Result<CV, CodegenError> {
    let x = cx.val(v)?;
    let s = cx.b.ins().load(
        cranelift_codegen::ir::types::I64,
        MemFlagsData::trusted(),
        x,
        HEADER + 8 * index as i32,
    );
    let t = dest_ty(cx, inst);
    Ok(CV::One(from_slot(&mut cx.b, &t, s)))
}
