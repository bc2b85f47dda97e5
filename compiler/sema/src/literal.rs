//! Struct and variant literals: `Point { x: 1, y }`, `Shape.Circle { radius: 1.0 }`,
//! `.Rect { w, h }`. Every field must be given (E0303), known (E0209) and given once (E0203).

use crate::fx::FxMap;

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::Body;
use crate::env::Lookup;
use crate::items::{DefKind, FieldTy};
use crate::names::Static;
use crate::types::{DefId, Ty};

/// What a literal's path names.
pub struct LitTarget<'e, 'a> {
    /// `Point`, `Shape.Circle`: how messages name it.
    pub shown: String,
    pub fields: &'e [FieldTy<'a>],
    /// The variant, when the literal builds one.
    pub variant: Option<(DefId, usize)>,
    pub ty: Ty,
}

impl<'e, 'a> Body<'e, 'a> {
    pub fn struct_lit(
        &mut self,
        e: &'a Expr,
        path: &'a Expr,
        fields: &'a [FieldInit],
        expected: Option<&Ty>,
        omit: Option<&str>,
    ) -> Ty {
        match self.lit_target(path, expected) {
            Some(t) => {
                if let Some((d, vi)) = t.variant {
                    self.env.record_variant(e.span, d, vi);
                }
                self.lit_fields(&t, fields, omit, e.span);
                t.ty
            }
            None => {
                for f in fields {
                    match &f.value {
                        Some(v) => {
                            self.expr(v, None);
                        }
                        None => {
                            if self.local(&f.name.name).is_none() {
                                self.unknown_name(
                                    &f.name.name,
                                    f.name.span,
                                    crate::suggest::Want::Value,
                                );
                            }
                        }
                    }
                }
                Ty::Error
            }
        }
    }

    fn variant_target(&self, d: DefId, vi: usize) -> Option<LitTarget<'e, 'a>> {
        let def = self.env.def(d);
        let v = def.variants()?.get(vi)?;
        Some(LitTarget {
            shown: format!("{}.{}", def.name, v.name),
            fields: v.field_list(),
            variant: Some((d, vi)),
            ty: Ty::Def(d),
        })
    }

    fn struct_target(&self, d: DefId) -> Option<LitTarget<'e, 'a>> {
        let d = match &self.env.def(d).kind {
            DefKind::Alias { .. } => match self.env.alias_ty(d) {
                Ty::Def(x) => x,
                _ => return None,
            },
            _ => d,
        };
        match &self.env.def(d).kind {
            DefKind::Struct { fields, .. } => Some(LitTarget {
                shown: self.env.def(d).name.to_string(),
                fields,
                variant: None,
                ty: Ty::Def(d),
            }),
            _ => None,
        }
    }

    /// Resolves the path of a literal; `None` after reporting (or silently when poisoned).
    pub fn lit_target(
        &mut self,
        path: &'a Expr,
        expected: Option<&Ty>,
    ) -> Option<LitTarget<'e, 'a>> {
        match &path.kind {
            ExprKind::DotName(id) | ExprKind::Name(id) => {
                let dotted = matches!(path.kind, ExprKind::DotName(_));
                if let Some((d, vi)) = expected.and_then(|t| self.find_variant(t, &id.name)) {
                    return self.variant_target(d, vi);
                }
                if !dotted {
                    match self.env.lookup(self.mi, &id.name) {
                        Lookup::Def(d) => {
                            if let Some(t) = self.struct_target(d) {
                                return Some(t);
                            }
                            let def = self.env.def(d);
                            self.emit(
                                Diagnostic::error(
                                    "E0307",
                                    format!(
                                        "`{}` is {}, not a struct or variant",
                                        def.name,
                                        def.a_kind()
                                    ),
                                )
                                .primary(id.span, "cannot build a literal of this"),
                            );
                            return None;
                        }
                        Lookup::Poison => return None,
                        Lookup::NotFound => {}
                    }
                }
                if let Some(exp) = expected {
                    if exp.has_error() {
                        return None;
                    }
                    if let Some(sum) = self.sum_def(exp)
                        && dotted
                    {
                        self.unknown_variant(sum, id);
                        return None;
                    }
                }
                match self.unique_variant(&id.name, id.span) {
                    Some(Some((d, vi))) => self.variant_target(d, vi),
                    Some(None) => None,
                    None => {
                        if dotted {
                            self.emit(
                                Diagnostic::error(
                                    "E0206",
                                    format!("unknown variant `.{}`", id.name),
                                )
                                .primary(id.span, "no type in scope has this variant"),
                            );
                        } else {
                            self.env.report_unknown_path(
                                self.mi,
                                std::slice::from_ref(id),
                                "E0202",
                                "type",
                                crate::suggest::Want::Type,
                            );
                        }
                        None
                    }
                }
            }
            ExprKind::Field { .. } => match self.try_static(path) {
                Static::Variant(d, vi) => self.variant_target(d, vi),
                Static::Def(d) => {
                    let t = self.struct_target(d);
                    if t.is_none() {
                        let def = self.env.def(d);
                        self.emit(
                            Diagnostic::error(
                                "E0307",
                                format!(
                                    "`{}` is {}, not a struct or variant",
                                    def.name,
                                    def.a_kind()
                                ),
                            )
                            .primary(path.span, "cannot build a literal of this"),
                        );
                    }
                    t
                }
                Static::Poison | Static::Reported => None,
                Static::TypeMember(..) | Static::Value => {
                    if self.expr(path, None).has_error() {
                        return None;
                    }
                    self.emit(
                        Diagnostic::error("E0307", "expected a struct or variant name before `{`")
                            .primary(path.span, "not a struct or variant"),
                    );
                    None
                }
            },
            _ => {
                self.expr(path, None);
                None
            }
        }
    }

