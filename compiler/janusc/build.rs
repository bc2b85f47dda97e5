//! Embeds the standard library (`stdlib/std/**/*.jan`) into `janusc`, so that `import std.x`
//! works with no install path: generates `$OUT_DIR/stdlib.rs`, a sorted table of
//! (module name, source text) pairs built with `include_str!`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if path.is_dir() {
            collect(&path, &format!("{prefix}{name}/"), out);
        } else if let Some(stem) = name.strip_suffix(".jan") {
            out.push((format!("{prefix}{stem}"), path));
        }
    }
}

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let std_dir = Path::new(&manifest_dir).join("../../stdlib/std");
    println!("cargo::rerun-if-changed={}", std_dir.display());
    let mut modules = Vec::new();
    collect(&std_dir, "", &mut modules);
    modules.sort();
    let mut code = String::from("/// Standard library modules: (`time` for `std.time`, source).\n");
    code.push_str("pub static STD_MODULES: &[(&str, &str)] = &[\n");
    for (name, path) in &modules {
        println!("cargo::rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("stdlib.rs");
    std::fs::write(&out, code).expect("write the embedded stdlib table");
}
