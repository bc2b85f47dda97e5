//! Names in expressions: locals, declarations used as values (E0307, E0609), variants resolved
//! from the expected type or uniquely in scope (E0206, E0207), qualified paths (`m.X`,
//! `Shape.V`, `Map.new`) and field reads (E0209, E0708).

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::Body;
use crate::env::Lookup;
use crate::items::DefKind;
use crate::types::{DefId, Ty};

impl<'e, 'a> Body<'e, 'a> {
    /// The variant `name` of an expected sum type (through `?T` and `T ! E`).
    pub fn find_variant(&self, ty: &Ty, name: &str) -> Option<(DefId, usize)> {
        match ty {
            Ty::Def(d) => {
                let vs = self.env.def(*d).variants()?;
                vs.iter().position(|v| v.name == name).map(|i| (*d, i))
            }
            Ty::ErrSets(ds) => ds
                .iter()
                .find_map(|d| self.find_variant(&Ty::Def(*d), name)),
            Ty::Optional(t) | Ty::Union(t, _) => self.find_variant(t, name),
            _ => None,
        }
    }

    /// E0207 when a bare variant name is in several of the error sets `ty` stands for.
    pub(crate) fn ambiguous_in_sets(&self, ty: &Ty, id: &Ident) -> bool {
        let Ty::ErrSets(sets) = ty else { return false };
        let owners: Vec<DefId> = sets
            .iter()
            .copied()
            .filter(|s| self.find_variant(&Ty::Def(*s), &id.name).is_some())
            .collect();
        if owners.len() < 2 {
            return false;
        }
        let list: Vec<String> = owners
            .iter()
            .map(|d| format!("`{}.{}`", self.env.def(*d).name, id.name))
            .collect();
        self.emit(
            Diagnostic::error(
                "E0207",
                format!(
                    "`{}` is ambiguous: several error sets have this variant",
                    id.name
                ),
            )
            .primary(id.span, "ambiguous variant")
            .note(format!("candidates: {}", list.join(", ")))
            .help(format!("qualify it with its set, e.g. {}", list[0])),
        );
        true
    }

    /// The sum type `ty` names, when it is one (through `?T`).
    pub fn sum_def(&self, ty: &Ty) -> Option<DefId> {
        match ty {
            Ty::Def(d) if self.env.def(*d).variants().is_some() => Some(*d),
            Ty::Optional(t) | Ty::Union(t, _) => self.sum_def(t),
            _ => None,
        }
    }

    /// The only variant of that name among the enums this module sees.
    pub fn unique_variant(&self, name: &str, span: Span) -> Option<Option<(DefId, usize)>> {
        let cands = self.env.scopes.get(self.mi)?.variants.get(name)?;
        match cands.as_slice() {
            [] => None,
            [one] => Some(Some(*one)),
            many => {
                let list: Vec<String> = many
                    .iter()
                    .map(|(d, _)| format!("`{}.{name}`", self.env.def(*d).name))
                    .collect();
                self.emit(
                    Diagnostic::error(
                        "E0207",
                        format!("`{name}` is ambiguous: several types have this variant"),
                    )
                    .primary(span, "ambiguous variant")
                    .note(format!("candidates: {}", list.join(", ")))
                    .help("qualify it with its type, e.g. ".to_string() + &list[0]),
                );
                Some(None)
            }
        }
    }

    /// A variant written as a value without a literal: only unit variants.
    pub fn variant_value(&self, d: DefId, vi: usize, span: Span) -> Ty {
        self.env.record_variant(span, d, vi);
        let def = self.env.def(d);
        if let Some(v) = def.variants().and_then(|vs| vs.get(vi)) {
            let fields = v.field_list();
            // In the arguments of a failed call it may be an `ask` payload: stay quiet.
            if !fields.is_empty() && self.lenient == 0 {
                let names: Vec<String> =
                    fields.iter().map(|f| format!("{}: ...", f.name)).collect();
                let mut d = Diagnostic::error(
                    "E0303",
                    format!("`{}.{}` needs its fields", def.name, v.name),
                )
                .primary(span, "missing fields")
                .help(format!("write `{} {{ {} }}`", v.name, names.join(", ")));
                if fields.iter().any(|f| matches!(f.ty, Ty::Reply(_))) {
                    d = d.note(format!(
                        "`{}` carries a `Reply`: to get the answer, use `ask`, which fills it in: `r.ask({})`",
                        v.name,
                        v.name
                    ));
                }
                self.emit(d);
            }
        }
        Ty::Def(d)
    }

