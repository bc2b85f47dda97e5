//! Lowering of one IR function: the lowering context ([`Cx`], passed first to every lowering
//! function), locals as Cranelift `Variable`s, blocks in reverse post-order (so that every SSA
//! value is lowered before its uses), and the terminators.

use janus_sema::fx::{FxMap as HashMap, FxSet as HashSet};

use cranelift_codegen::ir::{
    Block, FuncRef, GlobalValue, InstBuilder, MemFlagsData, TrapCode, Value, types,
};
use cranelift_frontend::{FunctionBuilder, Switch, Variable};
use cranelift_module::{DataId, FuncId, Module};
use cranelift_object::ObjectModule;
use janus_ir::ir::{self, BlockId, CrashKind, LocalId, Term, ValueId};
use janus_sema::Ty;
use janus_syntax::Span;

use crate::CodegenError;
use crate::data::DataCx;
use crate::owner::Ownership;
use crate::rt::Rt;
use crate::types::{clif, counted, from_slot, to_slot};

/// A lowered IR value: nothing (`void`), one Cranelift value, or an error union's
/// (error flag, payload slot) pair.
#[derive(Clone, Copy, Debug)]
pub enum CV {
    None,
    One(Value),
    Pair(Value, Value),
}

/// Everything lowering one function needs.
pub struct Cx<'a, 'p, 'b> {
    pub m: &'a mut ObjectModule,
    pub data: &'a mut DataCx<'p>,
    pub rt: &'a mut Rt,
    /// The actor descriptors `spawn` names.
    pub actors: &'a crate::actors::Actors,
    /// Module ids of the IR's functions (None: not compiled).
    pub fids: &'a [Option<FuncId>],
    pub prog: &'a ir::Program,
    pub f: &'a ir::Function,
    pub b: FunctionBuilder<'b>,
    pub locate: &'a dyn Fn(Span) -> String,
    pub own: Ownership,
    pub vars: Vec<Variable>,
    /// An actor function's state block (see [`has_state`]): its state locals live there,
    /// one 8-byte slot each, instead of in Cranelift variables.
    pub state: Option<Value>,
    /// A supervisor's start function: the runtime's builder its children register with.
    pub builder: Option<Value>,
    pub vals: HashMap<ValueId, CV>,
    pub blocks: Vec<Block>,
    consumed: HashSet<ValueId>,
    funcs: HashMap<FuncId, FuncRef>,
    gvs: HashMap<DataId, GlobalValue>,
}

impl<'a, 'p, 'b> Cx<'a, 'p, 'b> {
    // ---------------------------------------------------------------- helpers

    /// The state slot of local `l` in an actor function.
    fn state_slot(&self, l: LocalId) -> Option<(Value, i32)> {
        let slot = self.f.locals.get(l.0 as usize)?.state?;
        Some((self.state?, 8 * slot as i32))
    }

    /// The current value of local `l`.
    pub fn read_local(&mut self, l: LocalId) -> Value {
        match self.state_slot(l) {
            Some((base, off)) => {
                let t = self.local_ty(l);
                let s = self
                    .b
                    .ins()
                    .load(types::I64, MemFlagsData::trusted(), base, off);
                from_slot(&mut self.b, &t, s)
            }
            None => self.b.use_var(self.vars[l.0 as usize]),
        }
    }

    /// Assigns local `l` (a state local is written through to the state block at once, so
    /// that the block is right whenever a handler crashes or calls a helper).
    pub fn write_local(&mut self, l: LocalId, v: Value) {
        match self.state_slot(l) {
            Some((base, off)) => {
                let t = self.local_ty(l);
                let s = to_slot(&mut self.b, &t, v);
                self.b.ins().store(MemFlagsData::trusted(), s, base, off);
            }
            None => self.b.def_var(self.vars[l.0 as usize], v),
        }
    }

    /// The address of a state local's slot (None for locals held in variables).
    pub fn state_addr(&mut self, l: LocalId) -> Option<Value> {
        let (base, off) = self.state_slot(l)?;
        Some(self.b.ins().iadd_imm_s(base, off as i64))
    }

