//! `extern "C"` string methods and checked number conversions (built-in methods of dialect §10).
//! Conventions as in `exports.rs` (`spec/abi.md` §6).
#![allow(clippy::missing_safety_doc)]

use super::exports::{ds, guard, new_text};
use crate::abi::desc::TypeDesc;
use crate::values::heap::with_current;
use crate::values::obj::*;

fn text<'a>(s: Value) -> &'a str {
    // SAFETY: compiled code passes live `String` objects.
    unsafe { str_text(s) }
}

fn strings(list_desc: *const TypeDesc, pieces: impl Iterator<Item = String>) -> Value {
    let d = ds(list_desc);
    with_current(|h| {
        let l = new_list(h, d, 0);
        for p in pieces {
            let s = new_str(h, d.elem(), p.as_bytes());
            // SAFETY: `l` is the list just built.
            unsafe { list_push(l, s) };
        }
        l
    })
}

/// `s.len()` in bytes (also for `Bytes`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_len(s: Value) -> i64 {
    // SAFETY: a live string or bytes object.
    guard(0, || Ok(unsafe { (*(s as *const StrObj)).len } as i64))
}

/// `s.contains(sub)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_contains(s: Value, sub: Value) -> u8 {
    guard(0, || Ok(text(s).contains(text(sub)) as u8))
}

/// `s.starts_with(p)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_starts_with(s: Value, p: Value) -> u8 {
    guard(0, || Ok(text(s).starts_with(text(p)) as u8))
}

/// `s.ends_with(p)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_ends_with(s: Value, p: Value) -> u8 {
    guard(0, || Ok(text(s).ends_with(text(p)) as u8))
}

/// `s.trim()`: without leading and trailing Unicode white space.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_trim(s: Value) -> Value {
    guard(0, || Ok(new_text(text(s).trim())))
}

/// `s.to_upper()` (Unicode).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_to_upper(s: Value) -> Value {
    guard(0, || Ok(new_text(&text(s).to_uppercase())))
}

/// `s.to_lower()` (Unicode).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_to_lower(s: Value) -> Value {
    guard(0, || Ok(new_text(&text(s).to_lowercase())))
}

/// `s.split(sep) -> [String]`, keeping empty pieces; an empty `sep` splits into characters.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_split(
    s: Value,
    sep: Value,
    list_desc: *const TypeDesc,
) -> Value {
    guard(0, || {
        let (t, p) = (text(s), text(sep));
        Ok(if p.is_empty() {
            strings(list_desc, t.chars().map(String::from))
        } else {
            strings(list_desc, t.split(p).map(String::from))
        })
    })
}

/// `s.chars() -> [String]`: one string per Unicode scalar value.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_chars(s: Value, list_desc: *const TypeDesc) -> Value {
    guard(0, || {
        Ok(strings(list_desc, text(s).chars().map(String::from)))
    })
}

/// `s.to_bytes() -> Bytes`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_string_to_bytes(s: Value) -> Value {
    guard(0, || {
        Ok(with_current(|h| {
            new_str(h, &crate::values::BYTES, text(s).as_bytes())
        }))
    })
}

fn out_of_range(x: impl std::fmt::Display, to: &str) -> String {
    format!("value {x} out of range for {to}")
}

/// `x.to_i32()` from `i64`/`i32`: fails when out of range.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_i64_to_i32(x: i64, loc: Value) -> i64 {
    guard(loc, || {
        i32::try_from(x)
            .map(i64::from)
            .map_err(|_| out_of_range(x, "i32"))
    })
}

/// `x.to_u64()` from `i64`/`i32`: fails when negative.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_i64_to_u64(x: i64, loc: Value) -> u64 {
    guard(loc, || u64::try_from(x).map_err(|_| out_of_range(x, "u64")))
}

/// `x.to_i64()` from `u64`: fails above `i64::MAX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_u64_to_i64(x: u64, loc: Value) -> i64 {
    guard(loc, || i64::try_from(x).map_err(|_| out_of_range(x, "i64")))
}

/// `x.to_i32()` from `u64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_u64_to_i32(x: u64, loc: Value) -> i64 {
    guard(loc, || {
        i32::try_from(x)
            .map(i64::from)
            .map_err(|_| out_of_range(x, "i32"))
    })
}

fn f64_in(x: f64, lo: f64, hi_exclusive: f64, to: &str) -> Result<f64, String> {
    let t = x.trunc();
    if t.is_nan() || t < lo || t >= hi_exclusive {
        Err(out_of_range(crate::values::print::format_f64(x), to))
    } else {
        Ok(t)
    }
}

/// `x.to_i64()` from `f64`: truncates toward zero; NaN and out of range fail.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_f64_to_i64(x: f64, loc: Value) -> i64 {
    guard(loc, || {
        f64_in(
            x,
            -9_223_372_036_854_775_808.0,
            9_223_372_036_854_775_808.0,
            "i64",
        )
        .map(|t| t as i64)
    })
}

/// `x.to_i32()` from `f64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_f64_to_i32(x: f64, loc: Value) -> i64 {
    guard(loc, || {
        f64_in(x, -2_147_483_648.0, 2_147_483_648.0, "i32").map(|t| t as i64)
    })
}

/// `x.to_u64()` from `f64`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_f64_to_u64(x: f64, loc: Value) -> u64 {
    guard(loc, || {
        f64_in(x, 0.0, 18_446_744_073_709_551_616.0, "u64").map(|t| t as u64)
    })
}
