//! The closed list of built-in functions (§3) and methods of built-in types (§10 "Built-in
//! methods"), with their types. Unknown methods are E0210 with a did-you-mean.

use janus_syntax::Diagnostic;
use janus_syntax::ast::*;

use crate::body::Body;
use crate::types::{IntTy, Ty};

pub const BUILTIN_FUNCS: &[&str] = &[
    "print",
    "println",
    "eprintln",
    "panic",
    "assert",
    "now",
    "sleep",
    "node",
    "random_int",
    "parse_int",
    "parse_float",
    "args",
    "min",
    "max",
    "stop",
];

/// A built-in method: parameter types, result, and whether it changes its receiver.
pub struct MethodSig {
    pub params: Vec<Ty>,
    pub ret: Ty,
    pub mutates: bool,
}

fn sig(params: Vec<Ty>, ret: Ty, mutates: bool) -> Option<MethodSig> {
    Some(MethodSig {
        params,
        ret,
        mutates,
    })
}

const LIST_METHODS: &[&str] = &[
    "len",
    "push",
    "pop",
    "insert",
    "remove",
    "contains",
    "is_empty",
    "clear",
    "sort",
    "reverse",
    "slice",
    "to_string",
];
const MAP_METHODS: &[&str] = &[
    "len",
    "get",
    "set",
    "insert",
    "remove",
    "contains",
    "keys",
    "values",
    "is_empty",
    "clear",
    "to_string",
];
const SET_METHODS: &[&str] = &[
    "len",
    "insert",
    "remove",
    "contains",
    "to_list",
    "is_empty",
    "to_string",
];
const STR_METHODS: &[&str] = &[
    "len",
    "is_empty",
    "split",
    "contains",
    "starts_with",
    "ends_with",
    "trim",
    "to_upper",
    "to_lower",
    "chars",
    "to_bytes",
    "to_string",
];
const NUM_METHODS: &[&str] = &["to_string", "to_f64", "to_i64", "to_i32", "to_u64", "abs"];
const BYTES_METHODS: &[&str] = &["len", "is_empty", "to_string"];
const REF_METHODS: &[&str] = &["send", "ask", "to_string"];
const REPLY_METHODS: &[&str] = &["send"];

pub fn method_names(t: &Ty) -> &'static [&'static str] {
    match t {
        Ty::List(_) => LIST_METHODS,
        Ty::Map(..) => MAP_METHODS,
        Ty::Set(_) => SET_METHODS,
        Ty::Str => STR_METHODS,
        Ty::Int(_) | Ty::F64 => NUM_METHODS,
        Ty::Bytes => BYTES_METHODS,
        Ty::ActorRef(_) | Ty::GrainRef(_) => REF_METHODS,
        Ty::Reply(_) => REPLY_METHODS,
        _ => &["to_string"],
    }
}

pub fn has_method(t: &Ty, name: &str) -> bool {
    method_names(t).contains(&name)
}

