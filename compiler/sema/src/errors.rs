//! Errors as values: `?`/`try` (E0502, E0503), `catch` (E0503), `fail` (E0504) and `return`
//! (E0309), against the error sets the enclosing code admits.

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::{Admits, Body, LocalKind};
use crate::types::{DefId, Ty, assignable, join};

impl<'e, 'a> Body<'e, 'a> {
    /// Error sets of `sets` that the current code does not admit.
    fn not_admitted(&self, sets: &[DefId]) -> Vec<DefId> {
        match &self.admits {
            Admits::All => Vec::new(),
            Admits::Sets(own) => sets.iter().copied().filter(|s| !own.contains(s)).collect(),
        }
    }

    fn report_not_admitted(&self, what: &str, sets: &[DefId], missing: &[DefId], span: Span) {
        let own = match &self.admits {
            Admits::Sets(own) => own.clone(),
            Admits::All => Vec::new(),
        };
        let declared = if own.is_empty() {
            format!("{} declares no errors", self.name)
        } else {
            format!(
                "{} may only fail with `{}`",
                self.name,
                self.env.show_sets(&own)
            )
        };
        let mut all = own.clone();
        all.extend(missing.iter().copied());
        let ok = self.show(&self.ret);
        self.emit(
            Diagnostic::error(
                "E0502",
                format!(
                    "{what} passes on `{}`, but {declared}",
                    self.env.show_sets(sets)
                ),
            )
            .primary(
                span,
                format!("may fail with `{}`", self.env.show_sets(missing)),
            )
            .help(format!(
                "handle it here with `catch`, or declare it: `-> {ok} ! {}`",
                if all.len() > 1 {
                    format!("({})", self.env.show_sets(&all))
                } else {
                    self.env.show_sets(&all)
                }
            )),
        );
    }

    pub fn try_expr(&mut self, inner: &'a Expr, expected: Option<&Ty>, span: Span) -> Ty {
        let t = self.expr_u(inner, expected);
        match t {
            Ty::Union(ok, sets) => {
                let missing = self.not_admitted(&sets);
                if !missing.is_empty() {
                    self.report_not_admitted("`?`", &sets, &missing, span);
                }
                *ok
            }
            Ty::Error => Ty::Error,
            other => {
                self.emit(
                    Diagnostic::error(
                        "E0503",
                        format!("`?` on a value that cannot fail (`{}`)", self.show(&other)),
                    )
                    .primary(span, "nothing to pass on")
                    .help(if matches!(other, Ty::Optional(_)) {
                        "`?` is not for optionals: use `??` to give a default, or `match`"
                    } else {
                        "remove the `?`"
                    }),
                );
                // The intent is unclear (unwrap an optional?): absorb further checks.
                Ty::Error
            }
        }
    }

    pub fn catch_expr(
        &mut self,
        inner: &'a Expr,
        binding: Option<&'a Ident>,
        handler: &'a Expr,
        expected: Option<&Ty>,
    ) -> Ty {
        let t = self.expr_u(inner, expected);
        let (ok, err) = match t {
            Ty::Union(ok, sets) => {
                let err = if sets.len() == 1 {
                    Ty::Def(sets[0])
                } else {
                    Ty::ErrSets(sets)
                };
                (*ok, err)
            }
            Ty::Error => (Ty::Error, Ty::Error),
            other => {
                self.emit(
                    Diagnostic::error(
                        "E0503",
                        format!(
                            "`catch` on a value that cannot fail (`{}`)",
                            self.show(&other)
                        ),
                    )
                    .primary(inner.span, "this never fails")
                    .help("remove the `catch`"),
                );
                (other, Ty::Error)
            }
        };
        self.push_scope();
        if let Some(b) = binding {
            self.declare(&b.name, err, false, LocalKind::Binding, b.span);
        }
        let ht = if matches!(ok, Ty::Void) {
            match &handler.kind {
                ExprKind::Block(b) => self.block(b, None, false),
                _ => self.expr_stmt(handler),
            }
        } else {
            let hint = expected.cloned().unwrap_or_else(|| ok.clone());
            let hint = if ok.has_error() { hint } else { ok.clone() };
            let ht = match &handler.kind {
                ExprKind::Block(b) => self.block(b, Some(&hint), true),
                _ => self.expr(handler, Some(&hint)),
            };
            if !ok.has_error() {
                self.coerce(&ht, &ok, crate::expr::tail_span(handler));
            }
            ht
        };
        self.pop_scope();
        if matches!(ok, Ty::Void) {
            return Ty::Void;
        }
        join(&ok, &ht).unwrap_or(ok)
    }

