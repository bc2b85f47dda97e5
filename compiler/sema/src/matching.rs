//! `match` expressions and the bridge to the exhaustiveness algorithm: types are lowered to
//! shapes, and coverage results become E0401/E0402 and W0401.

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::{Body, LocalKind};
use crate::env::Env;
use crate::exhaustive::{self, Arm, Shape, ShapeId, ShapeTable, VariantShape};
use crate::fx::FxMap;
use crate::items::DefKind;
use crate::types::{Ty, join};

impl<'e, 'a> Body<'e, 'a> {
    /// `match` as a value (`value`) or as a statement.
    pub fn match_expr(
        &mut self,
        e: &'a Expr,
        scrutinee: &'a Expr,
        arms: &'a [MatchArm],
        expected: Option<&Ty>,
        value: bool,
    ) -> Ty {
        let st = self.expr(scrutinee, None);
        let errors_before = self.pattern_errors;
        let mut lowered = Vec::with_capacity(arms.len());
        let mut result: Option<Ty> = None;
        let mut all_never = !arms.is_empty();
        for arm in arms {
            self.push_scope();
            let mut binds = Vec::new();
            let pat = self.pattern(&arm.pattern, &st, &mut binds);
            for (n, t, s) in binds {
                self.declare(n, t, false, LocalKind::Binding, s);
            }
            if let Some(g) = &arm.guard {
                self.expect(g, &Ty::Bool);
            }
            let hint = expected.cloned().or_else(|| result.clone());
            let t = self.arm_body(&arm.body, hint.as_ref(), value);
            self.pop_scope();
            if !matches!(t, Ty::Never) {
                all_never = false;
            }
            if value {
                result = match &result {
                    None => Some(t),
                    Some(r) => match join(r, &t) {
                        Some(j) => Some(j),
                        None => {
                            if !r.has_error() && !t.has_error() {
                                self.emit(
                                    Diagnostic::error(
                                        "E0301",
                                        format!(
                                            "`match` arms have different types: `{}` and `{}`",
                                            self.show(r),
                                            self.show(&t)
                                        ),
                                    )
                                    .primary(
                                        arm.body.span(),
                                        format!("expected `{}`", self.show(r)),
                                    ),
                                );
                            }
                            Some(Ty::Error)
                        }
                    },
                };
            }
            lowered.push(Arm {
                pat,
                guarded: arm.guard.is_some(),
            });
        }
        let broken = self.saw_syntax_error
            || arms
                .iter()
                .any(|a| matches!(a.pattern.kind, PatternKind::Error));
        if !st.has_error() && self.pattern_errors == errors_before && !broken {
            let spans: Vec<Span> = arms.iter().map(|a| a.pattern.span).collect();
            let kw = Span {
                hi: scrutinee.span.hi.max(e.span.lo),
                ..e.span
            };
            self.const_binding = arms
                .iter()
                .enumerate()
                .find_map(|(i, a)| match &a.pattern.kind {
                    PatternKind::Binding(id) if a.guard.is_none() => matches!(
                        self.env.lookup(self.mi, &id.name),
                        crate::env::Lookup::Def(d)
                            if matches!(self.env.def(d).kind, DefKind::Const { .. })
                    )
                    .then_some((i, id.span, id.name.as_str())),
                    _ => None,
                });
            self.coverage(&st, &lowered, &spans, kw, CoverKind::Match);
            self.const_binding = None;
        }
        if !value {
            return if all_never { Ty::Never } else { Ty::Void };
        }
        match result {
            None => Ty::Never,
            Some(t) => t,
        }
    }

    /// An arm body: an expression or one assignment.
    pub fn arm_body(&mut self, body: &'a ArmBody, expected: Option<&Ty>, value: bool) -> Ty {
        match body {
            ArmBody::Assign(a) => self.assign(a),
            ArmBody::Expr(x) if value => self.expr(x, expected),
            ArmBody::Expr(x) => self.expr_stmt(x),
        }
    }