/// The signature of `recv.name(...)` for the data types (refs and replies are handled apart).
pub fn method_sig(recv: &Ty, name: &str) -> Option<MethodSig> {
    let i64t = Ty::i64();
    if name == "to_string" && !matches!(recv, Ty::Void | Ty::Never | Ty::Reply(_)) {
        return sig(vec![], Ty::Str, false);
    }
    match recv {
        Ty::List(t) => {
            let t = (**t).clone();
            match name {
                "len" => sig(vec![], i64t, false),
                "push" => sig(vec![t], Ty::Void, true),
                "pop" => sig(vec![], Ty::opt(t), true),
                "insert" => sig(vec![i64t, t], Ty::Void, true),
                "remove" => sig(vec![i64t], t, true),
                "contains" => sig(vec![t], Ty::Bool, false),
                "is_empty" => sig(vec![], Ty::Bool, false),
                "clear" | "sort" | "reverse" => sig(vec![], Ty::Void, true),
                "slice" => sig(vec![i64t.clone(), i64t], Ty::list(t), false),
                _ => None,
            }
        }
        Ty::Map(k, v) => {
            let (k, v) = ((**k).clone(), (**v).clone());
            match name {
                "len" => sig(vec![], i64t, false),
                "get" => sig(vec![k], Ty::opt(v), false),
                "set" | "insert" => sig(vec![k, v.clone()], Ty::opt(v), true),
                "remove" => sig(vec![k], Ty::opt(v), true),
                "contains" => sig(vec![k], Ty::Bool, false),
                "keys" => sig(vec![], Ty::list(k), false),
                "values" => sig(vec![], Ty::list(v), false),
                "is_empty" => sig(vec![], Ty::Bool, false),
                "clear" => sig(vec![], Ty::Void, true),
                _ => None,
            }
        }
        Ty::Set(t) => {
            let t = (**t).clone();
            match name {
                "len" => sig(vec![], i64t, false),
                "insert" | "remove" => sig(vec![t], Ty::Bool, true),
                "contains" => sig(vec![t], Ty::Bool, false),
                "to_list" => sig(vec![], Ty::list(t), false),
                "is_empty" => sig(vec![], Ty::Bool, false),
                _ => None,
            }
        }
        Ty::Str => match name {
            "len" => sig(vec![], i64t, false),
            "is_empty" => sig(vec![], Ty::Bool, false),
            "split" => sig(vec![Ty::Str], Ty::list(Ty::Str), false),
            "contains" | "starts_with" | "ends_with" => sig(vec![Ty::Str], Ty::Bool, false),
            "trim" | "to_upper" | "to_lower" => sig(vec![], Ty::Str, false),
            "chars" => sig(vec![], Ty::list(Ty::Str), false),
            "to_bytes" => sig(vec![], Ty::Bytes, false),
            _ => None,
        },
        Ty::Int(_) | Ty::F64 => match name {
            "to_f64" => sig(vec![], Ty::F64, false),
            "to_i64" => sig(vec![], i64t, false),
            "to_i32" => sig(vec![], Ty::Int(IntTy::I32), false),
            "to_u64" => sig(vec![], Ty::Int(IntTy::U64), false),
            "abs" => sig(vec![], recv.clone(), false),
            _ => None,
        },
        Ty::Bytes => match name {
            "len" => sig(vec![], i64t, false),
            "is_empty" => sig(vec![], Ty::Bool, false),
            _ => None,
        },
        _ => None,
    }
}

impl<'e, 'a> Body<'e, 'a> {
    /// A call of a built-in function by name; `None` when `name` is not one.
    pub fn builtin_call(
        &mut self,
        name: &'a Ident,
        args: &'a [Arg],
        span: janus_syntax::Span,
        expected: Option<&Ty>,
    ) -> Option<Ty> {
        let n = name.name.as_str();
        if !BUILTIN_FUNCS.contains(&n) {
            return None;
        }
        for a in args {
            if let Some(an) = &a.name {
                self.emit(
                    Diagnostic::error("E0318", format!("`{n}` takes no named arguments"))
                        .primary(an.span, "named argument not expected"),
                );
            }
        }
        let i64t = Ty::i64();
        let (params, ret): (Vec<Ty>, Ty) = match n {
            "print" | "println" | "eprintln" => {
                let range_ok = args.len() == 1 || (n == "println" && args.is_empty());
                if !range_ok {
                    self.arg_count(
                        n,
                        if n == "println" { "0 or 1" } else { "1" },
                        args.len(),
                        span,
                    );
                }
                for a in args {
                    let t = self.expr(&a.value, None);
                    self.value_needed(&t, a.value.span);
                }
                return Some(Ty::Void);
            }
            "panic" => (vec![Ty::Str], Ty::Never),
            "assert" => {
                if args.len() == 2 {
                    (vec![Ty::Bool, Ty::Str], Ty::Void)
                } else {
                    (vec![Ty::Bool], Ty::Void)
                }
            }
            "now" => (vec![], Ty::Instant),
            "sleep" => (vec![Ty::Duration], Ty::Void),
            "node" => (vec![], Ty::NodeId),
            "random_int" => (vec![i64t.clone(), i64t.clone()], i64t),
            "parse_int" => (
                vec![Ty::Str],
                Ty::Union(Box::new(Ty::i64()), vec![self.env.parse_error]),
            ),
            "parse_float" => (
                vec![Ty::Str],
                Ty::Union(Box::new(Ty::F64), vec![self.env.parse_error]),
            ),
            "args" => (vec![], Ty::list(Ty::Str)),
            "stop" => {
                if !self.in_actor() {
                    self.emit(
                        Diagnostic::error(
                            "E0607",
                            "`stop()` is only available inside an actor or grain",
                        )
                        .primary(span, "not inside an actor or grain"),
                    );
                }
                (vec![], Ty::Void)
            }
            "min" | "max" => {
                if args.len() != 2 {
                    self.arg_count(n, "2", args.len(), span);
                    for a in args {
                        self.expr(&a.value, None);
                    }
                    return Some(Ty::Error);
                }
                let hint = expected.filter(|t| t.is_numeric() || matches!(t, Ty::Duration));
                let (lt, rt) = self.operands(&args[0].value, &args[1].value, hint);
                if lt.has_error() || rt.has_error() {
                    return Some(Ty::Error);
                }
                if lt != rt || !self.ordered(&lt) {
                    self.emit(
                        Diagnostic::error(
                            "E0301",
                            format!(
                                "`{n}` needs two values of one ordered type, found `{}` and `{}`",
                                self.show(&lt),
                                self.show(&rt)
                            ),
                        )
                        .primary(span, "mismatched arguments"),
                    );
                    return Some(Ty::Error);
                }
                return Some(lt);
            }
            _ => return None,
        };
        if args.len() != params.len() {
            self.arg_count(n, &params.len().to_string(), args.len(), span);
        }
        for (i, a) in args.iter().enumerate() {
            match params.get(i) {
                Some(p) => {
                    self.expect(&a.value, p);
                }
                None => {
                    self.expr(&a.value, None);
                }
            }
        }
        Some(ret)
    }

