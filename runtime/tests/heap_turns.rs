//! The scheduler's heap hook (spec/values.md §3): every turn allocates into its own actor's heap
//! (also after a suspension and in turns chained on one runner), `main` has its own heap, and an
//! ending actor's heap is freed whatever its crashed frames still referenced.

mod common;
mod values_util;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use janus_runtime::abi::desc::build as b;
use janus_runtime::values::handles::new_actor_ref;
use janus_runtime::values::heap::{self, Heap};
use janus_runtime::{ActorRef, ExitReason, Reply, fail};
use values_util::*;

/// The current heap and its object count, as seen by the code running now.
fn here() -> (usize, usize) {
    let h = heap::current();
    // SAFETY: the current heap stays alive while it is current (`set_current`'s contract).
    (h as usize, unsafe { (*h).object_count() })
}

/// Allocates `n` strings into the current heap and keeps them in `kept`.
fn alloc_into_current(kept: &mut Vec<u64>, n: usize) {
    let h = heap::current();
    for k in 0..n {
        // SAFETY: as in `here`.
        kept.push(s(unsafe { &*h }, &format!("object {k}")));
    }
}

type Report = Reply<(usize, usize)>;

fn allocator(rt: &janus_runtime::Runtime) -> ActorRef<(usize, Report)> {
    rt.spawn_fn(
        Vec::new(),
        |kept: &mut Vec<u64>, m: &mut (usize, Report)| {
            alloc_into_current(kept, m.0);
            m.1.send(here());
        },
    )
}

#[test]
fn a_handlers_objects_land_in_its_actors_heap() {
    let rt = common::rt();
    let a = allocator(&rt);
    let b = allocator(&rt);
    let (ha, na) = a.ask(|r| (10, r)).expect("a answers");
    let (hb, nb) = b.ask(|r| (7, r)).expect("b answers");
    let (ha2, na2) = a.ask(|r| (5, r)).expect("a answers again");
    assert_ne!(ha, hb, "two actors share a heap");
    assert_eq!(ha, ha2, "an actor's heap changed between turns");
    assert_eq!((na, nb, na2), (10, 7, 15), "objects counted per heap");
    assert_ne!(
        ha,
        heap::current() as usize,
        "a turn used the caller's heap"
    );
    // `main` (block_on) has its own heap too, distinct from the workers' fallback heaps.
    let (hm, nm) = rt
        .block_on(|| {
            let mut kept = Vec::new();
            alloc_into_current(&mut kept, 3);
            here()
        })
        .expect("main returns");
    assert_eq!(nm, 3);
    assert!(hm != ha && hm != hb);
}

#[test]
fn a_crash_frees_everything_its_frames_still_referenced() {
    let rt = common::rt();
    let who_d = b::actor_ref(b::i64());
    // A target referenced only from an object in the doomed actor's heap.
    let target = rt.spawn_fn(0u64, |_: &mut u64, _: &mut u64| {});
    let target_raw = std::sync::Mutex::new(Some(target.raw().clone()));
    drop(target);
    let seen = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let seen2 = seen.clone();
    let doomed = rt.spawn_fn((), move |_: &mut (), _: &mut ()| {
        let h = heap::current();
        // SAFETY: as in `here`.
        let hr = unsafe { &*h };
        // Live references on this turn's stack when it crashes (a fixed array: a Rust `Vec`
        // buffer on a crashed stack would leak, compiled frames hold only heap references).
        let mut on_stack = [0u64; 501];
        for (k, slot) in on_stack.iter_mut().take(500).enumerate() {
            *slot = s(hr, &format!("live {k}"));
        }
        if let Some(t) = target_raw.lock().unwrap_or_else(|e| e.into_inner()).take() {
            on_stack[500] = new_actor_ref(hr, who_d.get(), t);
        }
        seen2.0.store(h as usize, Ordering::SeqCst);
        seen2.1.store(hr.object_count(), Ordering::SeqCst);
        std::hint::black_box(&on_stack);
        fail("on purpose", "heap_turns.rs");
    });
    let (tx, rx) = mpsc::channel();
    doomed.on_exit(move |e| {
        let _ = tx.send(matches!(e.reason, ExitReason::Crashed(_)));
    });
    assert_eq!(rt.live_actors(), 2);
    doomed.send(());
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(true));
    assert_eq!(
        seen.1.load(Ordering::SeqCst),
        501,
        "objects before the crash"
    );
    let h = seen.0.load(Ordering::SeqCst) as *const Heap;
    // SAFETY: `doomed` keeps the actor's cell (and so its heap) alive; the exit hook ran after
    // the heap was freed and the channel orders that before this read; nothing touches it now.
    assert_eq!(unsafe { (*h).object_count() }, 0, "the crash left objects");
    // The actor reference in the freed heap was the target's last one: it is collected.
    assert!(
        common::wait_until(Duration::from_secs(5), || rt.live_actors() == 0),
        "{} actors alive",
        rt.live_actors()
    );
}

enum AMsg {
    Go(Reply<Vec<(usize, usize)>>),
}

