//! Type expressions to types (E0202, E0208, E0211, E0505, E0506), and the pass that fills the
//! definition table with resolved field, variant, parameter and signature types.

use std::collections::HashMap;

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::env::{Env, Lookup, suggest};
use crate::items::{DefKind, FieldTy, VariantTy};
use crate::types::{DefId, Ty};

/// Where a type expression appears: only a function's return type may be an error union.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TyPos {
    Return,
    Value,
}

const PRIMITIVES: &[&str] = &[
    "i64", "i32", "u64", "f64", "bool", "String", "Bytes", "void", "Duration", "Instant", "NodeId",
];
const GENERICS: &[&str] = &["Map", "HashMap", "Set", "Option", "ActorRef", "GrainRef", "Reply"];

impl<'a> Env<'a> {
    /// Resolves a path of names (`Shape`, `m.Shape`) to a declaration.
    pub fn resolve_def_path(&self, mi: usize, path: &[Ident]) -> Lookup {
        match path {
            [one] => self.lookup(mi, &one.name),
            [m, name] => match self.module_alias(mi, &m.name) {
                Some(Some(t)) => self.lookup_in(t, &name.name).map_or(Lookup::NotFound, Lookup::Def),
                Some(None) => Lookup::Poison,
                None => Lookup::NotFound,
            },
            _ => Lookup::NotFound,
        }
    }

    /// Reports a path that named nothing: E0205 inside a known module, else `code`.
    pub fn report_unknown_path(&self, mi: usize, path: &[Ident], code: &'static str, what: &str) {
        let Some(last) = path.last() else { return };
        self.poison(&path[0].name);
        if let [m, name] = path {
            if let Some(Some(t)) = self.module_alias(mi, &m.name) {
                let cands: Vec<&str> = self.scopes[t].items.keys().copied().collect();
                let mut d = Diagnostic::error(
                    "E0205",
                    format!("module `{}` has no `{}`", m.name, name.name),
                )
                .primary(name.span, "not found in this module");
                if let Some(s) = suggest(&name.name, cands.into_iter()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.emit(d);
                return;
            }
        }
        let mut cands = self.visible_names(mi);
        if code == "E0202" {
            cands.extend(PRIMITIVES.iter().copied());
            cands.extend(GENERICS.iter().copied());
        }
        let shown: Vec<&str> = path.iter().map(|i| i.name.as_str()).collect();
        let mut d = Diagnostic::error(code, format!("unknown {what} `{}`", shown.join(".")))
            .primary(last.span.to(path[0].span), format!("not a known {what}"));
        if let Some(s) = suggest(&last.name, cands.into_iter()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        self.emit(d);
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
                Ty::Tuple(es.iter().map(|e| self.resolve_type(mi, e, TyPos::Value)).collect())
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
                        format!("`{}` is a {}, not an error set", self.def(d).name, self.def(d).describe()),
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
                let cands: Vec<&str> = self
                    .visible_names(mi)
                    .into_iter()
                    .chain(["AskError", "ParseError"])
                    .collect();
                let mut d = Diagnostic::error("E0506", format!("unknown error set `{}`", shown.join(".")))
                    .primary(e.span, "not a known error set");
                if let Some(s) = path.last().and_then(|l| suggest(&l.name, cands.into_iter())) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                self.emit(d);
                None
            }
        }
    }

