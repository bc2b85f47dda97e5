//! Turns on aligned stacks: what compiled code's stack check relies on (every turn's stack is
//! aligned to its size, with a guard page below; crashed turns' stacks are reused), and a rough
//! measurement of how much stack the runtime work in `abi::STACK_RESERVE` takes.

use std::hint::black_box;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::abi::STACK_RESERVE;
use crate::abi::desc::build as b;
use crate::values::heap::with_current;
use crate::values::obj::{list_push, new_list, new_string, new_struct, struct_slots};
use crate::values::{cmp, print, rc};
use crate::{Config, Runtime, silent_reporter};

const SIZE: usize = 256 << 10;

fn runtime() -> Runtime {
    Runtime::new(Config {
        workers: 1,
        stack_size: SIZE,
        crash_reporter: silent_reporter(),
        ..Config::default()
    })
}

/// An address in the caller's frame (close to its stack pointer).
#[inline(always)]
fn sp_here() -> usize {
    let x = 0u8;
    black_box(&x) as *const u8 as usize
}

/// Recurses `n` frames of about 1 KiB each; returns the lowest frame's address.
#[inline(never)]
fn dive(n: usize) -> usize {
    let mut buf = [0u8; 1024];
    black_box(&mut buf);
    if n == 0 {
        return buf.as_ptr() as usize;
    }
    black_box(dive(n - 1))
}

fn perms_at(addr: usize) -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().find_map(|l| {
        let (range, rest) = l.split_once(' ')?;
        let (a, b) = range.split_once('-')?;
        let a = usize::from_str_radix(a, 16).ok()?;
        let b = usize::from_str_radix(b, 16).ok()?;
        (a <= addr && addr < b).then(|| rest.chars().take(4).collect())
    })
}

#[test]
fn turns_run_on_aligned_stacks_reused_after_crashes() {
    let rt = runtime();
    let seen = Arc::new(Mutex::new(Vec::new()));
    for round in 0..12 {
        let seen2 = seen.clone();
        let r = rt.block_on(move || {
            let sp = sp_here();
            let lo = sp & !(SIZE - 1);
            // Most of the stack is used, then the turn crashes, as on a stack overflow.
            let deepest = dive(150);
            seen2.lock().push((lo, deepest));
            if round % 3 != 2 {
                crate::fail("stack overflow", "turn_tests.rs");
            }
        });
        match round % 3 {
            2 => assert!(r.is_ok()),
            _ => assert_eq!(
                r.err().map(|c| c.reason),
                Some("stack overflow".to_string())
            ),
        }
    }
    let seen = seen.lock();
    assert_eq!(seen.len(), 12);
    let mut regions: Vec<usize> = seen.iter().map(|(lo, _)| *lo).collect();
    for (lo, deepest) in seen.iter() {
        // The deep frames were inside the same aligned region as the turn's first frame.
        assert!(*deepest > *lo && *deepest < lo + SIZE);
        assert_eq!(perms_at(*lo).as_deref(), Some("rw-p"), "region at {lo:#x}");
        assert_eq!(
            perms_at(lo - 1).as_deref(),
            Some("---p"),
            "guard below {lo:#x}"
        );
    }
    regions.sort_unstable();
    regions.dedup();
    // One worker: the stacks of crashed turns go back to its pool and are taken again.
    assert!(regions.len() <= 3, "12 turns used {} stacks", regions.len());
    rt.shutdown();
}

/// Stack bytes `f` uses below the caller's frame, found by painting the free stack below and
/// looking for the lowest byte `f` changed. Runs inside a turn (an aligned stack).
#[inline(never)]
fn stack_used_by(f: impl FnOnce()) -> usize {
    const PAINT: u8 = 0xA5;
    const MARGIN: usize = 1 << 10;
    let top = sp_here();
    let lo = top & !(SIZE - 1);
    let (from, to) = (lo + 4096, top - MARGIN);
    // SAFETY: `[from, to)` is free stack of this turn below the current frame and the margin
    // (which holds the frames of `write_bytes` itself); nothing lives there yet.
    unsafe { std::ptr::write_bytes(from as *mut u8, PAINT, to - from) };
    f();
    // SAFETY: the same range, still mapped; reading stale stack bytes is harmless.
    let first = (from..to)
        .find(|a| unsafe { std::ptr::read_volatile(*a as *const u8) } != PAINT)
        .unwrap_or(to);
    top - first
}

