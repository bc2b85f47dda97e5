//! The object file: the host ISA with the settings `janusc` needs (position-independent code,
//! frame pointers, no unwind tables), one Cranelift function per compiled IR function, C `main`
//! handing over to `janus_rt_start`, and a reference to the runtime's ABI version symbol so that
//! linking against a runtime of another ABI fails loudly.

use cranelift_codegen::ir::{AbiParam, InstBuilder, UserFuncName, types};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{Context, isa};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module, default_libcall_names};
use cranelift_object::{ObjectBuilder, ObjectModule};
use janus_ir::ir::{self, FnKind};
use janus_sema::Ty;
use janus_syntax::Span;

use crate::CodegenError;
use crate::actors::actor_kind;
use crate::data::DataCx;
use crate::func::has_state;
use crate::rt::Rt;
use crate::types::clif;
use janus_sema::info::DefInfoKind;
use janus_syntax::ast::ActorKind;

/// The ABI version symbol defined by `runtime/src/abi/mod.rs`.
pub const ABI_SYMBOL: &str = "janus_rt_abi_v1";

/// What the executable's C `main` runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Entry {
    /// The program's `main` (`janus_rt_start`).
    #[default]
    Main,
    /// The program's `test` blocks, each reported (`janus_rt_run_tests`; `janus test`).
    Tests,
    /// Random values of every message protocol through the wire codec and back
    /// (`janus_rt_codec_selftest`): checks the descriptors this crate emits against the
    /// runtime's codec.
    CodecSelfTest,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// What C `main` runs.
    pub entry: Entry,
    /// `--release`: Cranelift's `speed` optimization level (else `none`).
    pub optimize: bool,
    /// Run Cranelift's verifier on every function (always on in debug builds of the compiler).
    pub verify: bool,
    /// For measurements only (`examples/speed.rs`): a function this version cannot compile
    /// (an actor operation) gets a body that traps instead of failing the whole build.
    pub skip_unsupported: bool,
}

fn err(what: &str, e: impl std::fmt::Display) -> CodegenError {
    CodegenError::new(format!("{what}: {e}"))
}

fn make_isa(opts: &Options) -> Result<isa::OwnedTargetIsa, CodegenError> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| {
        f.set(k, v).map_err(|e| err("cranelift setting", e))
    };
    set(
        &mut flags,
        "opt_level",
        if opts.optimize { "speed" } else { "none" },
    )?;
    // Debug builds favour compile speed: the single-pass register allocator is several times
    // faster than the backtracking one (which `--release` keeps for better code).
    set(
        &mut flags,
        "regalloc_algorithm",
        if opts.optimize {
            "backtracking"
        } else {
            "single_pass"
        },
    )?;
    set(&mut flags, "is_pic", "true")?;
    set(&mut flags, "preserve_frame_pointers", "true")?;
    set(&mut flags, "unwind_info", "false")?;
    let verify = opts.verify || cfg!(debug_assertions);
    set(
        &mut flags,
        "enable_verifier",
        if verify { "true" } else { "false" },
    )?;
    let triple = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    let builder =
        isa::lookup_by_name(&triple).map_err(|e| err("no code generator for this machine", e))?;
    builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| err("cannot set up the code generator", e))
}

/// Whether this version compiles `f`: functions, constants, and the code of actors and
/// behaviors (grains and supervisors come with the cluster runtime).
fn compiled(prog: &ir::Program, f: &ir::Function, entry: Entry) -> bool {
    if entry == Entry::CodecSelfTest {
        // Only descriptors: no code of the program runs (so grains and supervisors, which
        // this version does not compile, do not stand in the way of testing their messages).
        return false;
    }
    let not_grain = |d: janus_sema::types::DefId| actor_kind(prog, d) != Some(ActorKind::Grain);
    let ok = match f.kind {
        FnKind::User(d) => match prog.defs.get(d.0 as usize).map(|i| &i.kind) {
            Some(DefInfoKind::Func {
                owner: Some(owner), ..
            }) => not_grain(*owner),
            _ => true,
        },
        FnKind::Const(_) => true,
        FnKind::ActorInit(d)
        | FnKind::Hook(d)
        | FnKind::Receive(d)
        | FnKind::After(d)
        | FnKind::AfterDuration(d) => not_grain(d),
        FnKind::Test => entry == Entry::Tests,
        FnKind::SupervisorStart(_) => true,
        FnKind::SupervisorNode(_) | FnKind::Extern(_) => false,
    };
    ok && !f.blocks.is_empty()
}

