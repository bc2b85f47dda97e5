//! The numbers compiled Janus code and the runtime must agree on, in one place both depend on:
//! the kinds of type descriptors, the ABI version, and the stack size and reserve the stack
//! check of every compiled function relies on. The layouts of shared structures (descriptors,
//! objects) live in the runtime (`runtime/src/abi/desc.rs`, `values/obj.rs`); the code
//! generator's copies of their offsets are pinned to them by its tests. See `spec/abi.md`.
#![no_std]

/// The ABI version. Generated code references the symbol `janus_rt_abi_v1`, so an object built
/// for another version fails at link time against a stale runtime instead of misbehaving.
pub const ABI_VERSION: u32 = 1;

/// The kind of a type (the `kind` field of `TypeDesc`). Values are part of the ABI: never renumber.
pub mod kind {
    /// `void`: an 8-byte slot holding 0; printed `void`; encoded as nothing.
    pub const VOID: u32 = 0;
    pub const I64: u32 = 1;
    /// `i32`: held sign-extended in an 8-byte slot.
    pub const I32: u32 = 2;
    pub const U64: u32 = 3;
    /// `f64`: the IEEE-754 bits in an 8-byte slot.
    pub const F64: u32 = 4;
    /// `bool`: 0 or 1.
    pub const BOOL: u32 = 5;
    /// `Duration`: signed nanoseconds.
    pub const DURATION: u32 = 6;
    /// `Instant`: signed nanoseconds since the runtime's clock origin.
    pub const INSTANT: u32 = 7;
    /// `String`: pointer to an immutable UTF-8 string object.
    pub const STRING: u32 = 16;
    /// `Bytes`: pointer to an immutable byte string object (same layout as `String`).
    pub const BYTES: u32 = 17;
    /// `NodeId`: a node's name, laid out like `String`.
    pub const NODE_ID: u32 = 18;
    /// `[T]`: `elem` = T.
    pub const LIST: u32 = 19;
    /// `Map[K, V]`: `elem` = K, `value` = V.
    pub const MAP: u32 = 20;
    /// `Set[T]`: `elem` = T.
    pub const SET: u32 = 21;
    /// `?T`: `elem` = T. Boxed when T is a scalar or itself optional, else T's nullable pointer.
    pub const OPTIONAL: u32 = 22;
    /// `(A, B, ...)`: `fields` (names empty) in order.
    pub const TUPLE: u32 = 23;
    /// `struct`: `name`, `fields`.
    pub const STRUCT: u32 = 24;
    /// `enum`, `error` set or `message` protocol: `name`, `variants`.
    pub const ENUM: u32 = 25;
    /// `ActorRef[M]`: `elem` = the protocol M.
    pub const ACTOR_REF: u32 = 26;
    /// `GrainRef[M]`: `elem` = the protocol M, `grains` = the grain types implementing M.
    pub const GRAIN_REF: u32 = 27;
    /// `Reply[T]`: `elem` = T.
    pub const REPLY: u32 = 28;
    /// Runtime-internal objects (string builders); never in a compiled type.
    pub const INTERNAL: u32 = 255;
}

/// The size of every coroutine stack compiled code runs on (`janus_rt_start`'s `main` and
/// actors, `janus_rt_run_tests`' tests): a power of two, and each stack's usable region is
/// aligned to it (the runtime's `stack::AlignedStack`). Compiled code relies on both: for its stack
/// pointer `sp`, `sp & (COMPILED_STACK_SIZE - 1)` is the number of bytes left below `sp`.
pub const COMPILED_STACK_SIZE: usize = 16 << 20;

/// The bytes at the bottom of a stack that compiled code leaves to the runtime: a compiled
/// function whose frame leaves less than this (`sp & (COMPILED_STACK_SIZE - 1) < STACK_RESERVE`)
/// calls `janus_cg_stack_overflow` instead of running. What runs in the reserve is the runtime
/// functions compiled code calls (printing and formatting, deep copies and comparisons of
/// values, collection operations, message sends) and the crash path (`fail`: the reason and
/// location texts, then the switch back to the worker). Measured by the runtime's `stack::tests`
/// (`runtime_calls_fit_in_the_reserve`): the deepest of those uses well under a quarter of it.
pub const STACK_RESERVE: usize = 64 << 10;

const _: () = assert!(COMPILED_STACK_SIZE.is_power_of_two());
const _: () = assert!(STACK_RESERVE < COMPILED_STACK_SIZE / 8);
