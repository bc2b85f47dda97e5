//! The pass that fills the definition table: field, variant and parameter types, function
//! signatures, actor protocols and behaviors (E0203, E0604, E0611), then hosts' combined
//! protocols and supervisor children.

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::env::{Env, Lookup};
use crate::fx::FxMap;
use crate::items::{DefKind, FieldTy, VariantTy};
use crate::resolve::TyPos;
use crate::types::{DefId, Ty};

impl<'a> Env<'a> {
    pub(crate) fn resolve_fields(
        &self,
        mi: usize,
        fields: &'a [FieldDecl],
        what: &str,
    ) -> Vec<FieldTy<'a>> {
        let mut seen: FxMap<&str, Span> = FxMap::default();
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            if let Some(prev) = seen.insert(&f.name.name, f.name.span) {
                self.emit(
                    Diagnostic::error(
                        "E0203",
                        format!("{what} `{}` is declared twice", f.name.name),
                    )
                    .primary(f.name.span, "declared again here")
                    .secondary(prev, "first declared here"),
                );
                continue;
            }
            out.push(FieldTy {
                name: &f.name.name,
                ty: self.resolve_type(mi, &f.ty, TyPos::Value),
                span: f.name.span,
            });
        }
        out
    }

    pub fn resolve_params(&self, mi: usize, params: &'a [Param]) -> Vec<FieldTy<'a>> {
        let mut seen: FxMap<&str, Span> = FxMap::default();
        let mut out = Vec::with_capacity(params.len());
        for p in params {
            if let Some(prev) = seen.insert(&p.name.name, p.name.span) {
                self.emit(
                    Diagnostic::error(
                        "E0203",
                        format!("parameter `{}` is declared twice", p.name.name),
                    )
                    .primary(p.name.span, "declared again here")
                    .secondary(prev, "first declared here"),
                );
            }
            out.push(FieldTy {
                name: &p.name.name,
                ty: self.resolve_type(mi, &p.ty, TyPos::Value),
                span: p.name.span,
            });
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
                    let Some(decl) = self.enum_decls.get(&id).copied() else {
                        continue;
                    };
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
                    let ret = decl
                        .ret
                        .as_ref()
                        .map_or(Ty::Void, |r| self.resolve_type(mi, r, TyPos::Return));
                    if let DefKind::Func(f) = &mut self.defs[i].kind {
                        f.params = params;
                        f.ret = ret;
                    }
                }
                DefKind::Actor(_) => self.resolve_actor_header(id),
                DefKind::Supervisor(s) => {
                    let decl = s.decl;
                    let params = decl
                        .params
                        .as_deref()
                        .map(|p| self.resolve_params(mi, p))
                        .unwrap_or_default();
                    if let DefKind::Supervisor(s) = &mut self.defs[i].kind {
                        s.params = params;
                    }
                }
                DefKind::Alias { .. } => {}
            }
        }
        // Protocols of hosts include their behaviors' protocols.
        for i in 0..self.defs.len() {
            let DefKind::Actor(a) = &self.defs[i].kind else {
                continue;
            };
            let mut protos: Vec<DefId> = a.own.into_iter().collect();
            for b in &a.behaviors {
                if let Some(p) = self.def(*b).actor().and_then(|bi| bi.own)
                    && !protos.contains(&p)
                {
                    protos.push(p);
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

    pub(crate) fn resolve_variants(&self, mi: usize, decl: &'a EnumDecl) -> Vec<VariantTy<'a>> {
        let mut seen: FxMap<&str, Span> = FxMap::default();
        let mut out = Vec::with_capacity(decl.variants.len());
        for v in &decl.variants {
            if let Some(prev) = seen.insert(&v.name.name, v.name.span) {
                self.emit(
                    Diagnostic::error(
                        "E0203",
                        format!("variant `{}` is declared twice", v.name.name),
                    )
                    .primary(v.name.span, "declared again here")
                    .secondary(prev, "first declared here"),
                );
            }
            let fields = v
                .fields
                .as_deref()
                .map(|fs| self.resolve_fields(mi, fs, "field"));
            out.push(VariantTy {
                name: &v.name.name,
                fields,
            });
        }
        out
    }

    pub(crate) fn resolve_actor_header(&mut self, id: DefId) {
        let i = id.0 as usize;
        let mi = self.defs[i].module;
        let Some(a) = self.defs[i].actor() else {
            return;
        };
        let decl = a.decl;
        let mut params = decl
            .params
            .as_deref()
            .map(|p| self.resolve_params(mi, p))
            .unwrap_or_default();
        let mut own = None;
        let mut msg_param = None;
        let mut broken = false;
        if let Some(imp) = &decl.implements {
            match self.resolve_protocol_type(mi, imp) {
                Ty::Def(d) if self.is_message(d) => own = Some(d),
                Ty::Error => broken = true,
                other => {
                    broken = true;
                    self.emit(
                        Diagnostic::error(
                            "E0604",
                            format!(
                                "`implements` needs a message protocol, found `{}`",
                                self.show(&other)
                            ),
                        )
                        .primary(imp.span, "not a message protocol")
                        .help("declare the protocol with `message Name { ... }`"),
                    )
                }
            }
        } else if decl.kind != ActorKind::Behavior {
            // `actor Name(msg: Msg) do`: the parameter names the protocol.
            if let Some(pos) = params
                .iter()
                .position(|p| matches!(p.ty, Ty::Def(d) if self.is_message(d)))
            {
                let p = params.remove(pos);
                if let Ty::Def(d) = p.ty {
                    own = Some(d);
                }
                msg_param = Some(p.name);
            }
        }
        let mut behaviors = Vec::new();
        for b in &decl.does {
            let TypeExprKind::Named { path, .. } = &b.kind else {
                continue;
            };
            match self.resolve_def_path(mi, path) {
                Lookup::Def(d)
                    if self
                        .def(d)
                        .actor()
                        .is_some_and(|x| x.decl.kind == ActorKind::Behavior) =>
                {
                    if d == id {
                        continue;
                    }
                    behaviors.push(d)
                }
                Lookup::Def(d) => {
                    broken = true;
                    self.emit(
                        Diagnostic::error(
                            "E0611",
                            format!(
                                "`does` needs a behavior, but `{}` is {}",
                                self.def(d).name,
                                self.def(d).a_kind()
                            ),
                        )
                        .primary(b.span, "not a behavior"),
                    )
                }
                Lookup::Poison => broken = true,
                Lookup::NotFound => {
                    broken = true;
                    self.report_unknown_path(
                        mi,
                        path,
                        "E0201",
                        "behavior",
                        crate::suggest::Want::Behavior,
                    )
                }
            }
        }
        if let DefKind::Actor(a) = &mut self.defs[i].kind {
            a.params = params;
            a.own = own;
            a.msg_param = msg_param;
            a.behaviors = behaviors;
            a.broken = broken;
        }
    }
}
