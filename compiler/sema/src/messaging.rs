//! Talking to actors: `spawn` (E0608, E0614, E0804), `r.send(v)` (E0601), `r.ask(V, timeout:)`
//! (E0601, E0602) and `reply.send(v)` (E0610). Payloads are checked against the receiver's
//! protocol(s); bare variants resolve in the protocol first.

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::body::Body;
use crate::env::Lookup;
use crate::expr::tail_span as tail_span_of;
use crate::items::DefKind;
use crate::names::Static;
use crate::types::{DefId, Ty, assignable};

/// What a payload expression names, syntactically.
enum Payload<'a> {
    Variant(DefId, usize, Option<&'a [FieldInit]>),
    Other,
    Reported,
}

impl<'e, 'a> Body<'e, 'a> {
    fn proto_variant(&self, protos: &[DefId], name: &str) -> Option<(DefId, usize)> {
        protos
            .iter()
            .find_map(|p| self.find_variant(&Ty::Def(*p), name))
    }

    fn proto_names(&self, protos: &[DefId]) -> String {
        self.env.show_protocols(protos)
    }

    fn not_in_protocol(&self, protos: &[DefId], name: &str, span: Span) {
        let mut names: Vec<&str> = Vec::new();
        for p in protos {
            names.extend(
                self.env
                    .def(*p)
                    .variants()
                    .unwrap_or(&[])
                    .iter()
                    .map(|v| v.name),
            );
        }
        let mut d = Diagnostic::error(
            "E0601",
            format!(
                "`{name}` is not a message of `{}`",
                self.proto_names(protos)
            ),
        )
        .primary(span, "not in the receiver's protocol");
        // The name exists, in another type: say where, instead of guessing a near name.
        let elsewhere: Vec<String> = self
            .env
            .scopes
            .get(self.mi)
            .and_then(|s| s.variants.get(name))
            .map(|vs| {
                vs.iter()
                    .filter(|(d, _)| !protos.contains(d))
                    .map(|(d, _)| format!("`{}`", self.env.def(*d).name))
                    .collect()
            })
            .unwrap_or_default();
        if !elsewhere.is_empty() {
            d = d.note(format!(
                "`{name}` is a variant of {}; the receiver speaks `{}`",
                crate::matching::join_words(&elsewhere),
                self.proto_names(protos)
            ));
        } else if let Some(s) = crate::env::suggest(name, names.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        } else if !names.is_empty() {
            d = d.note(format!(
                "the protocol has {}",
                crate::matching::code_list(&names)
            ));
        }
        self.emit(d);
    }

