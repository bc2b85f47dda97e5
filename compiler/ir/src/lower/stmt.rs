//! Statements: `let`/`var`, expression statements, `while`, and `for` over ranges (all three
//! forms), lists, sets and maps. Loops are a header block testing the condition, the body,
//! and a latch block that advances (the `continue` target); `break` jumps to the exit.

use janus_sema::Ty;
use janus_syntax::ast::{Block, Expr, ExprKind, Pattern, PatternKind, Stmt, StmtKind};

use super::Fx;
use crate::ir::*;

impl Fx<'_, '_> {
    pub fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Let { pat, init, .. } => self.let_stmt(pat, init),
            StmtKind::Assign(a) => self.assign(a),
            StmtKind::Expr(e) => {
                self.expr(e);
            }
            StmtKind::While { cond, body } => self.while_loop(cond, body),
            StmtKind::For { pat, iter, body } => self.for_loop(pat, iter, body),
            StmtKind::Error => self.error(s.span, "cannot lower a statement that did not parse"),
        }
    }

    /// The type a `let`/`for` pattern binds at: its bindings' recorded types where it has
    /// them, else the value's own.
    pub fn pat_ty(&self, p: &Pattern, fallback: &Ty) -> Ty {
        match &p.kind {
            PatternKind::Binding(id) => self
                .cx
                .checked
                .types
                .bindings
                .get(&id.span)
                .cloned()
                .unwrap_or_else(|| fallback.clone()),
            PatternKind::Tuple(ps) => match fallback {
                Ty::Tuple(ts) if ts.len() == ps.len() => {
                    Ty::Tuple(ps.iter().zip(ts).map(|(p, t)| self.pat_ty(p, t)).collect())
                }
                _ => fallback.clone(),
            },
            _ => fallback.clone(),
        }
    }

    fn let_stmt(&mut self, pat: &Pattern, init: &Expr) {
        let init_ty = self.ty_of(init);
        let ty = self.pat_ty(pat, &init_ty);
        let Some(v) = self.expr_to(init, &ty) else {
            return;
        };
        self.bind_irrefutable(pat, v);
    }

    /// Binds a pattern that always matches (`let`, `for`): the failure target is
    /// unreachable by the checker's rule E0317.
    pub fn bind_irrefutable(&mut self, pat: &Pattern, v: ValueId) {
        let fail = self.new_block();
        let ty = self.vty(v);
        self.test_pattern(
            pat,
            v,
            &ty,
            fail,
            false,
            Some(super::pattern::Known::Matches),
        );
        let here = self.current_block();
        self.switch_to(fail);
        self.terminate(Term::Unreachable);
        self.resume(here);
    }

    fn while_loop(&mut self, cond: &Expr, body: &Block) {
        let (header, body_b, exit) = (self.new_block(), self.new_block(), self.new_block());
        self.jump(header);
        self.switch_to(header);
        let Some(c) = self.value(cond) else {
            return;
        };
        self.terminate(Term::Branch {
            cond: c,
            then: body_b,
            else_: exit,
        });
        self.switch_to(body_b);
        self.loop_body(body, exit, header);
        self.jump(header);
        self.switch_to(exit);
    }

    fn loop_body(&mut self, body: &Block, brk: BlockId, cont: BlockId) {
        self.loops.push((brk, cont));
        self.block(body);
        self.loops.pop();
    }

    fn for_loop(&mut self, pat: &Pattern, iter: &Expr, body: &Block) {
        if let ExprKind::Range { lo, hi, inclusive } = &iter.kind {
            self.for_range(pat, iter, lo, hi, *inclusive, body);
        } else {
            self.for_collection(pat, iter, body);
        }
    }

    /// `for i in lo..<hi` tests `lo < hi` on entry and `i + 1 < hi` after each turn;
    /// `lo..hi` and `lo..=hi` test `lo <= hi` on entry and stop after the turn where
    /// `i == hi`, so that a range ending at the type's maximum never overflows.
    fn for_range(
        &mut self,
        pat: &Pattern,
        iter: &Expr,
        lo: &Expr,
        hi: &Expr,
        inclusive: bool,
        body: &Block,
    ) {
        let ty = match self.ty_of(iter) {
            Ty::Range(t) => *t,
            _ => Ty::i64(),
        };
        let Some(lo_v) = self.expr_to(lo, &ty) else {
            return;
        };
        let Some(hi_v) = self.expr_to(hi, &ty) else {
            return;
        };
        let i = self.new_local("counter", ty.clone());
        self.store(i, lo_v);
        let (body_b, latch, exit) = (self.new_block(), self.new_block(), self.new_block());
        let first = if inclusive { BinOp::Le } else { BinOp::Lt };
        let c0 = self.emit(Op::Binary(first, lo_v, hi_v), Ty::Bool);
        self.terminate(Term::Branch {
            cond: c0,
            then: body_b,
            else_: exit,
        });
        // Body: bind the counter, run, go to the latch.
        self.switch_to(body_b);
        let cur = self.load(i);
        self.bind_irrefutable(pat, cur);
        self.loop_body(body, exit, latch);
        self.jump(latch);
        // Latch: `cur < hi` holds whenever it advances, so `cur + 1` cannot overflow.
        self.switch_to(latch);
        let cur = self.load(i);
        if inclusive {
            let done = self.emit(Op::Binary(BinOp::Eq, cur, hi_v), Ty::Bool);
            let step = self.new_block();
            self.terminate(Term::Branch {
                cond: done,
                then: exit,
                else_: step,
            });
            self.switch_to(step);
            let one = self.const_int(1, ty.clone());
            let next = self.emit(Op::Binary(BinOp::Add, cur, one), ty.clone());
            self.store(i, next);
            self.jump(body_b);
        } else {
            let one = self.const_int(1, ty.clone());
            let next = self.emit(Op::Binary(BinOp::Add, cur, one), ty.clone());
            self.store(i, next);
            let c = self.emit(Op::Binary(BinOp::Lt, next, hi_v), Ty::Bool);
            self.terminate(Term::Branch {
                cond: c,
                then: body_b,
                else_: exit,
            });
        }
        self.switch_to(exit);
    }

    /// Lists, sets and maps are iterated by position over a snapshot taken when the loop
    /// starts (§10: "as it was when the loop started"); maps and sets in insertion order.
    fn for_collection(&mut self, pat: &Pattern, iter: &Expr, body: &Block) {
        let Some(coll) = self.value(iter) else { return };
        let cty = self.vty(coll);
        let (len_op, at_op, elem_ty) = match &cty {
            Ty::List(t) => ("list.len", "list.get", (**t).clone()),
            Ty::Set(t) => ("set.len", "set.elem_at", (**t).clone()),
            Ty::Map(k, v) => (
                "map.len",
                "map.entry_at",
                Ty::Tuple(vec![(**k).clone(), (**v).clone()]),
            ),
            _ => {
                self.error(iter.span, "cannot iterate over this value");
                return;
            }
        };
        let n = self.emit(Op::Builtin(len_op, vec![Operand::Value(coll)]), Ty::i64());
        let idx = self.new_local("idx", Ty::i64());
        let zero = self.const_int(0, Ty::i64());
        self.store(idx, zero);
        let (header, body_b, latch, exit) = (
            self.new_block(),
            self.new_block(),
            self.new_block(),
            self.new_block(),
        );
        self.jump(header);
        self.switch_to(header);
        let k = self.load(idx);
        let c = self.emit(Op::Binary(BinOp::Lt, k, n), Ty::Bool);
        self.terminate(Term::Branch {
            cond: c,
            then: body_b,
            else_: exit,
        });
        self.switch_to(body_b);
        let k = self.load(idx);
        let x = self.emit(
            Op::Builtin(at_op, vec![Operand::Value(coll), Operand::Value(k)]),
            elem_ty,
        );
        self.bind_irrefutable(pat, x);
        self.loop_body(body, exit, latch);
        self.jump(latch);
        self.switch_to(latch);
        let k = self.load(idx);
        let one = self.const_int(1, Ty::i64());
        let next = self.emit(Op::Binary(BinOp::Add, k, one), Ty::i64());
        self.store(idx, next);
        self.jump(header);
        self.switch_to(exit);
    }
}
