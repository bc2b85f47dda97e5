//! Actors (§4): each plain actor becomes a set of functions that share its state locals
//! (start arguments, then fields, marked with their state slot): `A.init` (takes the start
//! arguments, initializes the fields in order), one function per hook (`A.on_start`, ...),
//! `A.receive(%msg)` (the arms as a `match` decision tree over the protocol), `A.after` and
//! `A.after_duration`, and the helpers. The messaging operations (`spawn`, `send`, `ask`,
//! `reply.send`, `self`, `stop()`) are lowered where they appear.
//!
//! Grains lower the same way: their identity parameters are the initializer's parameters,
//! `on activate`/`on deactivate` are hooks, and `Name(key)` builds a reference
//! (`grain_ref`). Persistence and memory tags are the runtime's business (the field order
//! is the state slot order).
//!
//! A behavior lowers the same way on its own (its fields are its state, it has no start
//! arguments); a host that includes behaviors keeps one state block per behavior beside its
//! own, and the runtime hands a message to the `receive` of the protocol it belongs to (the
//! host's own or a behavior's), with that behavior's state.

use janus_sema::Ty;
use janus_sema::fx::FxMap;
use janus_sema::info::DefInfoKind;
use janus_sema::types::DefId;
use janus_syntax::Span;
use janus_syntax::ast::{
    ActorDecl, ActorKind, AfterArm, Arg, Block, Expr, ExprKind, HookKind, MatchArm, Member, Receive,
};

use super::{Fx, Lcx};
use crate::ir::*;

