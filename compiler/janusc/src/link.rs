//! Linking a generated object with the runtime into an executable, with the system's `cc`.
//!
//! The runtime is the static library `libjanus_runtime.a`, found (in this order) at the file or
//! directory named by `JANUS_RUNTIME`, else the newest of `libjanus_runtime.a` beside the
//! `janusc` executable and (for cargo builds, where janusc depends on `janus-runtime` so that
//! cargo builds its staticlib with the same profile) `deps/libjanus_runtime-*.a` beside it.
//! Objects reference the runtime's ABI version symbol, so a runtime of another ABI fails the
//! link with a clear error.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why linking failed, and the exit status to report it with.
pub struct LinkError {
    pub message: String,
    pub status: i32,
}

fn fail(status: i32, message: String) -> LinkError {
    LinkError { message, status }
}

/// The native libraries the Rust staticlib needs (`--print native-static-libs`).
const NATIVE_LIBS: &[&str] = &[
    "-lgcc_s",
    "-lutil",
    "-lrt",
    "-lpthread",
    "-lm",
    "-ldl",
    "-lc",
];
const LIB: &str = "libjanus_runtime.a";

/// Where the runtime library is, or why it cannot be found.
pub fn find_runtime() -> Result<PathBuf, LinkError> {
    if let Some(v) = std::env::var_os("JANUS_RUNTIME") {
        let p = PathBuf::from(&v);
        let p = if p.is_dir() { p.join(LIB) } else { p };
        if p.is_file() {
            return Ok(p);
        }
        return Err(fail(
            2,
            format!(
                "JANUS_RUNTIME names `{}`, which is not the runtime library",
                p.display()
            ),
        ));
    }
    let exe = std::env::current_exe()
        .map_err(|e| fail(2, format!("cannot locate janusc itself: {e}")))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    // Installed: beside janusc. cargo: target/<profile>/janusc with
    // target/<profile>/deps/libjanus_runtime-<hash>.a (test binaries live in deps/ themselves).
    // The newest candidate wins: a stale copy beside janusc must not shadow a fresh build.
    let mut best: Option<(std::time::SystemTime, PathBuf)> = None;
    let beside = dir.join(LIB);
    if let Ok(t) = beside.metadata().and_then(|m| m.modified()) {
        best = Some((t, beside));
    }
    for d in [dir.join("deps"), dir.to_path_buf()] {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("libjanus_runtime-") && name.ends_with(".a") {
                let t = e
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                if best.as_ref().is_none_or(|b| t > b.0) {
                    best = Some((t, e.path()));
                }
            }
        }
    }
    best.map(|b| b.1).ok_or_else(|| {
        fail(
            2,
            format!(
                "the runtime library `{LIB}` was not found beside `{}`; \
                 set JANUS_RUNTIME to its path",
                exe.display()
            ),
        )
    })
}

/// Writes `object` to a temporary file and links it with the runtime into `out`.
pub fn link(object: &[u8], out: &Path) -> Result<(), LinkError> {
    let runtime = find_runtime()?;
    let dir = std::env::temp_dir().join(format!("janusc-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| fail(1, format!("cannot create {}: {e}", dir.display())))?;
    let obj = dir.join("program.o");
    std::fs::write(&obj, object)
        .map_err(|e| fail(1, format!("cannot write {}: {e}", obj.display())))?;
    let result = Command::new("cc")
        .arg("-o")
        .arg(out)
        .arg(&obj)
        .arg(&runtime)
        .args(NATIVE_LIBS)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let output = match result {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(fail(
                2,
                "cannot link: the C compiler `cc` was not found on PATH".to_string(),
            ));
        }
        Err(e) => return Err(fail(2, format!("cannot run `cc`: {e}"))),
    };
    if output.status.success() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&output.stderr);
    let hint = if text.contains("janus_rt_abi_v") {
        format!(
            "\nhelp: `{}` was built for another ABI version; rebuild the runtime",
            runtime.display()
        )
    } else {
        String::new()
    };
    Err(fail(
        1,
        format!(
            "linking failed (cc {}):\n{}{hint}",
            runtime.display(),
            text.trim_end()
        ),
    ))
}
