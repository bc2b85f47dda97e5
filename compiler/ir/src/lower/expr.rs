//! Expressions: literals, names, operators, aggregates (structs, variants, tuples, lists),
//! field and index reads, `??`, string interpolation. Control-flow expressions are in
//! `control.rs`, calls in `calls.rs`, error unions in `errors.rs`, `match` in `pattern.rs`.
//!
//! Every function returns the value of the expression, or `None` when it has none (`void`,
//! or `never`: then the current block has been terminated).

use janus_sema::info::DefInfoKind;
use janus_sema::{NameRef, Ty};
use janus_syntax::ast::{self, Expr, ExprKind, FieldInit, InterpPart};

use super::Fx;
use crate::ir::*;

impl Fx<'_, '_> {
    /// Lowers `e` and converts it to `ty` (see [`Fx::coerce`]).
    pub fn expr_to(&mut self, e: &Expr, ty: &Ty) -> Option<ValueId> {
        let v = self.expr(e)?;
        Some(self.coerce(v, ty))
    }

    /// Lowers an expression whose value is needed; `None` only when it never finishes.
    pub fn value(&mut self, e: &Expr) -> Option<ValueId> {
        let v = self.expr(e);
        if v.is_none() && self.is_open() {
            self.error(e.span, "expected a value here");
        }
        v
    }

