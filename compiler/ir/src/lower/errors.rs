//! Error unions. A fallible call yields one value of type `T ! E`; `is_err` tests it and
//! `ok_value`/`err_value` take it apart on each side of the branch. `?`/`try` return the
//! error from a fallible function (or crash with it where every error is admitted: `main`,
//! tests); `fail` does the same with a new error; `catch` joins both sides into one value.

use janus_sema::Ty;
use janus_syntax::Span;
use janus_syntax::ast::{Expr, Ident};

use super::{Fx, err_ty};
use crate::ir::*;

impl Fx<'_, '_> {
    /// Splits a union value: returns `(is_err, ok block, err block)` with the branch emitted.
    fn split_union(&mut self, u: ValueId) -> (BlockId, BlockId) {
        let c = self.emit(Op::IsErr(u), Ty::Bool);
        let (ok_b, err_b) = (self.new_block(), self.new_block());
        self.terminate(Term::Branch {
            cond: c,
            then: err_b,
            else_: ok_b,
        });
        (ok_b, err_b)
    }

    fn ok_value(&mut self, u: ValueId) -> Option<ValueId> {
        match self.vty(u) {
            Ty::Union(ok, _) if *ok != Ty::Void => Some(self.emit(Op::OkValue(u), *ok)),
            _ => None,
        }
    }

    fn err_value(&mut self, u: ValueId) -> ValueId {
        let sets = match self.vty(u) {
            Ty::Union(_, sets) => sets,
            _ => Vec::new(),
        };
        self.emit(Op::ErrValue(u), err_ty(&sets))
    }

    /// Passes an error on: returned from a fallible function, else an uncaught error.
    pub fn propagate(&mut self, err: ValueId, span: Span) {
        let ret = self.f.ret.clone();
        if let Ty::Union(..) = ret {
            let w = self.emit(Op::Err(err), ret);
            self.terminate(Term::Return(Some(w)));
        } else {
            self.terminate(Term::Crash {
                kind: CrashKind::Uncaught,
                value: Some(err),
                span,
            });
        }
    }

    fn union_operand(&mut self, inner: &Expr) -> Option<ValueId> {
        let u = self.value(inner)?;
        if !matches!(self.vty(u), Ty::Union(..)) {
            self.error(inner.span, "`?`, `try` and `catch` need a fallible value");
            return None;
        }
        Some(u)
    }

    /// `e?` and `try e`.
    pub fn try_expr(&mut self, e: &Expr, inner: &Expr) -> Option<ValueId> {
        let u = self.union_operand(inner)?;
        let (ok_b, err_b) = self.split_union(u);
        self.switch_to(err_b);
        let ev = self.err_value(u);
        self.propagate(ev, e.span);
        self.switch_to(ok_b);
        self.ok_value(u)
    }

    /// `fail E.V`.
    pub fn fail_expr(&mut self, e: &Expr, v: &Expr) -> Option<ValueId> {
        let ev = self.value(v)?;
        self.propagate(ev, e.span);
        None
    }

    /// `e catch default` and `e catch |err| handler`.
    pub fn catch_expr(
        &mut self,
        e: &Expr,
        inner: &Expr,
        binding: Option<&Ident>,
        handler: &Expr,
    ) -> Option<ValueId> {
        let ty = self.construct_ty(e);
        let u = self.union_operand(inner)?;
        let out = self.result_local("catch", &ty);
        let join = self.new_block();
        let (ok_b, err_b) = self.split_union(u);
        self.switch_to(ok_b);
        let x = self.ok_value(u);
        self.finish_branch(x, out, join);
        self.switch_to(err_b);
        if let Some(b) = binding {
            let ev = self.err_value(u);
            let bty = self
                .cx
                .checked
                .types
                .bindings
                .get(&b.span)
                .cloned()
                .unwrap_or_else(|| self.vty(ev));
            let l = self.binding_local(&b.name, b.span, bty);
            self.store(l, ev);
        }
        let h = self.expr(handler);
        self.finish_branch(h, out, join);
        self.join_value(out, join, true)
    }
}
