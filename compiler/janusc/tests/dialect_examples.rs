//! Keeps `tests/ui/dialect/*.jan` in sync with the language contract: every ```janus block of
//! `../shared/dialect.md` must appear verbatim (modulo trailing whitespace) in one of those
//! files. The UI harness then checks that the files produce no diagnostics, so together they
//! prove that every example of the contract compiles.

use std::fs;
use std::path::{Path, PathBuf};

/// The contract lives outside the repository, beside it in the shared folder.
const DIALECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/dialect.md");
const DIALECT_TESTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/ui/dialect");

/// One fenced ```janus block: its first line number in dialect.md (1-based) and its lines with
/// trailing whitespace removed.
#[derive(Debug)]
struct Block {
    line: usize,
    lines: Vec<String>,
}

/// Extracts the ```janus blocks of a Markdown text. Other fences (```toml) are skipped; an
/// unclosed block is reported rather than silently dropped.
fn janus_blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    // Whether we are inside a fence of some other language, whose contents are not Janus.
    let mut in_other_fence = false;
    for (index, raw) in markdown.lines().enumerate() {
        let trimmed = raw.trim();
        match current.as_mut() {
            Some(block) => {
                if trimmed == "```" {
                    if let Some(done) = current.take() {
                        blocks.push(done);
                    }
                } else {
                    block.lines.push(raw.trim_end().to_string());
                }
            }
            None if in_other_fence => {
                if trimmed == "```" {
                    in_other_fence = false;
                }
            }
            None => {
                if let Some(lang) = trimmed.strip_prefix("```") {
                    if lang.trim() == "janus" {
                        current = Some(Block {
                            line: index + 2,
                            lines: Vec::new(),
                        });
                    } else {
                        in_other_fence = true;
                    }
                }
            }
        }
    }
    if let Some(open) = current {
        return Err(format!(
            "dialect.md: the ```janus block starting at line {} is never closed",
            open.line - 1
        ));
    }
    Ok(blocks)
}

/// Whether `needle` occurs as a contiguous run of lines in `haystack`.
fn contains_lines(haystack: &[String], needle: &[String]) -> bool {
    if needle.is_empty() {
        return true;
    }
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn normalized_lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim_end().to_string()).collect()
}

/// Every `.jan` file of tests/ui/dialect, sorted, with its normalized lines.
fn dialect_test_files() -> Vec<(PathBuf, Vec<String>)> {
    let dir = Path::new(DIALECT_TESTS);
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut files: Vec<(PathBuf, Vec<String>)> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "jan"))
        .map(|path| {
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let lines = normalized_lines(&text);
            (path, lines)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Reads dialect.md, or explains why the test cannot run. `None` means: skip on purpose.
fn read_dialect() -> Option<String> {
    match fs::read_to_string(DIALECT) {
        Ok(text) => Some(text),
        Err(e) => {
            if std::env::var("JANUS_NO_SHARED").is_ok_and(|v| v == "1") {
                eprintln!("skipping: {DIALECT} is not available and JANUS_NO_SHARED=1");
                None
            } else {
                panic!(
                    "cannot read the language contract at {DIALECT}: {e}\n\
                     This test keeps tests/ui/dialect in sync with it. Run it from a checkout \
                     that has the shared folder beside the repository, or set JANUS_NO_SHARED=1 \
                     to skip it."
                );
            }
        }
    }
}

#[test]
fn every_dialect_block_has_a_verbatim_ui_test() {
    let Some(markdown) = read_dialect() else {
        return;
    };
    let blocks = janus_blocks(&markdown).unwrap_or_else(|e| panic!("{e}"));
    assert!(!blocks.is_empty(), "no ```janus blocks found in {DIALECT}");
    let files = dialect_test_files();
    assert!(!files.is_empty(), "no .jan files in {DIALECT_TESTS}");

    let mut missing = Vec::new();
    for (n, block) in blocks.iter().enumerate() {
        if !files
            .iter()
            .any(|(_, lines)| contains_lines(lines, &block.lines))
        {
            let first = block
                .lines
                .iter()
                .find(|l| !l.is_empty())
                .cloned()
                .unwrap_or_default();
            missing.push(format!(
                "  block #{} (dialect.md line {}, starting `{}`)",
                n + 1,
                block.line,
                first
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "these ```janus blocks of dialect.md have no verbatim copy in tests/ui/dialect/*.jan \
         (copy the block into the numbered file, below its header comment, and keep any \
         supporting declarations under the `// --- supporting declarations` line):\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_dialect_test_file_holds_a_dialect_block() {
    let Some(markdown) = read_dialect() else {
        return;
    };
    let blocks = janus_blocks(&markdown).unwrap_or_else(|e| panic!("{e}"));
    // A file that holds no block any more is a stale copy of an example that was changed or
    // removed: it would keep testing text that is no longer the contract.
    let stale: Vec<String> = dialect_test_files()
        .into_iter()
        .filter(|(_, lines)| !blocks.iter().any(|b| contains_lines(lines, &b.lines)))
        .map(|(path, _)| format!("  {}", path.display()))
        .collect();
    assert!(
        stale.is_empty(),
        "these files in tests/ui/dialect hold no current ```janus block of dialect.md:\n{}",
        stale.join("\n")
    );
}

#[test]
fn block_extraction_handles_other_fences_and_trailing_spaces() {
    let md = "text\n```toml\n[package]\n```\n```janus\nfunc main() do   \nend\n```\n";
    let blocks = janus_blocks(md).expect("well-formed markdown");
    assert_eq!(blocks.len(), 1);
    assert_eq!(
        blocks[0].lines,
        vec!["func main() do".to_string(), "end".to_string()]
    );
    assert_eq!(blocks[0].line, 6);
    assert!(janus_blocks("```janus\nfunc f() do\n").is_err());
    let hay = normalized_lines("a\nfunc main() do\nend\nb");
    assert!(contains_lines(&hay, &blocks[0].lines));
    assert!(!contains_lines(
        &normalized_lines("func main() do\nb\nend"),
        &blocks[0].lines
    ));
}
