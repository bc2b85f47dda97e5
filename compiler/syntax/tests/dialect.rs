//! Every ```janus example of the dialect document parses without a diagnostic.

mod common;

const DIALECT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/dialect.md");

#[test]
fn dialect_examples_parse_cleanly() {
    let Ok(md) = std::fs::read_to_string(DIALECT) else {
        eprintln!("SKIPPED: {DIALECT} is absent; dialect examples not checked");
        return;
    };
    let blocks = common::janus_blocks(&md);
    assert!(
        blocks.len() >= 8,
        "expected the dialect's examples, found {}",
        blocks.len()
    );
    let mut failures = String::new();
    for (line, src) in &blocks {
        let (m, d) = common::parse(src);
        if !d.is_empty() {
            failures.push_str(&format!(
                "--- block at dialect.md:{line}\n{}",
                common::render(&d, src)
            ));
        }
        assert!(
            !m.items.is_empty(),
            "block at line {line} produced no items"
        );
        assert!(
            !janus_syntax::dump(&m).contains("(error)"),
            "block at line {line} has error nodes:\n{}",
            janus_syntax::dump(&m)
        );
    }
    assert!(failures.is_empty(), "{failures}");
}
