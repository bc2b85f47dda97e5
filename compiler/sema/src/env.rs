//! The checking environment shared by every phase: the program, the definition table, one
//! scope per module (own items, imports), the diagnostics sink and the side tables.
//!
//! After resolution the environment is read-only except for the sinks, which are `RefCell`s so
//! that body checkers can hold `&Env` while reporting.

use crate::fx::{FxMap, FxSet};
use std::cell::RefCell;

use janus_manifest::Manifest;
use janus_syntax::ast::{EnumKind, ItemKind};
use janus_syntax::{Diagnostic, Span};

use crate::exhaustive::ShapeTable;
use crate::items::{BUILTIN_MODULE, Def, DefKind, TestItem};
use crate::types::{DefId, Ty};
use crate::{Program, TypeTables};

/// What one module can name without qualification, plus its import aliases.
#[derive(Default)]
pub struct ModScope<'a> {
    pub is_std: bool,
    pub items: FxMap<&'a str, DefId>,
    /// `import a.{X}` names; `None` when imported from a missing module (poisoned).
    pub imported: FxMap<&'a str, Option<DefId>>,
    /// Import aliases; `None` for a module the driver could not load.
    pub modules: FxMap<&'a str, Option<usize>>,
    /// Bare variant names of the enums this module can see.
    pub variants: FxMap<&'a str, Vec<(DefId, usize)>>,
}

/// A name looked up among declarations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lookup {
    Def(DefId),
    /// Reached through a missing module: accept silently.
    Poison,
    NotFound,
}

/// A capability requirement broken by a call, reported once all bodies are known.
pub struct CapViolation<'a> {
    /// How the calling code is named (`main`, `save`).
    pub caller: String,
    /// The declaration that would need the `with` (`main`, "actor `Counter`").
    pub caller_decl: String,
    pub callee: DefId,
    pub cap: &'a str,
    pub span: Span,
}

pub struct Env<'a> {
    pub program: &'a Program,
    pub manifest: Option<&'a Manifest>,
    pub defs: Vec<Def<'a>>,
    pub scopes: Vec<ModScope<'a>>,
    pub tests: Vec<TestItem<'a>>,
    pub enum_decls: FxMap<DefId, &'a janus_syntax::ast::EnumDecl>,
    pub declared_caps: FxMap<&'a str, Span>,
    pub ask_error: DefId,
    pub parse_error: DefId,
    pub diags: RefCell<Vec<Diagnostic>>,
    pub tables: RefCell<TypeTables>,
    pub shapes: RefCell<(ShapeTable, FxMap<Ty, crate::exhaustive::ShapeId>)>,
    /// Calls from each function to functions, for capability chains.
    pub calls: RefCell<FxMap<DefId, Vec<(DefId, Span)>>>,
    pub cap_violations: RefCell<Vec<CapViolation<'a>>>,
    /// Every `spawn` with its target and `on` expression, for placement checks.
    /// Names that failed to resolve in declarations (types, error sets): later uses of the
    /// same name stay quiet.
    pub poisoned: RefCell<FxSet<String>>,
    /// Set once declarations are resolved: unknown names already reported in a declaration
    /// are not reported again inside bodies.
    pub in_bodies: std::cell::Cell<bool>,
    pub spawns: RefCell<Vec<(DefId, Option<&'a janus_syntax::ast::Expr>)>>,
}

