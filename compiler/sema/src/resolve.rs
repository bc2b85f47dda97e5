//! Type expressions to types (E0202, E0208, E0211, E0505, E0506), aliases, and the key-type
//! rule for maps and sets (E0312).

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::env::{Env, Lookup, suggest};
use crate::items::DefKind;
use crate::suggest::Want;
use crate::types::{DefId, Ty};

/// Where a type expression appears: only a function's return type may be an error union.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TyPos {
    Return,
    Value,
}

pub(crate) const PRIMITIVES: &[&str] = &[
    "i64", "i32", "u64", "f64", "bool", "String", "Bytes", "void", "Duration", "Instant", "NodeId",
];
pub(crate) const GENERICS: &[&str] = &[
    "Map", "HashMap", "Set", "Option", "ActorRef", "GrainRef", "Reply",
];

impl<'a> Env<'a> {
    /// Resolves a path of names (`Shape`, `m.Shape`) to a declaration.
    pub fn resolve_def_path(&self, mi: usize, path: &[Ident]) -> Lookup {
        match path {
            [one] => self.lookup(mi, &one.name),
            [m, name] => match self.module_alias(mi, &m.name) {
                Some(Some(t)) => self
                    .lookup_in(t, &name.name)
                    .map_or(Lookup::NotFound, Lookup::Def),
                Some(None) => Lookup::Poison,
                None => Lookup::NotFound,
            },
            _ => Lookup::NotFound,
        }
    }

    /// Reports a path that named nothing: E0205 inside a known module, else `code`. Only
    /// names of kind `want` are offered as suggestions.
    pub fn report_unknown_path(
        &self,
        mi: usize,
        path: &[Ident],
        code: &'static str,
        what: &str,
        want: Want,
    ) {
        let Some(last) = path.last() else { return };
        if self.in_bodies.get() && self.is_poisoned(&path[0].name) {
            return;
        }
        self.poison(&path[0].name);
        if let [m, name] = path
            && let Some(Some(t)) = self.module_alias(mi, &m.name)
        {
            let cands = self.names_in(t, want);
            let mut d = Diagnostic::error(
                "E0205",
                format!("module `{}` has no `{}`", m.name, name.name),
            )
            .primary(name.span, "not found in this module");
            if let Some(s) = suggest(&name.name, cands) {
                d = d.help(format!("did you mean `{}.{s}`?", m.name));
            }
            self.emit(d);
            return;
        }
        let mut cands = self.names_of(mi, want);
        if want == Want::Type {
            cands.extend(PRIMITIVES.iter().copied());
            cands.extend(GENERICS.iter().copied());
        }
        let shown: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
        let mut d = Diagnostic::error(code, format!("unknown {what} `{}`", shown.join(".")))
            .primary(last.span.to(path[0].span), format!("not a known {what}"));
        if let Some(s) = suggest(&last.name, cands) {
            d = d.help(format!("did you mean `{s}`?"));
        } else if want == Want::Protocol {
            d = d.help("declare the protocol with `message Name { ... }`");
        }
        self.emit(d);
    }

    /// A type expression that should name a message protocol (`implements M`, the argument
    /// of `ActorRef[M]`): an unknown name is reported as an unknown protocol, with only
    /// protocols as suggestions.
    pub fn resolve_protocol_type(&self, mi: usize, t: &TypeExpr) -> Ty {
        if let TypeExprKind::Named { path, args } = &t.kind
            && args.is_empty()
            && self.resolve_def_path(mi, path) == Lookup::NotFound
            && !(path.len() == 1
                && (PRIMITIVES.contains(&path[0].name.as_str())
                    || GENERICS.contains(&path[0].name.as_str())))
        {
            self.report_unknown_path(mi, path, "E0202", "message protocol", Want::Protocol);
            return Ty::Error;
        }
        self.resolve_type(mi, t, TyPos::Value)
    }

