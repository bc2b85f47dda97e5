//! Statements and blocks: bindings, assignment (E0304, E0314), loops (E0316, E0317), expression
//! statements (E0501 for an ignored error), and divergence (`never`) for missing-return checks.

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::{Body, LocalKind};
use crate::resolve::TyPos;
use crate::types::Ty;

impl<'e, 'a> Body<'e, 'a> {
    /// Checks a block. As a value (`value`), its last expression statement is its value;
    /// otherwise every statement is a statement. Returns `Never` when the block cannot finish.
    pub fn block(&mut self, b: &'a Block, expected: Option<&Ty>, value: bool) -> Ty {
        self.push_scope();
        let mut diverges = false;
        let mut result = Ty::Void;
        let n = b.stmts.len();
        for (i, s) in b.stmts.iter().enumerate() {
            let last = i + 1 == n;
            let t = match (&s.kind, value && last) {
                (StmtKind::Expr(e), true) => {
                    let t = self.expr(e, expected);
                    result = t.clone();
                    t
                }
                _ => self.stmt(s),
            };
            if matches!(t, Ty::Never) {
                diverges = true;
            }
        }
        self.pop_scope();
        if diverges { Ty::Never } else { result }
    }

    /// Checks one statement; `Never` when it cannot finish.
    pub fn stmt(&mut self, s: &'a Stmt) -> Ty {
        match &s.kind {
            StmtKind::Let {
                mutable,
                pat,
                ty,
                init,
            } => {
                self.let_stmt(*mutable, pat, ty.as_ref(), init);
                Ty::Void
            }
            StmtKind::Assign(a) => self.assign(a),
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::While { cond, body } => {
                self.expect(cond, &Ty::Bool);
                self.loops.push(false);
                self.block(body, None, false);
                let has_break = self.loops.pop().unwrap_or(true);
                if matches!(cond.kind, ExprKind::Bool(true)) && !has_break {
                    Ty::Never
                } else {
                    Ty::Void
                }
            }
            StmtKind::For { pat, iter, body } => {
                let elem = self.iter_elem(iter);
                self.push_scope();
                self.irrefutable(pat, &elem, false, "for");
                self.loops.push(false);
                self.block(body, None, false);
                self.loops.pop();
                self.pop_scope();
                Ty::Void
            }
            StmtKind::Error => {
                self.saw_syntax_error = true;
                Ty::Void
            }
        }
    }

    /// An expression whose value is discarded: any value but an error union (E0501).
    pub fn expr_stmt(&mut self, e: &'a Expr) -> Ty {
        let t = match &e.kind {
            ExprKind::If { cond, then, else_ } => {
                self.if_expr(cond, then, else_.as_deref(), None, false)
            }
            ExprKind::Match { scrutinee, arms } => self.match_expr(e, scrutinee, arms, None, false),
            ExprKind::Block(b) => self.block(b, None, false),
            _ => self.expr_u(e, None),
        };
        if let Ty::Union(_, sets) = &t {
            self.emit(
                Diagnostic::error(
                    "E0501",
                    format!(
                        "the error of this call is ignored (it may fail with `{}`)",
                        self.env.show_sets(sets)
                    ),
                )
                .primary(e.span, "error value not handled")
                .help("pass it on with `?`, or handle it with `catch`"),
            );
            return Ty::Void;
        }
        t
    }

    fn let_stmt(
        &mut self,
        mutable: bool,
        pat: &'a Pattern,
        ty: Option<&'a TypeExpr>,
        init: &'a Expr,
    ) {
        let declared = ty.map(|t| self.env.resolve_type(self.mi, t, TyPos::Value));
        let t = match &declared {
            Some(d) => {
                self.expect(init, d);
                d.clone()
            }
            None => {
                let t = self.expr(init, None);
                match t {
                    Ty::Void => {
                        self.emit(
                            Diagnostic::error("E0313", "cannot bind a value of type `void`")
                                .primary(init.span, "this has no value"),
                        );
                        Ty::Error
                    }
                    Ty::Never => Ty::Error,
                    t => t,
                }
            }
        };
        self.irrefutable(pat, &t, mutable, "let");
    }

