//! Attributes on declarations (E0613, `@mailbox`) and placement contracts against the
//! manifest: `@requires(cap: [...])` atoms must be declared (E1001), `@placement` must name a
//! policy (E1005), `spawn ... on "n"` must name a listed node (E1004) that has the target's
//! required capabilities (E1002), and some listed node must satisfy each requirement (E1003).
//! Without a manifest, one W1001 says that capability names went unchecked.

use crate::fx::FxMap;

use janus_syntax::ast::*;
use janus_syntax::{Diagnostic, Span};

use crate::env::{Env, suggest};
use crate::types::DefId;

const PLACEMENTS: &[&str] = &["hash", "local", "least_loaded", "random"];

/// What kind of declaration an attribute sits on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AttrTarget {
    Actor(ActorKind),
    Supervisor,
    Func,
    Other,
}

impl<'a> Env<'a> {
    /// Validates the attributes of one item except the contents of `@requires`/`@placement`
    /// (checked by [`Env::check_placement`]).
    pub(crate) fn check_item_attrs(&self, item: &Item, target: AttrTarget) {
        let placed = matches!(
            target,
            AttrTarget::Actor(ActorKind::Actor | ActorKind::Grain) | AttrTarget::Supervisor
        );
        let mut seen: FxMap<String, Span> = FxMap::default();
        for attr in &item.attrs {
            let name: Vec<&str> = attr.path.iter().map(|i| i.name.as_str()).collect();
            let name = name.join(".");
            if let Some(prev) = seen.insert(name.clone(), attr.span) {
                self.emit(
                    Diagnostic::error("E0613", format!("attribute `@{name}` is given twice"))
                        .primary(attr.span, "second attribute")
                        .secondary(prev, "first attribute"),
                );
                continue;
            }
            match name.as_str() {
                "requires" | "placement" if placed => {}
                "mailbox"
                    if matches!(
                        target,
                        AttrTarget::Actor(ActorKind::Actor | ActorKind::Grain)
                    ) =>
                {
                    self.check_mailbox(attr)
                }
                "lifecycle" if matches!(target, AttrTarget::Actor(_)) => {
                    if let AttrTarget::Actor(k) = target {
                        self.check_lifecycle(k, attr)
                    }
                }
                "intrinsic" if target == AttrTarget::Func => {}
                n if crate::grains::MEMORY_TAGS.contains(&n) => self.emit(
                    Diagnostic::error("E0802", format!("memory tag `@{n}` on a declaration"))
                        .primary(attr.span, "memory tags apply only to grain `var` fields"),
                ),
                n => {
                    let known = ["requires", "placement", "mailbox", "lifecycle", "intrinsic"];
                    let msg = if known.contains(&n) {
                        format!("attribute `@{n}` is not allowed here")
                    } else {
                        format!("unknown attribute `@{n}`")
                    };
                    let mut d =
                        Diagnostic::error("E0613", msg).primary(attr.span, "not allowed here");
                    if !known.contains(&n)
                        && let Some(s) = suggest(n, known)
                    {
                        d = d.help(format!("did you mean `@{s}`?"));
                    }
                    self.emit(d);
                }
            }
        }
    }

    fn check_mailbox(&self, attr: &Attribute) {
        // Point at what is wrong: an extra or misnamed argument, or the capacity value.
        let problem: Option<(Span, &str)> = match attr.args.as_deref() {
            Some([a]) if a.name.as_ref().is_some_and(|n| n.name == "capacity") => {
                match a.value.kind {
                    ExprKind::Int(n) if n >= 1 => None,
                    ExprKind::Int(_) => Some((a.value.span, "the capacity must be at least 1")),
                    _ => Some((a.value.span, "not an integer literal")),
                }
            }
            Some(args) => match args
                .iter()
                .find(|a| a.name.as_ref().is_none_or(|n| n.name != "capacity"))
            {
                Some(extra) => Some((extra.span, "`@mailbox` takes only `capacity:`")),
                None => Some((attr.span, "`capacity:` is given more than once")),
            },
            None => Some((attr.span, "no capacity given")),
        };
        if let Some((span, label)) = problem {
            self.emit(
                Diagnostic::error("E0613", "invalid `@mailbox`: expected `@mailbox(capacity: N)` with an integer literal N >= 1")
                    .primary(span, label),
            );
        }
    }

