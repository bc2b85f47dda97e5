//! The process entry of a compiled program and the `extern "C"` helpers the code generator needs
//! that the value ABI (`abi::exports`) does not provide yet: `janus_rt_start` (C `main` of the
//! generated object hands over here), failures and crashes with a source location, object
//! construction (structs, tuples, enums, boxed optionals, list literals), copy-on-write in
//! place for writes through fields and indexes, iteration of maps and sets by position,
//! interpolation pieces, `parse_int`/`parse_float`, and the built-in functions of §3 (`now`,
//! `sleep`, `random_int`, `node`, `args`). See `spec/codegen.md`.
//!
//! Names start with `janus_cg_` so that they can never collide with exports the ABI module adds
//! later; when it grows an equivalent, the code generator switches and the helper here goes.
//! Conventions are those of `abi::exports`: values are `u64` slots, arguments borrowed unless
//! the doc says "takes over", results owned (+1) unless the doc says "borrowed", `loc` a
//! `String` object `file:line:col` (or 0). Every helper catches Rust panics: nothing unwinds
//! into compiled frames.
#![allow(clippy::missing_safety_doc)]

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use crate::abi::desc::TypeDesc;
use crate::values::heap::with_current;
use crate::values::obj::*;
use crate::values::{map, print, rc};

/// The program's arguments (after the executable's name), for `args()`.
static ARGS: OnceLock<Vec<String>> = OnceLock::new();

/// The stack of every turn of a compiled program, `main`'s and the actors' (the runtime's
/// default of 256 KiB is sized for Rust handlers; compiled code gets the size of a usual thread
/// stack). Compiled code's stack check is built for exactly this size (`spec/abi.md`, "Stack
/// limit").
const MAIN_STACK: usize = crate::abi::COMPILED_STACK_SIZE;

/// C `main` of a compiled program calls this with its arguments and the compiled `main`.
/// Runs `main` as the runtime's main turn; the process then exits with status 0 after
/// flushing stdout, or 1 after one report on stderr when `main` crashed (never returns).
/// `main`'s turn is an actor turn (`block_on`), so it has its own heap, current around each of
/// its resumes and freed when `main` ends, like every actor's (`spec/values.md` §3).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_start(
    argc: i32,
    argv: *const *const std::ffi::c_char,
    main_fn: extern "C" fn(),
) -> i32 {
    let mut args = Vec::new();
    for i in 1..argc.max(0) as usize {
        // SAFETY: C passes `argc` valid NUL-terminated strings in `argv`.
        let a = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
        args.push(a.to_string_lossy().into_owned());
    }
    let _ = ARGS.set(args);
    let config = crate::Config {
        stack_size: MAIN_STACK,
        ..crate::Config::default()
    };
    let rt = crate::Runtime::new(config);
    let code = match rt.block_on(move || main_fn()) {
        Ok(()) => 0,
        Err(info) => {
            let _ = std::io::stdout().flush();
            let _ = writeln!(
                std::io::stderr().lock(),
                "error: {} at {}",
                info.reason,
                info.location
            );
            1
        }
    };
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

fn text_of(v: Value) -> String {
    if v == 0 {
        "<unknown>".to_string()
    } else {
        // SAFETY: compiled code passes String objects.
        unsafe { str_text(v) }.to_string()
    }
}

/// Ends `main` (or crashes the running actor) with `reason` at `loc`. Takes the reason over:
/// a crash abandons the calling frames without dropping them (see `coro::fail_owned`).
fn fail_at(reason: impl Into<String>, loc: Value) -> ! {
    let (reason, location) = (reason.into(), text_of(loc));
    if crate::in_actor() {
        crate::coro::fail_owned(reason, location)
    }
    let _ = std::io::stdout().flush();
    let _ = writeln!(std::io::stderr().lock(), "error: {reason} at {location}");
    std::process::exit(1)
}

fn guard<T>(loc: Value, f: impl FnOnce() -> Result<T, String>) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(reason)) => fail_at(reason, loc),
        Err(payload) => {
            drop(payload);
            fail_at("runtime error", loc)
        }
    }
}

fn d(p: *const TypeDesc) -> &'static TypeDesc {
    // SAFETY: compiled code passes static descriptors.
    unsafe { &*p }
}

fn new_text(s: &str) -> Value {
    with_current(|h| new_string(h, s))
}

// ------------------------------------------------------------------ failures

/// A run-time failure of compiled code (overflow, division by zero, a failed conversion):
/// `reason` and `loc` are String objects.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_fail(reason: Value, loc: Value) -> ! {
    fail_at(text_of(reason), loc)
}

