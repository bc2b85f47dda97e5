//! Robustness of the front end on broken input: every prefix and a few hundred deterministic
//! mutations of every `.jan` program in the repository go through the parser and the checker
//! in-process, and every prefix and mutation of a manifest through the manifest parser. None
//! may panic, nor may rendering the diagnostics (as text and JSON); syntax errors must surface
//! as errors; every diagnostic must point into the file and use a code from
//! spec/diagnostics.md. A failure names the file and the edit, and shows the input, shrunk.
//!
//! This is the in-suite, deterministic counterpart of `fuzz/` (cargo-fuzz, nightly, long runs).

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use janus_sema::{Program, SourceModule, check_program};
use janus_syntax::ast::ItemKind;
use janus_syntax::{Diagnostic, FileId, parse_module};

/// Mutations per file, while the corpus is small enough for [`MUTATION_BUDGET`].
const MUTATIONS: usize = 300;

/// Upper bounds on the inputs per test, which keep each test within ~20 s in a debug build as
/// the corpus grows: past them, prefixes are cut at token boundaries (then every k-th), and
/// files get fewer mutations each.
const PREFIX_BUDGET: usize = 40_000;
const MUTATION_BUDGET: usize = 45_000;

/// Rendering (ariadne) costs more than parsing and checking together: render one input in
/// this many, chosen by position so the choice is the same on every run.
const RENDER_EVERY: usize = 4;

#[test]
fn every_prefix_of_every_program_is_handled() {
    on_big_stack(|| {
        let catalogue = Catalogue::load();
        let files = jan_files();
        let start = Instant::now();
        let (mut inputs, mut syntax_errors) = (0, 0);
        for ((name, src), points) in files.iter().zip(prefix_plan(&files)) {
            for end in points {
                inputs += 1;
                let input = &src[..end];
                match run_program(input, &catalogue, inputs % RENDER_EVERY == 0) {
                    Ok(parse_failed) => syntax_errors += parse_failed as usize,
                    Err(failure) => fail(
                        &format!("{name}: prefix of {end} bytes"),
                        input,
                        &failure,
                        |s| run_program(s, &catalogue, true).is_err(),
                    ),
                }
            }
        }
        eprintln!(
            "prefixes: {} files, {inputs} inputs ({syntax_errors} with syntax errors) in {:?}",
            files.len(),
            start.elapsed()
        );
    });
}

#[test]
fn random_mutations_of_every_program_are_handled() {
    on_big_stack(|| {
        let catalogue = Catalogue::load();
        let files = jan_files();
        let start = Instant::now();
        let mut syntax_errors = 0;
        let per_file = (MUTATION_BUDGET / files.len().max(1)).clamp(30, MUTATIONS);
        for (name, src) in &files {
            let mut rng = Rng::for_name(name);
            let tokens = token_ranges(src.as_bytes());
            for i in 0..per_file {
                let (bytes, what) = mutate(src.as_bytes(), &tokens, &mut rng);
                let input = String::from_utf8_lossy(&bytes).into_owned();
                match run_program(&input, &catalogue, i % RENDER_EVERY == 0) {
                    Ok(parse_failed) => syntax_errors += parse_failed as usize,
                    Err(failure) => fail(
                        &format!("{name}: mutation {i} ({what})"),
                        &input,
                        &failure,
                        |s| run_program(s, &catalogue, true).is_err(),
                    ),
                }
            }
        }
        eprintln!(
            "mutations: {} files x {per_file} ({syntax_errors} with syntax errors) in {:?}",
            files.len(),
            start.elapsed()
        );
    });
}

