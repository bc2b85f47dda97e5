//! The standard library embedded in `janusc` at build time (see `build.rs`), so that
//! `import std.time` needs no install path.

include!(concat!(env!("OUT_DIR"), "/stdlib.rs"));

/// The source of `std.<name>` (`name` is `time` or, for nested modules, `a/b`).
pub fn module(name: &str) -> Option<&'static str> {
    STD_MODULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// Every standard library module as it is imported: `std.time`, `std.kv`, ...
pub fn import_names() -> impl Iterator<Item = String> {
    STD_MODULES
        .iter()
        .map(|(n, _)| format!("std.{}", n.replace('/', ".")))
}
