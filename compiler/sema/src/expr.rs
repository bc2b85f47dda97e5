//! Expressions, checked bidirectionally: an expected type (when known) flows in and decides
//! literals, `null`, `[]` and bare variants; the found type flows out and is compared at the
//! use site. Calls, literals, patterns, errors and actor operations have their own files.

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::Body;
use crate::env::Lookup;
use crate::items::DefKind;
use crate::types::{DefId, IntTy, Ty, assignable, join};

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
    NotStatic,
}

impl<'e, 'a> Body<'e, 'a> {
    /// Checks an expression that must produce a value; an error union here is E0505.
    pub fn expr(&mut self, e: &'a Expr, expected: Option<&Ty>) -> Ty {
        let t = self.expr_u(e, expected);
        self.no_union(t, e.span)
    }

    /// Reports an error union used as a plain value and continues with its value part.
    pub fn no_union(&self, t: Ty, span: Span) -> Ty {
        match t {
            Ty::Union(ok, sets) => {
                self.emit(
                    Diagnostic::error(
                        "E0505",
                        format!("this may fail with `{}`; an error union cannot be used as a value", self.env.show_sets(&sets)),
                    )
                    .primary(span, "error not handled")
                    .help("handle the error with `?`, `try` or `catch`"),
                );
                *ok
            }
            t => t,
        }
    }

    /// Checks an expression against a known type (E0301 on mismatch).
    pub fn expect(&mut self, e: &'a Expr, expected: &Ty) -> Ty {
        let t = self.expr(e, Some(expected));
        self.coerce(&t, expected, e.span);
        t
    }

    /// Checks an expression; the result may be an error union (`T ! E`).
    pub fn expr_u(&mut self, e: &'a Expr, expected: Option<&Ty>) -> Ty {
        if self.in_const && !is_const_form(&e.kind) {
            self.emit(
                Diagnostic::error("E0319", "a constant must be a constant expression")
                    .primary(e.span, "not a constant expression")
                    .note("constants may use literals, other constants, variants and operators"),
            );
            return Ty::Error;
        }
        let t = self.expr_kind(e, expected);
        self.env.record(e.span, &t);
        t
    }