/// The programs people copy get the full treatment whatever the size of the rest of the
/// corpus: every prefix at every character boundary, and [`MUTATIONS`] mutations each.
#[test]
fn every_prefix_and_many_mutations_of_every_example_are_handled() {
    on_big_stack(|| {
        let catalogue = Catalogue::load();
        let examples: Vec<_> = jan_files()
            .into_iter()
            .filter(|(name, _)| name.starts_with("examples"))
            .collect();
        assert!(
            examples.len() >= 6,
            "expected the examples/ programs, found {}",
            examples.len()
        );
        let start = Instant::now();
        let mut inputs = 0;
        for (name, src) in &examples {
            for end in prefix_points(src) {
                inputs += 1;
                let input = &src[..end];
                if let Err(failure) = run_program(input, &catalogue, false) {
                    fail(
                        &format!("{name}: prefix of {end} bytes"),
                        input,
                        &failure,
                        |s| run_program(s, &catalogue, true).is_err(),
                    );
                }
            }
            let mut rng = Rng::for_name(&format!("examples:{name}"));
            let tokens = token_ranges(src.as_bytes());
            for i in 0..MUTATIONS {
                inputs += 1;
                let (bytes, what) = mutate(src.as_bytes(), &tokens, &mut rng);
                let input = String::from_utf8_lossy(&bytes).into_owned();
                if let Err(failure) = run_program(&input, &catalogue, i % RENDER_EVERY == 0) {
                    fail(
                        &format!("{name}: mutation {i} ({what})"),
                        &input,
                        &failure,
                        |s| run_program(s, &catalogue, true).is_err(),
                    );
                }
            }
        }
        eprintln!(
            "examples: {} files, {inputs} inputs in {:?}",
            examples.len(),
            start.elapsed()
        );
    });
}

#[test]
fn known_syntax_errors_are_reported_as_errors() {
    on_big_stack(|| {
        let catalogue = Catalogue::load();
        let mut files = jan_files();
        files.push(("<empty>".to_string(), String::new()));
        // Each breaks any program it is appended to, whatever that program says.
        let breakers = [
            "\n)\n",
            "\nend\n",
            "\nfunc f( do\n",
            "\n\"unterminated",
            "\nstruct S {\n",
            "\n`\n",
        ];
        for (name, src) in &files {
            // Programs that are broken on purpose (syntax UI tests) may be repaired by a breaker.
            if parse_module(FILE, src).1.iter().any(Diagnostic::is_error) {
                continue;
            }
            for breaker in breakers {
                let input = format!("{src}{breaker}");
                let result = run_program(&input, &catalogue, true).and_then(|parse_failed| {
                    if parse_failed {
                        Ok(true)
                    } else {
                        Err(format!("no syntax error for {breaker:?}"))
                    }
                });
                if let Err(failure) = result {
                    fail(&format!("{name} + {breaker:?}"), &input, &failure, |_| {
                        false
                    });
                }
            }
        }
    });
}

#[test]
fn every_prefix_and_mutation_of_a_manifest_is_handled() {
    on_big_stack(|| {
        let catalogue = Catalogue::load();
        let mut manifests = vec![(
            "<dialect §8 example>".to_string(),
            SAMPLE_MANIFEST.to_string(),
        )];
        manifests.extend(manifest_files());
        let start = Instant::now();
        for (name, src) in &manifests {
            for end in prefix_points(src) {
                let input = &src[..end];
                if let Err(failure) = run_manifest(input, &catalogue) {
                    fail(
                        &format!("{name}: prefix of {end} bytes"),
                        input,
                        &failure,
                        |s| run_manifest(s, &catalogue).is_err(),
                    );
                }
            }
            let mut rng = Rng::for_name(name);
            let tokens = token_ranges(src.as_bytes());
            for i in 0..MUTATIONS {
                let (bytes, what) = mutate(src.as_bytes(), &tokens, &mut rng);
                let input = String::from_utf8_lossy(&bytes).into_owned();
                if let Err(failure) = run_manifest(&input, &catalogue) {
                    fail(
                        &format!("{name}: mutation {i} ({what})"),
                        &input,
                        &failure,
                        |s| run_manifest(s, &catalogue).is_err(),
                    );
                }
            }
        }
        eprintln!(
            "manifests: {} files in {:?}",
            manifests.len(),
            start.elapsed()
        );
    });
}

