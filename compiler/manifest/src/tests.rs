//! Unit tests of manifest parsing: the dialect's example is valid, and every kind of error is
//! reported with its code at the exact key or value it concerns.

use super::*;
use janus_syntax::Severity;

const FILE: FileId = FileId(7);

/// The example manifest of dialect §8.
const EXAMPLE: &str = r#"[package]
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
"#;

const PKG: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n";

/// Each diagnostic as (code, text under the primary label, byte range of the primary label).
fn problems(text: &str) -> Vec<(&'static str, String, (u32, u32))> {
    let (_, diags) = parse(FILE, text);
    diags
        .iter()
        .map(|d| {
            let l = d
                .labels
                .iter()
                .find(|l| l.primary)
                .expect("every diagnostic has a primary label");
            assert_eq!(l.span.file, FILE);
            (
                d.code,
                text[l.span.range()].to_string(),
                (l.span.lo, l.span.hi),
            )
        })
        .collect()
}

/// Asserts exactly one diagnostic, with this code, whose primary label covers exactly `snippet`
/// at its first occurrence at or after `from` in the text.
fn expect_one(text: &str, code: &str, snippet: &str, from: &str) -> Diagnostic {
    let (_, diags) = parse(FILE, text);
    assert_eq!(
        diags.len(),
        1,
        "expected one diagnostic for:\n{text}\ngot: {diags:#?}"
    );
    let d = diags.into_iter().next().unwrap();
    assert_eq!(d.code, code, "{d:#?}");
    let base = text.find(from).expect("anchor in text");
    let lo = base + text[base..].find(snippet).expect("snippet after anchor");
    let l = d.labels.iter().find(|l| l.primary).unwrap();
    assert_eq!(
        (l.span.lo as usize, l.span.hi as usize),
        (lo, lo + snippet.len()),
        "{d:#?}"
    );
    d
}

fn ok(text: &str) -> Manifest {
    let (m, diags) = parse(FILE, text);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    m.expect("a manifest")
}

#[test]
fn dialect_example_is_valid() {
    let m = ok(EXAMPLE);
    assert_eq!(m.file, FILE);
    assert_eq!(
        m.package,
        Package {
            name: "chat".into(),
            version: "0.1.0".into(),
            entry: "src/main.jan".into()
        }
    );
    let caps: Vec<_> = m
        .capabilities
        .iter()
        .map(|c| (c.name.as_str(), c.description.as_str()))
        .collect();
    assert_eq!(
        caps,
        [("storage_nvme", "local NVMe storage"), ("gpu", "a GPU")]
    );
    let gpu = &m.capabilities[1];
    assert_eq!(&EXAMPLE[gpu.span.range()], "gpu");
    assert_eq!(m.nodes.len(), 2);
    assert_eq!(m.nodes[0].name, "n1");
    assert_eq!(m.nodes[0].listen, "127.0.0.1:7101");
    assert_eq!(m.nodes[0].caps, ["storage_nvme"]);
    assert_eq!(&EXAMPLE[m.nodes[1].span.range()], "\"n2\"");
    assert_eq!(m.nodes[1].caps, ["gpu"]);
    assert_eq!(
        m.storage,
        Storage::Embedded {
            path: ".janus/state".into()
        }
    );
    assert!(m.has_capability("gpu") && !m.has_capability("ssd"));
    assert_eq!(
        m.node("n2").map(|n| n.listen.as_str()),
        Some("127.0.0.1:7102")
    );
}

#[test]
fn defaults_apply() {
    let m = ok(PKG);
    assert_eq!(m.package.entry, "src/main.jan");
    assert!(m.capabilities.is_empty() && m.nodes.is_empty());
    assert_eq!(
        m.storage,
        Storage::Embedded {
            path: ".janus/state".into()
        }
    );
    let m = ok(&format!(
        "{PKG}[capabilities]\nssd = \"x\"\n[[cluster.node]]\nname = \"a\"\nlisten = \"h:1\"\n"
    ));
    assert!(m.nodes[0].caps.is_empty());
}

#[test]
fn postgres_and_custom_path_and_inline_forms() {
    let m = ok(&format!(
        "{PKG}[storage]\nbackend = \"postgres\"\nurl = \"postgres://u@localhost/db\"\n"
    ));
    assert_eq!(
        m.storage,
        Storage::Postgres {
            url: "postgres://u@localhost/db".into()
        }
    );
    let m = ok(&format!("{PKG}[storage]\npath = \"data/state\"\n"));
    assert_eq!(
        m.storage,
        Storage::Embedded {
            path: "data/state".into()
        }
    );
    let m = ok(
        "package = { name = \"a\", version = \"1\" }\ncluster.node = [{ name = \"x\", listen = \"[::1]:80\" }]\n",
    );
    assert_eq!(m.nodes[0].listen, "[::1]:80");
}

