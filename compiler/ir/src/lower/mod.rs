//! Lowering a checked program to the IR: the program-level driver (which declarations become
//! which functions) and the per-function builder every construct's lowering uses.
//!
//! One small function per construct lives in `expr.rs`, `stmt.rs`, `control.rs`,
//! `pattern.rs` (match as a decision tree), `errors.rs` (error unions), `calls.rs` (calls and
//! built-ins), `place.rs` (assignment targets), `actors.rs` (actors, grains and messaging)
//! and `supervisors.rs`. Each
//! takes the function context first. Lowering trusts the checker: it is only run on programs
//! without errors, and where it meets something it cannot lower (a non-literal supervisor
//! setting, or anything the checker let through after an error) it reports a [`LowerError`]
//! instead of panicking.

mod actors;
mod builder;
mod calls;
mod control;
mod errors;
mod expr;
mod pattern;
mod place;
mod stmt;
mod supervisors;

use janus_sema::fx::FxMap;
use janus_sema::info::DefInfoKind;
use janus_sema::types::DefId;
use janus_sema::{Checked, Ty};
use janus_syntax::Span;
use janus_syntax::ast::{Block, ItemKind};

use crate::ir::{FnKind, FuncId, Function, LocalDecl, LocalId, Program};

pub(crate) use builder::Fx;

/// Something lowering could not do, at a source location.
#[derive(Clone, Debug, PartialEq)]
pub struct LowerError {
    pub span: Span,
    pub message: String,
}

/// The error type of a union over these sets: the set itself, or the set of sets.
pub fn err_ty(sets: &[DefId]) -> Ty {
    match sets {
        [one] => Ty::Def(*one),
        many => Ty::ErrSets(many.to_vec()),
    }
}

/// Program-wide lowering state, shared by every function's builder.
pub(crate) struct Lcx<'a> {
    pub checked: &'a Checked,
    pub exprs: FxMap<Span, &'a Ty>,
    pub funcs: FxMap<DefId, FuncId>,
    pub errors: Vec<LowerError>,
    /// Shells of every function (name, params, return type), filled in as bodies are lowered.
    pub shells: Vec<Function>,
    /// The spans of each function's parameter names (where the checker bound them).
    pub param_spans: FxMap<DefId, Vec<Span>>,
    /// For the functions of an actor: the declaration spans of its state locals.
    pub state_spans: FxMap<FuncId, Vec<Span>>,
}

impl<'a> Lcx<'a> {
    pub fn info(&self, d: DefId) -> Option<&'a janus_sema::info::DefInfo> {
        self.checked.items.get(d.0 as usize)
    }
}

/// A body to lower once every function has its shell.
struct Pending<'a> {
    id: FuncId,
    body: &'a Block,
}