#[test]
fn deeply_nested_input_is_handled() {
    // Recursion in the parser, the checker or the AST's destructor would overflow the stack on
    // these (an abort, not a panic: the whole test binary would die, which still fails loudly).
    // 500 stays under the parser's nesting limit and reaches the checker; 3000 is over it.
    for depth in [500, 3000] {
        deeply_nested(depth);
    }
}

fn deeply_nested(depth: usize) {
    let rep = |s: &str| s.repeat(depth);
    let cases = [
        (
            "parentheses",
            format!(
                "func main() do\n    let x = {}1{}\nend\n",
                rep("("),
                rep(")")
            ),
        ),
        (
            "lists",
            format!(
                "func main() do\n    let x = {}1{}\nend\n",
                rep("["),
                rep("]")
            ),
        ),
        (
            "list types",
            format!(
                "func main() do\n    let x: {}i64{} = []\nend\n",
                rep("["),
                rep("]")
            ),
        ),
        (
            "optional types",
            format!("func main() do\n    let x: {}i64 = null\nend\n", rep("?")),
        ),
        (
            "operators",
            format!("func main() do\n    let x = 1{}\nend\n", rep(" + 1")),
        ),
        (
            "prefix operators",
            format!("func main() do\n    let x = {}true\nend\n", rep("not ")),
        ),
        (
            "method chains",
            format!(
                "func main() do\n    let x = 1{}\nend\n",
                rep(".to_string().len()")
            ),
        ),
        (
            "if blocks",
            format!(
                "func main() do\n{}println(1)\n{}end\n",
                rep("if true do\n"),
                rep("end\n")
            ),
        ),
        (
            "do blocks",
            format!(
                "func main() do\n    let x = {}1\n{}end\n",
                rep("do\n"),
                rep("end\n")
            ),
        ),
        (
            "tuple patterns",
            format!(
                "func f(x: i64) -> i64 do\n    return match x {{ {}_{} => 1 }}\nend\n",
                rep("("),
                rep(")")
            ),
        ),
        (
            "interpolation",
            format!(
                "func main() do\n    let s = {}1{}\nend\n",
                rep("$\"{"),
                rep("}\"")
            ),
        ),
        (
            "block comments",
            format!("{} x {}\nfunc main() do\nend\n", rep("/*"), rep("*/")),
        ),
        (
            "unclosed everything",
            format!("func main() do\n{}", rep("match x { ( [ do $\"{ ")),
        ),
    ];
    on_big_stack(move || {
        let catalogue = Catalogue::load();
        for (what, src) in &cases {
            let start = Instant::now();
            if let Err(failure) = run_program(src, &catalogue, false) {
                fail(&format!("{depth} nested {what}"), src, &failure, |_| false);
            }
            let took = start.elapsed();
            assert!(
                took < Duration::from_secs(10),
                "{depth} nested {what} took {took:?}"
            );
        }
    });
}

#[test]
fn the_corpus_is_not_empty() {
    // Guards against the suite passing vacuously after a move of the example directories.
    let files = jan_files();
    assert!(
        !files.is_empty(),
        "no .jan files found under {}",
        repo_root().display()
    );
    assert!(Path::new(&repo_root()).join("spec/diagnostics.md").exists());
}

// ---------------------------------------------------------------------------------------------
// Running one input

const FILE: FileId = FileId(0);

/// Parses and checks `src` as a one-file program without a manifest. `Ok(parse_failed)` when
/// every invariant holds; `Err(what went wrong)` on a panic or a broken invariant.
fn run_program(src: &str, catalogue: &Catalogue, render_too: bool) -> Result<bool, String> {
    quietly(|| {
        let (module, parse_diags) = parse_module(FILE, src);
        // Imports cannot be loaded in-process: declare them missing, as the driver does for
        // files it cannot read, so names reached through them are accepted silently.
        let missing_modules = module
            .items
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Import(import) => {
                    Some(import.path.iter().map(|p| p.name.clone()).collect())
                }
                _ => None,
            })
            .collect();
        let program = Program {
            modules: vec![SourceModule {
                path: Vec::new(),
                module,
            }],
            missing_modules,
        };
        let checked = check_program(&program, None);
        let parse_failed = parse_diags.iter().any(Diagnostic::is_error);
        let mut all = parse_diags;
        all.extend(checked.diagnostics);
        if parse_failed && !all.iter().any(Diagnostic::is_error) {
            return Err(
                "the parser reported an error but the combined diagnostics have none".into(),
            );
        }
        check_diagnostics(src, &all, catalogue)?;
        if render_too {
            render(src, &all)?;
        }
        Ok(parse_failed)
    })
}

