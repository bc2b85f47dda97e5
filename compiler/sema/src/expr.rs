//! Expressions, checked bidirectionally: an expected type (when known) flows in and decides
//! literals, `null`, `[]` and bare variants; the found type flows out and is compared at the
//! use site. Calls, literals, patterns, errors and actor operations have their own files.

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::Body;
use crate::types::{DefId, IntTy, Ty, join};

impl<'e, 'a> Body<'e, 'a> {
    /// Checks an expression that must produce a value; an error union here is E0505.
    pub fn expr(&mut self, e: &'a Expr, expected: Option<&Ty>) -> Ty {
        let t = self.expr_u(e, expected);
        self.no_union(t, e.span)
    }

    /// Reports an error union used as a plain value and continues with its value part.
    pub fn no_union(&self, t: Ty, span: Span) -> Ty {
        match t {
            Ty::Union(ok, sets) => {
                self.emit(
                    Diagnostic::error(
                        "E0505",
                        format!(
                            "this may fail with `{}`; an error union cannot be used as a value",
                            self.env.show_sets(&sets)
                        ),
                    )
                    .primary(span, "error not handled")
                    .help("handle the error with `?`, `try` or `catch`"),
                );
                *ok
            }
            t => t,
        }
    }

    /// Checks an expression against a known type (E0301 on mismatch).
    pub fn expect(&mut self, e: &'a Expr, expected: &Ty) -> Ty {
        let t = self.expr(e, Some(expected));
        self.coerce(&t, expected, tail_span(e));
        t
    }

    /// Checks an expression; the result may be an error union (`T ! E`).
    pub fn expr_u(&mut self, e: &'a Expr, expected: Option<&Ty>) -> Ty {
        if self.in_const && !is_const_form(&e.kind) {
            self.emit(
                Diagnostic::error("E0319", "a constant must be a constant expression")
                    .primary(e.span, "not a constant expression")
                    .note("constants may use literals, other constants, variants and operators"),
            );
            return Ty::Error;
        }
        let t = self.expr_kind(e, expected);
        self.env.record(e.span, &t);
        t
    }