    pub fn resolve_type(&self, mi: usize, t: &TypeExpr, pos: TyPos) -> Ty {
        match &t.kind {
            TypeExprKind::Error => Ty::Error,
            TypeExprKind::List(e) => Ty::list(self.resolve_type(mi, e, TyPos::Value)),
            TypeExprKind::Optional(e) => Ty::opt(self.resolve_type(mi, e, TyPos::Value)),
            TypeExprKind::Tuple(es) => {
                if es.is_empty() {
                    return Ty::Void;
                }
                Ty::Tuple(
                    es.iter()
                        .map(|e| self.resolve_type(mi, e, TyPos::Value))
                        .collect(),
                )
            }
            TypeExprKind::ErrorUnion { ok, errors } => {
                let ok_ty = self.resolve_type(mi, ok, TyPos::Value);
                let mut sets = Vec::new();
                let mut poisoned = false;
                for e in errors {
                    match self.resolve_error_set(mi, e) {
                        Some(d) => {
                            if !sets.contains(&d) {
                                sets.push(d)
                            }
                        }
                        None => poisoned = true,
                    }
                }
                if pos != TyPos::Return {
                    self.emit(
                        Diagnostic::error("E0505", "an error union cannot be stored in a value")
                            .primary(t.span, "error union here")
                            .note("only a function's return type may be `T ! E`")
                            .help("store the value and handle the error where it is produced"),
                    );
                    return ok_ty;
                }
                if poisoned && sets.is_empty() {
                    return Ty::Error;
                }
                Ty::Union(Box::new(ok_ty), sets)
            }
            TypeExprKind::Named { path, args } => self.resolve_named(mi, path, args, t.span, pos),
        }
    }

    fn resolve_error_set(&self, mi: usize, e: &TypeExpr) -> Option<DefId> {
        let TypeExprKind::Named { path, args } = &e.kind else {
            if !matches!(e.kind, TypeExprKind::Error) {
                self.emit(
                    Diagnostic::error("E0506", "expected an error set after `!`")
                        .primary(e.span, "not an error set"),
                );
            }
            return None;
        };
        let _ = args;
        match self.resolve_def_path(mi, path) {
            Lookup::Def(d) if self.is_error_set(d) => Some(d),
            Lookup::Def(d) => {
                self.emit(
                    Diagnostic::error(
                        "E0506",
                        format!(
                            "`{}` is {}, not an error set",
                            self.def(d).name,
                            self.def(d).a_kind()
                        ),
                    )
                    .primary(e.span, "not an error set")
                    .help("declare one with `error Name { Variant, ... }`"),
                );
                None
            }
            Lookup::Poison => None,
            Lookup::NotFound => {
                if let Some(first) = path.first() {
                    self.poison(&first.name);
                }
                let shown: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
                let cands = self.names_of(mi, Want::ErrorSet);
                let mut d =
                    Diagnostic::error("E0506", format!("unknown error set `{}`", shown.join(".")))
                        .primary(e.span, "not a known error set");
                if let Some(s) = path.last().and_then(|l| suggest(&l.name, cands)) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.emit(d);
                None
            }
        }
    }