/// Renders the diagnostics as `janusc check` does, as text and as JSON: rendering slices the
/// source with the spans, so it is where a bad span would hurt a user.
fn render(src: &str, diags: &[Diagnostic]) -> Result<(), String> {
    let mut sources = janusc::source_map::SourceMap::new();
    let file = sources.add(
        "input.jan".into(),
        janusc::source_map::Origin::Disk("input.jan".into()),
        src.into(),
    );
    if file != FILE {
        return Err(format!("the source map gave the only file id {file:?}"));
    }
    let mut out = Vec::new();
    janusc::render::render(&mut out, &sources, diags, "input", "check", false)
        .map_err(|e| e.to_string())?;
    if !diags.is_empty() && out.is_empty() {
        return Err("diagnostics rendered as nothing".into());
    }
    let json = janusc::json::to_string(&sources, diags);
    if !json.starts_with('{') && !json.starts_with('[') {
        return Err(format!("JSON output is not JSON: {json:.80}"));
    }
    Ok(())
}

/// Parses `src` as a `janus.toml`.
fn run_manifest(src: &str, catalogue: &Catalogue) -> Result<bool, String> {
    quietly(|| {
        let (manifest, diags) = janus_manifest::parse(FILE, src);
        if manifest.is_none() && !diags.iter().any(Diagnostic::is_error) {
            return Err("the manifest was rejected without an error diagnostic".into());
        }
        check_diagnostics(src, &diags, catalogue)?;
        Ok(manifest.is_none())
    })
}

/// Diagnostics must be usable: a known code, a message, and labels inside the file on
/// character boundaries (the renderer slices the source with them); some diagnostic must say
/// where the problem is.
fn check_diagnostics(src: &str, diags: &[Diagnostic], catalogue: &Catalogue) -> Result<(), String> {
    for d in diags {
        if !catalogue.codes.iter().any(|c| c == d.code) {
            return Err(format!(
                "code {} is not in spec/diagnostics.md ({:?})",
                d.code, d.message
            ));
        }
        if d.message.trim().is_empty() {
            return Err(format!("{}: empty message", d.code));
        }
        for label in &d.labels {
            let (lo, hi) = (label.span.lo as usize, label.span.hi as usize);
            if label.span.file != FILE {
                return Err(format!(
                    "{}: label in file {:?}, input is {FILE:?}",
                    d.code, label.span.file
                ));
            }
            if lo > hi || hi > src.len() {
                return Err(format!(
                    "{} ({:?}): label {lo}..{hi} outside 0..{}",
                    d.code,
                    d.message,
                    src.len()
                ));
            }
            if !src.is_char_boundary(lo) || !src.is_char_boundary(hi) {
                return Err(format!(
                    "{} ({:?}): label {lo}..{hi} splits a character",
                    d.code, d.message
                ));
            }
        }
    }
    if !diags.is_empty() && !diags.iter().any(|d| d.labels.iter().any(|l| l.primary)) {
        return Err(format!(
            "{} diagnostics and none has a primary label: {:?}",
            diags.len(),
            diags[0].message
        ));
    }
    Ok(())
}

thread_local! {
    /// The last panic on this thread, recorded instead of printed while [`quietly`] runs.
    static QUIET_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into `Err` with its message and location (without the noise of
/// the default hook, which stays in place for every other panic).
fn quietly<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let quiet = QUIET_PANIC.with(|q| {
                let mut q = q.borrow_mut();
                if q.as_deref() == Some("") {
                    let at = info
                        .location()
                        .map(|l| format!(" at {l}"))
                        .unwrap_or_default();
                    let msg = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    *q = Some(format!("panic{at}: {msg}"));
                    true
                } else {
                    false
                }
            });
            if !quiet {
                default(info);
            }
        }));
    });
    QUIET_PANIC.with(|q| *q.borrow_mut() = Some(String::new()));
    let result = catch_unwind(AssertUnwindSafe(f));
    let panic = QUIET_PANIC.with(|q| q.borrow_mut().take());
    match result {
        Ok(r) => r,
        Err(_) => Err(panic
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "panic".to_string())),
    }
}

