//! Supervisors: children (E0701, E0702, E0709), settings (E0703-E0707), child arguments checked
//! like a call with the supervisor's parameters and earlier children in scope, and the value
//! of `spawn S()` whose fields are its children (E0708).

use crate::fx::FxMap;

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::{Admits, Body, Hint, LocalKind};
use crate::env::{Env, Lookup, suggest};
use crate::items::DefKind;
use crate::types::{DefId, Ty};

const STRATEGIES: &[&str] = &["one_for_one", "one_for_all", "rest_for_one"];
const RESTARTS: &[&str] = &["permanent", "transient", "temporary"];

impl<'a> Env<'a> {
    /// Resolves each child's target (during the resolution pass, so `sup.child` types exist).
    pub(crate) fn resolve_children(&mut self, id: DefId) {
        let mi = self.def(id).module;
        let DefKind::Supervisor(s) = &self.def(id).kind else {
            return;
        };
        let decl = s.decl;
        let mut children = Vec::with_capacity(decl.children.len());
        let mut seen: FxMap<&str, Span> = FxMap::default();
        for c in &decl.children {
            if let Some(prev) = seen.insert(&c.name.name, c.name.span) {
                self.emit(
                    Diagnostic::error(
                        "E0702",
                        format!("child `{}` is declared twice", c.name.name),
                    )
                    .primary(c.name.span, "duplicate child name")
                    .secondary(prev, "first declared here"),
                );
                continue;
            }
            let target = self.child_target(mi, c);
            children.push((c.name.name.as_str(), target));
        }
        if let DefKind::Supervisor(s) = &mut self.defs[id.0 as usize].kind {
            s.children = children;
        }
    }

    fn child_target(&self, mi: usize, c: &ChildSpec) -> Option<DefId> {
        let path: Vec<Ident> = match &c.target.kind {
            ExprKind::Name(id) => vec![id.clone()],
            ExprKind::Field { base, name } => match &base.kind {
                ExprKind::Name(m) => vec![m.clone(), name.clone()],
                _ => vec![],
            },
            _ => vec![],
        };
        if path.is_empty() {
            self.emit(
                Diagnostic::error("E0701", "a child must name an actor or supervisor")
                    .primary(c.target.span, "not an actor or supervisor"),
            );
            return None;
        }
        match self.resolve_def_path(mi, &path) {
            Lookup::Def(d) => match &self.def(d).kind {
                DefKind::Actor(a) if a.decl.kind == ActorKind::Actor => Some(d),
                DefKind::Supervisor(_) => Some(d),
                other => {
                    let what = self.def(d).a_kind();
                    let mut diag = Diagnostic::error(
                        "E0701",
                        format!(
                            "child `{}` runs `{}`, which is {what}, not an actor or supervisor",
                            c.name.name,
                            self.def(d).name
                        ),
                    )
                    .primary(c.target.span, "cannot be supervised");
                    if matches!(other, DefKind::Actor(a) if a.decl.kind == ActorKind::Grain) {
                        diag = diag.note("grains are not supervised: they are activated on demand by their identity");
                    }
                    self.emit(diag);
                    None
                }
            },
            Lookup::Poison => None,
            Lookup::NotFound => {
                self.report_unknown_path(
                    mi,
                    &path,
                    "E0201",
                    "actor or supervisor",
                    crate::suggest::Want::Spawnable,
                );
                None
            }
        }
    }