/// What a function of an actor runs.
pub(crate) enum ActorBody<'a> {
    Init(&'a ActorDecl),
    Block(&'a Block),
    Receive(&'a Receive, Option<String>),
    After(&'a AfterArm),
    AfterDuration(&'a AfterArm),
}

/// Declares the functions of actor `d` (shells with its state locals) and returns the
/// bodies to lower; `None` when the actor uses what is not lowered yet.
pub(crate) fn declare_actor<'a>(
    cx: &mut Lcx<'_>,
    by_span: &FxMap<Span, DefId>,
    prefix: &str,
    d: DefId,
    decl: &'a ActorDecl,
    mailbox: Option<u32>,
) -> Option<(Vec<(FuncId, ActorBody<'a>)>, ActorPlan)> {
    let Some(DefInfoKind::Actor {
        params,
        msg_param,
        behaviors,
        ..
    }) = cx.info(d).map(|i| i.kind.clone())
    else {
        return None;
    };
    let name = format!("{prefix}{}", decl.name.name);
    // The state: start arguments, then fields.
    let mut state: Vec<(String, Ty, Span)> = Vec::new();
    let param_spans: Vec<Span> = decl.params.iter().flatten().map(|p| p.name.span).collect();
    for (p, s) in params.iter().zip(&param_spans) {
        state.push((p.name.clone(), p.ty.clone(), *s));
    }
    for m in &decl.members {
        if let Member::Field(f) = m {
            let ty = cx
                .checked
                .types
                .bindings
                .get(&f.name.span)
                .cloned()
                .unwrap_or(Ty::Error);
            state.push((f.name.name.clone(), ty, f.name.span));
        }
    }
    let shell = |kind: FnKind, fname: String| {
        let mut f = super::shell(fname, kind);
        for (i, (n, t, _)) in state.iter().enumerate() {
            f.locals.push(LocalDecl {
                name: n.clone(),
                ty: t.clone(),
                state: Some(i as u32),
            });
        }
        f.span = decl.header_span;
        f
    };
    let spans: Vec<Span> = state.iter().map(|s| s.2).collect();
    let mut out = Vec::new();
    let mut add = |cx: &mut Lcx<'_>, f: Function, body: ActorBody<'a>| {
        let id = FuncId(cx.shells.len() as u32);
        cx.shells.push(f);
        cx.state_spans.insert(id, spans.clone());
        out.push((id, body));
        id
    };
    // Initializer: the start arguments are its parameters.
    let mut init = shell(FnKind::ActorInit(d), format!("{name}.init"));
    init.params = (0..params.len()).map(|i| LocalId(i as u32)).collect();
    let init = add(cx, init, ActorBody::Init(decl));
    let mut plan = ActorPlan {
        def: d,
        name: name.clone(),
        kind: decl.kind,
        state_slots: state.len() as u32,
        params: params.len() as u32,
        init,
        hooks: Vec::new(),
        receive: None,
        after: None,
        behaviors,
        mailbox,
    };
    for m in &decl.members {
        match m {
            Member::Hook(h) => {
                let hook = match h.kind {
                    HookKind::Start => "on_start",
                    HookKind::Stop => "on_stop",
                    HookKind::Activate => "on_activate",
                    HookKind::Deactivate => "on_deactivate",
                };
                let f = shell(FnKind::Hook(d), format!("{name}.{hook}"));
                let id = add(cx, f, ActorBody::Block(&h.body));
                plan.hooks.push((hook, id));
            }
            Member::Receive(r) => {
                let proto = match cx.info(d).map(|i| &i.kind) {
                    Some(DefInfoKind::Actor { own: Some(o), .. }) => Ty::Def(*o),
                    _ => Ty::Error,
                };
                let mut f = shell(FnKind::Receive(d), format!("{name}.receive"));
                let l = LocalId(f.locals.len() as u32);
                f.locals.push(LocalDecl {
                    name: "msg".into(),
                    ty: proto,
                    state: None,
                });
                f.params = vec![l];
                plan.receive = Some(add(cx, f, ActorBody::Receive(r, msg_param.clone())));
                if let Some(after) = &r.after {
                    let mut f = shell(FnKind::AfterDuration(d), format!("{name}.after_duration"));
                    f.ret = Ty::Duration;
                    let dur = add(cx, f, ActorBody::AfterDuration(after));
                    let f = shell(FnKind::After(d), format!("{name}.after"));
                    plan.after = Some((dur, add(cx, f, ActorBody::After(after))));
                }
            }
            Member::Func(fd) => {
                let Some(&hd) = by_span.get(&fd.name.span) else {
                    continue;
                };
                let Some(DefInfoKind::Func {
                    params: hp, ret, ..
                }) = cx.info(hd).map(|i| i.kind.clone())
                else {
                    continue;
                };
                let mut f = shell(FnKind::User(hd), format!("{name}.{}", fd.name.name));
                f.ret = ret;
                for p in &hp {
                    let l = LocalId(f.locals.len() as u32);
                    f.locals.push(LocalDecl {
                        name: p.name.clone(),
                        ty: p.ty.clone(),
                        state: None,
                    });
                    f.params.push(l);
                }
                cx.param_spans
                    .insert(hd, fd.params.iter().map(|p| p.name.span).collect());
                if let Some(body) = &fd.body {
                    let id = add(cx, f, ActorBody::Block(body));
                    cx.funcs.insert(hd, id);
                }
            }
            Member::Field(_) | Member::Error(_) => {}
        }
    }
    Some((out, plan))
}

/// Lowers one function of an actor.
pub(crate) fn lower_actor_fn(cx: &mut Lcx<'_>, id: FuncId, body: &ActorBody<'_>) -> Function {
    let f = cx.shells[id.0 as usize].clone();
    let mut fx = Fx::new(cx, f);
    fx.bind_state(id);
    fx.bind_params();
    match body {
        ActorBody::Init(decl) => {
            for m in &decl.members {
                if let Member::Field(fd) = m
                    && let Some(&l) = fx.by_span.get(&fd.name.span)
                {
                    let ty = fx.f.local_ty(l).cloned().unwrap_or(Ty::Error);
                    fx.span = fd.span;
                    if let Some(v) = fx.expr_to(&fd.init, &ty) {
                        fx.store(l, v);
                    }
                }
            }
            fx.terminate(Term::Return(None));
        }
        ActorBody::Block(b) => {
            let v = fx.block(b);
            if fx.is_open() {
                let ret = fx.f.ret.clone();
                match (ret, v) {
                    (Ty::Void, _) => fx.terminate(Term::Return(None)),
                    (_, v) => fx.return_value(v, b.span),
                }
            }
        }
        ActorBody::Receive(r, msg_param) => {
            let msg = fx.f.params.first().copied();
            if let Some(msg) = msg {
                if msg_param.is_some() {
                    // `actor A(msg: M)`: the checker bound `msg` at each arm's pattern.
                    for arm in &r.arms {
                        fx.by_span.insert(arm.pattern.span, msg);
                    }
                }
                let arms: Vec<MatchArm> = r
                    .arms
                    .iter()
                    .map(|a| MatchArm {
                        pattern: a.pattern.clone(),
                        guard: a.guard.clone(),
                        body: a.body.clone(),
                        span: a.span,
                    })
                    .collect();
                fx.span = r.span;
                let m = fx.load(msg);
                fx.match_arms(m, &arms, &Ty::Void);
            }
            fx.terminate(Term::Return(None));
        }
        ActorBody::AfterDuration(a) => {
            fx.span = a.span;
            match fx.expr_to(&a.duration, &Ty::Duration) {
                Some(v) => fx.terminate(Term::Return(Some(v))),
                None => fx.terminate(Term::Unreachable),
            }
        }
        ActorBody::After(a) => {
            fx.span = a.span;
            match &a.body {
                janus_syntax::ast::ArmBody::Expr(e) => {
                    fx.expr(e);
                }
                janus_syntax::ast::ArmBody::Assign(asg) => fx.assign(asg),
            }
            fx.terminate(Term::Return(None));
        }
    }
    fx.finish()
}

impl Fx<'_, '_> {
    /// Registers the state locals of an actor function under their declaration spans.
    pub(crate) fn bind_state(&mut self, id: FuncId) {
        let spans = self.cx.state_spans.get(&id).cloned().unwrap_or_default();
        for (i, s) in spans.into_iter().enumerate() {
            self.by_span.insert(s, LocalId(i as u32));
        }
    }

    /// `spawn A(args) [on n]`.
    pub fn spawn_expr(&mut self, e: &Expr, target: &Expr, on: Option<&Expr>) -> Option<ValueId> {
        let Some(&d) = self.cx.checked.types.calls.get(&e.span) else {
            self.error(e.span, "the checker did not resolve this spawn");
            return None;
        };
        let params = match self.cx.info(d).map(|i| i.kind.clone()) {
            Some(DefInfoKind::Actor {
                kind: ActorKind::Actor,
                params,
                ..
            })
            | Some(DefInfoKind::Supervisor { params, .. }) => params,
            _ => {
                self.error(e.span, "this spawn target is not lowered to the IR yet");
                return None;
            }
        };
        let args: &[Arg] = match &target.kind {
            ExprKind::Call { args, .. } => args,
            _ => &[],
        };
        let vals = self.ordered_args(e, &params, args)?;
        let node = match on {
            Some(n) => match &n.kind {
                ExprKind::Str(s) => Some(self.emit(Op::Const(Const::Str(s.clone())), Ty::NodeId)),
                _ => Some(self.value(n)?),
            },
            None => None,
        };
        let ty = self.ty_of(e);
        Some(self.emit(Op::Spawn(d, vals, node), ty))
    }

    /// `r.send(v)`, `r.ask(V { .. }, timeout: d)` on a reference; `reply.send(v)`.
    pub fn message_call(
        &mut self,
        e: &Expr,
        base: &Expr,
        name: &str,
        args: &[Arg],
    ) -> Option<ValueId> {
        let rty = self.ty_of(base);
        let r = self.value(base)?;
        let Some(first) = args.first() else {
            self.error(e.span, "a message operation without its argument");
            return None;
        };
        match (&rty, name) {
            (Ty::Reply(t), "send") => {
                let t = (**t).clone();
                let v = self.expr_to(&first.value, &t)?;
                self.emit_void(Op::Reply(r, v));
                None
            }
            (Ty::ActorRef(_) | Ty::GrainRef(_), "send") => {
                let v = self.value(&first.value)?;
                self.emit_void(Op::Send(r, v));
                None
            }
            (Ty::ActorRef(_) | Ty::GrainRef(_), "ask") => self.ask(e, r, &first.value, &args[1..]),
            _ => {
                self.error(
                    e.span,
                    format!("`{name}` on this reference is not lowered to the IR yet"),
                );
                None
            }
        }
    }

    fn ask(&mut self, e: &Expr, r: ValueId, req: &Expr, rest: &[Arg]) -> Option<ValueId> {
        let Some(&(d, vi)) = self.cx.checked.types.variants.get(&req.span) else {
            self.error(req.span, "the checker did not resolve this request");
            return None;
        };
        let decl: Vec<janus_sema::info::Field> = self
            .cx
            .info(d)
            .and_then(|i| i.variants())
            .and_then(|vs| vs.get(vi))
            .map(|v| v.field_list().to_vec())
            .unwrap_or_default();
        let inits: &[janus_syntax::ast::FieldInit] = match &req.kind {
            ExprKind::StructLit { fields, .. } => fields,
            _ => &[],
        };
        let mut fields = Vec::new();
        for f in decl.iter().filter(|f| !matches!(f.ty, Ty::Reply(_))) {
            let Some(fi) = inits.iter().find(|i| i.name.name == f.name) else {
                self.error(req.span, format!("request field `{}` is missing", f.name));
                return None;
            };
            let v = match &fi.value {
                Some(x) => self.expr_to(x, &f.ty)?,
                None => {
                    let v = self.shorthand_value(fi)?;
                    self.coerce(v, &f.ty)
                }
            };
            fields.push(v);
        }
        let timeout = match rest
            .iter()
            .find(|a| a.name.as_ref().is_some_and(|n| n.name == "timeout"))
        {
            Some(a) => Some(self.expr_to(&a.value, &Ty::Duration)?),
            None => None,
        };
        let ty = self.ty_of(e);
        Some(self.emit(
            Op::Ask {
                target: r,
                def: d,
                variant: vi as u32,
                fields,
                timeout,
            },
            ty,
        ))
    }
}