/// Reports a failing input, shrunk while `still_fails` holds, and fails the test.
fn fail(what: &str, input: &str, failure: &str, still_fails: impl Fn(&str) -> bool) -> ! {
    let small = shrink(input, &still_fails);
    panic!(
        "{what}: {failure}\n--- input ({} bytes) ---\n{input}\n--- shrunk ({} bytes) ---\n{small:?}\n",
        input.len(),
        small.len()
    );
}

/// Greedy delta debugging by lines, then by characters, within a time budget.
fn shrink(input: &str, still_fails: &impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut cur: Vec<char> = input.chars().collect();
    if !still_fails(input) {
        return input.to_string();
    }
    let mut chunk = cur.len() / 2;
    while chunk >= 1 && Instant::now() < deadline {
        let mut i = 0;
        let mut progressed = false;
        while i < cur.len() && Instant::now() < deadline {
            let end = (i + chunk).min(cur.len());
            let candidate: String = cur[..i].iter().chain(&cur[end..]).collect();
            if still_fails(&candidate) {
                cur.drain(i..end);
                progressed = true;
            } else {
                i += chunk;
            }
        }
        if !progressed {
            chunk /= 2;
        }
    }
    cur.into_iter().collect()
}

/// Runs `f` on a thread with the stack of a main thread (8 MiB): `janusc` runs the front end on
/// its main thread, while test threads get only 2 MiB.
fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(f)
        .expect("spawn test thread");
    if let Err(e) = handle.join() {
        std::panic::resume_unwind(e);
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.jan` file under `examples/`, `tests/` and `stdlib/`, sorted by path.
fn jan_files() -> Vec<(String, String)> {
    let root = repo_root();
    let mut out = Vec::new();
    for dir in ["examples", "tests", "stdlib"] {
        walk(
            &root.join(dir),
            &mut |p| p.extension().is_some_and(|e| e == "jan"),
            &mut out,
        );
    }
    out.sort();
    out.into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((
                p.strip_prefix(&root).unwrap_or(&p).display().to_string(),
                text,
            ))
        })
        .collect()
}

/// Every `janus.toml` in the repository (outside build output).
fn manifest_files() -> Vec<(String, String)> {
    let root = repo_root();
    let mut out = Vec::new();
    if root.join("janus.toml").is_file() {
        out.push(root.join("janus.toml"));
    }
    for dir in ["examples", "tests", "stdlib"] {
        walk(
            &root.join(dir),
            &mut |p| p.file_name().is_some_and(|n| n == "janus.toml"),
            &mut out,
        );
    }
    out.sort();
    out.into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((
                p.strip_prefix(&root).unwrap_or(&p).display().to_string(),
                text,
            ))
        })
        .collect()
}

fn walk(dir: &Path, keep: &mut impl FnMut(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, keep, out);
        } else if keep(&path) {
            out.push(path);
        }
    }
}

/// The codes of spec/diagnostics.md's tables.
struct Catalogue {
    codes: Vec<String>,
}

impl Catalogue {
    fn load() -> Catalogue {
        let path = repo_root().join("spec/diagnostics.md");
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let codes = text
            .lines()
            .filter_map(|l| l.strip_prefix('|')?.split('|').next().map(str::trim))
            .filter(|c| c.len() == 5 && (c.starts_with('E') || c.starts_with('W')))
            .map(str::to_string)
            .collect();
        Catalogue { codes }
    }
}

/// The manifest of dialect.md §8, used even when the repository has no `janus.toml` yet.
const SAMPLE_MANIFEST: &str = r#"[package]
name = "chat"
version = "0.1.0"
entry = "src/main.jan"

[capabilities]                  # the vocabulary of node capabilities
storage_nvme = "local NVMe storage"
gpu = "a GPU"

[[cluster.node]]
name = "n1"
listen = "127.0.0.1:7101"
caps = ["storage_nvme"]

[[cluster.node]]
name = "n2"
listen = "127.0.0.1:7102"
caps = ["gpu"]

[storage]                       # where grain state lives
backend = "embedded"            # or "postgres" with url = "postgres://..."
path = ".janus/state"
"#;

/// Where to cut each file's prefixes, within [`PREFIX_BUDGET`]: at every character boundary if
/// the whole corpus fits, else at every token boundary (where the character class changes, so
/// every construct is still cut open), else at every k-th of those. Always the whole file too.
fn prefix_plan(files: &[(String, String)]) -> Vec<Vec<usize>> {
    let full: Vec<Vec<usize>> = files.iter().map(|(_, src)| prefix_points(src)).collect();
    if full.iter().map(Vec::len).sum::<usize>() <= PREFIX_BUDGET {
        return full;
    }
    let tokens: Vec<Vec<usize>> = files.iter().map(|(_, src)| token_points(src)).collect();
    let total: usize = tokens.iter().map(Vec::len).sum();
    let stride = total.div_ceil(PREFIX_BUDGET).max(1);
    tokens
        .into_iter()
        .zip(files)
        .map(|(points, (_, src))| {
            let mut kept: Vec<usize> = points.into_iter().step_by(stride).collect();
            if kept.last() != Some(&src.len()) {
                kept.push(src.len());
            }
            kept
        })
        .collect()
}

/// Every character boundary.
fn prefix_points(src: &str) -> Vec<usize> {
    (0..=src.len())
        .filter(|&i| src.is_char_boundary(i))
        .collect()
}

/// Every token boundary, with both ends.
fn token_points(src: &str) -> Vec<usize> {
    let mut points: Vec<usize> = token_ranges(src.as_bytes())
        .iter()
        .flat_map(|r| [r.0, r.1])
        .collect();
    points.push(0);
    points.push(src.len());
    points.retain(|&i| src.is_char_boundary(i));
    points.sort_unstable();
    points.dedup();
    points
}

/// Byte ranges of rough tokens: runs of word characters, single punctuation bytes (non-ASCII
/// bytes count as word characters so that ranges never split a character).
fn token_ranges(bytes: &[u8]) -> Vec<(usize, usize)> {
    let class = |b: u8| {
        if b.is_ascii_whitespace() {
            0
        } else if b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80 {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = class(bytes[i]);
        let mut j = i + 1;
        if c == 1 {
            while j < bytes.len() && class(bytes[j]) == 1 {
                j += 1;
            }
        } else if c == 0 {
            while j < bytes.len() && class(bytes[j]) == 0 {
                j += 1;
            }
        }
        if c != 0 {
            out.push((i, j));
        }
        i = j;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    /// Seeded from the file name, so each file's mutations do not depend on which other files exist.
    fn for_name(name: &str) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
        }
        Rng(h | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform-ish in `0..n` (`0` when `n == 0`).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// A range of 1..=max bytes inside `len`.
    fn range(&mut self, len: usize, max: usize) -> (usize, usize) {
        let lo = self.below(len);
        let hi = (lo + 1 + self.below(max)).min(len);
        (lo, hi)
    }
}

/// Fragments worth splicing in: the tokens that open and close constructs, operators, odd
/// literals and characters the lexer has to survive.
const FRAGMENTS: &[&str] = &[
    "do",
    "end",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "|",
    "=>",
    "->",
    ",",
    ";",
    ".",
    "..",
    "..<",
    "?",
    "!",
    "??",
    "match",
    "receive",
    "after",
    "when",
    "fail",
    "try",
    "catch",
    "func",
    "let",
    "var",
    "actor",
    "grain",
    "supervisor",
    "message",
    "enum",
    "struct",
    "spawn",
    "on",
    "child",
    "import",
    "return",
    "self",
    "null",
    "\"",
    "$\"{",
    "}\"",
    "\\{",
    "/*",
    "*/",
    "//",
    "#",
    "@requires(cap: [.gpu])",
    "@mailbox(capacity: 0)",
    "0x",
    "1e",
    "99999999999999999999999",
    "250ms",
    "1_",
    "\\u{110000}",
    "é",
    "😀",
    "\u{0}",
    "\t",
    "\n",
    "\r\n",
    "_",
    "::",
    "=",
    "+=",
    "not",
    "and",
    "or",
    "Reply[",
    "ActorRef[",
    "?T",
    "Map[",
    "i64",
    "String",
];

/// One to three random edits of `src`; returns the result and a description.
fn mutate(src: &[u8], tokens: &[(usize, usize)], rng: &mut Rng) -> (Vec<u8>, String) {
    let mut out = src.to_vec();
    let mut what = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let len = out.len();
        match rng.below(8) {
            0 if len > 0 => {
                let (lo, hi) = rng.range(len, 16);
                out.drain(lo..hi);
                what.push(format!("delete {lo}..{hi}"));
            }
            1 if len > 0 => {
                let (lo, hi) = rng.range(len, 24);
                let at = rng.below(len + 1);
                let piece = out[lo..hi].to_vec();
                out.splice(at..at, piece);
                what.push(format!("copy {lo}..{hi} to {at}"));
            }
            2 if len > 0 => {
                let (lo, hi) = rng.range(len, 40);
                let piece = out[lo..hi].to_vec();
                out.splice(hi..hi, piece);
                what.push(format!("duplicate {lo}..{hi}"));
            }
            3 if len > 1 => {
                let (a0, a1) = rng.range(len, 12);
                let (b0, b1) = rng.range(len, 12);
                let ((a0, a1), (b0, b1)) = if a0 <= b0 {
                    ((a0, a1), (b0, b1))
                } else {
                    ((b0, b1), (a0, a1))
                };
                if a1 <= b0 {
                    let mut swapped = out[..a0].to_vec();
                    swapped.extend_from_slice(&out[b0..b1]);
                    swapped.extend_from_slice(&out[a1..b0]);
                    swapped.extend_from_slice(&out[a0..a1]);
                    swapped.extend_from_slice(&out[b1..]);
                    out = swapped;
                    what.push(format!("swap {a0}..{a1} with {b0}..{b1}"));
                }
            }
            // Token edits use the original's token positions while they still fit.
            4 if !tokens.is_empty() => {
                let (lo, hi) = tokens[rng.below(tokens.len())];
                if hi <= out.len() {
                    out.drain(lo..hi);
                    what.push(format!("delete token at {lo}"));
                }
            }
            5 => {
                let frag = FRAGMENTS[rng.below(FRAGMENTS.len())];
                let at = if tokens.is_empty() || rng.below(2) == 0 {
                    rng.below(len + 1)
                } else {
                    tokens[rng.below(tokens.len())].0.min(len)
                };
                out.splice(at..at, frag.bytes().chain([b' ']));
                what.push(format!("insert {frag:?} at {at}"));
            }
            6 if len > 0 => {
                let at = rng.below(len);
                let b = rng.next() as u8;
                out[at] = b;
                what.push(format!("byte {at} = {b:#04x}"));
            }
            7 if tokens.len() > 1 => {
                let a = tokens[rng.below(tokens.len())];
                let b = tokens[rng.below(tokens.len())];
                let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
                if a.1 <= b.0 && b.1 <= out.len() {
                    let mut swapped = out[..a.0].to_vec();
                    swapped.extend_from_slice(&out[b.0..b.1]);
                    swapped.extend_from_slice(&out[a.1..b.0]);
                    swapped.extend_from_slice(&out[a.0..a.1]);
                    swapped.extend_from_slice(&out[b.1..]);
                    out = swapped;
                    what.push(format!("swap tokens at {} and {}", a.0, b.0));
                }
            }
            _ => {}
        }
    }
    (out, what.join(", "))
}
