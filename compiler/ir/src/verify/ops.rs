//! The verifier's type rules: each operation's operands and result, each terminator's
//! operands, places followed through their projections.

use janus_sema::Ty;
use janus_sema::info::DefInfoKind;

use super::FnVerifier;
use crate::ir::*;

impl FnVerifier<'_> {
    fn ty(&self, v: ValueId) -> Ty {
        self.f.value_ty(v).cloned().unwrap_or(Ty::Error)
    }

    fn expect(&mut self, bi: usize, what: &str, found: &Ty, want: &Ty) {
        if found != want {
            let msg = format!(
                "{what}: expected `{}`, found `{}`",
                self.show(want),
                self.show(found)
            );
            self.err(bi, msg);
        }
    }

    /// The type of a place, following its projections.
    fn place_ty(&mut self, bi: usize, pl: &Place) -> Ty {
        let Some(mut t) = self.f.local_ty(pl.local).cloned() else {
            return Ty::Error;
        };
        for pr in &pl.proj {
            t = match (pr, &t) {
                (Proj::Field(i), Ty::Def(d)) => self.struct_field(*d, *i).unwrap_or(Ty::Error),
                (Proj::Elem(i), Ty::Tuple(ts)) => ts.get(*i as usize).cloned().unwrap_or(Ty::Error),
                (Proj::Index(ix), Ty::List(e)) => {
                    let it = self.ty(*ix);
                    self.expect(bi, "list index", &it, &Ty::i64());
                    (**e).clone()
                }
                _ => {
                    let msg = format!("bad projection {pr:?} of `{}`", self.show(&t));
                    self.err(bi, msg);
                    return Ty::Error;
                }
            };
        }
        t
    }

    fn struct_field(&self, d: janus_sema::types::DefId, i: u32) -> Option<Ty> {
        let info = self.p.defs.get(d.0 as usize)?;
        info.struct_fields()?.get(i as usize).map(|f| f.ty.clone())
    }

    fn variant_fields(&self, d: janus_sema::types::DefId, vi: u32) -> Option<Vec<Ty>> {
        let info = self.p.defs.get(d.0 as usize)?;
        let v = info.variants()?.get(vi as usize)?;
        Some(v.field_list().iter().map(|f| f.ty.clone()).collect())
    }

    pub(super) fn check_op(&mut self, bi: usize, inst: &Inst) {
        let dest = inst.dest.map(|d| self.ty(d));
        let need_dest = |s: &mut Self, what: &str| -> Ty {
            match &dest {
                Some(t) => t.clone(),
                None => {
                    s.err(bi, format!("{what} needs a result"));
                    Ty::Error
                }
            }
        };
        match &inst.op {
            Op::Const(c) => {
                let t = need_dest(self, "const");
                let ok = match c {
                    Const::Int(_) => matches!(t, Ty::Int(_)),
                    Const::F64(_) => t == Ty::F64,
                    Const::Bool(_) => t == Ty::Bool,
                    Const::Str(_) => matches!(t, Ty::Str | Ty::NodeId),
                    Const::Duration(_) => t == Ty::Duration,
                    Const::Null => matches!(t, Ty::Optional(_)),
                };
                if !ok {
                    let msg = format!("constant {c:?} of type `{}`", self.show(&t));
                    self.err(bi, msg);
                }
            }
            Op::Load(pl) => {
                let t = need_dest(self, "load");
                let pt = self.place_ty(bi, pl);
                self.expect(bi, "load", &t, &pt);
            }
            Op::Store(pl, x) => {
                let pt = self.place_ty(bi, pl);
                let xt = self.ty(*x);
                self.expect(bi, "store", &xt, &pt);
            }
            Op::Unary(op, x) => {
                let t = need_dest(self, "unary");
                let xt = self.ty(*x);
                match op {
                    UnOp::Not => self.expect(bi, "not", &xt, &Ty::Bool),
                    UnOp::Neg => {
                        if !matches!(xt, Ty::Int(_) | Ty::F64) {
                            self.err(bi, "neg of a non-number".into());
                        }
                    }
                }
                self.expect(bi, "unary result", &t, &xt);
            }
            Op::Binary(op, a, b) => self.check_binary(bi, *op, *a, *b, dest.as_ref()),
            Op::Call(fid, args) => {
                let Some(g) = self.p.functions.get(fid.0 as usize) else {
                    self.err(bi, format!("call of missing function #{}", fid.0));
                    return;
                };
                if g.params.len() != args.len() {
                    let msg = format!(
                        "call of {} with {} arguments, expected {}",
                        g.name,
                        args.len(),
                        g.params.len()
                    );
                    self.err(bi, msg);
                }
                for (a, p) in args.iter().zip(&g.params) {
                    let at = self.ty(*a);
                    let pt = g.local_ty(*p).cloned().unwrap_or(Ty::Error);
                    self.expect(bi, &format!("argument of {}", g.name), &at, &pt);
                }
                match (&dest, &g.ret) {
                    (None, Ty::Void) => {}
                    (Some(t), r) => self.expect(bi, &format!("result of {}", g.name), t, r),
                    (None, _) => self.err(bi, format!("result of {} dropped", g.name)),
                }
            }
            Op::Builtin(name, ops) => match crate::builtins::lookup(name) {
                None => self.err(bi, format!("unknown built-in {name}")),
                Some((_, n, place)) => {
                    if ops.len() != n {
                        self.err(bi, format!("{name} takes {n} operands, got {}", ops.len()));
                    }
                    for (i, o) in ops.iter().enumerate() {
                        let want_place = place && i == 0;
                        match o {
                            Operand::Place(pl) => {
                                if !want_place {
                                    self.err(bi, format!("{name}: operand {i} must be a value"));
                                }
                                self.place_ty(bi, pl);
                            }
                            Operand::Value(_) if want_place => {
                                self.err(bi, format!("{name}: operand {i} must be a place"))
                            }
                            Operand::Value(_) => {}
                        }
                    }
                }
            },
            Op::Struct(d, xs) => {
                let t = need_dest(self, "struct");
                self.expect(bi, "struct", &t, &Ty::Def(*d));
                let fields: Vec<Ty> = self
                    .p
                    .defs
                    .get(d.0 as usize)
                    .and_then(|x| x.struct_fields())
                    .map(|fs| fs.iter().map(|f| f.ty.clone()).collect())
                    .unwrap_or_default();
                self.expect_list(bi, "struct field", xs, &fields);
            }
            Op::Field(x, i) => {
                let t = need_dest(self, "field");
                match self.ty(*x) {
                    Ty::Def(d) => match self.struct_field(d, *i) {
                        Some(ft) => self.expect(bi, "field", &t, &ft),
                        None => self.err(bi, format!("no field {i}")),
                    },
                    other => {
                        let msg = format!("field of non-struct `{}`", self.show(&other));
                        self.err(bi, msg);
                    }
                }
            }
            Op::Tuple(xs) => {
                let t = need_dest(self, "tuple");
                let ts: Vec<Ty> = xs.iter().map(|x| self.ty(*x)).collect();
                self.expect(bi, "tuple", &t, &Ty::Tuple(ts));
            }
            Op::Elem(x, i) => {
                let t = need_dest(self, "elem");
                match self.ty(*x) {
                    Ty::Tuple(ts) if (*i as usize) < ts.len() => {
                        self.expect(bi, "elem", &t, &ts[*i as usize])
                    }
                    other => {
                        let msg = format!("element {i} of `{}`", self.show(&other));
                        self.err(bi, msg);
                    }
                }
            }
            Op::List(xs) => {
                let t = need_dest(self, "list");
                match &t {
                    Ty::List(e) => {
                        let want = vec![(**e).clone(); xs.len()];
                        self.expect_list(bi, "list element", xs, &want);
                    }
                    _ => self.err(bi, "list of non-list type".into()),
                }
            }
            Op::Variant(d, vi, xs) => {
                let t = need_dest(self, "variant");
                self.expect(bi, "variant", &t, &Ty::Def(*d));
                match self.variant_fields(*d, *vi) {
                    Some(fs) => self.expect_list(bi, "variant field", xs, &fs),
                    None => self.err(bi, format!("no variant {vi}")),
                }
            }
            Op::Tag(x) => {
                let t = need_dest(self, "tag");
                self.expect(bi, "tag", &t, &Ty::i64());
                let xt = self.ty(*x);
                if !self.is_sum(&xt) {
                    let msg = format!("tag of `{}`", self.show(&xt));
                    self.err(bi, msg);
                }
            }
            Op::IsVariant(x, _, _) => {
                let t = need_dest(self, "is_variant");
                self.expect(bi, "is_variant", &t, &Ty::Bool);
                let xt = self.ty(*x);
                if !self.is_sum(&xt) {
                    let msg = format!("is_variant of `{}`", self.show(&xt));
                    self.err(bi, msg);
                }
            }
            Op::VariantField(_, d, vi, i) => {
                let t = need_dest(self, "variant_field");
                match self
                    .variant_fields(*d, *vi)
                    .and_then(|fs| fs.get(*i as usize).cloned())
                {
                    Some(ft) => self.expect(bi, "variant field", &t, &ft),
                    None => self.err(bi, format!("no variant field {vi}.{i}")),
                }
            }
            Op::Some(x) => {
                let t = need_dest(self, "some");
                let xt = self.ty(*x);
                self.expect(bi, "some", &t, &Ty::opt(xt));
            }
            Op::IsNull(x) => {
                let t = need_dest(self, "is_null");
                self.expect(bi, "is_null", &t, &Ty::Bool);
                if !matches!(self.ty(*x), Ty::Optional(_)) {
                    self.err(bi, "is_null of a non-optional".into());
                }
            }
            Op::Unwrap(x) => {
                let t = need_dest(self, "unwrap");
                match self.ty(*x) {
                    Ty::Optional(inner) => self.expect(bi, "unwrap", &t, &inner),
                    _ => self.err(bi, "unwrap of a non-optional".into()),
                }
            }
            Op::Ok(x) => {
                let t = need_dest(self, "ok");
                match &t {
                    Ty::Union(ok, _) => {
                        let xt = self.ty(*x);
                        self.expect(bi, "ok", &xt, ok)
                    }
                    _ => self.err(bi, "ok of a non-union type".into()),
                }
            }
            Op::OkVoid => {
                let t = need_dest(self, "ok");
                if !matches!(&t, Ty::Union(ok, _) if **ok == Ty::Void) {
                    self.err(bi, "ok void of a union with a value".into());
                }
            }
            Op::Err(x) => {
                let t = need_dest(self, "err");
                let xt = self.ty(*x);
                match &t {
                    Ty::Union(_, sets) => {
                        let fits = match &xt {
                            Ty::Def(d) => sets.contains(d),
                            Ty::ErrSets(ds) => ds.iter().all(|d| sets.contains(d)),
                            _ => false,
                        };
                        if !fits {
                            let msg =
                                format!("err of `{}` into `{}`", self.show(&xt), self.show(&t));
                            self.err(bi, msg);
                        }
                    }
                    _ => self.err(bi, "err of a non-union type".into()),
                }
            }
            Op::IsErr(x) => {
                let t = need_dest(self, "is_err");
                self.expect(bi, "is_err", &t, &Ty::Bool);
                if !matches!(self.ty(*x), Ty::Union(..)) {
                    self.err(bi, "is_err of a non-union".into());
                }
            }
            Op::OkValue(x) => {
                let t = need_dest(self, "ok_value");
                match self.ty(*x) {
                    Ty::Union(ok, _) => self.expect(bi, "ok_value", &t, &ok),
                    _ => self.err(bi, "ok_value of a non-union".into()),
                }
            }
            Op::ErrValue(x) => {
                let t = need_dest(self, "err_value");
                match self.ty(*x) {
                    Ty::Union(_, sets) => {
                        let want = crate::lower::err_ty(&sets);
                        self.expect(bi, "err_value", &t, &want)
                    }
                    _ => self.err(bi, "err_value of a non-union".into()),
                }
            }
            Op::Upcast(_) => {
                need_dest(self, "upcast");
            }
            Op::Spawn(..)
            | Op::SelfRef
            | Op::GrainRef(..)
            | Op::StartChild { .. }
            | Op::Child(..) => {
                need_dest(self, "actor operation");
            }
            Op::Ask {
                def,
                variant,
                fields,
                ..
            } => {
                let t = need_dest(self, "ask");
                if !matches!(t, Ty::Union(..)) {
                    self.err(bi, "ask must yield a `T ! AskError`".into());
                }
                let want: Vec<Ty> = self
                    .variant_fields(*def, *variant)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| !matches!(t, Ty::Reply(_)))
                    .collect();
                self.expect_list(bi, "ask field", fields, &want);
            }
            Op::Send(..) | Op::Reply(..) | Op::Stop => {}
        }
    }

    fn is_sum(&self, t: &Ty) -> bool {
        match t {
            Ty::Def(d) => self
                .p
                .defs
                .get(d.0 as usize)
                .is_some_and(|x| matches!(x.kind, DefInfoKind::Enum { .. })),
            Ty::ErrSets(_) => true,
            _ => false,
        }
    }

    fn expect_list(&mut self, bi: usize, what: &str, xs: &[ValueId], want: &[Ty]) {
        if xs.len() != want.len() {
            self.err(
                bi,
                format!("{what}: {} values for {} slots", xs.len(), want.len()),
            );
            return;
        }
        for (x, w) in xs.iter().zip(want) {
            let t = self.ty(*x);
            self.expect(bi, what, &t, w);
        }
    }

    fn check_binary(&mut self, bi: usize, op: BinOp, a: ValueId, b: ValueId, dest: Option<&Ty>) {
        let (at, bt) = (self.ty(a), self.ty(b));
        let Some(t) = dest.cloned() else {
            self.err(bi, "binary operation needs a result".into());
            return;
        };
        match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                let want = match (&at, &bt) {
                    (x, y) if x == y && matches!(x, Ty::Int(_) | Ty::F64) => Some(x.clone()),
                    (Ty::Duration, Ty::Duration) if matches!(op, BinOp::Add | BinOp::Sub) => {
                        Some(Ty::Duration)
                    }
                    (Ty::Instant, Ty::Duration) if matches!(op, BinOp::Add | BinOp::Sub) => {
                        Some(Ty::Instant)
                    }
                    (Ty::Instant, Ty::Instant) if op == BinOp::Sub => Some(Ty::Duration),
                    _ => None,
                };
                match want {
                    Some(w) => self.expect(bi, "arithmetic result", &t, &w),
                    None => {
                        let msg = format!(
                            "arithmetic {op:?} on `{}` and `{}`",
                            self.show(&at),
                            self.show(&bt)
                        );
                        self.err(bi, msg);
                    }
                }
            }
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                self.expect(bi, "comparison operand", &bt, &at);
                self.expect(bi, "comparison result", &t, &Ty::Bool);
            }
            BinOp::Concat => {
                self.expect(bi, "concat operand", &bt, &at);
                if !matches!(at, Ty::Str | Ty::List(_)) {
                    self.err(bi, "concat of non-string, non-list".into());
                }
                self.expect(bi, "concat result", &t, &at);
            }
        }
    }

    pub(super) fn check_term(&mut self, bi: usize, t: &Term) {
        match t {
            Term::Branch { cond, .. } => {
                let ct = self.ty(*cond);
                self.expect(bi, "branch condition", &ct, &Ty::Bool);
            }
            Term::Switch { value, .. } => {
                if !matches!(self.ty(*value), Ty::Int(_)) {
                    self.err(bi, "switch on a non-integer".into());
                }
            }
            Term::Return(v) => {
                let ret = self.f.ret.clone();
                match v {
                    None if ret == Ty::Void => {}
                    None => self.err(bi, "return without a value".into()),
                    Some(x) => {
                        let xt = self.ty(*x);
                        self.expect(bi, "return", &xt, &ret);
                    }
                }
            }
            Term::Jump(_) | Term::Crash { .. } | Term::Unreachable => {}
        }
    }
}