#[test]
fn a_suspended_turn_resumes_into_its_own_heap() {
    // One worker: whatever runs while A waits runs on A's worker.
    let rt = common::rt_with(1);
    let other = allocator(&rt);
    let d_ran = Arc::new(AtomicBool::new(false));
    let d_seen = Arc::new(AtomicUsize::new(0));
    let (dr, ds) = (d_ran.clone(), d_seen.clone());
    let noisy = rt.spawn_fn(Vec::new(), move |kept: &mut Vec<u64>, n: &mut usize| {
        alloc_into_current(kept, *n);
        ds.store(here().0, Ordering::SeqCst);
        dr.store(true, Ordering::SeqCst);
    });
    let dr = d_ran.clone();
    let a = rt.spawn_fn(
        (other.clone(), noisy.clone(), Vec::new()),
        move |(other, noisy, kept): &mut (ActorRef<(usize, Report)>, ActorRef<usize>, Vec<u64>),
              m: &mut AMsg| {
            let AMsg::Go(reply) = m;
            let mut seen = Vec::new();
            alloc_into_current(kept, 2);
            seen.push(here());
            // The noisy actor runs on this worker while this turn sleeps.
            noisy.send(5);
            for _ in 0..400 {
                janus_runtime::sleep(Duration::from_millis(5));
                if dr.load(Ordering::SeqCst) {
                    break;
                }
            }
            alloc_into_current(kept, 2);
            seen.push(here());
            // The asked actor runs on this worker while this turn waits for the answer.
            let theirs = other.ask(|r| (3, r)).expect("other answers");
            alloc_into_current(kept, 2);
            seen.push(here());
            seen.push(theirs);
            reply.send(seen);
        },
    );
    let seen = a.ask(AMsg::Go).expect("a answers");
    assert!(d_ran.load(Ordering::SeqCst), "the noisy actor never ran");
    let mine = seen[0].0;
    assert_eq!(
        seen[..3].iter().map(|x| x.0).collect::<Vec<_>>(),
        vec![mine; 3],
        "a resumed turn allocated into another heap"
    );
    assert_eq!(
        seen[..3].iter().map(|x| x.1).collect::<Vec<_>>(),
        vec![2, 4, 6]
    );
    assert_ne!(seen[3].0, mine, "the asked actor used the asker's heap");
    assert_eq!(seen[3].1, 3);
    let d_heap = d_seen.load(Ordering::SeqCst);
    assert!(d_heap != 0 && d_heap != mine && d_heap != seen[3].0);
}

enum Hop {
    Link(ActorRef<Hop>),
    Go(u32),
}

#[test]
fn chained_turns_allocate_into_their_own_heaps() {
    // A ring on one worker: each hop is sent from a turn (LIFO slot) and usually chained on the
    // same runner without going back to the worker loop.
    let rt = common::rt_with(1);
    let wrong = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = mpsc::channel::<()>();
    let tx = std::sync::Mutex::new(tx);
    let tx = Arc::new(tx);
    let ring: Vec<ActorRef<Hop>> = (0..3)
        .map(|_| {
            let (wrong, tx) = (wrong.clone(), tx.clone());
            rt.spawn_fn(
                (None::<ActorRef<Hop>>, 0usize, Vec::new()),
                move |(next, first, kept): &mut (Option<ActorRef<Hop>>, usize, Vec<u64>),
                      m: &mut Hop| match m {
                    Hop::Link(n) => *next = Some(n.clone()),
                    Hop::Go(left) => {
                        alloc_into_current(kept, 1);
                        let (h, count) = here();
                        if *first == 0 {
                            *first = h;
                        }
                        if h != *first || count != kept.len() {
                            wrong.fetch_add(1, Ordering::SeqCst);
                        }
                        match (*left, next.as_ref()) {
                            (0, _) | (_, None) => {
                                let _ = tx.lock().unwrap_or_else(|e| e.into_inner()).send(());
                            }
                            (n, Some(next)) => next.send(Hop::Go(n - 1)),
                        }
                    }
                },
            )
        })
        .collect();
    for (k, a) in ring.iter().enumerate() {
        a.send(Hop::Link(ring[(k + 1) % ring.len()].clone()));
    }
    ring[0].send(Hop::Go(3000));
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)), Ok(()));
    assert_eq!(
        wrong.load(Ordering::SeqCst),
        0,
        "turns allocated outside their heaps"
    );
    // Break the ring so the actors can be collected.
    drop(ring);
}

#[test]
fn hundred_thousand_allocate_and_crash_cycles_keep_memory_flat() {
    let rt = common::rt();
    let ld = b::list(b::string());
    let (rounds, per_round) = (100, 1000);
    let (rss_before, rss_after) = common::crash_rounds(rounds, per_round, || {
        rt.spawn_fn(0u64, move |_: &mut u64, _: &mut ()| {
            let h = heap::current();
            // SAFETY: as in `here`.
            let hr = unsafe { &*h };
            let mut live = [0u64; 16];
            for (k, slot) in live.iter_mut().enumerate() {
                *slot = s(
                    hr,
                    &format!("a string long enough to need its own buffer {k}"),
                );
            }
            let l = list(hr, ld, &[s(hr, "x"), s(hr, "y"), s(hr, "z")]);
            std::hint::black_box((&live, l));
            fail("on purpose", "heap_turns.rs");
        })
    });
    eprintln!(
        "heap crash loop: {} crashes of actors holding 20 objects each, RSS after the first \
         1,000 {} KiB, after all {} KiB",
        rounds * per_round,
        rss_before / 1024,
        rss_after / 1024
    );
    assert!(
        common::wait_until(Duration::from_secs(10), || rt.live_actors() == 0),
        "{} actors not freed",
        rt.live_actors()
    );
    assert!(
        rss_after < rss_before + 16 * 1024 * 1024,
        "RSS grew from {rss_before} to {rss_after}"
    );
}
