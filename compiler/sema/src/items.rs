//! The definition table: every top-level declaration of every module (plus actor helpers and
//! the built-in error sets), collected once, with duplicate detection (E0203).
//!
//! Collection only records names and AST references; `resolve.rs` fills in types afterwards.

use crate::fx::FxMap;
use std::cell::{Cell, RefCell};

use janus_syntax::Span;
use janus_syntax::ast::*;

use crate::env::Env;
use crate::types::{DefId, Ty};

/// Module index used for built-in declarations (`AskError`, `ParseError`).
pub const BUILTIN_MODULE: usize = usize::MAX;

pub struct Def<'a> {
    pub name: &'a str,
    pub module: usize,
    /// Where the name was written (a dummy span for built-ins).
    pub span: Span,
    pub kind: DefKind<'a>,
}

#[derive(Clone, Debug)]
pub struct FieldTy<'a> {
    pub name: &'a str,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct VariantTy<'a> {
    pub name: &'a str,
    /// `None` for a unit variant.
    pub fields: Option<Vec<FieldTy<'a>>>,
}

impl<'a> VariantTy<'a> {
    pub fn field_list(&self) -> &[FieldTy<'a>] {
        self.fields.as_deref().unwrap_or(&[])
    }
}

pub enum DefKind<'a> {
    Struct {
        decl: &'a StructDecl,
        fields: Vec<FieldTy<'a>>,
    },
    Enum {
        kind: EnumKind,
        variants: Vec<VariantTy<'a>>,
    },
    Alias {
        decl: &'a TypeAlias,
        ty: RefCell<Option<Ty>>,
        busy: Cell<bool>,
    },
    Const {
        decl: &'a ConstDecl,
        ty: Ty,
    },
    Func(FuncInfo<'a>),
    Actor(ActorInfo<'a>),
    Supervisor(SupInfo<'a>),
}

pub struct FuncInfo<'a> {
    pub decl: &'a FuncDecl,
    pub attrs: &'a [Attribute],
    pub params: Vec<FieldTy<'a>>,
    /// The declared return type (`Void` when omitted); may be a [`Ty::Union`].
    pub ret: Ty,
    /// The capabilities the function holds (an actor helper holds its actor's).
    pub caps: Vec<&'a str>,
    /// The actor, grain or behavior a helper belongs to.
    pub owner: Option<DefId>,
}

pub struct ActorInfo<'a> {
    pub decl: &'a ActorDecl,
    pub item: &'a Item,
    /// Start arguments (for a grain: identity parameters).
    pub params: Vec<FieldTy<'a>>,
    /// The protocol its own `receive` covers (`implements M`, or the `msg: M` parameter form).
    pub own: Option<DefId>,
    /// `own` plus every included behavior's protocol: what its references speak.
    pub protocols: Vec<DefId>,
    pub behaviors: Vec<DefId>,
    pub caps: Vec<&'a str>,
    /// The `msg` of `actor Name(msg: Msg) do`.
    pub msg_param: Option<&'a str>,
    pub helpers: FxMap<&'a str, DefId>,
    /// Its protocol failed to resolve (already reported): references to it have the error type.
    pub broken: bool,
}

pub struct SupInfo<'a> {
    pub decl: &'a SupervisorDecl,
    pub item: &'a Item,
    pub params: Vec<FieldTy<'a>>,
    /// Child name and the actor or supervisor it runs (`None` when that failed to resolve).
    pub children: Vec<(&'a str, Option<DefId>)>,
}