    fn resolve_named(
        &self,
        mi: usize,
        path: &[Ident],
        args: &[TypeExpr],
        span: Span,
        pos: TyPos,
    ) -> Ty {
        let Some(first) = path.first() else {
            return Ty::Error;
        };
        if path.len() == 1
            && self.lookup(mi, &first.name) == Lookup::NotFound
            && let Some(t) = self.builtin_type(mi, &first.name, args, span)
        {
            return t;
        }
        let d = match self.resolve_def_path(mi, path) {
            Lookup::Def(d) => d,
            Lookup::Poison => return Ty::Error,
            Lookup::NotFound => {
                self.report_unknown_path(mi, path, "E0202", "type", Want::Type);
                return Ty::Error;
            }
        };
        if !args.is_empty() {
            self.emit(
                Diagnostic::error(
                    "E0208",
                    format!("`{}` takes no type arguments", self.def(d).name),
                )
                .primary(span, "type arguments given here"),
            );
        }
        match &self.def(d).kind {
            DefKind::Struct { .. } | DefKind::Enum { .. } => Ty::Def(d),
            DefKind::Supervisor(_) => Ty::Supervisor(d),
            DefKind::Alias { .. } => {
                let t = self.alias_ty(d);
                if let (Ty::Union(ok, _), TyPos::Value) = (&t, pos) {
                    self.emit(
                        Diagnostic::error("E0505", "an error union cannot be stored in a value")
                            .primary(span, format!("`{}` is an error union", self.def(d).name))
                            .help("only a function's return type may be `T ! E`"),
                    );
                    return (**ok).clone();
                }
                t
            }
            DefKind::Actor(a) => {
                let mut diag = Diagnostic::error(
                    "E0202",
                    format!(
                        "`{}` is {}, not a type",
                        self.def(d).name,
                        self.def(d).a_kind()
                    ),
                )
                .primary(span, "not a type");
                if let Some(p) = a.own {
                    let r = if a.decl.kind == ActorKind::Grain {
                        "GrainRef"
                    } else {
                        "ActorRef"
                    };
                    diag = diag.help(format!(
                        "a reference to it has type `{r}[{}]`",
                        self.def(p).name
                    ));
                }
                self.emit(diag);
                Ty::Error
            }
            DefKind::Func(_) | DefKind::Const { .. } => {
                self.emit(
                    Diagnostic::error(
                        "E0202",
                        format!(
                            "`{}` is {}, not a type",
                            self.def(d).name,
                            self.def(d).a_kind()
                        ),
                    )
                    .primary(span, "not a type"),
                );
                Ty::Error
            }
        }
    }

    fn builtin_type(&self, mi: usize, name: &str, args: &[TypeExpr], span: Span) -> Option<Ty> {
        let prim = match name {
            "i64" => Some(Ty::i64()),
            "i32" => Some(Ty::Int(crate::types::IntTy::I32)),
            "u64" => Some(Ty::Int(crate::types::IntTy::U64)),
            "f64" => Some(Ty::F64),
            "bool" => Some(Ty::Bool),
            "String" => Some(Ty::Str),
            "Bytes" => Some(Ty::Bytes),
            "void" => Some(Ty::Void),
            "Duration" => Some(Ty::Duration),
            "Instant" => Some(Ty::Instant),
            "NodeId" => Some(Ty::NodeId),
            _ => None,
        };
        if let Some(p) = prim {
            if !args.is_empty() {
                self.emit(
                    Diagnostic::error("E0208", format!("`{name}` takes no type arguments"))
                        .primary(span, "type arguments given here"),
                );
            }
            return Some(p);
        }
        let want = match name {
            "Map" | "HashMap" => 2,
            "Set" | "Option" | "ActorRef" | "GrainRef" | "Reply" => 1,
            _ => return None,
        };
        if args.len() != want {
            let example = match name {
                "Map" | "HashMap" => format!("{name}[K, V]"),
                "ActorRef" | "GrainRef" => format!("{name}[Msg]"),
                _ => format!("{name}[T]"),
            };
            self.emit(
                Diagnostic::error(
                    "E0208",
                    format!(
                        "`{name}` takes {want} type argument{}, found {}",
                        if want == 1 { "" } else { "s" },
                        args.len()
                    ),
                )
                .primary(span, "wrong number of type arguments")
                .help(format!("write `{example}`")),
            );
            for a in args {
                self.resolve_type(mi, a, TyPos::Value);
            }
            return Some(Ty::Error);
        }
        let protocol_arg = matches!(name, "ActorRef" | "GrainRef");
        let ts: Vec<Ty> = args
            .iter()
            .map(|a| {
                if protocol_arg {
                    self.resolve_protocol_type(mi, a)
                } else {
                    self.resolve_type(mi, a, TyPos::Value)
                }
            })
            .collect();
        Some(match name {
            "Map" | "HashMap" => {
                self.check_key_type(&ts[0], args[0].span, "map key");
                Ty::Map(Box::new(ts[0].clone()), Box::new(ts[1].clone()))
            }
            "Set" => {
                self.check_key_type(&ts[0], args[0].span, "set element");
                Ty::Set(Box::new(ts[0].clone()))
            }
            "Option" => Ty::opt(ts[0].clone()),
            "Reply" => Ty::Reply(Box::new(ts[0].clone())),
            _ => {
                let proto = match &ts[0] {
                    Ty::Error => return Some(Ty::Error),
                    Ty::Def(d) if self.is_message(*d) => *d,
                    other => {
                        self.emit(
                            Diagnostic::error(
                                "E0604",
                                format!(
                                    "`{name}` needs a message protocol, found `{}`",
                                    self.show(other)
                                ),
                            )
                            .primary(args[0].span, "not a message protocol")
                            .help("declare the protocol with `message Name { ... }`"),
                        );
                        return Some(Ty::Error);
                    }
                };
                if name == "ActorRef" {
                    Ty::ActorRef(vec![proto])
                } else {
                    Ty::GrainRef(vec![proto])
                }
            }
        })
    }