    pub fn expr(&mut self, e: &Expr) -> Option<ValueId> {
        match &e.kind {
            ExprKind::Int(_) | ExprKind::Unary { .. } if super::expr::int_literal(e).is_some() => {
                let ty = self.ty_of(e);
                let i = int_literal(e).unwrap_or(0);
                Some(self.const_int(i, ty))
            }
            ExprKind::Float(x) => Some(self.emit(Op::Const(Const::F64(x.to_bits())), Ty::F64)),
            ExprKind::Bool(b) => Some(self.const_bool(*b)),
            ExprKind::Str(s) => Some(self.const_str(s)),
            ExprKind::Duration(ns) => {
                Some(self.emit(Op::Const(Const::Duration(*ns)), Ty::Duration))
            }
            ExprKind::Null => {
                let ty = self.ty_of(e);
                Some(self.emit(Op::Const(Const::Null), ty))
            }
            ExprKind::Interp(parts) => self.interp(parts),
            ExprKind::Name(_) | ExprKind::DotName(_) => self.name(e),
            ExprKind::List(es) => self.list_lit(e, es),
            ExprKind::Tuple(es) => self.tuple_lit(e, es),
            ExprKind::StructLit { fields, .. } => self.struct_lit(e, fields),
            ExprKind::Call { callee, args } => self.call(e, callee, args),
            ExprKind::Field { base, name } => self.field(e, base, name),
            ExprKind::TupleField { base, index, .. } => {
                let b = self.value(base)?;
                let ty = self.ty_of(e);
                Some(self.emit(Op::Elem(b, *index), ty))
            }
            ExprKind::Index { base, index } => {
                let b = self.value(base)?;
                let i = self.value(index)?;
                let ty = self.ty_of(e);
                Some(self.emit(
                    Op::Builtin("list.get", vec![Operand::Value(b), Operand::Value(i)]),
                    ty,
                ))
            }
            ExprKind::Unary { op, expr } => {
                let x = self.value(expr)?;
                let ty = self.vty(x);
                let op = match op {
                    ast::UnOp::Neg => UnOp::Neg,
                    ast::UnOp::Not => UnOp::Not,
                };
                Some(self.emit(Op::Unary(op, x), ty))
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(e, *op, lhs, rhs),
            ExprKind::Range { .. } => {
                self.error(e.span, "a range is only lowered as the iterable of `for`");
                None
            }
            ExprKind::Try(inner) => self.try_expr(e, inner),
            ExprKind::Catch {
                expr,
                binding,
                handler,
            } => self.catch_expr(e, expr, binding.as_ref(), handler),
            ExprKind::If { cond, then, else_ } => self.if_expr(e, cond, then, else_.as_deref()),
            ExprKind::Match { scrutinee, arms } => self.match_expr(e, scrutinee, arms),
            ExprKind::Block(b) => self.block(b),
            ExprKind::Return(v) => self.return_expr(e, v.as_deref()),
            ExprKind::Fail(v) => self.fail_expr(e, v),
            ExprKind::Break => {
                match self.loops.last() {
                    Some(&(brk, _)) => self.jump(brk),
                    None => self.error(e.span, "`break` outside a loop"),
                }
                None
            }
            ExprKind::Continue => {
                match self.loops.last() {
                    Some(&(_, cont)) => self.jump(cont),
                    None => self.error(e.span, "`continue` outside a loop"),
                }
                None
            }
            ExprKind::SelfRef => {
                let ty = self.ty_of(e);
                Some(self.emit(Op::SelfRef, ty))
            }
            ExprKind::Spawn { target, on } => self.spawn_expr(e, target, on.as_deref()),
            ExprKind::Int(_) | ExprKind::Error => {
                self.error(e.span, "cannot lower this expression");
                None
            }
        }
    }

    /// A name used as a value: a variant, a local, or a constant.
    fn name(&mut self, e: &Expr) -> Option<ValueId> {
        if let Some(&(d, vi)) = self.cx.checked.types.variants.get(&e.span) {
            return Some(self.emit(Op::Variant(d, vi as u32, Vec::new()), Ty::Def(d)));
        }
        match self.cx.checked.types.names.get(&e.span).copied() {
            Some(NameRef::Local(s)) => match self.by_span.get(&s).copied() {
                Some(l) => Some(self.load(l)),
                None => {
                    self.error(e.span, "this name's binding was not lowered (actor state?)");
                    None
                }
            },
            Some(NameRef::Def(d)) => self.const_value(e, d),
            None => {
                self.error(e.span, "the checker did not resolve this name");
                None
            }
        }
    }

    /// A `const` read: a call of its initializer function (codegen may fold it).
    pub fn const_value(&mut self, e: &Expr, d: janus_sema::types::DefId) -> Option<ValueId> {
        let Some(&fid) = self.cx.funcs.get(&d) else {
            self.error(e.span, "constant without a lowered initializer");
            return None;
        };
        let ty = self.cx.shells[fid.0 as usize].ret.clone();
        Some(self.emit(Op::Call(fid, Vec::new()), ty))
    }

    fn list_lit(&mut self, e: &Expr, es: &[Expr]) -> Option<ValueId> {
        let ty = self.ty_of(e);
        let elem = match &ty {
            Ty::List(t) => (**t).clone(),
            _ => Ty::Error,
        };
        let mut vs = Vec::new();
        for x in es {
            vs.push(self.expr_to(x, &elem)?);
        }
        Some(self.emit(Op::List(vs), ty))
    }

    fn tuple_lit(&mut self, e: &Expr, es: &[Expr]) -> Option<ValueId> {
        let ty = self.ty_of(e);
        let mut vs = Vec::new();
        for (i, x) in es.iter().enumerate() {
            let v = match &ty {
                Ty::Tuple(ts) if i < ts.len() => self.expr_to(x, &ts[i].clone())?,
                _ => self.value(x)?,
            };
            vs.push(v);
        }
        let tys: Vec<Ty> = vs.iter().map(|v| self.vty(*v)).collect();
        Some(self.emit(Op::Tuple(vs), Ty::Tuple(tys)))
    }

    /// `Point { x: 1, y }` or `Shape.Circle { radius: r }`: fields in declaration order.
    fn struct_lit(&mut self, e: &Expr, fields: &[FieldInit]) -> Option<ValueId> {
        let variant = self.cx.checked.types.variants.get(&e.span).copied();
        let (def, decl): (janus_sema::types::DefId, Vec<janus_sema::info::Field>) = match variant {
            Some((d, vi)) => {
                let fs = self
                    .cx
                    .info(d)
                    .and_then(|i| i.variants())
                    .and_then(|vs| vs.get(vi))
                    .map(|v| v.field_list().to_vec())
                    .unwrap_or_default();
                (d, fs)
            }
            None => match self.ty_of(e) {
                Ty::Def(d) => match self.cx.info(d).map(|i| &i.kind) {
                    Some(DefInfoKind::Struct { fields }) => (d, fields.clone()),
                    _ => {
                        self.error(e.span, "literal of a type that is not a struct");
                        return None;
                    }
                },
                _ => {
                    self.error(e.span, "literal of a type that is not a struct");
                    return None;
                }
            },
        };
        let mut vals: Vec<Option<ValueId>> = vec![None; decl.len()];
        for fi in fields {
            let Some(idx) = decl.iter().position(|f| f.name == fi.name.name) else {
                self.error(fi.name.span, "unknown field in a literal");
                return None;
            };
            let fty = decl[idx].ty.clone();
            let v = match &fi.value {
                Some(x) => self.expr_to(x, &fty)?,
                None => {
                    let v = self.shorthand_value(fi)?;
                    self.coerce(v, &fty)
                }
            };
            vals[idx] = Some(v);
        }
        let mut out = Vec::new();
        for (i, v) in vals.into_iter().enumerate() {
            match v {
                Some(v) => out.push(v),
                None => {
                    self.error(e.span, format!("field `{}` is missing", decl[i].name));
                    return None;
                }
            }
        }
        Some(match variant {
            Some((d, vi)) => self.emit(Op::Variant(d, vi as u32, out), Ty::Def(d)),
            None => self.emit(Op::Struct(def, out), Ty::Def(def)),
        })
    }

    /// The value of a shorthand field `{ x }`.
    pub fn shorthand_value(&mut self, fi: &FieldInit) -> Option<ValueId> {
        if let Some(&(d, vi)) = self.cx.checked.types.variants.get(&fi.name.span) {
            return Some(self.emit(Op::Variant(d, vi as u32, Vec::new()), Ty::Def(d)));
        }
        match self.cx.checked.types.names.get(&fi.name.span).copied() {
            Some(NameRef::Local(s)) => match self.by_span.get(&s).copied() {
                Some(l) => Some(self.load(l)),
                None => {
                    self.error(fi.name.span, "this name's binding was not lowered");
                    None
                }
            },
            _ => {
                self.error(
                    fi.name.span,
                    "shorthand field of a name that is not a local",
                );
                None
            }
        }
    }

    /// `base.name`: a qualified constant or variant, or a struct field.
    fn field(&mut self, e: &Expr, base: &Expr, name: &ast::Ident) -> Option<ValueId> {
        if let Some(&(d, vi)) = self.cx.checked.types.variants.get(&e.span) {
            return Some(self.emit(Op::Variant(d, vi as u32, Vec::new()), Ty::Def(d)));
        }
        if let Some(NameRef::Def(d)) = self.cx.checked.types.names.get(&e.span).copied() {
            return self.const_value(e, d);
        }
        let b = self.value(base)?;
        let bt = self.vty(b);
        if let Some(i) = self.child_index(&bt, &name.name) {
            let ty = self.ty_of(e);
            return Some(self.emit(Op::Child(b, i), ty));
        }
        let Some(idx) = self.struct_field_index(&bt, &name.name) else {
            self.error(name.span, "field of a value that is not a struct");
            return None;
        };
        let ty = self.ty_of(e);
        Some(self.emit(Op::Field(b, idx), ty))
    }

    /// The declaration index of field `name` of struct type `t`.
    pub fn struct_field_index(&self, t: &Ty, name: &str) -> Option<u32> {
        let Ty::Def(d) = t else { return None };
        let fs = self.cx.info(*d)?.struct_fields()?;
        fs.iter().position(|f| f.name == name).map(|i| i as u32)
    }

    fn binary(&mut self, e: &Expr, op: ast::BinOp, lhs: &Expr, rhs: &Expr) -> Option<ValueId> {
        use ast::BinOp as B;
        match op {
            B::And | B::Or => return self.short_circuit(op == B::And, lhs, rhs),
            B::Coalesce => return self.coalesce(e, lhs, rhs),
            _ => {}
        }
        let a = self.value(lhs)?;
        let b = self.value(rhs)?;
        let ty = self.ty_of(e);
        let irop = match op {
            B::Add => BinOp::Add,
            B::Sub => BinOp::Sub,
            B::Mul => BinOp::Mul,
            B::Div => BinOp::Div,
            B::Rem => BinOp::Rem,
            B::Concat => BinOp::Concat,
            B::Eq => BinOp::Eq,
            B::Ne => BinOp::Ne,
            B::Lt => BinOp::Lt,
            B::Le => BinOp::Le,
            B::Gt => BinOp::Gt,
            B::Ge => BinOp::Ge,
            B::And | B::Or | B::Coalesce => return None,
        };
        // Comparisons of `T` with `?T` (or narrower error sets) compare in the wider type.
        let (a, b) = if matches!(
            irop,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        ) {
            let (at, bt) = (self.vty(a), self.vty(b));
            if janus_sema::types::assignable(&at, &bt) && at != bt {
                (self.coerce(a, &bt), b)
            } else if at != bt {
                (a, self.coerce(b, &at))
            } else {
                (a, b)
            }
        } else if irop == BinOp::Concat {
            (self.coerce(a, &ty), self.coerce(b, &ty))
        } else {
            (a, b)
        };
        Some(self.emit(Op::Binary(irop, a, b), ty))
    }

    /// `$"a {x} b"`: a builder started empty, then each piece pushed in order.
    fn interp(&mut self, parts: &[InterpPart]) -> Option<ValueId> {
        let mut acc = self.emit(Op::Builtin("fmt.new", Vec::new()), Ty::Str);
        for p in parts {
            let piece = match p {
                InterpPart::Lit(s) => self.const_str(s),
                InterpPart::Expr(x) => self.value(x)?,
            };
            acc = self.emit(
                Op::Builtin("fmt.push", vec![Operand::Value(acc), Operand::Value(piece)]),
                Ty::Str,
            );
        }
        Some(acc)
    }
}

/// The value of an integer literal, negated when written `-5`.
pub fn int_literal(e: &Expr) -> Option<i128> {
    match &e.kind {
        ExprKind::Int(v) => Some(*v as i128),
        ExprKind::Unary {
            op: ast::UnOp::Neg,
            expr,
        } => match expr.kind {
            ExprKind::Int(v) => Some(-(v as i128)),
            _ => None,
        },
        _ => None,
    }
}