#[test]
fn toml_syntax_error_points_at_the_error() {
    let text = "[package\nname = \"a\"\n";
    let (m, diags) = parse(FILE, text);
    assert!(m.is_none());
    assert!(
        !diags.is_empty() && diags.iter().all(|d| d.code == "E1010"),
        "{diags:#?}"
    );
    let p = problems(text);
    assert_eq!(p[0].2, (8, 8), "{p:?}");
}

#[test]
fn toml_value_without_quotes() {
    let text = "[package]\nname = chat\n";
    let p = problems(text);
    assert!(p.iter().all(|(c, _, _)| *c == "E1010"));
    assert_eq!(p[0].2.0, 17, "{p:?}");
}

#[test]
fn toml_duplicate_key_is_a_syntax_error() {
    let text = "[package]\nname = \"a\"\nname = \"b\"\nversion = \"1\"\n";
    let p = problems(text);
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].0, "E1010");
    assert_eq!(p[0].1, "name");
    assert_eq!(p[0].2, (21, 25));
}

#[test]
fn unknown_top_level_key_with_suggestion() {
    let text = format!("{PKG}[capabilites]\ngpu = \"g\"\n");
    let d = expect_one(&text, "E1011", "capabilites", "[capabilites]");
    assert_eq!(d.help.as_deref(), Some("did you mean `capabilities`?"));
}

#[test]
fn unknown_package_key() {
    let text = "[package]\nname = \"a\"\nversion = \"1\"\nentyr = \"main.jan\"\n";
    let d = expect_one(text, "E1011", "entyr", "entyr");
    assert_eq!(d.message, "unknown key `entyr` in `[package]`");
    assert_eq!(d.help.as_deref(), Some("did you mean `entry`?"));
}

#[test]
fn unknown_key_without_close_match_lists_allowed_keys() {
    let text = format!("{PKG}[storage]\nzzzz = 1\n");
    let d = expect_one(&text, "E1011", "zzzz", "zzzz");
    assert_eq!(
        d.help.as_deref(),
        Some("the keys allowed here are `backend`, `path`, `url`")
    );
}

#[test]
fn unknown_node_key() {
    let text = format!("{PKG}[[cluster.node]]\nname = \"n1\"\nlisten = \"h:1\"\ncap = []\n");
    let d = expect_one(&text, "E1011", "cap", "cap = ");
    assert_eq!(d.help.as_deref(), Some("did you mean `caps`?"));
}

#[test]
fn unknown_cluster_key() {
    let text = format!("{PKG}[cluster]\nnodes = []\n");
    let d = expect_one(&text, "E1011", "nodes", "nodes");
    assert_eq!(d.help.as_deref(), Some("did you mean `node`?"));
}

#[test]
fn missing_package() {
    let text = "[capabilities]\ngpu = \"g\"\n";
    let (m, diags) = parse(FILE, text);
    assert!(m.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, "E1011");
    assert_eq!(diags[0].primary_span(), Some(Span::new(FILE, 0, 0)));
}

#[test]
fn missing_name_and_version_point_at_package_header() {
    let text = "[package]\nentry = \"main.jan\"\n";
    let (m, _) = parse(FILE, text);
    let p = problems(text);
    assert_eq!(
        p,
        [
            ("E1011", "package".into(), (1, 8)),
            ("E1011", "package".into(), (1, 8))
        ]
    );
    let (_, diags) = parse(FILE, text);
    assert_eq!(diags[0].message, "missing `name` in `[package]`");
    assert_eq!(diags[1].message, "missing `version` in `[package]`");
    assert_eq!(m.map(|m| m.package.entry), Some("main.jan".to_string()));
}

#[test]
fn wrong_type_for_version() {
    let text = "[package]\nname = \"a\"\nversion = 1\n";
    let d = expect_one(text, "E1011", "1", "version");
    assert_eq!(
        d.message,
        "`version` in `[package]` must be a string, found an integer"
    );
}

#[test]
fn package_must_be_a_table() {
    let text = "package = \"a\"\n";
    let (m, diags) = parse(FILE, text);
    assert!(m.is_none());
    assert_eq!(diags.len(), 1);
    expect_one(text, "E1011", "\"a\"", "package");
}

