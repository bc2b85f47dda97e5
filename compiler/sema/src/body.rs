//! The context for checking one body (function, hook, handler, field initializer, test):
//! locals with shadowing, what `return`/`fail`/`?` may do, loops, the owning actor, held
//! capabilities, and the small reporting helpers every expression checker uses.

use crate::fx::{FxMap, FxSet};

use janus_syntax::{Diagnostic, Span};

use crate::env::Env;
use crate::suggest::Want;
use crate::types::{DefId, Ty, assignable};

/// The error sets a body may pass on.
#[derive(Clone, Debug, PartialEq)]
pub enum Admits {
    Sets(Vec<DefId>),
    /// `main`, `test`, receive arms, `after` and hooks admit every error.
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalKind {
    Param,
    Let,
    Var,
    /// An actor's state field (`var` fields are mutable).
    Field,
    /// Bound by a pattern, `for` or `catch |e|`.
    Binding,
}

#[derive(Clone, Debug)]
pub struct Local<'a> {
    pub name: &'a str,
    pub ty: Ty,
    pub mutable: bool,
    pub kind: LocalKind,
    pub span: Span,
}

/// Why a name that is not in scope might still be what the user meant.
#[derive(Clone, Debug)]
pub enum Hint {
    /// A local declared at this span, whose block, arm or loop has ended.
    Ended(Span),
    /// Declared after the code that used it (a later field or supervisor child).
    Later {
        decl: Span,
        what: &'static str,
        rule: &'static str,
    },
}

pub struct Body<'e, 'a> {
    pub env: &'e Env<'a>,
    /// Module the code lives in.
    pub mi: usize,
    /// How the code is named in messages (`main`, `save`, "the handler of `Counter`").
    pub name: String,
    pub locals: Vec<Local<'a>>,
    names: FxMap<&'a str, Vec<u32>>,
    marks: Vec<usize>,
    /// Names that are not in scope here but exist nearby (a local whose scope has ended, a
    /// later field or child): an unknown name that is one of them is explained, not guessed.
    pub hints: FxMap<&'a str, Hint>,
    /// The value part of the declared return type (`Void` for handlers).
    pub ret: Ty,
    pub admits: Admits,
    /// One entry per enclosing loop: whether it contains a `break`.
    pub loops: Vec<bool>,
    /// The actor, grain or behavior whose code this is.
    pub owner: Option<DefId>,
    pub caps: Vec<&'a str>,
    /// The declaration whose `with` gives this code its capabilities (for help texts).
    pub cap_holder: String,
    /// The function being checked (for capability call chains).
    pub fn_def: Option<DefId>,
    /// Unknown names already reported in this body.
    pub unknown: FxSet<String>,
    /// A constant initializer: only constant expressions.
    pub in_const: bool,
    /// In the `match` being checked: an unguarded arm whose pattern is a bare name that is
    /// also a constant (it binds; it does not compare), by arm index.
    pub const_binding: Option<(usize, Span, &'a str)>,
    /// Patterns that failed to check in the current match (skip coverage then).
    pub pattern_errors: u32,
    /// Inside arguments of a call that failed to resolve: expressions that need an expected
    /// type (`.V`, `[]`, `null`) stay quiet instead of cascading.
    pub lenient: u32,
    /// The body contains a statement or expression the parser could not make sense of:
    /// unknown names may come from it, so they are not reported.
    pub saw_syntax_error: bool,
}

impl<'e, 'a> Body<'e, 'a> {
    pub fn new(env: &'e Env<'a>, mi: usize, name: String) -> Body<'e, 'a> {
        Body {
            env,
            mi,
            name,
            locals: Vec::new(),
            names: FxMap::default(),
            marks: Vec::new(),
            hints: FxMap::default(),
            ret: Ty::Void,
            admits: Admits::Sets(Vec::new()),
            loops: Vec::new(),
            owner: None,
            caps: Vec::new(),
            fn_def: None,
            cap_holder: String::new(),
            unknown: FxSet::default(),
            in_const: false,
            const_binding: None,
            pattern_errors: 0,
            lenient: 0,
            saw_syntax_error: false,
        }
    }

    pub fn push_scope(&mut self) {
        self.marks.push(self.locals.len());
    }

    pub fn pop_scope(&mut self) {
        let mark = self.marks.pop().unwrap_or(0);
        while self.locals.len() > mark {
            if let Some(l) = self.locals.pop() {
                if let Some(stack) = self.names.get_mut(l.name) {
                    stack.pop();
                }
                self.hints.insert(l.name, Hint::Ended(l.span));
            }
        }
    }

    pub fn declare(&mut self, name: &'a str, ty: Ty, mutable: bool, kind: LocalKind, span: Span) {
        if name == "_" {
            return;
        }
        self.env.record_binding(span, &ty);
        let idx = self.locals.len() as u32;
        self.locals.push(Local {
            name,
            ty,
            mutable,
            kind,
            span,
        });
        self.names.entry(name).or_default().push(idx);
    }

    pub fn local(&self, name: &str) -> Option<&Local<'a>> {
        let idx = *self.names.get(name)?.last()?;
        self.locals.get(idx as usize)
    }

