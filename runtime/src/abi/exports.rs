//! The `extern "C"` functions compiled code may call (value operations; the scheduler's exports
//! come later). Every function catches Rust panics and turns them, like runtime failures (an
//! index out of bounds), into a crash of the running actor: nothing ever unwinds into compiled
//! frames, which have no unwind tables. Outside an actor a failure prints one line and aborts.
//!
//! Conventions (`spec/abi.md` §6): values are `u64` slots; `desc` arguments are static type
//! descriptors; arguments are borrowed unless the doc says the function takes them over; results
//! are owned (+1) unless the doc says borrowed; mutating functions take a pointer to the `var`
//! slot and apply copy-on-write there; `loc` is a `String` object (usually an immortal literal)
//! `file:line:col` naming the source of the operation, or 0. New objects go into the current heap.
//!
//! Every function is `unsafe`: its safety contract is those conventions (live objects of the
//! types the descriptors say, owned by the calling thread's heap), the same for all of them.
#![allow(clippy::missing_safety_doc)]

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::abi::desc::TypeDesc;
use crate::values::heap::with_current;
use crate::values::obj::*;
use crate::values::{cmp, print, rc};

/// Runs `f`; a returned `Err(reason)` or a panic becomes a crash at `loc`.
pub(crate) fn guard<T>(loc: Value, f: impl FnOnce() -> Result<T, String>) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(reason)) => fail_at(reason, loc),
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "runtime panic".to_string());
            drop(p);
            fail_at(format!("runtime error: {msg}"), loc)
        }
    }
}

/// Fails with `reason` at `loc`, taking the reason over (a crash abandons the calling frames
/// without dropping them; see `coro::fail_owned`).
fn fail_at(reason: impl Into<String>, loc: Value) -> ! {
    let reason = reason.into();
    let location = if loc == 0 {
        "<unknown>".to_string()
    } else {
        // SAFETY: `loc` is a String object (the ABI contract).
        unsafe { str_text(loc) }.to_string()
    };
    if crate::in_actor() {
        crate::coro::fail_owned(reason, location)
    }
    let _ = writeln!(std::io::stderr().lock(), "fatal: {reason} at {location}");
    std::process::abort()
}

pub(crate) fn d<'a>(p: *const TypeDesc) -> &'a TypeDesc {
    // SAFETY: compiled code passes static descriptors.
    unsafe { &*p }
}

pub(crate) fn ds(p: *const TypeDesc) -> &'static TypeDesc {
    // SAFETY: as above.
    unsafe { &*p }
}

pub(crate) fn new_text(s: &str) -> Value {
    with_current(|h| new_string(h, s))
}

// ------------------------------------------------------------------ reference counts

/// Adds a reference to `v`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_retain(v: Value, desc: *const TypeDesc) {
    guard(0, || {
        rc::retain(v, d(desc));
        Ok(())
    })
}

/// Drops a reference to `v` (freeing it and its children when it was the last).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_release(v: Value, desc: *const TypeDesc) {
    guard(0, || {
        rc::release(v, d(desc));
        Ok(())
    })
}

/// Copy-on-write: takes over `v` and returns a uniquely referenced equal value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_make_unique(v: Value, desc: *const TypeDesc) -> Value {
    guard(0, || Ok(rc::make_unique(v, d(desc))))
}

// ------------------------------------------------------------------ strings

/// A new `String` from `len` UTF-8 bytes at `ptr`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_new(ptr: *const u8, len: usize) -> Value {
    guard(0, || {
        let b = raw_slice(ptr, len);
        Ok(with_current(|h| new_str(h, &crate::values::STRING, b)))
    })
}

/// A new `Bytes` from `len` bytes at `ptr`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_bytes_new(ptr: *const u8, len: usize) -> Value {
    guard(0, || {
        let b = raw_slice(ptr, len);
        Ok(with_current(|h| new_str(h, &crate::values::BYTES, b)))
    })
}

pub(crate) fn raw_slice<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 || ptr.is_null() {
        &[]
    } else {
        // SAFETY: compiled code passes `len` readable bytes.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

/// `a ++ b` for strings or bytes (a new object of `a`'s type).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_concat(a: Value, b: Value) -> Value {
    guard(0, || {
        // SAFETY: both are live string/bytes objects.
        unsafe {
            let (x, y) = (str_bytes(a), str_bytes(b));
            let mut v = Vec::with_capacity(x.len() + y.len());
            v.extend_from_slice(x);
            v.extend_from_slice(y);
            Ok(with_current(|h| new_str(h, rc::desc_of(a), &v)))
        }
    })
}

