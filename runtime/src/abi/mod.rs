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

pub use janus_abi::ABI_VERSION;

/// Referenced by every generated object (see `ABI_VERSION`).
#[unsafe(no_mangle)]
#[used]
pub static janus_rt_abi_v1: u32 = ABI_VERSION;

pub use janus_abi::{COMPILED_STACK_SIZE, STACK_RESERVE};
