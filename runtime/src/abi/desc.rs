//! Type descriptors: the `#[repr(C)]` static data the compiler emits for every type whose values
//! the runtime must free, copy, compare, hash, print or encode (see `spec/abi.md` §2).
//!
//! Descriptors are immutable and live for the whole process (compiled code emits them as static
//! data; Rust tests build them with the `build` helpers below, which leak). They may form cycles
//! (recursive structs and enums point back at themselves through their fields).

use std::ptr;

/// The kind of a type (the `kind` field of `TypeDesc`): `janus_abi::kind`.
pub use janus_abi::kind;

/// A borrowed UTF-8 string in static data: pointer + length, not NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct StrRef {
    /// First byte (may dangle when `len` is 0).
    pub ptr: *const u8,
    /// Length in bytes.
    pub len: usize,
}

impl StrRef {
    /// The empty string.
    pub const EMPTY: StrRef = StrRef {
        ptr: ptr::null(),
        len: 0,
    };

    /// Wraps a static Rust string.
    pub const fn new(s: &'static str) -> StrRef {
        StrRef {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    /// The text. Invalid UTF-8 (a compiler bug) reads as `?`.
    pub fn as_str(&self) -> &str {
        if self.len == 0 || self.ptr.is_null() {
            return "";
        }
        // SAFETY: descriptors are static data; `ptr`/`len` describe bytes that live forever.
        let b = unsafe { std::slice::from_raw_parts(self.ptr, self.len) };
        std::str::from_utf8(b).unwrap_or("?")
    }
}

/// One field of a struct, tuple or variant.
#[repr(C)]
pub struct FieldDesc {
    /// Field name (`x`); empty for tuple elements.
    pub name: StrRef,
    /// The field's type.
    pub ty: *const TypeDesc,
}

/// One variant of an enum, error set or message protocol.
#[repr(C)]
pub struct VariantDesc {
    /// Variant name (`Circle`).
    pub name: StrRef,
    /// The variant's fields in declaration order (slot i of the object holds field i).
    pub fields: *const FieldDesc,
    /// Number of fields (0 for a unit variant such as `Dot`).
    pub n_fields: usize,
}

/// A grain type, as referenced by `GrainRef` values.
#[repr(C)]
pub struct GrainTypeDesc {
    /// The grain's name (`Account`).
    pub name: StrRef,
    /// The identity: a TUPLE descriptor of the identity parameters' types (one element for
    /// `Account(id: String)`).
    pub identity: *const TypeDesc,
}

/// A type descriptor. Unused pointer fields are null and unused counts 0.
#[repr(C)]
pub struct TypeDesc {
    /// One of the `kind::*` constants.
    pub kind: u32,
    /// Reserved, 0.
    pub flags: u32,
    /// Name for printing: `Point`, `Shape`, `CounterMsg` (structs and enums); empty otherwise.
    pub name: StrRef,
    /// Struct fields or tuple elements, in slot order.
    pub fields: *const FieldDesc,
    /// Number of `fields`.
    pub n_fields: usize,
    /// Enum variants; the tag of a variant is its index here.
    pub variants: *const VariantDesc,
    /// Number of `variants`.
    pub n_variants: usize,
    /// Element type of a list or set, key type of a map, inner type of an optional, protocol of
    /// an `ActorRef`/`GrainRef`, answer type of a `Reply`.
    pub elem: *const TypeDesc,
    /// Value type of a map.
    pub value: *const TypeDesc,
    /// For `GrainRef`: the grain types implementing the protocol, sorted by name.
    pub grains: *const *const GrainTypeDesc,
    /// Number of `grains`.
    pub n_grains: usize,
    /// For a message protocol: its fingerprint as computed by the compiler (`spec/abi.md` §4),
    /// or 0 to let the runtime compute it when asked.
    pub fingerprint: u64,
}

// SAFETY: descriptors are immutable static data (pointers to other immutable static data).
unsafe impl Sync for TypeDesc {}
// SAFETY: as above.
unsafe impl Send for TypeDesc {}
// SAFETY: as above.
unsafe impl Sync for FieldDesc {}
// SAFETY: as above.
unsafe impl Sync for VariantDesc {}
// SAFETY: as above.
unsafe impl Sync for GrainTypeDesc {}

impl TypeDesc {
    /// A descriptor of `kind` with every other field empty (scalars, strings, bytes).
    pub const fn simple(kind: u32) -> TypeDesc {
        TypeDesc {
            kind,
            flags: 0,
            name: StrRef::EMPTY,
            fields: ptr::null(),
            n_fields: 0,
            variants: ptr::null(),
            n_variants: 0,
            elem: ptr::null(),
            value: ptr::null(),
            grains: ptr::null(),
            n_grains: 0,
            fingerprint: 0,
        }
    }

    /// Scalars live unboxed in their 8-byte slot; every other kind is a (nullable) pointer.
    pub fn is_scalar(&self) -> bool {
        self.kind <= kind::INSTANT
    }

    /// Whether a `?T` with this `T` boxes its payload (scalars and optionals do: they have no
    /// spare "null" bit pattern).
    pub fn optional_boxes(&self) -> bool {
        self.is_scalar() || self.kind == kind::OPTIONAL
    }

    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    pub fn fields(&self) -> &[FieldDesc] {
        slice(self.fields, self.n_fields)
    }

    pub fn variants(&self) -> &[VariantDesc] {
        slice(self.variants, self.n_variants)
    }

    pub fn grains(&self) -> &[*const GrainTypeDesc] {
        slice(self.grains, self.n_grains)
    }

    /// The element/key/inner/protocol/answer descriptor. Null only in a malformed descriptor.
    pub fn elem(&self) -> &TypeDesc {
        // SAFETY: the compiler sets `elem` for every kind that reads it; descriptors are static.
        unsafe { &*self.elem }
    }

    /// The map value descriptor.
    pub fn value(&self) -> &TypeDesc {
        // SAFETY: as for `elem`, for maps.
        unsafe { &*self.value }
    }
}

impl FieldDesc {
    pub fn name(&self) -> &str {
        self.name.as_str()
    }
    pub fn ty(&self) -> &TypeDesc {
        // SAFETY: field types are static descriptors.
        unsafe { &*self.ty }
    }
}

impl VariantDesc {
    pub fn name(&self) -> &str {
        self.name.as_str()
    }
    pub fn fields(&self) -> &[FieldDesc] {
        slice(self.fields, self.n_fields)
    }
}

impl GrainTypeDesc {
    pub fn name(&self) -> &str {
        self.name.as_str()
    }
    pub fn identity(&self) -> &TypeDesc {
        // SAFETY: static descriptor.
        unsafe { &*self.identity }
    }
}

fn slice<'a, T>(p: *const T, n: usize) -> &'a [T] {
    if n == 0 || p.is_null() {
        &[]
    } else {
        // SAFETY: descriptors are static; `p` points at `n` initialized entries.
        unsafe { std::slice::from_raw_parts(p, n) }
    }
}

/// Builders for Rust code (tests, benchmarks, a future JIT): each leaks its result, like the
/// static data compiled code would emit. They hand out `Ty`, a raw descriptor pointer, so that a
/// recursive type can be `declare`d, referenced from its own fields, then defined.
pub mod build {
    use super::*;

    /// A built (leaked) descriptor. `get` it only after it was defined.
    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    pub struct Ty(*const TypeDesc);

    // SAFETY: points at leaked, immutable (once defined) descriptor data.
    unsafe impl Send for Ty {}
    // SAFETY: as above.
    unsafe impl Sync for Ty {}

    impl Ty {
        /// The descriptor (must have been defined).
        pub fn get(self) -> &'static TypeDesc {
            // SAFETY: built descriptors are leaked (live forever) and no longer written once
            // defined (the `define_*` contract).
            unsafe { &*self.0 }
        }
        pub fn ptr(self) -> *const TypeDesc {
            self.0
        }
    }

    impl std::ops::Deref for Ty {
        type Target = TypeDesc;
        fn deref(&self) -> &TypeDesc {
            self.get()
        }
    }

    fn leak_str(s: &str) -> StrRef {
        let s: &'static str = Box::leak(s.to_string().into_boxed_str());
        StrRef::new(s)
    }

    fn leak(v: TypeDesc) -> Ty {
        Ty(Box::into_raw(Box::new(v)))
    }

    fn fields_of(fs: &[(&str, Ty)]) -> (*const FieldDesc, usize) {
        let v: Vec<FieldDesc> = fs
            .iter()
            .map(|(n, t)| FieldDesc {
                name: leak_str(n),
                ty: t.0,
            })
            .collect();
        let n = v.len();
        (Box::leak(v.into_boxed_slice()).as_ptr(), n)
    }

    pub fn simple(k: u32) -> Ty {
        leak(TypeDesc::simple(k))
    }
    pub fn i64() -> Ty {
        simple(kind::I64)
    }
    pub fn i32() -> Ty {
        simple(kind::I32)
    }
    pub fn u64() -> Ty {
        simple(kind::U64)
    }
    pub fn f64() -> Ty {
        simple(kind::F64)
    }
    pub fn bool() -> Ty {
        simple(kind::BOOL)
    }
    pub fn void() -> Ty {
        simple(kind::VOID)
    }
    pub fn duration() -> Ty {
        simple(kind::DURATION)
    }
    pub fn instant() -> Ty {
        simple(kind::INSTANT)
    }
    pub fn string() -> Ty {
        simple(kind::STRING)
    }
    pub fn bytes() -> Ty {
        simple(kind::BYTES)
    }
    pub fn node_id() -> Ty {
        simple(kind::NODE_ID)
    }

    fn with_elem(k: u32, e: Ty) -> Ty {
        leak(TypeDesc {
            elem: e.0,
            ..TypeDesc::simple(k)
        })
    }
    pub fn list(e: Ty) -> Ty {
        with_elem(kind::LIST, e)
    }
    pub fn set(e: Ty) -> Ty {
        with_elem(kind::SET, e)
    }
    pub fn optional(e: Ty) -> Ty {
        with_elem(kind::OPTIONAL, e)
    }
    pub fn actor_ref(protocol: Ty) -> Ty {
        with_elem(kind::ACTOR_REF, protocol)
    }
    pub fn reply(answer: Ty) -> Ty {
        with_elem(kind::REPLY, answer)
    }
    pub fn map(k: Ty, v: Ty) -> Ty {
        leak(TypeDesc {
            elem: k.0,
            value: v.0,
            ..TypeDesc::simple(kind::MAP)
        })
    }
    pub fn tuple(elems: &[Ty]) -> Ty {
        let fs: Vec<(&str, Ty)> = elems.iter().map(|d| ("", *d)).collect();
        let (fields, n_fields) = fields_of(&fs);
        leak(TypeDesc {
            fields,
            n_fields,
            ..TypeDesc::simple(kind::TUPLE)
        })
    }
    pub fn grain_type(name: &str, identity: &[Ty]) -> &'static GrainTypeDesc {
        Box::leak(Box::new(GrainTypeDesc {
            name: leak_str(name),
            identity: tuple(identity).0,
        }))
    }
    /// `grains` should be sorted by name (the canonical order).
    pub fn grain_ref(protocol: Ty, grains: &[&'static GrainTypeDesc]) -> Ty {
        let v: Vec<*const GrainTypeDesc> = grains.iter().map(|g| *g as *const _).collect();
        let n_grains = v.len();
        let grains = Box::leak(v.into_boxed_slice()).as_ptr();
        leak(TypeDesc {
            elem: protocol.0,
            grains,
            n_grains,
            ..TypeDesc::simple(kind::GRAIN_REF)
        })
    }

    /// A descriptor to be defined later with `define_struct`/`define_enum` (recursive types).
    pub fn declare() -> Ty {
        leak(TypeDesc::simple(kind::VOID))
    }

    pub fn strukt(name: &str, fs: &[(&str, Ty)]) -> Ty {
        let d = declare();
        define_struct(d, name, fs);
        d
    }

    pub fn enumm(name: &str, vs: &[(&str, &[(&str, Ty)])]) -> Ty {
        let d = declare();
        define_enum(d, name, vs);
        d
    }

    /// Defines a `declare`d descriptor as a struct. Call before any `get` of it.
    pub fn define_struct(d: Ty, name: &str, fs: &[(&str, Ty)]) {
        let (fields, n_fields) = fields_of(fs);
        let v = TypeDesc {
            name: leak_str(name),
            fields,
            n_fields,
            ..TypeDesc::simple(kind::STRUCT)
        };
        // SAFETY: `d` came from `Box::into_raw` in `declare`; no reference to it exists yet
        // (the contract of `define_*`), only raw pointers.
        unsafe { ptr::write(d.0 as *mut TypeDesc, v) }
    }

    /// Defines a `declare`d descriptor as an enum. Call before any `get` of it.
    pub fn define_enum(d: Ty, name: &str, vs: &[(&str, &[(&str, Ty)])]) {
        let v: Vec<VariantDesc> = vs
            .iter()
            .map(|(n, fs)| {
                let (fields, n_fields) = fields_of(fs);
                VariantDesc {
                    name: leak_str(n),
                    fields,
                    n_fields,
                }
            })
            .collect();
        let n_variants = v.len();
        let variants = Box::leak(v.into_boxed_slice()).as_ptr();
        let t = TypeDesc {
            name: leak_str(name),
            variants,
            n_variants,
            ..TypeDesc::simple(kind::ENUM)
        };
        // SAFETY: as in `define_struct`.
        unsafe { ptr::write(d.0 as *mut TypeDesc, t) }
    }
}
