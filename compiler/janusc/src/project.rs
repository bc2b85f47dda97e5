//! What a command's path names: a directory with a `janus.toml` (its entry comes from the
//! manifest) or a `.jan` file (the nearest `janus.toml` at or above its directory, if any,
//! supplies capabilities, nodes and storage). Reads the manifest and the entry file.

use std::path::{Component, Path, PathBuf};

use janus_manifest::Manifest;
use janus_syntax::{Diagnostic, FileId, Span};

use crate::UsageError;
use crate::source_map::{Origin, SourceMap};

pub const MANIFEST_FILE: &str = "janus.toml";

/// The program a command works on.
#[derive(Debug)]
pub struct Project {
    /// The validated manifest; `None` when there is none or it is unusable.
    pub manifest: Option<Manifest>,
    /// A `janus.toml` was found, even if it could not be used. Then the checker's
    /// "no janus.toml found" warning would mislead and is dropped.
    pub manifest_found: bool,
    /// The entry file; `None` when it could not be read (already reported).
    pub entry: Option<FileId>,
    /// The source root (the entry file's directory) on disk and as shown to the user.
    pub root: PathBuf,
    pub root_display: String,
    /// How the summary line names the program: the package name, or the path as typed.
    pub name: String,
}

/// `base` joined with `rel`, for display: `.` and the empty path add nothing.
pub fn join_display(base: &str, rel: &str) -> String {
    if base.is_empty() || base == "." {
        return rel.to_string();
    }
    Path::new(base).join(rel).to_string_lossy().into_owned()
}

/// The directory part of a displayed path (`src` for `src/main.jan`, empty for `main.jan`).
pub fn parent_display(path: &str) -> String {
    Path::new(path)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `target` relative to the current directory (`../janus.toml`), for display.
fn relative_to_cwd(target: &Path) -> String {
    let target = target
        .canonicalize()
        .unwrap_or_else(|_| target.to_path_buf());
    let Ok(cwd) = std::env::current_dir().and_then(|c| c.canonicalize()) else {
        return target.display().to_string();
    };
    let cwd: Vec<Component> = cwd.components().collect();
    let tgt: Vec<Component> = target.components().collect();
    let common = cwd.iter().zip(&tgt).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return target.display().to_string();
    }
    let mut out = PathBuf::new();
    for _ in common..cwd.len() {
        out.push("..");
    }
    for c in &tgt[common..] {
        out.push(c);
    }
    out.display().to_string()
}

/// Reads a source file as UTF-8; the error says why in the user's terms.
pub fn read_source(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Resolves the path a user typed (default `.`) into a project, reading the manifest and the
/// entry file into `sources`. Problems inside files become diagnostics; a path that names
/// nothing usable is a usage error.
pub fn open(
    typed: &str,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Result<Project, UsageError> {
    let path = Path::new(typed);
    let meta =
        std::fs::metadata(path).map_err(|e| UsageError(format!("cannot open `{typed}`: {e}")))?;
    if meta.is_dir() {
        return open_dir(typed, path, sources, diags);
    }
    if path.file_name().is_some_and(|n| n == MANIFEST_FILE) {
        let dir = parent_display(typed);
        let dir = if dir.is_empty() { ".".to_string() } else { dir };
        return open_dir(&dir, Path::new(&dir), sources, diags);
    }
    if path.extension().is_none_or(|e| e != "jan") {
        return Err(UsageError(format!(
            "`{typed}` is neither a `.jan` file nor a directory with a `{MANIFEST_FILE}`"
        )));
    }
    open_file(typed, path, sources, diags)
}

fn load_manifest(
    path: &Path,
    display: String,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> (Option<FileId>, Option<Manifest>) {
    match read_source(path) {
        Ok(text) => {
            let id = sources.add(display, Origin::Disk(path.to_path_buf()), text);
            let text = sources.get(id).map(|f| f.text.as_str()).unwrap_or_default();
            let (manifest, d) = janus_manifest::parse(id, text);
            diags.extend(d);
            (Some(id), manifest)
        }
        Err(why) => {
            diags.push(Diagnostic::error(
                "E1102",
                format!("cannot read `{display}`: {why}"),
            ));
            (None, None)
        }
    }
}

fn open_dir(
    typed: &str,
    dir: &Path,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Result<Project, UsageError> {
    let manifest_path = dir.join(MANIFEST_FILE);
    if !manifest_path.is_file() {
        return Err(UsageError(format!(
            "`{typed}` is a directory without a `{MANIFEST_FILE}`; pass a directory that has one, or a `.jan` file"
        )));
    }
    let manifest_display = join_display(typed, MANIFEST_FILE);
    let (manifest_id, manifest) = load_manifest(&manifest_path, manifest_display, sources, diags);
    let mut project = Project {
        manifest: None,
        manifest_found: true,
        entry: None,
        root: dir.to_path_buf(),
        root_display: typed.to_string(),
        name: typed.to_string(),
    };
    // Without a usable manifest the entry is unknown: checking a guess would only add noise.
    let (Some(manifest_id), Some(manifest)) = (manifest_id, manifest) else {
        return Ok(project);
    };
    if !manifest.package.name.is_empty() {
        project.name = manifest.package.name.clone();
    }
    let entry_rel = manifest.package.entry.clone();
    let entry_path = dir.join(&entry_rel);
    let entry_display = join_display(typed, &entry_rel);
    project.root = entry_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    project.root_display = parent_display(&entry_display);
    match read_source(&entry_path) {
        Ok(text) => {
            project.entry = Some(sources.add(entry_display, Origin::Disk(entry_path), text))
        }
        Err(why) => {
            let text = sources
                .get(manifest_id)
                .map(|f| f.text.as_str())
                .unwrap_or_default();
            let named = janus_manifest::value_span(manifest_id, text, &["package", "entry"]);
            let label = match named {
                Some(_) => "the entry file named here".to_string(),
                None => format!(
                    "no `entry` here, so it is `{}`",
                    janus_manifest::DEFAULT_ENTRY
                ),
            };
            let at = named
                .or_else(|| janus_manifest::value_span(manifest_id, text, &["package"]))
                .unwrap_or(Span::new(manifest_id, 0, 0));
            diags.push(
                Diagnostic::error("E1102", format!("cannot read the entry file `{entry_display}`: {why}"))
                    .primary(at, label)
                    .help(format!(
                        "create `{entry_display}`, or set `entry` in `[package]` to the program's main file"
                    )),
            );
        }
    }
    project.manifest = Some(manifest);
    Ok(project)
}

fn open_file(
    typed: &str,
    path: &Path,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Result<Project, UsageError> {
    let mut project = Project {
        manifest: None,
        manifest_found: false,
        entry: None,
        root: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        root_display: parent_display(typed),
        name: typed.to_string(),
    };
    let dir = path
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    if let Some(found) = dir
        .iter()
        .flat_map(|d| d.ancestors())
        .map(|d| d.join(MANIFEST_FILE))
        .find(|p| p.is_file())
    {
        let display = relative_to_cwd(&found);
        let (_, manifest) = load_manifest(&found, display, sources, diags);
        project.manifest = manifest;
        project.manifest_found = true;
    }
    match read_source(path) {
        Ok(text) => {
            project.entry =
                Some(sources.add(typed.to_string(), Origin::Disk(path.to_path_buf()), text))
        }
        Err(why) => diags.push(Diagnostic::error(
            "E1102",
            format!("cannot read `{typed}`: {why}"),
        )),
    }
    Ok(project)
}
