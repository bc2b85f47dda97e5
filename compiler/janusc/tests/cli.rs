//! The `janusc` command line as users meet it: exit statuses 0/1/2, help and version, the
//! JSON document's shape, colour only on terminals, and how a path is resolved (a directory's
//! manifest entry, a file's nearest manifest). Runs the real binary in temporary directories.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const JANUSC: &str = env!("CARGO_BIN_EXE_janusc");

/// A fresh directory under the system's temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "janusc-cli-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch directory");
        Scratch(dir)
    }

    fn write(&self, rel: &str, text: &str) -> &Scratch {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("create dirs");
        std::fs::write(p, text).expect("write a file");
        self
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn janusc(cwd: &Path, args: &[&str]) -> Output {
    Command::new(JANUSC)
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run janusc")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const MANIFEST: &str =
    "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nentry = \"app/start.jan\"\n";

#[test]
fn help_and_version() {
    let dir = std::env::temp_dir();
    for flag in ["--help", "-h", "help"] {
        let o = janusc(&dir, &[flag]);
        assert_eq!(o.status.code(), Some(0));
        assert!(
            stdout(&o).contains("Usage: janusc <command>"),
            "{}",
            stdout(&o)
        );
    }
    let o = janusc(&dir, &["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("--format json"));
    let o = janusc(&dir, &["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o).trim(),
        format!("janusc {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let s = Scratch::new();
    s.write("a.jan", "func main() do\nend\n");
    for (args, needle) in [
        (&[][..], "no command"),
        (&["chek"][..], "did you mean `check`?"),
        (
            &["check", "--frmat", "json", "a.jan"][..],
            "unknown option `--frmat`",
        ),
        (
            &["check", "--format", "xml", "a.jan"][..],
            "unknown format `xml`",
        ),
        (&["check", "a.jan", "b.jan"][..], "takes one path"),
        (&["check", "missing.jan"][..], "cannot open `missing.jan`"),
        (&["check"][..], "without a `janus.toml`"),
        (
            &["check", "--format", "json", "nowhere/"][..],
            "cannot open `nowhere/`",
        ),
    ] {
        let o = janusc(s.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}");
    }
    s.write("notes.txt", "hi");
    let o = janusc(s.path(), &["check", "notes.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("neither a `.jan` file"));
}

#[test]
fn clean_program_exits_0_silently() {
    let s = Scratch::new();
    s.write("ok.jan", "func main() do\n    println(\"hi\")\nend\n");
    let o = janusc(s.path(), &["check", "ok.jan"]);
    // No janus.toml and no @requires: nothing to say.
    assert_eq!((o.status.code(), stderr(&o).as_str()), (Some(0), ""));
    let o = janusc(s.path(), &["check", "--format", "json", "ok.jan"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["errors"], 0);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn errors_exit_1_with_summary_line() {
    let s = Scratch::new();
    s.write("bad.jan", "import nothing.here\n\nfunc main() do\nend\n");
    let o = janusc(s.path(), &["check", "bad.jan"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("[E0204] Error: module `nothing.here` not found"),
        "{err}"
    );
    assert!(err.contains("bad.jan:1:8"), "{err}");
    assert!(
        err.trim_end()
            .ends_with("error: could not check `bad.jan` due to 1 previous error"),
        "{err}"
    );
}

#[test]
fn json_document_shape() {
    let s = Scratch::new();
    s.write("m.jan", "// é\nimport std.tme\n\nfunc main() do\nend\n");
    let o = janusc(s.path(), &["check", "--format", "json", "m.jan"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).is_empty(),
        "json mode writes only stdout: {}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let diags = v["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(
        v["errors"],
        diags.iter().filter(|d| d["severity"] == "error").count()
    );
    assert_eq!(
        v["warnings"],
        diags.iter().filter(|d| d["severity"] == "warning").count()
    );
    let d = diags.iter().find(|d| d["code"] == "E0204").expect("E0204");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "m.jan");
    // `std.tme` starts after "// é\n" (6 bytes) and "import " (7 bytes).
    assert_eq!(
        (d["start"].as_u64(), d["end"].as_u64()),
        (Some(13), Some(20))
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(8))
    );
    assert_eq!(d["help"], "did you mean `std.time`?");
    assert!(d["notes"].is_array() && d["message"].is_string());
    let label = &d["labels"][0];
    for key in [
        "file", "start", "end", "line", "column", "message", "primary",
    ] {
        assert!(!label[key].is_null(), "label has {key}: {label}");
    }
    assert_eq!(label["primary"], true);
}

#[test]
fn column_counts_characters() {
    let s = Scratch::new();
    s.write("u.jan", "/* éé */ import missing\n");
    let o = janusc(s.path(), &["check", "--format", "json", "u.jan"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let d = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["code"] == "E0204")
        .expect("E0204");
    // Byte 18, character 17: each `é` is two bytes.
    assert_eq!(
        (d["start"].as_u64(), d["column"].as_u64()),
        (Some(18), Some(17))
    );
}

#[test]
fn no_colour_when_not_a_terminal() {
    let s = Scratch::new();
    s.write("bad.jan", "import nope\n");
    // NO_COLOR unset, but stderr is a pipe: still no escape codes.
    let o = Command::new(JANUSC)
        .args(["check", "bad.jan"])
        .current_dir(s.path())
        .env_remove("NO_COLOR")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains('\x1b'), "{}", stderr(&o));
}

#[test]
fn colour_when_asked_in_process() {
    let s = Scratch::new();
    s.write("bad.jan", "import nope\n");
    let path = s.path().join("bad.jan").to_string_lossy().into_owned();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = janusc::run(&["check".into(), path], &mut out, &mut err, true);
    assert_eq!(status, 1);
    assert!(String::from_utf8_lossy(&err).contains('\x1b'));
}

#[test]
fn directory_uses_the_manifest_entry() {
    let s = Scratch::new();
    s.write("proj/janus.toml", MANIFEST).write(
        "proj/app/start.jan",
        "import util.missing\n\nfunc main() do\nend\n",
    );
    for path in ["proj", "proj/", "proj/janus.toml"] {
        let o = janusc(s.path(), &["check", "--format", "json", path]);
        assert_eq!(o.status.code(), Some(1), "{path}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
        let d = &v["diagnostics"][0];
        assert_eq!(d["code"], "E0204", "{path}: {v}");
        assert_eq!(d["file"], "proj/app/start.jan", "{path}");
    }
    // From inside the project, with the default path `.`.
    let o = janusc(&s.path().join("proj"), &["check"]);
    assert!(stderr(&o).contains("app/start.jan:1:8"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("could not check `demo`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn missing_entry_points_into_the_manifest() {
    let s = Scratch::new();
    s.write("p/janus.toml", MANIFEST);
    let o = janusc(s.path(), &["check", "--format", "json", "p"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["file"].as_str(), d["line"].as_u64()),
        (Some("E1102"), Some("p/janus.toml"), Some(4))
    );
}

#[test]
fn file_finds_the_manifest_above_it() {
    let s = Scratch::new();
    s.write(
        "janus.toml",
        "[package]\nname = \"x\"\nversion = \"1\"\nbogus = 1\n",
    )
    .write("src/deep/a.jan", "func main() do\nend\n");
    let o = janusc(
        &s.path().join("src"),
        &["check", "--format", "json", "deep/a.jan"],
    );
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["file"].as_str(), d["line"].as_u64()),
        (Some("E1011"), Some("../janus.toml"), Some(4))
    );
}

#[test]
fn imports_load_relative_to_the_entry_directory_and_cycles_are_fine() {
    let s = Scratch::new();
    s.write("src/main.jan", "import chat.room\n\nfunc main() do\nend\n")
        .write("src/chat/room.jan", "import chat.other\nimport main\n")
        .write(
            "src/chat/other.jan",
            "import chat.room\nimport chat.rooom\n",
        );
    let o = janusc(s.path(), &["check", "--format", "json", "src/main.jan"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    let diags = v["diagnostics"].as_array().expect("array");
    let e0204: Vec<_> = diags.iter().filter(|d| d["code"] == "E0204").collect();
    assert_eq!(e0204.len(), 1, "{v}");
    assert_eq!(e0204[0]["file"], "src/chat/other.jan");
    assert_eq!(e0204[0]["help"], "did you mean `chat.room`?");
}

#[test]
fn std_modules_are_embedded() {
    let s = Scratch::new();
    s.write(
        "t.jan",
        "import std.strings\n\nfunc main() do\n    println(strings.repeat(\"ab\", 3))\nend\n",
    );
    let o = janusc(s.path(), &["check", "t.jan"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
