//! `match` as a decision tree, and the pattern tests `let`/`for` share.
//!
//! Over an enum (or one error set), the tree's first level is one `switch` on the tag: each
//! variant's case tests, in source order, only the arms that can match that variant (its
//! variant patterns, wildcards and bindings), checking nested patterns and guards with
//! branches that fall through to the next candidate. Over integers matched against literals
//! the first level is one `switch` on the value, the same way. Over other types the arms are
//! tested in order. Each arm's body is lowered once, in its own block, reached from every
//! path whose tests pass (its bindings are locals assigned on each of those paths). A case
//! with no arm left ends in `unreachable`: the checker proved the match exhaustive.

use janus_sema::Ty;
use janus_sema::info::DefInfoKind;
use janus_syntax::ast::{
    ArmBody, Expr, Ident, Literal, MatchArm, Pattern, PatternKind, VariantFields,
};

use super::Fx;
use crate::ir::*;

impl Fx<'_, '_> {
    pub fn match_expr(&mut self, e: &Expr, scrutinee: &Expr, arms: &[MatchArm]) -> Option<ValueId> {
        let ty = self.construct_ty(e);
        let s = self.value(scrutinee)?;
        self.match_arms(s, arms, &ty)
    }

    /// The decision tree over `arms` for value `s`; the result has type `ty` (or none).
    pub fn match_arms(&mut self, s: ValueId, arms: &[MatchArm], ty: &Ty) -> Option<ValueId> {
        let sty = self.vty(s);
        let out = self.result_local("match", ty);
        let join = self.new_block();
        let bodies: Vec<BlockId> = arms.iter().map(|_| self.new_block()).collect();
        match self.enum_of(&sty) {
            Some((d, n)) if arms.len() > 1 => {
                let tag = self.emit(Op::Tag(s), Ty::i64());
                let mut cases = Vec::new();
                let entries: Vec<BlockId> = (0..n).map(|_| self.new_block()).collect();
                for (k, b) in entries.iter().enumerate() {
                    cases.push((k as i128, *b));
                }
                let none = self.new_block();
                self.terminate(Term::Switch {
                    value: tag,
                    cases,
                    default: none,
                });
                self.switch_to(none);
                self.terminate(Term::Unreachable);
                for (k, entry) in entries.into_iter().enumerate() {
                    self.switch_to(entry);
                    let cands: Vec<usize> = (0..arms.len())
                        .filter(|&i| self.may_match_variant(&arms[i].pattern, &sty, d, k))
                        .collect();
                    self.arm_chain(
                        arms,
                        &cands,
                        s,
                        &sty,
                        &bodies,
                        Some(Known::Variant(k as u32)),
                    );
                }
            }
            _ if int_switchable(&sty, arms) => self.int_switch(arms, s, &sty, &bodies),
            _ => {
                let all: Vec<usize> = (0..arms.len()).collect();
                self.arm_chain(arms, &all, s, &sty, &bodies, None);
            }
        }
        let mut reached = false;
        for (arm, b) in arms.iter().zip(bodies) {
            self.switch_to(b);
            let v = self.arm_body(&arm.body);
            reached |= self.is_open();
            self.finish_branch(v, out, join);
        }
        self.join_value(out, join, reached)
    }

    /// A `switch` on an integer scrutinee: one case per literal written, testing the arms
    /// with that literal and the catch-alls in order; the default tests the catch-alls.
    fn int_switch(&mut self, arms: &[MatchArm], s: ValueId, sty: &Ty, bodies: &[BlockId]) {
        let mut keys: Vec<i128> = Vec::new();
        for a in arms {
            if let PatternKind::Literal(Literal::Int(k)) = a.pattern.kind
                && !keys.contains(&k)
            {
                keys.push(k);
            }
        }
        let entries: Vec<BlockId> = keys.iter().map(|_| self.new_block()).collect();
        let default = self.new_block();
        self.terminate(Term::Switch {
            value: s,
            cases: keys.iter().copied().zip(entries.iter().copied()).collect(),
            default,
        });
        let catch_all = |a: &MatchArm| !matches!(a.pattern.kind, PatternKind::Literal(_));
        for (k, entry) in keys.iter().zip(entries) {
            self.switch_to(entry);
            let cands: Vec<usize> = (0..arms.len())
                .filter(|&i| {
                    catch_all(&arms[i])
                        || matches!(arms[i].pattern.kind, PatternKind::Literal(Literal::Int(x)) if x == *k)
                })
                .collect();
            self.arm_chain(arms, &cands, s, sty, bodies, Some(Known::Int(*k)));
        }
        self.switch_to(default);
        let cands: Vec<usize> = (0..arms.len()).filter(|&i| catch_all(&arms[i])).collect();
        self.arm_chain(arms, &cands, s, sty, bodies, None);
    }

