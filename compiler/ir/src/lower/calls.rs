//! Calls: user functions (arguments by position, then by name, converted to the parameter
//! types), the built-in functions of §3 (`panic` and `assert` become crash terminators), and
//! methods of built-in types (one [`Op::Builtin`] each; methods that change their receiver
//! take it as a place).

use janus_sema::info::DefInfoKind;
use janus_sema::types::DefId;
use janus_sema::{NameRef, Ty};
use janus_syntax::ast::{Arg, Expr, ExprKind};

use super::Fx;
use crate::ir::*;

impl Fx<'_, '_> {
    pub fn call(&mut self, e: &Expr, callee: &Expr, args: &[Arg]) -> Option<ValueId> {
        if let Some(&d) = self.cx.checked.types.calls.get(&e.span) {
            return self.user_call(e, d, args);
        }
        match &callee.kind {
            ExprKind::Name(id) => self.builtin_fn(e, &id.name, args),
            ExprKind::Field { base, name } => {
                let type_member = matches!(&base.kind, ExprKind::Name(b)
                    if matches!(b.name.as_str(), "Map" | "HashMap" | "Set"))
                    && !matches!(
                        self.cx.checked.types.names.get(&base.span),
                        Some(NameRef::Local(_))
                    );
                if type_member && name.name == "new" {
                    let ty = self.ty_of(e);
                    let op = if matches!(ty, Ty::Set(_)) {
                        "set.new"
                    } else {
                        "map.new"
                    };
                    return Some(self.emit(Op::Builtin(op, Vec::new()), ty));
                }
                self.method_call(e, base, &name.name, args)
            }
            _ => {
                self.error(callee.span, "cannot lower a call of this expression");
                None
            }
        }
    }

    /// A call of declaration `d`: a function or constant-free helper.
    fn user_call(&mut self, e: &Expr, d: DefId, args: &[Arg]) -> Option<ValueId> {
        let (params, ret) = match self.cx.info(d).map(|i| i.kind.clone()) {
            Some(DefInfoKind::Func { params, ret, .. }) => (params, ret),
            Some(DefInfoKind::Actor {
                kind: janus_syntax::ast::ActorKind::Grain,
                params,
                ..
            }) => {
                // `Account(key)`: a reference by identity.
                let vals = self.ordered_args(e, &params, args)?;
                let ty = self.ty_of(e);
                return Some(self.emit(Op::GrainRef(d, vals), ty));
            }
            _ => {
                self.error(e.span, "supervisors are not lowered to the IR yet");
                return None;
            }
        };
        let Some(&fid) = self.cx.funcs.get(&d) else {
            self.error(e.span, "helpers of behaviors are not lowered to the IR yet");
            return None;
        };
        let vals = self.ordered_args(e, &params, args)?;
        if ret == Ty::Void {
            self.emit_void(Op::Call(fid, vals));
            None
        } else {
            Some(self.emit(Op::Call(fid, vals), ret))
        }
    }

    /// Arguments in parameter order (positional first, then named ones in any order),
    /// converted to the parameter types.
    pub fn ordered_args(
        &mut self,
        e: &Expr,
        params: &[janus_sema::info::Field],
        args: &[Arg],
    ) -> Option<Vec<ValueId>> {
        let mut slots: Vec<Option<&Expr>> = vec![None; params.len()];
        let mut pos = 0;
        for a in args {
            let idx = match &a.name {
                Some(n) => params.iter().position(|p| p.name == n.name),
                None => {
                    pos += 1;
                    Some(pos - 1)
                }
            };
            match idx.and_then(|i| slots.get_mut(i)) {
                Some(slot) => *slot = Some(&a.value),
                None => {
                    self.error(a.span, "argument without a parameter");
                    return None;
                }
            }
        }
        let mut vals = Vec::new();
        for (slot, p) in slots.into_iter().zip(params) {
            let Some(x) = slot else {
                self.error(e.span, format!("missing argument `{}`", p.name));
                return None;
            };
            vals.push(self.expr_to(x, &p.ty)?);
        }
        Some(vals)
    }

