//! Cranelift's back end (instruction selection, register allocation, emission) on every core,
//! overlapped with lowering: lowering to Cranelift IR stays on the calling thread (it declares
//! imports and data in the module as it goes) and hands each finished function to a pool of
//! back-end threads while it lowers the next; the machine code is then defined in the object
//! in the original order, so the output does not depend on the thread count or timing.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::Function;
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::{Context, isa::TargetIsa};
use cranelift_module::{FuncId, Module, ModuleReloc};
use cranelift_object::ObjectModule;

use crate::CodegenError;

/// A lowered function waiting for the back end.
pub struct Lowered {
    pub id: FuncId,
    /// For errors: the IR function's name.
    pub name: String,
    pub func: Function,
}

/// One function's machine code.
pub struct Code {
    id: FuncId,
    alignment: u64,
    bytes: Vec<u8>,
    relocs: Vec<ModuleReloc>,
}

fn compile_one(isa: &dyn TargetIsa, ctx: &mut Context, f: Lowered) -> Result<Code, CodegenError> {
    ctx.clear();
    ctx.func = f.func;
    ctx.compile(isa, &mut ControlPlane::default())
        .map_err(|e| {
            CodegenError::new(format!(
                "in `{}`: code generation failed: {:?}",
                f.name, e.inner
            ))
        })?;
    let compiled = ctx
        .compiled_code()
        .ok_or_else(|| CodegenError::new("internal: no compiled code"))?;
    Ok(Code {
        id: f.id,
        alignment: u64::from(compiled.buffer.alignment),
        bytes: compiled.code_buffer().to_vec(),
        relocs: compiled
            .buffer
            .relocs()
            .iter()
            .map(|r| ModuleReloc::from_mach_reloc(r, &ctx.func, f.id))
            .collect(),
    })
}

/// Runs `lower`, which hands each lowered function to the `submit` it is given, while
/// back-end threads (one per core, at most 8) compile what was submitted; returns the machine
/// code in submission order. `lower`'s error wins over the back end's.
pub fn pipeline(
    isa: OwnedTargetIsa,
    lower: impl FnOnce(&mut dyn FnMut(Lowered)) -> Result<(), CodegenError>,
) -> Result<Vec<Code>, CodegenError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let (jobs_tx, jobs_rx) = mpsc::channel::<(usize, Lowered)>();
    let jobs_rx = Arc::new(Mutex::new(jobs_rx));
    let (done_tx, done_rx) = mpsc::channel::<(usize, Result<Code, CodegenError>)>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (jobs, done, isa) = (jobs_rx.clone(), done_tx.clone(), isa.clone());
            s.spawn(move || {
                let mut ctx = Context::new();
                loop {
                    // The lock is held only to take the next job, never while compiling.
                    let job = match jobs.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((k, f)) = job else { return };
                    if done.send((k, compile_one(&*isa, &mut ctx, f))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut n = 0;
        let lowered = lower(&mut |f| {
            // A send fails only when every back-end thread is gone (they stop on their own
            // only when the job channel closes), and the count check below reports it.
            let _ = jobs_tx.send((n, f));
            n += 1;
        });
        drop(jobs_tx);
        let mut codes: Vec<Option<Code>> = (0..n).map(|_| None).collect();
        let mut first_error = None;
        for (k, r) in done_rx {
            match r {
                Ok(c) => codes[k] = Some(c),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        lowered?;
        if let Some(e) = first_error {
            return Err(e);
        }
        codes
            .into_iter()
            .map(|c| c.ok_or_else(|| CodegenError::new("internal: a function was not compiled")))
            .collect()
    })
}

/// Defines the compiled functions in the object, in order.
pub fn define_all(m: &mut ObjectModule, codes: Vec<Code>) -> Result<(), CodegenError> {
    for c in codes {
        m.define_function_bytes(c.id, c.alignment, &c.bytes, &c.relocs)
            .map_err(|e| CodegenError::new(format!("cannot define a function: {e}")))?;
    }
    Ok(())
}