    fn classify_payload(&mut self, v: &'a Expr, protos: &[DefId]) -> Payload<'a> {
        let (path, fields) = match &v.kind {
            ExprKind::StructLit { path, fields } => (&**path, Some(fields.as_slice())),
            _ => (v, None),
        };
        match &path.kind {
            ExprKind::DotName(id) => match self.proto_variant(protos, &id.name) {
                Some((d, vi)) => Payload::Variant(d, vi, fields),
                None => {
                    self.not_in_protocol(protos, &id.name, id.span);
                    Payload::Reported
                }
            },
            ExprKind::Name(id) => {
                if let Some((d, vi)) = self.proto_variant(protos, &id.name) {
                    return Payload::Variant(d, vi, fields);
                }
                if fields.is_none() && self.local(&id.name).is_some() {
                    return Payload::Other;
                }
                if fields.is_none()
                    && matches!(
                        self.env.lookup(self.mi, &id.name),
                        Lookup::Def(_) | Lookup::Poison
                    )
                {
                    return Payload::Other;
                }
                self.not_in_protocol(protos, &id.name, id.span);
                Payload::Reported
            }
            ExprKind::Field { name, .. } => match self.try_static(path) {
                Static::Variant(d, vi) => {
                    if protos.contains(&d) {
                        Payload::Variant(d, vi, fields)
                    } else {
                        self.emit(
                            Diagnostic::error(
                                "E0601",
                                format!(
                                    "`{}.{}` is not a message of `{}`",
                                    self.env.def(d).name,
                                    name.name,
                                    self.proto_names(protos)
                                ),
                            )
                            .primary(path.span, "not in the receiver's protocol"),
                        );
                        Payload::Reported
                    }
                }
                Static::Poison | Static::Reported => Payload::Reported,
                _ if fields.is_some() => Payload::Other,
                _ => Payload::Other,
            },
            _ => Payload::Other,
        }
    }

    /// A payload that is not a variant written out: any value of one of the protocols.
    fn other_payload(&mut self, v: &'a Expr, protos: &[DefId]) {
        let hint = (protos.len() == 1).then(|| Ty::Def(protos[0]));
        let t = self.expr(v, hint.as_ref());
        match &t {
            Ty::Error => {}
            Ty::Def(d) if protos.contains(d) => {}
            other => {
                self.emit(
                    Diagnostic::error(
                        "E0601",
                        format!(
                            "cannot send a value of type `{}` to a receiver of `{}`",
                            self.show(other),
                            self.proto_names(protos)
                        ),
                    )
                    .primary(v.span, "not in the receiver's protocol"),
                );
            }
        }
    }

    fn single_payload(
        &mut self,
        what: &str,
        args: &'a [Arg],
        span: Span,
        allow_timeout: bool,
    ) -> Option<&'a Expr> {
        let mut first = None;
        let mut count = 0;
        for a in args {
            match &a.name {
                Some(n) if allow_timeout && n.name == "timeout" => {
                    self.expect(&a.value, &Ty::Duration);
                }
                Some(n) => {
                    let help = if !allow_timeout {
                        "`send` takes one message".to_string()
                    } else if crate::env::suggest(&n.name, ["timeout"]).is_some() {
                        "did you mean `timeout`?".to_string()
                    } else {
                        "`ask` takes the request and an optional `timeout:`".to_string()
                    };
                    self.emit(
                        Diagnostic::error(
                            "E0318",
                            format!("`{what}` has no argument named `{}`", n.name),
                        )
                        .primary(n.span, "unknown argument name")
                        .help(help),
                    );
                    self.expr(&a.value, None);
                }
                None => {
                    count += 1;
                    if first.is_none() {
                        first = Some(&a.value);
                    } else {
                        self.expr(&a.value, None);
                    }
                }
            }
        }
        if count != 1 {
            self.arg_count(what, "1", count, span);
        }
        first
    }

    pub fn send_call(&mut self, protos: &[DefId], args: &'a [Arg], span: Span) -> Ty {
        let Some(v) = self.single_payload("send", args, span, false) else {
            return Ty::Void;
        };
        match self.classify_payload(v, protos) {
            Payload::Variant(d, vi, fields) => {
                self.env.record_variant(v.span, d, vi);
                let ty = match fields {
                    Some(fs) => {
                        if let Some(t) = self.variant_lit_target(d, vi) {
                            self.lit_fields(&t, fs, None, v.span);
                        }
                        Ty::Def(d)
                    }
                    None => self.variant_value(d, vi, v.span),
                };
                self.env.record(v.span, &ty);
            }
            Payload::Other => self.other_payload(v, protos),
            Payload::Reported => {
                if let ExprKind::StructLit { fields, .. } = &v.kind {
                    for f in fields {
                        if let Some(x) = &f.value {
                            self.expr(x, None);
                        }
                    }
                }
            }
        }
        Ty::Void
    }

    fn variant_lit_target(&self, d: DefId, vi: usize) -> Option<crate::literal::LitTarget<'e, 'a>> {
        let def = self.env.def(d);
        let v = def.variants()?.get(vi)?;
        Some(crate::literal::LitTarget {
            shown: v.name.to_string(),
            fields: v.field_list(),
            variant: Some((d, vi)),
            ty: Ty::Def(d),
        })
    }