    pub fn val(&self, v: ValueId) -> Result<Value, CodegenError> {
        match self.vals.get(&v) {
            Some(CV::One(x)) => Ok(*x),
            Some(CV::Pair(_, p)) => Ok(*p),
            _ => Err(CodegenError::new(format!(
                "internal: value v{} has no lowered value",
                v.0
            ))),
        }
    }

    pub fn pair(&self, v: ValueId) -> Result<(Value, Value), CodegenError> {
        match self.vals.get(&v) {
            Some(CV::Pair(a, b)) => Ok((*a, *b)),
            _ => Err(CodegenError::new(format!(
                "internal: value v{} is not an error union",
                v.0
            ))),
        }
    }

    pub fn ty(&self, v: ValueId) -> Ty {
        let t = self.f.value_ty(v).cloned().unwrap_or(Ty::Void);
        self.data.resolve(&t)
    }

    pub fn local_ty(&self, l: LocalId) -> Ty {
        let t = self.f.local_ty(l).cloned().unwrap_or(Ty::Void);
        self.data.resolve(&t)
    }

    pub fn iconst(&mut self, v: i64) -> Value {
        self.b.ins().iconst(types::I64, v)
    }

    fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(r) = self.funcs.get(&id) {
            return *r;
        }
        let r = self.m.declare_func_in_func(id, self.b.func);
        self.funcs.insert(id, r);
        r
    }

    /// Calls runtime function `name`; returns its results.
    pub fn call_rt(
        &mut self,
        name: &'static str,
        args: &[Value],
    ) -> Result<Vec<Value>, CodegenError> {
        let id = self.rt.get(self.m, name)?;
        let r = self.func_ref(id);
        let call = self.b.ins().call(r, args);
        Ok(self.b.inst_results(call).to_vec())
    }

    /// Calls a runtime function with one result.
    pub fn call_rt1(&mut self, name: &'static str, args: &[Value]) -> Result<Value, CodegenError> {
        self.call_rt(name, args)?
            .first()
            .copied()
            .ok_or_else(|| CodegenError::new(format!("internal: {name} returns nothing")))
    }

    /// Calls a compiled function of the program.
    pub fn call_user(&mut self, f: ir::FuncId, args: &[Value]) -> Result<Vec<Value>, CodegenError> {
        let Some(Some(id)) = self.fids.get(f.0 as usize).copied() else {
            let name = self
                .prog
                .functions
                .get(f.0 as usize)
                .map_or("?", |f| f.name.as_str());
            return Err(CodegenError::new(format!(
                "`{name}` cannot be compiled yet"
            )));
        };
        let r = self.func_ref(id);
        let call = self.b.ins().call(r, args);
        Ok(self.b.inst_results(call).to_vec())
    }

    /// The address of static data `id` (an actor descriptor).
    pub fn data_addr(&mut self, id: DataId) -> Value {
        self.addr(id)
    }

    fn addr(&mut self, id: DataId) -> Value {
        let gv = match self.gvs.get(&id) {
            Some(g) => *g,
            None => {
                let g = self.m.declare_data_in_func(id, self.b.func);
                self.gvs.insert(id, g);
                g
            }
        };
        self.b.ins().symbol_value(types::I64, gv)
    }

    /// The address of `ty`'s static descriptor.
    pub fn desc(&mut self, ty: &Ty) -> Result<Value, CodegenError> {
        let id = self.data.desc(self.m, ty)?;
        Ok(self.addr(id))
    }

    /// The descriptor to print or compare value `v` of `ty` with: static, except for a value
    /// of several error sets, whose own object names its set.
    pub fn desc_for(&mut self, ty: &Ty, v: Value) -> Result<Value, CodegenError> {
        if let Ty::ErrSets(_) = ty {
            return Ok(self.b.ins().load(
                types::I64,
                cranelift_codegen::ir::MemFlagsData::trusted(),
                v,
                8,
            ));
        }
        self.desc(ty)
    }

    /// A descriptor for `retain`/`release` of a value of `ty`: those read only whether the
    /// type is a scalar (children are found through the object's own header), so a value of
    /// several error sets can use its first set's descriptor — and a null variable needs no
    /// header read.
    pub fn rc_desc(&mut self, ty: &Ty) -> Result<Value, CodegenError> {
        if let Ty::ErrSets(sets) = ty
            && let Some(first) = sets.first()
        {
            return self.desc(&Ty::Def(*first));
        }
        self.desc(ty)
    }

    /// An immortal String object.
    pub fn str_obj(&mut self, s: &str) -> Result<Value, CodegenError> {
        let id = self.data.string(self.m, s)?;
        Ok(self.addr(id))
    }

    /// The `file:line:col` String object of a span.
    pub fn loc(&mut self, span: Span) -> Result<Value, CodegenError> {
        let s = (self.locate)(span);
        self.str_obj(&s)
    }

    /// Fails with `msg` at `span` when `cond` (an `i8`) is true; continues in a new block.
    pub fn fail_if(&mut self, cond: Value, msg: &str, span: Span) -> Result<(), CodegenError> {
        let fail = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(fail);
        self.b.ins().brif(cond, fail, &[], cont, &[]);
        self.b.switch_to_block(fail);
        let m = self.str_obj(msg)?;
        let l = self.loc(span)?;
        self.call_rt("janus_cg_fail", &[m, l])?;
        self.b.ins().trap(TrapCode::unwrap_user(1));
        self.b.switch_to_block(cont);
        Ok(())
    }

    /// Takes a reference for a consuming use of `v` (see `owner.rs`); returns the value.
    pub fn consume(&mut self, v: ValueId) -> Result<Value, CodegenError> {
        if matches!(self.vals.get(&v), Some(CV::None)) {
            return Ok(self.iconst(0));
        }
        let x = self.val(v)?;
        let ty = self.ty(v);
        if counted(&ty) {
            let first = self.consumed.insert(v);
            if !(first && self.own.fresh.contains(&v)) {
                let d = self.rc_desc(&ty)?;
                self.call_rt("janus_rt_retain", &[x, d])?;
            }
        }
        Ok(x)
    }

    /// A value as an 8-byte runtime slot.
    pub fn slot(&mut self, v: ValueId) -> Result<Value, CodegenError> {
        if matches!(self.vals.get(&v), Some(CV::None)) {
            return Ok(self.iconst(0));
        }
        let x = self.val(v)?;
        let t = self.ty(v);
        Ok(to_slot(&mut self.b, &t, x))
    }
}