/// Compiles `prog` into the bytes of a relocatable object file. `locate` turns a span into
/// the `file:line:col` text run-time failures report.
pub fn compile(
    prog: &ir::Program,
    opts: &Options,
    locate: &dyn Fn(Span) -> String,
) -> Result<Vec<u8>, CodegenError> {
    // Lowering below trusts the IR's invariants (values defined before use, locals and
    // targets in range): check them, so that a bug upstream is an error, never a crash.
    let t_verify = std::time::Instant::now();
    let problems = janus_ir::verify(prog);
    if std::env::var_os("JANUS_CG_TIMINGS").is_some() {
        eprintln!("codegen: IR verifier {:?}", t_verify.elapsed());
    }
    if let Some(first) = problems.first() {
        return Err(CodegenError::new(format!(
            "internal compiler error: invalid IR ({} problems), first: {first}",
            problems.len()
        )));
    }
    let isa = make_isa(opts)?;
    let backend_isa = isa.clone();
    let builder =
        ObjectBuilder::new(isa, "janus", default_libcall_names()).map_err(|e| err("object", e))?;
    let mut m = ObjectModule::new(builder);
    let mut data = DataCx::new(&prog.defs);
    let mut rt = Rt::default();

    // Declare every compiled function first (calls may go forward).
    let mut fids: Vec<Option<FuncId>> = Vec::with_capacity(prog.functions.len());
    for (i, f) in prog.functions.iter().enumerate() {
        if !compiled(prog, f, opts.entry) {
            fids.push(None);
            continue;
        }
        let mut sig = m.make_signature();
        if has_state(f) || matches!(f.kind, FnKind::SupervisorStart(_)) {
            // The actor's state block, or the supervisor builder of a start function.
            sig.params.push(AbiParam::new(types::I64));
        }
        for p in &f.params {
            let t = f.local_ty(*p).cloned().unwrap_or(Ty::Void);
            if let Some(ct) = clif(&data.resolve(&t)) {
                sig.params.push(AbiParam::new(ct));
            }
        }
        match data.resolve(&f.ret) {
            Ty::Union(..) => {
                sig.returns.push(AbiParam::new(types::I8));
                sig.returns.push(AbiParam::new(types::I64));
            }
            t => {
                if let Some(ct) = clif(&t) {
                    sig.returns.push(AbiParam::new(ct));
                }
            }
        }
        let name = format!("janus_f{i}_{}", symbol_safe(&f.name));
        let id = m
            .declare_function(&name, Linkage::Local, &sig)
            .map_err(|e| err("declare", e))?;
        fids.push(Some(id));
    }

    let actors = if opts.entry == Entry::CodecSelfTest {
        crate::actors::Actors::default()
    } else {
        crate::actors::declare(&mut m, prog)?
    };
    let mut ctx = Context::new();
    let mut fctx = FunctionBuilderContext::new();
    let t0 = std::time::Instant::now();
    let codes = crate::parallel::pipeline(backend_isa, |submit| {
        for (i, f) in prog.functions.iter().enumerate() {
            let Some(id) = fids[i] else { continue };
            m.clear_context(&mut ctx);
            ctx.func.signature = m.declarations().get_function_decl(id).signature.clone();
            ctx.func.name = UserFuncName::user(0, i as u32);
            let b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let lowered = crate::func::lower_function(
                &mut m, &mut data, &mut rt, &actors, &fids, prog, f, b, locate,
            );
            if let Err(e) = lowered {
                if !opts.skip_unsupported {
                    return Err(CodegenError::new(format!("in `{}`: {}", f.name, e.message)));
                }
                // The aborted builder left its context half-used: start a clean one.
                fctx = FunctionBuilderContext::new();
                trap_body(&mut m, &mut ctx, &mut fctx, id);
                continue;
            }
            submit(crate::parallel::Lowered {
                id,
                name: f.name.clone(),
                func: std::mem::replace(&mut ctx.func, cranelift_codegen::ir::Function::new()),
            });
        }
        Ok(())
    })?;
    crate::parallel::define_all(&mut m, codes)?;
    if std::env::var_os("JANUS_CG_TIMINGS").is_some() {
        eprintln!("codegen: lowering and back end {:?}", t0.elapsed());
    }

    crate::actors::define(
        &mut m, &mut data, &mut rt, &fids, prog, &actors, &mut ctx, &mut fctx,
    )?;
    crate::supervisors::define(&mut m, &mut data, prog, &actors)?;

    if opts.skip_unsupported && prog.main.is_none() {
        abi_reference(&mut m)?;
        return m
            .finish()
            .emit()
            .map_err(|e| err("cannot write the object file", e));
    }
    let start = match opts.entry {
        Entry::Main => {
            let main = prog
                .main
                .and_then(|f| fids.get(f.0 as usize).copied().flatten())
                .ok_or_else(|| {
                    CodegenError::new("the program has no `func main()` to start from")
                })?;
            Start::Main(main)
        }
        Entry::Tests => {
            let mut tests = Vec::new();
            for (name, f) in &prog.tests {
                if let Some(id) = fids.get(f.0 as usize).copied().flatten() {
                    tests.push((name.clone(), id));
                }
            }
            Start::Tests(data.test_table(&mut m, &tests)?, tests.len())
        }
        Entry::CodecSelfTest => {
            let protocols: Vec<Ty> = prog
                .defs
                .iter()
                .enumerate()
                .filter(|(_, d)| {
                    matches!(
                        d.kind,
                        DefInfoKind::Enum {
                            kind: janus_syntax::ast::EnumKind::Message,
                            ..
                        }
                    )
                })
                .map(|(i, _)| Ty::Def(janus_sema::types::DefId(i as u32)))
                .collect();
            Start::CodecSelfTest(data.desc_table(&mut m, &protocols)?, protocols.len())
        }
    };
    c_main(&mut m, &mut rt, start, &mut ctx, &mut fctx)?;
    abi_reference(&mut m)?;
    let t_emit = std::time::Instant::now();
    let product = m.finish();
    let bytes = product
        .emit()
        .map_err(|e| err("cannot write the object file", e));
    if std::env::var_os("JANUS_CG_TIMINGS").is_some() {
        eprintln!("codegen: object emission {:?}", t_emit.elapsed());
    }
    bytes
}

