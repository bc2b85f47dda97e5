//! The wire codec: postcard-style encoding of any value from its descriptor, and message frames
//! (protocol fingerprint + value). The exact format is in `spec/abi.md` §5.
//!
//! Decoding never panics and bounds what it allocates by the input's length: every object it
//! builds is charged against a budget of `64 × input length + 64 KiB` bytes, lengths are checked
//! against the remaining input, nesting is limited to `MAX_DEPTH`, and a malformed frame is a
//! `DecodeError` value. Everything is decoded into a fresh heap which is freed whole on error.

use std::fmt;

use super::heap::Heap;
use super::map;
use super::obj::*;
use crate::abi::desc::{TypeDesc, kind};

/// Deepest nesting of values the codec accepts (encoder and decoder alike).
pub const MAX_DEPTH: usize = 500;

/// Why a frame or value could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The input ended in the middle of a value.
    Truncated,
    /// Bytes that no encoder produces (with what was wrong).
    Malformed(String),
    /// Bytes left over after the value.
    Trailing(usize),
    /// The value nests deeper than `MAX_DEPTH`.
    TooDeep,
    /// The value would allocate far more than its encoded size justifies.
    TooLarge,
    /// The frame was encoded for another protocol (the sender was built from other sources).
    FingerprintMismatch { got: u64, expected: u64 },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Truncated => write!(
                f,
                "malformed message: the frame ends in the middle of a value"
            ),
            DecodeError::Malformed(m) => write!(f, "malformed message: {m}"),
            DecodeError::Trailing(n) => {
                write!(f, "malformed message: {n} unexpected bytes after the value")
            }
            DecodeError::TooDeep => write!(
                f,
                "malformed message: values nested deeper than {MAX_DEPTH} levels"
            ),
            DecodeError::TooLarge => {
                write!(
                    f,
                    "malformed message: the frame would allocate far more memory than its size justifies"
                )
            }
            DecodeError::FingerprintMismatch { got, expected } => write!(
                f,
                "protocol mismatch: the message has protocol fingerprint {got:016x} but this node expects \
                 {expected:016x}; the two nodes were built from different sources"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Why a value could not be encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// The value nests deeper than `MAX_DEPTH`.
    TooDeep,
    /// A null pointer where the type has no null, or a type that cannot cross the wire
    /// (a compiler or runtime bug, reported instead of crashing).
    Invalid(&'static str),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::TooDeep => {
                write!(
                    f,
                    "cannot encode the message: values nested deeper than {MAX_DEPTH} levels"
                )
            }
            EncodeError::Invalid(m) => write!(f, "cannot encode the message: {m}"),
        }
    }
}

impl std::error::Error for EncodeError {}

// ---------------------------------------------------------------- encoding

fn put_varint(out: &mut Vec<u8>, mut x: u64) {
    while x >= 0x80 {
        out.push((x as u8) | 0x80);
        x >>= 7;
    }
    out.push(x as u8);
}

fn zigzag(x: i64) -> u64 {
    ((x << 1) ^ (x >> 63)) as u64
}

fn unzigzag(x: u64) -> i64 {
    ((x >> 1) as i64) ^ -((x & 1) as i64)
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// Appends the encoding of `v` (of type `d`).
pub fn encode(v: Value, d: &TypeDesc, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    enc(v, d, out, 0)
}

/// A message frame: the protocol fingerprint (8 bytes, little-endian) then the value.
pub fn encode_frame(fingerprint: u64, v: Value, d: &TypeDesc) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&fingerprint.to_le_bytes());
    encode(v, d, &mut out)?;
    Ok(out)
}

fn enc(v: Value, d: &TypeDesc, out: &mut Vec<u8>, depth: usize) -> Result<(), EncodeError> {
    if depth > MAX_DEPTH {
        return Err(EncodeError::TooDeep);
    }
    match d.kind {
        kind::VOID => {}
        kind::I64 | kind::I32 | kind::DURATION | kind::INSTANT => put_varint(out, zigzag(v as i64)),
        kind::U64 => put_varint(out, v),
        kind::F64 => out.extend_from_slice(&v.to_le_bytes()),
        kind::BOOL => out.push((v != 0) as u8),
        kind::OPTIONAL => match opt_get(d, v) {
            None => out.push(0),
            Some(x) => {
                out.push(1);
                enc(x, d.elem(), out, depth + 1)?;
            }
        },
        // A null where a value must be (never produced by compiled code).
        _ if v == 0 => return Err(EncodeError::Invalid("a null value where the type has none")),
        // SAFETY: non-null pointer slots point at live objects laid out per `d`.
        _ => unsafe { enc_object(v, d, out, depth)? },
    }
    Ok(())
}

