//! S-expression rendering of types, statements, expressions and patterns (see `dump`).

use std::fmt::Write;

use crate::ast::*;
use crate::dump::{arm_body, assign, list, path};

pub(crate) fn ty(o: &mut String, t: &TypeExpr) {
    match &t.kind {
        TypeExprKind::Named { path: p, args } => {
            if args.is_empty() {
                path(o, p);
            } else {
                o.push('(');
                path(o, p);
                for a in args {
                    o.push(' ');
                    ty(o, a);
                }
                o.push(')');
            }
        }
        TypeExprKind::List(t) => {
            o.push('[');
            ty(o, t);
            o.push(']');
        }
        TypeExprKind::Tuple(ts) => {
            o.push_str("(tuple");
            for t in ts {
                o.push(' ');
                ty(o, t);
            }
            o.push(')');
        }
        TypeExprKind::Optional(t) => {
            o.push('?');
            ty(o, t);
        }
        TypeExprKind::ErrorUnion { ok, errors } => {
            o.push_str("(! ");
            ty(o, ok);
            for e in errors {
                o.push(' ');
                ty(o, e);
            }
            o.push(')');
        }
        TypeExprKind::Error => o.push_str("(error)"),
    }
}

pub(crate) fn block(o: &mut String, b: &Block) {
    o.push_str("(block");
    for s in &b.stmts {
        o.push(' ');
        stmt(o, s);
    }
    o.push(')');
}

fn stmt(o: &mut String, s: &Stmt) {
    match &s.kind {
        StmtKind::Let {
            mutable,
            pat,
            ty: t,
            init,
        } => {
            o.push_str(if *mutable { "(var " } else { "(let " });
            pattern(o, pat);
            if let Some(t) = t {
                o.push_str(": ");
                ty(o, t);
            }
            o.push(' ');
            expr(o, init);
            o.push(')');
        }
        StmtKind::Assign(a) => assign(o, a),
        StmtKind::Expr(e) => expr(o, e),
        StmtKind::While { cond, body } => {
            o.push_str("(while ");
            expr(o, cond);
            o.push(' ');
            block(o, body);
            o.push(')');
        }
        StmtKind::For { pat, iter, body } => {
            o.push_str("(for ");
            pattern(o, pat);
            o.push(' ');
            expr(o, iter);
            o.push(' ');
            block(o, body);
            o.push(')');
        }
        StmtKind::Error => o.push_str("(error)"),
    }
}

pub(crate) fn args(o: &mut String, a: &[Arg]) {
    list(o, a, |o, a| {
        if let Some(n) = &a.name {
            let _ = write!(o, "{}: ", n.name);
        }
        expr(o, &a.value);
    });
}

