//! The value model of compiled Janus code: 8-byte value slots, reference-counted heap objects
//! owned by exactly one heap, copy-on-write, deep copies for sending, equality/ordering/hashing,
//! printing, and the wire codec with protocol fingerprints. See `spec/values.md`.
//!
//! Everything here works from type descriptors (`crate::abi::desc`), never from Rust types, so
//! compiled code and Rust tests share one implementation.

pub mod arbitrary;
pub mod cmp;
pub mod codec;
pub mod copy;
pub mod fingerprint;
pub mod handles;
pub mod heap;
pub mod map;
pub mod obj;
pub mod print;
pub mod rc;

use crate::abi::desc::{TypeDesc, kind};

pub use cmp::{compare, eq, hash};
pub use codec::{DecodeError, EncodeError, decode, decode_frame, encode, encode_frame};
pub use copy::{MessageBox, deep_copy};
pub use fingerprint::{canonical_form, fingerprint};
pub use heap::{Header, Heap, IMMORTAL};
pub use obj::Value;
pub use print::to_text;
pub use rc::{make_unique, release, retain};

/// The runtime's own descriptors for values it creates by itself (strings from `to_string`,
/// interpolation results).
pub static STRING: TypeDesc = TypeDesc::simple(kind::STRING);
pub static BYTES: TypeDesc = TypeDesc::simple(kind::BYTES);
pub static I64: TypeDesc = TypeDesc::simple(kind::I64);
pub static F64: TypeDesc = TypeDesc::simple(kind::F64);
pub(crate) static BUILDER: TypeDesc = TypeDesc::simple(kind::INTERNAL);
