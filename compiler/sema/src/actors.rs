//! Actor, grain and behavior declarations: protocols (E0604, E0611), state fields, hooks
//! (E0606, E0805), helpers, the one `receive` (E0605) with exhaustive arms (E0402) and the
//! `after` arm (E0612); and message protocols whose payloads must cross a network (E0603).

use crate::fx::FxMap;

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::{Admits, Body, Hint, LocalKind};
use crate::env::Env;
use crate::items::DefKind;
use crate::matching::CoverKind;
use crate::resolve::TyPos;
use crate::types::{DefId, Ty, assignable};

/// An actor's state field after its initializer was checked.
#[derive(Clone)]
struct StateField<'a> {
    name: &'a str,
    ty: Ty,
    mutable: bool,
    span: Span,
}

impl<'a> Env<'a> {
    /// A body for code inside actor `id`: parameters and state fields in scope.
    fn actor_body<'e>(
        &'e self,
        id: DefId,
        name: String,
        fields: &[StateField<'a>],
    ) -> Body<'e, 'a> {
        let def = self.def(id);
        let mut b = Body::new(self, def.module, name);
        b.owner = Some(id);
        if let Some(a) = def.actor() {
            b.caps = a.caps.clone();
            b.cap_holder = format!("{} `{}`", def.describe(), def.name);
            for p in &a.params {
                b.declare(p.name, p.ty.clone(), false, LocalKind::Param, p.span);
            }
        }
        for f in fields {
            b.declare(f.name, f.ty.clone(), f.mutable, LocalKind::Field, f.span);
        }
        b
    }

    pub(crate) fn check_actor(&self, id: DefId) {
        let def = self.def(id);
        let Some(a) = def.actor() else { return };
        let decl = a.decl;
        self.check_with_caps(&decl.caps);
        if decl.kind == ActorKind::Grain {
            self.check_grain_identity(id);
        }
        self.check_protocol_clash(id);
        let own = a.own;
        let receives: Vec<&'a Receive> = decl
            .members
            .iter()
            .filter_map(|m| {
                if let Member::Receive(r) = m {
                    Some(r)
                } else {
                    None
                }
            })
            .collect();
        let hosts_behaviors = !a.behaviors.is_empty();
        match (own, receives.len()) {
            (Some(_), 0) => self.emit(
                Diagnostic::error("E0605", format!("`{}` has no `receive`", def.name))
                    .primary(decl.name.span, "its protocol is never handled")
                    .help("add `receive do | Variant => ... end`"),
            ),
            (None, 0) if !hosts_behaviors && decl.kind != ActorKind::Behavior => self.emit(
                Diagnostic::error(
                    "E0605",
                    format!("`{}` has no protocol and no `receive`", def.name),
                )
                .primary(decl.name.span, "nothing to handle")
                .help("add `implements Msg` and a `receive`"),
            ),
            (None, n) if n > 0 && !self.has_error_implements(decl) => self.emit(
                Diagnostic::error(
                    "E0605",
                    format!("`{}` has a `receive` but no protocol", def.name),
                )
                .primary(receives[0].span, "what messages does this receive?")
                .help("add `implements Msg` to the header"),
            ),
            _ => {}
        }
        for extra in receives.iter().skip(1) {
            self.emit(
                Diagnostic::error(
                    "E0605",
                    format!("`{}` has more than one `receive`", def.name),
                )
                .primary(
                    Span {
                        hi: extra.span.lo.saturating_add(7),
                        ..extra.span
                    },
                    "second `receive`",
                )
                .secondary(
                    Span {
                        hi: receives[0].span.lo.saturating_add(7),
                        ..receives[0].span
                    },
                    "first `receive`",
                )
                .help("handle every message in one `receive`"),
            );
        }

        // State fields, in order: each sees the parameters and the fields before it.
        let mut fields: Vec<StateField<'a>> = Vec::new();
        let mut seen: FxMap<&str, Span> = a.params.iter().map(|p| (p.name, p.span)).collect();
        {
            let mut b = self.actor_body(id, format!("`{}`", def.name), &[]);
            for m in &decl.members {
                if let Member::Field(f) = m {
                    b.hints.entry(&f.name.name).or_insert(Hint::Later {
                        decl: f.name.span,
                        what: "field",
                        rule: "a field's initializer may use the parameters and the fields declared before it",
                    });
                }
            }
            for m in &decl.members {
                let Member::Field(f) = m else { continue };
                self.check_field_tags(id, f);
                let declared =
                    f.ty.as_ref()
                        .map(|t| self.resolve_type(def.module, t, TyPos::Value));
                let ty = match &declared {
                    Some(t) => {
                        b.expect(&f.init, t);
                        t.clone()
                    }
                    None => {
                        let t = b.expr(&f.init, None);
                        b.value_needed(&t, f.init.span);
                        if matches!(t, Ty::Void | Ty::Never) {
                            Ty::Error
                        } else {
                            t
                        }
                    }
                };
                if let Some(prev) = seen.insert(&f.name.name, f.name.span) {
                    self.emit(
                        Diagnostic::error(
                            "E0203",
                            format!("`{}` is declared twice in `{}`", f.name.name, def.name),
                        )
                        .primary(f.name.span, "declared again here")
                        .secondary(prev, "first declared here"),
                    );
                }
                b.declare(
                    &f.name.name,
                    ty.clone(),
                    f.mutable,
                    LocalKind::Field,
                    f.name.span,
                );
                let sf = StateField {
                    name: &f.name.name,
                    ty,
                    mutable: f.mutable,
                    span: f.name.span,
                };
                self.check_persisted_field(id, f, &sf.ty);
                fields.push(sf);
            }
        }

        // Hooks.
        let mut hooks_seen: FxMap<&str, Span> = FxMap::default();
        for m in &decl.members {
            let Member::Hook(h) = m else { continue };
            let hname = match h.kind {
                HookKind::Start => "start",
                HookKind::Stop => "stop",
                HookKind::Activate => "activate",
                HookKind::Deactivate => "deactivate",
            };
            self.check_hook_kind(decl.kind, h, hname);
            if let Some(prev) = hooks_seen.insert(hname, h.kind_span) {
                self.emit(
                    Diagnostic::error("E0606", format!("`on {hname}` is declared twice"))
                        .primary(h.kind_span, "second hook")
                        .secondary(prev, "first hook"),
                );
            }
            let mut b = self.actor_body(id, format!("`{}`", def.name), &fields);
            b.admits = Admits::All;
            b.block(&h.body, None, false);
        }

        // Helpers: hold the actor's state and capabilities, but admit only their own errors.
        for m in &decl.members {
            let Member::Func(f) = m else { continue };
            let Some(&hid) = a.helpers.get(f.name.name.as_str()) else {
                continue;
            };
            if !std::ptr::eq(self.def(hid).func().map_or(std::ptr::null(), |x| x.decl), f) {
                continue;
            }
            let mut b = self.actor_body(id, format!("`{}`", f.name.name), &fields);
            self.check_func_body(&mut b, hid);
        }

        // The receive.
        if let Some(r) = receives.first() {
            self.check_receive(id, r, own, &fields);
        }
    }

