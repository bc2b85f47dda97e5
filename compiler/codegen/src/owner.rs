//! Ownership of object references, decided per value before a function is lowered.
//!
//! The scheme (see `spec/codegen.md`, "Reference counts"): a value produced by a constructor,
//! a call or a built-in that returns a new object is *fresh* (it holds one reference); a value
//! read out of something else (`load`, `field`, `elem`, `variant_field`, `unwrap`, `list.get`,
//! ...) is *borrowed*. Where a value is consumed — stored into a local or place, put into a
//! struct, tuple, list, variant or optional, handed to a built-in that takes it over, returned —
//! a fresh value gives its reference away the first time, and any other consumption adds one
//! (`janus_rt_retain`). Locals therefore always own what they hold, so copy-on-write
//! (`make_unique`) sees the real number of holders. A `load` whose value (or anything borrowed
//! from it) is used outside the block that loads it — the snapshot a `for` loop iterates over —
//! takes its own reference, so that the loop body's changes to the variable copy instead of
//! writing into the snapshot.
//!
//! Releases: a fresh value (or a load that took its own reference) that is never consumed is
//! released where it dies: liveness over the blocks, counting the uses of every value borrowed
//! from it as its own, gives the block where it is last used (released after that use) or the
//! edge where it stops being live (released at the start of the target block, when that block
//! has a single predecessor; at a join it is kept). Values used by `ret`/`crash` are kept. A store
//! into a variable (or a struct field of one) releases the value it overwrites unless a value
//! read from that variable earlier in the block is still used after it.

use janus_sema::fx::{FxMap as HashMap, FxSet as HashSet};

use janus_ir::ir::{BlockId, Function, Op, Operand, Term, ValueId};

/// Per block: (instruction index, value) releases; `usize::MAX` = before the terminator.
type ReleaseAfter = HashMap<BlockId, Vec<(usize, ValueId)>>;
/// Per block: values released before its first instruction.
type ReleaseAtStart = HashMap<BlockId, Vec<ValueId>>;

pub struct Ownership {
    /// Values holding their own reference when produced.
    pub fresh: HashSet<ValueId>,
    /// Loads that must take a reference because they are used outside their block.
    pub retain_load: HashSet<ValueId>,
    /// Per block: values to release after instruction `i` (`usize::MAX`: before the
    /// terminator).
    pub release: HashMap<BlockId, Vec<(usize, ValueId)>>,
    /// Per block: values that die on the edge into it, released before its first instruction.
    pub release_at_start: HashMap<BlockId, Vec<ValueId>>,
    /// Stores (block, instruction) that may release the value they overwrite: nothing read
    /// from the same variable earlier in the block is still used after them.
    pub release_old: HashSet<(BlockId, usize)>,
}

/// Operations whose result borrows from their first operand.
fn borrowed_from(op: &Op) -> Option<ValueId> {
    match op {
        Op::Builtin("list.get" | "set.elem_at", ops) => match ops.first() {
            Some(Operand::Value(v)) => Some(*v),
            _ => None,
        },
        Op::Field(v, _)
        | Op::Elem(v, _)
        | Op::VariantField(v, ..)
        | Op::Unwrap(v)
        | Op::Upcast(v)
        | Op::OkValue(v)
        | Op::ErrValue(v)
        | Op::Child(v, _) => Some(*v),
        _ => None,
    }
}

fn is_state(f: &Function, l: janus_ir::ir::LocalId) -> bool {
    f.locals
        .get(l.0 as usize)
        .is_some_and(|d| d.state.is_some())
}

fn is_fresh(op: &Op) -> bool {
    match op {
        Op::Call(..)
        | Op::Struct(..)
        | Op::Tuple(..)
        | Op::List(..)
        | Op::Variant(..)
        | Op::Binary(janus_ir::ir::BinOp::Concat, ..) => true,
        Op::Builtin(name, _) => !matches!(*name, "list.get" | "set.elem_at"),
        Op::Spawn(..) | Op::SelfRef | Op::Ask { .. } | Op::StartChild { .. } => true,
        _ => false,
    }
}