    fn expr_kind(&mut self, e: &'a Expr, expected: Option<&Ty>) -> Ty {
        match &e.kind {
            ExprKind::Int(v) => self.int_lit(*v, false, expected, e.span),
            ExprKind::Float(_) => Ty::F64,
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Str(_) => Ty::Str,
            ExprKind::Duration(_) => Ty::Duration,
            ExprKind::Interp(parts) => {
                for p in parts {
                    if let InterpPart::Expr(x) = p {
                        let t = self.expr(x, None);
                        if matches!(t, Ty::Void) {
                            self.emit(
                                Diagnostic::error("E0313", "this has no value to interpolate")
                                    .primary(x.span, "this is `void`"),
                            );
                        }
                    }
                }
                Ty::Str
            }
            ExprKind::Null => self.null_lit(expected, e.span),
            ExprKind::SelfRef => self.self_ref(e.span),
            ExprKind::Name(id) => self.name_expr(id, expected),
            ExprKind::DotName(id) => self.dot_name(id, expected, e.span),
            ExprKind::List(es) => self.list_lit(es, expected, e.span),
            ExprKind::Tuple(es) => {
                let hint = match expected {
                    Some(Ty::Tuple(ts)) if ts.len() == es.len() => Some(ts.clone()),
                    Some(Ty::Optional(inner)) => match &**inner {
                        Ty::Tuple(ts) if ts.len() == es.len() => Some(ts.clone()),
                        _ => None,
                    },
                    _ => None,
                };
                let ts = es
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let t = self.expr(x, hint.as_ref().and_then(|h| h.get(i)));
                        self.value_needed(&t, x.span);
                        t
                    })
                    .collect();
                Ty::Tuple(ts)
            }
            ExprKind::StructLit { path, fields } => {
                self.struct_lit(e, path, fields, expected, None)
            }
            ExprKind::Call { callee, args } => self.call(e, callee, args, expected),
            ExprKind::Field { base, name } => self.field_expr(e, base, name, expected),
            ExprKind::TupleField {
                base,
                index,
                index_span,
            } => {
                let bt = self.expr(base, None);
                match &bt {
                    Ty::Error => Ty::Error,
                    Ty::Tuple(ts) if (*index as usize) < ts.len() => ts[*index as usize].clone(),
                    other => {
                        self.emit(
                            Diagnostic::error(
                                "E0209",
                                format!("`{}` has no field `{index}`", self.show(other)),
                            )
                            .primary(*index_span, "no such field"),
                        );
                        Ty::Error
                    }
                }
            }
            ExprKind::Index { base, index } => {
                let bt = self.expr(base, None);
                match bt {
                    Ty::Error => {
                        self.expr(index, None);
                        Ty::Error
                    }
                    Ty::List(t) => {
                        self.expect(index, &Ty::i64());
                        *t
                    }
                    other => {
                        self.expr(index, None);
                        let mut d = Diagnostic::error(
                            "E0305",
                            format!("cannot index into a value of type `{}`", self.show(&other)),
                        )
                        .primary(base.span, "not a list");
                        if matches!(other, Ty::Map(..)) {
                            d = d.help("read a map with `.get(key)`, which gives an optional");
                        }
                        self.emit(d);
                        Ty::Error
                    }
                }
            }
            ExprKind::Unary { op, expr } => self.unary(*op, expr, expected, e.span),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expected, e.span),
            ExprKind::Range { lo, hi, .. } => {
                self.emit(
                    Diagnostic::error("E0316", "a range can only be iterated by `for`")
                        .primary(e.span, "range outside `for`")
                        .help("write `for i in a..<b do ... end`, or build a list"),
                );
                self.expr(lo, None);
                self.expr(hi, None);
                Ty::Error
            }
            ExprKind::Try(inner) => self.try_expr(inner, expected, e.span),
            ExprKind::Catch {
                expr,
                binding,
                handler,
            } => self.catch_expr(expr, binding.as_ref(), handler, expected),
            ExprKind::If { cond, then, else_ } => {
                self.if_expr(cond, then, else_.as_deref(), expected, true)
            }
            ExprKind::Match { scrutinee, arms } => {
                self.match_expr(e, scrutinee, arms, expected, true)
            }
            ExprKind::Block(b) => self.block(b, expected, true),
            ExprKind::Spawn { target, on } => self.spawn(e, target, on.as_deref()),
            ExprKind::Return(v) => self.return_expr(v.as_deref(), e.span),
            ExprKind::Fail(v) => self.fail_expr(v, e.span),
            ExprKind::Break | ExprKind::Continue => {
                let is_break = matches!(e.kind, ExprKind::Break);
                match self.loops.last_mut() {
                    Some(has_break) => {
                        if is_break {
                            *has_break = true;
                        }
                    }
                    None => {
                        let w = if is_break { "break" } else { "continue" };
                        self.emit(
                            Diagnostic::error("E0308", format!("`{w}` outside a loop"))
                                .primary(e.span, "not inside `while` or `for`"),
                        );
                    }
                }
                Ty::Never
            }
            ExprKind::Error => {
                self.saw_syntax_error = true;
                Ty::Error
            }
        }
    }

    /// E0313 when a `void` or `never`-less value is used where a value is needed.
    pub fn value_needed(&self, t: &Ty, span: Span) {
        if matches!(t, Ty::Void) {
            self.emit(
                Diagnostic::error("E0313", "this expression has no value")
                    .primary(span, "this is `void`"),
            );
        }
    }

    pub fn int_lit(&mut self, v: u64, negative: bool, expected: Option<&Ty>, span: Span) -> Ty {
        let k = expected.and_then(Ty::int_hint).unwrap_or(IntTy::I64);
        if !k.fits(v, negative) {
            let shown = if negative {
                format!("-{v}")
            } else {
                v.to_string()
            };
            self.emit(
                Diagnostic::error(
                    "E0315",
                    format!("integer literal `{shown}` does not fit in `{}`", k.name()),
                )
                .primary(span, format!("out of range for `{}`", k.name())),
            );
            return Ty::Error;
        }
        Ty::Int(k)
    }

    fn null_lit(&mut self, expected: Option<&Ty>, span: Span) -> Ty {
        match expected {
            Some(t @ Ty::Optional(_)) => t.clone(),
            Some(Ty::Union(ok, _)) if matches!(**ok, Ty::Optional(_)) => (**ok).clone(),
            Some(Ty::Error) => Ty::Error,
            Some(t) => {
                self.emit(
                    Diagnostic::error(
                        "E0301",
                        format!(
                            "mismatched types: expected `{}`, found `null`",
                            self.show(t)
                        ),
                    )
                    .primary(span, format!("`{}` is not optional", self.show(t)))
                    .help(format!("make the type optional: `?{}`", self.show(t))),
                );
                Ty::Error
            }
            None if self.lenient > 0 => Ty::Error,
            None => {
                self.emit(
                    Diagnostic::error("E0306", "cannot infer the type of `null`")
                        .primary(span, "type needed here")
                        .help("give the binding an optional type, e.g. `let x: ?String = null`"),
                );
                Ty::Error
            }
        }
    }

    fn self_ref(&mut self, span: Span) -> Ty {
        let Some(owner) = self.owner else {
            self.emit(
                Diagnostic::error("E0607", "`self` is only available inside an actor or grain")
                    .primary(span, "not inside an actor or grain"),
            );
            return Ty::Error;
        };
        self.ref_type(owner)
    }

    /// The reference type of an actor, grain or behavior.
    pub fn ref_type(&self, d: DefId) -> Ty {
        match self.env.def(d).actor() {
            Some(a) if a.broken => Ty::Error,
            Some(a) if a.decl.kind == ActorKind::Grain => Ty::GrainRef(a.protocols.clone()),
            Some(a) => Ty::ActorRef(a.protocols.clone()),
            None => Ty::Error,
        }
    }

    fn list_lit(&mut self, es: &'a [Expr], expected: Option<&Ty>, span: Span) -> Ty {
        let elem = match expected {
            Some(Ty::List(t)) => Some((**t).clone()),
            Some(Ty::Optional(o)) => match &**o {
                Ty::List(t) => Some((**t).clone()),
                _ => None,
            },
            Some(Ty::Error) => Some(Ty::Error),
            _ => None,
        };
        if let Some(t) = elem {
            for x in es {
                self.expect(x, &t);
            }
            return Ty::list(t);
        }
        let Some((first, rest)) = es.split_first() else {
            if self.lenient > 0 {
                return Ty::Error;
            }
            self.emit(
                Diagnostic::error("E0306", "cannot infer the element type of an empty list")
                    .primary(span, "type needed here")
                    .help("annotate the binding, e.g. `var xs: [i64] = []`"),
            );
            return Ty::Error;
        };
        let t = self.expr(first, None);
        self.value_needed(&t, first.span);
        for x in rest {
            self.expect(x, &t);
        }
        Ty::list(t)
    }

    /// `if` as a value (`value`) or as a statement.
    pub fn if_expr(
        &mut self,
        cond: &'a Expr,
        then: &'a Block,
        else_: Option<&'a Expr>,
        expected: Option<&Ty>,
        value: bool,
    ) -> Ty {
        self.expect(cond, &Ty::Bool);
        let tt = self.block(then, expected, value);
        let Some(el) = else_ else { return Ty::Void };
        let hint = expected
            .cloned()
            .or_else(|| (!matches!(tt, Ty::Never)).then(|| tt.clone()));
        let et = if value {
            match &el.kind {
                ExprKind::Block(b) => self.block(b, hint.as_ref(), true),
                _ => self.expr(el, hint.as_ref()),
            }
        } else {
            self.expr_stmt(el)
        };
        if !value {
            return if matches!(tt, Ty::Never) && matches!(et, Ty::Never) {
                Ty::Never
            } else {
                Ty::Void
            };
        }
        match join(&tt, &et) {
            Some(t) => t,
            None => {
                if !tt.has_error() && !et.has_error() {
                    self.emit(
                        Diagnostic::error(
                            "E0301",
                            format!(
                                "`if` and `else` have different types: `{}` and `{}`",
                                self.show(&tt),
                                self.show(&et)
                            ),
                        )
                        .primary(el.span, format!("expected `{}`", self.show(&tt))),
                    );
                }
                Ty::Error
            }
        }
    }
}

/// Where a value comes from: the last expression of a `do ... end` block, else the expression.
pub fn tail_span(e: &Expr) -> Span {
    if let ExprKind::Block(b) = &e.kind
        && let Some(Stmt {
            kind: StmtKind::Expr(x),
            ..
        }) = b.stmts.last()
    {
        return tail_span(x);
    }
    e.span
}

fn is_const_form(k: &ExprKind) -> bool {
    matches!(
        k,
        ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::Str(_)
            | ExprKind::Duration(_)
            | ExprKind::Null
            | ExprKind::Name(_)
            | ExprKind::DotName(_)
            | ExprKind::List(_)
            | ExprKind::Tuple(_)
            | ExprKind::StructLit { .. }
            | ExprKind::Field { .. }
            | ExprKind::TupleField { .. }
            | ExprKind::Unary { .. }
            | ExprKind::Binary { .. }
            | ExprKind::Error
    )
}