/// `panic(msg)` (kind 0, `v` the message), `assert` (kind 1, `v` the message or 0), an error
/// reaching the top of `main` or a handler (kind 2, `v` the error of descriptor `desc`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_crash(
    kind: u32,
    v: Value,
    desc: *const TypeDesc,
    loc: Value,
) -> ! {
    let reason = match kind {
        0 => format!("panic: {}", text_of(v)),
        1 if v == 0 => "assertion failed".to_string(),
        1 => format!("assertion failed: {}", text_of(v)),
        _ if desc.is_null() => "uncaught error".to_string(),
        _ => format!("uncaught error {}", print::to_text(v, d(desc))),
    };
    fail_at(reason, loc)
}

/// Called by a compiled function's prologue when its frame leaves less than
/// `abi::STACK_RESERVE` bytes of stack (unbounded recursion): ends `main`, or crashes the running
/// actor, with reason `stack overflow` at `loc` (the function's definition). Runs on the
/// reserve, which holds the crash path with room to spare.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_stack_overflow(loc: Value) -> ! {
    fail_at("stack overflow", loc)
}

// ------------------------------------------------------------------ construction

/// A new struct or tuple of descriptor `desc` with `n` zeroed slots (compiled code fills them,
/// handing over one reference per slot).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_struct_new(desc: *const TypeDesc, n: u64) -> Value {
    guard(0, || {
        Ok(with_current(|h| new_struct(h, d(desc), n as usize)))
    })
}

/// A new enum value of variant `tag` with zeroed field slots.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_enum_new(desc: *const TypeDesc, tag: u64) -> Value {
    guard(0, || {
        Ok(with_current(|h| new_enum(h, d(desc), tag as usize)))
    })
}

/// `T` into `?T` of descriptor `opt` (boxes when the optional needs it); takes over `v`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_some(opt: *const TypeDesc, v: Value) -> Value {
    guard(0, || Ok(with_current(|h| some(h, d(opt), v))))
}

/// A list literal of descriptor `desc` from `n` slots at `items` (takes over each element).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_list_from(
    desc: *const TypeDesc,
    items: *const Value,
    n: u64,
) -> Value {
    guard(0, || {
        let l = with_current(|h| new_list(h, d(desc), n as usize));
        for i in 0..n as usize {
            // SAFETY: `items` holds `n` slots; `l` is a fresh list of this thread.
            unsafe { list_push(l, *items.add(i)) };
        }
        Ok(l)
    })
}

/// Copy-on-write in place: makes the object in `*slot` uniquely referenced (storing the copy
/// back) and returns it, so that compiled code may write into it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_unique(slot: *mut Value, desc: *const TypeDesc) -> Value {
    guard(0, || {
        // SAFETY: `slot` is a variable or object slot holding a value of type `desc`.
        unsafe {
            let v = rc::make_unique(*slot, d(desc));
            *slot = v;
            Ok(v)
        }
    })
}

// ------------------------------------------------------------------ lists

fn list_len(l: Value) -> usize {
    // SAFETY: a live list.
    unsafe { (*(l as *const ListObj)).len as usize }
}

fn check_index(l: Value, i: i64, n_extra: usize) -> Result<usize, String> {
    let n = list_len(l);
    match usize::try_from(i) {
        Ok(k) if k < n + n_extra => Ok(k),
        _ => Err(format!("index {i} out of bounds for a list of length {n}")),
    }
}

/// The address of element `i` of the list in `*slot`, after making the list unique (for
/// `xs[i].f = v` and `xs[i][j] = v`). Out of bounds fails at `loc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_list_slot(slot: *mut Value, i: i64, loc: Value) -> *mut Value {
    guard(loc, || {
        // SAFETY: `slot` holds a live list of this thread.
        unsafe {
            let k = check_index(*slot, i, 0)?;
            let l = rc::make_unique(*slot, rc::desc_of(*slot));
            *slot = l;
            Ok((*(l as *mut ListObj)).data.add(k))
        }
    })
}

// ------------------------------------------------------------------ maps and sets

/// The `i`-th live entry in insertion order (iteration): a new `(K, V)` tuple of `tuple`
/// (maps), or the element, borrowed (sets: `tuple` is null).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_map_entry_at(m: Value, i: i64, tuple: *const TypeDesc) -> Value {
    guard(0, || {
        // SAFETY: a live map or set.
        let found = usize::try_from(i)
            .ok()
            .and_then(|i| unsafe { map::entry_at(m, i) });
        let Some((key, val)) = found else {
            return Err(format!("iteration index {i} out of bounds"));
        };
        if tuple.is_null() {
            return Ok(key);
        }
        let t = d(tuple);
        let fs = t.fields();
        if fs.len() != 2 {
            return Err("malformed entry descriptor".into());
        }
        rc::retain(key, fs[0].ty());
        rc::retain(val, fs[1].ty());
        let o = with_current(|h| new_struct(h, t, 2));
        // SAFETY: two fresh slots.
        unsafe {
            *struct_slots(o) = key;
            *struct_slots(o).add(1) = val;
        }
        Ok(o)
    })
}

