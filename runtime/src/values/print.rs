//! Printing values by descriptor, exactly as dialect §10 "Printing" says (the text `print`,
//! `println` and string interpolation produce). See `spec/values.md` §7 for every form.

use std::fmt::Write;

use super::handles::node_name;
use super::map;
use super::obj::*;
use crate::abi::desc::{TypeDesc, kind};

/// The printed form of `v` at top level (a `String` prints raw).
pub fn to_text(v: Value, d: &TypeDesc) -> String {
    let mut s = String::new();
    write_value(&mut s, v, d, true);
    s
}

/// Appends the printed form of `v`; `top` = not inside another value (strings raw).
pub fn write_value(out: &mut String, v: Value, d: &TypeDesc, top: bool) {
    match d.kind {
        kind::VOID => out.push_str("void"),
        kind::I64 | kind::I32 => {
            let _ = write!(out, "{}", v as i64);
        }
        kind::U64 => {
            let _ = write!(out, "{v}");
        }
        kind::F64 => out.push_str(&format_f64(f64::from_bits(v))),
        kind::BOOL => out.push_str(if v != 0 { "true" } else { "false" }),
        kind::DURATION => out.push_str(&format_duration(v as i64)),
        kind::INSTANT => {
            let _ = write!(out, "Instant({})", format_duration(v as i64));
        }
        kind::OPTIONAL => match opt_get(d, v) {
            None => out.push_str("null"),
            Some(x) => write_value(out, x, d.elem(), top),
        },
        _ if v == 0 => out.push_str("null"),
        // SAFETY: non-null pointer slots point at live objects laid out per `d`.
        _ => unsafe { write_object(out, v, d, top) },
    }
}

unsafe fn write_object(out: &mut String, v: Value, d: &TypeDesc, top: bool) {
    // SAFETY: see `write_value`.
    unsafe {
        match d.kind {
            kind::STRING | kind::NODE_ID => {
                if top {
                    out.push_str(str_text(v));
                } else {
                    write_quoted(out, str_text(v));
                }
            }
            kind::BYTES => write_bytes(out, str_bytes(v)),
            kind::LIST => {
                out.push('[');
                for (i, &x) in list_items(v).iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_value(out, x, d.elem(), false);
                }
                out.push(']');
            }
            kind::TUPLE => {
                out.push('(');
                let s = struct_slots(v);
                for (i, f) in d.fields().iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_value(out, *s.add(i), f.ty(), false);
                }
                out.push(')');
            }
            kind::STRUCT => {
                out.push_str(d.name());
                write_fields(out, d.fields(), struct_slots(v));
            }
            kind::ENUM => {
                let tag = (*(v as *const EnumObj)).tag as usize;
                out.push_str(d.name());
                out.push('.');
                match d.variants().get(tag) {
                    Some(var) => {
                        out.push_str(var.name());
                        if var.n_fields > 0 {
                            write_fields(out, var.fields(), enum_slots(v));
                        }
                    }
                    None => {
                        let _ = write!(out, "<variant {tag}>");
                    }
                }
            }
            kind::MAP | kind::SET => {
                out.push('{');
                let mut first = true;
                let is_map = d.kind == kind::MAP;
                map::for_each_entry(v, |k, x| {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    write_value(out, k, d.elem(), false);
                    if is_map {
                        out.push_str(": ");
                        write_value(out, x, d.value(), false);
                    }
                });
                out.push('}');
            }
            kind::ACTOR_REF => {
                // A supervised child's reference prints its stable id (`handles.rs`).
                let o = v as *const ActorRefObj;
                let _ = write!(
                    out,
                    "<{}#{}@{}>",
                    actor_ref_name(v),
                    (*o).id,
                    node_name((*o).node)
                );
            }
            kind::REPLY => out.push_str("<Reply>"),
            kind::GRAIN_REF => {
                let o = v as *const GrainRefObj;
                let g = &*(*o).grain;
                out.push('<');
                out.push_str(g.name());
                out.push('(');
                let id = (*o).identity;
                if id != 0 {
                    let s = struct_slots(id);
                    for (i, f) in g.identity().fields().iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        write_value(out, *s.add(i), f.ty(), false);
                    }
                }
                out.push_str(")>");
            }
            _ => out.push_str("<?>"),
        }
    }
}

unsafe fn write_fields(
    out: &mut String,
    fields: &[crate::abi::desc::FieldDesc],
    slots: *const Value,
) {
    if fields.is_empty() {
        out.push_str(" {}");
        return;
    }
    out.push_str(" { ");
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(f.name());
        out.push_str(": ");
        // SAFETY: the caller passes the object's slots, one per field.
        write_value(out, unsafe { *slots.add(i) }, f.ty(), false);
    }
    out.push_str(" }");
}

/// A string as a Janus literal: `"..."` with `\n \t \r \0 \" \\` and `\u{..}` for other control
/// characters.
pub fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `Bytes`: `b"..."` with printable ASCII as is and `\xNN` for the rest.
fn write_bytes(out: &mut String, b: &[u8]) {
    out.push_str("b\"");
    for &x in b {
        match x {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(x as char),
            _ => {
                let _ = write!(out, "\\x{x:02x}");
            }
        }
    }
    out.push('"');
}

/// `f64`: the shortest decimal that reads back, always with a `.` or an exponent; exponent form
/// below 1e-4 and from 1e16 up (in magnitude); `NaN`, `inf`, `-inf`, `-0.0`. This is exactly
/// Rust's `{:?}` for `f64`.
pub fn format_f64(x: f64) -> String {
    format!("{x:?}")
}

/// `Duration` in its largest exact unit among `h m s ms us ns` (`0s` for zero; negative values
/// keep their sign: `-250ms`).
pub fn format_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".to_string();
    }
    let a = (ns as i128).abs();
    const UNITS: [(i128, &str); 6] = [
        (3_600_000_000_000, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
        (1, "ns"),
    ];
    for (n, u) in UNITS {
        if a % n == 0 {
            return format!("{}{}", ns as i128 / n, u);
        }
    }
    format!("{ns}ns")
}
