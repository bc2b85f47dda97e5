//! Supervisors (§5): a start function per supervisor, which binds its parameters, evaluates
//! each child's arguments once, in declaration order (they may use the parameters and the
//! earlier children's references), and starts the children one at a time (`start_child`);
//! the static settings (strategy, intensity, backoff, restart types) become a
//! [`SupervisorPlan`] for the runtime, which restarts children with the arguments it kept.

use janus_sema::Ty;
use janus_sema::fx::FxMap;
use janus_sema::info::DefInfoKind;
use janus_sema::types::DefId;
use janus_syntax::Span;
use janus_syntax::ast::{ExprKind, SettingKind, SupervisorDecl};

use super::{Fx, Lcx};
use crate::ir::*;

/// Declares `S.start` (and `S.node` for `on node ...`) and returns the plan, or reports why
/// a setting cannot be lowered.
pub(crate) fn declare_supervisor(
    cx: &mut Lcx<'_>,
    prefix: &str,
    d: DefId,
    decl: &SupervisorDecl,
) -> Option<SupervisorPlan> {
    let Some(DefInfoKind::Supervisor { params, children }) = cx.info(d).map(|i| i.kind.clone())
    else {
        return None;
    };
    let name = format!("{prefix}{}", decl.name.name);
    let spans: Vec<Span> = decl.params.iter().flatten().map(|p| p.name.span).collect();
    let shell = |kind: FnKind, fname: String| {
        let mut f = super::shell(fname, kind);
        for p in &params {
            let l = LocalId(f.locals.len() as u32);
            f.locals.push(LocalDecl {
                name: p.name.clone(),
                ty: p.ty.clone(),
                state: None,
            });
            f.params.push(l);
        }
        f.span = decl.header_span;
        f
    };
    let start = FuncId(cx.shells.len() as u32);
    cx.shells
        .push(shell(FnKind::SupervisorStart(d), format!("{name}.start")));
    cx.state_spans.insert(start, spans.clone());
    let node = decl.on_node.as_ref().map(|_| {
        let id = FuncId(cx.shells.len() as u32);
        let mut f = shell(FnKind::SupervisorNode(d), format!("{name}.node"));
        f.ret = Ty::NodeId;
        cx.shells.push(f);
        cx.state_spans.insert(id, spans.clone());
        id
    });
    let mut plan = SupervisorPlan {
        def: d,
        start,
        node,
        strategy: "one_for_one".into(),
        intensity: 3,
        window_ns: 5_000_000_000,
        backoff: Some((10_000_000, 5_000_000_000)),
        children: Vec::new(),
    };
    for s in &decl.settings {
        match &s.kind {
            SettingKind::Strategy(id) => plan.strategy = id.name.clone(),
            SettingKind::Intensity { count, window } => match (&count.kind, &window.kind) {
                (ExprKind::Int(n), ExprKind::Duration(ns)) => {
                    plan.intensity = *n;
                    plan.window_ns = *ns;
                }
                _ => cx.errors.push(super::LowerError {
                    span: s.span,
                    message: "a non-literal `intensity` is not lowered to the IR yet".into(),
                }),
            },
            SettingKind::Backoff(e) => match backoff(e) {
                Some(b) => plan.backoff = b,
                None => cx.errors.push(super::LowerError {
                    span: s.span,
                    message: "a non-literal `backoff` is not lowered to the IR yet".into(),
                }),
            },
        }
    }
    for (i, c) in decl.children.iter().enumerate() {
        let Some((_, Some(t))) = children.get(i) else {
            continue;
        };
        let restart = c
            .restart
            .as_ref()
            .map_or_else(|| "permanent".to_string(), |r| r.name.clone());
        plan.children.push((c.name.name.clone(), *t, restart));
    }
    Some(plan)
}

