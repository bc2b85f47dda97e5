//! Cranelift's back end (instruction selection, register allocation, emission) for every
//! lowered function, on all cores: lowering to Cranelift IR stays on one thread (it declares
//! imports and data in the module as it goes), then the finished functions are compiled in
//! parallel, each thread with its own `Context`, and their machine code is defined in the
//! object in the original order, so the output does not depend on the thread count.

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::Function;
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
struct Code {
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
    let alignment = u64::from(compiled.buffer.alignment);
    let bytes = compiled.code_buffer().to_vec();
    let relocs = compiled
        .buffer
        .relocs()
        .iter()
        .map(|r| ModuleReloc::from_mach_reloc(r, &ctx.func, f.id))
        .collect();
    Ok(Code {
        alignment,
        bytes,
        relocs,
    })
}

/// Compiles `funcs` on up to as many threads as the machine has cores and defines them in `m`.
pub fn define_all(m: &mut ObjectModule, funcs: Vec<Lowered>) -> Result<(), CodegenError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8)
        .min(funcs.len().max(1));
    let ids: Vec<FuncId> = funcs.iter().map(|f| f.id).collect();
    // Deal the functions out round-robin: neighbours in the source tend to be alike in size.
    let mut shares: Vec<Vec<(usize, Lowered)>> = (0..threads).map(|_| Vec::new()).collect();
    for (k, f) in funcs.into_iter().enumerate() {
        shares[k % threads].push((k, f));
    }
    let isa = m.isa();
    let results: Vec<Result<Vec<(usize, Code)>, CodegenError>> = std::thread::scope(|s| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| {
                s.spawn(move || {
                    let mut ctx = Context::new();
                    share
                        .into_iter()
                        .map(|(k, f)| compile_one(isa, &mut ctx, f).map(|c| (k, c)))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(CodegenError::new(
                        "internal compiler error: a code generation thread panicked",
                    ))
                })
            })
            .collect()
    });
    let mut codes: Vec<Option<Code>> = (0..ids.len()).map(|_| None).collect();
    for r in results {
        for (k, c) in r? {
            codes[k] = Some(c);
        }
    }
    for (id, code) in ids.into_iter().zip(codes) {
        let code = code.ok_or_else(|| CodegenError::new("internal: a function was not compiled"))?;
        m.define_function_bytes(id, code.alignment, &code.bytes, &code.relocs)
            .map_err(|e| CodegenError::new(format!("cannot define a function: {e}")))?;
    }
    Ok(())
}
