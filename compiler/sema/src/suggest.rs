//! Did-you-mean for the checker: the kinds of names a caller may offer (a type where a type
//! was written, a protocol after `implements`, ...), so that a suggestion is always of the right
//! kind. How close a name must be is `janus_syntax::suggest`'s rule, shared by the whole
//! toolchain.

use crate::env::Env;
use crate::items::{Def, DefKind};
use janus_syntax::ast::{ActorKind, EnumKind};

/// The closest candidate to `name`, if one is close enough to be a likely typo.
pub fn suggest<'s>(name: &str, candidates: impl IntoIterator<Item = &'s str>) -> Option<String> {
    janus_syntax::suggest::did_you_mean(name, candidates).map(str::to_string)
}

/// What kind of declaration a position can name, to offer only candidates that would fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Anything a module declares (`m.X`, `import a.{X}`).
    Any,
    /// Something usable in an expression: functions, constants, grains (`G(key)`). Not
    /// actors or supervisors: those are only ever named after `spawn`.
    Value,
    /// A type: structs, enums, error sets, protocols, aliases, supervisors.
    Type,
    /// A message protocol (`implements`, `ActorRef[...]`).
    Protocol,
    /// An `error` set (after `!`).
    ErrorSet,
    /// A behavior (`does`).
    Behavior,
    /// What `spawn` or a supervisor child can run: actors and supervisors.
    Spawnable,
}

impl Want {
    pub fn admits(self, def: &Def<'_>) -> bool {
        let actor_kind = def.actor().map(|a| a.decl.kind);
        match self {
            Want::Any => true,
            Want::Value => {
                matches!(def.kind, DefKind::Func(_) | DefKind::Const { .. })
                    || actor_kind == Some(ActorKind::Grain)
            }
            Want::Type => matches!(
                def.kind,
                DefKind::Struct { .. }
                    | DefKind::Enum { .. }
                    | DefKind::Alias { .. }
                    | DefKind::Supervisor(_)
            ),
            Want::Protocol => def.enum_kind() == Some(EnumKind::Message),
            Want::ErrorSet => def.enum_kind() == Some(EnumKind::Error),
            Want::Behavior => actor_kind == Some(ActorKind::Behavior),
            Want::Spawnable => {
                matches!(def.kind, DefKind::Supervisor(_)) || actor_kind == Some(ActorKind::Actor)
            }
        }
    }
}

impl<'a> Env<'a> {
    /// Names module `mi` sees unqualified (own items and `import a.{X}` names) of kind `want`,
    /// plus the built-in error sets where an error set or type fits.
    pub fn names_of(&self, mi: usize, want: Want) -> Vec<&'a str> {
        let mut v: Vec<&'a str> = Vec::new();
        if let Some(s) = self.scopes.get(mi) {
            for (name, d) in &s.items {
                if want.admits(self.def(*d)) {
                    v.push(name);
                }
            }
            for (name, d) in &s.imported {
                if d.is_some_and(|d| want.admits(self.def(d))) {
                    v.push(name);
                }
            }
        }
        if matches!(want, Want::ErrorSet | Want::Type) {
            v.extend(["AskError", "ParseError"]);
        }
        v
    }

    /// Names inside module `target` (for `m.X`) of kind `want`.
    pub fn names_in(&self, target: usize, want: Want) -> Vec<&'a str> {
        self.scopes.get(target).map_or_else(Vec::new, |s| {
            s.items
                .iter()
                .filter(|(_, d)| want.admits(self.def(**d)))
                .map(|(n, _)| *n)
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::suggest;

    fn s(name: &str, cands: &[&str]) -> Option<String> {
        suggest(name, cands.iter().copied())
    }

    #[test]
    fn typos_are_suggested() {
        assert_eq!(s("cout", &["count", "x"]), Some("count".into()));
        assert_eq!(s("Strng", &["String", "Set"]), Some("String".into()));
        assert_eq!(s("Stroage", &["Storage", "Clock"]), Some("Storage".into()));
        assert_eq!(s("fibb", &["fib", "main"]), Some("fib".into()));
        assert_eq!(
            s("transiant", &["permanent", "transient"]),
            Some("transient".into())
        );
    }

    #[test]
    fn short_names_only_by_case() {
        assert_eq!(s("y", &["c", "x"]), None);
        assert_eq!(s("n", &["o"]), None);
        assert_eq!(s("z", &["x", "y"]), None);
        assert_eq!(s("xs", &["x", "ys"]), None);
        assert_eq!(s("x", &["X"]), Some("X".into()));
    }

    #[test]
    fn distance_bound_scales_with_length() {
        // `n9` vs `n1`: two characters, not a case difference.
        assert_eq!(s("n9", &["n1", "n2", "n3"]), None);
        // 4 characters allow one edit, not two; 6 allow two.
        assert_eq!(s("abcd", &["abxy"]), None);
        assert_eq!(s("amnt", &["amount"]), Some("amount".into()));
        assert_eq!(s("abcd", &["abcx"]), Some("abcx".into()));
        // A transposition is one edit.
        assert_eq!(s("lobyb", &["lobby"]), Some("lobby".into()));
    }

    #[test]
    fn prefixes_count() {
        assert_eq!(s("length", &["len", "pop"]), Some("len".into()));
        assert_eq!(
            s("contains_key", &["contains", "keys"]),
            Some("contains".into())
        );
        assert_eq!(
            s("to_uppercase", &["to_upper", "to_lower"]),
            Some("to_upper".into())
        );
        // Too short a prefix is not a hint.
        assert_eq!(s("tolerance", &["to"]), None);
    }

    #[test]
    fn ties_prefer_same_prefix_then_alphabetical() {
        assert_eq!(s("gpx", &["tpx", "gpu"]), Some("gpu".into()));
        assert_eq!(s("abcz", &["abcy", "abcx"]), Some("abcx".into()));
    }

    #[test]
    fn exact_name_is_not_a_suggestion() {
        assert_eq!(s("len", &["len"]), None);
    }
}
