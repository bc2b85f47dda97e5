//! The IR verifier: structure (targets exist, every block ends in a terminator), definitions
//! (every value and every local is defined on every path before it is read, each value once)
//! and types (operands agree with their operation, calls with their callee, returns with the
//! function). Run on everything lowering produces in tests; codegen may assume its result.

mod ops;

use janus_sema::Ty;

use crate::display::show_ty;
use crate::ir::*;

/// Every problem found, as `function: bbN: message` lines; empty when the program is valid.
pub fn verify(p: &Program) -> Vec<String> {
    let mut errs = Vec::new();
    for f in &p.functions {
        let mut v = FnVerifier {
            p,
            f,
            errs: Vec::new(),
        };
        v.run();
        errs.extend(v.errs.into_iter().map(|e| format!("{}: {e}", f.name)));
    }
    errs
}

struct FnVerifier<'a> {
    p: &'a Program,
    f: &'a Function,
    errs: Vec<String>,
}

/// A set of small integers (values or locals) as a bit vector.
#[derive(Clone, PartialEq)]
struct Bits(Vec<u64>);

impl Bits {
    fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn full(n: usize) -> Bits {
        Bits(vec![u64::MAX; n.div_ceil(64)])
    }
    fn has(&self, i: u32) -> bool {
        self.0
            .get(i as usize / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn set(&mut self, i: u32) {
        if let Some(w) = self.0.get_mut(i as usize / 64) {
            *w |= 1 << (i % 64);
        }
    }
    fn meet(&mut self, o: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            *a &= *b;
        }
    }
}

impl<'a> FnVerifier<'a> {
    fn err(&mut self, b: usize, msg: String) {
        self.errs.push(format!("bb{b}: {msg}"));
    }

    fn show(&self, t: &Ty) -> String {
        show_ty(self.p, t)
    }

    fn run(&mut self) {
        let f = self.f;
        if matches!(f.kind, FnKind::Extern(_)) {
            return;
        }
        if f.blocks.is_empty() {
            self.errs.push("no entry block".into());
            return;
        }
        for &l in &f.params {
            if l.0 as usize >= f.locals.len() {
                self.errs
                    .push(format!("parameter local {} out of range", l.0));
            }
        }
        // Structure and single definitions.
        let mut defined_at: Vec<Option<usize>> = vec![None; f.values.len()];
        for (bi, b) in f.blocks.iter().enumerate() {
            for s in b.term.successors() {
                if s.0 as usize >= f.blocks.len() {
                    self.err(bi, format!("jump to missing block bb{}", s.0));
                }
            }
            for inst in &b.insts {
                if let Some(d) = inst.dest {
                    match defined_at.get_mut(d.0 as usize) {
                        None => self.err(bi, format!("v{} has no type", d.0)),
                        Some(Some(_)) => self.err(bi, format!("v{} is defined twice", d.0)),
                        Some(slot) => *slot = Some(bi),
                    }
                }
            }
        }
        if !self.errs.is_empty() {
            return;
        }
        self.definitions();
        for (bi, b) in f.blocks.iter().enumerate() {
            for inst in &b.insts {
                self.check_op(bi, inst);
            }
            self.check_term(bi, &b.term);
        }
    }

    /// Must-analysis: which values and locals are defined on every path into each block.
    fn definitions(&mut self) {
        let f = self.f;
        let (nv, nl, nb) = (f.values.len(), f.locals.len(), f.blocks.len());
        let mut vin: Vec<Bits> = vec![Bits::full(nv); nb];
        let mut lin: Vec<Bits> = vec![Bits::full(nl); nb];
        let mut entry_locals = Bits::empty(nl);
        for &p in &f.params {
            entry_locals.set(p.0);
        }
        if !matches!(f.kind, FnKind::ActorInit(_)) {
            for (i, l) in f.locals.iter().enumerate() {
                if l.state.is_some() {
                    entry_locals.set(i as u32);
                }
            }
        }
        vin[0] = Bits::empty(nv);
        lin[0] = entry_locals.clone();
        let mut changed = true;
        let mut rounds = 0;
        while changed && rounds < 10_000 {
            changed = false;
            rounds += 1;
            for bi in 0..nb {
                let (mut vs, mut ls) = (vin[bi].clone(), lin[bi].clone());
                for inst in &f.blocks[bi].insts {
                    if let Some(d) = inst.dest {
                        vs.set(d.0);
                    }
                    if let Op::Store(p, _) = &inst.op
                        && p.proj.is_empty()
                    {
                        ls.set(p.local.0);
                    }
                }
                for s in f.blocks[bi].term.successors() {
                    let si = s.0 as usize;
                    let (mut nvs, mut nls) = (vin[si].clone(), lin[si].clone());
                    nvs.meet(&vs);
                    nls.meet(&ls);
                    if si == 0 {
                        nls.meet(&entry_locals);
                        nvs = Bits::empty(nv);
                    }
                    if nvs != vin[si] || nls != lin[si] {
                        vin[si] = nvs;
                        lin[si] = nls;
                        changed = true;
                    }
                }
            }
        }
        let reachable = self.reachable();
        for bi in 0..nb {
            if !reachable[bi] {
                continue;
            }
            let (mut vs, mut ls) = (vin[bi].clone(), lin[bi].clone());
            for inst in &f.blocks[bi].insts {
                for u in inst.op.uses() {
                    if !vs.has(u.0) {
                        self.err(bi, format!("v{} is used before it is defined", u.0));
                    }
                }
                for p in inst.op.places() {
                    if p.local.0 as usize >= nl {
                        self.err(bi, format!("local {} out of range", p.local.0));
                        continue;
                    }
                    let whole_store = matches!(&inst.op, Op::Store(q, _) if q.proj.is_empty());
                    if !whole_store && !ls.has(p.local.0) {
                        let name = &f.locals[p.local.0 as usize].name;
                        self.err(bi, format!("local %{name} is read before it is assigned"));
                    }
                }
                if let Some(d) = inst.dest {
                    vs.set(d.0);
                }
                if let Op::Store(p, _) = &inst.op
                    && p.proj.is_empty()
                {
                    ls.set(p.local.0);
                }
            }
            for u in f.blocks[bi].term.uses() {
                if !vs.has(u.0) {
                    self.err(bi, format!("v{} is used before it is defined", u.0));
                }
            }
        }
    }

    fn reachable(&self) -> Vec<bool> {
        let mut seen = vec![false; self.f.blocks.len()];
        let mut stack = vec![0usize];
        while let Some(b) = stack.pop() {
            if std::mem::replace(&mut seen[b], true) {
                continue;
            }
            for s in self.f.blocks[b].term.successors() {
                if (s.0 as usize) < seen.len() {
                    stack.push(s.0 as usize);
                }
            }
        }
        seen
    }
}