/// Replaces a function's body with a trap (see `Options::skip_unsupported`).
fn trap_body(
    m: &mut ObjectModule,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
    id: FuncId,
) {
    let sig = m.declarations().get_function_decl(id).signature.clone();
    m.clear_context(ctx);
    ctx.func.signature = sig;
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.ins()
        .trap(cranelift_codegen::ir::TrapCode::unwrap_user(3));
    b.seal_all_blocks();
    b.finalize(m.target_config());
    let _ = m.define_function(id, ctx);
}

pub fn symbol_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// What C `main` hands over to.
enum Start {
    Main(FuncId),
    /// The test table and its length.
    Tests(DataId, usize),
    /// The table of message protocol descriptors and its length.
    CodecSelfTest(DataId, usize),
}

/// How many random values of each protocol the codec self-test round-trips.
const CODEC_ROUNDS: i64 = 200;

/// `int main(int argc, char **argv)`, one of: `return janus_rt_start(argc, argv, main)`,
/// `janus_rt_run_tests(tests, n, argc, argv)`, `janus_rt_codec_selftest(descs, n, rounds)`.
fn c_main(
    m: &mut ObjectModule,
    rt: &mut Rt,
    start: Start,
    ctx: &mut Context,
    fctx: &mut FunctionBuilderContext,
) -> Result<(), CodegenError> {
    let mut sig = m.make_signature();
    sig.params.push(AbiParam::new(types::I32));
    sig.params.push(AbiParam::new(types::I64));
    sig.returns.push(AbiParam::new(types::I32));
    let id = m
        .declare_function("main", Linkage::Export, &sig)
        .map_err(|e| err("declare main", e))?;
    let callee = rt.get(
        m,
        match start {
            Start::Main(_) => "janus_rt_start",
            Start::Tests(..) => "janus_rt_run_tests",
            Start::CodecSelfTest(..) => "janus_rt_codec_selftest",
        },
    )?;
    m.clear_context(ctx);
    ctx.func.signature = sig;
    let mut b = FunctionBuilder::new(&mut ctx.func, fctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let (argc, argv) = (b.block_params(entry)[0], b.block_params(entry)[1]);
    let callee = m.declare_func_in_func(callee, b.func);
    let args = match start {
        Start::Main(main) => {
            let main_ref = m.declare_func_in_func(main, b.func);
            vec![argc, argv, b.ins().func_addr(types::I64, main_ref)]
        }
        Start::Tests(table, n) => {
            let gv = m.declare_data_in_func(table, b.func);
            let t = b.ins().symbol_value(types::I64, gv);
            let n = b.ins().iconst(types::I64, n as i64);
            vec![t, n, argc, argv]
        }
        Start::CodecSelfTest(table, n) => {
            let gv = m.declare_data_in_func(table, b.func);
            let t = b.ins().symbol_value(types::I64, gv);
            let n = b.ins().iconst(types::I64, n as i64);
            let rounds = b.ins().iconst(types::I32, CODEC_ROUNDS);
            vec![t, n, rounds]
        }
    };
    let call = b.ins().call(callee, &args);
    let r = b.inst_results(call)[0];
    b.ins().return_(&[r]);
    b.seal_all_blocks();
    b.finalize(m.target_config());
    m.define_function(id, ctx)
        .map_err(|e| err("define main", format!("{e:?}")))
}

/// A data word pointing at the runtime's ABI version symbol: an object compiled for ABI v1
/// cannot link against a runtime without `janus_rt_abi_v1`.
fn abi_reference(m: &mut ObjectModule) -> Result<(), CodegenError> {
    let sym = m
        .declare_data(ABI_SYMBOL, Linkage::Import, false, false)
        .map_err(|e| err("declare", e))?;
    let id = m
        .declare_data("janus_abi_ref", Linkage::Local, false, false)
        .map_err(|e| err("declare", e))?;
    let mut d = DataDescription::new();
    // Not `define_zeroinit`: a zero-initialized (.bss) object cannot carry the relocation.
    d.define(vec![0u8; 8].into_boxed_slice());
    let gv = m.declare_data_in_data(sym, &mut d);
    d.write_data_addr(0, gv, 0);
    d.set_used(true);
    m.define_data(id, &d).map_err(|e| err("define", e))
}