// ------------------------------------------------------------------ strings

fn s_text<'a>(v: Value) -> &'a str {
    // SAFETY: compiled code passes String objects.
    unsafe { str_text(v) }
}

fn strings(list: *const TypeDesc, parts: impl Iterator<Item = String>) -> Value {
    let l = with_current(|h| new_list(h, d(list), 0));
    for p in parts {
        let s = new_text(&p);
        // SAFETY: a fresh list.
        unsafe { list_push(l, s) };
    }
    l
}

/// One piece of an interpolation: returns the String `s ++ text(v)` (`s` borrowed).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_fmt_push(s: Value, v: Value, desc: *const TypeDesc) -> Value {
    guard(0, || {
        let mut out = if s == 0 {
            String::new()
        } else {
            s_text(s).to_string()
        };
        print::write_value(&mut out, v, d(desc), true);
        Ok(new_text(&out))
    })
}

// ------------------------------------------------------------------ numbers

/// `parse_int(s)`: the number, or 0 with a new `ParseError.Invalid { text }` (descriptor
/// `err`) written to `*error`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_parse_int(
    s: Value,
    error: *mut Value,
    err: *const TypeDesc,
) -> i64 {
    guard(0, || {
        let t = s_text(s);
        match t.trim().parse::<i64>() {
            Ok(n) => Ok(n),
            Err(_) => {
                // SAFETY: `error` points at a slot of the caller's frame.
                unsafe { *error = parse_error(t, err) };
                Ok(0)
            }
        }
    })
}

/// `parse_float(s)`: the bits of the number, or as `janus_cg_parse_int` on error.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_parse_float(
    s: Value,
    error: *mut Value,
    err: *const TypeDesc,
) -> u64 {
    guard(0, || {
        let t = s_text(s);
        let ok = !t.trim().is_empty()
            && t.trim()
                .chars()
                .all(|c| c.is_ascii_digit() || "+-.eE".contains(c) || c.is_ascii_alphabetic());
        match t.trim().parse::<f64>() {
            Ok(x) if ok => Ok(x.to_bits()),
            _ => {
                // SAFETY: `error` points at a slot of the caller's frame.
                unsafe { *error = parse_error(t, err) };
                Ok(0)
            }
        }
    })
}

fn parse_error(text: &str, err: *const TypeDesc) -> Value {
    let e = with_current(|h| new_enum(h, d(err), 0));
    let s = new_text(text);
    // SAFETY: variant 0 (`Invalid`) has one field slot.
    unsafe { *enum_slots(e) = s };
    e
}

// ------------------------------------------------------------------ built-in functions

fn origin() -> std::time::Instant {
    static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
    *ORIGIN.get_or_init(std::time::Instant::now)
}

/// `now()`: nanoseconds since the runtime's clock origin.
#[unsafe(no_mangle)]
pub extern "C" fn janus_cg_now() -> i64 {
    origin().elapsed().as_nanos().min(i64::MAX as u128) as i64
}

/// `sleep(d)` (negative durations do not wait).
#[unsafe(no_mangle)]
pub extern "C" fn janus_cg_sleep(ns: i64) {
    if ns > 0 {
        crate::sleep(std::time::Duration::from_nanos(ns as u64));
    }
}

/// `random_int(lo, hi)`: uniform in `lo..=hi` (swapped when `hi < lo`).
#[unsafe(no_mangle)]
pub extern "C" fn janus_cg_random_int(lo: i64, hi: i64) -> i64 {
    use std::cell::Cell;
    use std::hash::{BuildHasher, RandomState};
    thread_local!(static STATE: Cell<u64> = Cell::new(RandomState::new().hash_one(0u64) | 1));
    let (lo, hi) = if hi < lo { (hi, lo) } else { (lo, hi) };
    let x = STATE.with(|s| {
        // xorshift64*: enough for a built-in `random_int` (not cryptographic).
        let mut x = s.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    });
    let span = (hi as i128 - lo as i128 + 1) as u128;
    (lo as i128 + (x as u128 % span) as i128) as i64
}

/// `node()`: this process's node name (`local` under `janus run`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_node(desc: *const TypeDesc) -> Value {
    guard(0, || Ok(with_current(|h| new_str(h, d(desc), b"local"))))
}

/// `args()` (`list` = the descriptor of `[String]`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_cg_args(list: *const TypeDesc) -> Value {
    guard(0, || {
        Ok(strings(
            list,
            ARGS.get().cloned().unwrap_or_default().into_iter(),
        ))
    })
}