unsafe fn enc_object(
    v: Value,
    d: &TypeDesc,
    out: &mut Vec<u8>,
    depth: usize,
) -> Result<(), EncodeError> {
    // SAFETY: see `enc`.
    unsafe {
        match d.kind {
            kind::STRING | kind::BYTES | kind::NODE_ID => put_bytes(out, str_bytes(v)),
            kind::LIST => {
                let items = list_items(v);
                put_varint(out, items.len() as u64);
                for &x in items {
                    enc(x, d.elem(), out, depth + 1)?;
                }
            }
            kind::MAP | kind::SET => {
                put_varint(out, map::len(v) as u64);
                let mut r = Ok(());
                let is_map = d.kind == kind::MAP;
                map::for_each_entry(v, |k, x| {
                    if r.is_ok() {
                        r = enc(k, d.elem(), out, depth + 1);
                    }
                    if is_map && r.is_ok() {
                        r = enc(x, d.value(), out, depth + 1);
                    }
                });
                r?;
            }
            kind::TUPLE | kind::STRUCT => {
                let s = struct_slots(v);
                for (i, f) in d.fields().iter().enumerate() {
                    enc(*s.add(i), f.ty(), out, depth + 1)?;
                }
            }
            kind::ENUM => {
                let tag = (*(v as *const EnumObj)).tag;
                put_varint(out, tag);
                if let Some(var) = d.variants().get(tag as usize) {
                    let s = enum_slots(v);
                    for (i, f) in var.fields().iter().enumerate() {
                        enc(*s.add(i), f.ty(), out, depth + 1)?;
                    }
                }
            }
            kind::ACTOR_REF => {
                // A supervised child's reference goes as node 0, its stable id and its actor
                // type (`handles.rs`); resolving it on decode is the cluster layer's work.
                let o = v as *const ActorRefObj;
                put_varint(out, (*o).node);
                put_varint(out, (*o).id);
                put_bytes(out, actor_ref_name(v).as_bytes());
            }
            kind::REPLY => {
                let o = v as *const ReplyObj;
                put_varint(out, (*o).node);
                put_varint(out, (*o).id);
            }
            kind::GRAIN_REF => {
                let o = v as *const GrainRefObj;
                let g = &*(*o).grain;
                put_bytes(out, g.name().as_bytes());
                enc((*o).identity, g.identity(), out, depth + 1)?;
            }
            _ => return Err(EncodeError::Invalid("a runtime-internal value")),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- decoding

/// Decodes one value of type `d` occupying all of `bytes` into a fresh heap.
pub fn decode(bytes: &[u8], d: &'static TypeDesc) -> Result<(Heap, Value), DecodeError> {
    let heap = Heap::new();
    let mut r = Reader::new(bytes, &heap);
    let v = r.value(d, 0)?;
    if r.pos != bytes.len() {
        return Err(DecodeError::Trailing(bytes.len() - r.pos));
    }
    Ok((heap, v))
}

/// Decodes a message frame for the protocol `d` whose fingerprint is `expected`.
pub fn decode_frame(
    bytes: &[u8],
    d: &'static TypeDesc,
    expected: u64,
) -> Result<super::copy::MessageBox, DecodeError> {
    let Some((fp, rest)) = bytes.split_first_chunk::<8>() else {
        return Err(DecodeError::Truncated);
    };
    let got = u64::from_le_bytes(*fp);
    if got != expected {
        return Err(DecodeError::FingerprintMismatch { got, expected });
    }
    let (heap, root) = decode(rest, d)?;
    Ok(super::copy::MessageBox {
        heap,
        root,
        desc: d,
    })
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    heap: &'a Heap,
    budget: usize,
}

const OBJ: usize = 48;

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8], heap: &'a Heap) -> Reader<'a> {
        Reader {
            buf,
            pos: 0,
            heap,
            budget: buf.len().saturating_mul(64).saturating_add(64 * 1024),
        }
    }

    fn charge(&mut self, n: usize) -> Result<(), DecodeError> {
        self.budget = self.budget.checked_sub(n).ok_or(DecodeError::TooLarge)?;
        Ok(())
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        let b = *self.buf.get(self.pos).ok_or(DecodeError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut x = 0u64;
        for i in 0..10 {
            let b = self.byte()?;
            if i == 9 && b > 1 {
                return Err(DecodeError::Malformed("integer wider than 64 bits".into()));
            }
            x |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(x);
            }
        }
        Err(DecodeError::Malformed("integer wider than 64 bits".into()))
    }

    fn len(&mut self) -> Result<usize, DecodeError> {
        let n = self.varint()?;
        usize::try_from(n).map_err(|_| DecodeError::TooLarge)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        if n > self.remaining() {
            return Err(DecodeError::Truncated);
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn text(&mut self, what: &str) -> Result<&'a str, DecodeError> {
        let n = self.len()?;
        let b = self.take(n)?;
        std::str::from_utf8(b)
            .map_err(|_| DecodeError::Malformed(format!("{what} is not valid UTF-8")))
    }

    /// One value. Kept small: each kind has its own function so that the frames on the
    /// recursive path stay small (a deep recursive value recurses through here).
    fn value(&mut self, d: &'static TypeDesc, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError::TooDeep);
        }
        match d.kind {
            kind::STRING | kind::NODE_ID | kind::BYTES => self.string(d),
            kind::OPTIONAL => self.optional(d, depth),
            kind::LIST => self.list(d, depth),
            kind::MAP | kind::SET => self.map(d, depth),
            kind::TUPLE | kind::STRUCT => self.strukt(d, depth),
            kind::ENUM => self.enumm(d, depth),
            kind::ACTOR_REF | kind::REPLY | kind::GRAIN_REF => self.handle(d, depth),
            _ => self.scalar(d),
        }
    }

    #[inline(never)]
    fn scalar(&mut self, d: &'static TypeDesc) -> Result<Value, DecodeError> {
        Ok(match d.kind {
            kind::VOID => 0,
            kind::I64 | kind::DURATION | kind::INSTANT => unzigzag(self.varint()?) as u64,
            kind::I32 => {
                let x = unzigzag(self.varint()?);
                if i32::try_from(x).is_err() {
                    return Err(DecodeError::Malformed(format!(
                        "{x} does not fit in an i32"
                    )));
                }
                x as u64
            }
            kind::U64 => self.varint()?,
            kind::F64 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                u64::from_le_bytes(a)
            }
            kind::BOOL => match self.byte()? {
                0 => 0,
                1 => 1,
                b => {
                    return Err(DecodeError::Malformed(format!(
                        "{b} is not a bool (0 or 1)"
                    )));
                }
            },
            k => {
                return Err(DecodeError::Malformed(format!(
                    "type kind {k} cannot be decoded"
                )));
            }
        })
    }

    #[inline(never)]
    fn string(&mut self, d: &'static TypeDesc) -> Result<Value, DecodeError> {
        let n = self.len()?;
        let b = self.take(n)?;
        if d.kind != kind::BYTES && std::str::from_utf8(b).is_err() {
            return Err(DecodeError::Malformed("a string is not valid UTF-8".into()));
        }
        self.charge(OBJ + n)?;
        Ok(new_str(self.heap, d, b))
    }

    #[inline(never)]
    fn optional(&mut self, d: &'static TypeDesc, depth: usize) -> Result<Value, DecodeError> {
        match self.byte()? {
            0 => Ok(0),
            1 => {
                let x = self.value(unsafe_static(d.elem), depth + 1)?;
                self.charge(OBJ)?;
                Ok(some(self.heap, d, x))
            }
            b => Err(bad_marker(b)),
        }
    }

    #[inline(never)]
    fn list(&mut self, d: &'static TypeDesc, depth: usize) -> Result<Value, DecodeError> {
        let n = self.len()?;
        self.charge(
            n.checked_mul(8)
                .and_then(|x| x.checked_add(OBJ))
                .ok_or(DecodeError::TooLarge)?,
        )?;
        let l = new_list(self.heap, d, n);
        let e = unsafe_static(d.elem);
        for _ in 0..n {
            let x = self.value(e, depth + 1)?;
            // SAFETY: `l` is the list just built, with capacity for `n` elements.
            unsafe { list_push(l, x) };
        }
        Ok(l)
    }

    #[inline(never)]
    fn map(&mut self, d: &'static TypeDesc, depth: usize) -> Result<Value, DecodeError> {
        let n = self.len()?;
        let is_map = d.kind == kind::MAP;
        let per = if is_map { 24 + 8 } else { 16 + 8 };
        self.charge(
            n.checked_mul(per)
                .and_then(|x| x.checked_add(OBJ))
                .ok_or(DecodeError::TooLarge)?,
        )?;
        let m = new_map(self.heap, d);
        for _ in 0..n {
            let k = self.value(unsafe_static(d.elem), depth + 1)?;
            let v = if is_map {
                self.value(unsafe_static(d.value), depth + 1)?
            } else {
                0
            };
            // SAFETY: `m` is the map just built, owned by this decoder.
            if unsafe { map::insert(m, k, v) }.is_some() {
                return Err(DecodeError::Malformed("a map or set repeats a key".into()));
            }
        }
        Ok(m)
    }

    #[inline(never)]
    fn strukt(&mut self, d: &'static TypeDesc, depth: usize) -> Result<Value, DecodeError> {
        let fs = d.fields();
        self.charge(OBJ + 8 * fs.len())?;
        let s = new_struct(self.heap, d, fs.len());
        for (i, f) in fs.iter().enumerate() {
            let x = self.value(unsafe_static(f.ty), depth + 1)?;
            // SAFETY: `s` has one slot per field.
            unsafe { *struct_slots(s).add(i) = x };
        }
        Ok(s)
    }

    #[inline(never)]
    fn enumm(&mut self, d: &'static TypeDesc, depth: usize) -> Result<Value, DecodeError> {
        let tag = self.varint()?;
        let Some(var) = usize::try_from(tag).ok().and_then(|t| d.variants().get(t)) else {
            return Err(bad_tag(tag, d));
        };
        self.charge(OBJ + 8 * var.n_fields)?;
        let e = new_enum(self.heap, d, tag as usize);
        for (i, f) in var.fields().iter().enumerate() {
            let x = self.value(unsafe_static(f.ty), depth + 1)?;
            // SAFETY: `e` has one slot per field of its variant.
            unsafe { *enum_slots(e).add(i) = x };
        }
        Ok(e)
    }

    #[inline(never)]
    fn handle(&mut self, d: &'static TypeDesc, depth: usize) -> Result<Value, DecodeError> {
        let heap = self.heap;
        match d.kind {
            kind::ACTOR_REF => {
                let node = self.varint()?;
                let id = self.varint()?;
                let name = self.text("an actor name")?;
                self.charge(OBJ + name.len())?;
                Ok(super::handles::actor_ref_from_wire(heap, d, node, id, name))
            }
            kind::REPLY => {
                let node = self.varint()?;
                let id = self.varint()?;
                self.charge(OBJ)?;
                Ok(super::handles::reply_from_wire(heap, d, node, id))
            }
            _ => {
                let name = self.text("a grain name")?;
                // SAFETY: grain descriptors are static data.
                let Some(g) = d
                    .grains()
                    .iter()
                    .map(|g| unsafe { &**g })
                    .find(|g| g.name() == name)
                else {
                    return Err(DecodeError::Malformed(format!(
                        "unknown grain type `{name}`"
                    )));
                };
                let id = self.value(unsafe_static(g.identity), depth + 1)?;
                self.charge(OBJ)?;
                Ok(super::handles::new_grain_ref(heap, d, g, id))
            }
        }
    }
}

#[cold]
#[inline(never)]
fn bad_marker(b: u8) -> DecodeError {
    DecodeError::Malformed(format!("{b} is not an optional marker (0 or 1)"))
}

#[cold]
#[inline(never)]
fn bad_tag(tag: u64, d: &TypeDesc) -> DecodeError {
    DecodeError::Malformed(format!(
        "variant number {tag} does not exist in {} ({} variants)",
        d.name(),
        d.n_variants
    ))
}

fn unsafe_static(p: *const TypeDesc) -> &'static TypeDesc {
    // SAFETY: descriptors are static data (compiler-emitted or leaked by the builders).
    unsafe { &*p }
}
