//! The value model inside the real runtime: a message value is deep-copied into a message heap,
//! sent as a payload, adopted into the receiving actor's heap, and freed with that heap when the
//! actor crashes — including the actor references it held (the referenced actor is collected).

mod values_util;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use janus_runtime::abi::desc::build as b;
use janus_runtime::values::handles::new_actor_ref;
use janus_runtime::values::heap::{self, Heap};
use janus_runtime::values::{MessageBox, to_text};
use janus_runtime::{Config, Runtime, silent_reporter};
use values_util::*;

fn wait_until(what: &str, f: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn adopted_messages_are_freed_with_a_crashed_actors_heap() {
    let rt = Runtime::new(Config {
        workers: 2,
        crash_reporter: silent_reporter(),
        ..Config::default()
    });
    // The message type: struct Note { text: String, who: ActorRef[i64], tags: [String] }
    let who_d = b::actor_ref(b::i64());
    let note = b::strukt(
        "Note",
        &[
            ("text", b::string()),
            ("who", who_d),
            ("tags", b::list(b::string())),
        ],
    );
    let seen = Arc::new(AtomicUsize::new(0));
    let printed = Arc::new(std::sync::Mutex::new(String::new()));

    // The receiver keeps every note in its own heap; the third one makes it crash.
    let (s2, p2) = (seen.clone(), printed.clone());
    let receiver = rt.spawn_fn(
        Vec::new(),
        move |kept: &mut Vec<u64>, m: &mut MessageBox| {
            // SAFETY: the scheduler made the receiver's own heap current for this turn; it stays
            // alive while current.
            let h = unsafe { &*heap::current() };
            // SAFETY: `m` is the MessageBox payload this handler was given, adopted once.
            let root = unsafe { MessageBox::adopt(m as *mut MessageBox as *mut u8, h) };
            *p2.lock().unwrap_or_else(|e| e.into_inner()) = to_text(root, m.desc);
            kept.push(root);
            if s2.fetch_add(1, Ordering::SeqCst) == 2 {
                janus_runtime::fail("third note", "values_actor.rs");
            }
        },
    );

    // A target actor referenced only from inside the notes.
    let target = rt.spawn_fn(0u64, |_: &mut u64, _: &mut u64| {});
    let target_raw = target.raw().clone();
    drop(target);
    let live_before = rt.live_actors();
    assert_eq!(live_before, 2);

    let main_heap = Heap::new();
    let who = new_actor_ref(&main_heap, who_d.get(), target_raw);
    for k in 0..3 {
        rc_retain(who, who_d);
        let v = strukt(
            &main_heap,
            note,
            &[
                s(&main_heap, &format!("note {k}")),
                who,
                list(&main_heap, b::list(b::string()), &[s(&main_heap, "x")]),
            ],
        );
        let msg = MessageBox::copy_of(v, note.get());
        release(v, note);
        receiver.send(msg);
    }
    release(who, who_d);
    assert!(main_heap.is_empty(), "the sender keeps nothing");
    wait_until("three notes", || seen.load(Ordering::SeqCst) == 3);
    assert!(
        printed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .starts_with(r#"Note { text: "note 2", who: <fn-actor#"#),
        "{}",
        printed.lock().unwrap_or_else(|e| e.into_inner()).clone()
    );
    // The receiver crashed: its heap (three adopted notes, each holding a reference to the target)
    // was freed by the runtime as the actor ended, so the target is referenced by nobody and gets collected.
    wait_until("both actors gone", || rt.live_actors() == 0);
}

fn rc_retain(v: u64, d: janus_runtime::abi::desc::build::Ty) {
    janus_runtime::values::retain(v, d.get());
}
