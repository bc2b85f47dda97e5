//! Protocol fingerprints: a stable 64-bit hash (FNV-1a) of the canonical structural description
//! of a type. The compiler computes the same text and hash (`spec/abi.md` §4 defines both
//! exactly), so two nodes built from different sources refuse each other's frames.

use std::collections::HashMap;

use crate::abi::desc::{TypeDesc, kind};

/// The canonical description of `d` (see `spec/abi.md` §4), e.g.
/// `enum CounterMsg{Increment;Add{amount:i64};Get{reply:Reply[i64]};Stop}`.
pub fn canonical_form(d: &TypeDesc) -> String {
    let mut c = Canon {
        out: String::new(),
        seen: HashMap::new(),
    };
    c.ty(d);
    c.out
}

/// FNV-1a, 64 bits, over `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The fingerprint of `d`: FNV-1a 64 of its canonical form.
pub fn compute_fingerprint(d: &TypeDesc) -> u64 {
    fnv1a64(canonical_form(d).as_bytes())
}

/// The protocol fingerprint of a message descriptor: the compiler's precomputed value when
/// present, else computed now.
pub fn fingerprint(d: &TypeDesc) -> u64 {
    if d.fingerprint != 0 {
        d.fingerprint
    } else {
        compute_fingerprint(d)
    }
}

struct Canon {
    out: String,
    /// Named types (structs, enums) already opened, with their number in order of appearance.
    seen: HashMap<*const TypeDesc, usize>,
}

impl Canon {
    fn ty(&mut self, d: &TypeDesc) {
        let o = &mut self.out;
        match d.kind {
            kind::VOID => o.push_str("void"),
            kind::I64 => o.push_str("i64"),
            kind::I32 => o.push_str("i32"),
            kind::U64 => o.push_str("u64"),
            kind::F64 => o.push_str("f64"),
            kind::BOOL => o.push_str("bool"),
            kind::DURATION => o.push_str("Duration"),
            kind::INSTANT => o.push_str("Instant"),
            kind::STRING => o.push_str("String"),
            kind::BYTES => o.push_str("Bytes"),
            kind::NODE_ID => o.push_str("NodeId"),
            kind::LIST => {
                o.push('[');
                self.ty(d.elem());
                self.out.push(']');
            }
            kind::MAP => {
                o.push_str("Map[");
                self.ty(d.elem());
                self.out.push(',');
                self.ty(d.value());
                self.out.push(']');
            }
            kind::SET => {
                o.push_str("Set[");
                self.ty(d.elem());
                self.out.push(']');
            }
            kind::OPTIONAL => {
                o.push('?');
                self.ty(d.elem());
            }
            kind::TUPLE => {
                o.push('(');
                for (i, f) in d.fields().iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.ty(f.ty());
                }
                self.out.push(')');
            }
            kind::STRUCT | kind::ENUM => {
                let key = d as *const TypeDesc;
                if let Some(n) = self.seen.get(&key) {
                    o.push('@');
                    o.push_str(&n.to_string());
                    return;
                }
                let n = self.seen.len();
                self.seen.insert(key, n);
                if d.kind == kind::STRUCT {
                    self.out.push_str("struct ");
                    self.out.push_str(d.name());
                    self.fields(d.fields());
                } else {
                    self.out.push_str("enum ");
                    self.out.push_str(d.name());
                    self.out.push('{');
                    for (i, v) in d.variants().iter().enumerate() {
                        if i > 0 {
                            self.out.push(';');
                        }
                        self.out.push_str(v.name());
                        if v.n_fields > 0 {
                            self.fields(v.fields());
                        }
                    }
                    self.out.push('}');
                }
            }
            kind::ACTOR_REF => {
                o.push_str("ActorRef[");
                self.ty(d.elem());
                self.out.push(']');
            }
            kind::REPLY => {
                o.push_str("Reply[");
                self.ty(d.elem());
                self.out.push(']');
            }
            kind::GRAIN_REF => {
                o.push_str("GrainRef[");
                self.ty(d.elem());
                self.out.push_str("]<");
                // SAFETY: grain descriptors are static data.
                let mut gs: Vec<&crate::abi::desc::GrainTypeDesc> =
                    d.grains().iter().map(|g| unsafe { &**g }).collect();
                gs.sort_by(|a, b| a.name().cmp(b.name()));
                for (i, g) in gs.iter().enumerate() {
                    if i > 0 {
                        self.out.push(';');
                    }
                    self.out.push_str(g.name());
                    self.ty(g.identity());
                }
                self.out.push('>');
            }
            k => {
                o.push_str("?kind");
                o.push_str(&k.to_string());
            }
        }
    }

    fn fields(&mut self, fs: &[crate::abi::desc::FieldDesc]) {
        self.out.push('{');
        for (i, f) in fs.iter().enumerate() {
            if i > 0 {
                self.out.push(';');
            }
            self.out.push_str(f.name());
            self.out.push(':');
            self.ty(f.ty());
        }
        self.out.push('}');
    }
}