    /// Tests the candidate arms in order from the current block; the first whose pattern
    /// and guard pass jumps to its body; none left: `unreachable`.
    fn arm_chain(
        &mut self,
        arms: &[MatchArm],
        cands: &[usize],
        s: ValueId,
        sty: &Ty,
        bodies: &[BlockId],
        known: Option<Known>,
    ) {
        for (n, &i) in cands.iter().enumerate() {
            let next = self.new_block();
            let arm = &arms[i];
            let before = self.current_block();
            // The last unguarded candidate needs no test: the checker proved the match
            // exhaustive and guarded arms do not count toward coverage, so when every earlier
            // candidate failed, this one matches.
            let known = if n + 1 == cands.len() && arm.guard.is_none() {
                Some(Known::Matches)
            } else {
                known
            };
            self.test_pattern(&arm.pattern, s, sty, next, true, known);
            // An unguarded arm whose pattern needed no test here always matches: the
            // candidates after it are unreachable on this path.
            let always = arm.guard.is_none() && self.current_block() == before;
            if let Some(g) = &arm.guard
                && self.is_open()
                && let Some(c) = self.value(g)
            {
                let pass = self.new_block();
                self.terminate(Term::Branch {
                    cond: c,
                    then: pass,
                    else_: next,
                });
                self.switch_to(pass);
            }
            self.jump(bodies[i]);
            if always {
                return;
            }
            self.switch_to(next);
        }
        self.terminate(Term::Unreachable);
    }

    fn arm_body(&mut self, body: &ArmBody) -> Option<ValueId> {
        match body {
            ArmBody::Expr(x) => self.expr(x),
            ArmBody::Assign(a) => {
                self.assign(a);
                None
            }
        }
    }

    /// The enum a scrutinee type switches over, with its number of variants.
    fn enum_of(&self, t: &Ty) -> Option<(janus_sema::types::DefId, usize)> {
        let Ty::Def(d) = t else { return None };
        match &self.cx.info(*d)?.kind {
            DefInfoKind::Enum { variants, .. } => Some((*d, variants.len())),
            _ => None,
        }
    }

    /// The variant a pattern names at the top, when it names one of `ty`'s.
    fn pattern_variant(
        &self,
        p: &Pattern,
        ty: &Ty,
        in_match: bool,
    ) -> Option<(janus_sema::types::DefId, usize)> {
        if let Some(&dv) = self.cx.checked.types.variants.get(&p.span) {
            return match &p.kind {
                PatternKind::Variant { .. } => Some(dv),
                PatternKind::Binding(_) if in_match => Some(dv),
                _ => None,
            };
        }
        match &p.kind {
            // A bare name that is a variant of the scrutinee's type matches it (§10).
            PatternKind::Binding(id) if in_match => self.variant_named(ty, &id.name),
            _ => None,
        }
    }

    fn variant_named(&self, ty: &Ty, name: &str) -> Option<(janus_sema::types::DefId, usize)> {
        let sets: Vec<janus_sema::types::DefId> = match ty {
            Ty::Def(d) => vec![*d],
            Ty::ErrSets(ds) => ds.clone(),
            _ => return None,
        };
        sets.into_iter().find_map(|d| {
            let vs = self.cx.info(d)?.variants()?;
            vs.iter().position(|v| v.name == name).map(|i| (d, i))
        })
    }

    fn may_match_variant(
        &self,
        p: &Pattern,
        ty: &Ty,
        d: janus_sema::types::DefId,
        k: usize,
    ) -> bool {
        match self.pattern_variant(p, ty, true) {
            Some(dv) => dv == (d, k),
            None => matches!(
                p.kind,
                PatternKind::Wildcard | PatternKind::Binding(_) | PatternKind::Error
            ),
        }
    }

