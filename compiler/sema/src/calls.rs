//! Calls: user functions and actor helpers (arguments by position and name, E0302, E0318),
//! grain references `Account(key)`, built-ins, `Map.new()`/`Set.new()`, methods, and the
//! bookkeeping for capability checks (who calls whom).

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::Body;
use crate::env::{CapViolation, Lookup};
use crate::items::{DefKind, FieldTy};
use crate::names::Static;
use crate::types::{DefId, Ty};

impl<'e, 'a> Body<'e, 'a> {
    pub fn call(
        &mut self,
        e: &'a Expr,
        callee: &'a Expr,
        args: &'a [Arg],
        expected: Option<&Ty>,
    ) -> Ty {
        match &callee.kind {
            ExprKind::Name(id) => {
                if let Some(l) = self.local(&id.name) {
                    let t = l.ty.clone();
                    if !t.has_error() {
                        self.not_callable(
                            id.span,
                            format!(
                                "`{}` is a value of type `{}`, not a function",
                                id.name,
                                self.show(&t)
                            ),
                            None,
                        );
                    }
                    self.loose_args(args);
                    return Ty::Error;
                }
                let helper = self
                    .owner
                    .and_then(|o| self.env.def(o).actor())
                    .and_then(|a| a.helpers.get(id.name.as_str()).copied());
                if let Some(h) = helper {
                    return self.call_def(h, args, e.span, id.span);
                }
                match self.env.lookup(self.mi, &id.name) {
                    Lookup::Def(d) => self.call_def(d, args, e.span, id.span),
                    Lookup::Poison => {
                        self.loose_args(args);
                        Ty::Error
                    }
                    Lookup::NotFound => {
                        if let Some(t) = self.builtin_call(id, args, e.span, expected) {
                            return t;
                        }
                        let variant = expected
                            .and_then(|t| self.find_variant(t, &id.name))
                            .is_some()
                            || self
                                .env
                                .scopes
                                .get(self.mi)
                                .is_some_and(|s| s.variants.contains_key(id.name.as_str()));
                        if variant {
                            self.not_callable(
                                id.span,
                                format!("`{}` is a variant, not a function", id.name),
                                Some(format!(
                                    "build it with named fields: `{} {{ field: value }}`",
                                    id.name
                                )),
                            );
                        } else {
                            self.unknown_name(&id.name, id.span, crate::suggest::Want::Value);
                        }
                        self.loose_args(args);
                        Ty::Error
                    }
                }
            }
            ExprKind::Field { base, name } => match self.try_static(callee) {
                Static::Def(d) => self.call_def(d, args, e.span, name.span),
                Static::Variant(..) => {
                    self.not_callable(
                        callee.span,
                        format!("`{}` is a variant, not a function", name.name),
                        Some(format!(
                            "build it with named fields: `{} {{ field: value }}`",
                            name.name
                        )),
                    );
                    self.loose_args(args);
                    Ty::Error
                }
                Static::Poison | Static::Reported => {
                    self.loose_args(args);
                    Ty::Error
                }
                Static::TypeMember(ty, m) => self.type_member_call(ty, m, args, e.span, expected),
                Static::Value => {
                    let bt = self.expr(base, None);
                    self.method_call(base, &bt, name, args, e.span, expected)
                }
            },
            _ => {
                let t = self.expr(callee, None);
                if !t.has_error() {
                    self.not_callable(
                        callee.span,
                        format!("a value of type `{}` cannot be called", self.show(&t)),
                        None,
                    );
                }
                self.loose_args(args);
                Ty::Error
            }
        }
    }

    /// Checks arguments whose parameters are unknown (after an error), without expectations.
    pub fn loose_args(&mut self, args: &'a [Arg]) {
        self.lenient += 1;
        for a in args {
            self.expr(&a.value, None);
        }
        self.lenient -= 1;
    }

