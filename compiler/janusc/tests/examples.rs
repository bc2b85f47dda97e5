//! Every example runs as its header says: each `examples/*.jan` that needs no grain (which
//! this version does not compile yet) is built by the real `janusc build`, run, and its stdout
//! compared with the lines under `// Expected output:` in its header comment. The others are
//! checked to be refused with the clear "cannot be compiled yet" message, so that this test
//! starts failing — and must be extended — the day they compile.

use std::path::Path;
use std::process::Command;

/// The `// Expected output:` block of an example's header, one line per comment line (`//`
/// alone is an empty line), up to the first line that is not a comment.
fn expected_output(src: &str) -> Option<String> {
    let mut lines = src
        .lines()
        .skip_while(|l| l.trim() != "// Expected output:");
    lines.next()?;
    let mut out = String::new();
    for l in lines {
        let Some(rest) = l.strip_prefix("//") else {
            break;
        };
        out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        out.push('\n');
    }
    Some(out)
}

#[test]
fn examples_print_what_their_headers_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("janus-examples-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let mut ran = Vec::new();
    let mut refused = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(root.join("examples"))
        .expect("examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jan"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let src = std::fs::read_to_string(&path).expect("read");
        let expected = expected_output(&src)
            .unwrap_or_else(|| panic!("{name}: no `// Expected output:` block in the header"));
        let needs_later_work = src.lines().any(|l| l.starts_with("grain "));
        let exe = dir.join(&name);
        let build = Command::new(env!("CARGO_BIN_EXE_janusc"))
            .args(["build", "-o"])
            .arg(&exe)
            .arg(&path)
            .output()
            .expect("run janusc");
        let stderr = String::from_utf8_lossy(&build.stderr);
        if needs_later_work {
            assert!(
                !build.status.success() && stderr.contains("cannot be compiled yet"),
                "{name}: expected the grains refusal, got: {stderr}"
            );
            refused.push(name);
            continue;
        }
        assert!(build.status.success(), "{name}: {stderr}");
        let run = Command::new(&exe).output().expect("run the example");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(
            run.status.success(),
            "{name}: exit {:?}\n{}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        );
        assert_eq!(stdout, expected, "{name}: stdout differs from its header");
        ran.push(name);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("ran {ran:?}; refused (grains) {refused:?}");
    assert!(ran.len() >= 7, "{ran:?}");
}