    /// Emits the tests of pattern `p` against value `v` of type `ty`: on failure control
    /// goes to `fail`; on success it continues in the current block with the pattern's
    /// names bound. `in_match`: a `match` pattern (a binding against `?T` then matches only
    /// a non-null value, and bare names may be variants). `known`: what a `switch` or
    /// exhaustiveness already established (tests it makes redundant are skipped).
    pub fn test_pattern(
        &mut self,
        p: &Pattern,
        v: ValueId,
        ty: &Ty,
        fail: BlockId,
        in_match: bool,
        known: Option<Known>,
    ) {
        if !self.is_open() {
            return;
        }
        if let Ty::Optional(inner) = ty
            && (in_match || matches!(p.kind, PatternKind::Null))
        {
            let trusted = known == Some(Known::Matches);
            match &p.kind {
                PatternKind::Wildcard | PatternKind::Error => {}
                PatternKind::Null if trusted => {}
                PatternKind::Null => {
                    let c = self.emit(Op::IsNull(v), Ty::Bool);
                    self.branch_or_fail(c, fail);
                }
                // A name binds the value one level in (`inner` against `??T` is a `?T`), so it
                // must not go on unwrapping through nested optionals.
                PatternKind::Binding(id) if trusted => {
                    let x = self.emit(Op::Unwrap(v), (**inner).clone());
                    self.bind_name(id, x);
                }
                _ if trusted => {
                    let x = self.emit(Op::Unwrap(v), (**inner).clone());
                    self.test_pattern(p, x, inner, fail, in_match, known);
                }
                _ => {
                    let c = self.emit(Op::IsNull(v), Ty::Bool);
                    let ok = self.new_block();
                    self.terminate(Term::Branch {
                        cond: c,
                        then: fail,
                        else_: ok,
                    });
                    self.switch_to(ok);
                    let x = self.emit(Op::Unwrap(v), (**inner).clone());
                    match &p.kind {
                        PatternKind::Binding(id) => self.bind_name(id, x),
                        _ => self.test_pattern(p, x, inner, fail, in_match, None),
                    }
                }
            }
            return;
        }
        if let Some((d, vi)) = self.pattern_variant(p, ty, in_match) {
            if known != Some(Known::Variant(vi as u32)) && known != Some(Known::Matches) {
                let c = self.emit(Op::IsVariant(v, d, vi as u32), Ty::Bool);
                self.branch_or_fail(c, fail);
            }
            if let PatternKind::Variant { fields, .. } = &p.kind {
                self.variant_fields(fields, v, (d, vi as u32), fail, in_match, sub_known(known));
            }
            return;
        }
        match &p.kind {
            PatternKind::Wildcard | PatternKind::Error => {}
            PatternKind::Binding(id) => self.bind_name(id, v),
            PatternKind::Null => {
                // `null` against a non-optional type: the checker rejects it.
                self.jump(fail);
            }
            PatternKind::Literal(Literal::Int(k)) if known == Some(Known::Int(*k)) => {}
            PatternKind::Literal(_) if known == Some(Known::Matches) => {}
            PatternKind::Literal(lit) => {
                let c = match lit {
                    Literal::Int(i) => self.const_int(*i, ty.clone()),
                    Literal::Float(x) => self.emit(Op::Const(Const::F64(x.to_bits())), Ty::F64),
                    Literal::Str(s) => self.const_str(s),
                    Literal::Bool(b) => self.const_bool(*b),
                };
                let c = self.coerce(c, ty);
                let eq = self.emit(Op::Binary(BinOp::Eq, v, c), Ty::Bool);
                self.branch_or_fail(eq, fail);
            }
            PatternKind::Tuple(ps) => {
                let ts = match ty {
                    Ty::Tuple(ts) if ts.len() == ps.len() => ts.clone(),
                    _ => {
                        self.error(p.span, "tuple pattern against a non-tuple");
                        return;
                    }
                };
                for (i, (sp, t)) in ps.iter().zip(&ts).enumerate() {
                    if matches!(sp.kind, PatternKind::Wildcard) {
                        continue;
                    }
                    let x = self.emit(Op::Elem(v, i as u32), t.clone());
                    self.test_pattern(sp, x, t, fail, in_match, sub_known(known));
                }
            }
            PatternKind::Variant { .. } => {
                self.error(p.span, "the checker did not resolve this variant pattern");
            }
        }
    }

