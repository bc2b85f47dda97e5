//! Janus :cluster semantic analysis: name resolution, types, exhaustiveness, error unions,
//! actor protocols, supervisors, grains, effect capabilities and placement contracts.
//!
//! Pure: it takes parsed modules and the manifest as data and returns diagnostics as data.
//! It does no IO and knows nothing about Cranelift.
//!
//! Phases: `items` collects every declaration, `env` resolves imports, `signatures` (with
//! `resolve` for type expressions) gives every declaration its types, then bodies are checked
//! (`functions`, `actors`, `grains`, `supervisors`, with `body` holding the per-body context and
//! `expr`/`names`/`ops`/`stmt`/`pattern`/`matching`/`calls`/`literal`/`messaging`/`errors`/
//! `builtins` doing the work),
//! and finally `capabilities` and `placement` report the contracts that need the whole program.

mod actors;
mod body;
mod builtins;
mod calls;
mod capabilities;
mod env;
mod errors;
pub mod exhaustive;
mod expr;
mod functions;
pub mod fx;
mod grains;
pub mod info;
mod items;
mod literal;
mod matching;
mod messaging;
mod names;
mod ops;
mod pattern;
mod placement;
mod resolve;
mod signatures;
mod stmt;
mod suggest;
mod supervisors;
pub mod types;

use crate::fx::FxMap;

use janus_manifest::Manifest;
use janus_syntax::ast::Module;
use janus_syntax::{Diagnostic, Span};

pub use types::{DefId, IntTy, Ty};

/// The did-you-mean rule every diagnostic of the checker uses (see `suggest.rs`); exported so
/// that the driver's suggestions (module paths, commands) can follow the same thresholds.
pub use suggest::suggest;

/// One parsed module of a program.
#[derive(Clone, Debug)]
pub struct SourceModule {
    /// The import path: `["chat", "protocol"]` for `chat/protocol.jan`, `["std", "time"]` for a
    /// standard library module, and empty for the entry file.
    pub path: Vec<String>,
    pub module: Module,
}

/// A whole program: the entry module first, then everything it imports, transitively.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub modules: Vec<SourceModule>,
    /// Import paths the driver could not load (already reported by the driver). Names reached
    /// through them are accepted silently so one missing file does not cause a flood.
    pub missing_modules: Vec<Vec<String>>,
}

/// Types found by the checker, for later phases (code generation). Keyed by the span of the
/// expression or binding name as the parser recorded it.
#[derive(Clone, Debug, Default)]
pub struct TypeTables {
    /// The type of every checked expression, in the order they were checked (a plain vector:
    /// recording must stay cheap; [`TypeTables::expr_index`] builds a map when one is needed).
    /// When a span appears twice, the later entry wins. A `T` used where `?T` is expected keeps
    /// its own type here; the consumer compares with the context to insert the wrapping.
    pub exprs: Vec<(Span, Ty)>,
    /// The type of every local binding (parameters, `let`/`var`, pattern and `catch` names),
    /// keyed by the span of the bound name.
    pub bindings: FxMap<Span, Ty>,
    /// The declaration each call, `spawn` or grain reference invokes (user functions, actor
    /// helpers, actors, supervisors, grains), keyed by the span of the call expression.
    /// Built-in functions and methods are not listed.
    pub calls: FxMap<Span, DefId>,
    /// The variant (enum, error set or protocol, and its index) each variant expression,
    /// literal or payload names, keyed by the span of that expression.
    pub variants: FxMap<Span, (DefId, usize)>,
    /// What each name used as a value refers to: a local (by the span of its binding) or a
    /// constant. Keyed by the span of the name expression, of a qualified path `m.X`, of an
    /// assignment target name, or of the field name of a shorthand literal field `{ x }`.
    pub names: FxMap<Span, NameRef>,
}

/// The target of a name used as a value (see [`TypeTables::names`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRef {
    /// A local binding (parameter, `let`/`var`, pattern, `for`, `catch`, actor field), by the
    /// span of the name where it was bound.
    Local(Span),
    /// A declaration: a `const`.
    Def(DefId),
}

impl TypeTables {
    /// Tables sized for a program of about `bytes` bytes of source.
    pub fn with_capacity(bytes: usize) -> TypeTables {
        let exprs = (bytes / 8).min(1 << 24);
        TypeTables {
            exprs: Vec::with_capacity(exprs),
            bindings: FxMap::with_capacity_and_hasher(exprs / 8, Default::default()),
            calls: FxMap::default(),
            variants: FxMap::default(),
            names: FxMap::default(),
        }
    }

    /// The expression types keyed by span (later entries win).
    pub fn expr_index(&self) -> FxMap<Span, &Ty> {
        let mut m = FxMap::with_capacity_and_hasher(self.exprs.len(), Default::default());
        for (s, t) in &self.exprs {
            m.insert(*s, t);
        }
        m
    }
}

/// A declaration as later phases see it.
#[derive(Clone, Debug)]
pub struct DefSummary {
    pub name: String,
    /// Index into [`Program::modules`]; `usize::MAX` for built-ins (`AskError`, `ParseError`).
    pub module: usize,
    pub kind: &'static str,
}

/// What checking found.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// Errors and warnings, sorted by file and position, without duplicates.
    pub diagnostics: Vec<Diagnostic>,
    /// Expression and binding types (see [`TypeTables`]).
    pub types: TypeTables,
    /// The definition table, indexed by [`DefId`]; [`Ty::Def`] and friends point into it.
    pub defs: Vec<DefSummary>,
    /// The resolved declarations, indexed by [`DefId`] like `defs`: field, variant and
    /// parameter types, for lowering.
    pub items: Vec<info::DefInfo>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The manifest as the checker sees it: absent when no `janus.toml` was found, in which
/// case capability names are not checked and there is no node list.
pub fn check_program(program: &Program, manifest: Option<&Manifest>) -> Checked {
    let mut env = env::Env::new(program, manifest);
    env.collect();
    env.resolve_imports();
    env.resolve_defs();
    env.in_bodies.set(true);
    env.check_bodies();
    env.report_cap_violations();
    env.check_placement();

    let defs = env
        .defs
        .iter()
        .map(|d| DefSummary {
            name: d.name.to_string(),
            module: d.module,
            kind: d.describe(),
        })
        .collect();
    let items = env.defs.iter().map(|d| info::def_info(d)).collect();
    let mut diagnostics = std::mem::take(&mut *env.diags.borrow_mut());
    sort_and_dedup(&mut diagnostics);
    let types = std::mem::take(&mut *env.tables.borrow_mut());
    Checked {
        diagnostics,
        types,
        defs,
        items,
    }
}

fn sort_and_dedup(ds: &mut Vec<Diagnostic>) {
    ds.sort_by(|a, b| {
        let ka = a.primary_span().map(|s| (s.file, s.lo, s.hi));
        let kb = b.primary_span().map(|s| (s.file, s.lo, s.hi));
        ka.cmp(&kb)
            .then_with(|| a.code.cmp(b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    ds.dedup_by(|a, b| {
        a.code == b.code && a.message == b.message && a.primary_span() == b.primary_span()
    });
}