    /// Checks the fields of a literal against its target; `omit` is left out on purpose (ask).
    pub fn lit_fields(
        &mut self,
        t: &LitTarget<'e, 'a>,
        fields: &'a [FieldInit],
        omit: Option<&str>,
        span: Span,
    ) {
        let mut seen: FxMap<&str, Span> = FxMap::default();
        let mut unknown = false;
        for f in fields {
            let decl = t.fields.iter().find(|d| d.name == f.name.name);
            if let Some(prev) = seen.insert(&f.name.name, f.name.span) {
                self.emit(
                    Diagnostic::error("E0203", format!("field `{}` is given twice", f.name.name))
                        .primary(f.name.span, "given again here")
                        .secondary(prev, "first given here"),
                );
            }
            let fty = match decl {
                Some(d) => d.ty.clone(),
                None => {
                    unknown = true;
                    let names: Vec<&str> = t.fields.iter().map(|d| d.name).collect();
                    self.unknown_field(&t.shown, &names, &f.name);
                    Ty::Error
                }
            };
            match &f.value {
                Some(v) => {
                    self.expect(v, &fty);
                }
                None => match self.local(&f.name.name) {
                    Some(l) => {
                        let lt = l.ty.clone();
                        self.env
                            .record_name(f.name.span, crate::NameRef::Local(l.span));
                        self.coerce(&lt, &fty, f.name.span);
                    }
                    None => {
                        let ident_ty = self.shorthand_nonlocal(&f.name, &fty);
                        self.coerce(&ident_ty, &fty, f.name.span);
                    }
                },
            }
        }
        let missing: Vec<&str> = t
            .fields
            .iter()
            .filter(|d| !seen.contains_key(d.name) && Some(d.name) != omit)
            .map(|d| d.name)
            .collect();
        if !missing.is_empty() && !unknown && self.lenient == 0 {
            let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            let s = if missing.len() == 1 { "" } else { "s" };
            self.emit(
                Diagnostic::error(
                    "E0303",
                    format!("missing field{s} {} in `{}`", list.join(", "), t.shown),
                )
                .primary(span, format!("missing field{s}"))
                .help(format!(
                    "add {}: `{}`",
                    if missing.len() == 1 { "it" } else { "them" },
                    missing
                        .iter()
                        .map(|m| format!("{m}: ..."))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
    }

    /// `{ x }` where `x` is not a local: a constant, or an unknown name.
    fn shorthand_nonlocal(&mut self, id: &'a Ident, expected: &Ty) -> Ty {
        match self.env.lookup(self.mi, &id.name) {
            Lookup::Def(d) => self.def_as_value(d, id.span),
            Lookup::Poison => Ty::Error,
            Lookup::NotFound => {
                if let Some((d, vi)) = self.find_variant(expected, &id.name) {
                    return self.variant_value(d, vi, id.span);
                }
                self.unknown_name(&id.name, id.span, crate::suggest::Want::Value);
                Ty::Error
            }
        }
    }
}