/// `n.to_string()` for `i64`/`i32`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_i64_to_string(x: i64) -> Value {
    guard(0, || Ok(new_text(&x.to_string())))
}

/// `n.to_string()` for `u64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_u64_to_string(x: u64) -> Value {
    guard(0, || Ok(new_text(&x.to_string())))
}

/// `x.to_string()` for `f64` (the printing rules of dialect §10).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_f64_to_string(x: f64) -> Value {
    guard(0, || Ok(new_text(&print::format_f64(x))))
}

/// The printed form of any value (what `$"{v}"` inserts).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_to_string(v: Value, desc: *const TypeDesc) -> Value {
    guard(0, || Ok(new_text(&print::to_text(v, d(desc)))))
}

// ------------------------------------------------------------------ interpolation

/// A new interpolation builder (a heap object: a crash half-way frees it with the heap).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_sb_new() -> Value {
    guard(0, || Ok(with_current(rc::new_builder)))
}

/// Appends `len` UTF-8 bytes (a literal piece).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_sb_push_str(b: Value, ptr: *const u8, len: usize) {
    guard(0, || {
        let s = raw_slice(ptr, len);
        // SAFETY: `b` is a live builder of this thread.
        unsafe { (*(b as *mut BuilderObj)).buf.extend_from_slice(s) };
        Ok(())
    })
}

/// Appends the printed form of a value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_sb_push_value(b: Value, v: Value, desc: *const TypeDesc) {
    guard(0, || {
        let mut s = String::new();
        print::write_value(&mut s, v, d(desc), true);
        // SAFETY: `b` is a live builder of this thread.
        unsafe {
            (*(b as *mut BuilderObj))
                .buf
                .extend_from_slice(s.as_bytes())
        };
        Ok(())
    })
}

/// Finishes: returns the `String` and frees the builder (taken over).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_sb_finish(b: Value) -> Value {
    guard(0, || {
        // SAFETY: `b` is a live builder of this thread; its bytes are UTF-8 (pieces are).
        let s = unsafe {
            let buf = &(*(b as *const BuilderObj)).buf;
            with_current(|h| new_str(h, &crate::values::STRING, buf))
        };
        rc::release(b, &crate::values::BUILDER);
        Ok(s)
    })
}

// ------------------------------------------------------------------ printing

fn emit(to_err: bool, text: &str) {
    // One write per call under the stream's lock: lines of different actors never interleave.
    if to_err {
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    } else {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
}

/// `print(v)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_print(v: Value, desc: *const TypeDesc) {
    guard(0, || {
        emit(false, &print::to_text(v, d(desc)));
        Ok(())
    })
}

/// `println(v)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_println(v: Value, desc: *const TypeDesc) {
    guard(0, || {
        let mut s = print::to_text(v, d(desc));
        s.push('\n');
        emit(false, &s);
        Ok(())
    })
}

/// `eprintln(v)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_eprintln(v: Value, desc: *const TypeDesc) {
    guard(0, || {
        let mut s = print::to_text(v, d(desc));
        s.push('\n');
        emit(true, &s);
        Ok(())
    })
}

/// `println()`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_println_empty() {
    guard(0, || {
        emit(false, "\n");
        Ok(())
    })
}

// ------------------------------------------------------------------ equality, order, hash

/// `a == b` (1 or 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_eq(a: Value, b: Value, desc: *const TypeDesc) -> u8 {
    guard(0, || Ok(cmp::eq(a, b, d(desc)) as u8))
}

/// Ordering: -1, 0, 1, or 2 when unordered (a NaN is involved).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_compare(a: Value, b: Value, desc: *const TypeDesc) -> i32 {
    guard(0, || {
        Ok(match cmp::compare(a, b, d(desc)) {
            Some(o) => o as i32,
            None => 2,
        })
    })
}

/// The hash of a value (per-process seed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_hash(v: Value, desc: *const TypeDesc) -> u64 {
    guard(0, || Ok(cmp::hash(v, d(desc))))
}