/// Lowers function `f` into `b` (whose signature is already set).
#[allow(clippy::too_many_arguments)]
pub fn lower_function<'a, 'p, 'b>(
    m: &'a mut ObjectModule,
    data: &'a mut DataCx<'p>,
    rt: &'a mut Rt,
    actors: &'a crate::actors::Actors,
    fids: &'a [Option<FuncId>],
    prog: &'a ir::Program,
    f: &'a ir::Function,
    b: FunctionBuilder<'b>,
    locate: &'a dyn Fn(Span) -> String,
) -> Result<(), CodegenError> {
    let own = crate::owner::analyze(f);
    if std::env::var_os("JANUS_CG_DEBUG").is_some() {
        eprintln!(
            "{}: release {:?} at_start {:?} old {:?}",
            f.name, own.release, own.release_at_start, own.release_old
        );
    }
    let mut cx = Cx {
        m,
        data,
        rt,
        actors,
        fids,
        prog,
        f,
        b,
        locate,
        own,
        vars: Vec::new(),
        state: None,
        builder: None,
        vals: HashMap::default(),
        blocks: Vec::new(),
        consumed: HashSet::default(),
        funcs: HashMap::default(),
        gvs: HashMap::default(),
    };
    // Locals: void ones get an i64 placeholder (never read).
    for l in 0..f.locals.len() {
        let t = cx.local_ty(LocalId(l as u32));
        let v = cx.b.declare_var(clif(&t).unwrap_or(types::I64));
        cx.vars.push(v);
    }
    for _ in &f.blocks {
        let blk = cx.b.create_block();
        cx.blocks.push(blk);
    }
    let entry = cx.blocks[0];
    cx.b.append_block_params_for_function_params(entry);
    cx.b.switch_to_block(entry);
    let params: Vec<Value> = cx.b.block_params(entry).to_vec();
    let limit = crate::stack::stack_check(&mut cx)?;
    let mut pi = 0;
    if has_state(f) {
        cx.state = params.first().copied();
        pi = 1;
    } else if matches!(f.kind, ir::FnKind::SupervisorStart(_)) {
        cx.builder = params.first().copied();
        pi = 1;
    }
    for p in &f.params {
        let t = cx.local_ty(*p);
        if clif(&t).is_some() {
            if let Some(x) = params.get(pi) {
                cx.write_local(*p, *x);
            }
            pi += 1;
        }
    }
    for bid in rpo(f) {
        lower_block(&mut cx, bid)?;
    }
    crate::stack::set_stack_limit(&mut cx, limit);
    cx.b.seal_all_blocks();
    let config = cx.m.target_config();
    cx.b.finalize(config);
    Ok(())
}

