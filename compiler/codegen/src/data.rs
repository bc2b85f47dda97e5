//! Static data of the object: type descriptors laid out exactly as `runtime/src/abi/desc.rs`
//! (`#[repr(C)]`, 64-bit), and immortal `String` objects (header with `rc = u32::MAX`, no heap
//! links) for string literals and source locations. Each distinct descriptor and string is
//! emitted once; recursive types work because a descriptor's id is recorded before its fields
//! are emitted.

use janus_sema::fx::FxMap as HashMap;

use cranelift_module::{DataDescription, DataId, FuncId, Module};
use cranelift_object::ObjectModule;
use janus_sema::Ty;
use janus_sema::info::DefInfoKind;
use janus_sema::types::IntTy;

use crate::CodegenError;

/// `kind` values of `TypeDesc` (shared with the runtime).
pub use janus_abi::kind;

/// Size of `TypeDesc`, and offsets of its fields.
const DESC_SIZE: usize = 96;
const OFF_NAME: usize = 8;
const OFF_FIELDS: usize = 24;
const OFF_N_FIELDS: usize = 32;
const OFF_VARIANTS: usize = 40;
const OFF_N_VARIANTS: usize = 48;
const OFF_ELEM: usize = 56;
const OFF_VALUE: usize = 64;
/// `FieldDesc` (name: StrRef, ty) and `VariantDesc` (name, fields, n_fields).
const FIELD_SIZE: usize = 24;
const VARIANT_SIZE: usize = 32;
/// The object header: rc u32, flags u32, desc, next, prev.
pub const HEADER: i32 = 32;
pub const IMMORTAL: u32 = u32::MAX;
/// The first field slot of an enum object (after the header and the tag).
pub const ENUM_FIELDS: i32 = HEADER + 8;

/// Emits and remembers the object's static data.
pub struct DataCx<'p> {
    pub defs: &'p [janus_sema::info::DefInfo],
    descs: HashMap<Ty, DataId>,
    bytes: HashMap<String, DataId>,
    strings: HashMap<String, DataId>,
}

/// `ActorDesc` (`runtime/src/actor.rs`): name (ptr, len), state size and alignment, then
/// seven function pointers (`init`, `drop_state`, `handle`, `on_start`, `on_stop`,
/// `after_ns`, `on_after`; the last four nullable), then the mailbox capacity (`u32`).
pub const ACTOR_DESC_SIZE: usize = 96;
const OFF_ACTOR_FNS: usize = 32;
const OFF_ACTOR_MAILBOX: usize = 88;

/// `SupDesc` and `SupChildDesc` (`runtime/src/abi/supervisors.rs`, `spec/abi.md` §9).
pub const SUP_DESC_SIZE: usize = 72;
pub const SUP_CHILD_SIZE: usize = 40;

/// What a supervisor child starts: an actor (its `ActorDesc`) or a nested supervisor (its
/// `SupDesc`).
pub enum SupTarget {
    Actor(DataId),
    Supervisor(DataId),
}

/// One child of a `SupDesc`.
pub struct SupChild {
    pub name: String,
    /// 0 permanent, 1 transient, 2 temporary.
    pub restart: u32,
    pub target: SupTarget,
}

/// `TestEntry` (`runtime/src/abi/testing.rs`): name (ptr, len), function.
pub const TEST_ENTRY_SIZE: usize = 24;

/// The stack limit (`janus_abi`): every stack compiled code runs on is `STACK_SIZE` bytes (a
/// power of two) and aligned to it, and compiled code stops `STACK_RESERVE` bytes above its
/// bottom (see `stack::stack_check`).
pub const STACK_SIZE: i64 = janus_abi::COMPILED_STACK_SIZE as i64;
pub const STACK_RESERVE: i64 = janus_abi::STACK_RESERVE as i64;

/// The functions of one actor descriptor, in `ActorDesc` order.
pub struct ActorFns {
    pub init: FuncId,
    pub drop_state: FuncId,
    pub handle: FuncId,
    pub on_start: Option<FuncId>,
    pub on_stop: Option<FuncId>,
    pub after_ns: Option<FuncId>,
    pub on_after: Option<FuncId>,
}

/// One data object under construction: its bytes and relocations.
struct Blob {
    bytes: Vec<u8>,
    /// (offset, target, addend)
    relocs: Vec<(usize, DataId, i64)>,
    /// (offset, function): function addresses.
    funcs: Vec<(usize, FuncId)>,
}

