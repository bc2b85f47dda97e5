//! The grammar's semantic actions that need more than a constructor: span helpers, checks of
//! contextual words (hooks, supervisor settings), and grouping of `receive` and supervisor bodies.

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::parser::{Ctx, Recovery, RecvItem, SupItem};
use crate::span::Span;

impl<'a> Ctx<'a> {
    pub fn sp(&self, lo: usize, hi: usize) -> Span {
        Span::new(self.file, lo, hi.max(lo))
    }

    pub fn expr(&self, kind: ExprKind, lo: usize, hi: usize) -> Expr {
        Expr {
            kind,
            span: self.sp(lo, hi),
        }
    }

    pub fn pat(&self, kind: PatternKind, lo: usize, hi: usize) -> Pattern {
        Pattern {
            kind,
            span: self.sp(lo, hi),
        }
    }

    pub fn bin(&self, op: BinOp, lhs: Expr, rhs: Expr, lo: usize, hi: usize) -> Expr {
        self.expr(
            ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            lo,
            hi,
        )
    }

    pub fn recover(&mut self, e: Recovery<'a>) {
        self.errors.push(e);
    }

    pub fn tuple_field(
        &mut self,
        base: Expr,
        index: u64,
        il: usize,
        ir: usize,
        lo: usize,
        hi: usize,
    ) -> Expr {
        let index_span = self.sp(il, ir);
        let index = match u32::try_from(index) {
            Ok(i) => i,
            Err(_) => {
                self.diags.push(
                    Diagnostic::error("E0106", "tuple index is too large")
                        .primary(index_span, "not a tuple position"),
                );
                0
            }
        };
        self.expr(
            ExprKind::TupleField {
                base: Box::new(base),
                index,
                index_span,
            },
            lo,
            hi,
        )
    }

    /// `Path { fields }`: the path must be a name, a dotted name or `.Name`.
    pub fn struct_lit(&mut self, path: Expr, fields: Vec<FieldInit>, lo: usize, hi: usize) -> Expr {
        fn is_path(e: &Expr) -> bool {
            match &e.kind {
                ExprKind::Name(_) | ExprKind::DotName(_) => true,
                ExprKind::Field { base, .. } => is_path(base),
                _ => false,
            }
        }
        if !is_path(&path) {
            self.diags.push(
                Diagnostic::error("E0101", "expected a type or variant name before `{`")
                    .primary(path.span, "this cannot name a struct or variant")
                    .help("a struct literal is written `Point { x: 1 }` or `Shape.Circle { radius: 1.0 }`"),
            );
            return self.expr(ExprKind::Error, lo, hi);
        }
        self.expr(
            ExprKind::StructLit {
                path: Box::new(path),
                fields,
            },
            lo,
            hi,
        )
    }

    /// A pattern written as a dotted path: a bare name binds; anything else names a variant.
    pub fn path_pat(
        &self,
        mut path: Vec<Ident>,
        fields: Option<VariantFields>,
        lo: usize,
        hi: usize,
    ) -> Pattern {
        if path.len() == 1
            && fields.is_none()
            && let Some(name) = path.pop()
        {
            return self.pat(PatternKind::Binding(name), lo, hi);
        }
        match path.pop() {
            Some(name) => self.pat(
                PatternKind::Variant {
                    path: VariantPath {
                        qualifier: path,
                        leading_dot: false,
                        name,
                    },
                    fields: fields.unwrap_or(VariantFields::None),
                },
                lo,
                hi,
            ),
            None => self.pat(PatternKind::Error, lo, hi),
        }
    }

    pub fn top_level_binding(&mut self, mutable: bool, lo: usize, hi: usize) -> ItemKind {
        let kw = if mutable { "var" } else { "let" };
        self.diags.push(
            Diagnostic::error("E0108", format!("`{kw}` is not allowed at top level"))
                .primary(self.sp(lo, hi), "top-level bindings are not supported")
                .help(
                    "use `const NAME: Type = value` for a constant, or move this into a function",
                ),
        );
        ItemKind::Error
    }

    /// Reports a construct in the wrong place (E0108).
    pub fn misplaced(&mut self, lo: usize, hi: usize, message: &str, help: &str) {
        self.diags.push(
            Diagnostic::error("E0108", message)
                .primary(self.sp(lo, hi), "not allowed here")
                .help(help),
        );
    }

    pub fn hook(&mut self, kind: Ident, body: Block, lo: usize, hi: usize) -> Member {
        let k = match kind.name.as_str() {
            "start" => HookKind::Start,
            "stop" => HookKind::Stop,
            "activate" => HookKind::Activate,
            "deactivate" => HookKind::Deactivate,
            other => {
                self.diags.push(
                    Diagnostic::error("E0606", format!("unknown hook `on {other}`"))
                        .primary(kind.span, "not a hook")
                        .help("actors have `on start` and `on stop`; grains have `on activate` and `on deactivate`"),
                );
                return Member::Error(self.sp(lo, hi));
            }
        };
        Member::Hook(Hook {
            kind: k,
            kind_span: kind.span,
            body,
            span: self.sp(lo, hi),
        })
    }