/// `exponential(min: a, max: b)` or `none`, with duration literals: `Some(None)` for none.
fn backoff(e: &janus_syntax::ast::Expr) -> Option<Option<(u64, u64)>> {
    match &e.kind {
        ExprKind::Name(n) if n.name == "none" => Some(None),
        ExprKind::Call { args, .. } => {
            let mut lo = None;
            let mut hi = None;
            for (i, a) in args.iter().enumerate() {
                let ExprKind::Duration(ns) = a.value.kind else {
                    return None;
                };
                match (a.name.as_ref().map(|n| n.name.as_str()), i) {
                    (Some("min"), _) | (None, 0) => lo = Some(ns),
                    (Some("max"), _) | (None, 1) => hi = Some(ns),
                    _ => return None,
                }
            }
            Some(Some((lo?, hi?)))
        }
        _ => None,
    }
}

/// The type of a child's stable reference.
pub(crate) fn child_ty(cx: &Lcx<'_>, t: DefId) -> Ty {
    match cx.info(t).map(|i| &i.kind) {
        Some(DefInfoKind::Actor { protocols, .. }) => Ty::ActorRef(protocols.clone()),
        Some(DefInfoKind::Supervisor { .. }) => Ty::Supervisor(t),
        _ => Ty::Error,
    }
}

/// Lowers `S.start`: children in order, each bound under its name for the next ones.
pub(crate) fn lower_start(
    cx: &mut Lcx<'_>,
    id: FuncId,
    decl: &SupervisorDecl,
    plan: &SupervisorPlan,
) -> Function {
    let f = cx.shells[id.0 as usize].clone();
    let mut fx = Fx::new(cx, f);
    fx.bind_state(id);
    let mut by_name: FxMap<&str, usize> = FxMap::default();
    for (i, (n, _, _)) in plan.children.iter().enumerate() {
        by_name.entry(n.as_str()).or_insert(i);
    }
    for c in &decl.children {
        let Some(&i) = by_name.get(c.name.name.as_str()) else {
            continue;
        };
        let target = plan.children[i].1;
        let params = match fx.cx.info(target).map(|x| x.kind.clone()) {
            Some(DefInfoKind::Actor { params, .. })
            | Some(DefInfoKind::Supervisor { params, .. }) => params,
            _ => Vec::new(),
        };
        fx.span = c.span;
        let args = c.args.as_deref().unwrap_or(&[]);
        let Some(vals) = fx.ordered_args(&c.target, &params, args) else {
            continue;
        };
        let ty = child_ty(fx.cx, target);
        let r = fx.emit(
            Op::StartChild {
                index: i as u32,
                target,
                args: vals,
            },
            ty.clone(),
        );
        let l = fx.binding_local(&c.name.name, c.name.span, ty);
        fx.store(l, r);
    }
    fx.terminate(Term::Return(None));
    fx.finish()
}

/// Lowers `S.node`: the value of `on node <expr>`.
pub(crate) fn lower_node(cx: &mut Lcx<'_>, id: FuncId, decl: &SupervisorDecl) -> Function {
    let f = cx.shells[id.0 as usize].clone();
    let mut fx = Fx::new(cx, f);
    fx.bind_state(id);
    if let Some(e) = &decl.on_node {
        let v = match &e.kind {
            ExprKind::Str(s) => Some(fx.emit(Op::Const(Const::Str(s.clone())), Ty::NodeId)),
            _ => fx.expr_to(e, &Ty::NodeId),
        };
        match v {
            Some(v) => fx.terminate(Term::Return(Some(v))),
            None => fx.terminate(Term::Unreachable),
        }
    }
    fx.finish()
}

impl Fx<'_, '_> {
    /// `sup.child`: the index of the child named `name` of supervisor type `t`.
    pub fn child_index(&self, t: &Ty, name: &str) -> Option<u32> {
        let Ty::Supervisor(s) = t else { return None };
        match &self.cx.info(*s)?.kind {
            DefInfoKind::Supervisor { children, .. } => children
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| i as u32),
            _ => None,
        }
    }
}
