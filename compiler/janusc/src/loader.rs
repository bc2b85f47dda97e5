//! Module loading: parses the entry file, follows its `import`s transitively (user modules
//! `a/b.jan` under the source root, `std.x` from the embedded standard library), loads each
//! module once (cycles are fine) and reports imports that name no module (E0204).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use janus_sema::{Program, SourceModule};
use janus_syntax::ast::{ItemKind, Module};
use janus_syntax::{Diagnostic, FileId, Span};

use crate::project::{join_display, read_source};
use crate::source_map::{Origin, SourceMap};
use crate::stdlib;

pub use janus_syntax::suggest::did_you_mean;

/// Where an import's text comes from, once found.
struct Found {
    display: String,
    origin: Origin,
    text: String,
}

pub struct Loader<'a> {
    sources: &'a mut SourceMap,
    root: PathBuf,
    root_display: String,
    diagnostics: Vec<Diagnostic>,
    modules: Vec<SourceModule>,
    loaded: HashSet<Vec<String>>,
    missing: Vec<Vec<String>>,
}

/// Loads the program whose entry file is `entry` (already in `sources`). `root` is the source
/// root: the entry file's directory, on disk and as displayed.
pub fn load_program(
    sources: &mut SourceMap,
    entry: FileId,
    root: &Path,
    root_display: &str,
) -> (Program, Vec<Diagnostic>) {
    let mut loader = Loader {
        sources,
        root: root.to_path_buf(),
        root_display: root_display.to_string(),
        diagnostics: Vec::new(),
        modules: Vec::new(),
        loaded: HashSet::new(),
        missing: Vec::new(),
    };
    let module = loader.parse(entry);
    loader.modules.push(SourceModule {
        path: Vec::new(),
        module,
    });
    // Breadth-first over the import graph; a file reached under a second import path is not
    // scanned again (its import sites were already reported once).
    let mut scanned = HashSet::new();
    let mut next = 0;
    while next < loader.modules.len() {
        let module = &loader.modules[next].module;
        if scanned.insert(module.file) {
            for (path, span) in imports(module) {
                loader.import(path, span);
            }
        }
        next += 1;
    }
    let program = Program {
        modules: loader.modules,
        missing_modules: loader.missing,
    };
    (program, loader.diagnostics)
}

/// Every import of a module: its path and the span of the path as written.
fn imports(module: &Module) -> Vec<(Vec<String>, Span)> {
    let mut out = Vec::new();
    for item in &module.items {
        if let ItemKind::Import(import) = &item.kind {
            let (Some(first), Some(last)) = (import.path.first(), import.path.last()) else {
                continue;
            };
            let span = if first.span.file == last.span.file {
                first.span.to(last.span)
            } else {
                first.span
            };
            out.push((import.path.iter().map(|i| i.name.clone()).collect(), span));
        }
    }
    out
}

impl Loader<'_> {
    fn parse(&mut self, file: FileId) -> Module {
        let text = self
            .sources
            .get(file)
            .map(|f| f.text.as_str())
            .unwrap_or_default();
        let (module, diags) = janus_syntax::parse_module(file, text);
        self.diagnostics.extend(diags);
        module
    }

    fn import(&mut self, path: Vec<String>, span: Span) {
        if self.loaded.contains(&path) {
            return;
        }
        match self.find(&path, span) {
            Ok(found) => {
                // A file reached again under another import path keeps its id and its parse
                // (and its syntax errors are reported once).
                let known = self.sources.find(&found.origin).and_then(|id| {
                    self.modules
                        .iter()
                        .find(|m| m.module.file == id)
                        .map(|m| m.module.clone())
                });
                let module = match known {
                    Some(module) => module,
                    None => {
                        let id = self.sources.add(found.display, found.origin, found.text);
                        self.parse(id)
                    }
                };
                self.loaded.insert(path.clone());
                self.modules.push(SourceModule { path, module });
            }
            Err(diag) => {
                // Every import site is reported (each needs fixing); the path is recorded once.
                self.diagnostics.push(diag);
                if !self.missing.contains(&path) {
                    self.missing.push(path);
                }
            }
        }
    }

    fn find(&self, path: &[String], span: Span) -> Result<Found, Diagnostic> {
        let dotted = path.join(".");
        if path.first().is_some_and(|p| p == "std") {
            return self.find_std(path, &dotted, span);
        }
        let rel = format!("{}.jan", path.join("/"));
        let file = self.root.join(&rel);
        let display = join_display(&self.root_display, &rel);
        if file.is_file() {
            return match read_source(&file) {
                Ok(text) => Ok(Found {
                    display,
                    origin: Origin::Disk(file),
                    text,
                }),
                Err(why) => Err(Diagnostic::error(
                    "E1102",
                    format!("cannot read module `{dotted}` from `{display}`: {why}"),
                )
                .primary(span, "imported here")),
            };
        }
        let root_shown = if self.root_display.is_empty() {
            ".".to_string()
        } else {
            self.root_display.clone()
        };
        let mut d = Diagnostic::error("E0204", format!("module `{dotted}` not found"))
            .primary(span, format!("no file `{display}`"))
            .note(format!(
                "`import a.b` loads `a/b.jan` relative to the source root, the entry file's directory (`{root_shown}`)"
            ));
        if let Some(s) = self.suggest(path) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        Err(d)
    }

    fn find_std(&self, path: &[String], dotted: &str, span: Span) -> Result<Found, Diagnostic> {
        let names: Vec<String> = stdlib::import_names().collect();
        if path.len() == 1 {
            return Err(
                Diagnostic::error("E0204", "`std` is the standard library, not a module")
                    .primary(span, "not a module")
                    .help(format!("import one of its modules: {}", names.join(", "))),
            );
        }
        let name = path[1..].join("/");
        if let Some(text) = stdlib::module(&name) {
            return Ok(Found {
                display: format!("<std>/{name}.jan"),
                origin: Origin::Std(name),
                text: text.to_string(),
            });
        }
        let mut d = Diagnostic::error(
            "E0204",
            format!("there is no standard library module `{dotted}`"),
        )
        .primary(span, "unknown standard library module")
        .note(format!("the standard library has {}", names.join(", ")));
        if let Some(s) = did_you_mean(dotted, names.iter().map(String::as_str)) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        Err(d)
    }

    /// A similar import path that exists: walks the directories of `path` and, at the first
    /// component that is not there, suggests the closest directory or `.jan` file.
    fn suggest(&self, path: &[String]) -> Option<String> {
        let (last, dirs) = path.split_last()?;
        let mut dir = self.root.clone();
        for (k, component) in dirs.iter().enumerate() {
            let next = dir.join(component);
            if !next.is_dir() {
                let subdirs = list(&dir, true);
                let best = did_you_mean(component, subdirs.iter().map(String::as_str))?;
                let mut fixed = path.to_vec();
                fixed[k] = best.to_string();
                return Some(fixed.join("."));
            }
            dir = next;
        }
        let files = list(&dir, false);
        let best = did_you_mean(last, files.iter().map(String::as_str))?;
        let mut fixed = path.to_vec();
        if let Some(l) = fixed.last_mut() {
            *l = best.to_string();
        }
        Some(fixed.join("."))
    }
}

/// The subdirectory names (`dirs`) or `.jan` file stems of a directory.
fn list(dir: &Path, dirs: bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let name = path.file_name()?.to_str()?.to_string();
            if dirs {
                path.is_dir().then_some(name)
            } else {
                name.strip_suffix(".jan")
                    .filter(|_| path.is_file())
                    .map(str::to_string)
            }
        })
        .collect()
}