    /// The element type of a `for` iterable (E0316).
    fn iter_elem(&mut self, iter: &'a Expr) -> Ty {
        if let ExprKind::Range { lo, hi, .. } = &iter.kind {
            let (lt, rt) = self.operands(lo, hi, None);
            let t = match (&lt, &rt) {
                (Ty::Error, _) | (_, Ty::Error) => Ty::Error,
                (Ty::Int(a), Ty::Int(b)) if a == b => lt.clone(),
                _ => {
                    self.emit(
                        Diagnostic::error(
                            "E0316",
                            format!(
                                "a range needs two integers of one type, found `{}` and `{}`",
                                self.show(&lt),
                                self.show(&rt)
                            ),
                        )
                        .primary(iter.span, "not an integer range"),
                    );
                    Ty::Error
                }
            };
            self.env.record(iter.span, &Ty::Range(Box::new(t.clone())));
            return t;
        }
        match self.expr(iter, None) {
            Ty::List(t) | Ty::Set(t) => *t,
            Ty::Map(k, v) => Ty::Tuple(vec![*k, *v]),
            Ty::Error => Ty::Error,
            other => {
                let mut d = Diagnostic::error(
                    "E0316",
                    format!(
                        "cannot iterate over a value of type `{}`",
                        self.show(&other)
                    ),
                )
                .primary(iter.span, "not a list, set, map or range");
                if let Ty::Optional(inner) = &other
                    && matches!(**inner, Ty::List(_) | Ty::Set(_) | Ty::Map(..))
                {
                    let shown = match &iter.kind {
                        ExprKind::Name(id) => id.name.as_str(),
                        _ => "...",
                    };
                    d = d.help(format!(
                        "the value may be `null`: iterate over `{shown} ?? []`, or `match` it first"
                    ));
                }
                self.emit(d);
                Ty::Error
            }
        }
    }

    /// Binds an irrefutable pattern (`let`, `for`); E0317 when it could fail to match.
    fn irrefutable(&mut self, pat: &'a Pattern, ty: &Ty, mutable: bool, what: &str) {
        let mut binds = Vec::new();
        let before = self.pattern_errors;
        let lowered = self.pat(pat, ty, &mut binds, false);
        let kind = if mutable {
            LocalKind::Var
        } else {
            LocalKind::Let
        };
        if self.pattern_errors == before && !ty.has_error() && self.pattern_refutable(&lowered, ty)
        {
            self.emit(
                Diagnostic::error(
                    "E0317",
                    format!("`{what}` needs a pattern that always matches"),
                )
                .primary(pat.span, "this pattern may fail to match")
                .help("use `match` to handle the other cases"),
            );
        }
        for (name, t, span) in binds {
            self.declare(name, t, mutable, kind, span);
        }
    }

    pub fn assign(&mut self, a: &'a Assign) -> Ty {
        let target_ty = match &a.target.kind {
            ExprKind::Name(id) => match self.local(&id.name) {
                Some(l) => {
                    let (ty, mutable, kind, lspan) = (l.ty.clone(), l.mutable, l.kind, l.span);
                    self.env.record_name(id.span, crate::NameRef::Local(lspan));
                    if !mutable {
                        self.immutable(&id.name, kind, lspan, a.target.span, false);
                    }
                    ty
                }
                None => {
                    match self.env.lookup(self.mi, &id.name) {
                        crate::env::Lookup::Def(_) => {
                            self.emit(
                                Diagnostic::error(
                                    "E0314",
                                    format!("cannot assign to `{}`", id.name),
                                )
                                .primary(a.target.span, "not a variable"),
                            );
                        }
                        crate::env::Lookup::Poison => {}
                        crate::env::Lookup::NotFound => {
                            self.unknown_name(&id.name, id.span, crate::suggest::Want::Value)
                        }
                    }
                    Ty::Error
                }
            },
            ExprKind::Field { .. } | ExprKind::TupleField { .. } | ExprKind::Index { .. } => {
                let t = self.expr(&a.target, None);
                self.check_place_root(&a.target, a.target.span);
                t
            }
            _ => {
                self.expr(&a.target, None);
                self.emit(
                    Diagnostic::error("E0314", "invalid assignment target")
                        .primary(a.target.span, "cannot assign to this")
                        .help("assign to a `var` binding, or to a field or index of one"),
                );
                Ty::Error
            }
        };
        match a.op {
            None => {
                self.expect(&a.value, &target_ty);
            }
            Some(op) => {
                let vt = self.expr(&a.value, Some(&target_ty));
                let rt = self.arith(op, &target_ty, &vt, a.span);
                if !rt.has_error() {
                    self.coerce(&rt, &target_ty, a.value.span);
                }
            }
        }
        Ty::Void
    }

