//! Assignment targets: a `var` local, a field, a tuple element or a list index of one
//! (`p.x = 1`, `grid[i].0 += 2`), lowered to a [`Place`] that `store` (and the mutating
//! built-ins such as `push`) write through. Index values are evaluated left to right before
//! the assigned value.

use janus_sema::{NameRef, Ty};
use janus_syntax::ast::{Assign, BinOp as AstBinOp, Expr, ExprKind};

use super::Fx;
use crate::ir::*;

impl Fx<'_, '_> {
    /// `target = value` and `target op= value`.
    pub fn assign(&mut self, a: &Assign) {
        let Some((place, pty)) = self.place(&a.target) else {
            return;
        };
        let v = match a.op {
            None => match self.expr_to(&a.value, &pty) {
                Some(v) => v,
                None => return,
            },
            Some(op) => {
                let cur = self.emit(Op::Load(place.clone()), pty.clone());
                let Some(rhs) = self.value(&a.value) else {
                    return;
                };
                let op = match op {
                    AstBinOp::Add => BinOp::Add,
                    AstBinOp::Sub => BinOp::Sub,
                    AstBinOp::Mul => BinOp::Mul,
                    AstBinOp::Div => BinOp::Div,
                    AstBinOp::Rem => BinOp::Rem,
                    AstBinOp::Concat => BinOp::Concat,
                    _ => {
                        self.error(a.span, "unsupported compound assignment");
                        return;
                    }
                };
                self.emit(Op::Binary(op, cur, rhs), pty.clone())
            }
        };
        let v = self.coerce(v, &pty);
        self.emit_void(Op::Store(place, v));
    }

    /// The place an expression denotes, with its type; `None` (reported) when it is not one.
    pub fn place(&mut self, e: &Expr) -> Option<(Place, Ty)> {
        match &e.kind {
            ExprKind::Name(_) => {
                let Some(NameRef::Local(s)) = self.cx.checked.types.names.get(&e.span).copied()
                else {
                    self.error(e.span, "assignment to something that is not a local");
                    return None;
                };
                let Some(l) = self.by_span.get(&s).copied() else {
                    self.error(e.span, "this name's binding was not lowered (actor state?)");
                    return None;
                };
                let ty = self.f.local_ty(l).cloned().unwrap_or(Ty::Error);
                Some((Place::local(l), ty))
            }
            ExprKind::Field { base, name } => {
                let (mut p, bt) = self.place(base)?;
                let Some(i) = self.struct_field_index(&bt, &name.name) else {
                    self.error(name.span, "field of a value that is not a struct");
                    return None;
                };
                p.proj.push(Proj::Field(i));
                let ty = self.ty_of(e);
                Some((p, ty))
            }
            ExprKind::TupleField { base, index, .. } => {
                let (mut p, bt) = self.place(base)?;
                let ty = match &bt {
                    Ty::Tuple(ts) => ts.get(*index as usize).cloned().unwrap_or(Ty::Error),
                    _ => Ty::Error,
                };
                p.proj.push(Proj::Elem(*index));
                Some((p, ty))
            }
            ExprKind::Index { base, index } => {
                let (mut p, bt) = self.place(base)?;
                let i = self.value(index)?;
                let ty = match &bt {
                    Ty::List(t) => (**t).clone(),
                    _ => Ty::Error,
                };
                p.proj.push(Proj::Index(i));
                Some((p, ty))
            }
            _ => None,
        }
    }

    /// The place for a mutating method's receiver; a receiver that is not a place (a call's
    /// result) is first copied into a temporary local.
    pub fn receiver_place(&mut self, e: &Expr) -> Option<Place> {
        if matches!(
            e.kind,
            ExprKind::Name(_)
                | ExprKind::Field { .. }
                | ExprKind::TupleField { .. }
                | ExprKind::Index { .. }
        ) && self.is_place_expr(e)
        {
            return self.place(e).map(|p| p.0);
        }
        let v = self.value(e)?;
        let ty = self.vty(v);
        let l = self.new_local("recv", ty);
        self.store(l, v);
        Some(Place::local(l))
    }

    /// Whether `e` is a path rooted at a local (`xs`, `p.items`, `grid[i]`).
    fn is_place_expr(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Name(_) => matches!(
                self.cx.checked.types.names.get(&e.span),
                Some(NameRef::Local(_))
            ),
            ExprKind::Field { base, .. }
            | ExprKind::TupleField { base, .. }
            | ExprKind::Index { base, .. } => {
                !self.cx.checked.types.variants.contains_key(&e.span)
                    && !self.cx.checked.types.names.contains_key(&e.span)
                    && self.is_place_expr(base)
            }
            _ => false,
        }
    }
}
