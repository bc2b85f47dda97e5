//! Operators: unary and binary (E0305, E0311), with the left operand taking its type from the
//! right when it needs a context (`1`, `null`, `.V`, `[]`); orderings and equality rules.

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::Body;
use crate::items::DefKind;
use crate::types::{DefId, IntTy, Ty, assignable};

impl<'e, 'a> Body<'e, 'a> {
    pub(crate) fn unary(
        &mut self,
        op: UnOp,
        inner: &'a Expr,
        expected: Option<&Ty>,
        span: Span,
    ) -> Ty {
        match op {
            UnOp::Not => {
                let t = self.expr(inner, Some(&Ty::Bool));
                self.bool_operand(&t, "not", inner.span);
                Ty::Bool
            }
            UnOp::Neg => {
                if let ExprKind::Int(v) = inner.kind {
                    let t = self.int_lit(v, true, expected, span);
                    if t == Ty::Int(IntTy::U64) && v != 0 {
                        return t;
                    }
                    self.env.record(inner.span, &t);
                    return t;
                }
                let t = self.expr(inner, expected);
                match t {
                    Ty::Error | Ty::Int(IntTy::I64) | Ty::Int(IntTy::I32) | Ty::F64 | Ty::Never => {
                        t
                    }
                    other => {
                        self.emit(
                            Diagnostic::error(
                                "E0305",
                                format!("cannot negate a value of type `{}`", self.show(&other)),
                            )
                            .primary(span, "`-` needs a signed number"),
                        );
                        Ty::Error
                    }
                }
            }
        }
    }

    /// Both operands of a binary operator; a left operand that needs a type from context
    /// (`1`, `null`, `.V`, `[]`) takes the right's type.
    pub fn operands(&mut self, lhs: &'a Expr, rhs: &'a Expr, hint: Option<&Ty>) -> (Ty, Ty) {
        if needs_context(lhs) && !needs_context(rhs) {
            let rt = self.expr(rhs, hint);
            let lt = self.expr(lhs, Some(&rt));
            (lt, rt)
        } else {
            let lt = self.expr(lhs, hint);
            let rt = self.expr(rhs, Some(&lt));
            (lt, rt)
        }
    }

    pub(crate) fn binary(
        &mut self,
        op: BinOp,
        lhs: &'a Expr,
        rhs: &'a Expr,
        expected: Option<&Ty>,
        span: Span,
    ) -> Ty {
        match op {
            BinOp::And | BinOp::Or => {
                let lt = self.expr(lhs, Some(&Ty::Bool));
                self.bool_operand(&lt, op.symbol(), lhs.span);
                let rt = self.expr(rhs, Some(&Ty::Bool));
                self.bool_operand(&rt, op.symbol(), rhs.span);
                Ty::Bool
            }
            BinOp::Coalesce => {
                let hint = expected.map(|t| Ty::opt(t.clone()));
                let lt = self.expr(lhs, hint.as_ref());
                match lt {
                    Ty::Optional(inner) => {
                        let rt = self.expr(rhs, Some(&inner));
                        if assignable(&rt, &inner) {
                            *inner
                        } else if assignable(&rt, &Ty::Optional(inner.clone())) {
                            Ty::Optional(inner)
                        } else {
                            self.coerce(&rt, &inner, rhs.span);
                            *inner
                        }
                    }
                    Ty::Error => {
                        self.expr(rhs, expected);
                        Ty::Error
                    }
                    other => {
                        self.emit(
                            Diagnostic::error(
                                "E0305",
                                format!(
                                    "`??` needs an optional on its left, found `{}`",
                                    self.show(&other)
                                ),
                            )
                            .primary(lhs.span, "not optional")
                            .help("`a ?? b` gives `b` when `a` is `null`"),
                        );
                        self.expr(rhs, Some(&other));
                        other
                    }
                }
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (lt, rt) = self.operands(lhs, rhs, None);
                if lt.has_error() || rt.has_error() {
                    return Ty::Bool;
                }
                if !assignable(&rt, &lt) && !assignable(&lt, &rt) {
                    self.emit(
                        Diagnostic::error(
                            "E0305",
                            format!(
                                "cannot compare `{}` with `{}`",
                                self.show(&lt),
                                self.show(&rt)
                            ),
                        )
                        .primary(span, "operands of different types"),
                    );
                    return Ty::Bool;
                }
                let ordering = !matches!(op, BinOp::Eq | BinOp::Ne);
                if ordering && !(self.ordered(&lt) && self.ordered(&rt)) {
                    self.emit(
                        Diagnostic::error("E0311", format!("`{}` is not defined on `{}`", op.symbol(), self.show(&lt)))
                            .primary(span, "values of this type have no order")
                            .note("`<` compares numbers, strings, bytes, durations, instants and tuples of them"),
                    );
                } else if !ordering
                    && (self.contains_reply(&lt, &mut Vec::new())
                        || self.contains_reply(&rt, &mut Vec::new()))
                {
                    self.emit(
                        Diagnostic::error(
                            "E0311",
                            format!("`{}` cannot compare values containing `Reply`", op.symbol()),
                        )
                        .primary(span, "`Reply` has no equality")
                        .note("a `Reply` is a one-shot channel, not data"),
                    );
                }
                Ty::Bool
            }
            BinOp::Concat => {
                let hint = expected.filter(|t| matches!(t, Ty::List(_) | Ty::Str));
                let (lt, rt) = self.operands(lhs, rhs, hint);
                match (&lt, &rt) {
                    (Ty::Error, _) | (_, Ty::Error) => {
                        if matches!(lt, Ty::Error) {
                            rt
                        } else {
                            lt
                        }
                    }
                    (Ty::Str, Ty::Str) => Ty::Str,
                    (Ty::List(a), Ty::List(b)) if crate::types::same(a, b) => lt.clone(),
                    _ => {
                        self.emit(
                            Diagnostic::error(
                                "E0305",
                                format!(
                                    "cannot concatenate `{}` and `{}`",
                                    self.show(&lt),
                                    self.show(&rt)
                                ),
                            )
                            .primary(span, "`++` joins two strings or two lists of one type"),
                        );
                        Ty::Error
                    }
                }
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                let hint = expected.filter(|t| t.is_numeric());
                let (lt, rt) = self.operands(lhs, rhs, hint);
                self.arith(op, &lt, &rt, span)
            }
        }
    }