#[test]
fn runtime_calls_fit_in_the_reserve() {
    let rt = runtime();
    let r = rt.block_on(|| {
        let string = b::string();
        let l1 = b::list(string);
        let l2 = b::list(l1);
        let l3 = b::list(l2);
        let rec = b::strukt("Rec", &[("name", string), ("items", l3)]);
        let value = with_current(|h| {
            let outer = new_list(h, l3.get(), 0);
            for i in 0..6 {
                let mid = new_list(h, l2.get(), 0);
                for j in 0..6 {
                    let inner = new_list(h, l1.get(), 0);
                    for k in 0..6 {
                        // SAFETY: fresh lists of this heap.
                        unsafe { list_push(inner, new_string(h, &format!("s{i}{j}{k}"))) };
                    }
                    // SAFETY: as above.
                    unsafe { list_push(mid, inner) };
                }
                // SAFETY: as above.
                unsafe { list_push(outer, mid) };
            }
            let r = new_struct(h, rec.get(), 2);
            // SAFETY: two fresh slots.
            unsafe {
                *struct_slots(r) = new_string(h, "record");
                *struct_slots(r).add(1) = outer;
            }
            r
        });
        let mut words = with_current(|h| {
            let l = new_list(h, l1.get(), 0);
            for i in 0..2000u64 {
                let w = format!("w{}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40);
                // SAFETY: a fresh list of this heap.
                unsafe { list_push(l, new_string(h, &w)) };
            }
            l
        });
        let mut used = Vec::new();
        used.push((
            "to_text",
            stack_used_by(|| {
                black_box(print::to_text(value, rec.get()));
            }),
        ));
        used.push((
            "eq+compare",
            stack_used_by(|| {
                black_box(cmp::eq(value, value, rec.get()));
                black_box(cmp::compare(value, value, rec.get()));
            }),
        ));
        used.push((
            "deep copy",
            stack_used_by(|| {
                rc::retain(value, rec.get());
                let copy = rc::make_unique(value, rec.get());
                rc::release(copy, rec.get());
            }),
        ));
        used.push((
            "sort",
            stack_used_by(|| {
                // SAFETY: `words` is a live list of strings of this heap.
                unsafe { crate::abi::collections::janus_rt_list_sort(&mut words) };
            }),
        ));
        used.push((
            "crash texts",
            stack_used_by(|| {
                black_box(crate::CrashInfo {
                    reason: "stack overflow".to_string(),
                    location: "some/file.jan:10:1".to_string(),
                });
                black_box(format!("actor Worker#{} crashed: {} at {}", 3, "x", "y"));
            }),
        ));
        used.push((
            "caught panic",
            stack_used_by(|| {
                // What `guard` does when a runtime function panics (a runtime bug): the default
                // hook prints the message (without a backtrace unless RUST_BACKTRACE is set).
                let r = std::panic::catch_unwind(|| {
                    panic!("stack measurement: this panic is expected");
                });
                black_box(r.is_err());
            }),
        ));
        used.push((
            "write",
            stack_used_by(|| {
                use std::io::Write;
                let _ = std::io::stderr().write_all(b"");
                let _ = std::io::stdout().flush();
            }),
        ));
        used
    });
    let used = r.expect("measuring turn");
    for (what, n) in &used {
        eprintln!("stack used by {what}: {n} bytes");
        assert!(*n < STACK_RESERVE / 2, "{what} used {n} bytes of stack");
    }
    rt.shutdown();
}

/// What a new stack and a crash recovery cost, against corosensei's `DefaultStack`
/// (`cargo test -p janus-runtime --release --lib stack_costs -- --ignored --nocapture`).
#[test]
#[ignore = "measurement"]
fn stack_costs() {
    use std::time::Instant;
    const N: u32 = 2000;
    for size in [256 << 10, crate::abi::COMPILED_STACK_SIZE] {
        let t = Instant::now();
        for _ in 0..N {
            black_box(super::AlignedStack::new(size).expect("stack"));
        }
        let aligned = t.elapsed() / N;
        let t = Instant::now();
        for _ in 0..N {
            black_box(corosensei::stack::DefaultStack::new(size).expect("stack"));
        }
        let default = t.elapsed() / N;
        let s = super::AlignedStack::new(size).expect("stack");
        let t = Instant::now();
        for _ in 0..N {
            s.release_below(64 << 10);
        }
        let release_clean = t.elapsed() / N;
        let t = Instant::now();
        for _ in 0..N {
            // One touched page at the bottom, as after a deep turn.
            // SAFETY: the lowest address of the writable region.
            unsafe { std::ptr::write_volatile(s.lowest() as *mut u64, 1) };
            s.release_below(64 << 10);
        }
        let release = t.elapsed() / N;
        eprintln!(
            "{} KiB: AlignedStack::new + drop {aligned:?}, DefaultStack::new + drop {default:?}, \
             release_below {release_clean:?} (untouched), {release:?} (one dirty page, \
             with its fault)",
            size >> 10
        );
    }
}
