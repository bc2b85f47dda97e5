//! Patterns (E0403, E0404, E0405, E0315 for literals): checked against the scrutinee's type
//! and lowered to `exhaustive::Pat`; bare names that are variants of that type match them.

use crate::fx::FxMap;

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::Body;
use crate::env::Lookup;
use crate::exhaustive::{LitKey, Pat};
use crate::items::DefKind;
use crate::types::{DefId, Ty};

pub type Binds<'a> = Vec<(&'a str, Ty, Span)>;

impl<'e, 'a> Body<'e, 'a> {
    /// Checks a `match`/`receive` pattern against the scrutinee type and lowers it.
    pub fn pattern(&mut self, p: &'a Pattern, ty: &Ty, binds: &mut Binds<'a>) -> Pat {
        self.pat(p, ty, binds, true)
    }

    fn bind(&mut self, id: &'a Ident, ty: Ty, binds: &mut Binds<'a>) {
        if id.name == "_" {
            return;
        }
        if let Some((_, _, prev)) = binds.iter().find(|(n, _, _)| *n == id.name) {
            let prev = *prev;
            self.pattern_errors += 1;
            self.emit(
                Diagnostic::error(
                    "E0404",
                    format!("`{}` is bound twice in this pattern", id.name),
                )
                .primary(id.span, "bound again here")
                .secondary(prev, "first bound here")
                .help("use a different name, or `_`"),
            );
            return;
        }
        binds.push((&id.name, ty, id.span));
    }

    fn pattern_mismatch(&mut self, span: Span, what: &str, ty: &Ty) -> Pat {
        self.pattern_errors += 1;
        self.emit(
            Diagnostic::error(
                "E0403",
                format!("{what} cannot match a value of type `{}`", self.show(ty)),
            )
            .primary(
                span,
                format!("this pattern does not fit `{}`", self.show(ty)),
            ),
        );
        Pat::Wild
    }

    /// Binds every name in a pattern with the error type (after a failure).
    fn bind_all_error(&mut self, p: &'a Pattern, binds: &mut Binds<'a>) {
        match &p.kind {
            PatternKind::Binding(id) => self.bind(id, Ty::Error, binds),
            PatternKind::Tuple(ps) => ps.iter().for_each(|x| self.bind_all_error(x, binds)),
            PatternKind::Variant { fields, .. } => match fields {
                VariantFields::None => {}
                VariantFields::Named(fps) => {
                    for fp in fps {
                        match &fp.pattern {
                            Some(x) => self.bind_all_error(x, binds),
                            None => self.bind(&fp.name, Ty::Error, binds),
                        }
                    }
                }
                VariantFields::Positional(ps) => {
                    ps.iter().for_each(|x| self.bind_all_error(x, binds))
                }
            },
            _ => {}
        }
    }

