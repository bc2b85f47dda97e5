//! A compact S-expression rendering of the AST, without spans, for tests and snapshots.
//!
//! `dump(&module)` writes one item per line, e.g. `(func f ((n i64)) -> i64 (block (return n)))`.

use std::fmt::Write;

use crate::ast::*;
use crate::dump_expr::{args, block, expr, pattern, ty};

/// Renders a module, one item per line.
pub fn dump(m: &Module) -> String {
    let mut out = String::new();
    for item in &m.items {
        item_(&mut out, item);
        out.push('\n');
    }
    out
}

/// Renders one expression.
pub fn dump_expr(e: &Expr) -> String {
    let mut out = String::new();
    expr(&mut out, e);
    out
}

/// Renders one pattern.
pub fn dump_pattern(p: &Pattern) -> String {
    let mut out = String::new();
    pattern(&mut out, p);
    out
}

/// Renders one type.
pub fn dump_type(t: &TypeExpr) -> String {
    let mut out = String::new();
    ty(&mut out, t);
    out
}

pub(crate) fn path(o: &mut String, p: &[Ident]) {
    let names: Vec<&str> = p.iter().map(|i| i.name.as_str()).collect();
    o.push_str(&names.join("."));
}

pub(crate) fn list<T>(o: &mut String, xs: &[T], f: impl Fn(&mut String, &T)) {
    o.push('(');
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            o.push(' ');
        }
        f(o, x);
    }
    o.push(')');
}

fn attrs(o: &mut String, a: &[Attribute]) {
    for at in a {
        o.push_str("(@");
        path(o, &at.path);
        if let Some(args_) = &at.args {
            o.push(' ');
            args(o, args_);
        }
        o.push_str(") ");
    }
}

fn caps(o: &mut String, c: &[Ident]) {
    if !c.is_empty() {
        o.push_str(" with ");
        path(o, c);
    }
}

fn item_(o: &mut String, item: &Item) {
    attrs(o, &item.attrs);
    match &item.kind {
        ItemKind::Import(i) => {
            o.push_str("(import ");
            path(o, &i.path);
            if let Some(a) = &i.alias {
                let _ = write!(o, " as {}", a.name);
            }
            if !i.names.is_empty() {
                o.push_str(" {");
                path(o, &i.names);
                o.push('}');
            }
            o.push(')');
        }
        ItemKind::Func(f) => func(o, f),
        ItemKind::Struct(s) => {
            let _ = write!(o, "(struct {} ", s.name.name);
            fields(o, &s.fields);
            o.push(')');
        }
        ItemKind::Enum(e) => {
            let kw = match e.kind {
                EnumKind::Enum => "enum",
                EnumKind::Error => "error",
                EnumKind::Message => "message",
            };
            let _ = write!(o, "({kw} {}", e.name.name);
            for v in &e.variants {
                let _ = write!(o, " {}", v.name.name);
                if let Some(f) = &v.fields {
                    fields(o, f);
                }
            }
            o.push(')');
        }
        ItemKind::TypeAlias(t) => {
            let _ = write!(o, "(type {} ", t.name.name);
            ty(o, &t.ty);
            o.push(')');
        }
        ItemKind::Const(c) => {
            let _ = write!(o, "(const {} ", c.name.name);
            ty(o, &c.ty);
            o.push(' ');
            expr(o, &c.value);
            o.push(')');
        }
        ItemKind::Actor(a) => {
            let kw = match a.kind {
                ActorKind::Actor => "actor",
                ActorKind::Grain => "grain",
                ActorKind::Behavior => "behavior",
            };
            let _ = write!(o, "({kw} {}", a.name.name);
            if let Some(p) = &a.params {
                o.push(' ');
                params(o, p);
            }
            if let Some(t) = &a.implements {
                o.push_str(" implements ");
                ty(o, t);
            }
            if !a.does.is_empty() {
                o.push_str(" does ");
                list(o, &a.does, ty);
            }
            caps(o, &a.caps);
            for m in &a.members {
                o.push(' ');
                member(o, m);
            }
            o.push(')');
        }
        ItemKind::Supervisor(s) => {
            let _ = write!(o, "(supervisor {}", s.name.name);
            if let Some(p) = &s.params {
                o.push(' ');
                params(o, p);
            }
            for st in &s.settings {
                o.push(' ');
                match &st.kind {
                    SettingKind::Strategy(i) => {
                        let _ = write!(o, "(strategy {})", i.name);
                    }
                    SettingKind::Intensity { count, window } => {
                        o.push_str("(intensity ");
                        expr(o, count);
                        o.push(' ');
                        expr(o, window);
                        o.push(')');
                    }
                    SettingKind::Backoff(e) => {
                        o.push_str("(backoff ");
                        expr(o, e);
                        o.push(')');
                    }
                }
            }
            if let Some(n) = &s.on_node {
                o.push_str(" (on-node ");
                expr(o, n);
                o.push(')');
            }
            for c in &s.children {
                let _ = write!(o, " (child {} ", c.name.name);
                expr(o, &c.target);
                if let Some(a) = &c.args {
                    o.push(' ');
                    args(o, a);
                }
                if let Some(r) = &c.restart {
                    let _ = write!(o, " restart {}", r.name);
                }
                o.push(')');
            }
            o.push(')');
        }
        ItemKind::Capability(c) => {
            let _ = write!(o, "(capability {})", c.name);
        }
        ItemKind::Test(t) => {
            let _ = write!(o, "(test {:?}", t.name);
            caps(o, &t.caps);
            o.push(' ');
            block(o, &t.body);
            o.push(')');
        }
        ItemKind::Error => o.push_str("(error)"),
    }
}