    fn has_error_implements(&self, decl: &ActorDecl) -> bool {
        decl.implements.is_some()
    }

    fn check_hook_kind(&self, kind: ActorKind, h: &Hook, hname: &str) {
        match (kind, h.kind) {
            (ActorKind::Actor, HookKind::Activate | HookKind::Deactivate) => self.emit(
                Diagnostic::error("E0606", format!("`on {hname}` is a grain hook"))
                    .primary(h.kind_span, "not an actor hook")
                    .help("actors use `on start` and `on stop`"),
            ),
            (ActorKind::Grain, HookKind::Start | HookKind::Stop) => self.emit(
                Diagnostic::error("E0805", format!("grains have no `on {hname}` hook"))
                    .primary(h.kind_span, "not a grain hook")
                    .help(if h.kind == HookKind::Start {
                        "use `on activate`"
                    } else {
                        "use `on deactivate`"
                    }),
            ),
            (ActorKind::Behavior, _) => self.emit(
                Diagnostic::error("E0606", "behaviors have no hooks")
                    .primary(h.kind_span, "hook in a behavior")
                    .help("put the hook in the actor or grain that includes the behavior"),
            ),
            _ => {}
        }
    }

    fn check_receive(
        &self,
        id: DefId,
        r: &'a Receive,
        own: Option<DefId>,
        fields: &[StateField<'a>],
    ) {
        let def = self.def(id);
        let st = own.map_or(Ty::Error, Ty::Def);
        let msg_param = def.actor().and_then(|a| a.msg_param);
        let mut b = self.actor_body(id, format!("`{}`", def.name), fields);
        b.admits = Admits::All;
        let errors_before = b.pattern_errors;
        let mut lowered = Vec::with_capacity(r.arms.len());
        for arm in &r.arms {
            b.push_scope();
            if let (Some(p), Some(o)) = (msg_param, own) {
                b.declare(p, Ty::Def(o), false, LocalKind::Binding, arm.pattern.span);
            }
            let mut binds = Vec::new();
            let pat = b.pattern(&arm.pattern, &st, &mut binds);
            for (n, t, s) in binds {
                b.declare(n, t, false, LocalKind::Binding, s);
            }
            if let Some(g) = &arm.guard {
                b.expect(g, &Ty::Bool);
            }
            b.loops.clear();
            b.arm_body(&arm.body, None, false);
            b.pop_scope();
            lowered.push(crate::exhaustive::Arm {
                pat,
                guarded: arm.guard.is_some(),
            });
        }
        if let Some(after) = &r.after {
            let t = b.expr(&after.duration, Some(&Ty::Duration));
            if !assignable(&t, &Ty::Duration) && !t.has_error() {
                self.emit(
                    Diagnostic::error(
                        "E0612",
                        format!("`after` needs a `Duration`, found `{}`", b.show(&t)),
                    )
                    .primary(after.duration.span, "not a duration")
                    .help("write a duration such as `30s` or `250ms`"),
                );
            }
            b.push_scope();
            b.arm_body(&after.body, None, false);
            b.pop_scope();
        }
        // An empty `receive` is what the parser leaves when it could not read any arm (it
        // reports that); coverage would only repeat the mistake.
        let broken = b.saw_syntax_error
            || (r.arms.is_empty() && r.after.is_none())
            || r.arms
                .iter()
                .any(|a| matches!(a.pattern.kind, PatternKind::Error))
            || def
                .actor()
                .is_some_and(|a| a.decl.members.iter().any(|m| matches!(m, Member::Error(_))));
        if !st.has_error() && b.pattern_errors == errors_before && !broken {
            let spans: Vec<Span> = r.arms.iter().map(|a| a.pattern.span).collect();
            let kw = Span {
                hi: r.span.lo.saturating_add(7).min(r.span.hi.max(r.span.lo)),
                ..r.span
            };
            b.coverage(&st, &lowered, &spans, kw, CoverKind::Receive);
        }
    }

    /// E0611: variant names must be distinct across a host's protocol and its behaviors'.
    fn check_protocol_clash(&self, id: DefId) {
        let def = self.def(id);
        let Some(a) = def.actor() else { return };
        if a.protocols.len() < 2 {
            return;
        }
        let mut seen: FxMap<&str, DefId> = FxMap::default();
        for p in &a.protocols {
            for v in self.def(*p).variants().unwrap_or(&[]) {
                if let Some(prev) = seen.insert(v.name, *p)
                    && prev != *p
                {
                    let mut d = Diagnostic::error(
                        "E0611",
                        format!(
                            "`{}` gets `{}` from both `{}` and `{}`",
                            def.name,
                            v.name,
                            self.def(prev).name,
                            self.def(*p).name
                        ),
                    )
                    .primary(a.decl.header_span, "variant names clash across protocols")
                    .help("rename the variant in one of the protocols");
                    // Point at both declarations of the name.
                    for owner in [prev, *p] {
                        if let Some(decl) = self.enum_decls.get(&owner)
                            && let Some(x) = decl.variants.iter().find(|x| x.name.name == v.name)
                        {
                            d = d.secondary(
                                x.name.span,
                                format!("`{}` in `{}`", v.name, self.def(owner).name),
                            );
                        }
                    }
                    self.emit(d);
                }
            }
        }
    }

    /// E0603: every message payload must be able to cross a network.
    pub(crate) fn check_message_payloads(&self, id: DefId) {
        let def = self.def(id);
        let DefKind::Enum {
            kind: EnumKind::Message,
            variants,
        } = &def.kind
        else {
            return;
        };
        for v in variants {
            for f in v.field_list() {
                if let Some(bad) = self.non_crossable(&f.ty, &mut Vec::new()) {
                    self.emit(
                        Diagnostic::error(
                            "E0603",
                            format!("field `{}` of `{}.{}` cannot cross a network: `{}`", f.name, def.name, v.name, self.show(&bad)),
                        )
                        .primary(f.span, format!("contains `{}`", self.show(&bad)))
                        .note("messages may carry primitives, strings, bytes, collections, optionals, tuples, structs, enums, `ActorRef`, `GrainRef` and `Reply`"),
                    );
                }
            }
        }
    }

    fn non_crossable(&self, t: &Ty, seen: &mut Vec<DefId>) -> Option<Ty> {
        match t {
            Ty::Void | Ty::Never | Ty::Supervisor(_) | Ty::Union(..) | Ty::Range(_) => {
                Some(t.clone())
            }
            Ty::List(x) | Ty::Set(x) | Ty::Optional(x) | Ty::Reply(x) => {
                self.non_crossable(x, seen)
            }
            Ty::Map(k, v) => self
                .non_crossable(k, seen)
                .or_else(|| self.non_crossable(v, seen)),
            Ty::Tuple(ts) => ts.iter().find_map(|x| self.non_crossable(x, seen)),
            Ty::Def(d) => {
                if seen.contains(d) {
                    return None;
                }
                seen.push(*d);
                match &self.def(*d).kind {
                    DefKind::Struct { fields, .. } => {
                        fields.iter().find_map(|f| self.non_crossable(&f.ty, seen))
                    }
                    DefKind::Enum { variants, .. } => variants
                        .iter()
                        .flat_map(|v| v.field_list().iter())
                        .find_map(|f| self.non_crossable(&f.ty, seen)),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}