    pub fn fail_expr(&mut self, v: &'a Expr, span: Span) -> Ty {
        let expected = match &self.admits {
            Admits::Sets(s) if s.len() == 1 => Some(Ty::Def(s[0])),
            Admits::Sets(s) if s.len() > 1 => Some(Ty::ErrSets(s.clone())),
            _ => None,
        };
        let t = self.expr(v, expected.as_ref());
        let set = match &t {
            Ty::Error => return Ty::Never,
            Ty::Def(d) if self.env.is_error_set(*d) => *d,
            other => {
                self.emit(
                    Diagnostic::error("E0504", format!("`fail` needs an error variant, found `{}`", self.show(other)))
                        .primary(v.span, "not an error")
                        .help("declare errors with `error Name { Variant }` and write `fail Name.Variant`"),
                );
                return Ty::Never;
            }
        };
        let missing = self.not_admitted(&[set]);
        if !missing.is_empty() {
            let own = match &self.admits {
                Admits::Sets(s) => s.clone(),
                Admits::All => Vec::new(),
            };
            let mut all = own.clone();
            all.push(set);
            let sets = if all.len() > 1 {
                format!("({})", self.env.show_sets(&all))
            } else {
                self.env.show_sets(&all)
            };
            let msg = if own.is_empty() {
                format!(
                    "{} cannot fail: its return type declares no errors",
                    self.name
                )
            } else {
                format!(
                    "{} may only fail with `{}`, not `{}`",
                    self.name,
                    self.env.show_sets(&own),
                    self.env.show_sets(&[set])
                )
            };
            self.emit(
                Diagnostic::error("E0504", msg)
                    .primary(span, format!("fails with `{}`", self.env.show_sets(&[set])))
                    .help(format!(
                        "declare it: `-> {} ! {sets}`",
                        self.show(&self.ret)
                    )),
            );
        }
        Ty::Never
    }

    pub fn return_expr(&mut self, v: Option<&'a Expr>, span: Span) -> Ty {
        let ret = self.ret.clone();
        match v {
            None => {
                if !matches!(ret, Ty::Void | Ty::Error) {
                    self.emit(
                        Diagnostic::error(
                            "E0309",
                            format!(
                                "`return` without a value in {}, which returns `{}`",
                                self.name,
                                self.show(&ret)
                            ),
                        )
                        .primary(span, "a value is needed")
                        .help(format!("return a value of type `{}`", self.show(&ret))),
                    );
                }
            }
            Some(e) => {
                if matches!(ret, Ty::Void) {
                    let t = self.expr_u(e, None);
                    if !matches!(t, Ty::Void | Ty::Never | Ty::Error) {
                        // Handlers, hooks and field initializers of actors are not functions:
                        // they have no return type to declare.
                        let handler = self.owner.is_some() && self.fn_def.is_none();
                        let d = if handler {
                            Diagnostic::error(
                                "E0309",
                                "`return` in a `receive` arm or hook takes no value",
                            )
                            .primary(e.span, "unexpected return value")
                            .help("remove the value; to answer an `ask`, use `reply.send(value)`")
                        } else {
                            Diagnostic::error(
                                "E0309",
                                format!("{} returns nothing, but a value is returned", self.name),
                            )
                            .primary(e.span, "unexpected return value")
                            .help(format!(
                                "remove the value, or declare a return type: `-> {}`",
                                self.show(&t)
                            ))
                        };
                        self.emit(d);
                    }
                    return Ty::Never;
                }
                let t = self.expr_u(e, Some(&ret));
                let value = match t {
                    Ty::Union(ok, sets) => {
                        let missing = self.not_admitted(&sets);
                        if !missing.is_empty() {
                            self.report_not_admitted("this `return`", &sets, &missing, e.span);
                        }
                        *ok
                    }
                    t => t,
                };
                if !assignable(&value, &ret) && !value.has_error() && !ret.has_error() {
                    self.emit(
                        Diagnostic::error(
                            "E0309",
                            format!(
                                "{} returns `{}`, but this is `{}`",
                                self.name,
                                self.show(&ret),
                                self.show(&value)
                            ),
                        )
                        .primary(e.span, format!("expected `{}`", self.show(&ret))),
                    );
                }
            }
        }
        Ty::Never
    }
}
