//! The codec self-test of a program's compiled message descriptors: `janus_rt_codec_selftest`
//! checks, for every message protocol, that the compiler's fingerprint matches the runtime's and
//! that random values of the protocol survive a frame round trip exactly (and re-encode to the
//! same bytes, `same` being the exact comparison), and that damaged frames are refused with an
//! error. It catches a code generator emitting descriptors the runtime reads differently before
//! two nodes ever exchange a message.
//! `spec/abi.md` §7 is the contract.
//!
//! Runs on the calling thread without actors: each value lives in a heap made current for its
//! round (`values::heap::set_current`), restored afterwards. `codec_selftest` returns the exit
//! status so that Rust tests can drive it; the export is a thin wrapper.
#![allow(clippy::missing_safety_doc)]

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::abi::desc::{TypeDesc, kind};
use crate::values::arbitrary::Arbitrary;
use crate::values::codec::{DecodeError, decode_frame, encode_frame};
use crate::values::fingerprint::{canonical_form, compute_fingerprint, fingerprint};
use crate::values::heap::{Heap, set_current};
use crate::values::obj::*;
use crate::values::rc::desc_of;
use crate::values::{eq, map, to_text};

/// What one protocol's successful check measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolReport {
    /// The fingerprint frames were encoded with.
    pub fingerprint: u64,
    /// Values round-tripped.
    pub values: u32,
    /// Total bytes of their frames.
    pub bytes: usize,
}