#[test]
fn entry_must_be_a_jan_file() {
    let text = "[package]\nname = \"a\"\nversion = \"1\"\nentry = \"main.rs\"\n";
    expect_one(text, "E1011", "\"main.rs\"", "entry");
}

#[test]
fn empty_name_is_rejected() {
    let text = "[package]\nname = \"\"\nversion = \"1\"\n";
    expect_one(text, "E1011", "\"\"", "name");
}

#[test]
fn capability_name_must_be_lowercase_identifier() {
    let text = format!("{PKG}[capabilities]\nGPU-fast = \"g\"\n");
    let d = expect_one(&text, "E1011", "GPU-fast", "GPU");
    assert_eq!(d.help.as_deref(), Some("write it as `gpu_fast`"));
}

#[test]
fn capability_description_must_be_a_string() {
    let text = format!("{PKG}[capabilities]\ngpu = true\n");
    expect_one(&text, "E1011", "true", "gpu");
}

#[test]
fn node_cap_must_be_declared_with_suggestion() {
    let text = format!(
        "{PKG}[capabilities]\ngpu = \"g\"\n[[cluster.node]]\nname = \"n1\"\nlisten = \"h:1\"\ncaps = [\"gpx\"]\n"
    );
    let d = expect_one(&text, "E1011", "\"gpx\"", "caps");
    assert_eq!(
        d.message,
        "capability `gpx` is not declared in `[capabilities]`"
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `gpu`?"));
}

#[test]
fn node_cap_declared_after_the_node_is_fine() {
    let text = format!(
        "{PKG}[[cluster.node]]\nname = \"n1\"\nlisten = \"h:1\"\ncaps = [\"gpu\"]\n[capabilities]\ngpu = \"g\"\n"
    );
    ok(&text);
}

#[test]
fn node_cap_undeclared_without_capabilities_table() {
    let text =
        format!("{PKG}[[cluster.node]]\nname = \"n1\"\nlisten = \"h:1\"\ncaps = [\"ssd\"]\n");
    let d = expect_one(&text, "E1011", "\"ssd\"", "caps");
    assert_eq!(
        d.help.as_deref(),
        Some("declare it under `[capabilities]`: `ssd = \"what it means\"`")
    );
}

#[test]
fn caps_must_be_an_array_of_strings() {
    let text = format!("{PKG}[[cluster.node]]\nname = \"n1\"\nlisten = \"h:1\"\ncaps = \"gpu\"\n");
    expect_one(&text, "E1011", "\"gpu\"", "caps");
    let text = format!("{PKG}[[cluster.node]]\nname = \"n1\"\nlisten = \"h:1\"\ncaps = [3]\n");
    expect_one(&text, "E1011", "3", "caps");
}

#[test]
fn duplicate_node_name() {
    let text = format!(
        "{PKG}[[cluster.node]]\nname = \"n1\"\nlisten = \"h:1\"\n[[cluster.node]]\nname = \"n1\"\nlisten = \"h:2\"\n"
    );
    let d = expect_one(&text, "E1011", "\"n1\"", "h:1");
    assert_eq!(d.message, "node `n1` is declared twice");
    let secondary = d
        .labels
        .iter()
        .find(|l| !l.primary)
        .expect("points at the first");
    assert_eq!(&text[secondary.span.range()], "\"n1\"");
    assert!(secondary.span.lo < d.primary_span().unwrap().lo);
    let (m, _) = parse(FILE, &text);
    assert_eq!(m.map(|m| m.nodes.len()), Some(1));
}

#[test]
fn node_missing_name_and_listen_point_at_its_header() {
    let text = format!("{PKG}[[cluster.node]]\ncaps = []\n");
    let p = problems(&text);
    assert_eq!(p.len(), 2, "{p:?}");
    for (code, snippet, _) in &p {
        assert_eq!((*code, snippet.as_str()), ("E1011", "[[cluster.node]]"));
    }
}

#[test]
fn bad_listen_addresses() {
    for (listen, why) in [
        ("localhost", "has no port"),
        ("127.0.0.1:", "is not a number"),
        ("127.0.0.1:http", "is not a number"),
        ("127.0.0.1:70000", "out of range"),
        ("127.0.0.1:0", "port 0"),
        (":7101", "has no host"),
        ("::1:7101", "brackets"),
        ("[::1:7101", "not closed"),
    ] {
        let text = format!("{PKG}[[cluster.node]]\nname = \"n\"\nlisten = \"{listen}\"\n");
        let d = expect_one(&text, "E1011", &format!("\"{listen}\""), "listen");
        assert!(d.message.contains(why), "{listen}: {}", d.message);
    }
    for listen in ["127.0.0.1:7101", "[::1]:1", "node-a.example:65535"] {
        ok(&format!(
            "{PKG}[[cluster.node]]\nname = \"n\"\nlisten = \"{listen}\"\n"
        ));
    }
}

#[test]
fn cluster_node_must_be_array_of_tables() {
    let text = format!("{PKG}[cluster]\nnode = \"n1\"\n");
    expect_one(&text, "E1011", "\"n1\"", "node");
    let text = format!("{PKG}[cluster]\nnode = [1]\n");
    expect_one(&text, "E1011", "1", "node = ");
}

#[test]
fn unknown_backend_with_suggestion() {
    let text = format!("{PKG}[storage]\nbackend = \"postgress\"\n");
    let d = expect_one(&text, "E1011", "\"postgress\"", "backend");
    assert_eq!(d.help.as_deref(), Some("did you mean `\"postgres\"`?"));
}

#[test]
fn postgres_needs_url() {
    let text = format!("{PKG}[storage]\nbackend = \"postgres\"\n");
    let d = expect_one(&text, "E1011", "\"postgres\"", "backend");
    assert_eq!(d.message, "the postgres storage backend needs a `url`");
}

#[test]
fn postgres_url_must_be_postgres() {
    let text = format!("{PKG}[storage]\nbackend = \"postgres\"\nurl = \"mysql://x\"\n");
    expect_one(&text, "E1011", "\"mysql://x\"", "url");
}

#[test]
fn path_with_postgres_and_url_with_embedded() {
    let text =
        format!("{PKG}[storage]\nbackend = \"postgres\"\nurl = \"postgres://x\"\npath = \"a\"\n");
    expect_one(&text, "E1011", "path", "path");
    let text = format!("{PKG}[storage]\nurl = \"postgres://x\"\n");
    expect_one(&text, "E1011", "url", "url");
}

#[test]
fn several_problems_are_all_reported_in_file_order() {
    let text = "[package]\nname = 1\nversion = \"1\"\nbogus = 2\n[[cluster.node]]\nname = \"a\"\nlisten = \"x\"\n";
    let p = problems(text);
    let snippets: Vec<_> = p.iter().map(|(c, s, _)| (*c, s.as_str())).collect();
    assert_eq!(
        snippets,
        [("E1011", "1"), ("E1011", "bogus"), ("E1011", "\"x\"")]
    );
}

#[test]
fn value_span_finds_nested_values() {
    assert_eq!(
        value_span(FILE, EXAMPLE, &["package", "entry"]).map(|s| &EXAMPLE[s.range()]),
        Some("\"src/main.jan\"")
    );
    assert_eq!(value_span(FILE, EXAMPLE, &["package", "nope"]), None);
    assert_eq!(value_span(FILE, "[x", &["x"]), None);
}

#[test]
fn every_diagnostic_is_an_error_with_a_primary_label_inside_the_text() {
    let inputs = [
        "",
        "\u{feff}",
        "[",
        "]]]",
        "a = \"\\u{110000}\"",
        "x.y.z = 1\n[x]\n",
        "[package]\nname=\"é\"\nversion=\"ü\"\n[[cluster.node]]\nname=\"🎉\"\nlisten=\"é:1\"\n",
        "[[package]]\nname=\"a\"",
        "[cluster]\nnode = [[]]",
        "[[cluster.node]]\n[[cluster.node]]\n",
        "[storage]\nbackend = []\n",
        "[package]\nname=\"a\"\nversion=\"1\"\n[cluster.node.x]\n",
    ];
    for text in inputs {
        let (_, diags) = parse(FILE, text);
        for d in diags {
            assert_eq!(d.severity, Severity::Error);
            let s = d.primary_span().expect("label");
            assert!(
                s.lo <= s.hi && (s.hi as usize) <= text.len(),
                "{text:?}: {d:?}"
            );
            assert!(text.is_char_boundary(s.lo as usize) && text.is_char_boundary(s.hi as usize));
        }
    }
}

#[test]
fn never_panics_on_mangled_inputs() {
    // Every prefix and a few byte-level corruptions of the example.
    for end in 0..=EXAMPLE.len() {
        if EXAMPLE.is_char_boundary(end) {
            let _ = parse(FILE, &EXAMPLE[..end]);
        }
    }
    for (i, _) in EXAMPLE.char_indices() {
        for c in ['"', '[', ']', '=', '\n', '#', '{', ','] {
            let mut s = EXAMPLE.to_string();
            s.insert(i, c);
            let _ = parse(FILE, &s);
        }
    }
}