pub fn analyze(f: &Function) -> Ownership {
    let mut fresh = HashSet::default();
    let mut def_block: HashMap<ValueId, BlockId> = HashMap::default();
    let mut root: HashMap<ValueId, ValueId> = HashMap::default();
    let mut loads = HashSet::default();
    let mut state_loads = HashSet::default();
    let calls = f
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .any(|i| matches!(i.op, Op::Call(..)));
    let stored: HashSet<janus_ir::ir::LocalId> = f
        .blocks
        .iter()
        .flat_map(|b| &b.insts)
        .flat_map(|i| match &i.op {
            Op::Store(p, _) => vec![p.local],
            // Mutating built-ins (`xs.push(x)`) write through a place.
            Op::Builtin(_, ops) => ops
                .iter()
                .filter_map(|o| match o {
                    Operand::Place(p) => Some(p.local),
                    _ => None,
                })
                .collect(),
            _ => vec![],
        })
        .collect();
    for (bi, b) in f.blocks.iter().enumerate() {
        for inst in &b.insts {
            let Some(d) = inst.dest else { continue };
            def_block.insert(d, BlockId(bi as u32));
            if is_fresh(&inst.op) {
                fresh.insert(d);
            }
            if let Op::Load(p) = &inst.op {
                loads.insert(d);
                // An actor's state local can change under a borrowed value when this function
                // assigns it or calls a helper (which may): what is read from it then takes its
                // own reference. Otherwise the state block does not change while the function
                // runs (only the actor's own code touches it) and a load borrows as usual.
                if is_state(f, p.local) && (calls || stored.contains(&p.local)) {
                    state_loads.insert(d);
                }
            }
            let r = borrowed_from(&inst.op)
                .map(|p| root.get(&p).copied().unwrap_or(p))
                .unwrap_or(d);
            root.insert(d, r);
        }
    }
    let mut retain_load = state_loads;
    for (bi, b) in f.blocks.iter().enumerate() {
        let uses = b
            .insts
            .iter()
            .flat_map(|i| i.op.uses())
            .chain(b.term.uses());
        for u in uses {
            let r = root.get(&u).copied().unwrap_or(u);
            if loads.contains(&r) && def_block.get(&r) != Some(&BlockId(bi as u32)) {
                retain_load.insert(r);
            }
        }
    }
    let (release, release_at_start) = releases(f, &fresh, &retain_load, &root);
    let release_old = overwrites(f, &root, &retain_load);
    Ownership {
        fresh,
        retain_load,
        release,
        release_at_start,
        release_old,
    }
}