    pub fn receive(&mut self, items: Vec<RecvItem>, lo: usize, hi: usize) -> Member {
        let mut arms = Vec::new();
        let mut after: Option<AfterArm> = None;
        let mut after_reported = false;
        for item in items {
            match item {
                RecvItem::Arm(arm) => {
                    if let Some(a) = &after
                        && !after_reported
                    {
                        // Reported at the `after` arm: that is the one to move.
                        after_reported = true;
                        self.diags.push(
                            Diagnostic::error(
                                "E0612",
                                "the `after` arm must be the last arm of `receive`",
                            )
                            .primary(a.span, "`after` before other arms")
                            .secondary(arm.span, "this arm follows it")
                            .help("move the `after` arm to the end of the `receive` block"),
                        );
                    }
                    arms.push(arm);
                }
                RecvItem::After(a) => {
                    if let Some(first) = &after {
                        self.diags.push(
                            Diagnostic::error("E0612", "a `receive` has at most one `after` arm")
                                .primary(a.span, "second `after` arm")
                                .secondary(first.span, "the first one is here"),
                        );
                    } else {
                        after = Some(a);
                    }
                }
                RecvItem::Error => {}
            }
        }
        Member::Receive(Receive {
            arms,
            after,
            span: self.sp(lo, hi),
        })
    }

    pub fn setting(
        &mut self,
        name: Ident,
        value: Expr,
        within: Option<Expr>,
        lo: usize,
        hi: usize,
    ) -> SupItem {
        let span = self.sp(lo, hi);
        let kind = match (name.name.as_str(), within) {
            ("strategy", None) => match value.kind {
                ExprKind::Name(id) => SettingKind::Strategy(id),
                _ => {
                    self.diags.push(
                        Diagnostic::error("E0101", "expected a strategy name").primary(
                            value.span,
                            "expected `one_for_one`, `one_for_all` or `rest_for_one`",
                        ),
                    );
                    return SupItem::Error;
                }
            },
            ("intensity", Some(window)) => SettingKind::Intensity {
                count: value,
                window,
            },
            ("intensity", None) => {
                self.diags.push(
                    Diagnostic::error("E0101", "expected `within` after the restart count")
                        .primary(value.span.end(), "expected `within <duration>` here")
                        .help("write `intensity: 5 within 10s`"),
                );
                return SupItem::Error;
            }
            ("backoff", None) => SettingKind::Backoff(value),
            (_, Some(window)) => {
                self.diags.push(
                    Diagnostic::error("E0101", "`within` only follows the `intensity` setting")
                        .primary(window.span, "unexpected `within` clause"),
                );
                return SupItem::Error;
            }
            (other, None) => {
                self.diags.push(
                    Diagnostic::error("E0101", format!("unknown supervisor setting `{other}`"))
                        .primary(
                            name.span,
                            "expected `strategy`, `intensity`, `backoff` or `child`",
                        ),
                );
                return SupItem::Error;
            }
        };
        SupItem::Setting(SupervisorSetting {
            kind,
            name_span: name.span,
            span,
        })
    }

    pub fn child(
        &mut self,
        name: Ident,
        target: Expr,
        restart: Option<Ident>,
        lo: usize,
        hi: usize,
    ) -> SupItem {
        let (target, args) = match target.kind {
            ExprKind::Call { callee, args } => (*callee, Some(args)),
            kind => (
                Expr {
                    kind,
                    span: target.span,
                },
                None,
            ),
        };
        SupItem::Child(ChildSpec {
            name,
            target,
            args,
            restart,
            span: self.sp(lo, hi),
        })
    }

    pub fn on_node(&mut self, word: Ident, node: Expr, lo: usize, hi: usize) -> SupItem {
        if word.name != "node" {
            self.diags.push(
                Diagnostic::error(
                    "E0101",
                    format!("expected `node` after `on`, found `{}`", word.name),
                )
                .primary(word.span, "a supervisor is placed with `on node <expr>`"),
            );
            return SupItem::Error;
        }
        SupItem::OnNode(node, self.sp(lo, hi))
    }

    pub fn supervisor(
        &mut self,
        name: Ident,
        params: Option<Vec<Param>>,
        items: Vec<SupItem>,
        lo: usize,
        hi: usize,
    ) -> SupervisorDecl {
        let mut settings = Vec::new();
        let mut children: Vec<ChildSpec> = Vec::new();
        let mut on_node: Option<Expr> = None;
        for item in items {
            match item {
                // Order and duplicates of settings are the checker's (E0707); spans keep the order.
                SupItem::Setting(s) => settings.push(s),
                SupItem::Child(c) => children.push(c),
                SupItem::OnNode(e, span) => {
                    if let Some(first) = &on_node {
                        self.diags.push(
                            Diagnostic::error("E0108", "a second `on node` in one supervisor")
                                .primary(span, "the supervisor is already placed")
                                .secondary(first.span, "first placement here"),
                        );
                    } else {
                        on_node = Some(e);
                    }
                }
                SupItem::Error => {}
            }
        }
        SupervisorDecl {
            name,
            params,
            settings,
            on_node,
            children,
            header_span: self.sp(lo, hi),
        }
    }

    /// 1-based line of byte offset `pos`, when known.
    pub(crate) fn line_of(&self, pos: u32) -> Option<usize> {
        self.lines.map(|l| l.line_of(pos))
    }
}
