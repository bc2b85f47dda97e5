//! Control flow as branches: `if` expressions, `and`/`or` (short-circuit), `??`, `return`,
//! and blocks used as values. A construct that yields a value across a join writes it to a
//! fresh local in each branch and reads it after the join.

use janus_sema::Ty;
use janus_syntax::ast::{Block, Expr, StmtKind};

use super::Fx;
use crate::ir::*;

impl Fx<'_, '_> {
    /// A result local for a construct of type `ty`, unless it has no value.
    pub fn result_local(&mut self, name: &str, ty: &Ty) -> Option<LocalId> {
        match ty {
            Ty::Void | Ty::Never | Ty::Error => None,
            t => Some(self.new_local(name, t.clone())),
        }
    }

    /// Stores a branch's value into the construct's result local, then jumps to the join.
    pub fn finish_branch(&mut self, v: Option<ValueId>, out: Option<LocalId>, join: BlockId) {
        if !self.is_open() {
            return;
        }
        if let (Some(v), Some(l)) = (v, out) {
            self.store(l, v);
        }
        self.jump(join);
    }

    /// After a join: the value of the construct, if it has one and control reaches here.
    pub fn join_value(
        &mut self,
        out: Option<LocalId>,
        join: BlockId,
        reached: bool,
    ) -> Option<ValueId> {
        if !reached {
            return None;
        }
        self.switch_to(join);
        out.map(|l| self.load(l))
    }

    pub fn if_expr(
        &mut self,
        e: &Expr,
        cond: &Expr,
        then: &Block,
        else_: Option<&Expr>,
    ) -> Option<ValueId> {
        let ty = self.construct_ty(e);
        let c = self.value(cond)?;
        let out = self.result_local("if", &ty);
        let (bt, join) = (self.new_block(), self.new_block());
        // Without `else`, a false condition goes straight to the join.
        let be = if else_.is_some() {
            self.new_block()
        } else {
            join
        };
        self.terminate(Term::Branch {
            cond: c,
            then: bt,
            else_: be,
        });
        self.switch_to(bt);
        let v = self.block(then);
        let mut reached = self.is_open();
        self.finish_branch(v, out, join);
        match else_ {
            Some(x) => {
                self.switch_to(be);
                let v = self.expr(x);
                reached |= self.is_open();
                self.finish_branch(v, out, join);
            }
            None => reached = true,
        }
        self.join_value(out, join, reached)
    }

    /// `a and b` / `a or b`: `b` is evaluated only when it decides the result.
    pub fn short_circuit(&mut self, is_and: bool, lhs: &Expr, rhs: &Expr) -> Option<ValueId> {
        let a = self.value(lhs)?;
        let out = self.new_local(if is_and { "and" } else { "or" }, Ty::Bool);
        self.store(out, a);
        let (rhs_b, join) = (self.new_block(), self.new_block());
        let (then, else_) = if is_and { (rhs_b, join) } else { (join, rhs_b) };
        self.terminate(Term::Branch {
            cond: a,
            then,
            else_,
        });
        self.switch_to(rhs_b);
        if let Some(b) = self.value(rhs) {
            self.store(out, b);
        }
        self.jump(join);
        self.switch_to(join);
        Some(self.load(out))
    }

    /// `a ?? b`: `a`'s inside when it is not `null`, else `b` (evaluated only then).
    pub fn coalesce(&mut self, e: &Expr, lhs: &Expr, rhs: &Expr) -> Option<ValueId> {
        let ty = self.ty_of(e);
        let a = self.value(lhs)?;
        let out = self.result_local("coalesce", &ty);
        let is_null = self.emit(Op::IsNull(a), Ty::Bool);
        let (some_b, null_b, join) = (self.new_block(), self.new_block(), self.new_block());
        self.terminate(Term::Branch {
            cond: is_null,
            then: null_b,
            else_: some_b,
        });
        self.switch_to(some_b);
        let inner = match self.vty(a) {
            Ty::Optional(t) => *t,
            _ => Ty::Error,
        };
        let x = self.emit(Op::Unwrap(a), inner);
        self.finish_branch(Some(x), out, join);
        self.switch_to(null_b);
        let d = self.expr(rhs);
        self.finish_branch(d, out, join);
        // The non-null branch always reaches the join.
        self.join_value(out, join, true)
    }

    /// A block's statements; its value is the last statement's when that is an expression.
    pub fn block(&mut self, b: &Block) -> Option<ValueId> {
        let n = b.stmts.len();
        let mut last = None;
        for (i, s) in b.stmts.iter().enumerate() {
            if !self.is_open() {
                // Code after `return`/`break`: the checker allows it; it is dead.
                break;
            }
            self.span = s.span;
            if i + 1 == n
                && let StmtKind::Expr(e) = &s.kind
            {
                last = self.expr(e);
            } else {
                self.stmt(s);
            }
        }
        last
    }

    pub fn return_expr(&mut self, e: &Expr, v: Option<&Expr>) -> Option<ValueId> {
        let value = match v {
            Some(x) => {
                let val = self.expr(x);
                if !self.is_open() {
                    return None;
                }
                val
            }
            None => None,
        };
        self.return_value(value, e.span);
        None
    }
}