/// Whether `f` is code of an actor with state: it takes the state block as a hidden first
/// parameter (its state locals live there) and passes it on to the helpers it calls.
pub fn has_state(f: &ir::Function) -> bool {
    f.locals.iter().any(|l| l.state.is_some())
}

/// Blocks reachable from the entry, in reverse post-order.
fn rpo(f: &ir::Function) -> Vec<BlockId> {
    let n = f.blocks.len();
    let mut seen = vec![false; n];
    let mut post = Vec::new();
    // Iterative DFS: (block, next successor index).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    if n > 0 {
        seen[0] = true;
        stack.push((0, 0));
    }
    while let Some((b, i)) = stack.pop() {
        let succ = f.blocks[b].term.successors();
        if i < succ.len() {
            stack.push((b, i + 1));
            let s = succ[i].0 as usize;
            if s < n && !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        } else {
            post.push(BlockId(b as u32));
        }
    }
    post.reverse();
    post
}

fn lower_block(cx: &mut Cx, bid: BlockId) -> Result<(), CodegenError> {
    let blk = cx.blocks[bid.0 as usize];
    if bid.0 != 0 {
        cx.b.switch_to_block(blk);
    }
    let block = &cx.f.blocks[bid.0 as usize];
    let releases = cx.own.release.get(&bid).cloned().unwrap_or_default();
    for v in cx
        .own
        .release_at_start
        .get(&bid)
        .cloned()
        .unwrap_or_default()
    {
        release(cx, v)?;
    }
    for (i, inst) in block.insts.iter().enumerate() {
        crate::inst::lower_inst(cx, inst, bid, i)?;
        for (at, v) in &releases {
            if *at == i {
                release(cx, *v)?;
            }
        }
    }
    for (at, v) in &releases {
        if *at == usize::MAX {
            release(cx, *v)?;
        }
    }
    lower_term(cx, &block.term)
}

/// At a `ret`: every local owns the value it holds (parameters excepted: the caller owns
/// those), so its reference is dropped. The returned value was retained before.
fn release_locals(cx: &mut Cx) -> Result<(), CodegenError> {
    for (i, decl) in cx.f.locals.iter().enumerate() {
        let l = LocalId(i as u32);
        if cx.f.params.contains(&l) || decl.state.is_some() {
            continue;
        }
        let t = cx.local_ty(l);
        if !counted(&t) {
            continue;
        }
        // A local not assigned on this path reads as 0, which release ignores.
        let x = cx.read_local(l);
        let d = cx.rc_desc(&t)?;
        cx.call_rt("janus_rt_release", &[x, d])?;
    }
    Ok(())
}