    pub(crate) fn bool_operand(&self, t: &Ty, op: &str, span: Span) {
        if !crate::types::assignable(t, &Ty::Bool) {
            self.emit(
                Diagnostic::error(
                    "E0305",
                    format!("`{op}` needs `bool` operands, found `{}`", self.show(t)),
                )
                .primary(span, "not a `bool`")
                .help("compare explicitly, e.g. `n != 0`"),
            );
        }
    }

    /// The result of an arithmetic operator, or E0305.
    pub fn arith(&self, op: BinOp, lt: &Ty, rt: &Ty, span: Span) -> Ty {
        match (lt, rt) {
            (Ty::Error, _) | (_, Ty::Error) => Ty::Error,
            (Ty::Never, t) | (t, Ty::Never) => t.clone(),
            (a, b) if a.is_numeric() && a == b => a.clone(),
            (Ty::Duration, Ty::Duration) if matches!(op, BinOp::Add | BinOp::Sub) => Ty::Duration,
            (Ty::Instant, Ty::Duration) if matches!(op, BinOp::Add | BinOp::Sub) => Ty::Instant,
            (Ty::Instant, Ty::Instant) if op == BinOp::Sub => Ty::Duration,
            _ => {
                let mut d = Diagnostic::error(
                    "E0305",
                    format!(
                        "cannot apply `{}` to `{}` and `{}`",
                        op.symbol(),
                        self.show(lt),
                        self.show(rt)
                    ),
                )
                .primary(span, "operator not defined for these types");
                if matches!((lt, rt), (Ty::Str, Ty::Str)) && op == BinOp::Add {
                    d = d.help("concatenate strings with `++`");
                } else if lt.is_numeric() && rt.is_numeric() {
                    d = d
                        .help("no implicit numeric conversion: convert one side, e.g. `.to_f64()`");
                }
                self.emit(d);
                Ty::Error
            }
        }
    }

    pub fn ordered(&self, t: &Ty) -> bool {
        match t {
            Ty::Int(_)
            | Ty::F64
            | Ty::Str
            | Ty::Bytes
            | Ty::Duration
            | Ty::Instant
            | Ty::Error
            | Ty::Never => true,
            Ty::Tuple(ts) => ts.iter().all(|x| self.ordered(x)),
            _ => false,
        }
    }

    pub fn contains_reply(&self, t: &Ty, seen: &mut Vec<DefId>) -> bool {
        match t {
            Ty::Reply(_) => true,
            Ty::List(x) | Ty::Set(x) | Ty::Optional(x) => self.contains_reply(x, seen),
            Ty::Map(k, v) => self.contains_reply(k, seen) || self.contains_reply(v, seen),
            Ty::Tuple(ts) => ts.iter().any(|x| self.contains_reply(x, seen)),
            Ty::Def(d) => {
                if seen.contains(d) {
                    return false;
                }
                seen.push(*d);
                match &self.env.def(*d).kind {
                    DefKind::Struct { fields, .. } => {
                        fields.iter().any(|f| self.contains_reply(&f.ty, seen))
                    }
                    DefKind::Enum { variants, .. } => variants
                        .iter()
                        .flat_map(|v| v.field_list().iter())
                        .any(|f| self.contains_reply(&f.ty, seen)),
                    _ => false,
                }
            }
            _ => false,
        }
    }
}

pub fn is_int_lit(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) => true,
        ExprKind::Unary {
            op: UnOp::Neg,
            expr,
        } => matches!(expr.kind, ExprKind::Int(_)),
        _ => false,
    }
}

/// Whether an expression's type comes from its context.
pub(crate) fn needs_context(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Null | ExprKind::DotName(_) => true,
        ExprKind::List(es) => es.is_empty(),
        _ => is_int_lit(e),
    }
}
