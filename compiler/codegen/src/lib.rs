//! Janus :cluster code generator: lowers the typed IR (`janus-ir`) to Cranelift and emits one
//! native object file that defines C `main` (handing over to the runtime's `janus_rt_start`),
//! every compiled function, and the static data the runtime reads: type descriptors matching
//! `runtime/src/abi/desc.rs` and immortal string objects. See `spec/codegen.md`.
//!
//! Layout of the crate: `module.rs` (the object, the ISA, C `main`), `data.rs` (descriptors and
//! static strings), `rt.rs` (the runtime functions compiled code calls), `types.rs` (how a
//! dialect type is held in Cranelift), `func.rs` (one IR function: locals, blocks, terminators),
//! `inst.rs` (one small function per IR operation), `actors.rs` (actor descriptors and the
//! wrappers the runtime calls), `messaging.rs` (spawn, send, ask, reply), `supervisors.rs`
//! (supervisor descriptors, `spawn` of a supervisor, its children), `places.rs` (loads and stores through
//! fields and indexes), `builtins.rs` (the closed list of built-ins), `owner.rs` (which values
//! need a reference count at their consuming use), `parallel.rs` (Cranelift's back end on
//! every core), `stack.rs` (the stack check at every function's entry).

mod actors;
mod builtins;
mod data;
mod func;
mod inst;
mod messaging;
mod module;
mod owner;
mod parallel;
mod places;
mod rt;
mod stack;
mod supervisors;
mod types;

pub use module::{Entry, Options, compile};

/// Why a program could not be compiled to an object (as data; the driver renders it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodegenError {
    pub message: String,
}

impl CodegenError {
    pub(crate) fn new(message: impl Into<String>) -> CodegenError {
        CodegenError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