    pub(crate) fn name_expr(&mut self, id: &'a Ident, expected: Option<&Ty>) -> Ty {
        let name = id.name.as_str();
        if let Some((d, vi)) = expected.and_then(|t| self.find_variant(t, name)) {
            return self.variant_value(d, vi, id.span);
        }
        if let Some(l) = self.local(name) {
            self.env.record_name(id.span, crate::NameRef::Local(l.span));
            return l.ty.clone();
        }
        match self.env.lookup(self.mi, name) {
            Lookup::Def(d) => {
                self.env.record_name(id.span, crate::NameRef::Def(d));
                return self.def_as_value(d, id.span);
            }
            Lookup::Poison => return Ty::Error,
            Lookup::NotFound => {}
        }
        if self
            .owner
            .and_then(|o| self.env.def(o).actor())
            .is_some_and(|a| a.helpers.contains_key(name))
        {
            self.not_a_value(
                id.span,
                format!("`{name}` is a function; functions are not values"),
                Some(format!("call it: `{name}(...)`")),
            );
            return Ty::Error;
        }
        match self.unique_variant(name, id.span) {
            Some(Some((d, vi))) => return self.variant_value(d, vi, id.span),
            Some(None) => return Ty::Error,
            None => {}
        }
        if self.env.module_alias(self.mi, name).is_some() {
            self.not_a_value(
                id.span,
                format!("`{name}` is a module, not a value"),
                Some(format!("use one of its names: `{name}.Name`")),
            );
            return Ty::Error;
        }
        if crate::builtins::BUILTIN_FUNCS.contains(&name) {
            self.not_a_value(
                id.span,
                format!("`{name}` is a built-in function; functions are not values"),
                Some(format!("call it: `{name}(...)`")),
            );
            return Ty::Error;
        }
        self.unknown_name(name, id.span, crate::suggest::Want::Value);
        Ty::Error
    }

    /// E0307 for something called that cannot be.
    pub fn not_callable(&self, span: Span, msg: String, help: Option<String>) {
        let mut d = Diagnostic::error("E0307", msg).primary(span, "not a function");
        if let Some(h) = help {
            d = d.help(h);
        }
        self.emit(d);
    }

    pub fn not_a_value(&self, span: Span, msg: String, help: Option<String>) {
        let mut d = Diagnostic::error("E0307", msg).primary(span, "not a value");
        if let Some(h) = help {
            d = d.help(h);
        }
        self.emit(d);
    }