    /// Continues in a new block when `c` holds, else goes to `fail`.
    fn branch_or_fail(&mut self, c: ValueId, fail: BlockId) {
        let ok = self.new_block();
        self.terminate(Term::Branch {
            cond: c,
            then: ok,
            else_: fail,
        });
        self.switch_to(ok);
    }

    fn variant_fields(
        &mut self,
        fields: &VariantFields,
        v: ValueId,
        (d, vi): (janus_sema::types::DefId, u32),
        fail: BlockId,
        in_match: bool,
        known: Option<Known>,
    ) {
        let decl: Vec<janus_sema::info::Field> = self
            .cx
            .info(d)
            .and_then(|i| i.variants())
            .and_then(|vs| vs.get(vi as usize))
            .map(|x| x.field_list().to_vec())
            .unwrap_or_default();
        let mut sub: Vec<(usize, Option<&Pattern>, Option<&Ident>)> = Vec::new();
        match fields {
            VariantFields::None => {}
            VariantFields::Named(fps) => {
                for fp in fps {
                    let Some(i) = decl.iter().position(|f| f.name == fp.name.name) else {
                        self.error(fp.name.span, "unknown field in a pattern");
                        return;
                    };
                    sub.push((i, fp.pattern.as_ref(), Some(&fp.name)));
                }
            }
            VariantFields::Positional(ps) => {
                for (i, sp) in ps.iter().enumerate() {
                    sub.push((i, Some(sp), None));
                }
            }
        }
        for (i, sp, name) in sub {
            if sp.is_some_and(|p| matches!(p.kind, PatternKind::Wildcard)) {
                continue;
            }
            let Some(f) = decl.get(i) else {
                self.error(fields_span(fields), "too many fields in a pattern");
                return;
            };
            let fty = f.ty.clone();
            let x = self.emit(Op::VariantField(v, d, vi, i as u32), fty.clone());
            match (sp, name) {
                (Some(sp), _) => self.test_pattern(sp, x, &fty, fail, in_match, known),
                (None, Some(n)) => self.bind_name(n, x),
                (None, None) => {}
            }
        }
    }

    /// Binds a name to a value in a local (`_` binds nothing).
    fn bind_name(&mut self, id: &Ident, v: ValueId) {
        if id.name == "_" {
            return;
        }
        let ty = self
            .cx
            .checked
            .types
            .bindings
            .get(&id.span)
            .cloned()
            .unwrap_or_else(|| self.vty(v));
        let l = self.binding_local(&id.name, id.span, ty);
        self.store(l, v);
    }
}

/// What a `switch` already established about the scrutinee of the arms it leads to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Known {
    /// Its variant index.
    Variant(u32),
    /// Its integer value.
    Int(i128),
    /// The whole pattern matches (by exhaustiveness): only bindings remain to be made.
    Matches,
}

/// What is known about the parts of a value when something is known about the whole.
fn sub_known(k: Option<Known>) -> Option<Known> {
    match k {
        Some(Known::Matches) => Some(Known::Matches),
        _ => None,
    }
}

/// Whether a match over `ty` can start with an integer `switch`: an integer scrutinee and
/// arms that are integer literals or catch-alls, at least one literal.
fn int_switchable(ty: &Ty, arms: &[MatchArm]) -> bool {
    matches!(ty, Ty::Int(_))
        && arms.len() > 1
        && arms
            .iter()
            .any(|a| matches!(a.pattern.kind, PatternKind::Literal(Literal::Int(_))))
        && arms.iter().all(|a| {
            matches!(
                a.pattern.kind,
                PatternKind::Literal(Literal::Int(_))
                    | PatternKind::Wildcard
                    | PatternKind::Binding(_)
                    | PatternKind::Error
            )
        })
}

fn fields_span(f: &VariantFields) -> janus_syntax::Span {
    match f {
        VariantFields::Named(fps) => fps.first().map(|x| x.span).unwrap_or_default(),
        VariantFields::Positional(ps) => ps.first().map(|x| x.span).unwrap_or_default(),
        VariantFields::None => janus_syntax::Span::default(),
    }
}