impl Blob {
    fn new(size: usize) -> Blob {
        Blob {
            bytes: vec![0; size],
            relocs: Vec::new(),
            funcs: Vec::new(),
        }
    }
    fn u32(&mut self, off: usize, v: u32) {
        self.bytes[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, off: usize, v: u64) {
        self.bytes[off..off + 8].copy_from_slice(&v.to_le_bytes());
    }
    fn ptr(&mut self, off: usize, target: DataId) {
        self.relocs.push((off, target, 0));
    }
    fn define(self, m: &mut ObjectModule, id: DataId) -> Result<(), CodegenError> {
        let mut d = DataDescription::new();
        d.define(self.bytes.into_boxed_slice());
        d.set_align(8);
        for (off, target, addend) in self.relocs {
            let gv = m.declare_data_in_data(target, &mut d);
            d.write_data_addr(off as u32, gv, addend);
        }
        for (off, f) in self.funcs {
            let fr = m.declare_func_in_data(f, &mut d);
            d.write_function_addr(off as u32, fr);
        }
        m.define_data(id, &d)
            .map_err(|e| CodegenError::new(format!("cannot emit data: {e}")))
    }
}

fn anon(m: &mut ObjectModule, writable: bool) -> Result<DataId, CodegenError> {
    m.declare_anonymous_data(writable, false)
        .map_err(|e| CodegenError::new(format!("cannot declare data: {e}")))
}

impl<'p> DataCx<'p> {
    pub fn new(defs: &'p [janus_sema::info::DefInfo]) -> DataCx<'p> {
        DataCx {
            defs,
            descs: HashMap::default(),
            bytes: HashMap::default(),
            strings: HashMap::default(),
        }
    }

    /// Resolves aliases (`type UserId = i64`).
    pub fn resolve(&self, ty: &Ty) -> Ty {
        let mut t = ty.clone();
        for _ in 0..64 {
            match &t {
                Ty::Def(id) => match self.defs.get(id.0 as usize).map(|d| &d.kind) {
                    Some(DefInfoKind::Alias { ty }) => t = ty.clone(),
                    _ => return t,
                },
                _ => return t,
            }
        }
        t
    }

    /// Raw bytes (names inside descriptors), read-only, deduplicated.
    fn raw(&mut self, m: &mut ObjectModule, s: &str) -> Result<DataId, CodegenError> {
        if let Some(id) = self.bytes.get(s) {
            return Ok(*id);
        }
        let id = anon(m, false)?;
        self.bytes.insert(s.to_string(), id);
        let mut b = Blob::new(s.len().max(1));
        b.bytes[..s.len()].copy_from_slice(s.as_bytes());
        b.define(m, id)?;
        Ok(id)
    }

    fn str_ref(
        &mut self,
        m: &mut ObjectModule,
        b: &mut Blob,
        off: usize,
        s: &str,
    ) -> Result<(), CodegenError> {
        if !s.is_empty() {
            let id = self.raw(m, s)?;
            b.ptr(off, id);
        }
        b.u64(off + 8, s.len() as u64);
        Ok(())
    }

    /// An immortal `String` object holding `s` (writable: the runtime's retain may store the
    /// saturated count back).
    pub fn string(&mut self, m: &mut ObjectModule, s: &str) -> Result<DataId, CodegenError> {
        if let Some(id) = self.strings.get(s) {
            return Ok(*id);
        }
        let id = anon(m, true)?;
        self.strings.insert(s.to_string(), id);
        let desc = self.desc(m, &Ty::Str)?;
        let mut b = Blob::new(HEADER as usize + 8 + s.len());
        b.u32(0, IMMORTAL);
        b.ptr(8, desc);
        b.u64(HEADER as usize, s.len() as u64);
        b.bytes[HEADER as usize + 8..].copy_from_slice(s.as_bytes());
        b.define(m, id)?;
        Ok(id)
    }

    /// Defines actor descriptor `id` (declared earlier, so that `spawn` can name it before
    /// the wrappers exist).
    #[allow(clippy::too_many_arguments)]
    pub fn actor_desc(
        &mut self,
        m: &mut ObjectModule,
        id: DataId,
        name: &str,
        state_size: u64,
        fns: &ActorFns,
        mailbox: u32,
    ) -> Result<(), CodegenError> {
        let mut b = Blob::new(ACTOR_DESC_SIZE);
        self.str_ref(m, &mut b, 0, name)?;
        b.u64(16, state_size);
        b.u64(24, 8);
        let slots = [
            Some(fns.init),
            Some(fns.drop_state),
            Some(fns.handle),
            fns.on_start,
            fns.on_stop,
            fns.after_ns,
            fns.on_after,
        ];
        for (i, f) in slots.iter().enumerate() {
            if let Some(f) = f {
                b.funcs.push((OFF_ACTOR_FNS + 8 * i, *f));
            }
        }
        b.u32(OFF_ACTOR_MAILBOX, mailbox);
        b.define(m, id)
    }

    /// The type of a supervisor's child `t`: a reference to an actor, or the nested
    /// supervisor's value.
    pub fn child_ty(&self, t: janus_sema::types::DefId) -> Ty {
        match self.defs.get(t.0 as usize).map(|i| &i.kind) {
            Some(DefInfoKind::Actor { protocols, .. }) => Ty::ActorRef(protocols.clone()),
            Some(DefInfoKind::Supervisor { .. }) => Ty::Supervisor(t),
            _ => Ty::Error,
        }
    }

    /// Defines supervisor descriptor `id` (`SupDesc`, `spec/abi.md` §9): settings, then one
    /// `SupChildDesc` per child pointing at the child's actor or supervisor descriptor.
    #[allow(clippy::too_many_arguments)]
    pub fn sup_desc(
        &mut self,
        m: &mut ObjectModule,
        id: DataId,
        name: &str,
        strategy: u32,
        intensity: u64,
        window_ns: u64,
        backoff: Option<(u64, u64)>,
        children: &[SupChild],
    ) -> Result<(), CodegenError> {
        let mut cb = Blob::new((SUP_CHILD_SIZE * children.len()).max(8));
        for (i, c) in children.iter().enumerate() {
            let at = SUP_CHILD_SIZE * i;
            self.str_ref(m, &mut cb, at, &c.name)?;
            cb.u32(at + 16, c.restart);
            match c.target {
                SupTarget::Actor(a) => cb.ptr(at + 24, a),
                SupTarget::Supervisor(s) => cb.ptr(at + 32, s),
            }
        }
        let cid = anon(m, false)?;
        cb.define(m, cid)?;
        let mut b = Blob::new(SUP_DESC_SIZE);
        self.str_ref(m, &mut b, 0, name)?;
        b.u32(16, strategy);
        b.u64(24, intensity);
        b.u64(32, window_ns);
        let (lo, hi) = backoff.unwrap_or((0, 0));
        b.u64(40, lo);
        b.u64(48, hi);
        b.ptr(56, cid);
        b.u64(64, children.len() as u64);
        b.define(m, id)
    }

    /// The test table of a test executable: one `TestEntry` (name ptr, name len, function)
    /// per test, as `runtime/src/abi/testing.rs` reads it.
    pub fn test_table(
        &mut self,
        m: &mut ObjectModule,
        tests: &[(String, FuncId)],
    ) -> Result<DataId, CodegenError> {
        let id = anon(m, false)?;
        let mut b = Blob::new((TEST_ENTRY_SIZE * tests.len()).max(8));
        for (i, (name, f)) in tests.iter().enumerate() {
            self.str_ref(m, &mut b, TEST_ENTRY_SIZE * i, name)?;
            b.funcs.push((TEST_ENTRY_SIZE * i + 16, *f));
        }
        b.define(m, id)?;
        Ok(id)
    }

    /// An array of descriptor pointers (the message protocols, for the codec self-test).
    pub fn desc_table(&mut self, m: &mut ObjectModule, tys: &[Ty]) -> Result<DataId, CodegenError> {
        let id = anon(m, false)?;
        let mut b = Blob::new((8 * tys.len()).max(8));
        for (i, t) in tys.iter().enumerate() {
            let d = self.desc(m, t)?;
            b.ptr(8 * i, d);
        }
        b.define(m, id)?;
        Ok(id)
    }

    /// The descriptor of `ty`.
    pub fn desc(&mut self, m: &mut ObjectModule, ty: &Ty) -> Result<DataId, CodegenError> {
        let ty = self.resolve(ty);
        if let Some(id) = self.descs.get(&ty) {
            return Ok(*id);
        }
        let id = anon(m, false)?;
        self.descs.insert(ty.clone(), id);
        let mut b = Blob::new(DESC_SIZE);
        let k = match &ty {
            Ty::Int(IntTy::I64) => kind::I64,
            Ty::Int(IntTy::I32) => kind::I32,
            Ty::Int(IntTy::U64) => kind::U64,
            Ty::F64 => kind::F64,
            Ty::Bool => kind::BOOL,
            Ty::Duration => kind::DURATION,
            Ty::Instant => kind::INSTANT,
            Ty::Str => kind::STRING,
            Ty::Bytes => kind::BYTES,
            Ty::NodeId => kind::NODE_ID,
            Ty::List(e) | Ty::Set(e) | Ty::Optional(e) | Ty::Reply(e) => {
                let e = self.desc(m, e)?;
                b.ptr(OFF_ELEM, e);
                match &ty {
                    Ty::List(_) => kind::LIST,
                    Ty::Set(_) => kind::SET,
                    Ty::Optional(_) => kind::OPTIONAL,
                    _ => kind::REPLY,
                }
            }
            Ty::Map(k, v) => {
                let k = self.desc(m, k)?;
                let v = self.desc(m, v)?;
                b.ptr(OFF_ELEM, k);
                b.ptr(OFF_VALUE, v);
                kind::MAP
            }
            Ty::Tuple(ts) => {
                let fields: Vec<(String, Ty)> =
                    ts.iter().map(|t| (String::new(), t.clone())).collect();
                let f = self.fields(m, &fields)?;
                b.ptr(OFF_FIELDS, f);
                b.u64(OFF_N_FIELDS, fields.len() as u64);
                kind::TUPLE
            }
            Ty::ActorRef(ps) | Ty::GrainRef(ps) if !ps.is_empty() => {
                let p = self.desc(m, &Ty::Def(ps[0]))?;
                b.ptr(OFF_ELEM, p);
                if matches!(ty, Ty::ActorRef(_)) {
                    kind::ACTOR_REF
                } else {
                    kind::GRAIN_REF
                }
            }
            Ty::Supervisor(def) => {
                // A supervisor's value: a struct of its children's references.
                let info = self.defs.get(def.0 as usize).cloned();
                let name = info.as_ref().map_or(String::new(), |i| i.name.clone());
                self.str_ref(m, &mut b, OFF_NAME, &name)?;
                let fs: Vec<(String, Ty)> = match info.map(|i| i.kind) {
                    Some(DefInfoKind::Supervisor { children, .. }) => children
                        .iter()
                        .map(|(n, t)| (n.clone(), t.map_or(Ty::Error, |t| self.child_ty(t))))
                        .collect(),
                    _ => Vec::new(),
                };
                let f = self.fields(m, &fs)?;
                b.ptr(OFF_FIELDS, f);
                b.u64(OFF_N_FIELDS, fs.len() as u64);
                kind::STRUCT
            }
            Ty::Def(def) => {
                let info = self.defs.get(def.0 as usize).cloned();
                match info {
                    Some(info) => {
                        self.str_ref(m, &mut b, OFF_NAME, &info.name)?;
                        match &info.kind {
                            DefInfoKind::Struct { fields } => {
                                let fs: Vec<(String, Ty)> = fields
                                    .iter()
                                    .map(|f| (f.name.clone(), f.ty.clone()))
                                    .collect();
                                let f = self.fields(m, &fs)?;
                                b.ptr(OFF_FIELDS, f);
                                b.u64(OFF_N_FIELDS, fs.len() as u64);
                                kind::STRUCT
                            }
                            DefInfoKind::Enum { variants, .. } => {
                                let mut vb = Blob::new(VARIANT_SIZE * variants.len().max(1));
                                for (i, v) in variants.iter().enumerate() {
                                    let fs: Vec<(String, Ty)> = v
                                        .field_list()
                                        .iter()
                                        .map(|f| (f.name.clone(), f.ty.clone()))
                                        .collect();
                                    self.str_ref(m, &mut vb, i * VARIANT_SIZE, &v.name)?;
                                    if !fs.is_empty() {
                                        let f = self.fields(m, &fs)?;
                                        vb.ptr(i * VARIANT_SIZE + 16, f);
                                    }
                                    vb.u64(i * VARIANT_SIZE + 24, fs.len() as u64);
                                }
                                let vid = anon(m, false)?;
                                vb.define(m, vid)?;
                                b.ptr(OFF_VARIANTS, vid);
                                b.u64(OFF_N_VARIANTS, variants.len() as u64);
                                kind::ENUM
                            }
                            _ => kind::VOID,
                        }
                    }
                    None => kind::VOID,
                }
            }
            _ => kind::VOID,
        };
        b.u32(0, k);
        b.define(m, id)?;
        Ok(id)
    }

    fn fields(
        &mut self,
        m: &mut ObjectModule,
        fs: &[(String, Ty)],
    ) -> Result<DataId, CodegenError> {
        let mut b = Blob::new(FIELD_SIZE * fs.len().max(1));
        for (i, (name, ty)) in fs.iter().enumerate() {
            self.str_ref(m, &mut b, i * FIELD_SIZE, name)?;
            let d = self.desc(m, ty)?;
            b.ptr(i * FIELD_SIZE + 16, d);
        }
        let id = anon(m, false)?;
        b.define(m, id)?;
        Ok(id)
    }

    /// Whether `?T` boxes its payload (scalars and optionals have no spare null pattern).
    pub fn optional_boxes(&self, inner: &Ty) -> bool {
        let t = self.resolve(inner);
        matches!(
            t,
            Ty::Void
                | Ty::Bool
                | Ty::Int(_)
                | Ty::F64
                | Ty::Duration
                | Ty::Instant
                | Ty::Optional(_)
        )
    }
}

/// The layout above is the runtime's (`runtime/src/abi/desc.rs`, `values/heap.rs`) written out
/// for Cranelift's byte-level data emission; these tests pin the copy to the original so that a
/// change on either side fails here instead of misreading memory at run time.
#[cfg(test)]
mod abi_layout {
    use super::*;
    use janus_runtime::abi::desc::{FieldDesc, TypeDesc, VariantDesc};
    use janus_runtime::values::heap::{self as rt_heap, Header};
    use std::mem::{offset_of, size_of};

