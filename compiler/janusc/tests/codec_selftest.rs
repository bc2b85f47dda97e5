//! Every message type of every example survives the wire: `janusc build --codec-selftest`
//! emits the program's own type descriptors and an entry point that encodes random values of
//! each message protocol (200 per protocol, edge values included) into frames, decodes them,
//! and checks that the decoded value is the same and re-encodes to the same bytes
//! (`runtime/src/abi/selftest.rs`). This tests the descriptors the compiler emits against the
//! codec the cluster will use, before any network exists.

use std::path::Path;
use std::process::Command;

#[test]
fn every_message_protocol_of_every_example_round_trips() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out_dir = std::env::temp_dir().join(format!("janus-codec-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).expect("temporary directory");
    let mut examples: Vec<_> = std::fs::read_dir(root.join("examples"))
        .expect("examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jan"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 10);
    let mut protocols = 0;
    for ex in &examples {
        let src = std::fs::read_to_string(ex).expect("read example");
        let declared = src.lines().filter(|l| l.starts_with("message ")).count();
        let exe = out_dir.join(ex.file_stem().expect("stem"));
        let build = Command::new(env!("CARGO_BIN_EXE_janusc"))
            .args(["build", "--codec-selftest", "-o"])
            .arg(&exe)
            .arg(ex)
            .output()
            .expect("run janusc");
        assert!(
            build.status.success(),
            "{}: {}",
            ex.display(),
            String::from_utf8_lossy(&build.stderr)
        );
        let run = Command::new(&exe).output().expect("run the self-test");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(run.status.success(), "{}:\n{stdout}", ex.display());
        let ok = stdout
            .lines()
            .filter(|l| l.starts_with("codec ") && l.ends_with(" ok") && l.contains("values=200"))
            .count();
        assert_eq!(
            ok,
            declared,
            "{}: every declared message protocol is tested:\n{stdout}",
            ex.display()
        );
        protocols += ok;
    }
    assert!(
        protocols >= 14,
        "only {protocols} protocols in the examples"
    );
    let _ = std::fs::remove_dir_all(&out_dir);
}