    /// `m`: inside `match`/`receive` (a binding against `?T` then matches a non-null `T`).
    pub fn pat(&mut self, p: &'a Pattern, ty: &Ty, binds: &mut Binds<'a>, m: bool) -> Pat {
        if matches!(ty, Ty::Error) {
            self.bind_all_error(p, binds);
            return Pat::Wild;
        }
        if let Ty::Optional(inner) = ty {
            match &p.kind {
                PatternKind::Wildcard | PatternKind::Null | PatternKind::Error => {}
                PatternKind::Binding(id) => {
                    if !m {
                        self.bind(id, ty.clone(), binds);
                        return Pat::Wild;
                    }
                    if let Some((d, vi)) = self
                        .sum_def(inner)
                        .and_then(|_| self.find_variant(inner, &id.name))
                    {
                        let n = self
                            .env
                            .def(d)
                            .variants()
                            .and_then(|v| v.get(vi))
                            .map_or(0, |v| v.field_list().len());
                        let inner_pat = self.variant_pat_index(inner, d, vi, vec![Pat::Wild; n]);
                        return Pat::Some(Box::new(inner_pat));
                    }
                    self.bind(id, (**inner).clone(), binds);
                    return Pat::Some(Box::new(Pat::Wild));
                }
                _ => return Pat::Some(Box::new(self.pat(p, inner, binds, m))),
            }
        }
        match &p.kind {
            PatternKind::Wildcard | PatternKind::Error => Pat::Wild,
            PatternKind::Binding(id) => {
                if m && let Some((d, vi)) = self.find_variant(ty, &id.name) {
                    self.env.record_variant(p.span, d, vi);
                    let n = self
                        .env
                        .def(d)
                        .variants()
                        .and_then(|v| v.get(vi))
                        .map_or(0, |v| v.field_list().len());
                    return self.variant_pat_index(ty, d, vi, vec![Pat::Wild; n]);
                }
                self.bind(id, ty.clone(), binds);
                Pat::Wild
            }
            PatternKind::Null => match ty {
                Ty::Optional(_) => Pat::Null,
                _ => self.pattern_mismatch(p.span, "`null`", ty),
            },
            PatternKind::Literal(lit) => self.lit_pat(lit, ty, p.span),
            PatternKind::Tuple(ps) => match ty {
                Ty::Tuple(ts) if ts.len() == ps.len() => Pat::Tuple(
                    ps.iter()
                        .zip(ts)
                        .map(|(x, t)| self.pat(x, t, binds, m))
                        .collect(),
                ),
                _ => {
                    self.bind_all_error(p, binds);
                    self.pattern_mismatch(
                        p.span,
                        &format!("a tuple pattern of {} elements", ps.len()),
                        ty,
                    )
                }
            },
            PatternKind::Variant { path, fields } => {
                self.variant_pat(p, path, fields, ty, binds, m)
            }
        }
    }

    fn lit_pat(&mut self, lit: &Literal, ty: &Ty, span: Span) -> Pat {
        match (lit, ty) {
            (Literal::Int(v), Ty::Int(k)) => {
                let neg = *v < 0;
                let mag = v.unsigned_abs();
                if mag > u64::MAX as u128 || !k.fits(mag as u64, neg) {
                    self.pattern_errors += 1;
                    self.emit(
                        Diagnostic::error(
                            "E0315",
                            format!("integer literal `{v}` does not fit in `{}`", k.name()),
                        )
                        .primary(span, "out of range"),
                    );
                    return Pat::Wild;
                }
                Pat::Literal(LitKey::Int(*v))
            }
            (Literal::Float(f), Ty::F64) => Pat::Literal(LitKey::Float(f.to_bits())),
            (Literal::Str(s), Ty::Str) => Pat::Literal(LitKey::Str(s.clone())),
            (Literal::Bool(b), Ty::Bool) => Pat::Bool(*b),
            _ => {
                let what = match lit {
                    Literal::Int(_) => "an integer literal",
                    Literal::Float(_) => "a float literal",
                    Literal::Str(_) => "a string literal",
                    Literal::Bool(_) => "a boolean literal",
                };
                self.pattern_mismatch(span, what, ty)
            }
        }
    }

    /// A variant pattern's `Pat`, with the index flattened across several error sets.
    fn variant_pat_index(&self, ty: &Ty, d: DefId, vi: usize, fields: Vec<Pat>) -> Pat {
        let mut index = vi;
        if let Ty::ErrSets(sets) = ty {
            for s in sets {
                if *s == d {
                    break;
                }
                index += self.env.def(*s).variants().map_or(0, |v| v.len());
            }
        }
        Pat::Variant { index, fields }
    }