impl<'a> Def<'a> {
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            DefKind::Struct { .. } => "struct",
            DefKind::Enum {
                kind: EnumKind::Enum,
                ..
            } => "enum",
            DefKind::Enum {
                kind: EnumKind::Error,
                ..
            } => "error set",
            DefKind::Enum {
                kind: EnumKind::Message,
                ..
            } => "message protocol",
            DefKind::Alias { .. } => "type alias",
            DefKind::Const { .. } => "constant",
            DefKind::Func(_) => "function",
            DefKind::Actor(a) => match a.decl.kind {
                ActorKind::Actor => "actor",
                ActorKind::Grain => "grain",
                ActorKind::Behavior => "behavior",
            },
            DefKind::Supervisor(_) => "supervisor",
        }
    }

    /// [`Def::describe`] with its article: "an actor", "a struct".
    pub fn a_kind(&self) -> String {
        let k = self.describe();
        let article = if k.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {k}")
    }

    pub fn variants(&self) -> Option<&[VariantTy<'a>]> {
        match &self.kind {
            DefKind::Enum { variants, .. } => Some(variants),
            _ => None,
        }
    }

    pub fn enum_kind(&self) -> Option<EnumKind> {
        match &self.kind {
            DefKind::Enum { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    pub fn actor(&self) -> Option<&ActorInfo<'a>> {
        match &self.kind {
            DefKind::Actor(a) => Some(a),
            _ => None,
        }
    }

    pub fn func(&self) -> Option<&FuncInfo<'a>> {
        match &self.kind {
            DefKind::Func(f) => Some(f),
            _ => None,
        }
    }
}

/// A `test "name" do ... end` block and the module it lives in.
pub struct TestItem<'a> {
    pub module: usize,
    pub decl: &'a TestDecl,
}

impl<'a> Env<'a> {
    /// Records every declaration of every module; reports duplicates (E0203).
    pub(crate) fn collect(&mut self) {
        self.add_builtin_error_sets();
        let program = self.program;
        for (mi, sm) in program.modules.iter().enumerate() {
            for item in &sm.module.items {
                self.collect_item(mi, item);
            }
        }
    }

    fn add_builtin_error_sets(&mut self) {
        let dummy = Span::default();
        let unit = |name: &'static str| VariantTy { name, fields: None };
        let ask = self.push_def(Def {
            name: "AskError",
            module: BUILTIN_MODULE,
            span: dummy,
            kind: DefKind::Enum {
                kind: EnumKind::Error,
                variants: vec![unit("Timeout"), unit("Stopped"), unit("Unreachable")],
            },
        });
        let parse = self.push_def(Def {
            name: "ParseError",
            module: BUILTIN_MODULE,
            span: dummy,
            kind: DefKind::Enum {
                kind: EnumKind::Error,
                variants: vec![VariantTy {
                    name: "Invalid",
                    fields: Some(vec![FieldTy {
                        name: "text",
                        ty: Ty::Str,
                        span: dummy,
                    }]),
                }],
            },
        });
        self.ask_error = ask;
        self.parse_error = parse;
    }

    pub(crate) fn push_def(&mut self, def: Def<'a>) -> DefId {
        self.defs.push(def);
        DefId(self.defs.len() as u32 - 1)
    }

    fn declare(&mut self, mi: usize, name: &'a Ident, def: Def<'a>) -> DefId {
        let id = self.push_def(def);
        if let Some(&prev) = self.scopes[mi].items.get(name.name.as_str()) {
            let prev_span = self.defs[prev.0 as usize].span;
            self.emit(
                janus_syntax::Diagnostic::error(
                    "E0203",
                    format!("`{}` is defined twice", name.name),
                )
                .primary(name.span, "defined again here")
                .secondary(prev_span, "first defined here")
                .help("rename one of them"),
            );
        } else {
            self.scopes[mi].items.insert(name.name.as_str(), id);
        }
        id
    }