pub(crate) fn expr(o: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Int(v) => {
            let _ = write!(o, "{v}");
        }
        ExprKind::Float(v) => {
            let _ = write!(o, "{v:?}");
        }
        ExprKind::Bool(b) => {
            let _ = write!(o, "{b}");
        }
        ExprKind::Str(s) => {
            let _ = write!(o, "{s:?}");
        }
        ExprKind::Interp(parts) => {
            o.push_str("(interp");
            for p in parts {
                o.push(' ');
                match p {
                    InterpPart::Lit(s) => {
                        let _ = write!(o, "{s:?}");
                    }
                    InterpPart::Expr(e) => expr(o, e),
                }
            }
            o.push(')');
        }
        ExprKind::Duration(ns) => {
            let _ = write!(o, "{ns}ns");
        }
        ExprKind::Null => o.push_str("null"),
        ExprKind::SelfRef => o.push_str("self"),
        ExprKind::Name(n) => o.push_str(&n.name),
        ExprKind::DotName(n) => {
            let _ = write!(o, ".{}", n.name);
        }
        ExprKind::List(xs) => {
            o.push_str("(list");
            for x in xs {
                o.push(' ');
                expr(o, x);
            }
            o.push(')');
        }
        ExprKind::Tuple(xs) => {
            o.push_str("(tuple");
            for x in xs {
                o.push(' ');
                expr(o, x);
            }
            o.push(')');
        }
        ExprKind::StructLit { path: p, fields } => {
            o.push_str("(struct ");
            expr(o, p);
            for f in fields {
                let _ = write!(o, " ({}", f.name.name);
                if let Some(v) = &f.value {
                    o.push(' ');
                    expr(o, v);
                }
                o.push(')');
            }
            o.push(')');
        }
        ExprKind::Call { callee, args: a } => {
            o.push_str("(call ");
            expr(o, callee);
            o.push(' ');
            args(o, a);
            o.push(')');
        }
        ExprKind::Field { base, name } => {
            o.push_str("(. ");
            expr(o, base);
            let _ = write!(o, " {})", name.name);
        }
        ExprKind::TupleField { base, index, .. } => {
            o.push_str("(. ");
            expr(o, base);
            let _ = write!(o, " {index})");
        }
        ExprKind::Index { base, index } => {
            o.push_str("(index ");
            expr(o, base);
            o.push(' ');
            expr(o, index);
            o.push(')');
        }
        ExprKind::Unary { op, expr: inner } => {
            o.push_str(match op {
                UnOp::Neg => "(neg ",
                UnOp::Not => "(not ",
            });
            expr(o, inner);
            o.push(')');
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let _ = write!(o, "({} ", op.symbol());
            expr(o, lhs);
            o.push(' ');
            expr(o, rhs);
            o.push(')');
        }
        ExprKind::Range { lo, hi, inclusive } => {
            o.push_str(if *inclusive { "(..= " } else { "(..< " });
            expr(o, lo);
            o.push(' ');
            expr(o, hi);
            o.push(')');
        }
        ExprKind::Try(inner) => {
            o.push_str("(try ");
            expr(o, inner);
            o.push(')');
        }
        ExprKind::Catch {
            expr: inner,
            binding,
            handler,
        } => {
            o.push_str("(catch ");
            expr(o, inner);
            if let Some(b) = binding {
                let _ = write!(o, " |{}|", b.name);
            }
            o.push(' ');
            expr(o, handler);
            o.push(')');
        }
        ExprKind::If { cond, then, else_ } => {
            o.push_str("(if ");
            expr(o, cond);
            o.push(' ');
            block(o, then);
            if let Some(e) = else_ {
                o.push(' ');
                expr(o, e);
            }
            o.push(')');
        }
        ExprKind::Match { scrutinee, arms } => {
            o.push_str("(match ");
            expr(o, scrutinee);
            for a in arms {
                o.push_str(" (");
                pattern(o, &a.pattern);
                if let Some(g) = &a.guard {
                    o.push_str(" when ");
                    expr(o, g);
                }
                o.push_str(" => ");
                arm_body(o, &a.body);
                o.push(')');
            }
            o.push(')');
        }
        ExprKind::Block(b) => block(o, b),
        ExprKind::Spawn { target, on } => {
            o.push_str("(spawn ");
            expr(o, target);
            if let Some(n) = on {
                o.push_str(" on ");
                expr(o, n);
            }
            o.push(')');
        }
        ExprKind::Return(v) => {
            o.push_str("(return");
            if let Some(v) = v {
                o.push(' ');
                expr(o, v);
            }
            o.push(')');
        }
        ExprKind::Fail(v) => {
            o.push_str("(fail ");
            expr(o, v);
            o.push(')');
        }
        ExprKind::Break => o.push_str("break"),
        ExprKind::Continue => o.push_str("continue"),
        ExprKind::Error => o.push_str("(error)"),
    }
}

pub(crate) fn pattern(o: &mut String, p: &Pattern) {
    match &p.kind {
        PatternKind::Wildcard => o.push('_'),
        PatternKind::Binding(n) => o.push_str(&n.name),
        PatternKind::Literal(l) => match l {
            Literal::Int(v) => {
                let _ = write!(o, "{v}");
            }
            Literal::Float(v) => {
                let _ = write!(o, "{v:?}");
            }
            Literal::Str(s) => {
                let _ = write!(o, "{s:?}");
            }
            Literal::Bool(b) => {
                let _ = write!(o, "{b}");
            }
        },
        PatternKind::Null => o.push_str("null"),
        PatternKind::Tuple(ps) => {
            o.push_str("(tuple");
            for p in ps {
                o.push(' ');
                pattern(o, p);
            }
            o.push(')');
        }
        PatternKind::Variant { path: vp, fields } => {
            o.push_str("(variant ");
            if vp.leading_dot {
                o.push('.');
            }
            for q in &vp.qualifier {
                let _ = write!(o, "{}.", q.name);
            }
            o.push_str(&vp.name.name);
            match fields {
                VariantFields::None => {}
                VariantFields::Named(fs) => {
                    for f in fs {
                        let _ = write!(o, " ({}", f.name.name);
                        if let Some(p) = &f.pattern {
                            o.push(' ');
                            pattern(o, p);
                        }
                        o.push(')');
                    }
                }
                VariantFields::Positional(ps) => {
                    o.push(' ');
                    list(o, ps, pattern);
                }
            }
            o.push(')');
        }
        PatternKind::Error => o.push_str("(error)"),
    }
}