    fn variant_pat(
        &mut self,
        p: &'a Pattern,
        path: &'a VariantPath,
        fields: &'a VariantFields,
        ty: &Ty,
        binds: &mut Binds<'a>,
        m: bool,
    ) -> Pat {
        // Struct patterns: `Point { x, y }` against a struct.
        if let Ty::Def(s) = ty
            && let DefKind::Struct {
                fields: decl_fields,
                ..
            } = &self.env.def(*s).kind
        {
            let struct_name = self.env.def(*s).name;
            let named_ok = path.name.name == struct_name && !path.leading_dot;
            let qualified_ok = !path.qualifier.is_empty() && {
                let mut full = path.qualifier.clone();
                full.push(path.name.clone());
                self.env.resolve_def_path(self.mi, &full) == Lookup::Def(*s)
            };
            if named_ok || qualified_ok {
                let decl_fields = decl_fields.clone();
                let pats = self.field_pats(struct_name, &decl_fields, fields, binds, m);
                return Pat::Struct(pats);
            }
        }
        let (d, vi) = if !path.qualifier.is_empty() {
            let d = match self.env.resolve_def_path(self.mi, &path.qualifier) {
                Lookup::Def(d) => match self.enum_target(d) {
                    Some(e) => e,
                    None => {
                        self.bind_all_error(p, binds);
                        let name = self.env.def(d).name;
                        return self.pattern_mismatch(
                            p.span,
                            &format!("`{name}` has no variants; it"),
                            ty,
                        );
                    }
                },
                Lookup::Poison => {
                    self.bind_all_error(p, binds);
                    return Pat::Wild;
                }
                Lookup::NotFound => {
                    self.pattern_errors += 1;
                    self.env.report_unknown_path(
                        self.mi,
                        &path.qualifier,
                        "E0202",
                        "type",
                        crate::suggest::Want::Type,
                    );
                    self.bind_all_error(p, binds);
                    return Pat::Wild;
                }
            };
            let fits = match ty {
                Ty::Def(t) => *t == d,
                Ty::ErrSets(sets) => sets.contains(&d),
                _ => false,
            };
            if !fits {
                self.bind_all_error(p, binds);
                let name = self.env.def(d).name;
                return self.pattern_mismatch(p.span, &format!("a pattern of type `{name}`"), ty);
            }
            match self.find_variant(&Ty::Def(d), &path.name.name) {
                Some(x) => x,
                None => {
                    self.pattern_errors += 1;
                    self.unknown_variant(d, &path.name);
                    self.bind_all_error(p, binds);
                    return Pat::Wild;
                }
            }
        } else {
            if self.ambiguous_in_sets(ty, &path.name) {
                self.pattern_errors += 1;
                self.bind_all_error(p, binds);
                return Pat::Wild;
            }
            match self.find_variant(ty, &path.name.name) {
                Some(x) => x,
                None => {
                    self.bind_all_error(p, binds);
                    let sum = match ty {
                        Ty::ErrSets(sets) => sets.first().copied(),
                        _ => self.sum_def(ty),
                    };
                    if let Some(sum) = sum {
                        self.pattern_errors += 1;
                        self.unknown_variant(sum, &path.name);
                        return Pat::Wild;
                    }
                    return self.pattern_mismatch(
                        p.span,
                        &format!("variant pattern `{}`", path.name.name),
                        ty,
                    );
                }
            }
        };
        self.env.record_variant(p.span, d, vi);
        let def = self.env.def(d);
        let variant = def.variants().and_then(|vs| vs.get(vi));
        // Messages about fields name the variant, not just its type: `Shape.Rect`.
        let owner_name = format!("{}.{}", def.name, variant.map_or("", |v| v.name));
        let vfields = variant.map(|v| v.field_list().to_vec()).unwrap_or_default();
        let pats = self.field_pats(&owner_name, &vfields, fields, binds, m);
        self.variant_pat_index(ty, d, vi, pats)
    }