    fn type_member_call(
        &mut self,
        ty: &str,
        m: &Ident,
        args: &'a [Arg],
        span: Span,
        expected: Option<&Ty>,
    ) -> Ty {
        if m.name != "new" {
            self.emit(
                Diagnostic::error("E0210", format!("`{ty}` has no function `{}`", m.name))
                    .primary(m.span, "unknown function")
                    .help(format!("create one with `{ty}.new()`")),
            );
            self.loose_args(args);
            return Ty::Error;
        }
        if !args.is_empty() {
            self.arg_count(&format!("{ty}.new"), "0", args.len(), span);
            self.loose_args(args);
        }
        let want_map = ty != "Set";
        let found = match expected {
            Some(t @ Ty::Map(..)) if want_map => Some(t.clone()),
            Some(t @ Ty::Set(_)) if !want_map => Some(t.clone()),
            Some(Ty::Optional(inner)) => match &**inner {
                t @ Ty::Map(..) if want_map => Some(t.clone()),
                t @ Ty::Set(_) if !want_map => Some(t.clone()),
                _ => None,
            },
            Some(Ty::Error) => Some(Ty::Error),
            _ => None,
        };
        match found {
            Some(t) => t,
            None => {
                let example = if want_map {
                    "let m: Map[String, i64] = Map.new()"
                } else {
                    "let s: Set[String] = Set.new()"
                };
                let what = if want_map {
                    "key and value types"
                } else {
                    "element type"
                };
                self.emit(
                    Diagnostic::error("E0306", format!("cannot infer the {what} of `{ty}.new()`"))
                        .primary(span, "type needed here")
                        .help(format!("annotate the binding, e.g. `{example}`")),
                );
                Ty::Error
            }
        }
    }

    /// Calls declaration `d`: a function, a grain reference, or a misuse.
    pub fn call_def(&mut self, d: DefId, args: &'a [Arg], span: Span, name_span: Span) -> Ty {
        self.env.record_call(span, d);
        let def = self.env.def(d);
        let name = def.name;
        match &def.kind {
            DefKind::Func(f) => {
                let params = &f.params;
                let ret = f.ret.clone();
                self.call_args(name, params, args, span, "E0302");
                self.note_call(d, span);
                ret
            }
            DefKind::Actor(a) if a.decl.kind == ActorKind::Grain => {
                let protocols = a.protocols.clone();
                let broken = a.broken;
                self.call_args(name, &a.params, args, span, "E0302");
                if broken {
                    Ty::Error
                } else {
                    Ty::GrainRef(protocols)
                }
            }
            DefKind::Actor(a) if a.decl.kind == ActorKind::Actor => {
                self.emit(
                    Diagnostic::error(
                        "E0609",
                        format!("`{name}` is an actor; it must be started with `spawn`"),
                    )
                    .primary(span, "actor used without `spawn`")
                    .help(format!("write `spawn {name}(...)`")),
                );
                self.loose_args(args);
                Ty::Error
            }
            DefKind::Supervisor(_) => {
                self.emit(
                    Diagnostic::error(
                        "E0609",
                        format!("`{name}` is a supervisor; it must be started with `spawn`"),
                    )
                    .primary(span, "supervisor used without `spawn`")
                    .help(format!("write `spawn {name}(...)`")),
                );
                self.loose_args(args);
                Ty::Error
            }
            DefKind::Struct { .. } => {
                self.not_callable(
                    name_span,
                    format!("`{name}` is a struct, not a function"),
                    Some(format!("build it with `{name} {{ field: value }}`")),
                );
                self.loose_args(args);
                Ty::Error
            }
            _ => {
                self.not_callable(
                    name_span,
                    format!("`{name}` is {} and cannot be called", def.a_kind()),
                    None,
                );
                self.loose_args(args);
                Ty::Error
            }
        }
    }