    #[test]
    fn descriptor_layout_matches_the_runtime() {
        assert_eq!(DESC_SIZE, size_of::<TypeDesc>());
        assert_eq!(OFF_NAME, offset_of!(TypeDesc, name));
        assert_eq!(OFF_FIELDS, offset_of!(TypeDesc, fields));
        assert_eq!(OFF_N_FIELDS, offset_of!(TypeDesc, n_fields));
        assert_eq!(OFF_VARIANTS, offset_of!(TypeDesc, variants));
        assert_eq!(OFF_N_VARIANTS, offset_of!(TypeDesc, n_variants));
        assert_eq!(OFF_ELEM, offset_of!(TypeDesc, elem));
        assert_eq!(OFF_VALUE, offset_of!(TypeDesc, value));
        assert_eq!(FIELD_SIZE, size_of::<FieldDesc>());
        assert_eq!(VARIANT_SIZE, size_of::<VariantDesc>());
    }

    #[test]
    fn actor_descriptor_layout_matches_the_runtime() {
        use janus_runtime::ActorDesc;
        assert_eq!(ACTOR_DESC_SIZE, size_of::<ActorDesc>());
        assert_eq!(16, offset_of!(ActorDesc, state_size));
        assert_eq!(24, offset_of!(ActorDesc, state_align));
        assert_eq!(OFF_ACTOR_FNS, offset_of!(ActorDesc, init));
        assert_eq!(OFF_ACTOR_FNS + 8, offset_of!(ActorDesc, drop_state));
        assert_eq!(OFF_ACTOR_FNS + 16, offset_of!(ActorDesc, handle));
        assert_eq!(OFF_ACTOR_FNS + 24, offset_of!(ActorDesc, on_start));
        assert_eq!(OFF_ACTOR_FNS + 32, offset_of!(ActorDesc, on_stop));
        assert_eq!(OFF_ACTOR_FNS + 40, offset_of!(ActorDesc, after_ns));
        assert_eq!(OFF_ACTOR_FNS + 48, offset_of!(ActorDesc, on_after));
        assert_eq!(OFF_ACTOR_MAILBOX, offset_of!(ActorDesc, mailbox_capacity));
    }

    #[test]
    fn test_entry_layout_matches_the_runtime() {
        use janus_runtime::abi::testing::TestEntry;
        assert_eq!(TEST_ENTRY_SIZE, size_of::<TestEntry>());
        assert_eq!(16, offset_of!(TestEntry, run));
    }

    #[test]
    fn the_runtime_hands_out_stacks_of_the_size_compiled_code_assumes() {
        use janus_runtime::abi::COMPILED_STACK_SIZE;
        let s = janus_runtime::stack::AlignedStack::new(COMPILED_STACK_SIZE).expect("stack");
        assert_eq!(s.size(), COMPILED_STACK_SIZE);
        assert_eq!(s.lowest() % COMPILED_STACK_SIZE, 0);
    }

    #[test]
    fn object_header_matches_the_runtime() {
        assert_eq!(HEADER as usize, size_of::<Header>());
        assert_eq!(IMMORTAL, rt_heap::IMMORTAL);
    }
}
