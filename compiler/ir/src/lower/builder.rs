//! The per-function lowering context: blocks under construction, locals by binding span,
//! loop targets, and the small emitting helpers (values, locals, constants, coercions).
//!
//! After a terminator the builder has no current block; anything emitted then goes into a
//! fresh block without predecessors, and [`Fx::finish`] drops every unreachable block and
//! renumbers the rest, so dead code after `return` never reaches the IR.

use janus_sema::Ty;
use janus_sema::fx::FxMap;
use janus_syntax::Span;
use janus_syntax::ast::{Block as AstBlock, Expr};

use super::{Lcx, LowerError};
use crate::ir::*;

pub(crate) struct Fx<'l, 'a> {
    pub cx: &'l mut Lcx<'a>,
    pub f: Function,
    insts: Vec<Vec<Inst>>,
    terms: Vec<Option<Term>>,
    cur: Option<BlockId>,
    /// Blocks in the order code was first emitted into them (the printed order).
    order: Vec<BlockId>,
    /// Locals of bindings, by the span of the bound name.
    pub by_span: FxMap<Span, LocalId>,
    /// Enclosing loops: (break target, continue target).
    pub loops: Vec<(BlockId, BlockId)>,
    /// The span of the current statement, for crash locations.
    pub span: Span,
}

/// Lowers the body of function `id` (its shell already has params and return type).
pub(crate) fn lower_body(cx: &mut Lcx<'_>, id: FuncId, body: &AstBlock) -> Function {
    let f = cx.shells[id.0 as usize].clone();
    let mut fx = Fx::new(cx, f);
    fx.bind_params();
    let v = fx.block(body);
    if fx.is_open() {
        let ret = fx.f.ret.clone();
        match (&ret, v) {
            (Ty::Void, _) => fx.terminate(Term::Return(None)),
            (Ty::Union(ok, _), v) if **ok == Ty::Void || v.is_some() => {
                let inner = match v {
                    Some(x) if **ok != Ty::Void => Some(x),
                    _ => None,
                };
                fx.return_value(inner, body.span);
            }
            (_, Some(x)) => {
                let x = fx.coerce(x, &ret);
                fx.terminate(Term::Return(Some(x)));
            }
            // The checker guarantees a value-returning function returns on every path.
            (_, None) => fx.terminate(Term::Unreachable),
        }
    }
    fx.finish()
}

/// Lowers a constant's initializer into a function returning its value.
pub(crate) fn lower_const(cx: &mut Lcx<'_>, id: FuncId, value: &Expr, ty: &Ty) -> Function {
    let f = cx.shells[id.0 as usize].clone();
    let mut fx = Fx::new(cx, f);
    match fx.expr_to(value, ty) {
        Some(v) => fx.terminate(Term::Return(Some(v))),
        None => {
            if fx.is_open() {
                fx.terminate(Term::Unreachable);
            }
        }
    }
    fx.finish()
}

impl<'l, 'a> Fx<'l, 'a> {
    pub(crate) fn new(cx: &'l mut Lcx<'a>, f: Function) -> Fx<'l, 'a> {
        let mut fx = Fx {
            cx,
            f,
            insts: Vec::new(),
            terms: Vec::new(),
            cur: None,
            order: Vec::new(),
            by_span: FxMap::default(),
            loops: Vec::new(),
            span: Span::default(),
        };
        let entry = fx.new_block();
        fx.switch_to(entry);
        fx
    }

    /// Maps each parameter's binding span (the span of its name, where the checker
    /// declared it) to its local.
    pub(crate) fn bind_params(&mut self) {
        let FnKind::User(d) = self.f.kind else {
            return;
        };
        let spans = self.cx.param_spans.get(&d).cloned().unwrap_or_default();
        for (i, s) in spans.into_iter().enumerate() {
            if let Some(&l) = self.f.params.get(i) {
                self.by_span.insert(s, l);
            }
        }
    }