    fn immutable(&self, name: &str, kind: LocalKind, decl: Span, at: Span, through: bool) {
        let what = match kind {
            LocalKind::Param => "a parameter",
            LocalKind::Field => "a `let` field",
            LocalKind::Binding => "a pattern binding",
            _ => "a `let` binding",
        };
        let (msg, label) = if through {
            (
                format!("cannot change `{name}`: it is {what}"),
                "changes an immutable value",
            )
        } else {
            (
                format!("cannot assign to `{name}`: it is {what}"),
                "assignment to an immutable value",
            )
        };
        let mut d = Diagnostic::error("E0304", msg)
            .primary(at, label)
            .secondary(decl, "declared here");
        // An actor's or grain's own parameter lives as long as the actor: the copy belongs in
        // a state field, not in a local of one handler.
        let owner_param = self
            .owner
            .and_then(|o| self.env.def(o).actor())
            .filter(|a| kind == LocalKind::Param && a.params.iter().any(|p| p.span == decl));
        if let Some(a) = owner_param {
            if a.decl.kind == janus_syntax::ast::ActorKind::Grain {
                d = d.note("a grain's identity parameters never change: they are its address");
            } else {
                d = d.help(format!(
                    "keep a changeable copy in a state field, e.g. `var current_{name} = {name}`"
                ));
            }
        } else if matches!(kind, LocalKind::Let | LocalKind::Field) {
            d = d.help(format!("declare it with `var {name}` to change it"));
        } else if matches!(kind, LocalKind::Param | LocalKind::Binding) {
            d = d.help(format!("copy it into a variable: `var {name} = {name}`"));
        }
        self.emit(d);
    }

    /// A field or index assignment (or a mutating method) must go through a `var` root.
    pub fn check_place_root(&mut self, target: &'a Expr, at: Span) {
        let mut cur = target;
        loop {
            match &cur.kind {
                ExprKind::Field { base, .. }
                | ExprKind::TupleField { base, .. }
                | ExprKind::Index { base, .. } => cur = base,
                ExprKind::Name(id) => {
                    if let Some(l) = self.local(&id.name)
                        && !l.mutable
                        && !l.ty.has_error()
                    {
                        let (kind, span) = (l.kind, l.span);
                        self.immutable(&id.name, kind, span, at, true);
                    }
                    return;
                }
                ExprKind::SelfRef | ExprKind::Error => return,
                _ => {
                    if !std::ptr::eq(cur, target) {
                        return; // a temporary: changing it is pointless but harmless
                    }
                    return;
                }
            }
        }
    }

    /// Checks a function-like body: `ret` reachability (E0310).
    pub fn fn_body(&mut self, body: &'a Block, name_span: Span, declared_ret: &Ty) {
        let t = self.block(body, None, false);
        let needs_value = !matches!(declared_ret.ok_part(), Ty::Void | Ty::Error | Ty::Never);
        if needs_value && !matches!(t, Ty::Never) && !self.saw_syntax_error {
            self.emit(
                Diagnostic::error(
                    "E0310",
                    format!(
                        "{} may reach its end without returning a value of type `{}`",
                        self.name,
                        self.show(declared_ret.ok_part())
                    ),
                )
                .primary(name_span, "not every path returns a value")
                .secondary(body.span.end(), "the end is reachable here")
                .help("add a `return` (or `fail`/`panic`) on every path"),
            );
        }
    }
}