    fn collect_item(&mut self, mi: usize, item: &'a Item) {
        match &item.kind {
            ItemKind::Func(f) => {
                let def = Def {
                    name: &f.name.name,
                    module: mi,
                    span: f.name.span,
                    kind: DefKind::Func(FuncInfo {
                        decl: f,
                        attrs: &item.attrs,
                        params: Vec::new(),
                        ret: Ty::Void,
                        caps: f.caps.iter().map(|c| c.name.as_str()).collect(),
                        owner: None,
                    }),
                };
                self.declare(mi, &f.name, def);
            }
            ItemKind::Struct(s) => {
                let def = Def {
                    name: &s.name.name,
                    module: mi,
                    span: s.name.span,
                    kind: DefKind::Struct {
                        decl: s,
                        fields: Vec::new(),
                    },
                };
                self.declare(mi, &s.name, def);
            }
            ItemKind::Enum(e) => {
                let def = Def {
                    name: &e.name.name,
                    module: mi,
                    span: e.name.span,
                    kind: DefKind::Enum {
                        kind: e.kind,
                        variants: Vec::new(),
                    },
                };
                let id = self.declare(mi, &e.name, def);
                self.enum_decls.insert(id, e);
            }
            ItemKind::TypeAlias(t) => {
                let def = Def {
                    name: &t.name.name,
                    module: mi,
                    span: t.name.span,
                    kind: DefKind::Alias {
                        decl: t,
                        ty: RefCell::new(None),
                        busy: Cell::new(false),
                    },
                };
                self.declare(mi, &t.name, def);
            }
            ItemKind::Const(c) => {
                let def = Def {
                    name: &c.name.name,
                    module: mi,
                    span: c.name.span,
                    kind: DefKind::Const {
                        decl: c,
                        ty: Ty::Error,
                    },
                };
                self.declare(mi, &c.name, def);
            }
            ItemKind::Actor(a) => {
                let def = Def {
                    name: &a.name.name,
                    module: mi,
                    span: a.name.span,
                    kind: DefKind::Actor(ActorInfo {
                        decl: a,
                        item,
                        params: Vec::new(),
                        own: None,
                        protocols: Vec::new(),
                        behaviors: Vec::new(),
                        caps: a.caps.iter().map(|c| c.name.as_str()).collect(),
                        msg_param: None,
                        helpers: FxMap::default(),
                        broken: false,
                    }),
                };
                let id = self.declare(mi, &a.name, def);
                self.collect_helpers(mi, id, a);
            }
            ItemKind::Supervisor(s) => {
                let def = Def {
                    name: &s.name.name,
                    module: mi,
                    span: s.name.span,
                    kind: DefKind::Supervisor(SupInfo {
                        decl: s,
                        item,
                        params: Vec::new(),
                        children: Vec::new(),
                    }),
                };
                self.declare(mi, &s.name, def);
            }
            ItemKind::Capability(name) => {
                if let Some(prev) = self.declared_caps.get(name.name.as_str()) {
                    self.emit(
                        janus_syntax::Diagnostic::error(
                            "E0203",
                            format!("capability `{}` is declared twice", name.name),
                        )
                        .primary(name.span, "declared again here")
                        .secondary(*prev, "first declared here"),
                    );
                } else if crate::capabilities::BUILTIN_CAPS.contains(&name.name.as_str()) {
                    self.emit(
                        janus_syntax::Diagnostic::error(
                            "E0203",
                            format!("`{}` is a built-in capability", name.name),
                        )
                        .primary(name.span, "already defined by the language")
                        .help("remove this declaration"),
                    );
                } else {
                    self.declared_caps.insert(&name.name, name.span);
                }
            }
            ItemKind::Test(t) => self.tests.push(TestItem {
                module: mi,
                decl: t,
            }),
            ItemKind::Import(_) | ItemKind::Error => {}
        }
    }

    fn collect_helpers(&mut self, mi: usize, owner: DefId, a: &'a ActorDecl) {
        let caps: Vec<&'a str> = a.caps.iter().map(|c| c.name.as_str()).collect();
        let mut helpers: FxMap<&'a str, DefId> = FxMap::default();
        for m in &a.members {
            if let Member::Func(f) = m {
                let id = self.push_def(Def {
                    name: &f.name.name,
                    module: mi,
                    span: f.name.span,
                    kind: DefKind::Func(FuncInfo {
                        decl: f,
                        attrs: &[],
                        params: Vec::new(),
                        ret: Ty::Void,
                        caps: caps.clone(),
                        owner: Some(owner),
                    }),
                });
                if let Some(prev) = helpers.get(f.name.name.as_str()) {
                    let prev_span = self.defs[prev.0 as usize].span;
                    self.emit(
                        janus_syntax::Diagnostic::error(
                            "E0203",
                            format!("helper `{}` is defined twice", f.name.name),
                        )
                        .primary(f.name.span, "defined again here")
                        .secondary(prev_span, "first defined here"),
                    );
                } else {
                    helpers.insert(&f.name.name, id);
                }
            }
        }
        if let DefKind::Actor(info) = &mut self.defs[owner.0 as usize].kind {
            info.helpers = helpers;
        }
    }
}