    /// The atoms of a `@requires(cap: [...])`, or E1005.
    fn requires_atoms<'x>(&self, attr: &'x Attribute) -> Vec<(&'x str, Span)> {
        let bad = || {
            self.emit(
                Diagnostic::error(
                    "E1005",
                    "invalid `@requires`: expected `@requires(cap: [.name, ...])`",
                )
                .primary(attr.span, "malformed requirement"),
            );
            Vec::new()
        };
        let Some([a]) = attr.args.as_deref() else {
            return bad();
        };
        if a.name.as_ref().is_none_or(|n| n.name != "cap") {
            return bad();
        }
        let ExprKind::List(items) = &a.value.kind else {
            return bad();
        };
        let mut atoms = Vec::new();
        for it in items {
            match &it.kind {
                ExprKind::DotName(id) => atoms.push((id.name.as_str(), it.span)),
                _ => {
                    self.emit(
                        Diagnostic::error("E1005", "a capability requirement is written `.name`")
                            .primary(it.span, "expected a capability atom such as `.gpu`"),
                    );
                }
            }
        }
        atoms
    }

    fn check_placement_attr(&self, attr: &Attribute) {
        let value = match attr.args.as_deref() {
            Some([a]) if a.name.is_none() => &a.value,
            _ => {
                self.emit(
                    Diagnostic::error("E1005", "invalid `@placement`: expected one of `.hash`, `.local`, `.least_loaded`, `.random`")
                        .primary(attr.span, "malformed placement"),
                );
                return;
            }
        };
        match &value.kind {
            ExprKind::DotName(id) if PLACEMENTS.contains(&id.name.as_str()) => {}
            ExprKind::DotName(id) => {
                let mut d =
                    Diagnostic::error("E1005", format!("unknown placement policy `.{}`", id.name))
                        .primary(value.span, "not a placement policy");
                d = match suggest(&id.name, PLACEMENTS.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `.{s}`?")),
                    None => d.help("policies: .hash, .local, .least_loaded, .random"),
                };
                self.emit(d);
            }
            _ => self.emit(
                Diagnostic::error(
                    "E1005",
                    "invalid `@placement`: expected a policy such as `.hash`",
                )
                .primary(value.span, "not a placement policy"),
            ),
        }
    }

    /// Every placement contract of the program, after bodies were checked (spawns known).
    pub(crate) fn check_placement(&self) {
        let mut reqs: FxMap<DefId, Vec<(&str, Span)>> = FxMap::default();
        let mut first_atom: Option<Span> = None;
        for (i, def) in self.defs.iter().enumerate() {
            let item = match &def.kind {
                crate::items::DefKind::Actor(a) if a.decl.kind != ActorKind::Behavior => a.item,
                crate::items::DefKind::Supervisor(s) => s.item,
                _ => continue,
            };
            for attr in &item.attrs {
                let [one] = attr.path.as_slice() else {
                    continue;
                };
                match one.name.as_str() {
                    "requires" => {
                        let atoms = self.requires_atoms(attr);
                        if first_atom.is_none() {
                            first_atom = atoms.first().map(|a| a.1);
                        }
                        self.check_atoms(&atoms);
                        reqs.entry(DefId(i as u32)).or_default().extend(atoms);
                    }
                    "placement" => self.check_placement_attr(attr),
                    _ => {}
                }
            }
        }
        let Some(m) = self.manifest else {
            if let Some(span) = first_atom {
                self.emit(
                    Diagnostic::warning(
                        "W1001",
                        "no `janus.toml` found: capability names are not checked",
                    )
                    .primary(span, "this requirement is not checked")
                    .help("add a `janus.toml` with a `[capabilities]` table"),
                );
            }
            return;
        };
        // E1003: a requirement no listed node satisfies.
        if !m.nodes.is_empty() {
            let mut ids: Vec<&DefId> = reqs.keys().collect();
            ids.sort();
            for d in ids {
                let atoms = &reqs[d];
                if atoms.is_empty() || atoms.iter().any(|(a, _)| !m.has_capability(a)) {
                    continue;
                }
                let capable = m
                    .nodes
                    .iter()
                    .any(|n| atoms.iter().all(|(a, _)| n.caps.iter().any(|c| c == a)));
                if !capable {
                    let list: Vec<String> = atoms.iter().map(|(a, _)| format!("`.{a}`")).collect();
                    self.emit(
                        Diagnostic::error(
                            "E1003",
                            format!("no node of the cluster can host `{}`: none has {}", self.def(*d).name, list.join(" and ")),
                        )
                        .primary(atoms[0].1, "requirement no node satisfies")
                        .note(format!(
                            "nodes: {}",
                            m.nodes.iter().map(|n| format!("{} [{}]", n.name, n.caps.join(", "))).collect::<Vec<_>>().join(", ")
                        ))
                        .help("give a node these capabilities in `janus.toml`, or relax the requirement"),
                    );
                }
            }
        }
        // Spawns on literal nodes, and supervisors' `on node "n"`.
        let mut targets: Vec<(DefId, &Expr)> = Vec::new();
        for (d, on) in self.spawns.borrow().iter() {
            if let Some(e) = on {
                targets.push((*d, e));
            }
        }
        for (i, def) in self.defs.iter().enumerate() {
            if let crate::items::DefKind::Supervisor(s) = &def.kind
                && let Some(e) = &s.decl.on_node
            {
                targets.push((DefId(i as u32), e));
            }
        }
        if m.nodes.is_empty() {
            return;
        }
        for (d, e) in targets {
            let ExprKind::Str(name) = &e.kind else {
                continue;
            };
            let Some(node) = m.node(name) else {
                let mut diag =
                    Diagnostic::error("E1004", format!("no node named `{name}` in `janus.toml`"))
                        .primary(e.span, "unknown node");
                diag = match suggest(name, m.nodes.iter().map(|n| n.name.as_str())) {
                    Some(s) => diag.help(format!("did you mean `\"{s}\"`?")),
                    None => diag.note(format!(
                        "nodes: {}",
                        m.nodes
                            .iter()
                            .map(|n| n.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                };
                self.emit(diag);
                continue;
            };
            let missing: Vec<String> = reqs
                .get(&d)
                .map(|atoms| {
                    atoms
                        .iter()
                        .filter(|(a, _)| m.has_capability(a) && !node.caps.iter().any(|c| c == a))
                        .map(|(a, _)| format!("`.{a}`"))
                        .collect()
                })
                .unwrap_or_default();
            if !missing.is_empty() {
                self.emit(
                    Diagnostic::error(
                        "E1002",
                        format!(
                            "node `{name}` lacks {} required by `{}`",
                            missing.join(", "),
                            self.def(d).name
                        ),
                    )
                    .primary(e.span, "this node cannot host it")
                    .note(format!("`{name}` has [{}]", node.caps.join(", "))),
                );
            }
        }
    }

    fn check_atoms(&self, atoms: &[(&str, Span)]) {
        let Some(m) = self.manifest else { return };
        for (a, span) in atoms {
            if m.has_capability(a) {
                continue;
            }
            let mut d = Diagnostic::error("E1001", format!("unknown node capability `.{a}`"))
                .primary(*span, "not declared in `janus.toml`");
            d = match suggest(a, m.capabilities.iter().map(|c| c.name.as_str())) {
                Some(s) => d.help(format!("did you mean `.{s}`?")),
                None => d.help(format!(
                    "declare it under `[capabilities]` in `janus.toml`: `{a} = \"...\"`"
                )),
            };
            self.emit(d);
        }
    }
}
