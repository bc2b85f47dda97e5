//! The IR's text form, for tests and `--emit ir`: stable, one instruction per line.
//!
//! ```text
//! fn fib(%n: i64) -> i64 {
//! bb0:
//!     v0: i64 = load %n
//!     ...
//!     ret v3
//! }
//! ```

use std::fmt::Write;

use janus_sema::Ty;

use crate::ir::*;

/// The whole program as text.
pub fn display(p: &Program) -> String {
    let mut out = String::new();
    for (i, f) in p.functions.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        write_function(&mut out, p, f);
    }
    for ap in &p.actors {
        out.push('\n');
        write_actor_plan(&mut out, p, ap);
    }
    for sp in &p.supervisors {
        out.push('\n');
        let children: Vec<String> = sp
            .children
            .iter()
            .map(|(n, t, r)| format!("{n}: {} {r}", def_name(p, *t)))
            .collect();
        let backoff = match sp.backoff {
            Some((lo, hi)) => format!("exponential({lo}ns, {hi}ns)"),
            None => "none".into(),
        };
        let _ = writeln!(
            out,
            "supervisor {} {}, intensity {} within {}ns, backoff {backoff}, children [{}]",
            def_name(p, sp.def),
            sp.strategy,
            sp.intensity,
            sp.window_ns,
            children.join(", ")
        );
    }
    out
}

/// A type as the user writes it.
pub fn show_ty(p: &Program, t: &Ty) -> String {
    let name = |d: &janus_sema::types::DefId| {
        p.defs
            .get(d.0 as usize)
            .map_or_else(|| format!("#{}", d.0), |x| x.name.clone())
    };
    let list = |ds: &[janus_sema::types::DefId], sep: &str| {
        ds.iter().map(name).collect::<Vec<_>>().join(sep)
    };
    match t {
        Ty::Error => "{error}".into(),
        Ty::Never => "never".into(),
        Ty::Void => "void".into(),
        Ty::Bool => "bool".into(),
        Ty::Int(k) => k.name().into(),
        Ty::F64 => "f64".into(),
        Ty::Str => "String".into(),
        Ty::Bytes => "Bytes".into(),
        Ty::Duration => "Duration".into(),
        Ty::Instant => "Instant".into(),
        Ty::NodeId => "NodeId".into(),
        Ty::List(t) => format!("[{}]", show_ty(p, t)),
        Ty::Map(k, v) => format!("Map[{}, {}]", show_ty(p, k), show_ty(p, v)),
        Ty::Set(t) => format!("Set[{}]", show_ty(p, t)),
        Ty::Tuple(ts) => format!(
            "({})",
            ts.iter()
                .map(|t| show_ty(p, t))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Ty::Optional(t) => format!("?{}", show_ty(p, t)),
        Ty::Def(d) => name(d),
        Ty::ErrSets(ds) => format!("({})", list(ds, " | ")),
        Ty::ActorRef(ds) => format!("ActorRef[{}]", list(ds, " + ")),
        Ty::GrainRef(ds) => format!("GrainRef[{}]", list(ds, " + ")),
        Ty::Reply(t) => format!("Reply[{}]", show_ty(p, t)),
        Ty::Supervisor(d) => name(d),
        Ty::Union(t, ds) if ds.len() == 1 => format!("{} ! {}", show_ty(p, t), list(ds, "")),
        Ty::Union(t, ds) => format!("{} ! ({})", show_ty(p, t), list(ds, " | ")),
        Ty::Range(t) => format!("Range[{}]", show_ty(p, t)),
    }
}

/// How each local is printed: `%name`, or `%name.N` when the name is used twice.
fn local_names(f: &Function) -> Vec<String> {
    let mut count = std::collections::HashMap::new();
    for l in &f.locals {
        *count.entry(l.name.as_str()).or_insert(0) += 1;
    }
    f.locals
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if count.get(l.name.as_str()).copied().unwrap_or(0) > 1 {
                format!("%{}.{i}", l.name)
            } else {
                format!("%{}", l.name)
            }
        })
        .collect()
}