    pub fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.cx.errors.push(LowerError {
            span,
            message: msg.into(),
        });
    }

    // -- blocks ---------------------------------------------------------------------------

    pub fn new_block(&mut self) -> BlockId {
        self.insts.push(Vec::new());
        self.terms.push(None);
        BlockId(self.terms.len() as u32 - 1)
    }

    pub fn is_open(&self) -> bool {
        self.cur.is_some()
    }

    pub fn switch_to(&mut self, b: BlockId) {
        if !self.order.contains(&b) {
            self.order.push(b);
        }
        self.cur = Some(b);
    }

    /// The block code is being emitted into, if any (to come back to after finishing
    /// another block).
    pub fn current_block(&self) -> Option<BlockId> {
        self.cur
    }

    /// Resumes emitting into `b` (or into nothing, after a terminator).
    pub fn resume(&mut self, b: Option<BlockId>) {
        match b {
            Some(b) => self.switch_to(b),
            None => self.cur = None,
        }
    }

    /// Ends the current block (if any) with `t`.
    pub fn terminate(&mut self, t: Term) {
        if let Some(b) = self.cur.take() {
            self.terms[b.0 as usize] = Some(t);
        }
    }

    /// Jumps to `to` if the current block is still open.
    pub fn jump(&mut self, to: BlockId) {
        self.terminate(Term::Jump(to));
    }

    fn current(&mut self) -> BlockId {
        match self.cur {
            Some(b) => b,
            None => {
                let b = self.new_block();
                self.switch_to(b);
                b
            }
        }
    }

    // -- values and locals ----------------------------------------------------------------

    pub fn emit(&mut self, op: Op, ty: Ty) -> ValueId {
        let v = ValueId(self.f.values.len() as u32);
        self.f.values.push(ty);
        let b = self.current();
        let span = self.span;
        self.insts[b.0 as usize].push(Inst {
            dest: Some(v),
            op,
            span,
        });
        v
    }

    pub fn emit_void(&mut self, op: Op) {
        let b = self.current();
        let span = self.span;
        self.insts[b.0 as usize].push(Inst {
            dest: None,
            op,
            span,
        });
    }

    pub fn vty(&self, v: ValueId) -> Ty {
        self.f.value_ty(v).cloned().unwrap_or(Ty::Error)
    }

    pub fn new_local(&mut self, name: &str, ty: Ty) -> LocalId {
        let l = LocalId(self.f.locals.len() as u32);
        self.f.locals.push(LocalDecl {
            name: name.to_string(),
            ty,
            state: None,
        });
        l
    }

    /// The local of a binding, registered under the span of its name (one local per binding
    /// even when its pattern is lowered on several paths of a decision tree).
    pub fn binding_local(&mut self, name: &str, span: Span, ty: Ty) -> LocalId {
        if let Some(&l) = self.by_span.get(&span) {
            return l;
        }
        let l = self.new_local(name, ty);
        self.by_span.insert(span, l);
        l
    }

    pub fn load(&mut self, l: LocalId) -> ValueId {
        let ty = self.f.local_ty(l).cloned().unwrap_or(Ty::Error);
        self.emit(Op::Load(Place::local(l)), ty)
    }

    pub fn store(&mut self, l: LocalId, v: ValueId) {
        let ty = self.f.local_ty(l).cloned().unwrap_or(Ty::Error);
        let v = self.coerce(v, &ty);
        self.emit_void(Op::Store(Place::local(l), v));
    }

    pub fn const_int(&mut self, i: i128, ty: Ty) -> ValueId {
        self.emit(Op::Const(Const::Int(i)), ty)
    }

    pub fn const_bool(&mut self, b: bool) -> ValueId {
        self.emit(Op::Const(Const::Bool(b)), Ty::Bool)
    }

    pub fn const_str(&mut self, s: &str) -> ValueId {
        self.emit(Op::Const(Const::Str(s.to_string())), Ty::Str)
    }

    /// The checker's type of an expression.
    pub fn ty_of(&mut self, e: &Expr) -> Ty {
        match self.cx.exprs.get(&e.span) {
            Some(t) => (*t).clone(),
            None => {
                self.error(e.span, "the checker recorded no type for this expression");
                Ty::Error
            }
        }
    }

    /// The type of an `if`, `match` or `catch`: recorded when used as a value; one used as
    /// a statement has none recorded and no value.
    pub fn construct_ty(&self, e: &Expr) -> Ty {
        self.cx
            .exprs
            .get(&e.span)
            .map_or(Ty::Void, |t| (*t).clone())
    }

    /// Converts `v` to type `to` where the language converts implicitly: `T` into `?T`, a
    /// value into `T ! E`, an error set into a wider set or union, a reference to a protocol
    /// it includes, and tuples element by element.
    pub fn coerce(&mut self, v: ValueId, to: &Ty) -> ValueId {
        let from = self.vty(v);
        if &from == to || matches!(to, Ty::Error | Ty::Never | Ty::Void) {
            return v;
        }
        match (&from, to) {
            (Ty::Optional(_), Ty::Optional(inner)) if !matches!(**inner, Ty::Optional(_)) => {
                // `?T` into `?U` with different insides: unwrap-free widening is an upcast.
                self.emit(Op::Upcast(v), to.clone())
            }
            (_, Ty::Optional(inner)) => {
                let x = self.coerce(v, inner);
                self.emit(Op::Some(x), to.clone())
            }
            (Ty::Union(..), Ty::Union(..)) => self.emit(Op::Upcast(v), to.clone()),
            (_, Ty::Union(ok, _)) => {
                let x = self.coerce(v, ok);
                self.emit(Op::Ok(x), to.clone())
            }
            (Ty::Tuple(fs), Ty::Tuple(ts)) if fs.len() == ts.len() => {
                let mut parts = Vec::new();
                for (i, t) in ts.iter().enumerate() {
                    let e = self.emit(Op::Elem(v, i as u32), fs[i].clone());
                    parts.push(self.coerce(e, t));
                }
                self.emit(Op::Tuple(parts), to.clone())
            }
            _ => self.emit(Op::Upcast(v), to.clone()),
        }
    }

    /// Returns from the function: `ret v` (wrapped into the union of a fallible function).
    pub fn return_value(&mut self, v: Option<ValueId>, span: Span) {
        let ret = self.f.ret.clone();
        let _ = span;
        match (&ret, v) {
            (Ty::Void, _) => self.terminate(Term::Return(None)),
            (Ty::Union(ok, _), None) if **ok == Ty::Void => {
                let w = self.emit(Op::OkVoid, ret.clone());
                self.terminate(Term::Return(Some(w)));
            }
            (_, Some(x)) => {
                let x = self.coerce(x, &ret);
                self.terminate(Term::Return(Some(x)));
            }
            (_, None) => self.terminate(Term::Unreachable),
        }
    }

    // -- finishing --------------------------------------------------------------------------

    /// Threads jumps through empty blocks, drops unreachable blocks, renumbers the rest in
    /// emission order, and returns the function.
    pub fn finish(mut self) -> Function {
        if let Some(b) = self.cur.take() {
            self.terms[b.0 as usize] = Some(Term::Unreachable);
        }
        let n = self.terms.len();
        // A block that only jumps elsewhere is bypassed (never the entry).
        let forward = |terms: &Vec<Option<Term>>, insts: &Vec<Vec<Inst>>, mut b: usize| {
            for _ in 0..n {
                match &terms[b] {
                    Some(Term::Jump(t)) if b != 0 && insts[b].is_empty() && t.0 as usize != b => {
                        b = t.0 as usize
                    }
                    _ => break,
                }
            }
            b
        };
        for b in 0..n {
            let mut t = self.terms[b].take();
            if let Some(t) = &mut t {
                for s in t.successors_mut() {
                    *s = BlockId(forward(&self.terms, &self.insts, s.0 as usize) as u32);
                }
            }
            self.terms[b] = t;
        }
        let mut seen = vec![false; n];
        let mut stack = vec![0usize];
        while let Some(b) = stack.pop() {
            if b >= n || std::mem::replace(&mut seen[b], true) {
                continue;
            }
            if let Some(t) = &self.terms[b] {
                for s in t.successors() {
                    stack.push(s.0 as usize);
                }
            }
        }
        let mut order: Vec<usize> = self
            .order
            .iter()
            .map(|b| b.0 as usize)
            .filter(|&b| b < n && seen[b])
            .collect();
        for (b, &s) in seen.iter().enumerate() {
            if s && !order.contains(&b) {
                order.push(b);
            }
        }
        let mut new_id = vec![u32::MAX; n];
        for (i, &b) in order.iter().enumerate() {
            new_id[b] = i as u32;
        }
        let mut blocks = Vec::with_capacity(order.len());
        for &b in &order {
            let mut term = self.terms[b].take().unwrap_or(Term::Unreachable);
            for s in term.successors_mut() {
                *s = BlockId(new_id.get(s.0 as usize).copied().unwrap_or(u32::MAX));
            }
            blocks.push(Block {
                insts: std::mem::take(&mut self.insts[b]),
                term,
            });
        }
        self.f.blocks = blocks;
        self.f
    }
}