/// Lowers every function, constant, test, actor, grain, behavior and supervisor of a checked
/// program (the entry module first). A declaration it could not lower is listed in
/// [`Program::not_lowered`]; code it could not lower yields a [`LowerError`].
pub fn lower_program(
    program: &janus_sema::Program,
    checked: &Checked,
) -> Result<Program, Vec<LowerError>> {
    let mut by_span: FxMap<Span, DefId> = FxMap::default();
    for (i, d) in checked.items.iter().enumerate() {
        by_span.insert(d.span, DefId(i as u32));
    }
    let mut cx = Lcx {
        checked,
        exprs: checked.types.expr_index(),
        funcs: FxMap::default(),
        errors: Vec::new(),
        shells: Vec::new(),
        param_spans: FxMap::default(),
        state_spans: FxMap::default(),
    };
    let mut actor_bodies = Vec::new();
    let mut actor_plans = Vec::new();
    let mut tests = Vec::new();
    let mut sups = Vec::new();
    let mut pending: Vec<Pending<'_>> = Vec::new();
    let mut consts: Vec<(FuncId, &janus_syntax::ast::Expr, Ty)> = Vec::new();
    let mut main = None;
    let mut not_lowered = Vec::new();
    for (mi, sm) in program.modules.iter().enumerate() {
        let prefix = if mi == 0 {
            String::new()
        } else {
            format!("{}.", sm.path.join("."))
        };
        for item in &sm.module.items {
            match &item.kind {
                ItemKind::Func(f) => {
                    let Some(&d) = by_span.get(&f.name.span) else {
                        continue;
                    };
                    let Some(DefInfoKind::Func { params, ret, .. }) = cx.info(d).map(|i| &i.kind)
                    else {
                        continue;
                    };
                    let mut shell = shell(format!("{prefix}{}", f.name.name), FnKind::User(d));
                    shell.span = f.span;
                    shell.ret = ret.clone();
                    for p in params {
                        let l = LocalId(shell.locals.len() as u32);
                        shell.locals.push(LocalDecl {
                            name: p.name.clone(),
                            ty: p.ty.clone(),
                            state: None,
                        });
                        shell.params.push(l);
                    }
                    cx.param_spans
                        .insert(d, f.params.iter().map(|p| p.name.span).collect());
                    if f.body.is_none() {
                        shell.kind = FnKind::Extern(d);
                    }
                    let id = FuncId(cx.shells.len() as u32);
                    cx.shells.push(shell);
                    cx.funcs.insert(d, id);
                    if mi == 0 && f.name.name == "main" {
                        main = Some(id);
                    }
                    if let Some(body) = &f.body {
                        pending.push(Pending { id, body });
                    }
                }
                ItemKind::Const(c) => {
                    let Some(&d) = by_span.get(&c.name.span) else {
                        continue;
                    };
                    let Some(DefInfoKind::Const { ty }) = cx.info(d).map(|i| &i.kind) else {
                        continue;
                    };
                    let mut shell = shell(format!("{prefix}{}", c.name.name), FnKind::Const(d));
                    shell.ret = ty.clone();
                    shell.span = c.name.span;
                    let id = FuncId(cx.shells.len() as u32);
                    cx.shells.push(shell);
                    cx.funcs.insert(d, id);
                    consts.push((id, &c.value, ty.clone()));
                }
                ItemKind::Test(t) => {
                    let mut shell = shell(format!("test {:?}", t.name), FnKind::Test);
                    shell.span = t.name_span;
                    let id = FuncId(cx.shells.len() as u32);
                    cx.shells.push(shell);
                    pending.push(Pending { id, body: &t.body });
                    if sm.path.first().is_none_or(|p| p != "std") {
                        tests.push((t.name.clone(), id));
                    }
                }
                ItemKind::Actor(a) => {
                    let mailbox = mailbox_capacity(&item.attrs);
                    if let Some(&d) = by_span.get(&a.name.span)
                        && let Some((bodies, plan)) =
                            actors::declare_actor(&mut cx, &by_span, &prefix, d, a, mailbox)
                    {
                        actor_bodies.extend(bodies);
                        actor_plans.push(plan);
                        continue;
                    }
                    let kind = match a.kind {
                        janus_syntax::ast::ActorKind::Actor => "actor",
                        janus_syntax::ast::ActorKind::Grain => "grain",
                        janus_syntax::ast::ActorKind::Behavior => "behavior",
                    };
                    not_lowered.push(format!("{kind} {prefix}{}", a.name.name));
                }
                ItemKind::Supervisor(s) => {
                    match by_span
                        .get(&s.name.span)
                        .and_then(|&d| supervisors::declare_supervisor(&mut cx, &prefix, d, s))
                    {
                        Some(plan) => sups.push((s, plan)),
                        None => not_lowered.push(format!("supervisor {prefix}{}", s.name.name)),
                    }
                }
                _ => {}
            }
        }
    }
    let mut done: Vec<Option<Function>> = vec![None; cx.shells.len()];
    for p in pending {
        let f = builder::lower_body(&mut cx, p.id, p.body);
        done[p.id.0 as usize] = Some(f);
    }
    for (id, body) in &actor_bodies {
        let f = actors::lower_actor_fn(&mut cx, *id, body);
        done[id.0 as usize] = Some(f);
    }
    for (decl, plan) in &sups {
        let f = supervisors::lower_start(&mut cx, plan.start, decl, plan);
        done[plan.start.0 as usize] = Some(f);
        if let Some(n) = plan.node {
            let f = supervisors::lower_node(&mut cx, n, decl);
            done[n.0 as usize] = Some(f);
        }
    }
    for (id, value, ty) in consts {
        let f = builder::lower_const(&mut cx, id, value, &ty);
        done[id.0 as usize] = Some(f);
    }
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let functions = done
        .into_iter()
        .zip(cx.shells)
        .map(|(d, s)| d.unwrap_or(s))
        .collect();
    Ok(Program {
        functions,
        defs: checked.items.clone(),
        main,
        tests,
        actors: actor_plans,
        supervisors: sups.into_iter().map(|(_, p)| p).collect(),
        not_lowered,
    })
}

fn shell(name: String, kind: FnKind) -> Function {
    Function {
        name,
        kind,
        params: Vec::new(),
        ret: Ty::Void,
        locals: Vec::new(),
        values: Vec::new(),
        blocks: Vec::new(),
        span: Span::default(),
    }
}

/// `@mailbox(capacity: N)` (the checker made sure N is an integer literal >= 1).
fn mailbox_capacity(attrs: &[janus_syntax::ast::Attribute]) -> Option<u32> {
    let a = attrs
        .iter()
        .find(|a| a.path.len() == 1 && a.path[0].name == "mailbox")?;
    let arg = a.args.as_ref()?.first()?;
    match arg.value.kind {
        janus_syntax::ast::ExprKind::Int(n) => u32::try_from(n).ok().filter(|n| *n >= 1),
        _ => None,
    }
}