/// Checks every protocol of `descs` with `rounds` random values each, writing one line per
/// protocol and a summary to `out`. Returns 0 when every protocol passed, else 1.
pub fn codec_selftest(descs: &[&'static TypeDesc], rounds: u32, out: &mut dyn Write) -> i32 {
    let mut failed = 0usize;
    for d in descs {
        let name = if d.name().is_empty() {
            "<unnamed>"
        } else {
            d.name()
        };
        let fp = fingerprint(d);
        let result = catch_unwind(AssertUnwindSafe(|| check_protocol(d, rounds)))
            .unwrap_or_else(|_| Err("the self-test panicked (a runtime bug)".into()));
        let _ = match result {
            Ok(r) => writeln!(
                out,
                "codec {name} fingerprint=0x{:016x} values={} bytes={} ok",
                r.fingerprint, r.values, r.bytes
            ),
            Err(why) => {
                failed += 1;
                writeln!(out, "codec {name} fingerprint=0x{fp:016x} FAILED: {why}")
            }
        };
    }
    let _ = if failed == 0 {
        writeln!(out, "codec self-test: {} protocols ok", descs.len())
    } else {
        writeln!(
            out,
            "codec self-test: {failed} of {} protocols FAILED",
            descs.len()
        )
    };
    let _ = out.flush();
    i32::from(failed != 0)
}

/// A heap made current for the guard's lifetime (boxed: the current-heap pointer must not move).
struct CurrentHeap {
    heap: Box<Heap>,
    prev: *const Heap,
}

impl CurrentHeap {
    fn new() -> CurrentHeap {
        let heap = Box::new(Heap::new());
        // SAFETY: the box lives (unmoved) until `drop`, which restores the previous heap first.
        let prev = unsafe { set_current(&*heap) };
        CurrentHeap { heap, prev }
    }
}

impl Drop for CurrentHeap {
    fn drop(&mut self) {
        // SAFETY: `prev` was current before us and is still alive (set_current's contract).
        unsafe { set_current(self.prev) };
        // The heap (and every value of the round) is freed when the box drops after this.
    }
}

/// The seed of a protocol's values: fixed by its structure, so a run is reproducible and a
/// failure reported by one build recurs in the next build of the same sources.
fn seed_of(d: &TypeDesc) -> u64 {
    compute_fingerprint(d) ^ 0x6A09_E667_F3BC_C908
}

fn short(s: String) -> String {
    const MAX: usize = 300;
    if s.len() <= MAX {
        return s;
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// Checks one protocol (see the module doc). The error says what went wrong, with the value.
pub fn check_protocol(d: &'static TypeDesc, rounds: u32) -> Result<ProtocolReport, String> {
    let computed = compute_fingerprint(d);
    if d.fingerprint != 0 && d.fingerprint != computed {
        return Err(format!(
            "the compiler's fingerprint 0x{:016x} differs from the runtime's 0x{computed:016x} \
             (runtime canonical form: {})",
            d.fingerprint,
            short(canonical_form(d))
        ));
    }
    let fp = fingerprint(d);
    let mut gen_ = Arbitrary::new(d, seed_of(d))?;
    let mut bytes = 0usize;
    let mut largest: Vec<u8> = Vec::new();
    for round in 0..rounds {
        let h = CurrentHeap::new();
        let v = gen_.value(&h.heap)?;
        let shown = || short(to_text(v, d));
        let frame = encode_frame(fp, v, d)
            .map_err(|e| format!("value {round} does not encode: {e}; value: {}", shown()))?;
        let back = decode_frame(&frame, d, fp)
            .map_err(|e| format!("value {round} does not decode: {e}; value: {}", shown()))?;
        if !same(v, back.root, d) || !eq(v, back.root, d) {
            return Err(format!(
                "value {round} changed in a round trip: sent {}, received {}",
                shown(),
                short(to_text(back.root, d))
            ));
        }
        let again = encode_frame(fp, back.root, d).map_err(|e| {
            format!(
                "value {round} does not re-encode after decoding: {e}; value: {}",
                shown()
            )
        })?;
        if again != frame {
            return Err(format!(
                "value {round} re-encodes to other bytes ({} instead of {} bytes); value: {}",
                again.len(),
                frame.len(),
                shown()
            ));
        }
        bytes += frame.len();
        if frame.len() > largest.len() {
            largest = frame;
        }
        drop(back);
        drop(h);
    }
    if !largest.is_empty() {
        check_rejections(&largest, d, fp)?;
    }
    Ok(ProtocolReport {
        fingerprint: fp,
        values: rounds,
        bytes,
    })
}

/// A damaged copy of a valid frame must be refused, with an error, never a panic: another
/// fingerprint, every strict prefix, a trailing byte.
fn check_rejections(frame: &[u8], d: &'static TypeDesc, fp: u64) -> Result<(), String> {
    let mut wrong = frame.to_vec();
    let other = fp ^ 0x8000_0000_0000_0001;
    wrong[..8].copy_from_slice(&other.to_le_bytes());
    match decode_frame(&wrong, d, fp) {
        Err(DecodeError::FingerprintMismatch { got, expected })
            if got == other && expected == fp => {}
        Err(e) => {
            return Err(format!(
                "a frame with another fingerprint is refused as: {e}"
            ));
        }
        Ok(_) => return Err("a frame with another fingerprint is accepted".into()),
    }
    for k in 0..frame.len() {
        if decode_frame(&frame[..k], d, fp).is_ok() {
            return Err(format!(
                "the first {k} bytes of a {}-byte frame decode as a whole message",
                frame.len()
            ));
        }
    }
    let mut longer = frame.to_vec();
    longer.push(0);
    if decode_frame(&longer, d, fp).is_ok() {
        return Err("a frame with a byte appended decodes".into());
    }
    Ok(())
}

/// A test executable built for the codec self-test calls this with the program's message
/// protocol descriptors. Prints one line per protocol and a summary on stdout, then exits with
/// status 0 when every protocol passed, 1 otherwise (never returns).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_codec_selftest(
    descs: *const *const TypeDesc,
    n: usize,
    rounds: u32,
) -> i32 {
    let mut list: Vec<&'static TypeDesc> = Vec::new();
    if !descs.is_null() {
        for i in 0..n {
            // SAFETY: compiled code passes `n` pointers to static descriptors at `descs`.
            let p = unsafe { *descs.add(i) };
            if !p.is_null() {
                // SAFETY: as above.
                list.push(unsafe { &*p });
            }
        }
    }
    let code = catch_unwind(AssertUnwindSafe(|| {
        codec_selftest(&list, rounds, &mut std::io::stdout())
    }))
    .unwrap_or(1);
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

// ---------------------------------------------------------------- exact comparison

/// Whether `a` and `b` (values of `d`) are the same value in every observable respect: scalars
/// bit for bit (so `-0.0` differs from `0.0`), strings byte for byte, collections element by
/// element in order (maps and sets in insertion order), the same descriptor in every object
/// header, handles with the same node, id and actor name, grain references to the same grain
/// type with the same identity. Stricter than `==`, as a codec round trip must be.
pub fn same(a: Value, b: Value, d: &TypeDesc) -> bool {
    same_at(a, b, d, 0)
}

fn same_at(a: Value, b: Value, d: &TypeDesc, depth: usize) -> bool {
    if depth > crate::values::codec::MAX_DEPTH + 8 {
        return false;
    }
    if d.is_scalar() {
        return a == b;
    }
    if d.kind == kind::OPTIONAL {
        return match (opt_get(d, a), opt_get(d, b)) {
            (None, None) => true,
            (Some(x), Some(y)) => {
                // A box's header must name the optional's descriptor too.
                (!d.elem().optional_boxes() || same_desc(a, b))
                    && same_at(x, y, d.elem(), depth + 1)
            }
            _ => false,
        };
    }
    if a == 0 || b == 0 {
        return a == b;
    }
    if !same_desc(a, b) {
        return false;
    }
    // SAFETY: non-null slots of pointer types point at live objects laid out per `d`.
    unsafe {
        match d.kind {
            kind::STRING | kind::BYTES | kind::NODE_ID => str_bytes(a) == str_bytes(b),
            kind::LIST => {
                let (x, y) = (list_items(a), list_items(b));
                x.len() == y.len()
                    && x.iter()
                        .zip(y)
                        .all(|(p, q)| same_at(*p, *q, d.elem(), depth + 1))
            }
            kind::MAP | kind::SET => {
                let entries = |m: Value| {
                    let mut v = Vec::new();
                    map::for_each_entry(m, |k, x| v.push((k, x)));
                    v
                };
                let (x, y) = (entries(a), entries(b));
                x.len() == y.len()
                    && x.iter().zip(&y).all(|(p, q)| {
                        same_at(p.0, q.0, d.elem(), depth + 1)
                            && (d.kind == kind::SET || same_at(p.1, q.1, d.value(), depth + 1))
                    })
            }
            kind::TUPLE | kind::STRUCT => {
                let (x, y) = (struct_slots(a), struct_slots(b));
                d.fields()
                    .iter()
                    .enumerate()
                    .all(|(i, f)| same_at(*x.add(i), *y.add(i), f.ty(), depth + 1))
            }
            kind::ENUM => {
                let (ta, tb) = ((*(a as *const EnumObj)).tag, (*(b as *const EnumObj)).tag);
                if ta != tb {
                    return false;
                }
                let Some(v) = d.variants().get(ta as usize) else {
                    return false;
                };
                let (x, y) = (enum_slots(a), enum_slots(b));
                v.fields()
                    .iter()
                    .enumerate()
                    .all(|(i, f)| same_at(*x.add(i), *y.add(i), f.ty(), depth + 1))
            }
            kind::ACTOR_REF => {
                let (x, y) = (a as *const ActorRefObj, b as *const ActorRefObj);
                (*x).node == (*y).node
                    && (*x).id == (*y).id
                    && actor_ref_name(a) == actor_ref_name(b)
            }
            kind::REPLY => {
                let (x, y) = (a as *const ReplyObj, b as *const ReplyObj);
                (*x).node == (*y).node && (*x).id == (*y).id
            }
            kind::GRAIN_REF => {
                let (x, y) = (a as *const GrainRefObj, b as *const GrainRefObj);
                if (*x).grain.is_null() || (*y).grain.is_null() {
                    return (*x).grain == (*y).grain;
                }
                let (gx, gy) = (&*(*x).grain, &*(*y).grain);
                std::ptr::eq(gx, gy)
                    && !gx.identity.is_null()
                    && same_at((*x).identity, (*y).identity, gx.identity(), depth + 1)
            }
            _ => false,
        }
    }
}

/// Whether two live objects' headers name the same descriptor.
fn same_desc(a: Value, b: Value) -> bool {
    // SAFETY: callers pass live, non-null objects.
    unsafe { std::ptr::eq(desc_of(a), desc_of(b)) }
}