    fn expr_kind(&mut self, e: &'a Expr, expected: Option<&Ty>) -> Ty {
        match &e.kind {
            ExprKind::Int(v) => self.int_lit(*v, false, expected, e.span),
            ExprKind::Float(_) => Ty::F64,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Str(_) => Ty::Str,
            ExprKind::Duration(_) => Ty::Duration,
            ExprKind::Interp(parts) => {
                for p in parts {
                    if let InterpPart::Expr(x) = p {
                        let t = self.expr(x, None);
                        if matches!(t, Ty::Void) {
                            self.emit(
                                Diagnostic::error("E0313", "this has no value to interpolate")
                                    .primary(x.span, "this is `void`"),
                            );
                        }
                    }
                }
                Ty::Str
            }
            ExprKind::Null => self.null_lit(expected, e.span),
            ExprKind::SelfRef => self.self_ref(e.span),
            ExprKind::Name(id) => self.name_expr(id, expected),
            ExprKind::DotName(id) => self.dot_name(id, expected),
            ExprKind::List(es) => self.list_lit(es, expected, e.span),
            ExprKind::Tuple(es) => {
                let hint = match expected {
                    Some(Ty::Tuple(ts)) if ts.len() == es.len() => Some(ts.clone()),
                    Some(Ty::Optional(inner)) => match &**inner {
                        Ty::Tuple(ts) if ts.len() == es.len() => Some(ts.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                let ts = es
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let t = self.expr(x, hint.as_ref().and_then(|h| h.get(i)));
                        self.value_needed(&t, x.span);
                        t
                    })
                    .collect();
                Ty::Tuple(ts)
            }
            ExprKind::StructLit { path, fields } => self.struct_lit(e, path, fields, expected, None),
            ExprKind::Call { callee, args } => self.call(e, callee, args, expected),
            ExprKind::Field { base, name } => self.field_expr(e, base, name, expected),
            ExprKind::TupleField { base, index, index_span } => {
                let bt = self.expr(base, None);
                match &bt {
                    Ty::Error => Ty::Error,
                    Ty::Tuple(ts) if (*index as usize) < ts.len() => ts[*index as usize].clone(),
                    other => {
                        self.emit(
                            Diagnostic::error("E0209", format!("`{}` has no field `{index}`", self.show(other)))
                                .primary(*index_span, "no such field"),
                        );
                        Ty::Error
                    }
                }
            }
            ExprKind::Index { base, index } => {
                let bt = self.expr(base, None);
                match bt {
                    Ty::Error => {
                        self.expr(index, None);
                        Ty::Error
                    }
                    Ty::List(t) => {
                        self.expect(index, &Ty::i64());
                        *t
                    }
                    other => {
                        self.expr(index, None);
                        let mut d = Diagnostic::error("E0305", format!("cannot index into a value of type `{}`", self.show(&other)))
                            .primary(base.span, "not a list");
                        if matches!(other, Ty::Map(..)) {
                            d = d.help("read a map with `.get(key)`, which gives an optional");
                        }
                        self.emit(d);
                        Ty::Error
                    }
                }
            }
            ExprKind::Unary { op, expr } => self.unary(*op, expr, expected, e.span),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expected, e.span),
            ExprKind::Range { lo, hi, .. } => {
                self.emit(
                    Diagnostic::error("E0316", "a range can only be iterated by `for`")
                        .primary(e.span, "range outside `for`")
                        .help("write `for i in a..<b do ... end`, or build a list"),
                );
                self.expr(lo, None);
                self.expr(hi, None);
                Ty::Error
            }
            ExprKind::Try(inner) => self.try_expr(inner, expected, e.span),
            ExprKind::Catch { expr, binding, handler } => self.catch_expr(expr, binding.as_ref(), handler, expected),
            ExprKind::If { cond, then, else_ } => self.if_expr(cond, then, else_.as_deref(), expected, true),
            ExprKind::Match { scrutinee, arms } => self.match_expr(e, scrutinee, arms, expected, true),
            ExprKind::Block(b) => self.block(b, expected, true),
            ExprKind::Spawn { target, on } => self.spawn(e, target, on.as_deref()),
            ExprKind::Return(v) => self.return_expr(v.as_deref(), e.span),
            ExprKind::Fail(v) => self.fail_expr(v, e.span),
            ExprKind::Break | ExprKind::Continue => {
                let is_break = matches!(e.kind, ExprKind::Break);
                match self.loops.last_mut() {
                    Some(has_break) => {
                        if is_break {
                            *has_break = true;
                        }
                    }
                    None => {
                        let w = if is_break { "break" } else { "continue" };
                        self.emit(
                            Diagnostic::error("E0308", format!("`{w}` outside a loop"))
                                .primary(e.span, "not inside `while` or `for`"),
                        );
                    }
                }
                Ty::Never
            }
            ExprKind::Error => {
                self.saw_syntax_error = true;
                Ty::Error
            }
        }
    }

    /// E0313 when a `void` or `never`-less value is used where a value is needed.
    pub fn value_needed(&self, t: &Ty, span: Span) {
        if matches!(t, Ty::Void) {
            self.emit(
                Diagnostic::error("E0313", "this expression has no value")
                    .primary(span, "this is `void`"),
            );
        }
    }

    pub fn int_lit(&mut self, v: u64, negative: bool, expected: Option<&Ty>, span: Span) -> Ty {
        let k = expected.and_then(Ty::int_hint).unwrap_or(IntTy::I64);
        if !k.fits(v, negative) {
            let shown = if negative { format!("-{v}") } else { v.to_string() };
            self.emit(
                Diagnostic::error("E0315", format!("integer literal `{shown}` does not fit in `{}`", k.name()))
                    .primary(span, format!("out of range for `{}`", k.name())),
            );
            return Ty::Error;
        }
        Ty::Int(k)
    }

    fn null_lit(&mut self, expected: Option<&Ty>, span: Span) -> Ty {
        match expected {
            Some(t @ Ty::Optional(_)) => t.clone(),
            Some(Ty::Union(ok, _)) if matches!(**ok, Ty::Optional(_)) => (**ok).clone(),
            Some(Ty::Error) => Ty::Error,
            Some(t) => {
                self.emit(
                    Diagnostic::error("E0301", format!("mismatched types: expected `{}`, found `null`", self.show(t)))
                        .primary(span, format!("`{}` is not optional", self.show(t)))
                        .help(format!("make the type optional: `?{}`", self.show(t))),
                );
                Ty::Error
            }
            None if self.lenient > 0 => Ty::Error,
            None => {
                self.emit(
                    Diagnostic::error("E0306", "cannot infer the type of `null`")
                        .primary(span, "type needed here")
                        .help("give the binding an optional type, e.g. `let x: ?String = null`"),
                );
                Ty::Error
            }
        }
    }

