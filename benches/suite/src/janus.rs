//! Driving the real tools: finding `janusc`, building a program with it, and running the
//! executable as a process under a time limit, with a hook on each line it prints (the
//! idle-memory figure reads the child's VmRSS when it prints its markers).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where `janusc` is: `explicit` (a command-line argument), else `$JANUSC`, else beside the
/// running executable — `target/<profile>/janusc` for `target/<profile>/janus-bench`, and for a
/// test binary in `target/<profile>/deps/` its parent directory. That is where cargo puts the
/// janusc of the same workspace and profile, and janusc finds the runtime library beside itself.
pub fn find_janusc(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(format!("no janusc at {}", p.display()))
        };
    }
    if let Some(p) = std::env::var_os("JANUSC") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("no janusc at {} (from $JANUSC)", p.display()))
        };
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find my own path: {e}"))?;
    let mut dirs = Vec::new();
    if let Some(dir) = exe.parent() {
        dirs.push(dir.to_path_buf());
        if dir.file_name().is_some_and(|n| n == "deps")
            && let Some(up) = dir.parent()
        {
            dirs.push(up.to_path_buf());
        }
    }
    for dir in &dirs {
        let candidate = dir.join(format!("janusc{}", std::env::consts::EXE_SUFFIX));
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    Err(format!(
        "no janusc in {} (build it with `cargo build --release -p janusc`, or pass its path / set JANUSC)",
        looked.join(" or ")
    ))
}

/// What a `janusc build` printed and how long it took.
pub struct Built {
    pub wall: Duration,
    pub stderr: String,
}

/// `janusc build SOURCE -o OUT [--release] [--timings]`; an error carries janusc's diagnostics.
pub fn build(
    janusc: &Path,
    source: &Path,
    out: &Path,
    release: bool,
    timings: bool,
) -> Result<Built, String> {
    let mut cmd = Command::new(janusc);
    cmd.arg("build").arg(source).arg("-o").arg(out);
    if release {
        cmd.arg("--release");
    }
    if timings {
        cmd.arg("--timings");
    }
    let start = Instant::now();
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run {}: {e}", janusc.display()))?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!(
            "`janusc build {}` failed ({}):\n{stderr}",
            source.display(),
            output.status
        ));
    }
    Ok(Built { wall, stderr })
}

/// The output of a finished program.
pub struct Ran {
    pub stdout: String,
    pub stderr: String,
}

/// Runs `exe ARGS` to its end, killing it after `limit`. `on_line` sees each stdout line as it
/// arrives, with the child's process id, while the child still runs. Fails unless the program
/// exits with status 0.
pub fn run(
    exe: &Path,
    args: &[String],
    limit: Duration,
    on_line: &mut dyn FnMut(&str, u32) -> Result<(), String>,
) -> Result<Ran, String> {
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let pid = child.id();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let child = Arc::new(Mutex::new(child));
    // The watchdog kills the child at the limit unless told that it ended.
    let (ended, ended_rx) = mpsc::channel::<()>();
    let watched = Arc::clone(&child);
    let watchdog = std::thread::spawn(move || {
        if ended_rx.recv_timeout(limit) == Err(mpsc::RecvTimeoutError::Timeout) {
            if let Ok(mut c) = watched.lock() {
                let _ = c.kill();
            }
            return true;
        }
        false
    });
    // stderr is drained on its own thread so a chatty child never blocks on a full pipe.
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut e) = stderr {
            let _ = e.read_to_string(&mut text);
        }
        text
    });
    let mut out = String::new();
    let mut hook_error = None;
    if let Some(s) = stdout {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if hook_error.is_none()
                && let Err(e) = on_line(&line, pid)
            {
                hook_error = Some(e);
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    let status = wait(&child);
    let _ = ended.send(());
    let killed = watchdog.join().unwrap_or(false);
    let err = err_reader.join().unwrap_or_default();
    if killed {
        return Err(format!(
            "{} ran longer than {limit:?} and was killed",
            exe.display()
        ));
    }
    let status = status?;
    if !status.success() {
        return Err(format!(
            "{} {} failed ({status}):\n{err}{out}",
            exe.display(),
            args.join(" ")
        ));
    }
    if let Some(e) = hook_error {
        return Err(e);
    }
    Ok(Ran {
        stdout: out,
        stderr: err,
    })
}

/// Waits for the child without holding its lock for long (the watchdog may need it to kill).
fn wait(child: &Mutex<Child>) -> Result<std::process::ExitStatus, String> {
    loop {
        {
            let mut c = child
                .lock()
                .map_err(|_| "the child's lock is poisoned".to_string())?;
            if let Some(status) = c
                .try_wait()
                .map_err(|e| format!("waiting for the program: {e}"))?
            {
                return Ok(status);
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The resident memory of process `pid` in bytes (VmRSS of /proc/PID/status; Linux only).
pub fn rss_bytes(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let line = text
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or_else(|| format!("no VmRSS in {path}"))?;
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("unreadable `{line}` in {path}"))?;
    Ok(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_rss_is_readable_and_plausible() {
        let rss = rss_bytes(std::process::id()).expect("VmRSS");
        assert!(rss > 100 * 1024 && rss < 1 << 40, "{rss}");
    }

    #[test]
    fn run_sees_lines_and_status_and_kills_at_the_limit() {
        let sh = Path::new("/bin/sh");
        let mut seen = Vec::new();
        let ran = run(
            sh,
            &["-c".into(), "echo one; echo two".into()],
            Duration::from_secs(30),
            &mut |l, _| {
                seen.push(l.to_string());
                Ok(())
            },
        )
        .expect("runs");
        assert_eq!(seen, ["one", "two"]);
        assert_eq!(ran.stdout, "one\ntwo\n");
        assert!(
            run(
                sh,
                &["-c".into(), "exit 3".into()],
                Duration::from_secs(30),
                &mut |_, _| Ok(())
            )
            .is_err()
        );
        let slow = run(
            sh,
            &["-c".into(), "exec sleep 20".into()],
            Duration::from_millis(200),
            &mut |_, _| Ok(()),
        );
        assert!(slow.err().is_some_and(|e| e.contains("killed")));
    }
}