    fn field_pats(
        &mut self,
        owner: &str,
        decl: &[crate::items::FieldTy<'a>],
        fields: &'a VariantFields,
        binds: &mut Binds<'a>,
        m: bool,
    ) -> Vec<Pat> {
        let mut out = vec![Pat::Wild; decl.len()];
        match fields {
            VariantFields::None => {}
            VariantFields::Named(fps) => {
                let mut seen: FxMap<&str, Span> = FxMap::default();
                for fp in fps {
                    let Some(i) = decl.iter().position(|f| f.name == fp.name.name) else {
                        self.pattern_errors += 1;
                        let names: Vec<&str> = decl.iter().map(|f| f.name).collect();
                        self.unknown_field(owner, &names, &fp.name);
                        match &fp.pattern {
                            Some(x) => self.bind_all_error(x, binds),
                            None => {
                                self.bind(&fp.name, Ty::Error, binds);
                                // `{ repl }` for `{ reply }`: the arm's uses of `reply` would
                                // only repeat the mistake.
                                let guess =
                                    crate::env::suggest(&fp.name.name, names.iter().copied());
                                if let Some(g) =
                                    guess.and_then(|g| decl.iter().find(|f| f.name == g))
                                    && !binds.iter().any(|(n, _, _)| *n == g.name)
                                {
                                    binds.push((g.name, Ty::Error, fp.name.span));
                                }
                            }
                        }
                        continue;
                    };
                    if let Some(prev) = seen.insert(&fp.name.name, fp.name.span) {
                        self.pattern_errors += 1;
                        self.emit(
                            Diagnostic::error(
                                "E0404",
                                format!("field `{}` appears twice in this pattern", fp.name.name),
                            )
                            .primary(fp.name.span, "repeated here")
                            .secondary(prev, "first here"),
                        );
                        continue;
                    }
                    let fty = decl[i].ty.clone();
                    out[i] = match &fp.pattern {
                        Some(x) => self.pat(x, &fty, binds, m),
                        // `{ x }` binds the field as it is, whatever its type.
                        None => {
                            self.bind(&fp.name, fty, binds);
                            Pat::Wild
                        }
                    };
                }
            }
            VariantFields::Positional(ps) => {
                if ps.len() != decl.len() {
                    self.pattern_errors += 1;
                    self.emit(
                        Diagnostic::error(
                            "E0405",
                            format!(
                                "`{owner}` has {} field{}, but the pattern gives {}",
                                decl.len(),
                                if decl.len() == 1 { "" } else { "s" },
                                ps.len()
                            ),
                        )
                        .primary(
                            ps.first()
                                .map_or(Span::default(), |x| x.span)
                                .to(ps.last().map_or(Span::default(), |x| x.span)),
                            "wrong number of fields",
                        )
                        .help(format!(
                            "match the fields by name, leaving out those you do not need: `{{ {} }}`",
                            decl.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
                        )),
                    );
                    for x in ps {
                        self.bind_all_error(x, binds);
                    }
                    return out;
                }
                for (i, x) in ps.iter().enumerate() {
                    let fty = decl[i].ty.clone();
                    out[i] = self.pat(x, &fty, binds, m);
                }
            }
        }
        out
    }

    /// Whether an irrefutable-position pattern could fail to match.
    pub fn pattern_refutable(&self, p: &Pat, ty: &Ty) -> bool {
        match (p, ty) {
            (Pat::Wild, _) => false,
            (Pat::Tuple(ps), Ty::Tuple(ts)) => {
                ps.iter().zip(ts).any(|(x, t)| self.pattern_refutable(x, t))
            }
            (Pat::Struct(ps), Ty::Def(d)) => match &self.env.def(*d).kind {
                DefKind::Struct { fields, .. } => ps
                    .iter()
                    .zip(fields)
                    .any(|(x, f)| self.pattern_refutable(x, &f.ty)),
                _ => true,
            },
            (Pat::Variant { index, fields }, Ty::Def(d)) => {
                let Some(vs) = self.env.def(*d).variants() else {
                    return true;
                };
                if vs.len() != 1 {
                    return true;
                }
                let vf = vs.get(*index).map(|v| v.field_list()).unwrap_or(&[]);
                fields
                    .iter()
                    .zip(vf)
                    .any(|(x, f)| self.pattern_refutable(x, &f.ty))
            }
            _ => true,
        }
    }
}