    fn self_ref(&mut self, span: Span) -> Ty {
        let Some(owner) = self.owner else {
            self.emit(
                Diagnostic::error("E0607", "`self` is only available inside an actor or grain")
                    .primary(span, "not inside an actor or grain"),
            );
            return Ty::Error;
        };
        self.ref_type(owner)
    }

    /// The reference type of an actor, grain or behavior.
    pub fn ref_type(&self, d: DefId) -> Ty {
        match self.env.def(d).actor() {
            Some(a) if a.decl.kind == ActorKind::Grain => Ty::GrainRef(a.protocols.clone()),
            Some(a) => Ty::ActorRef(a.protocols.clone()),
            None => Ty::Error,
        }
    }

    /// The variant `name` of an expected sum type (through `?T` and `T ! E`).
    pub fn find_variant(&self, ty: &Ty, name: &str) -> Option<(DefId, usize)> {
        match ty {
            Ty::Def(d) => {
                let vs = self.env.def(*d).variants()?;
                vs.iter().position(|v| v.name == name).map(|i| (*d, i))
            }
            Ty::ErrSets(ds) => ds.iter().find_map(|d| self.find_variant(&Ty::Def(*d), name)),
            Ty::Optional(t) | Ty::Union(t, _) => self.find_variant(t, name),
            _ => None,
        }
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
                    Diagnostic::error("E0207", format!("`{name}` is ambiguous: several types have this variant"))
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
        let def = self.env.def(d);
        if let Some(v) = def.variants().and_then(|vs| vs.get(vi)) {
            let fields = v.field_list();
            if !fields.is_empty() {
                let names: Vec<String> = fields.iter().map(|f| format!("{}: ...", f.name)).collect();
                self.emit(
                    Diagnostic::error("E0303", format!("`{}.{}` needs its fields", def.name, v.name))
                        .primary(span, "missing fields")
                        .help(format!("write `{} {{ {} }}`", v.name, names.join(", "))),
                );
            }
        }
        Ty::Def(d)
    }

