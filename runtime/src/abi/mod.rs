//! The ABI between compiled Janus code and the runtime: the layout of shared structures
//! (`desc`: type descriptors; `crate::values::obj`: object layouts) and the single list of
//! `extern "C"` functions compiled code may call (`exports`). `spec/abi.md` is the contract.

pub mod actors;
pub mod collections;
pub mod desc;
pub mod exports;
pub mod selftest;
pub mod supervisors;
pub mod testing;
pub mod text;

/// The ABI version. Generated code references the symbol `janus_rt_abi_v1`, so an object built
/// for another version fails at link time against a stale runtime instead of misbehaving.
pub const ABI_VERSION: u32 = 1;

/// Referenced by every generated object (see `ABI_VERSION`).
#[unsafe(no_mangle)]
#[used]
pub static janus_rt_abi_v1: u32 = ABI_VERSION;

/// The size of every coroutine stack compiled code runs on (`janus_rt_start`'s `main` and
/// actors, `janus_rt_run_tests`' tests): a power of two, and each stack's usable region is
/// aligned to it (`crate::stack::AlignedStack`). Compiled code relies on both: for its stack
/// pointer `sp`, `sp & (COMPILED_STACK_SIZE - 1)` is the number of bytes left below `sp`.
pub const COMPILED_STACK_SIZE: usize = 16 << 20;

/// The bytes at the bottom of a stack that compiled code leaves to the runtime: a compiled
/// function whose frame leaves less than this (`sp & (COMPILED_STACK_SIZE - 1) < STACK_RESERVE`)
/// calls `janus_cg_stack_overflow` instead of running. What runs in the reserve is the runtime
/// functions compiled code calls (printing and formatting, deep copies and comparisons of
/// values, collection operations, message sends) and the crash path (`fail`: the reason and
/// location texts, then the switch back to the worker). Measured by `stack::tests`
/// (`runtime_calls_fit_in_the_reserve`): the deepest of those uses well under a quarter of it.
pub const STACK_RESERVE: usize = 64 << 10;

const _: () = assert!(COMPILED_STACK_SIZE.is_power_of_two());
const _: () = assert!(STACK_RESERVE < COMPILED_STACK_SIZE / 8);