    /// E0312: map keys and set elements need `==` and no collection, `f64` or `Reply` inside.
    pub fn check_key_type(&self, t: &Ty, span: Span, what: &str) {
        if let Some(bad) = self.non_key_part(t, &mut Vec::new()) {
            self.emit(
                Diagnostic::error("E0312", format!("`{}` cannot be a {what}", self.show(t)))
                    .primary(span, format!("contains `{}`", self.show(&bad)))
                    .note(format!(
                        "{what}s may not contain lists, maps, sets, `f64` or `Reply`"
                    )),
            );
        }
    }

    /// The first part of `t` that keeps it from being a key, if any.
    pub fn non_key_part(&self, t: &Ty, seen: &mut Vec<DefId>) -> Option<Ty> {
        match t {
            Ty::List(_)
            | Ty::Map(..)
            | Ty::Set(_)
            | Ty::F64
            | Ty::Reply(_)
            | Ty::Void
            | Ty::Never => Some(t.clone()),
            Ty::Union(..) | Ty::Range(_) | Ty::Supervisor(_) => Some(t.clone()),
            Ty::Optional(i) => self.non_key_part(i, seen),
            Ty::Tuple(ts) => ts.iter().find_map(|x| self.non_key_part(x, seen)),
            Ty::Def(d) => {
                if seen.contains(d) {
                    return None;
                }
                seen.push(*d);
                match &self.def(*d).kind {
                    DefKind::Struct { fields, .. } => {
                        fields.iter().find_map(|f| self.non_key_part(&f.ty, seen))
                    }
                    DefKind::Enum { variants, .. } => variants
                        .iter()
                        .flat_map(|v| v.field_list().iter())
                        .find_map(|f| self.non_key_part(&f.ty, seen)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// An alias's target, resolved on first use; a cycle is E0211 (reported once).
    pub fn alias_ty(&self, d: DefId) -> Ty {
        let DefKind::Alias { decl, ty, busy } = &self.def(d).kind else {
            return Ty::Error;
        };
        if let Some(t) = ty.borrow().as_ref() {
            return t.clone();
        }
        if busy.get() {
            self.emit(
                Diagnostic::error(
                    "E0211",
                    format!("type alias `{}` refers to itself", decl.name.name),
                )
                .primary(decl.name.span, "this alias is part of a cycle")
                .help(
                    "an alias must name a type in the end; use a struct or enum for recursive data",
                ),
            );
            *ty.borrow_mut() = Some(Ty::Error);
            return Ty::Error;
        }
        busy.set(true);
        let t = self.resolve_type(self.def(d).module, &decl.ty, TyPos::Return);
        busy.set(false);
        let mut slot = ty.borrow_mut();
        if slot.is_none() {
            *slot = Some(t.clone());
        }
        slot.clone().unwrap_or(Ty::Error)
    }
}