    pub(crate) fn check_supervisor(&self, id: DefId) {
        let def = self.def(id);
        let DefKind::Supervisor(s) = &def.kind else {
            return;
        };
        let decl = s.decl;
        if decl.children.is_empty() {
            self.emit(
                Diagnostic::error(
                    "E0709",
                    format!("supervisor `{}` has no children", def.name),
                )
                .primary(decl.name.span, "nothing to supervise")
                .help("add `child name: Actor(...)`"),
            );
        }
        let first_child = decl.children.first().map(|c| c.span.lo);
        let mut settings_seen: FxMap<&str, Span> = FxMap::default();
        let mut b = Body::new(self, def.module, format!("supervisor `{}`", def.name));
        b.admits = Admits::All;
        for st in &decl.settings {
            let key = match st.kind {
                SettingKind::Strategy(_) => "strategy",
                SettingKind::Intensity { .. } => "intensity",
                SettingKind::Backoff(_) => "backoff",
            };
            if let Some(prev) = settings_seen.insert(key, st.name_span) {
                self.emit(
                    Diagnostic::error("E0707", format!("`{key}` is given twice"))
                        .primary(st.name_span, "second setting")
                        .secondary(prev, "first setting"),
                );
            } else if first_child.is_some_and(|lo| st.span.lo > lo) {
                self.emit(
                    Diagnostic::error("E0707", format!("`{key}` comes after the first child"))
                        .primary(st.name_span, "settings must come before the children"),
                );
            }
            match &st.kind {
                SettingKind::Strategy(name) => {
                    if !STRATEGIES.contains(&name.name.as_str()) {
                        let mut d =
                            Diagnostic::error("E0703", format!("unknown strategy `{}`", name.name))
                                .primary(name.span, "not a strategy");
                        d = match suggest(&name.name, STRATEGIES.iter().copied()) {
                            Some(s) => d.help(format!("did you mean `{s}`?")),
                            None => d.help("strategies: one_for_one, one_for_all, rest_for_one"),
                        };
                        self.emit(d);
                    }
                }
                SettingKind::Intensity { count, window } => {
                    match count.kind {
                        ExprKind::Int(_) => {}
                        _ => self.emit(
                            Diagnostic::error(
                                "E0704",
                                "the restart count must be a non-negative integer literal",
                            )
                            .primary(count.span, "expected e.g. `5`"),
                        ),
                    }
                    match window.kind {
                        ExprKind::Duration(n) if n > 0 => {}
                        _ => self.emit(
                            Diagnostic::error(
                                "E0704",
                                "the intensity window must be a positive duration",
                            )
                            .primary(window.span, "expected e.g. `10s`"),
                        ),
                    }
                }
                SettingKind::Backoff(e) => self.check_backoff(e),
            }
        }

        if let Some(e) = &decl.on_node
            && !matches!(e.kind, ExprKind::Str(_))
        {
            let mut nb = Body::new(self, def.module, format!("`{}`", def.name));
            for p in &s.params {
                nb.declare(p.name, p.ty.clone(), false, LocalKind::Param, p.span);
            }
            nb.expect(e, &Ty::NodeId);
        }

        // Children: arguments see the parameters and earlier children.
        for p in &s.params {
            b.declare(p.name, p.ty.clone(), false, LocalKind::Param, p.span);
        }
        for c in &decl.children {
            b.hints.entry(&c.name.name).or_insert(Hint::Later {
                decl: c.name.span,
                what: "child",
                rule: "a child's arguments may use the supervisor's parameters and the children declared before it",
            });
        }
        for (i, c) in decl.children.iter().enumerate() {
            if let Some(r) = &c.restart
                && !RESTARTS.contains(&r.name.as_str())
            {
                let mut d =
                    Diagnostic::error("E0706", format!("unknown restart type `{}`", r.name))
                        .primary(r.span, "not a restart type");
                d = match suggest(&r.name, RESTARTS.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help("restart types: permanent, transient, temporary"),
                };
                self.emit(d);
            }
            let target = s
                .children
                .iter()
                .find(|(n, _)| *n == c.name.name)
                .and_then(|(_, t)| *t);
            let args: &'a [Arg] = c.args.as_deref().unwrap_or(&[]);
            match target {
                Some(t) => {
                    let (params, name) = match &self.def(t).kind {
                        DefKind::Actor(a) => (a.params.clone(), self.def(t).name),
                        DefKind::Supervisor(x) => (x.params.clone(), self.def(t).name),
                        _ => (Vec::new(), self.def(t).name),
                    };
                    b.call_args(name, &params, args, c.span, "E0614");
                    if t == id {
                        self.emit(
                            Diagnostic::error(
                                "E0701",
                                format!("supervisor `{}` supervises itself", def.name),
                            )
                            .primary(c.target.span, "a supervisor cannot be its own child"),
                        );
                    }
                }
                None => b.loose_args(args),
            }
            // Only the first child of a name is bound (duplicates were reported).
            if s.children
                .iter()
                .position(|(n, _)| *n == c.name.name)
                .is_some()
                && decl
                    .children
                    .iter()
                    .position(|x| x.name.name == c.name.name)
                    == Some(i)
            {
                let ty = match target {
                    Some(t) => child_ty(self, t),
                    None => Ty::Error,
                };
                b.declare(&c.name.name, ty, false, LocalKind::Let, c.name.span);
            }
        }
    }

