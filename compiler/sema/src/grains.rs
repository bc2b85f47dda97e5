//! Grain rules: identity parameters of key types (E0801, E0807), memory tags on grain `var`
//! fields (E0802), persisted fields without `Reply` (E0803), and `@lifecycle` (E0806).

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::env::{Env, suggest};
use crate::types::{DefId, Ty};

pub const MEMORY_TAGS: &[&str] = &[
    "Volatile.Ephemeral",
    "Session.Replicated",
    "Local.Exclusive",
];

impl<'a> Env<'a> {
    pub(crate) fn check_grain_identity(&self, id: DefId) {
        let def = self.def(id);
        let Some(a) = def.actor() else { return };
        if a.params.is_empty() {
            self.emit(
                Diagnostic::error(
                    "E0807",
                    format!("grain `{}` has no identity parameters", def.name),
                )
                .primary(a.decl.name.span, "a grain is addressed by its identity")
                .help(format!("add one, e.g. `grain {}(id: String)`", def.name)),
            );
        }
        for p in &a.params {
            if p.ty.has_error() {
                continue;
            }
            if let Some(bad) = self.non_key_part(&p.ty, &mut Vec::new()) {
                self.emit(
                    Diagnostic::error(
                        "E0801",
                        format!(
                            "identity parameter `{}` has type `{}`, which is not a key type",
                            p.name,
                            self.show(&p.ty)
                        ),
                    )
                    .primary(p.span, format!("contains `{}`", self.show(&bad)))
                    .note(
                        "identities are made of integers, strings, bytes, bools and tuples of them",
                    ),
                );
            }
        }
    }

    /// Memory tags (`@Volatile.Ephemeral` ...) and other attributes on a state field.
    pub(crate) fn check_field_tags(&self, owner: DefId, f: &FieldDef) {
        let is_grain = self
            .def(owner)
            .actor()
            .is_some_and(|a| a.decl.kind == ActorKind::Grain);
        let mut tagged: Option<Span> = None;
        for attr in &f.attrs {
            let path: Vec<&str> = attr.path.iter().map(|i| i.name.as_str()).collect();
            if path.len() != 2 {
                self.emit(
                    Diagnostic::error("E0613", format!("unknown attribute `@{}` on a field", path.join(".")))
                        .primary(attr.span, "not allowed here")
                        .help("fields take only memory tags: `@Volatile.Ephemeral`, `@Session.Replicated`, `@Local.Exclusive`"),
                );
                continue;
            }
            let tag = path.join(".");
            if !MEMORY_TAGS.contains(&tag.as_str()) {
                let mut d = Diagnostic::error("E0802", format!("unknown memory tag `@{tag}`"))
                    .primary(attr.span, "not a memory tag");
                // `@Volatile.Forever`: the first half names the tag family.
                let same_family = MEMORY_TAGS
                    .iter()
                    .find(|t| t.split('.').next() == path.first().copied())
                    .map(|t| t.to_string());
                match same_family.or_else(|| suggest(&tag, MEMORY_TAGS.iter().copied())) {
                    Some(s) => d = d.help(format!("did you mean `@{s}`?")),
                    None => {
                        d = d.note(
                            "memory tags: `@Volatile.Ephemeral`, `@Session.Replicated`, `@Local.Exclusive`",
                        )
                    }
                }
                self.emit(d);
                continue;
            }
            if !is_grain {
                self.emit(
                    Diagnostic::error("E0802", format!("memory tag `@{tag}` outside a grain"))
                        .primary(attr.span, "memory tags apply only to grain `var` fields"),
                );
                continue;
            }
            if !f.mutable {
                self.emit(
                    Diagnostic::error("E0802", format!("memory tag `@{tag}` on a `let` field"))
                        .primary(attr.span, "memory tags apply only to `var` fields"),
                );
                continue;
            }
            if let Some(prev) = tagged {
                self.emit(
                    Diagnostic::error("E0802", "a field takes at most one memory tag")
                        .primary(attr.span, "second tag")
                        .secondary(prev, "first tag"),
                );
                continue;
            }
            tagged = Some(attr.span);
        }
    }

