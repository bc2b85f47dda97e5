//! The resolved declarations as later phases (IR lowering) see them: field, variant, parameter
//! and return types, owned data with no borrow of the checker's environment.

use janus_syntax::Span;
use janus_syntax::ast::{ActorKind, EnumKind};

use crate::items::{Def, DefKind, FieldTy};
use crate::types::{DefId, Ty};

/// One declaration, indexed by [`DefId`] in [`crate::Checked::items`].
#[derive(Clone, Debug)]
pub struct DefInfo {
    pub name: String,
    /// Index into [`crate::Program::modules`]; `usize::MAX` for built-ins.
    pub module: usize,
    /// Where the name was written (a dummy span for built-ins).
    pub span: Span,
    pub kind: DefInfoKind,
}

/// A named, typed field or parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub ty: Ty,
}

#[derive(Clone, Debug)]
pub struct VariantInfo {
    pub name: String,
    /// `None` for a unit variant.
    pub fields: Option<Vec<Field>>,
}

impl VariantInfo {
    pub fn field_list(&self) -> &[Field] {
        self.fields.as_deref().unwrap_or(&[])
    }
}

#[derive(Clone, Debug)]
pub enum DefInfoKind {
    Struct {
        fields: Vec<Field>,
    },
    /// An `enum`, `error` set or `message` protocol.
    Enum {
        kind: EnumKind,
        variants: Vec<VariantInfo>,
    },
    Alias {
        ty: Ty,
    },
    Const {
        ty: Ty,
    },
    Func {
        params: Vec<Field>,
        /// The declared return type; may be a [`Ty::Union`].
        ret: Ty,
        /// The actor, grain or behavior a helper belongs to.
        owner: Option<DefId>,
    },
    Actor {
        kind: ActorKind,
        params: Vec<Field>,
        own: Option<DefId>,
        protocols: Vec<DefId>,
        behaviors: Vec<DefId>,
        /// The `msg` of `actor Name(msg: Msg) do`: bound to the current message in `receive`.
        msg_param: Option<String>,
    },
    Supervisor {
        params: Vec<Field>,
        children: Vec<(String, Option<DefId>)>,
    },
}

impl DefInfo {
    pub fn variants(&self) -> Option<&[VariantInfo]> {
        match &self.kind {
            DefInfoKind::Enum { variants, .. } => Some(variants),
            _ => None,
        }
    }

    pub fn struct_fields(&self) -> Option<&[Field]> {
        match &self.kind {
            DefInfoKind::Struct { fields } => Some(fields),
            _ => None,
        }
    }
}

fn fields(fs: &[FieldTy<'_>]) -> Vec<Field> {
    fs.iter()
        .map(|f| Field {
            name: f.name.to_string(),
            ty: f.ty.clone(),
        })
        .collect()
}

pub(crate) fn def_info(d: &Def<'_>) -> DefInfo {
    let kind = match &d.kind {
        DefKind::Struct { fields: fs, .. } => DefInfoKind::Struct { fields: fields(fs) },
        DefKind::Enum { kind, variants } => DefInfoKind::Enum {
            kind: *kind,
            variants: variants
                .iter()
                .map(|v| VariantInfo {
                    name: v.name.to_string(),
                    fields: v.fields.as_deref().map(fields),
                })
                .collect(),
        },
        DefKind::Alias { ty, .. } => DefInfoKind::Alias {
            ty: ty.borrow().clone().unwrap_or(Ty::Error),
        },
        DefKind::Const { ty, .. } => DefInfoKind::Const { ty: ty.clone() },
        DefKind::Func(f) => DefInfoKind::Func {
            params: fields(&f.params),
            ret: f.ret.clone(),
            owner: f.owner,
        },
        DefKind::Actor(a) => DefInfoKind::Actor {
            kind: a.decl.kind,
            params: fields(&a.params),
            own: a.own,
            protocols: a.protocols.clone(),
            behaviors: a.behaviors.clone(),
            msg_param: a.msg_param.map(str::to_string),
        },
        DefKind::Supervisor(s) => DefInfoKind::Supervisor {
            params: fields(&s.params),
            children: s
                .children
                .iter()
                .map(|(n, c)| (n.to_string(), *c))
                .collect(),
        },
    };
    DefInfo {
        name: d.name.to_string(),
        module: d.module,
        span: d.span,
        kind,
    }
}
