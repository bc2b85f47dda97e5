//! Effect capabilities: names in `with` must be known (E0902); a call to a function that needs
//! a capability its caller does not hold is E0901, naming the capability and the call chain
//! that explains why the callee needs it. Violations are collected while bodies are checked
//! and reported at the end, when every function's calls are known.

use crate::fx::FxSet;

use janus_syntax::Diagnostic;
use janus_syntax::ast::Ident;

use crate::env::{Env, suggest};
use crate::types::DefId;

pub const BUILTIN_CAPS: &[&str] = &["Storage", "Caching", "Clock", "Net"];

impl<'a> Env<'a> {
    /// E0902 for unknown names in a `with` list; E0203 for a name listed twice.
    pub(crate) fn check_with_caps(&self, caps: &[Ident]) {
        let mut seen: FxSet<&str> = FxSet::default();
        for c in caps {
            if !seen.insert(&c.name) {
                self.emit(
                    Diagnostic::error("E0203", format!("capability `{}` is listed twice", c.name))
                        .primary(c.span, "listed again here"),
                );
                continue;
            }
            if self.cap_known(&c.name) {
                continue;
            }
            let cands: Vec<&str> = BUILTIN_CAPS
                .iter()
                .copied()
                .chain(self.declared_caps.keys().copied())
                .collect();
            let mut d = Diagnostic::error("E0902", format!("unknown capability `{}`", c.name))
                .primary(c.span, "not a capability");
            let node_cap = self.manifest.is_some_and(|m| m.has_capability(&c.name));
            d = match suggest(&c.name, cands) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                // A node capability from `janus.toml` is a placement requirement, not an effect.
                None if node_cap => d
                    .note(format!(
                        "`{}` is a node capability from `janus.toml`: it says where code may run, not what it may do",
                        c.name
                    ))
                    .help(format!("require it with `@requires(cap: [.{}])` on the declaration", c.name)),
                None => d.help(format!(
                    "declare it with `capability {}`, or use one of Storage, Caching, Clock, Net",
                    c.name
                )),
            };
            self.emit(d);
        }
    }

    /// Why `f` needs `cap`: the chain of calls from `f` down to a function that needs it
    /// without calling anything that does (`save` -> `put`).
    fn cap_chain(&self, f: DefId, cap: &str) -> Vec<DefId> {
        let calls = self.calls.borrow();
        let mut chain = vec![f];
        let mut cur = f;
        for _ in 0..16 {
            let next = calls.get(&cur).and_then(|cs| {
                cs.iter().map(|(c, _)| *c).find(|c| {
                    !chain.contains(c) && self.def(*c).func().is_some_and(|x| x.caps.contains(&cap))
                })
            });
            match next {
                Some(n) => {
                    chain.push(n);
                    cur = n;
                }
                None => break,
            }
        }
        chain
    }

    fn qualified_name(&self, d: DefId) -> String {
        let def = self.def(d);
        match self.program.modules.get(def.module) {
            Some(m) if !m.path.is_empty() && def.module != 0 => {
                format!("{}.{}", m.path.last().map_or("", |s| s.as_str()), def.name)
            }
            _ => def.name.to_string(),
        }
    }

    pub(crate) fn report_cap_violations(&self) {
        let violations = std::mem::take(&mut *self.cap_violations.borrow_mut());
        for v in violations {
            let callee = self.qualified_name(v.callee);
            let mut d = Diagnostic::error(
                "E0901",
                format!("{} calls `{callee}`, which needs `{}`", v.caller, v.cap),
            )
            .primary(v.span, format!("needs `{}`", v.cap));
            let chain = self.cap_chain(v.callee, v.cap);
            if chain.len() > 1 {
                let names: Vec<String> = chain
                    .iter()
                    .map(|c| format!("`{}`", self.qualified_name(*c)))
                    .collect();
                d = d.note(format!(
                    "call chain: {} -> {} (which needs `{}`)",
                    v.caller,
                    names.join(" -> "),
                    v.cap
                ));
            }
            d = if v.caller_decl.is_empty() {
                // Supervisor code (child arguments, `on node`) holds no capabilities at all.
                d.help(format!(
                    "a supervisor holds no capabilities: let the child make this call itself (e.g. in its `on start`) and give the child `with {}`",
                    v.cap
                ))
            } else {
                d.help(format!("add `with {}` to {}", v.cap, v.caller_decl))
            };
            self.emit(d);
        }
    }
}