    pub fn local_names(&self) -> Vec<&'a str> {
        self.locals.iter().map(|l| l.name).collect()
    }

    pub fn show(&self, t: &Ty) -> String {
        self.env.show(t)
    }

    pub fn emit(&self, d: Diagnostic) {
        self.env.emit(d);
    }

    /// Checks that `found` fits `expected`; reports E0301 (or E0313 for `void`) at `span`.
    pub fn coerce(&self, found: &Ty, expected: &Ty, span: Span) -> bool {
        if assignable(found, expected) {
            return true;
        }
        if found.has_error() || expected.has_error() {
            return false;
        }
        if matches!(found, Ty::Void) {
            self.emit(
                Diagnostic::error(
                    "E0313",
                    format!(
                        "expected a value of type `{}`, but this has no value",
                        self.show(expected)
                    ),
                )
                .primary(span, "this is `void`"),
            );
            return false;
        }
        let mut d = Diagnostic::error(
            "E0301",
            format!(
                "mismatched types: expected `{}`, found `{}`",
                self.show(expected),
                self.show(found)
            ),
        )
        .primary(span, format!("expected `{}`", self.show(expected)));
        if let Some(h) = self.conversion_hint(found, expected) {
            d = d.help(h);
        }
        self.emit(d);
        false
    }

    fn conversion_hint(&self, found: &Ty, expected: &Ty) -> Option<String> {
        match (found, expected) {
            (Ty::Int(_) | Ty::F64, Ty::Int(k)) => {
                Some(format!("convert with `.to_{}()`", k.name()))
            }
            (Ty::Int(_), Ty::F64) => {
                Some("convert with `.to_f64()` (or write a float literal like `1.0`)".into())
            }
            (Ty::Int(_), Ty::Duration) => {
                Some("a number has no unit: write a duration such as `100ms` or `5s`".into())
            }
            (Ty::Int(_), Ty::Bool) => Some("compare explicitly, e.g. `n != 0`".into()),
            (Ty::Optional(inner), e) if assignable(inner, e) => {
                Some("the value may be `null`: use `??` to give a default, or `match`".into())
            }
            (_, Ty::Str) if !matches!(found, Ty::Str) => {
                Some("convert with `.to_string()` or `$\"{...}\"`".into())
            }
            _ => None,
        }
    }

    /// Reports an unknown name once per body.
    pub fn unknown_name(&mut self, name: &str, span: Span, want: Want) {
        if !self.unknown.insert(name.to_string())
            || self.saw_syntax_error
            || self.env.is_poisoned(name)
        {
            return;
        }
        // A capitalised name in the arguments of a failed call is probably a variant of a
        // type we could not determine.
        if self.lenient > 0 && name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return;
        }
        if let Some(host) = self.host_field_owner(name) {
            self.emit(
                Diagnostic::error("E0611", format!("behavior code cannot use `{name}`, a field of its host `{host}`"))
                    .primary(span, "host state is not visible in a behavior")
                    .help("a behavior sees only its own fields; declare the field in the behavior or send a message"),
            );
            return;
        }
        let mut d = Diagnostic::error("E0201", format!("unknown name `{name}`"))
            .primary(span, "not found in this scope");
        match self.hints.get(name) {
            Some(Hint::Ended(decl)) => {
                d = d
                    .secondary(*decl, format!("`{name}` is declared here, but its scope has ended"))
                    .note("a name exists only until the end of the block, arm or loop that declares it");
                self.emit(d);
                return;
            }
            Some(Hint::Later { decl, what, rule }) => {
                d = d
                    .secondary(*decl, format!("{what} `{name}` is declared later, here"))
                    .note(*rule);
                self.emit(d);
                return;
            }
            None => {}
        }
        // `import a.geometry as geo`, then `geometry.area(...)`.
        let renamed = self.env.scopes.get(self.mi).and_then(|s| {
            s.modules.iter().find_map(|(alias, t)| {
                let path = &self.env.program.modules.get((*t)?)?.path;
                (path.last().is_some_and(|l| l == name) && *alias != name)
                    .then(|| (*alias, path.join(".")))
            })
        });
        if let Some((alias, path)) = renamed {
            d = d.help(format!(
                "module `{path}` is imported as `{alias}`: use `{alias}` instead"
            ));
            self.emit(d);
            return;
        }
        let mut cands: Vec<&str> = Vec::new();
        if want == Want::Value {
            cands.extend(self.local_names());
            if let Some(owner) = self.owner.and_then(|o| self.env.def(o).actor()) {
                cands.extend(owner.helpers.keys().copied());
            }
            cands.extend(crate::builtins::BUILTIN_FUNCS.iter().copied());
            if let Some(scope) = self.env.scopes.get(self.mi) {
                cands.extend(scope.variants.keys().copied());
            }
        }
        cands.extend(self.env.names_of(self.mi, want));
        if let Some(s) = crate::env::suggest(name, cands) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        self.emit(d);
    }

    /// When this code is a behavior's, the host whose state field is called `name`.
    fn host_field_owner(&self, name: &str) -> Option<&'a str> {
        let owner = self.owner?;
        let b = self.env.def(owner).actor()?;
        if b.decl.kind != janus_syntax::ast::ActorKind::Behavior {
            return None;
        }
        self.env.defs.iter().find_map(|d| {
            let a = d.actor()?;
            if !a.behaviors.contains(&owner) {
                return None;
            }
            let has =
                a.decl.members.iter().any(
                    |m| matches!(m, janus_syntax::ast::Member::Field(f) if f.name.name == name),
                );
            has.then_some(d.name)
        })
    }

    /// Whether the current code belongs to an actor, grain or behavior.
    pub fn in_actor(&self) -> bool {
        self.owner.is_some()
    }
}