    /// E0803: a persisted grain field (untagged `var` of a grain `with Storage`) may not hold
    /// a `Reply` or a supervisor reference.
    pub(crate) fn check_persisted_field(&self, owner: DefId, f: &FieldDef, ty: &Ty) {
        let Some(a) = self.def(owner).actor() else {
            return;
        };
        if a.decl.kind != ActorKind::Grain
            || !f.mutable
            || !f.attrs.is_empty()
            || !a.caps.contains(&"Storage")
        {
            return;
        }
        if let Some(bad) = self.non_persistable(ty, &mut Vec::new()) {
            self.emit(
                Diagnostic::error(
                    "E0803",
                    format!("persisted field `{}` contains `{}`, which cannot be stored", f.name.name, self.show(&bad)),
                )
                .primary(f.name.span, "persisted after every message")
                .help("tag it `@Volatile.Ephemeral` (or `@Local.Exclusive`) to keep it out of storage"),
            );
        }
    }

    fn non_persistable(&self, t: &Ty, seen: &mut Vec<DefId>) -> Option<Ty> {
        match t {
            Ty::Reply(_) | Ty::Supervisor(_) => Some(t.clone()),
            Ty::List(x) | Ty::Set(x) | Ty::Optional(x) => self.non_persistable(x, seen),
            Ty::Map(k, v) => self
                .non_persistable(k, seen)
                .or_else(|| self.non_persistable(v, seen)),
            Ty::Tuple(ts) => ts.iter().find_map(|x| self.non_persistable(x, seen)),
            Ty::Def(d) => {
                if seen.contains(d) {
                    return None;
                }
                seen.push(*d);
                match &self.def(*d).kind {
                    crate::items::DefKind::Struct { fields, .. } => fields
                        .iter()
                        .find_map(|f| self.non_persistable(&f.ty, seen)),
                    crate::items::DefKind::Enum { variants, .. } => variants
                        .iter()
                        .flat_map(|v| v.field_list().iter())
                        .find_map(|f| self.non_persistable(&f.ty, seen)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `@lifecycle(deactivation: .idle_timeout(d) | .never)`, grains only.
    pub(crate) fn check_lifecycle(&self, kind: ActorKind, attr: &Attribute) {
        if kind != ActorKind::Grain {
            self.emit(
                Diagnostic::error("E0806", "`@lifecycle` applies only to grains")
                    .primary(attr.span, "not a grain"),
            );
            return;
        }
        let bad = |span: Span| {
            self.emit(Diagnostic::error("E0806", "invalid `@lifecycle`").primary(
                span,
                "expected `deactivation: .idle_timeout(<duration>)` or `deactivation: .never`",
            ));
        };
        let Some(args) = &attr.args else {
            return bad(attr.span);
        };
        let [arg] = args.as_slice() else {
            return bad(attr.span);
        };
        if arg.name.as_ref().map(|n| n.name.as_str()) != Some("deactivation") {
            return bad(arg.span);
        }
        match &arg.value.kind {
            ExprKind::DotName(id) if id.name == "never" => {}
            ExprKind::Call { callee, args } => {
                let ExprKind::DotName(id) = &callee.kind else {
                    return bad(arg.value.span);
                };
                if id.name != "idle_timeout" {
                    return bad(id.span);
                }
                match args.as_slice() {
                    [a] if a.name.is_none() => match a.value.kind {
                        ExprKind::Duration(n) if n > 0 => {}
                        _ => {
                            self.emit(
                                Diagnostic::error(
                                    "E0806",
                                    "`.idle_timeout` needs a positive duration literal",
                                )
                                .primary(a.value.span, "expected a duration such as `30s`"),
                            );
                        }
                    },
                    _ => bad(arg.value.span),
                }
            }
            ExprKind::DotName(id) => {
                let mut d = Diagnostic::error(
                    "E0806",
                    format!("unknown deactivation policy `.{}`", id.name),
                )
                .primary(id.span, "expected `.idle_timeout(d)` or `.never`");
                if let Some(s) = suggest(&id.name, ["idle_timeout", "never"]) {
                    d = d.help(format!("did you mean `.{s}`?"));
                }
                self.emit(d);
            }
            _ => bad(arg.value.span),
        }
    }
}