    pub fn ask_call(&mut self, protos: &[DefId], args: &'a [Arg], span: Span) -> Ty {
        let Some(v) = self.single_payload("ask", args, span, true) else {
            return Ty::Error;
        };
        let (d, vi, fields) = match self.classify_payload(v, protos) {
            Payload::Variant(d, vi, f) => {
                self.env.record_variant(v.span, d, vi);
                (d, vi, f)
            }
            Payload::Reported => return Ty::Error,
            Payload::Other => {
                let t = self.expr(v, None);
                if !t.has_error() {
                    self.emit(
                        Diagnostic::error("E0602", "`ask` needs a request variant written out")
                            .primary(v.span, "not a request variant")
                            .help("write the variant without its reply field, e.g. `r.ask(Get)` or `r.ask(Add { amount: 1 })`"),
                    );
                }
                return Ty::Error;
            }
        };
        let Some(target) = self.variant_lit_target(d, vi) else {
            return Ty::Error;
        };
        let replies: Vec<(&'a str, Ty)> = target
            .fields
            .iter()
            .filter_map(|f| match &f.ty {
                Ty::Reply(t) => Some((f.name, (**t).clone())),
                _ => None,
            })
            .collect();
        let vname = target.shown.clone();
        // A field whose type failed to resolve may be the reply: stay quiet.
        if replies.len() != 1 && target.fields.iter().any(|f| f.ty.has_error()) {
            if let Some(fs) = fields {
                self.lenient += 1;
                self.lit_fields(&target, fs, None, v.span);
                self.lenient -= 1;
            }
            return Ty::Error;
        }
        if replies.len() != 1 {
            let msg = if replies.is_empty() {
                format!("`{vname}` has no `Reply` field, so it cannot be asked")
            } else {
                format!(
                    "`{vname}` has {} `Reply` fields; `ask` needs exactly one",
                    replies.len()
                )
            };
            let mut d = Diagnostic::error("E0602", msg).primary(v.span, "not a request");
            d = if replies.is_empty() {
                d.help("use `send` for messages without a reply, or add a field `reply: Reply[T]`")
            } else {
                d.help("`ask` fills in exactly one `Reply` field: keep one, or use `send` and fill them yourself")
            };
            self.emit(d);
            if let Some(fs) = fields {
                self.lit_fields(&target, fs, None, v.span);
            }
            return Ty::Error;
        }
        let (reply_name, reply_ty) = replies[0].clone();
        match fields {
            Some(fs) => {
                if let Some(f) = fs.iter().find(|f| f.name.name == reply_name) {
                    self.emit(
                        Diagnostic::error(
                            "E0602",
                            format!("leave the reply field `{reply_name}` out: `ask` fills it in"),
                        )
                        .primary(f.span, "reply field given")
                        .help(format!("remove `{reply_name}` from the literal")),
                    );
                }
                let rest: Vec<&FieldInit> =
                    fs.iter().filter(|f| f.name.name != reply_name).collect();
                let _ = rest;
                self.lit_fields(&target, fs, Some(reply_name), v.span);
            }
            None => {
                let missing: Vec<&str> = target
                    .fields
                    .iter()
                    .map(|f| f.name)
                    .filter(|n| *n != reply_name)
                    .collect();
                if !missing.is_empty() {
                    let list: Vec<String> = missing.iter().map(|m| format!("{m}: ...")).collect();
                    self.emit(
                        Diagnostic::error(
                            "E0303",
                            format!("`{vname}` needs its fields besides the reply"),
                        )
                        .primary(v.span, "missing fields")
                        .help(format!("write `{vname} {{ {} }}`", list.join(", "))),
                    );
                }
            }
        }
        self.env.record(v.span, &Ty::Def(d));
        Ty::Union(Box::new(reply_ty), vec![self.env.ask_error])
    }

    pub fn reply_send(&mut self, t: &Ty, args: &'a [Arg], span: Span) -> Ty {
        let Some(v) = self.single_payload("send", args, span, false) else {
            return Ty::Void;
        };
        let found = self.expr(v, Some(t));
        if !assignable(&found, t) && !found.has_error() && !t.has_error() {
            self.emit(
                Diagnostic::error(
                    "E0610",
                    format!(
                        "mismatched reply: this reply expects `{}`, found `{}`",
                        self.show(t),
                        self.show(&found)
                    ),
                )
                .primary(v.span, format!("expected `{}`", self.show(t))),
            );
        }
        Ty::Void
    }

    pub fn spawn(&mut self, e: &'a Expr, target: &'a Expr, on: Option<&'a Expr>) -> Ty {
        let (callee, args): (&'a Expr, &'a [Arg]) = match &target.kind {
            ExprKind::Call { callee, args } => (callee, args),
            _ => (target, &[]),
        };
        let resolved = match &callee.kind {
            ExprKind::Name(id) if self.local(&id.name).is_none() => {
                match self.env.lookup(self.mi, &id.name) {
                    Lookup::Def(d) => Some(d),
                    Lookup::Poison => None,
                    Lookup::NotFound => {
                        self.unknown_name(&id.name, id.span, crate::suggest::Want::Spawnable);
                        None
                    }
                }
            }
            ExprKind::Field { .. } => match self.try_static(callee) {
                Static::Def(d) => Some(d),
                Static::Poison | Static::Reported => None,
                _ => {
                    self.spawn_non_actor(callee.span, None, None);
                    None
                }
            },
            _ => {
                self.expr(callee, None);
                self.spawn_non_actor(callee.span, None, None);
                None
            }
        };
        if let Some(n) = on {
            if !matches!(n.kind, ExprKind::Str(_)) {
                let t = self.expr(n, Some(&Ty::NodeId));
                if matches!(t, Ty::Str) {
                    // Only a literal node name can be checked against the manifest.
                    self.emit(
                        Diagnostic::error(
                            "E0301",
                            "mismatched types: expected `NodeId`, found `String`",
                        )
                        .primary(tail_span_of(n), "expected `NodeId`")
                        .help("`on` takes a `NodeId` (e.g. from `node()`) or a string literal naming a node: `on \"n1\"`"),
                    );
                } else {
                    self.coerce(&t, &Ty::NodeId, tail_span_of(n));
                }
            } else {
                self.env.record(n.span, &Ty::NodeId);
            }
        }
        let Some(d) = resolved else {
            self.loose_args(args);
            return Ty::Error;
        };
        let def = self.env.def(d);
        let name = def.name;
        let result = match &def.kind {
            DefKind::Actor(a) if a.decl.kind == ActorKind::Actor => {
                let protos = a.protocols.clone();
                let broken = a.broken;
                self.call_args(name, &a.params, args, e.span, "E0614");
                if broken {
                    Ty::Error
                } else {
                    Ty::ActorRef(protos)
                }
            }
            DefKind::Actor(a) if a.decl.kind == ActorKind::Grain => {
                self.emit(
                    Diagnostic::error(
                        "E0804",
                        format!("`{name}` is a grain; grains are not spawned"),
                    )
                    .primary(callee.span, "grain spawned")
                    .help(format!(
                        "a grain exists by its identity: `{name}(key)` gives its reference"
                    )),
                );
                self.loose_args(args);
                return Ty::Error;
            }
            DefKind::Supervisor(s) => {
                self.call_args(name, &s.params, args, e.span, "E0614");
                Ty::Supervisor(d)
            }
            _ => {
                let what = format!("`{name}`: it is {}", def.a_kind());
                let help = matches!(def.kind, DefKind::Func(_))
                    .then(|| format!("a function runs when it is called: `{name}(...)`"));
                self.spawn_non_actor(callee.span, Some(&what), help);
                self.loose_args(args);
                return Ty::Error;
            }
        };
        self.env.spawns.borrow_mut().push((d, on));
        self.env.record_call(e.span, d);
        result
    }

    /// E0608; `what` names the target and says what it is ("`work`: it is a function").
    fn spawn_non_actor(&self, span: Span, what: Option<&str>, help: Option<String>) {
        let msg = match what {
            Some(w) => format!("cannot spawn {w}, not an actor or supervisor"),
            None => "`spawn` needs an actor or supervisor".to_string(),
        };
        self.emit(
            Diagnostic::error("E0608", msg)
                .primary(span, "cannot be spawned")
                .help(help.unwrap_or_else(|| {
                    "`spawn` starts an actor or supervisor: `spawn Name(args)`".to_string()
                })),
        );
    }
}