fn write_function(out: &mut String, p: &Program, f: &Function) {
    let names = local_names(f);
    let lname = |l: LocalId| {
        names
            .get(l.0 as usize)
            .cloned()
            .unwrap_or_else(|| format!("%?{}", l.0))
    };
    let params: Vec<String> = f
        .params
        .iter()
        .map(|l| {
            let ty = f.local_ty(*l).map_or("?".into(), |t| show_ty(p, t));
            format!("{}: {ty}", lname(*l))
        })
        .collect();
    let kw = match f.kind {
        FnKind::Const(_) => "const fn",
        FnKind::Extern(_) => "extern fn",
        _ => "fn",
    };
    let _ = write!(out, "{kw} {}({})", f.name, params.join(", "));
    if f.ret != Ty::Void {
        let _ = write!(out, " -> {}", show_ty(p, &f.ret));
    }
    if matches!(f.kind, FnKind::Extern(_)) {
        out.push_str(";\n");
        return;
    }
    out.push_str(" {\n");
    for (i, l) in f.locals.iter().enumerate() {
        if f.params.contains(&LocalId(i as u32)) {
            continue;
        }
        let state = match l.state {
            Some(k) => format!(" (state {k})"),
            None => String::new(),
        };
        let _ = writeln!(out, "    local {}: {}{state}", names[i], show_ty(p, &l.ty));
    }
    for (bi, b) in f.blocks.iter().enumerate() {
        let _ = writeln!(out, "bb{bi}:");
        for inst in &b.insts {
            out.push_str("    ");
            if let Some(d) = inst.dest {
                let ty = f.value_ty(d).map_or("?".into(), |t| show_ty(p, t));
                let _ = write!(out, "v{}: {ty} = ", d.0);
            }
            out.push_str(&op_text(p, f, &lname, &inst.op));
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(&term_text(&b.term));
        out.push('\n');
    }
    out.push_str("}\n");
}

fn v(x: &ValueId) -> String {
    format!("v{}", x.0)
}

fn vs(xs: &[ValueId]) -> String {
    xs.iter().map(v).collect::<Vec<_>>().join(", ")
}

/// The name of field `i` of struct type `t` (`f3` when unknown).
fn field_name(p: &Program, t: Option<&Ty>, i: u32) -> String {
    let name = match t {
        Some(Ty::Def(d)) => p
            .defs
            .get(d.0 as usize)
            .and_then(|x| x.struct_fields())
            .and_then(|fs| fs.get(i as usize))
            .map(|f| f.name.clone()),
        _ => None,
    };
    name.unwrap_or_else(|| format!("f{i}"))
}

fn place_text(p: &Program, f: &Function, lname: &dyn Fn(LocalId) -> String, pl: &Place) -> String {
    let mut s = lname(pl.local);
    let mut ty = f.local_ty(pl.local).cloned();
    for pr in &pl.proj {
        match pr {
            Proj::Field(i) => {
                let _ = write!(s, ".{}", field_name(p, ty.as_ref(), *i));
                ty = match &ty {
                    Some(Ty::Def(d)) => p
                        .defs
                        .get(d.0 as usize)
                        .and_then(|x| x.struct_fields())
                        .and_then(|fs| fs.get(*i as usize))
                        .map(|f| f.ty.clone()),
                    _ => None,
                };
            }
            Proj::Elem(i) => {
                let _ = write!(s, ".{i}");
                ty = match &ty {
                    Some(Ty::Tuple(ts)) => ts.get(*i as usize).cloned(),
                    _ => None,
                };
            }
            Proj::Index(x) => {
                let _ = write!(s, "[{}]", v(x));
                ty = match &ty {
                    Some(Ty::List(t)) => Some((**t).clone()),
                    _ => None,
                };
            }
        }
    }
    s
}

fn def_name(p: &Program, d: janus_sema::types::DefId) -> String {
    p.defs
        .get(d.0 as usize)
        .map_or_else(|| format!("#{}", d.0), |x| x.name.clone())
}

fn variant_name(p: &Program, d: janus_sema::types::DefId, vi: u32) -> String {
    let var = p
        .defs
        .get(d.0 as usize)
        .and_then(|x| x.variants())
        .and_then(|vs| vs.get(vi as usize))
        .map_or_else(|| format!("#{vi}"), |x| x.name.clone());
    format!("{}.{var}", def_name(p, d))
}

fn op_text(p: &Program, f: &Function, lname: &dyn Fn(LocalId) -> String, op: &Op) -> String {
    match op {
        Op::Const(c) => match c {
            Const::Int(i) => format!("const {i}"),
            Const::F64(bits) => format!("const {:?}", f64::from_bits(*bits)),
            Const::Bool(b) => format!("const {b}"),
            Const::Str(s) => format!("const {s:?}"),
            Const::Duration(ns) => format!("const {ns}ns"),
            Const::Null => "const null".into(),
        },
        Op::Load(pl) => format!("load {}", place_text(p, f, lname, pl)),
        Op::Store(pl, x) => format!("store {}, {}", place_text(p, f, lname, pl), v(x)),
        Op::Unary(UnOp::Neg, x) => format!("neg {}", v(x)),
        Op::Unary(UnOp::Not, x) => format!("not {}", v(x)),
        Op::Binary(b, x, y) => {
            let name = match b {
                BinOp::Add => "add",
                BinOp::Sub => "sub",
                BinOp::Mul => "mul",
                BinOp::Div => "div",
                BinOp::Rem => "rem",
                BinOp::Eq => "eq",
                BinOp::Ne => "ne",
                BinOp::Lt => "lt",
                BinOp::Le => "le",
                BinOp::Gt => "gt",
                BinOp::Ge => "ge",
                BinOp::Concat => "concat",
            };
            format!("{name} {}, {}", v(x), v(y))
        }
        Op::Call(fid, args) => {
            let name = p
                .functions
                .get(fid.0 as usize)
                .map_or_else(|| format!("#{}", fid.0), |g| g.name.clone());
            format!("call {name}({})", vs(args))
        }
        Op::Builtin(name, ops) => {
            let args: Vec<String> = ops
                .iter()
                .map(|o| match o {
                    Operand::Value(x) => v(x),
                    Operand::Place(pl) => format!("&{}", place_text(p, f, lname, pl)),
                })
                .collect();
            format!("builtin {name}({})", args.join(", "))
        }
        Op::Struct(d, xs) => format!("struct {} {{{}}}", def_name(p, *d), vs(xs)),
        Op::Field(x, i) => format!("field {}.{}", v(x), field_name(p, f.value_ty(*x), *i)),
        Op::Tuple(xs) => format!("tuple ({})", vs(xs)),
        Op::Elem(x, i) => format!("elem {}.{i}", v(x)),
        Op::List(xs) => format!("list [{}]", vs(xs)),
        Op::Variant(d, vi, xs) if xs.is_empty() => format!("variant {}", variant_name(p, *d, *vi)),
        Op::Variant(d, vi, xs) => format!("variant {} {{{}}}", variant_name(p, *d, *vi), vs(xs)),
        Op::Tag(x) => format!("tag {}", v(x)),
        Op::IsVariant(x, d, vi) => format!("is_variant {}, {}", v(x), variant_name(p, *d, *vi)),
        Op::VariantField(x, d, vi, i) => {
            let fname = p
                .defs
                .get(d.0 as usize)
                .and_then(|x| x.variants())
                .and_then(|vs| vs.get(*vi as usize))
                .and_then(|var| var.field_list().get(*i as usize))
                .map_or_else(|| format!("f{i}"), |fl| fl.name.clone());
            format!(
                "variant_field {} as {}.{fname}",
                v(x),
                variant_name(p, *d, *vi)
            )
        }
        Op::Some(x) => format!("some {}", v(x)),
        Op::IsNull(x) => format!("is_null {}", v(x)),
        Op::Unwrap(x) => format!("unwrap {}", v(x)),
        Op::Ok(x) => format!("ok {}", v(x)),
        Op::OkVoid => "ok void".into(),
        Op::Err(x) => format!("err {}", v(x)),
        Op::IsErr(x) => format!("is_err {}", v(x)),
        Op::OkValue(x) => format!("ok_value {}", v(x)),
        Op::ErrValue(x) => format!("err_value {}", v(x)),
        Op::Upcast(x) => format!("upcast {}", v(x)),
        Op::Spawn(d, xs, on) => {
            let mut s = format!("spawn {}({})", def_name(p, *d), vs(xs));
            if let Some(n) = on {
                let _ = write!(s, " on {}", v(n));
            }
            s
        }
        Op::StartChild {
            index,
            target,
            args,
        } => format!(
            "start_child {index}: {}({})",
            def_name(p, *target),
            vs(args)
        ),
        Op::Child(x, i) => format!("child {}.{i}", v(x)),
        Op::GrainRef(d, xs) => format!("grain_ref {}({})", def_name(p, *d), vs(xs)),
        Op::Send(r, m) => format!("send {}, {}", v(r), v(m)),
        Op::Ask {
            target,
            def,
            variant,
            fields,
            timeout,
        } => {
            let mut s = format!(
                "ask {}, {} {{{}}}",
                v(target),
                variant_name(p, *def, *variant),
                vs(fields)
            );
            if let Some(t) = timeout {
                let _ = write!(s, ", timeout {}", v(t));
            }
            s
        }
        Op::Reply(r, x) => format!("reply {}, {}", v(r), v(x)),
        Op::SelfRef => "self".into(),
        Op::Stop => "stop".into(),
    }
}

fn term_text(t: &Term) -> String {
    match t {
        Term::Jump(b) => format!("jump bb{}", b.0),
        Term::Branch { cond, then, else_ } => {
            format!("branch {}, bb{}, bb{}", v(cond), then.0, else_.0)
        }
        Term::Switch {
            value,
            cases,
            default,
        } => {
            let cs: Vec<String> = cases
                .iter()
                .map(|(k, b)| format!("{k} => bb{}", b.0))
                .collect();
            format!(
                "switch {} [{}], default bb{}",
                v(value),
                cs.join(", "),
                default.0
            )
        }
        Term::Return(None) => "ret".into(),
        Term::Return(Some(x)) => format!("ret {}", v(x)),
        Term::Crash { kind, value, span } => {
            let k = match kind {
                CrashKind::Panic => "panic",
                CrashKind::Assert => "assert",
                CrashKind::Uncaught => "uncaught",
            };
            match value {
                Some(x) => format!("crash {k} {} at {}..{}", v(x), span.lo, span.hi),
                None => format!("crash {k} at {}..{}", span.lo, span.hi),
            }
        }
        Term::Unreachable => "unreachable".into(),
    }
}

/// `actor Counter: state 2 (1 params), init f3, on_start f4, receive f5, after f6 f7`.
fn write_actor_plan(out: &mut String, p: &Program, ap: &ActorPlan) {
    let kind = match ap.kind {
        janus_syntax::ast::ActorKind::Actor => "actor",
        janus_syntax::ast::ActorKind::Grain => "grain",
        janus_syntax::ast::ActorKind::Behavior => "behavior",
    };
    let fname = |f: FuncId| {
        p.functions
            .get(f.0 as usize)
            .map_or_else(|| format!("f{}", f.0), |f| f.name.clone())
    };
    let mut parts = vec![format!("init {}", fname(ap.init))];
    for (h, f) in &ap.hooks {
        parts.push(format!("{h} {}", fname(*f)));
    }
    if let Some(r) = ap.receive {
        parts.push(format!("receive {}", fname(r)));
    }
    if let Some((d, a)) = ap.after {
        parts.push(format!("after {} {}", fname(d), fname(a)));
    }
    if !ap.behaviors.is_empty() {
        let bs: Vec<String> = ap.behaviors.iter().map(|b| def_name(p, *b)).collect();
        parts.push(format!("does {}", bs.join(", ")));
    }
    if let Some(n) = ap.mailbox {
        parts.push(format!("mailbox {n}"));
    }
    let _ = writeln!(
        out,
        "{kind} {}: state {} ({} params), {}",
        ap.name,
        ap.state_slots,
        ap.params,
        parts.join(", ")
    );
}