    fn check_backoff(&self, e: &Expr) {
        let bad = |span: Span, msg: &str| {
            self.emit(
                Diagnostic::error("E0705", format!("invalid backoff: {msg}")).primary(
                    span,
                    "expected `none` or `exponential(min: <duration>, max: <duration>)`",
                ),
            );
        };
        match &e.kind {
            ExprKind::Name(id) if id.name == "none" => {}
            ExprKind::Call { callee, args } => {
                let ExprKind::Name(f) = &callee.kind else {
                    return bad(callee.span, "unknown form");
                };
                if f.name != "exponential" {
                    return bad(f.span, &format!("unknown backoff `{}`", f.name));
                }
                let mut min = None;
                let mut max = None;
                for a in args {
                    let slot = match a.name.as_ref().map(|n| n.name.as_str()) {
                        Some("min") => &mut min,
                        Some("max") => &mut max,
                        _ => return bad(a.span, "arguments are `min:` and `max:`"),
                    };
                    match a.value.kind {
                        ExprKind::Duration(n) if n > 0 => *slot = Some((n, a.value.span)),
                        _ => {
                            return self.emit(
                                Diagnostic::error(
                                    "E0705",
                                    "backoff bounds must be positive durations",
                                )
                                .primary(a.value.span, "expected e.g. `100ms`"),
                            );
                        }
                    }
                }
                match (min, max) {
                    (Some((lo, _)), Some((hi, span))) if lo > hi => self.emit(
                        Diagnostic::error("E0705", "backoff `min` is larger than `max`")
                            .primary(span, "`max` must be at least `min`"),
                    ),
                    (Some(_), Some(_)) => {}
                    _ => bad(e.span, "both `min:` and `max:` are needed"),
                }
            }
            ExprKind::Name(id) => bad(id.span, &format!("unknown backoff `{}`", id.name)),
            _ => bad(e.span, "unknown form"),
        }
    }
}

/// The type of a child's stable reference: `ActorRef[M]` or the child supervisor's type.
pub fn child_ty(env: &Env<'_>, t: DefId) -> Ty {
    match &env.def(t).kind {
        DefKind::Actor(a) if a.broken => Ty::Error,
        DefKind::Actor(a) => Ty::ActorRef(a.protocols.clone()),
        DefKind::Supervisor(_) => Ty::Supervisor(t),
        _ => Ty::Error,
    }
}

impl<'e, 'a> Body<'e, 'a> {
    /// `sup.child`: the child's stable reference (E0708 for an unknown child).
    pub fn child_of(&mut self, s: DefId, name: &Ident) -> Ty {
        let def = self.env.def(s);
        let DefKind::Supervisor(info) = &def.kind else {
            return Ty::Error;
        };
        match info.children.iter().find(|(n, _)| *n == name.name) {
            Some((_, Some(t))) => child_ty(self.env, *t),
            Some((_, None)) => Ty::Error,
            None => {
                let names: Vec<&str> = info.children.iter().map(|(n, _)| *n).collect();
                let mut d = Diagnostic::error(
                    "E0708",
                    format!("supervisor `{}` has no child `{}`", def.name, name.name),
                )
                .primary(name.span, "unknown child");
                if let Some(s) = suggest(&name.name, names.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                } else if !names.is_empty() {
                    d = d.note(crate::matching::its("child", "children", &names));
                }
                self.emit(d);
                Ty::Error
            }
        }
    }
}