    fn builtin_fn(&mut self, e: &Expr, name: &str, args: &[Arg]) -> Option<ValueId> {
        let span = e.span;
        match name {
            "print" | "println" | "eprintln" => {
                let v = match args.first() {
                    Some(a) => self.value(&a.value)?,
                    None => self.const_str(""),
                };
                let op: &'static str = match name {
                    "print" => "print",
                    "println" => "println",
                    _ => "eprintln",
                };
                self.emit_void(Op::Builtin(op, vec![Operand::Value(v)]));
                None
            }
            "panic" => {
                let msg = match args.first() {
                    Some(a) => Some(self.value(&a.value)?),
                    None => None,
                };
                self.terminate(Term::Crash {
                    kind: CrashKind::Panic,
                    value: msg,
                    span,
                });
                None
            }
            "assert" => {
                let c = self.value(&args.first()?.value)?;
                let (ok, bad) = (self.new_block(), self.new_block());
                self.terminate(Term::Branch {
                    cond: c,
                    then: ok,
                    else_: bad,
                });
                self.switch_to(bad);
                let msg = match args.get(1) {
                    Some(a) => self.value(&a.value),
                    None => None,
                };
                self.terminate(Term::Crash {
                    kind: CrashKind::Assert,
                    value: msg,
                    span,
                });
                self.switch_to(ok);
                None
            }
            "sleep" => {
                let d = self.value(&args.first()?.value)?;
                self.emit_void(Op::Builtin("sleep", vec![Operand::Value(d)]));
                None
            }
            "now" | "node" | "args" | "random_int" | "parse_int" | "parse_float" | "min"
            | "max" => {
                let op: &'static str = match name {
                    "now" => "now",
                    "node" => "node",
                    "args" => "args",
                    "random_int" => "random_int",
                    "parse_int" => "parse_int",
                    "parse_float" => "parse_float",
                    "min" => "min",
                    _ => "max",
                };
                let ty = self.ty_of(e);
                let want = match (name, &ty) {
                    ("min" | "max", t) => Some(t.clone()),
                    ("random_int", _) => Some(Ty::i64()),
                    ("parse_int" | "parse_float", _) => Some(Ty::Str),
                    _ => None,
                };
                let mut vals = Vec::new();
                for a in args {
                    let v = match &want {
                        Some(t) => self.expr_to(&a.value, t)?,
                        None => self.value(&a.value)?,
                    };
                    vals.push(Operand::Value(v));
                }
                Some(self.emit(Op::Builtin(op, vals), ty))
            }
            "stop" => {
                self.emit_void(Op::Stop);
                None
            }
            _ => {
                self.error(span, format!("unknown function `{name}`"));
                None
            }
        }
    }

    /// `recv.name(args)` on a built-in type.
    fn method_call(&mut self, e: &Expr, base: &Expr, name: &str, args: &[Arg]) -> Option<ValueId> {
        let rty = self.ty_of(base);
        let ty = self.ty_of(e);
        if name == "to_string" {
            let r = self.value(base)?;
            return Some(self.emit(
                Op::Builtin("fmt.to_string", vec![Operand::Value(r)]),
                Ty::Str,
            ));
        }
        let prefix = match &rty {
            Ty::List(_) => "list",
            Ty::Map(..) => "map",
            Ty::Set(_) => "set",
            Ty::Str => "str",
            Ty::Bytes => "bytes",
            Ty::Int(_) | Ty::F64 => "num",
            Ty::ActorRef(_) | Ty::GrainRef(_) | Ty::Reply(_) => {
                return self.message_call(e, base, name, args);
            }
            _ => {
                self.error(e.span, "this method is not lowered to the IR yet");
                return None;
            }
        };
        let method = if prefix == "map" && name == "insert" {
            "set"
        } else {
            name
        };
        let full = format!("{prefix}.{method}");
        let Some((op, arity, mutates)) = crate::builtins::lookup(&full) else {
            self.error(e.span, format!("unknown built-in method `{full}`"));
            return None;
        };
        let mut ops = Vec::new();
        if mutates {
            ops.push(Operand::Place(self.receiver_place(base)?));
        } else {
            ops.push(Operand::Value(self.value(base)?));
        }
        let want = param_tys(&rty, method);
        for (i, a) in args.iter().enumerate() {
            let v = match want.get(i) {
                Some(t) => self.expr_to(&a.value, t)?,
                None => self.value(&a.value)?,
            };
            ops.push(Operand::Value(v));
        }
        if ops.len() != arity {
            self.error(e.span, format!("`{full}` takes {} arguments", arity - 1));
            return None;
        }
        if matches!(ty, Ty::Void) {
            self.emit_void(Op::Builtin(op, ops));
            None
        } else {
            Some(self.emit(Op::Builtin(op, ops), ty))
        }
    }
}

/// The parameter types of a built-in method whose arguments may need a conversion
/// (an element, key or value that is optional).
fn param_tys(recv: &Ty, method: &str) -> Vec<Ty> {
    let i64t = Ty::i64();
    match recv {
        Ty::List(t) => match method {
            "push" | "contains" => vec![(**t).clone()],
            "insert" => vec![i64t, (**t).clone()],
            "remove" => vec![i64t],
            "slice" => vec![i64t.clone(), i64t],
            _ => vec![],
        },
        Ty::Map(k, v) => match method {
            "get" | "remove" | "contains" => vec![(**k).clone()],
            "set" => vec![(**k).clone(), (**v).clone()],
            _ => vec![],
        },
        Ty::Set(t) => match method {
            "insert" | "remove" | "contains" => vec![(**t).clone()],
            _ => vec![],
        },
        _ => vec![],
    }
}