    pub fn arg_count(&self, what: &str, want: &str, got: usize, span: janus_syntax::Span) {
        let s = if want == "1" { "" } else { "s" };
        self.emit(
            Diagnostic::error(
                "E0302",
                format!(
                    "`{what}` takes {want} argument{s}, but {got} {} given",
                    if got == 1 { "was" } else { "were" }
                ),
            )
            .primary(span, "wrong number of arguments"),
        );
    }

    /// `recv.name(args)` on a data type.
    pub fn data_method(
        &mut self,
        base: &'a Expr,
        recv: &Ty,
        name: &'a Ident,
        args: &'a [Arg],
        span: janus_syntax::Span,
    ) -> Ty {
        let Some(sig) = method_sig(recv, &name.name) else {
            let names = method_names(recv);
            let mut d = Diagnostic::error(
                "E0210",
                format!("`{}` has no method `{}`", self.show(recv), name.name),
            )
            .primary(name.span, "unknown method");
            if let Some(s) = crate::env::suggest(&name.name, names.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            self.emit(d);
            for a in args {
                self.expr(&a.value, None);
            }
            return Ty::Error;
        };
        for a in args {
            if let Some(an) = &a.name {
                self.emit(
                    Diagnostic::error("E0318", format!("`{}` takes no named arguments", name.name))
                        .primary(an.span, "named argument not expected"),
                );
            }
        }
        if args.len() != sig.params.len() {
            self.arg_count(&name.name, &sig.params.len().to_string(), args.len(), span);
        }
        for (i, a) in args.iter().enumerate() {
            match sig.params.get(i) {
                Some(p) => {
                    self.expect(&a.value, p);
                }
                None => {
                    self.expr(&a.value, None);
                }
            }
        }
        if sig.mutates {
            self.check_place_root(base, base.span);
        }
        // `contains` compares with `==`, which no `Reply` has (sets and maps cannot hold one).
        if name.name == "contains"
            && let Ty::List(t) = recv
            && self.contains_reply(t, &mut Vec::new())
        {
            self.emit(
                Diagnostic::error(
                    "E0311",
                    format!(
                        "`contains` compares with `==`, which `{}` does not have",
                        self.show(t)
                    ),
                )
                .primary(span, "`Reply` has no equality")
                .note("a `Reply` is a one-shot channel, not data"),
            );
        }
        if name.name == "sort"
            && let Ty::List(t) = recv
            && !self.ordered(t)
        {
            self.emit(
                Diagnostic::error(
                    "E0311",
                    format!("cannot sort a list of `{}`: it has no order", self.show(t)),
                )
                .primary(span, "elements have no `<`"),
            );
        }
        sig.ret
    }
}