/// Drops the reference a fresh temporary holds (see `owner.rs`).
fn release(cx: &mut Cx, v: ValueId) -> Result<(), CodegenError> {
    let t = cx.ty(v);
    if let (Ty::Union(ok, sets), Some(CV::Pair(failed, payload))) = (&t, cx.vals.get(&v).copied()) {
        // An error union nobody took the value out of (`f() catch -1`, an ignored answer):
        // its payload is the error object, or the value when it is counted.
        let ok = cx.data.resolve(ok);
        let err_desc = match sets.first() {
            Some(set) => cx.desc(&Ty::Def(*set))?,
            None => return Ok(()),
        };
        let desc = if counted(&ok) {
            let ok_desc = cx.rc_desc(&ok)?;
            cx.b.ins().select(failed, err_desc, ok_desc)
        } else {
            let none = cx.b.create_block();
            let done = cx.b.create_block();
            cx.b.ins().brif(failed, none, &[], done, &[]);
            cx.b.switch_to_block(none);
            cx.call_rt("janus_rt_release", &[payload, err_desc])?;
            cx.b.ins().jump(done, &[]);
            cx.b.switch_to_block(done);
            return Ok(());
        };
        cx.call_rt("janus_rt_release", &[payload, desc])?;
        return Ok(());
    }
    if !counted(&t) || !matches!(cx.vals.get(&v), Some(CV::One(_))) {
        return Ok(());
    }
    let x = cx.val(v)?;
    let d = cx.rc_desc(&t)?;
    cx.call_rt("janus_rt_release", &[x, d])?;
    Ok(())
}

fn lower_term(cx: &mut Cx, term: &Term) -> Result<(), CodegenError> {
    match term {
        Term::Jump(t) => {
            let t = cx.blocks[t.0 as usize];
            cx.b.ins().jump(t, &[]);
        }
        Term::Branch { cond, then, else_ } => {
            let c = cx.val(*cond)?;
            let (t, e) = (cx.blocks[then.0 as usize], cx.blocks[else_.0 as usize]);
            cx.b.ins().brif(c, t, &[], e, &[]);
        }
        Term::Switch {
            value,
            cases,
            default,
        } => {
            let v = cx.val(*value)?;
            let bits = cx.b.func.dfg.value_type(v).bits();
            let mask: u128 = if bits >= 128 {
                u128::MAX
            } else {
                (1u128 << bits) - 1
            };
            let mut sw = Switch::new();
            let mut used = HashSet::default();
            for (k, target) in cases {
                let key = (*k as u128) & mask;
                if used.insert(key) {
                    sw.set_entry(key, cx.blocks[target.0 as usize]);
                }
            }
            let d = cx.blocks[default.0 as usize];
            sw.emit(&mut cx.b, v, d);
        }
        Term::Return(v) => match v {
            None => {
                release_locals(cx)?;
                cx.b.ins().return_(&[]);
            }
            Some(v) => {
                let rets = match cx.vals.get(v).copied() {
                    Some(CV::Pair(flag, payload)) => vec![flag, payload],
                    Some(CV::One(_)) => vec![cx.consume(*v)?],
                    _ => vec![],
                };
                release_locals(cx)?;
                cx.b.ins().return_(&rets);
            }
        },
        Term::Crash { kind, value, span } => {
            let k = match kind {
                CrashKind::Panic => 0,
                CrashKind::Assert => 1,
                CrashKind::Uncaught => 2,
            };
            let (v, d) = match value {
                Some(v) => {
                    let t = cx.ty(*v);
                    let x = cx.slot(*v)?;
                    let d = cx.desc_for(&t, x)?;
                    (x, d)
                }
                None => (cx.iconst(0), cx.iconst(0)),
            };
            let k = cx.b.ins().iconst(types::I32, k);
            let l = cx.loc(*span)?;
            cx.call_rt("janus_cg_crash", &[k, v, d, l])?;
            cx.b.ins().trap(TrapCode::unwrap_user(1));
        }
        Term::Unreachable => {
            cx.b.ins().trap(TrapCode::unwrap_user(2));
        }
    }
    Ok(())
}