fn params(o: &mut String, p: &[Param]) {
    list(o, p, |o, p| {
        let _ = write!(o, "({} ", p.name.name);
        ty(o, &p.ty);
        o.push(')');
    });
}

fn fields(o: &mut String, f: &[FieldDecl]) {
    list(o, f, |o, f| {
        let _ = write!(o, "({} ", f.name.name);
        ty(o, &f.ty);
        o.push(')');
    });
}

fn func(o: &mut String, f: &FuncDecl) {
    let _ = write!(o, "(func {} ", f.name.name);
    params(o, &f.params);
    if let Some(r) = &f.ret {
        o.push_str(" -> ");
        ty(o, r);
    }
    caps(o, &f.caps);
    if let Some(b) = &f.body {
        o.push(' ');
        block(o, b);
    }
    o.push(')');
}

fn member(o: &mut String, m: &Member) {
    match m {
        Member::Field(f) => {
            attrs(o, &f.attrs);
            let _ = write!(
                o,
                "({} {}",
                if f.mutable { "var" } else { "let" },
                f.name.name
            );
            if let Some(t) = &f.ty {
                o.push_str(": ");
                ty(o, t);
            }
            o.push(' ');
            expr(o, &f.init);
            o.push(')');
        }
        Member::Func(f) => func(o, f),
        Member::Hook(h) => {
            let k = match h.kind {
                HookKind::Start => "start",
                HookKind::Stop => "stop",
                HookKind::Activate => "activate",
                HookKind::Deactivate => "deactivate",
            };
            let _ = write!(o, "(on {k} ");
            block(o, &h.body);
            o.push(')');
        }
        Member::Receive(r) => {
            o.push_str("(receive");
            for a in &r.arms {
                o.push_str(" (| ");
                pattern(o, &a.pattern);
                if let Some(g) = &a.guard {
                    o.push_str(" when ");
                    expr(o, g);
                }
                o.push_str(" => ");
                arm_body(o, &a.body);
                o.push(')');
            }
            if let Some(a) = &r.after {
                o.push_str(" (after ");
                expr(o, &a.duration);
                o.push_str(" => ");
                arm_body(o, &a.body);
                o.push(')');
            }
            o.push(')');
        }
        Member::Error(_) => o.push_str("(error)"),
    }
}

pub(crate) fn arm_body(o: &mut String, b: &ArmBody) {
    match b {
        ArmBody::Expr(e) => expr(o, e),
        ArmBody::Assign(a) => assign(o, a),
    }
}

pub(crate) fn assign(o: &mut String, a: &Assign) {
    match a.op {
        Some(op) => {
            let _ = write!(o, "({}= ", op.symbol());
        }
        None => o.push_str("(= "),
    }
    expr(o, &a.target);
    o.push(' ');
    expr(o, &a.value);
    o.push(')');
}