    fn name_expr(&mut self, id: &'a Ident, expected: Option<&Ty>) -> Ty {
        let name = id.name.as_str();
        if let Some((d, vi)) = expected.and_then(|t| self.find_variant(t, name)) {
            return self.variant_value(d, vi, id.span);
        }
        if let Some(l) = self.local(name) {
            return l.ty.clone();
        }
        match self.env.lookup(self.mi, name) {
            Lookup::Def(d) => return self.def_as_value(d, id.span),
            Lookup::Poison => return Ty::Error,
            Lookup::NotFound => {}
        }
        if self.owner.and_then(|o| self.env.def(o).actor()).is_some_and(|a| a.helpers.contains_key(name)) {
            self.not_a_value(id.span, format!("`{name}` is a function; functions are not values"), Some(format!("call it: `{name}(...)`")));
            return Ty::Error;
        }
        match self.unique_variant(name, id.span) {
            Some(Some((d, vi))) => return self.variant_value(d, vi, id.span),
            Some(None) => return Ty::Error,
            None => {}
        }
        if self.env.module_alias(self.mi, name).is_some() {
            self.not_a_value(id.span, format!("`{name}` is a module, not a value"), Some(format!("use one of its names: `{name}.Name`")));
            return Ty::Error;
        }
        if crate::builtins::BUILTIN_FUNCS.contains(&name) {
            self.not_a_value(id.span, format!("`{name}` is a built-in function; functions are not values"), Some(format!("call it: `{name}(...)`")));
            return Ty::Error;
        }
        self.unknown_name(name, id.span, &[]);
        Ty::Error
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
                self.not_a_value(span, format!("`{name}` is a function; functions are not values"), Some(format!("call it: `{name}(...)`")));
                Ty::Error
            }
            DefKind::Actor(a) if a.decl.kind == ActorKind::Actor => {
                self.emit(
                    Diagnostic::error("E0609", format!("`{name}` is an actor; it must be started with `spawn`"))
                        .primary(span, "actor used without `spawn`")
                        .help(format!("write `spawn {name}(...)`")),
                );
                Ty::Error
            }
            DefKind::Actor(a) if a.decl.kind == ActorKind::Grain => {
                self.not_a_value(span, format!("`{name}` is a grain; its reference needs its identity"), Some(format!("write `{name}(key)`")));
                Ty::Error
            }
            DefKind::Supervisor(_) => {
                self.emit(
                    Diagnostic::error("E0609", format!("`{name}` is a supervisor; it must be started with `spawn`"))
                        .primary(span, "supervisor used without `spawn`")
                        .help(format!("write `spawn {name}(...)`")),
                );
                Ty::Error
            }
            _ => {
                self.not_a_value(span, format!("`{name}` is a {}, not a value", def.describe()), None);
                Ty::Error
            }
        }
    }

    fn dot_name(&mut self, id: &'a Ident, expected: Option<&Ty>) -> Ty {
        if let Some(exp) = expected {
            if exp.has_error() && self.sum_def(exp).is_none() {
                return Ty::Error;
            }
            if let Some((d, vi)) = self.find_variant(exp, &id.name) {
                return self.variant_value(d, vi, id.span);
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
            Some(Some((d, vi))) => self.variant_value(d, vi, id.span),
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
        let names: Vec<&str> = def.variants().unwrap_or(&[]).iter().map(|v| v.name).collect();
        let mut d = Diagnostic::error("E0206", format!("`{}` has no variant `{}`", def.name, id.name))
            .primary(id.span, "unknown variant");
        if let Some(s) = crate::env::suggest(&id.name, names.into_iter()) {
            d = d.help(format!("did you mean `.{s}`?"));
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
        let ExprKind::Field { base, name } = &e.kind else { return Static::NotStatic };
        match &base.kind {
            ExprKind::Name(a) if self.local(&a.name).is_none() => {
                match self.env.module_alias(self.mi, &a.name) {
                    Some(Some(t)) => {
                        return match self.env.lookup_in(t, &name.name) {
                            Some(d) => Static::Def(d),
                            None => {
                                self.env.report_unknown_path(self.mi, &[a.clone(), name.clone()], "E0201", "name");
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
                        None => Static::NotStatic,
                    },
                    Lookup::Poison => Static::Poison,
                    Lookup::NotFound => match a.name.as_str() {
                        "Map" | "HashMap" | "Set" => Static::TypeMember(&a.name, name),
                        _ => Static::NotStatic,
                    },
                }
            }
            ExprKind::Field { base: inner, name: a } => {
                let ExprKind::Name(m) = &inner.kind else { return Static::NotStatic };
                if self.local(&m.name).is_some() {
                    return Static::NotStatic;
                }
                match self.env.module_alias(self.mi, &m.name) {
                    Some(Some(t)) => match self.env.lookup_in(t, &a.name).and_then(|d| self.enum_target(d)) {
                        Some(en) => self.variant_static(en, name),
                        None => Static::NotStatic,
                    },
                    Some(None) => Static::Poison,
                    None => Static::NotStatic,
                }
            }
            _ => Static::NotStatic,
        }
    }

    fn variant_static(&self, en: DefId, name: &'a Ident) -> Static<'a> {
        match self.find_variant(&Ty::Def(en), &name.name) {
            Some((d, vi)) => Static::Variant(d, vi),
            None => {
                self.unknown_variant(en, name);
                Static::Reported
            }
        }
    }

    fn field_expr(&mut self, e: &'a Expr, base: &'a Expr, name: &'a Ident, _expected: Option<&Ty>) -> Ty {
        match self.try_static(e) {
            Static::Def(d) => return self.def_as_value(d, e.span),
            Static::Variant(d, vi) => return self.variant_value(d, vi, e.span),
            Static::Poison | Static::Reported => return Ty::Error,
            Static::TypeMember(ty, m) => {
                self.not_a_value(m.span, format!("`{ty}.{}` is not a value", m.name), Some(format!("call it: `{ty}.new()`")));
                return Ty::Error;
            }
            Static::NotStatic => {}
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
                    DefKind::Struct { fields, .. } => match fields.iter().find(|f| f.name == name.name) {
                        Some(f) => f.ty.clone(),
                        None => {
                            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                            self.unknown_field(def.name, &names, name);
                            Ty::Error
                        }
                    },
                    _ => {
                        self.emit(
                            Diagnostic::error("E0209", format!("`{}` has no field `{}`", def.name, name.name))
                                .primary(name.span, "unknown field")
                                .help(format!("`{}` is a {}; use `match` to read the fields of its variants", def.name, def.describe())),
                        );
                        Ty::Error
                    }
                }
            }
            Ty::Supervisor(s) => self.child_of(*s, name),
            other => {
                let mut d = Diagnostic::error("E0209", format!("`{}` has no field `{}`", self.show(other), name.name))
                    .primary(name.span, "unknown field");
                if crate::builtins::has_method(other, &name.name) {
                    d = d.help(format!("`{}` is a method: call it with `.{}()`", name.name, name.name));
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
            d = d.note(format!("its fields: {}", names.join(", ")));
        }
        self.emit(d);
    }

    fn list_lit(&mut self, es: &'a [Expr], expected: Option<&Ty>, span: Span) -> Ty {
        let elem = match expected {
            Some(Ty::List(t)) => Some((**t).clone()),
            Some(Ty::Optional(o)) => match &**o {
                Ty::List(t) => Some((**t).clone()),
                _ => None,
            },
            Some(Ty::Error) => Some(Ty::Error),
            _ => None,
        };
        if let Some(t) = elem {
            for x in es {
                self.expect(x, &t);
            }
            return Ty::list(t);
        }
        let Some((first, rest)) = es.split_first() else {
            if self.lenient > 0 {
                return Ty::Error;
            }
            self.emit(
                Diagnostic::error("E0306", "cannot infer the element type of an empty list")
                    .primary(span, "type needed here")
                    .help("annotate the binding, e.g. `var xs: [i64] = []`"),
            );
            return Ty::Error;
        };
        let t = self.expr(first, None);
        self.value_needed(&t, first.span);
        for x in rest {
            self.expect(x, &t);
        }
        Ty::list(t)
    }

    fn unary(&mut self, op: UnOp, inner: &'a Expr, expected: Option<&Ty>, span: Span) -> Ty {
        match op {
            UnOp::Not => {
                let t = self.expr(inner, Some(&Ty::Bool));
                self.bool_operand(&t, "not", inner.span);
                Ty::Bool
            }
            UnOp::Neg => {
                if let ExprKind::Int(v) = inner.kind {
                    let t = self.int_lit(v, true, expected, span);
                    if t == Ty::Int(IntTy::U64) && v != 0 {
                        return t;
                    }
                    self.env.record(inner.span, &t);
                    return t;
                }
                let t = self.expr(inner, expected);
                match t {
                    Ty::Error | Ty::Int(IntTy::I64) | Ty::Int(IntTy::I32) | Ty::F64 | Ty::Never => t,
                    other => {
                        self.emit(
                            Diagnostic::error("E0305", format!("cannot negate a value of type `{}`", self.show(&other)))
                                .primary(span, "`-` needs a signed number"),
                        );
                        Ty::Error
                    }
                }
            }
        }
    }

    /// Both operands of a binary operator; an integer literal on the left takes the right's type.
    pub fn operands(&mut self, lhs: &'a Expr, rhs: &'a Expr, hint: Option<&Ty>) -> (Ty, Ty) {
        if is_int_lit(lhs) && !is_int_lit(rhs) {
            let rt = self.expr(rhs, hint);
            let lt = self.expr(lhs, Some(&rt));
            (lt, rt)
        } else {
            let lt = self.expr(lhs, hint);
            let rt = self.expr(rhs, Some(&lt));
            (lt, rt)
        }
    }

    fn binary(&mut self, op: BinOp, lhs: &'a Expr, rhs: &'a Expr, expected: Option<&Ty>, span: Span) -> Ty {
        match op {
            BinOp::And | BinOp::Or => {
                let lt = self.expr(lhs, Some(&Ty::Bool));
                self.bool_operand(&lt, op.symbol(), lhs.span);
                let rt = self.expr(rhs, Some(&Ty::Bool));
                self.bool_operand(&rt, op.symbol(), rhs.span);
                Ty::Bool
            }
            BinOp::Coalesce => {
                let hint = expected.map(|t| Ty::opt(t.clone()));
                let lt = self.expr(lhs, hint.as_ref());
                match lt {
                    Ty::Optional(inner) => {
                        let rt = self.expr(rhs, Some(&inner));
                        if assignable(&rt, &inner) {
                            *inner
                        } else if assignable(&rt, &Ty::Optional(inner.clone())) {
                            Ty::Optional(inner)
                        } else {
                            self.coerce(&rt, &inner, rhs.span);
                            *inner
                        }
                    }
                    Ty::Error => {
                        self.expr(rhs, expected);
                        Ty::Error
                    }
                    other => {
                        self.emit(
                            Diagnostic::error("E0305", format!("`??` needs an optional on its left, found `{}`", self.show(&other)))
                                .primary(lhs.span, "not optional")
                                .help("`a ?? b` gives `b` when `a` is `null`"),
                        );
                        self.expr(rhs, Some(&other));
                        other
                    }
                }
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (lt, rt) = self.operands(lhs, rhs, None);
                if lt.has_error() || rt.has_error() {
                    return Ty::Bool;
                }
                if !assignable(&rt, &lt) && !assignable(&lt, &rt) {
                    self.emit(
                        Diagnostic::error(
                            "E0305",
                            format!("cannot compare `{}` with `{}`", self.show(&lt), self.show(&rt)),
                        )
                        .primary(span, "operands of different types"),
                    );
                    return Ty::Bool;
                }
                let ordering = !matches!(op, BinOp::Eq | BinOp::Ne);
                if ordering && !(self.ordered(&lt) && self.ordered(&rt)) {
                    self.emit(
                        Diagnostic::error("E0311", format!("`{}` is not defined on `{}`", op.symbol(), self.show(&lt)))
                            .primary(span, "values of this type have no order")
                            .note("`<` compares numbers, strings, bytes, durations, instants and tuples of them"),
                    );
                } else if !ordering && (self.contains_reply(&lt, &mut Vec::new()) || self.contains_reply(&rt, &mut Vec::new())) {
                    self.emit(
                        Diagnostic::error("E0311", format!("`{}` cannot compare values containing `Reply`", op.symbol()))
                            .primary(span, "`Reply` has no equality")
                            .note("a `Reply` is a one-shot channel, not data"),
                    );
                }
                Ty::Bool
            }
            BinOp::Concat => {
                let hint = expected.filter(|t| matches!(t, Ty::List(_) | Ty::Str));
                let (lt, rt) = self.operands(lhs, rhs, hint);
                match (&lt, &rt) {
                    (Ty::Error, _) | (_, Ty::Error) => {
                        if matches!(lt, Ty::Error) { rt } else { lt }
                    }
                    (Ty::Str, Ty::Str) => Ty::Str,
                    (Ty::List(a), Ty::List(b)) if crate::types::same(a, b) => lt.clone(),
                    _ => {
                        self.emit(
                            Diagnostic::error("E0305", format!("cannot concatenate `{}` and `{}`", self.show(&lt), self.show(&rt)))
                                .primary(span, "`++` joins two strings or two lists of one type"),
                        );
                        Ty::Error
                    }
                }
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                let hint = expected.filter(|t| t.is_numeric());
                let (lt, rt) = self.operands(lhs, rhs, hint);
                self.arith(op, &lt, &rt, span)
            }
        }
    }

    fn bool_operand(&self, t: &Ty, op: &str, span: Span) {
        if !crate::types::assignable(t, &Ty::Bool) {
            self.emit(
                Diagnostic::error("E0305", format!("`{op}` needs `bool` operands, found `{}`", self.show(t)))
                    .primary(span, "not a `bool`")
                    .help("compare explicitly, e.g. `n != 0`"),
            );
        }
    }

    /// The result of an arithmetic operator, or E0305.
    pub fn arith(&self, op: BinOp, lt: &Ty, rt: &Ty, span: Span) -> Ty {
        match (lt, rt) {
            (Ty::Error, _) | (_, Ty::Error) => Ty::Error,
            (Ty::Never, t) | (t, Ty::Never) => t.clone(),
            (a, b) if a.is_numeric() && a == b => a.clone(),
            (Ty::Duration, Ty::Duration) if matches!(op, BinOp::Add | BinOp::Sub) => Ty::Duration,
            (Ty::Instant, Ty::Duration) if matches!(op, BinOp::Add | BinOp::Sub) => Ty::Instant,
            (Ty::Instant, Ty::Instant) if op == BinOp::Sub => Ty::Duration,
            _ => {
                let mut d = Diagnostic::error(
                    "E0305",
                    format!("cannot apply `{}` to `{}` and `{}`", op.symbol(), self.show(lt), self.show(rt)),
                )
                .primary(span, "operator not defined for these types");
                if matches!((lt, rt), (Ty::Str, Ty::Str)) && op == BinOp::Add {
                    d = d.help("concatenate strings with `++`");
                } else if lt.is_numeric() && rt.is_numeric() {
                    d = d.help("no implicit numeric conversion: convert one side, e.g. `.to_f64()`");
                }
                self.emit(d);
                Ty::Error
            }
        }
    }

    pub fn ordered(&self, t: &Ty) -> bool {
        match t {
            Ty::Int(_) | Ty::F64 | Ty::Str | Ty::Bytes | Ty::Duration | Ty::Instant | Ty::Error | Ty::Never => true,
            Ty::Tuple(ts) => ts.iter().all(|x| self.ordered(x)),
            _ => false,
        }
    }

    pub fn contains_reply(&self, t: &Ty, seen: &mut Vec<DefId>) -> bool {
        match t {
            Ty::Reply(_) => true,
            Ty::List(x) | Ty::Set(x) | Ty::Optional(x) => self.contains_reply(x, seen),
            Ty::Map(k, v) => self.contains_reply(k, seen) || self.contains_reply(v, seen),
            Ty::Tuple(ts) => ts.iter().any(|x| self.contains_reply(x, seen)),
            Ty::Def(d) => {
                if seen.contains(d) {
                    return false;
                }
                seen.push(*d);
                match &self.env.def(*d).kind {
                    DefKind::Struct { fields, .. } => fields.iter().any(|f| self.contains_reply(&f.ty, seen)),
                    DefKind::Enum { variants, .. } => variants
                        .iter()
                        .flat_map(|v| v.field_list().iter())
                        .any(|f| self.contains_reply(&f.ty, seen)),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// `if` as a value (`value`) or as a statement.
    pub fn if_expr(&mut self, cond: &'a Expr, then: &'a Block, else_: Option<&'a Expr>, expected: Option<&Ty>, value: bool) -> Ty {
        self.expect(cond, &Ty::Bool);
        let tt = self.block(then, expected, value);
        let Some(el) = else_ else { return Ty::Void };
        let hint = expected.cloned().or_else(|| (!matches!(tt, Ty::Never)).then(|| tt.clone()));
        let et = if value {
            match &el.kind {
                ExprKind::Block(b) => self.block(b, hint.as_ref(), true),
                _ => self.expr(el, hint.as_ref()),
            }
        } else {
            self.expr_stmt(el)
        };
        if !value {
            return if matches!(tt, Ty::Never) && matches!(et, Ty::Never) { Ty::Never } else { Ty::Void };
        }
        match join(&tt, &et) {
            Some(t) => t,
            None => {
                if !tt.has_error() && !et.has_error() {
                    self.emit(
                        Diagnostic::error(
                            "E0301",
                            format!("`if` and `else` have different types: `{}` and `{}`", self.show(&tt), self.show(&et)),
                        )
                        .primary(el.span, format!("expected `{}`", self.show(&tt))),
                    );
                }
                Ty::Error
            }
        }
    }
}

pub fn is_int_lit(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) => true,
        ExprKind::Unary { op: UnOp::Neg, expr } => matches!(expr.kind, ExprKind::Int(_)),
        _ => false,
    }
}

fn is_const_form(k: &ExprKind) -> bool {
    matches!(
        k,
        ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::Str(_)
            | ExprKind::Duration(_)
            | ExprKind::Null
            | ExprKind::Name(_)
            | ExprKind::DotName(_)
            | ExprKind::List(_)
            | ExprKind::Tuple(_)
            | ExprKind::StructLit { .. }
            | ExprKind::Field { .. }
            | ExprKind::TupleField { .. }
            | ExprKind::Unary { .. }
            | ExprKind::Binary { .. }
            | ExprKind::Error
    )
}