    fn resolve_named(&self, mi: usize, path: &[Ident], args: &[TypeExpr], span: Span, pos: TyPos) -> Ty {
        let Some(first) = path.first() else { return Ty::Error };
        if path.len() == 1 && self.lookup(mi, &first.name) == Lookup::NotFound {
            if let Some(t) = self.builtin_type(mi, &first.name, args, span) {
                return t;
            }
        }
        let d = match self.resolve_def_path(mi, path) {
            Lookup::Def(d) => d,
            Lookup::Poison => return Ty::Error,
            Lookup::NotFound => {
                self.report_unknown_path(mi, path, "E0202", "type");
                return Ty::Error;
            }
        };
        if !args.is_empty() {
            self.emit(
                Diagnostic::error("E0208", format!("`{}` takes no type arguments", self.def(d).name))
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
                    format!("`{}` is {} {}, not a type", self.def(d).name, article(self.def(d).describe()), self.def(d).describe()),
                )
                .primary(span, "not a type");
                if let Some(p) = a.own {
                    let r = if a.decl.kind == ActorKind::Grain { "GrainRef" } else { "ActorRef" };
                    diag = diag.help(format!("a reference to it has type `{r}[{}]`", self.def(p).name));
                }
                self.emit(diag);
                Ty::Error
            }
            DefKind::Func(_) | DefKind::Const { .. } => {
                self.emit(
                    Diagnostic::error(
                        "E0202",
                        format!("`{}` is a {}, not a type", self.def(d).name, self.def(d).describe()),
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
                    format!("`{name}` takes {want} type argument{}, found {}", if want == 1 { "" } else { "s" }, args.len()),
                )
                .primary(span, "wrong number of type arguments")
                .help(format!("write `{example}`")),
            );
            for a in args {
                self.resolve_type(mi, a, TyPos::Value);
            }
            return Some(Ty::Error);
        }
        let ts: Vec<Ty> = args.iter().map(|a| self.resolve_type(mi, a, TyPos::Value)).collect();
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
                                format!("`{name}` needs a message protocol, found `{}`", self.show(other)),
                            )
                            .primary(args[0].span, "not a message protocol")
                            .help("declare the protocol with `message Name { ... }`"),
                        );
                        return Some(Ty::Error);
                    }
                };
                if name == "ActorRef" { Ty::ActorRef(vec![proto]) } else { Ty::GrainRef(vec![proto]) }
            }
        })
    }

    /// E0312: map keys and set elements need `==` and no collection, `f64` or `Reply` inside.
    pub fn check_key_type(&self, t: &Ty, span: Span, what: &str) {
        if let Some(bad) = self.non_key_part(t, &mut Vec::new()) {
            self.emit(
                Diagnostic::error("E0312", format!("`{}` cannot be a {what}", self.show(t)))
                    .primary(span, format!("contains `{}`", self.show(&bad)))
                    .note("keys may not contain lists, maps, sets, `f64` or `Reply`"),
            );
        }
    }

    /// The first part of `t` that keeps it from being a key, if any.
    pub fn non_key_part(&self, t: &Ty, seen: &mut Vec<DefId>) -> Option<Ty> {
        match t {
            Ty::List(_) | Ty::Map(..) | Ty::Set(_) | Ty::F64 | Ty::Reply(_) | Ty::Void | Ty::Never => {
                Some(t.clone())
            }
            Ty::Union(..) | Ty::Range(_) | Ty::Supervisor(_) => Some(t.clone()),
            Ty::Optional(i) => self.non_key_part(i, seen),
            Ty::Tuple(ts) => ts.iter().find_map(|x| self.non_key_part(x, seen)),
            Ty::Def(d) => {
                if seen.contains(d) {
                    return None;
                }
                seen.push(*d);
                match &self.def(*d).kind {
                    DefKind::Struct { fields, .. } => fields.iter().find_map(|f| self.non_key_part(&f.ty, seen)),
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
        let DefKind::Alias { decl, ty, busy } = &self.def(d).kind else { return Ty::Error };
        if let Some(t) = ty.borrow().as_ref() {
            return t.clone();
        }
        if busy.get() {
            self.emit(
                Diagnostic::error("E0211", format!("type alias `{}` refers to itself", decl.name.name))
                    .primary(decl.name.span, "this alias is part of a cycle")
                    .help("an alias must name a type in the end; use a struct or enum for recursive data"),
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

    fn resolve_fields(&self, mi: usize, fields: &'a [FieldDecl], what: &str) -> Vec<FieldTy<'a>> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            if let Some(prev) = seen.insert(&f.name.name, f.name.span) {
                self.emit(
                    Diagnostic::error("E0203", format!("{what} `{}` is declared twice", f.name.name))
                        .primary(f.name.span, "declared again here")
                        .secondary(prev, "first declared here"),
                );
                continue;
            }
            out.push(FieldTy { name: &f.name.name, ty: self.resolve_type(mi, &f.ty, TyPos::Value), span: f.name.span });
        }
        out
    }

    pub fn resolve_params(&self, mi: usize, params: &'a [Param]) -> Vec<FieldTy<'a>> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::with_capacity(params.len());
        for p in params {
            if let Some(prev) = seen.insert(&p.name.name, p.name.span) {
                self.emit(
                    Diagnostic::error("E0203", format!("parameter `{}` is declared twice", p.name.name))
                        .primary(p.name.span, "declared again here")
                        .secondary(prev, "first declared here"),
                );
            }
            out.push(FieldTy { name: &p.name.name, ty: self.resolve_type(mi, &p.ty, TyPos::Value), span: p.name.span });
        }
        out
    }

    /// Fills in the types of every declaration.
    pub(crate) fn resolve_defs(&mut self) {
        // Aliases first so that cycles are reported at the first alias of the cycle.
        for i in 0..self.defs.len() {
            if matches!(self.defs[i].kind, DefKind::Alias { .. }) {
                self.alias_ty(DefId(i as u32));
            }
        }
        for i in 0..self.defs.len() {
            let id = DefId(i as u32);
            let mi = self.defs[i].module;
            match &self.defs[i].kind {
                DefKind::Struct { decl, .. } => {
                    let f = self.resolve_fields(mi, &decl.fields, "field");
                    if let DefKind::Struct { fields, .. } = &mut self.defs[i].kind {
                        *fields = f;
                    }
                }
                DefKind::Enum { .. } => {
                    let Some(decl) = self.enum_decls.get(&id).copied() else { continue };
                    let vs = self.resolve_variants(mi, decl);
                    if let DefKind::Enum { variants, .. } = &mut self.defs[i].kind {
                        *variants = vs;
                    }
                }
                DefKind::Const { decl, .. } => {
                    let t = self.resolve_type(mi, &decl.ty, TyPos::Value);
                    if let DefKind::Const { ty, .. } = &mut self.defs[i].kind {
                        *ty = t;
                    }
                }
                DefKind::Func(f) => {
                    let decl = f.decl;
                    let params = self.resolve_params(mi, &decl.params);
                    let ret = decl.ret.as_ref().map_or(Ty::Void, |r| self.resolve_type(mi, r, TyPos::Return));
                    if let DefKind::Func(f) = &mut self.defs[i].kind {
                        f.params = params;
                        f.ret = ret;
                    }
                }
                DefKind::Actor(_) => self.resolve_actor_header(id),
                DefKind::Supervisor(s) => {
                    let decl = s.decl;
                    let params = decl.params.as_deref().map(|p| self.resolve_params(mi, p)).unwrap_or_default();
                    if let DefKind::Supervisor(s) = &mut self.defs[i].kind {
                        s.params = params;
                    }
                }
                DefKind::Alias { .. } => {}
            }
        }
        // Protocols of hosts include their behaviors' protocols.
        for i in 0..self.defs.len() {
            let DefKind::Actor(a) = &self.defs[i].kind else { continue };
            let mut protos: Vec<DefId> = a.own.into_iter().collect();
            for b in &a.behaviors {
                if let Some(p) = self.def(*b).actor().and_then(|bi| bi.own) {
                    if !protos.contains(&p) {
                        protos.push(p);
                    }
                }
            }
            if let DefKind::Actor(a) = &mut self.defs[i].kind {
                a.protocols = protos;
            }
        }
        for i in 0..self.defs.len() {
            if matches!(self.defs[i].kind, DefKind::Supervisor(_)) {
                self.resolve_children(DefId(i as u32));
            }
        }
    }

    fn resolve_variants(&self, mi: usize, decl: &'a EnumDecl) -> Vec<VariantTy<'a>> {
        let mut seen: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::with_capacity(decl.variants.len());
        for v in &decl.variants {
            if let Some(prev) = seen.insert(&v.name.name, v.name.span) {
                self.emit(
                    Diagnostic::error("E0203", format!("variant `{}` is declared twice", v.name.name))
                        .primary(v.name.span, "declared again here")
                        .secondary(prev, "first declared here"),
                );
            }
            let fields = v.fields.as_deref().map(|fs| self.resolve_fields(mi, fs, "field"));
            out.push(VariantTy { name: &v.name.name, fields, span: v.name.span });
        }
        out
    }

    fn resolve_actor_header(&mut self, id: DefId) {
        let i = id.0 as usize;
        let mi = self.defs[i].module;
        let Some(a) = self.defs[i].actor() else { return };
        let decl = a.decl;
        let mut params = decl.params.as_deref().map(|p| self.resolve_params(mi, p)).unwrap_or_default();
        let mut own = None;
        let mut msg_param = None;
        if let Some(imp) = &decl.implements {
            match self.resolve_type(mi, imp, TyPos::Value) {
                Ty::Def(d) if self.is_message(d) => own = Some(d),
                Ty::Error => {}
                other => self.emit(
                    Diagnostic::error(
                        "E0604",
                        format!("`implements` needs a message protocol, found `{}`", self.show(&other)),
                    )
                    .primary(imp.span, "not a message protocol")
                    .help("declare the protocol with `message Name { ... }`"),
                ),
            }
        } else if decl.kind != ActorKind::Behavior {
            // `actor Name(msg: Msg) do`: the parameter names the protocol.
            if let Some(pos) = params.iter().position(|p| matches!(p.ty, Ty::Def(d) if self.is_message(d))) {
                let p = params.remove(pos);
                if let Ty::Def(d) = p.ty {
                    own = Some(d);
                }
                msg_param = Some(p.name);
            }
        }
        let mut behaviors = Vec::new();
        for b in &decl.does {
            let TypeExprKind::Named { path, .. } = &b.kind else { continue };
            match self.resolve_def_path(mi, path) {
                Lookup::Def(d) if self.def(d).actor().is_some_and(|x| x.decl.kind == ActorKind::Behavior) => {
                    if d == id {
                        continue;
                    }
                    behaviors.push(d)
                }
                Lookup::Def(d) => self.emit(
                    Diagnostic::error(
                        "E0611",
                        format!("`does` needs a behavior, but `{}` is a {}", self.def(d).name, self.def(d).describe()),
                    )
                    .primary(b.span, "not a behavior"),
                ),
                Lookup::Poison => {}
                Lookup::NotFound => self.report_unknown_path(mi, path, "E0201", "behavior"),
            }
        }
        if let DefKind::Actor(a) = &mut self.defs[i].kind {
            a.params = params;
            a.own = own;
            a.msg_param = msg_param;
            a.behaviors = behaviors;
        }
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}