    /// Runs the exhaustiveness algorithm and reports what it finds.
    pub fn coverage(
        &mut self,
        st: &Ty,
        arms: &[Arm],
        pat_spans: &[Span],
        kw: Span,
        kind: CoverKind,
    ) {
        let cov = {
            let mut shapes = self.env.shapes.borrow_mut();
            let (table, memo) = &mut *shapes;
            let id = lower_shape(self.env, table, memo, st);
            exhaustive::check(table, id, arms)
        };
        let missing = &cov.missing;
        if let Some(first) = missing.first() {
            let mut listed: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            if cov.more_missing {
                listed.push("more".into());
            }
            let list = join_words(&listed);
            let d = match kind {
                CoverKind::Match => {
                    Diagnostic::error("E0401", format!("`match` does not cover {list}"))
                        .primary(kw, "not every value is matched")
                        .help(format!("add an arm: `{first} => ...`"))
                }
                CoverKind::Receive => {
                    Diagnostic::error("E0402", format!("`receive` does not handle {list}"))
                        .primary(kw, "not every message is handled")
                        .help(format!("add an arm: `| {first} => ...`"))
                }
            };
            self.emit(d);
        }
        for i in cov.unreachable {
            if let Some(s) = pat_spans.get(i) {
                let mut d = Diagnostic::warning("W0401", "unreachable arm")
                    .primary(*s, "earlier arms already cover every value this matches");
                match self.const_binding {
                    // `LIMIT => ...` binds a new `LIMIT`, which matches everything.
                    Some((c, span, name)) if c < i => {
                        d = d
                            .secondary(
                                span,
                                format!("this binds a new name `{name}`, matching any value; it does not compare with the constant"),
                            )
                            .help(format!("to compare with the constant, use a guard: `x when x == {name} => ...`"));
                    }
                    _ => d = d.help("remove this arm or move it before the arms that cover it"),
                }
                self.emit(d);
            }
        }
    }
}

/// Which construct a coverage problem is reported for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum CoverKind {
    Match,
    Receive,
}

/// `` `a`, `b` and `c` ``: names as code, joined for a sentence.
pub(crate) fn code_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    join_words(&quoted)
}

/// "its only field is `x`" / "its fields are `x` and `y`".
pub(crate) fn its(singular: &str, plural: &str, names: &[&str]) -> String {
    if names.len() == 1 {
        format!("its only {singular} is {}", code_list(names))
    } else {
        format!("its {plural} are {}", code_list(names))
    }
}

pub(crate) fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Lowers a type to a coverage shape, memoized so recursive types stay finite.
pub fn lower_shape(
    env: &Env<'_>,
    table: &mut ShapeTable,
    memo: &mut FxMap<Ty, ShapeId>,
    ty: &Ty,
) -> ShapeId {
    if let Some(&id) = memo.get(ty) {
        return id;
    }
    let id = table.add(Shape::Opaque);
    memo.insert(ty.clone(), id);
    let shape = match ty {
        Ty::Bool => Shape::Bool,
        Ty::Optional(inner) => Shape::Optional(lower_shape(env, table, memo, inner)),
        Ty::Tuple(ts) => Shape::Tuple(
            ts.iter()
                .map(|t| lower_shape(env, table, memo, t))
                .collect(),
        ),
        Ty::Def(d) => match &env.def(*d).kind {
            DefKind::Struct { fields, .. } => Shape::Struct {
                name: env.def(*d).name.to_string(),
                fields: fields
                    .iter()
                    .map(|f| (f.name.to_string(), lower_shape(env, table, memo, &f.ty)))
                    .collect(),
            },
            DefKind::Enum { variants, .. } => Shape::Sum {
                name: env.def(*d).name.to_string(),
                variants: variants
                    .iter()
                    .map(|v| VariantShape {
                        name: v.name.to_string(),
                        qualifier: None,
                        fields: v
                            .field_list()
                            .iter()
                            .map(|f| (f.name.to_string(), lower_shape(env, table, memo, &f.ty)))
                            .collect(),
                    })
                    .collect(),
            },
            _ => Shape::Opaque,
        },
        Ty::ErrSets(sets) => {
            let mut variants = Vec::new();
            for s in sets {
                if let Some(vs) = env.def(*s).variants() {
                    for v in vs {
                        // Several sets may share a variant name, and `.V` is then ambiguous
                        // (E0207): missing cases must be written qualified to be pasteable.
                        let qualifier = (sets.len() > 1).then(|| env.def(*s).name.to_string());
                        variants.push(VariantShape {
                            name: v.name.to_string(),
                            qualifier,
                            fields: v
                                .field_list()
                                .iter()
                                .map(|f| (f.name.to_string(), lower_shape(env, table, memo, &f.ty)))
                                .collect(),
                        });
                    }
                }
            }
            Shape::Sum {
                name: env.show(ty),
                variants,
            }
        }
        _ => Shape::Opaque,
    };
    if let Some(slot) = table.shapes.get_mut(id.0 as usize) {
        *slot = shape;
    }
    id
}
