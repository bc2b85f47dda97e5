//! Compiled supervisors through the ABI (`spec/abi.md` §9), driven from Rust the way generated
//! code calls them: static `SupDesc`/`SupChildDesc` data, a hand-written "compiled" actor
//! (`Counter`, extern "C" hooks adopting its values like generated code), the builder exports
//! (`janus_rt_sup_begin/child/nested/spawn`), and sends and asks through the stable-routed
//! `ActorRef` objects they return — across restarts, nested supervisors, and the end of the
//! program when a top-level supervisor gives up (checked in a child process).
mod common;
#[path = "supervise_abi/program.rs"]
mod program;

use std::time::Duration;

use janus_runtime::abi::supervisors::*;
use janus_runtime::values::{self, MessageBox, to_text};
use program::*;

// ------------------------------------------------------------------ tests

#[test]
fn a_stable_ref_reaches_each_new_incarnation() {
    let rt = rt();
    let out = rt.block_on(|| {
        let t = tys();
        let bld = unsafe { janus_rt_sup_begin(&GAME) };
        let lobby = child(bld, 0, 100, 0);
        // `chat` gets `lobby` as an argument: its copy of the reference follows restarts too.
        let chat = child(bld, 1, 200, lobby);
        let game = unsafe { janus_rt_sup_spawn(bld, t.game.ptr(), 0) };
        // The value's slots are the very references `sup_child` returned.
        assert_eq!(slot(game, 0), lobby);
        assert_eq!(slot(game, 1), chat);
        assert_eq!(rc(lobby), 2, "the caller's and the value's");
        let printed_before = to_text(lobby, t.r#ref.get());
        assert!(printed_before.starts_with("<Counter#"), "{printed_before}");
        assert!(printed_before.ends_with("@local>"), "{printed_before}");
        assert_ne!(printed_before, to_text(chat, t.r#ref.get()));

        send(lobby, 0, 5);
        assert_eq!(get(lobby, 5000), Ok(105));
        // chat forwards through its own copy of lobby's reference.
        send(chat, 3, 2);
        eventually(lobby, 107);

        // Crash lobby; during its 160+ ms backoff, messages are held for the next incarnation
        // (which starts from a fresh copy of its arguments: base 100, sum 0).
        send(lobby, 2, 0);
        wait_until(|| is_down(lobby));
        send(lobby, 0, 7);
        // An ask held longer than its timeout fails with Timeout (its request stays queued).
        assert_eq!(get(lobby, 10), Err("AskError.Timeout".to_string()));
        send(chat, 3, 1);
        // The ask is held behind the Add (chat's forward may come before or after it).
        let answer = get(lobby, 5000);
        assert!(answer == Ok(107) || answer == Ok(108), "{answer:?}");
        eventually(lobby, 108);
        assert_eq!(starts_of(100), 2);
        assert_eq!(starts_of(200), 1, "one_for_one: chat did not restart");
        // The reference is the same identity across the restart.
        assert_eq!(to_text(lobby, t.r#ref.get()), printed_before);

        // Crash chat: its restart copies the kept arguments again, lobby's reference included.
        send(chat, 2, 0);
        janus_runtime::sleep(Duration::from_millis(450));
        assert_eq!(starts_of(200), 2);
        send(chat, 3, 10);
        eventually(lobby, 118);
        assert_eq!(get(chat, 5000), Ok(200));

        values::release(game, t.game.get());
        assert_eq!(rc(lobby), 1);
        values::release(lobby, t.r#ref.get());
        values::release(chat, t.r#ref.get());
    });
    assert!(out.is_ok(), "{out:?}");
}

#[test]
fn stable_refs_compare_hash_copy_and_encode_by_identity() {
    let rt = rt();
    let out = rt.block_on(|| {
        let t = tys();
        let bld = unsafe { janus_rt_sup_begin(&GAME) };
        let lobby = child(bld, 0, 400, 0);
        let chat = child(bld, 1, 401, 0);
        let game = unsafe { janus_rt_sup_spawn(bld, t.game.ptr(), 0) };
        let rd = t.r#ref.get();
        // A deep copy (what a send does) is another object for the same child.
        let copy = MessageBox::copy_of(lobby, rd);
        assert_ne!(copy.root, lobby);
        assert!(values::eq(copy.root, lobby, rd));
        assert_eq!(values::hash(copy.root, rd), values::hash(lobby, rd));
        assert!(!values::eq(lobby, chat, rd));
        assert_eq!(to_text(copy.root, rd), to_text(lobby, rd));
        // ... and it routes like the original.
        send(copy.root, 0, 4);
        assert_eq!(get(lobby, 5000), Ok(404));
        drop(copy);
        // Wire form: node 0, the stable id, the actor type; decoding gives an unresolved
        // reference that is equal (same node and id) and prints the same.
        let mut bytes = Vec::new();
        values::encode(lobby, rd, &mut bytes).unwrap();
        let (heap, back) = values::decode(&bytes, rd).unwrap();
        assert_eq!(to_text(back, rd), to_text(lobby, rd));
        assert!(values::eq(back, lobby, rd));
        assert_eq!(get(back, 100), Err("AskError.Unreachable".to_string()));
        drop(heap);
        values::release(game, t.game.get());
        values::release(lobby, rd);
        values::release(chat, rd);
    });
    assert!(out.is_ok(), "{out:?}");
}

#[test]
fn nested_supervisors_give_struct_values_of_stable_refs() {
    let rt = rt();
    let out = rt.block_on(|| {
        let t = tys();
        // spawn Top(): Top.start(b) { a: Counter(500), inner: Inner(a) { b: Counter(501, a) } }
        let bld = unsafe { janus_rt_sup_begin(&TOP) };
        let a = child(bld, 0, 500, 0);
        let ib = unsafe { janus_rt_sup_begin(&INNER) };
        let bref = child(ib, 0, 501, a);
        let inner = unsafe { janus_rt_sup_nested(bld, 1, ib, t.inner.ptr()) };
        assert_eq!(slot(inner, 0), bref);
        let top = unsafe { janus_rt_sup_spawn(bld, t.top.ptr(), 0) };
        assert_eq!(slot(top, 0), a);
        assert_eq!(slot(top, 1), inner, "the nested value is the parent's slot");
        assert_eq!(rc(inner), 2);
        let printed = to_text(top, t.top.get());
        assert!(
            printed.starts_with("Top { a: <Counter#")
                && printed.contains(", inner: Inner { b: <Counter#"),
            "{printed}"
        );
        assert_eq!(starts_of(500), 1);
        assert_eq!(starts_of(501), 1);

        // b forwards to a through the reference it got as an argument.
        send(bref, 3, 6);
        eventually(a, 506);
        // Crashing b restarts only the inner supervisor's child; asks through it wait.
        send(bref, 2, 0);
        wait_until(|| starts_of(501) == 2);
        assert_eq!(get(bref, 5000), Ok(501));
        assert_eq!(starts_of(501), 2);
        // Top is one_for_all: crashing a restarts a and the whole inner supervisor.
        send(a, 2, 0);
        wait_until(|| starts_of(500) == 2 && starts_of(501) == 3);
        assert_eq!(get(a, 5000), Ok(500));
        assert_eq!(get(bref, 5000), Ok(501));
        assert_eq!(starts_of(500), 2);
        assert_eq!(starts_of(501), 3);
        values::release(top, t.top.get());
        values::release(inner, t.inner.get());
        values::release(a, t.r#ref.get());
        values::release(bref, t.r#ref.get());
    });
    assert!(out.is_ok(), "{out:?}");
}

#[test]
fn spawn_returns_once_every_child_has_started_in_order() {
    let rt = rt();
    let out = rt.block_on(|| {
        let t = tys();
        let bld = unsafe { janus_rt_sup_begin(&GAME) };
        let lobby = child(bld, 0, 1000, 0);
        let chat = child(bld, 1, 1001, 0);
        assert_eq!(
            starts_of(1000) + starts_of(1001),
            0,
            "nothing runs before spawn"
        );
        let game = unsafe { janus_rt_sup_spawn(bld, t.game.ptr(), 0) };
        // Each `on start` takes 50 ms; both have run, lobby first.
        let order: Vec<i64> = starts()
            .lock()
            .unwrap()
            .iter()
            .copied()
            .filter(|b| (1000..1002).contains(b))
            .collect();
        assert_eq!(order, [1000, 1001]);
        values::release(game, t.game.get());
        values::release(lobby, t.r#ref.get());
        values::release(chat, t.r#ref.get());
    });
    assert!(out.is_ok(), "{out:?}");
}

#[test]
fn a_temporary_childs_ref_closes_after_its_crash() {
    let rt = rt();
    let out = rt.block_on(|| {
        let t = tys();
        let bld = unsafe { janus_rt_sup_begin(&TEMP) };
        let once = child(bld, 0, 800, 0);
        let v = unsafe { janus_rt_sup_spawn(bld, t.inner.ptr(), 0) };
        assert_eq!(get(once, 5000), Ok(800));
        send(once, 2, 0);
        janus_runtime::sleep(Duration::from_millis(50));
        // Not restarted: sends are dropped silently, asks fail with Stopped.
        send(once, 0, 1);
        assert_eq!(get(once, 5000), Err("AskError.Stopped".to_string()));
        assert_eq!(starts_of(800), 1);
        values::release(v, t.inner.get());
        values::release(once, t.r#ref.get());
    });
    assert!(out.is_ok(), "{out:?}");
}

#[test]
fn a_crash_in_a_builder_call_is_a_crash_of_the_turn() {
    let rt = rt();
    let out = rt.block_on(|| {
        let t = tys();
        let bld = unsafe { janus_rt_sup_begin(&GAME) };
        let lobby = child(bld, 0, 600, 0);
        let _ = lobby;
        // `chat` never declared: spawning is refused with an internal error.
        unsafe { janus_rt_sup_spawn(bld, t.game.ptr(), 0) }
    });
    let info = out.expect_err("the turn crashed");
    assert!(
        info.reason.contains("child `chat` was not started"),
        "{}",
        info.reason
    );
}

// ------------------------------------------------------------------ the end of the program

/// The body of the child process: a top-level supervisor that exceeds its intensity, later
/// (`JANUS_SUP_CHILD=later`) or while starting (`start`: `spawn` never returns).
#[test]
fn child_top_level_failure() {
    let Some(mode) = std::env::var_os("JANUS_SUP_CHILD") else {
        return;
    };
    let rt = rt();
    if mode == "start" {
        let _ = rt.block_on(|| {
            let t = tys();
            let bld = unsafe { janus_rt_sup_begin(&DOOMED) };
            let _ = child(bld, 0, 666, 0);
            print!("spawning");
            let _ = unsafe { janus_rt_sup_spawn(bld, t.inner.ptr(), 0) };
            println!("spawn returned");
            janus_runtime::sleep(Duration::from_secs(5));
        });
        println!("survived");
        return;
    }
    let _ = rt.block_on(|| {
        let t = tys();
        let bld = unsafe { janus_rt_sup_begin(&DOOMED) };
        let lobby = child(bld, 0, 700, 0);
        // Its value has one slot, like `Inner`'s.
        let v = unsafe { janus_rt_sup_spawn(bld, t.inner.ptr(), 0) };
        let _ = v;
        // No newline: only the flush before the exit writes it out.
        print!("started");
        send(lobby, 2, 0);
        janus_runtime::sleep(Duration::from_millis(100));
        send(lobby, 2, 0);
        janus_runtime::sleep(Duration::from_secs(5));
        println!("survived");
    });
}

fn run_child(mode: &str) -> (Option<i32>, String, String) {
    let out = common::run_test_in_child("child_top_level_failure", "JANUS_SUP_CHILD", mode);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_top_level_supervisor_that_gives_up_while_starting_ends_the_program() {
    let (code, stdout, stderr) = run_child("start");
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("spawning"), "stdout flushed: {stdout}");
    assert!(!stdout.contains("spawn returned"), "{stdout}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("supervisor Doomed failed"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains("lobby crashed: cannot start at counter.jan:3:5"),
        "{stderr}"
    );
}

#[test]
fn a_top_level_supervisor_that_gives_up_ends_the_program() {
    let (code, stdout, stderr) = run_child("later");
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("started"), "stdout flushed: {stdout}");
    assert!(!stdout.contains("survived"), "{stdout}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("supervisor Doomed failed"))
        .collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    eprintln!("the child's report: {}", lines[0]);
    assert!(
        lines[0].contains("more than 1 restarts within 5s")
            && lines[0].contains("lobby crashed: boom at counter.jan:9:5"),
        "{stderr}"
    );
}
