//! Top-level code: functions (bodiless only for `@intrinsic` in `std`, E0108), `main`, `test`
//! blocks and constants (E0319), and the walk over every module's items.

use janus_syntax::Diagnostic;
use janus_syntax::ast::*;

use crate::body::{Admits, Body, LocalKind};
use crate::env::Env;
use crate::items::DefKind;
use crate::placement::AttrTarget;
use crate::types::{DefId, Ty};

impl<'a> Env<'a> {
    /// Checks every declaration's body, in module and declaration order.
    pub(crate) fn check_bodies(&self) {
        for i in 0..self.defs.len() {
            let id = DefId(i as u32);
            let def = self.def(id);
            match &def.kind {
                DefKind::Func(f) if f.owner.is_none() => self.check_func(id),
                DefKind::Const { .. } => self.check_const(id),
                DefKind::Actor(a) => {
                    self.check_item_attrs(a.item, AttrTarget::Actor(a.decl.kind));
                    self.check_actor(id);
                }
                DefKind::Supervisor(s) => {
                    self.check_item_attrs(s.item, AttrTarget::Supervisor);
                    self.check_supervisor(id);
                }
                DefKind::Enum {
                    kind: EnumKind::Message,
                    ..
                } => self.check_message_payloads(id),
                _ => {}
            }
        }
        for (mi, sm) in self.program.modules.iter().enumerate() {
            for item in &sm.module.items {
                let _ = mi;
                match &item.kind {
                    ItemKind::Func(_) => self.check_item_attrs(item, AttrTarget::Func),
                    ItemKind::Actor(_) | ItemKind::Supervisor(_) => {}
                    _ => self.check_item_attrs(item, AttrTarget::Other),
                }
            }
        }
        for t in &self.tests {
            self.check_with_caps(&t.decl.caps);
            let mut b = Body::new(self, t.module, format!("test \"{}\"", t.decl.name));
            b.admits = Admits::All;
            b.caps = t.decl.caps.iter().map(|c| c.name.as_str()).collect();
            b.cap_holder = format!("test \"{}\"", t.decl.name);
            b.block(&t.decl.body, None, false);
        }
    }

    fn check_func(&self, id: DefId) {
        let def = self.def(id);
        let Some(f) = def.func() else { return };
        let intrinsic = f
            .attrs
            .iter()
            .any(|a| a.path.len() == 1 && a.path[0].name == "intrinsic");
        // One mistake, one diagnostic: a bodiless `@intrinsic` outside std is reported as the
        // misplaced attribute only, not also as a missing body.
        if intrinsic && !self.is_std(def.module) {
            self.emit(
                Diagnostic::error("E0108", "`@intrinsic` is reserved for the standard library")
                    .primary(f.decl.name.span, "not in a `std` module")
                    .help(if f.decl.body.is_none() {
                        "remove `@intrinsic` and give the function a body: `do ... end`"
                    } else {
                        "remove `@intrinsic`"
                    }),
            );
        } else if f.decl.body.is_none() && !intrinsic {
            self.emit(
                Diagnostic::error("E0108", format!("function `{}` has no body", def.name))
                    .primary(f.decl.name.span, "missing `do ... end`")
                    .help(
                        "only `@intrinsic` functions of the standard library may omit their body",
                    ),
            );
        }
        self.check_with_caps(&f.decl.caps);
        let mut b = Body::new(self, def.module, format!("`{}`", def.name));
        b.caps = f.caps.clone();
        b.cap_holder = format!("`{}`", def.name);
        self.check_func_body(&mut b, id);
    }

    /// Checks a function or helper body with the signature of `id`.
    pub(crate) fn check_func_body(&self, b: &mut Body<'_, 'a>, id: DefId) {
        let def = self.def(id);
        let Some(f) = def.func() else { return };
        let is_main = def.name == "main" && def.module == 0 && f.owner.is_none();
        b.fn_def = Some(id);
        b.ret = f.ret.ok_part().clone();
        b.admits = match (&f.ret, is_main) {
            (_, true) => Admits::All,
            (Ty::Union(_, sets), _) => Admits::Sets(sets.clone()),
            (Ty::Error, _) => Admits::All,
            _ => Admits::Sets(Vec::new()),
        };
        for p in &f.params {
            b.declare(p.name, p.ty.clone(), false, LocalKind::Param, p.span);
        }
        if let Some(body) = &f.decl.body {
            b.fn_body(body, f.decl.name.span, &f.ret);
        }
    }

    fn check_const(&self, id: DefId) {
        let def = self.def(id);
        let DefKind::Const { decl, ty } = &def.kind else {
            return;
        };
        let mut b = Body::new(self, def.module, format!("`{}`", def.name));
        b.in_const = true;
        b.expect(&decl.value, ty);
    }
}