impl<'a> Env<'a> {
    pub fn new(program: &'a Program, manifest: Option<&'a Manifest>) -> Env<'a> {
        let scopes = program
            .modules
            .iter()
            .map(|m| ModScope {
                is_std: m.path.first().is_some_and(|s| s == "std"),
                ..ModScope::default()
            })
            .collect();
        Env {
            program,
            manifest,
            defs: Vec::new(),
            scopes,
            tests: Vec::new(),
            enum_decls: FxMap::default(),
            declared_caps: FxMap::default(),
            ask_error: DefId(0),
            parse_error: DefId(0),
            diags: RefCell::new(Vec::new()),
            tables: RefCell::new(TypeTables::with_capacity(source_bytes(program))),
            shapes: RefCell::new((ShapeTable::default(), FxMap::default())),
            calls: RefCell::new(FxMap::default()),
            cap_violations: RefCell::new(Vec::new()),
            poisoned: RefCell::new(FxSet::default()),
            in_bodies: std::cell::Cell::new(false),
            spawns: RefCell::new(Vec::new()),
        }
    }

    pub fn emit(&self, d: Diagnostic) {
        self.diags.borrow_mut().push(d);
    }

    pub fn def(&self, id: DefId) -> &Def<'a> {
        &self.defs[id.0 as usize]
    }

    /// Resolves `import` items of every module (E0204, E0205) and builds bare-variant indexes.
    pub(crate) fn resolve_imports(&mut self) {
        let program = self.program;
        let missing: FxSet<&[String]> = program
            .missing_modules
            .iter()
            .map(|p| p.as_slice())
            .collect();
        let by_path: FxMap<&[String], usize> = program
            .modules
            .iter()
            .enumerate()
            .map(|(i, m)| (m.path.as_slice(), i))
            .collect();
        for (mi, sm) in program.modules.iter().enumerate() {
            for item in &sm.module.items {
                let ItemKind::Import(imp) = &item.kind else {
                    continue;
                };
                let Some(last) = imp.path.last() else {
                    continue;
                };
                let path: Vec<String> = imp.path.iter().map(|i| i.name.clone()).collect();
                let target = if let Some(&t) = by_path.get(path.as_slice()) {
                    Some(t)
                } else {
                    if !missing.contains(path.as_slice()) {
                        let first = imp.path[0].span;
                        self.emit(
                            Diagnostic::error(
                                "E0204",
                                format!("module `{}` not found", path.join(".")),
                            )
                            .primary(first.to(last.span), "no such module"),
                        );
                    }
                    None
                };
                let alias = imp.alias.as_ref().unwrap_or(last);
                if let Some(prev) = self.scopes[mi].modules.insert(alias.name.as_str(), target)
                    && prev != target
                {
                    self.emit(
                        Diagnostic::error(
                            "E0203",
                            format!("two imports are both named `{}`", alias.name),
                        )
                        .primary(alias.span, "this import's name is already taken")
                        .help(format!("rename one: `import {} as other`", path.join("."))),
                    );
                }
                for name in &imp.names {
                    let found = match target {
                        None => None,
                        Some(t) => match self.scopes[t].items.get(name.name.as_str()) {
                            Some(&d) => Some(d),
                            None => {
                                let cands: Vec<&str> =
                                    self.scopes[t].items.keys().copied().collect();
                                let mut d = Diagnostic::error(
                                    "E0205",
                                    format!("module `{}` has no `{}`", path.join("."), name.name),
                                )
                                .primary(name.span, "not found in this module");
                                if let Some(s) = suggest(&name.name, cands) {
                                    d = d.help(format!("did you mean `{s}`?"));
                                }
                                self.emit(d);
                                None
                            }
                        },
                    };
                    self.scopes[mi].imported.insert(name.name.as_str(), found);
                }
            }
        }
        // Bare variant indexes: own enums, imported enums, built-in error sets.
        for mi in 0..self.scopes.len() {
            let mut ids: Vec<DefId> = self.scopes[mi].items.values().copied().collect();
            ids.extend(self.scopes[mi].imported.values().flatten().copied());
            ids.push(self.ask_error);
            ids.push(self.parse_error);
            ids.sort();
            ids.dedup();
            let mut index: FxMap<&'a str, Vec<(DefId, usize)>> = FxMap::default();
            for id in ids {
                if let Some(vs) = self.enum_variant_names(id) {
                    for (vi, name) in vs.into_iter().enumerate() {
                        index.entry(name).or_default().push((id, vi));
                    }
                }
            }
            self.scopes[mi].variants = index;
        }
    }

    /// Variant names of an enum, from its declaration (usable before resolution).
    fn enum_variant_names(&self, id: DefId) -> Option<Vec<&'a str>> {
        if let Some(decl) = self.enum_decls.get(&id) {
            return Some(decl.variants.iter().map(|v| v.name.name.as_str()).collect());
        }
        match &self.def(id).kind {
            DefKind::Enum { variants, .. } if self.def(id).module == BUILTIN_MODULE => {
                Some(variants.iter().map(|v| v.name).collect())
            }
            _ => None,
        }
    }

    /// Looks a name up among the declarations module `mi` can see unqualified.
    pub fn lookup(&self, mi: usize, name: &str) -> Lookup {
        if let Some(scope) = self.scopes.get(mi) {
            if let Some(&d) = scope.items.get(name) {
                return Lookup::Def(d);
            }
            if let Some(d) = scope.imported.get(name) {
                return d.map_or(Lookup::Poison, Lookup::Def);
            }
        }
        match name {
            "AskError" => Lookup::Def(self.ask_error),
            "ParseError" => Lookup::Def(self.parse_error),
            _ => Lookup::NotFound,
        }
    }

    /// Looks a name up inside module `target` (for `m.Name`).
    pub fn lookup_in(&self, target: usize, name: &str) -> Option<DefId> {
        self.scopes
            .get(target)
            .and_then(|s| s.items.get(name).copied())
    }

    /// The import alias `name` of module `mi`: `Some(Some(i))` a module, `Some(None)` missing.
    pub fn module_alias(&self, mi: usize, name: &str) -> Option<Option<usize>> {
        self.scopes
            .get(mi)
            .and_then(|s| s.modules.get(name).copied())
    }

    pub fn is_std(&self, mi: usize) -> bool {
        self.scopes.get(mi).is_some_and(|s| s.is_std)
    }

    pub fn is_message(&self, id: DefId) -> bool {
        self.def(id).enum_kind() == Some(EnumKind::Message)
    }

    pub fn is_error_set(&self, id: DefId) -> bool {
        self.def(id).enum_kind() == Some(EnumKind::Error)
    }

    /// Every capability name the program may use in `with`.
    pub fn cap_known(&self, name: &str) -> bool {
        crate::capabilities::BUILTIN_CAPS.contains(&name) || self.declared_caps.contains_key(name)
    }

    /// The user's spelling of a type.
    pub fn show(&self, ty: &Ty) -> String {
        let mut s = String::new();
        self.write_ty(&mut s, ty);
        s
    }

    fn write_ty(&self, s: &mut String, ty: &Ty) {
        match ty {
            Ty::Error => s.push('?'),
            Ty::Never => s.push_str("never"),
            Ty::Void => s.push_str("void"),
            Ty::Bool => s.push_str("bool"),
            Ty::Int(k) => s.push_str(k.name()),
            Ty::F64 => s.push_str("f64"),
            Ty::Str => s.push_str("String"),
            Ty::Bytes => s.push_str("Bytes"),
            Ty::Duration => s.push_str("Duration"),
            Ty::Instant => s.push_str("Instant"),
            Ty::NodeId => s.push_str("NodeId"),
            Ty::List(t) => {
                s.push('[');
                self.write_ty(s, t);
                s.push(']');
            }
            Ty::Map(k, v) => {
                s.push_str("Map[");
                self.write_ty(s, k);
                s.push_str(", ");
                self.write_ty(s, v);
                s.push(']');
            }
            Ty::Set(t) => {
                s.push_str("Set[");
                self.write_ty(s, t);
                s.push(']');
            }
            Ty::Tuple(ts) => {
                s.push('(');
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.write_ty(s, t);
                }
                s.push(')');
            }
            Ty::Optional(t) => {
                s.push('?');
                if matches!(**t, Ty::Union(..)) {
                    s.push('(');
                    self.write_ty(s, t);
                    s.push(')');
                } else {
                    self.write_ty(s, t);
                }
            }
            Ty::Def(d) | Ty::Supervisor(d) => s.push_str(self.def(*d).name),
            Ty::ErrSets(ds) => self.write_sets(s, ds, false),
            Ty::ActorRef(ps) | Ty::GrainRef(ps) => {
                s.push_str(if matches!(ty, Ty::ActorRef(_)) {
                    "ActorRef["
                } else {
                    "GrainRef["
                });
                self.write_protocols(s, ps);
                s.push(']');
            }
            Ty::Reply(t) => {
                s.push_str("Reply[");
                self.write_ty(s, t);
                s.push(']');
            }
            Ty::Union(t, sets) => {
                self.write_ty(s, t);
                s.push_str(" ! ");
                self.write_sets(s, sets, true);
            }
            Ty::Range(t) => {
                s.push_str("range of ");
                self.write_ty(s, t);
            }
        }
    }

    fn write_sets(&self, s: &mut String, sets: &[DefId], parens: bool) {
        let many = sets.len() > 1;
        if many && parens {
            s.push('(');
        }
        for (i, d) in sets.iter().enumerate() {
            if i > 0 {
                s.push_str(" | ");
            }
            s.push_str(self.def(*d).name);
        }
        if many && parens {
            s.push(')');
        }
    }

    /// The protocols of a reference, spelt as in `typing.md`: `WorkMsg + PingMsg`.
    fn write_protocols(&self, s: &mut String, protos: &[DefId]) {
        for (i, d) in protos.iter().enumerate() {
            if i > 0 {
                s.push_str(" + ");
            }
            s.push_str(self.def(*d).name);
        }
    }

    /// Protocols joined with `+` (a reference speaking several of them).
    pub fn show_protocols(&self, protos: &[DefId]) -> String {
        let mut s = String::new();
        self.write_protocols(&mut s, protos);
        s
    }

    pub fn show_sets(&self, sets: &[DefId]) -> String {
        let mut s = String::new();
        self.write_sets(&mut s, sets, false);
        s
    }

    pub fn poison(&self, name: &str) {
        self.poisoned.borrow_mut().insert(name.to_string());
    }

    pub fn is_poisoned(&self, name: &str) -> bool {
        self.poisoned.borrow().contains(name)
    }

    /// Records the type of an expression for later phases.
    pub fn record(&self, span: Span, ty: &Ty) {
        self.tables.borrow_mut().exprs.push((span, ty.clone()));
    }

    pub fn record_call(&self, span: Span, d: DefId) {
        self.tables.borrow_mut().calls.insert(span, d);
    }

    pub fn record_variant(&self, span: Span, d: DefId, vi: usize) {
        self.tables.borrow_mut().variants.insert(span, (d, vi));
    }

    /// Records what a name used as a value refers to (see [`TypeTables::names`]).
    pub fn record_name(&self, span: Span, target: crate::NameRef) {
        self.tables.borrow_mut().names.insert(span, target);
    }

    pub fn record_binding(&self, span: Span, ty: &Ty) {
        self.tables.borrow_mut().bindings.insert(span, ty.clone());
    }
}

/// Roughly how many bytes of source the program has (from the last item's end in each
/// module), to size the side tables once instead of rehashing them as they grow.
fn source_bytes(program: &Program) -> usize {
    program
        .modules
        .iter()
        .map(|m| m.module.items.last().map_or(0, |i| i.span.hi as usize))
        .sum()
}

pub use crate::suggest::suggest;