    /// A declaration used where a value is expected.
    pub fn def_as_value(&mut self, d: DefId, span: Span) -> Ty {
        let def = self.env.def(d);
        let name = def.name;
        match &def.kind {
            DefKind::Const { ty, .. } => ty.clone(),
            DefKind::Func(_) => {
                self.not_a_value(
                    span,
                    format!("`{name}` is a function; functions are not values"),
                    Some(format!("call it: `{name}(...)`")),
                );
                Ty::Error
            }
            DefKind::Actor(a) if a.decl.kind == ActorKind::Actor => {
                self.emit(
                    Diagnostic::error(
                        "E0609",
                        format!("`{name}` is an actor; it must be started with `spawn`"),
                    )
                    .primary(span, "actor used without `spawn`")
                    .help(format!("write `spawn {name}(...)`")),
                );
                Ty::Error
            }
            DefKind::Actor(a) if a.decl.kind == ActorKind::Grain => {
                self.not_a_value(
                    span,
                    format!("`{name}` is a grain; its reference needs its identity"),
                    Some(format!("write `{name}(key)`")),
                );
                Ty::Error
            }
            DefKind::Supervisor(_) => {
                self.emit(
                    Diagnostic::error(
                        "E0609",
                        format!("`{name}` is a supervisor; it must be started with `spawn`"),
                    )
                    .primary(span, "supervisor used without `spawn`")
                    .help(format!("write `spawn {name}(...)`")),
                );
                Ty::Error
            }
            _ => {
                let help = match &def.kind {
                    DefKind::Struct { fields, .. } => Some(format!(
                        "build one: `{name} {{ {} }}`",
                        fields
                            .iter()
                            .map(|f| format!("{}: ...", f.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    DefKind::Enum { .. } => def
                        .variants()
                        .and_then(|vs| vs.first())
                        .map(|v| format!("write one of its variants, e.g. `{name}.{}`", v.name)),
                    _ => None,
                };
                self.not_a_value(
                    span,
                    format!("`{name}` is {}, not a value", def.a_kind()),
                    help,
                );
                Ty::Error
            }
        }
    }

    pub(crate) fn dot_name(&mut self, id: &'a Ident, expected: Option<&Ty>, span: Span) -> Ty {
        if let Some(exp) = expected {
            if exp.has_error() && self.sum_def(exp).is_none() {
                return Ty::Error;
            }
            if self.ambiguous_in_sets(exp, id) {
                return Ty::Error;
            }
            if let Some((d, vi)) = self.find_variant(exp, &id.name) {
                return self.variant_value(d, vi, span);
            }
            if let Some(sum) = self.sum_def(exp) {
                self.unknown_variant(sum, id);
                return Ty::Error;
            }
        }
        if expected.is_none() && self.lenient > 0 {
            return Ty::Error;
        }
        match self.unique_variant(&id.name, id.span) {
            Some(Some((d, vi))) => self.variant_value(d, vi, span),
            Some(None) => Ty::Error,
            None => {
                let mut d = Diagnostic::error("E0206", format!("unknown variant `.{}`", id.name))
                    .primary(id.span, "no type in scope has this variant");
                if expected.is_none() {
                    d = d.help("the type is not known here; write it out, e.g. `Type.Variant`");
                }
                self.emit(d);
                Ty::Error
            }
        }
    }

    pub fn unknown_variant(&self, sum: DefId, id: &Ident) {
        let def = self.env.def(sum);
        let names: Vec<&str> = def
            .variants()
            .unwrap_or(&[])
            .iter()
            .map(|v| v.name)
            .collect();
        let mut d = Diagnostic::error(
            "E0206",
            format!("`{}` has no variant `{}`", def.name, id.name),
        )
        .primary(id.span, "unknown variant");
        if let Some(s) = crate::env::suggest(&id.name, names) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        self.emit(d);
    }

    /// The enum a declaration names, through aliases.
    pub fn enum_target(&self, d: DefId) -> Option<DefId> {
        match &self.env.def(d).kind {
            DefKind::Enum { .. } => Some(d),
            DefKind::Alias { .. } => match self.env.alias_ty(d) {
                Ty::Def(x) if self.env.def(x).variants().is_some() => Some(x),
                _ => None,
            },
            _ => None,
        }
    }

    /// Resolves `m.X`, `Shape.V`, `m.Shape.V`, `Map.new` without evaluating anything.
    pub fn try_static(&mut self, e: &'a Expr) -> Static<'a> {
        let ExprKind::Field { base, name } = &e.kind else {
            return Static::Value;
        };
        match &base.kind {
            ExprKind::Name(a) if self.local(&a.name).is_none() => {
                match self.env.module_alias(self.mi, &a.name) {
                    Some(Some(t)) => {
                        return match self.env.lookup_in(t, &name.name) {
                            Some(d) => Static::Def(d),
                            None => {
                                self.env.report_unknown_path(
                                    self.mi,
                                    &[a.clone(), name.clone()],
                                    "E0201",
                                    "name",
                                    crate::suggest::Want::Any,
                                );
                                Static::Reported
                            }
                        };
                    }
                    Some(None) => return Static::Poison,
                    None => {}
                }
                match self.env.lookup(self.mi, &a.name) {
                    Lookup::Def(d) => match self.enum_target(d) {
                        Some(en) => self.variant_static(en, name),
                        None => Static::Value,
                    },
                    Lookup::Poison => Static::Poison,
                    Lookup::NotFound => match a.name.as_str() {
                        "Map" | "HashMap" | "Set" => Static::TypeMember(&a.name, name),
                        _ => Static::Value,
                    },
                }
            }
            ExprKind::Field {
                base: inner,
                name: a,
            } => {
                let ExprKind::Name(m) = &inner.kind else {
                    return Static::Value;
                };
                if self.local(&m.name).is_some() {
                    return Static::Value;
                }
                match self.env.module_alias(self.mi, &m.name) {
                    Some(Some(t)) => match self
                        .env
                        .lookup_in(t, &a.name)
                        .and_then(|d| self.enum_target(d))
                    {
                        Some(en) => self.variant_static(en, name),
                        None => Static::Value,
                    },
                    Some(None) => Static::Poison,
                    None => Static::Value,
                }
            }
            _ => Static::Value,
        }
    }

    pub(crate) fn variant_static(&self, en: DefId, name: &'a Ident) -> Static<'a> {
        match self.find_variant(&Ty::Def(en), &name.name) {
            Some((d, vi)) => Static::Variant(d, vi),
            None => {
                self.unknown_variant(en, name);
                Static::Reported
            }
        }
    }

    pub(crate) fn field_expr(
        &mut self,
        e: &'a Expr,
        base: &'a Expr,
        name: &'a Ident,
        _expected: Option<&Ty>,
    ) -> Ty {
        match self.try_static(e) {
            Static::Def(d) => {
                self.env.record_name(e.span, crate::NameRef::Def(d));
                return self.def_as_value(d, e.span);
            }
            Static::Variant(d, vi) => return self.variant_value(d, vi, e.span),
            Static::Poison | Static::Reported => return Ty::Error,
            Static::TypeMember(ty, m) => {
                self.not_a_value(
                    m.span,
                    format!("`{ty}.{}` is not a value", m.name),
                    Some(format!("call it: `{ty}.new()`")),
                );
                return Ty::Error;
            }
            Static::Value => {}
        }
        let bt = self.expr(base, None);
        self.field_of(&bt, name)
    }

    /// Reading field `name` of a value of type `bt`.
    pub fn field_of(&mut self, bt: &Ty, name: &Ident) -> Ty {
        match bt {
            Ty::Error => Ty::Error,
            Ty::Def(d) => {
                let def = self.env.def(*d);
                match &def.kind {
                    DefKind::Struct { fields, .. } => {
                        match fields.iter().find(|f| f.name == name.name) {
                            Some(f) => f.ty.clone(),
                            None => {
                                let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                                self.unknown_field(def.name, &names, name);
                                Ty::Error
                            }
                        }
                    }
                    _ => {
                        self.emit(
                            Diagnostic::error(
                                "E0209",
                                format!("`{}` has no field `{}`", def.name, name.name),
                            )
                            .primary(name.span, "unknown field")
                            .help(format!(
                                "`{}` is {}; use `match` to read the fields of its variants",
                                def.name,
                                def.a_kind()
                            )),
                        );
                        Ty::Error
                    }
                }
            }
            Ty::Supervisor(s) => self.child_of(*s, name),
            other => {
                let mut d = Diagnostic::error(
                    "E0209",
                    format!("`{}` has no field `{}`", self.show(other), name.name),
                )
                .primary(name.span, "unknown field");
                if crate::builtins::has_method(other, &name.name) {
                    d = d.help(format!(
                        "`{}` is a method: call it with `.{}()`",
                        name.name, name.name
                    ));
                }
                self.emit(d);
                Ty::Error
            }
        }
    }

    pub fn unknown_field(&self, owner: &str, names: &[&str], name: &Ident) {
        let mut d = Diagnostic::error("E0209", format!("`{owner}` has no field `{}`", name.name))
            .primary(name.span, "unknown field");
        if let Some(s) = crate::env::suggest(&name.name, names.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        } else if !names.is_empty() {
            d = d.note(crate::matching::its("field", "fields", names));
        }
        self.emit(d);
    }
}

/// A name path (`m.X`, `Shape.Circle`) resolved without looking at values.
pub enum Static<'a> {
    Def(DefId),
    Variant(DefId, usize),
    /// Through a missing module: accept silently.
    Poison,
    /// `Map.new`, `Set.new`.
    TypeMember(&'a str, &'a Ident),
    /// Already reported.
    Reported,
    /// Not a static path: a value expression.
    Value,
}