/// Stores whose overwritten value no borrowed value still needs (see `release_old`).
fn overwrites(
    f: &Function,
    root: &HashMap<ValueId, ValueId>,
    retained: &HashSet<ValueId>,
) -> HashSet<(BlockId, usize)> {
    let mut out = HashSet::default();
    for (bi, b) in f.blocks.iter().enumerate() {
        // Loads of each local in this block (their values borrow from it).
        let mut loads: Vec<(usize, janus_ir::ir::LocalId, ValueId)> = Vec::new();
        for (k, inst) in b.insts.iter().enumerate() {
            match (&inst.op, inst.dest) {
                (Op::Load(p), Some(d)) if !retained.contains(&d) => loads.push((k, p.local, d)),
                (Op::Store(p, _), _) => {
                    if f.params.contains(&p.local) && !is_state(f, p.local) {
                        continue;
                    }
                    let borrowed: HashSet<ValueId> = loads
                        .iter()
                        .filter(|(j, l, _)| *j < k && *l == p.local)
                        .map(|x| x.2)
                        .collect();
                    let later_uses = b.insts[k + 1..]
                        .iter()
                        .flat_map(|i| i.op.uses())
                        .chain(b.term.uses());
                    let mut safe = true;
                    for u in later_uses {
                        if borrowed.contains(&root.get(&u).copied().unwrap_or(u)) {
                            safe = false;
                            break;
                        }
                    }
                    if safe {
                        out.insert((BlockId(bi as u32), k));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The operands an operation consumes (see the module comment).
fn consumed(op: &Op) -> Vec<ValueId> {
    let val = |ops: &[Operand], i: usize| match ops.get(i) {
        Some(Operand::Value(v)) => Some(*v),
        _ => None,
    };
    match op {
        Op::Store(_, v) | Op::Some(v) | Op::Ok(v) | Op::Err(v) => vec![*v],
        Op::Struct(_, vs) | Op::Tuple(vs) | Op::List(vs) | Op::Variant(_, _, vs) => vs.clone(),
        // Put into the spawn arguments' tuple / the request object.
        Op::Spawn(_, vs, _) | Op::Ask { fields: vs, .. } | Op::StartChild { args: vs, .. } => {
            vs.clone()
        }
        // The runtime takes a sent message or answer (and moves it when it can).
        Op::Send(_, v) | Op::Reply(_, v) => vec![*v],
        Op::Builtin(name, ops) => match *name {
            "list.push" | "set.insert" => val(ops, 1).into_iter().collect(),
            "list.insert" => val(ops, 2).into_iter().collect(),
            "map.set" => val(ops, 1).into_iter().chain(val(ops, 2)).collect(),
            _ => vec![],
        },
        _ => vec![],
    }
}

fn releases(
    f: &Function,
    fresh: &HashSet<ValueId>,
    retained: &HashSet<ValueId>,
    root: &HashMap<ValueId, ValueId>,
) -> (ReleaseAfter, ReleaseAtStart) {
    let root_of = |v: ValueId| root.get(&v).copied().unwrap_or(v);
    let n = f.blocks.len();
    // Roots that are never released: consumed somewhere, or used by a terminator that hands a
    // value on (`ret`, `crash`: the retain of the returned value comes after the releases).
    let mut keep: HashSet<ValueId> = HashSet::default();
    // Per block: roots used (with the index of the last using instruction; `usize::MAX` for
    // the terminator) and roots defined.
    let mut uses: Vec<HashMap<ValueId, usize>> = vec![HashMap::default(); n];
    let mut defs: Vec<Vec<(usize, ValueId)>> = vec![Vec::new(); n];
    for (bi, b) in f.blocks.iter().enumerate() {
        for (ii, inst) in b.insts.iter().enumerate() {
            for c in consumed(&inst.op) {
                keep.insert(c);
            }
            for u in inst.op.uses() {
                uses[bi].insert(root_of(u), ii);
            }
            if let Some(d) = inst.dest
                && root_of(d) == d
                && (fresh.contains(&d) || retained.contains(&d))
            {
                defs[bi].push((ii, d));
            }
        }
        let hands_on = matches!(b.term, Term::Return(_) | Term::Crash { .. });
        for u in b.term.uses() {
            let r = root_of(u);
            if hands_on {
                keep.insert(r);
            }
            uses[bi].insert(r, usize::MAX);
        }
    }
    let defined_in: Vec<HashSet<ValueId>> = f
        .blocks
        .iter()
        .map(|b| b.insts.iter().filter_map(|i| i.dest).collect())
        .collect();
    // Liveness of roots over the blocks (backward, to a fixpoint).
    let succ: Vec<Vec<usize>> = f
        .blocks
        .iter()
        .map(|b| {
            b.term
                .successors()
                .iter()
                .map(|s| s.0 as usize)
                .filter(|s| *s < n)
                .collect()
        })
        .collect();
    let mut live_in: Vec<HashSet<ValueId>> = vec![HashSet::default(); n];
    let mut live_out: Vec<HashSet<ValueId>> = vec![HashSet::default(); n];
    let mut changed = true;
    while changed {
        changed = false;
        for bi in (0..n).rev() {
            let mut out = HashSet::default();
            for s in &succ[bi] {
                out.extend(live_in[*s].iter().copied());
            }
            // Values are defined before their uses within a block (SSA), so a value defined
            // here is never live into it.
            let defined = &defined_in[bi];
            let mut inn: HashSet<ValueId> = uses[bi]
                .keys()
                .filter(|v| !defined.contains(v))
                .copied()
                .collect();
            inn.extend(out.iter().filter(|v| !defined.contains(v)).copied());
            if inn.len() != live_in[bi].len() || out.len() != live_out[bi].len() {
                changed = true;
            }
            live_in[bi] = inn;
            live_out[bi] = out;
        }
    }
    // Predecessor blocks (for values that die on an edge).
    let mut preds: Vec<HashSet<usize>> = vec![HashSet::default(); n];
    for (bi, ss) in succ.iter().enumerate() {
        for s in ss {
            preds[*s].insert(bi);
        }
    }
    let candidates: HashSet<ValueId> = defs
        .iter()
        .flatten()
        .map(|d| d.1)
        .filter(|d| !keep.contains(d))
        .collect();
    let mut after: HashMap<BlockId, Vec<(usize, ValueId)>> = HashMap::default();
    let mut at_start: HashMap<BlockId, Vec<ValueId>> = HashMap::default();
    for bi in 0..n {
        let here = BlockId(bi as u32);
        // Dies inside this block: after its last use here, or at its definition if unused.
        let mut here_roots: Vec<(usize, ValueId)> = defs[bi].clone();
        for r in &live_in[bi] {
            here_roots.push((0, *r));
        }
        for (def_at, r) in here_roots {
            if !candidates.contains(&r) || live_out[bi].contains(&r) {
                continue;
            }
            let at = uses[bi].get(&r).copied().unwrap_or(def_at);
            after.entry(here).or_default().push((at, r));
        }
        // Dies on the edge into this block: released at its start when this block has one
        // predecessor (else it is kept: a join would need a block per edge).
        if preds[bi].len() == 1 {
            for p in &preds[bi] {
                for r in &live_out[*p] {
                    if candidates.contains(r) && !live_in[bi].contains(r) {
                        at_start.entry(here).or_default().push(*r);
                    }
                }
            }
        }
    }
    (after, at_start)
}