    /// Matches arguments to parameters (positional, then named) and checks their types.
    pub fn call_args(
        &mut self,
        callee: &str,
        params: &[FieldTy<'a>],
        args: &'a [Arg],
        span: Span,
        count_code: &'static str,
    ) {
        let mut given: Vec<Option<&'a Arg>> = vec![None; params.len()];
        let mut extra: Vec<&'a Arg> = Vec::new();
        let mut seen_named = false;
        let mut named_errors = false;
        let mut pos = 0;
        for a in args {
            match &a.name {
                None => {
                    if seen_named {
                        named_errors = true;
                        self.emit(
                            Diagnostic::error("E0318", "positional argument after named arguments")
                                .primary(a.span, "move it before the named arguments"),
                        );
                        self.expr(&a.value, None);
                        continue;
                    }
                    if pos < params.len() {
                        given[pos] = Some(a);
                    } else {
                        extra.push(a);
                    }
                    pos += 1;
                }
                Some(n) => {
                    seen_named = true;
                    match params.iter().position(|p| p.name == n.name) {
                        Some(j) if given[j].is_some() => {
                            named_errors = true;
                            let first = given[j].map_or(a.span, |g| {
                                g.name.as_ref().map_or(g.value.span, |x| x.span)
                            });
                            self.emit(
                                Diagnostic::error(
                                    "E0318",
                                    format!("argument `{}` is given twice", n.name),
                                )
                                .primary(n.span, "given again here")
                                .secondary(first, "first given here"),
                            );
                            self.expr(&a.value, None);
                        }
                        Some(j) => given[j] = Some(a),
                        None => {
                            named_errors = true;
                            let mut d = Diagnostic::error(
                                "E0318",
                                format!("`{callee}` has no parameter named `{}`", n.name),
                            )
                            .primary(n.span, "unknown argument name");
                            if let Some(s) =
                                crate::env::suggest(&n.name, params.iter().map(|p| p.name))
                            {
                                d = d.help(format!("did you mean `{s}`?"));
                            } else if params.is_empty() {
                                d = d.note(format!("`{callee}` takes no arguments"));
                            } else {
                                let names: Vec<&str> = params.iter().map(|p| p.name).collect();
                                d = d.note(crate::matching::its("parameter", "parameters", &names));
                            }
                            self.emit(d);
                            self.expr(&a.value, None);
                        }
                    }
                }
            }
        }
        let missing: Vec<&str> = params
            .iter()
            .zip(&given)
            .filter(|(_, g)| g.is_none())
            .map(|(p, _)| p.name)
            .collect();
        if (!extra.is_empty() || !missing.is_empty()) && !named_errors {
            let n = params.len();
            let mut d = Diagnostic::error(
                count_code,
                format!(
                    "`{callee}` takes {n} argument{}, but {} {} given",
                    if n == 1 { "" } else { "s" },
                    args.len(),
                    if args.len() == 1 { "was" } else { "were" }
                ),
            )
            .primary(span, "wrong number of arguments");
            if !missing.is_empty() && extra.is_empty() {
                let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                d = d.note(format!("missing: {}", list.join(", ")));
            }
            self.emit(d);
        }
        for (p, g) in params.iter().zip(given) {
            if let Some(a) = g {
                if count_code == "E0302" {
                    self.expect(&a.value, &p.ty);
                    continue;
                }
                // Start arguments of actors and supervisors: mismatches are E0614.
                let t = self.expr(&a.value, Some(&p.ty));
                if !crate::types::assignable(&t, &p.ty) && !t.has_error() && !p.ty.has_error() {
                    self.emit(
                        Diagnostic::error(
                            "E0614",
                            format!(
                                "start argument `{}` of `{callee}` expects `{}`, found `{}`",
                                p.name,
                                self.show(&p.ty),
                                self.show(&t)
                            ),
                        )
                        .primary(a.value.span, format!("expected `{}`", self.show(&p.ty))),
                    );
                }
            }
        }
        for a in extra {
            self.expr(&a.value, None);
        }
    }

    /// Records a call for capability checking and call chains.
    pub fn note_call(&mut self, callee: DefId, span: Span) {
        if let Some(me) = self.fn_def {
            self.env
                .calls
                .borrow_mut()
                .entry(me)
                .or_default()
                .push((callee, span));
        }
        let Some(f) = self.env.def(callee).func() else {
            return;
        };
        for cap in &f.caps {
            if !self.caps.contains(cap) && self.env.cap_known(cap) {
                self.env.cap_violations.borrow_mut().push(CapViolation {
                    caller: self.name.clone(),
                    callee,
                    cap,
                    span,
                    caller_decl: self.cap_holder.clone(),
                });
            }
        }
    }

    /// `recv.name(args)`: references, replies and data methods.
    pub fn method_call(
        &mut self,
        base: &'a Expr,
        bt: &Ty,
        name: &'a Ident,
        args: &'a [Arg],
        span: Span,
        _expected: Option<&Ty>,
    ) -> Ty {
        match bt {
            Ty::Error => {
                self.loose_args(args);
                Ty::Error
            }
            Ty::ActorRef(protos) | Ty::GrainRef(protos)
                if name.name == "send" || name.name == "ask" =>
            {
                let protos = protos.clone();
                if name.name == "send" {
                    self.send_call(&protos, args, span)
                } else {
                    self.ask_call(&protos, args, span)
                }
            }
            Ty::Reply(t) if name.name == "send" => {
                let t = (**t).clone();
                self.reply_send(&t, args, span)
            }
            _ => self.data_method(base, bt, name, args, span),
        }
    }
}
