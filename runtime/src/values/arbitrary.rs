//! Random values of any type descriptor (seeded and deterministic), for the codec self-test
//! (`abi::selftest`) and property tests: scalars with their edge values, strings with empty and
//! non-ASCII text, collections of 0–4 elements with unique keys, optionals, records, enums
//! (recursive ones bounded), and wire handles.
//!
//! Recursive types terminate through a depth and size budget: past it, every choice takes the
//! shortest way out (null, empty collections, the variant whose fields nest least). How short
//! that way is comes from `heights`, the least fixpoint of "the smallest nesting a finite value
//! of this type needs"; a type without any finite value (`enum Loop { Again(Loop) }`) is
//! reported as an error, never an endless recursion.

use std::collections::HashMap;

use super::heap::Heap;
use super::map;
use super::obj::*;
use super::rc;
use crate::abi::desc::{GrainTypeDesc, TypeDesc, kind};

/// The generator of test values (SplitMix64, `crate::rng`).
pub use crate::rng::SplitMix64 as Rng;

/// "No finite value" in the height table.
const INF: u32 = u32::MAX;

/// Nesting levels generated freely before every choice takes the shortest way out.
pub const DEFAULT_MAX_DEPTH: usize = 4;
/// Objects one value may have before every choice takes the shortest way out.
const OBJECT_BUDGET: usize = 400;
/// Elements of a generated collection (inclusive).
const MAX_ELEMS: usize = 4;

/// A generator of random values of one root type.
pub struct Arbitrary {
    root: &'static TypeDesc,
    rng: Rng,
    heights: HashMap<*const TypeDesc, u32>,
    /// Nesting levels before the generator only terminates (default `DEFAULT_MAX_DEPTH`).
    pub max_depth: usize,
    budget: usize,
}

impl Arbitrary {
    /// A generator for values of `root` seeded with `seed`. Fails when `root` has no finite
    /// value or its descriptor graph is malformed (a null element type, an unknown kind).
    pub fn new(root: &'static TypeDesc, seed: u64) -> Result<Arbitrary, String> {
        let heights = heights(root);
        if height_in(&heights, root) == INF {
            return Err(format!(
                "cannot generate values of {}: {}",
                type_name(root),
                why_no_value(root, &heights)
            ));
        }
        Ok(Arbitrary {
            root,
            rng: Rng::new(seed),
            heights,
            max_depth: DEFAULT_MAX_DEPTH,
            budget: OBJECT_BUDGET,
        })
    }

    /// The generator's random source (to draw more values of other types consistently).
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    /// A new random value of the root type, allocated in `heap` (one reference, owned by the
    /// caller).
    pub fn value(&mut self, heap: &Heap) -> Result<Value, String> {
        self.budget = OBJECT_BUDGET;
        self.gen_value(self.root, heap, 0)
    }

    fn h(&self, d: &TypeDesc) -> u32 {
        height_in(&self.heights, d)
    }

    fn gen_value(
        &mut self,
        d: &'static TypeDesc,
        heap: &Heap,
        depth: usize,
    ) -> Result<Value, String> {
        // Past the budget, only the shortest way out (heights strictly decrease along it).
        let end = depth >= self.max_depth || self.budget == 0;
        if !d.is_scalar() {
            self.budget = self.budget.saturating_sub(1);
        }
        Ok(match d.kind {
            kind::VOID => 0,
            kind::I64 | kind::DURATION | kind::INSTANT => self.i64() as u64,
            kind::I32 => self.i32() as i64 as u64,
            kind::U64 => self.u64(),
            kind::F64 => self.f64().to_bits(),
            kind::BOOL => self.rng.below(2) as u64,
            kind::STRING | kind::NODE_ID => {
                let s = self.text();
                new_str(heap, d, s.as_bytes())
            }
            kind::BYTES => {
                let b = self.bytes();
                new_str(heap, d, &b)
            }
            kind::LIST => {
                let e = elem_of(d)?;
                let n = self.count(end, e);
                let l = new_list(heap, d, n);
                for _ in 0..n {
                    let x = self.gen_value(e, heap, depth + 1)?;
                    // SAFETY: `l` is the fresh list just built.
                    unsafe { list_push(l, x) };
                }
                l
            }
            kind::MAP | kind::SET => self.map(d, heap, depth, end)?,
            kind::OPTIONAL => {
                let e = elem_of(d)?;
                if end || self.h(e) == INF || self.rng.chance(1, 3) {
                    0
                } else {
                    let x = self.gen_value(e, heap, depth + 1)?;
                    some(heap, d, x)
                }
            }
            kind::TUPLE | kind::STRUCT => {
                let fs = d.fields();
                let s = new_struct(heap, d, fs.len());
                for (i, f) in fs.iter().enumerate() {
                    let x = self.gen_value(field_ty(f.ty)?, heap, depth + 1)?;
                    // SAFETY: `s` has one slot per field.
                    unsafe { *struct_slots(s).add(i) = x };
                }
                s
            }
            kind::ENUM => self.enumm(d, heap, depth, end)?,
            kind::ACTOR_REF => {
                let node = self.node();
                let id = self.u64();
                let name = self.rng.pick(&["Counter", "", "Größe", "a"]);
                super::handles::actor_ref_from_wire(heap, d, node, id, name)
            }
            kind::REPLY => {
                let node = self.node();
                let id = self.u64();
                super::handles::reply_from_wire(heap, d, node, id)
            }
            kind::GRAIN_REF => {
                let g = self.choose_grain(d, end)?;
                let id = self.gen_value(field_ty(g.identity)?, heap, depth + 1)?;
                super::handles::new_grain_ref(heap, d, g, id)
            }
            k => return Err(format!("type kind {k} has no values to generate")),
        })
    }

    /// How many elements a collection of element type `e` gets.
    fn count(&mut self, end: bool, e: &TypeDesc) -> usize {
        if end || self.h(e) == INF {
            0
        } else {
            self.rng.below(MAX_ELEMS + 1)
        }
    }

    fn map(
        &mut self,
        d: &'static TypeDesc,
        heap: &Heap,
        depth: usize,
        end: bool,
    ) -> Result<Value, String> {
        let k = elem_of(d)?;
        let vd = if d.kind == kind::MAP {
            Some(value_of(d)?)
        } else {
            None
        };
        let mut n = self.count(end, k);
        if vd.is_some_and(|v| self.h(v) == INF) {
            n = 0;
        }
        let m = new_map(heap, d);
        // Keys must be unique: a drawn key already present is dropped and another drawn; a key
        // type with few values (`bool`, `void`) simply yields a smaller map.
        let mut tries = 0;
        // SAFETY (all blocks below): `m` is the fresh map just built, owned by this thread.
        while unsafe { map::len(m) } < n && tries < 3 * n {
            tries += 1;
            let key = self.gen_value(k, heap, depth + 1)?;
            if unsafe { map::find(m, key) }.is_some() {
                rc::release(key, k);
                continue;
            }
            let v = match vd {
                Some(vd) => self.gen_value(vd, heap, depth + 1)?,
                None => 0,
            };
            let _ = unsafe { map::insert(m, key, v) };
        }
        Ok(m)
    }

    fn enumm(
        &mut self,
        d: &'static TypeDesc,
        heap: &Heap,
        depth: usize,
        end: bool,
    ) -> Result<Value, String> {
        let vs = d.variants();
        let heights: Vec<u32> = vs
            .iter()
            .map(|v| max_height(&self.heights, v.fields().iter().map(|f| f.ty)))
            .collect();
        let tag = if end {
            // The variant whose fields nest least; among equals the one with the fewest pointer
            // fields (a `Num(i64)` leaf rather than an empty `All([Expr])`), then the first.
            (0..vs.len()).min_by_key(|&i| {
                let pointers = vs[i]
                    .fields()
                    .iter()
                    .filter(|f| !f.ty.is_null() && !f.ty().is_scalar())
                    .count();
                (heights[i], pointers)
            })
        } else {
            let ok: Vec<usize> = (0..vs.len()).filter(|&i| heights[i] != INF).collect();
            (!ok.is_empty()).then(|| self.rng.pick(&ok))
        };
        let Some(tag) = tag.filter(|&t| heights[t] != INF) else {
            return Err(format!(
                "{} has no variant with a finite value",
                type_name(d)
            ));
        };
        let e = new_enum(heap, d, tag);
        for (i, f) in vs[tag].fields().iter().enumerate() {
            let x = self.gen_value(field_ty(f.ty)?, heap, depth + 1)?;
            // SAFETY: `e` has one slot per field of its variant.
            unsafe { *enum_slots(e).add(i) = x };
        }
        Ok(e)
    }

    fn choose_grain(&mut self, d: &TypeDesc, end: bool) -> Result<&'static GrainTypeDesc, String> {
        let gs: Vec<&'static GrainTypeDesc> = d
            .grains()
            .iter()
            .filter(|g| !g.is_null())
            // SAFETY: grain descriptors are static data.
            .map(|g| unsafe { &**g })
            .filter(|g| height_of_ptr(&self.heights, g.identity) != INF)
            .collect();
        if gs.is_empty() {
            return Err(format!("{} has no grain type to refer to", type_name(d)));
        }
        Ok(if end {
            *gs.iter()
                .min_by_key(|g| height_of_ptr(&self.heights, g.identity))
                .unwrap_or(&gs[0])
        } else {
            self.rng.pick(&gs)
        })
    }

    fn i64(&mut self) -> i64 {
        match self.rng.below(10) {
            0..=3 => self
                .rng
                .pick(&[0, -1, 1, i64::MIN, i64::MAX, 63, 64, -64, -65, 127, 128]),
            4..=6 => self.rng.below(2001) as i64 - 1000,
            _ => self.rng.next_u64() as i64,
        }
    }

    fn i32(&mut self) -> i32 {
        match self.rng.below(10) {
            0..=3 => self.rng.pick(&[0, -1, 1, i32::MIN, i32::MAX, 64, -65]),
            4..=6 => self.rng.below(2001) as i32 - 1000,
            _ => self.rng.next_u64() as i32,
        }
    }

    fn u64(&mut self) -> u64 {
        match self.rng.below(10) {
            0..=3 => self
                .rng
                .pick(&[0, 1, 127, 128, 16_383, 16_384, u64::MAX, 1 << 63]),
            4..=6 => self.rng.below(1000) as u64,
            _ => self.rng.next_u64(),
        }
    }

    fn f64(&mut self) -> f64 {
        let x = match self.rng.below(10) {
            0..=3 => self.rng.pick(&[
                0.0,
                -0.0,
                1.0,
                -1.5,
                0.1,
                f64::MAX,
                f64::MIN,
                f64::MIN_POSITIVE,
                5e-324,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ]),
            4..=6 => (self.rng.below(20001) as f64 - 10000.0) / 8.0,
            _ => f64::from_bits(self.rng.next_u64()),
        };
        // No NaN: NaN != NaN would make every equality check of the value fail.
        if x.is_nan() { 0.5 } else { x }
    }

    fn text(&mut self) -> String {
        if self.rng.chance(1, 3) {
            return self
                .rng
                .pick(&[
                    "",
                    "a",
                    "héllo",
                    "日本語",
                    "🎉",
                    "tab\t\"quote\"\n",
                    "nul\0",
                    "Ω≈ç√",
                ])
                .to_string();
        }
        const CHARS: [char; 12] = [
            'a',
            'z',
            'Q',
            '0',
            ' ',
            '_',
            'é',
            'ß',
            '中',
            '😀',
            '\u{7f}',
            '\u{10FFFF}',
        ];
        let n = self.rng.below(9);
        (0..n).map(|_| self.rng.pick(&CHARS)).collect()
    }

    fn bytes(&mut self) -> Vec<u8> {
        if self.rng.chance(1, 4) {
            return self
                .rng
                .pick(&[&[][..], &[0u8, 255][..], &[0x80][..]])
                .to_vec();
        }
        let n = self.rng.below(9);
        (0..n).map(|_| self.rng.next_u64() as u8).collect()
    }

    fn node(&mut self) -> u64 {
        match self.rng.below(4) {
            0 => u64::MAX,
            k => k as u64 - 1,
        }
    }
}

fn type_name(d: &TypeDesc) -> String {
    if d.name().is_empty() {
        format!("a type of kind {}", d.kind)
    } else {
        format!("`{}`", d.name())
    }
}

fn why_no_value(d: &TypeDesc, hs: &HashMap<*const TypeDesc, u32>) -> String {
    match d.kind {
        kind::ENUM if d.variants().is_empty() => "the type has no variants".into(),
        kind::ENUM | kind::STRUCT | kind::TUPLE => "no finite value exists: every way to build \
             one contains the type itself or a type without values (a recursive type without a \
             base case, an enum without variants, a grain reference without grain types)"
            .into(),
        kind::GRAIN_REF if d.grains().is_empty() => "no grain type implements its protocol".into(),
        _ if hs.is_empty() => "malformed descriptor".into(),
        _ => "the type has no finite value or a malformed descriptor".into(),
    }
}

fn field_ty(p: *const TypeDesc) -> Result<&'static TypeDesc, String> {
    if p.is_null() {
        Err("malformed descriptor: a null field type".into())
    } else {
        // SAFETY: descriptors are static data.
        Ok(unsafe { &*p })
    }
}

fn elem_of(d: &TypeDesc) -> Result<&'static TypeDesc, String> {
    field_ty(d.elem)
}

fn value_of(d: &TypeDesc) -> Result<&'static TypeDesc, String> {
    field_ty(d.value)
}

fn height_in(hs: &HashMap<*const TypeDesc, u32>, d: &TypeDesc) -> u32 {
    hs.get(&(d as *const TypeDesc)).copied().unwrap_or(INF)
}

fn height_of_ptr(hs: &HashMap<*const TypeDesc, u32>, p: *const TypeDesc) -> u32 {
    if p.is_null() {
        INF
    } else {
        hs.get(&p).copied().unwrap_or(INF)
    }
}

/// The largest height among the types `ps` (0 for none; INF if any is INF or null).
fn max_height(
    hs: &HashMap<*const TypeDesc, u32>,
    ps: impl Iterator<Item = *const TypeDesc>,
) -> u32 {
    ps.map(|p| height_of_ptr(hs, p)).max().unwrap_or(0)
}

/// The descriptors a generated value of `d` may contain (`ActorRef`/`Reply` protocols are not
/// generated: only the handle's identity is).
fn children(d: &TypeDesc) -> Vec<*const TypeDesc> {
    match d.kind {
        kind::LIST | kind::SET | kind::OPTIONAL => vec![d.elem],
        kind::MAP => vec![d.elem, d.value],
        kind::TUPLE | kind::STRUCT => d.fields().iter().map(|f| f.ty).collect(),
        kind::ENUM => d
            .variants()
            .iter()
            .flat_map(|v| v.fields().iter().map(|f| f.ty))
            .collect(),
        kind::GRAIN_REF => d
            .grains()
            .iter()
            .filter(|g| !g.is_null())
            // SAFETY: grain descriptors are static data.
            .map(|g| unsafe { (**g).identity })
            .collect(),
        _ => Vec::new(),
    }
}

/// For every descriptor reachable from `root`: the least nesting a finite value of it needs
/// (INF: none). Computed as a least fixpoint by repeated relaxation, because recursive types
/// make any single depth-first pass order-dependent.
fn heights(root: &TypeDesc) -> HashMap<*const TypeDesc, u32> {
    let mut all: Vec<*const TypeDesc> = Vec::new();
    let mut hs: HashMap<*const TypeDesc, u32> = HashMap::new();
    let mut stack = vec![root as *const TypeDesc];
    while let Some(p) = stack.pop() {
        if p.is_null() || hs.contains_key(&p) {
            continue;
        }
        hs.insert(p, INF);
        all.push(p);
        // SAFETY: descriptors are static data.
        stack.extend(children(unsafe { &*p }));
    }
    // Each pass fixes at least one more type's height while anything changes, so at most
    // `all.len() + 1` passes are needed.
    for _ in 0..=all.len() {
        let mut changed = false;
        for &p in &all {
            // SAFETY: as above.
            let d = unsafe { &*p };
            let h = height_now(d, &hs);
            if h < hs[&p] {
                hs.insert(p, h);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    hs
}

fn height_now(d: &TypeDesc, hs: &HashMap<*const TypeDesc, u32>) -> u32 {
    let plus1 = |h: u32| if h == INF { INF } else { h + 1 };
    match d.kind {
        k if k <= kind::INSTANT => 0,
        kind::STRING | kind::BYTES | kind::NODE_ID | kind::ACTOR_REF | kind::REPLY => 0,
        // The empty collection / null: only a well-formed descriptor counts.
        kind::LIST | kind::SET | kind::OPTIONAL if !d.elem.is_null() => 0,
        kind::MAP if !d.elem.is_null() && !d.value.is_null() => 0,
        kind::TUPLE | kind::STRUCT => plus1(max_height(hs, d.fields().iter().map(|f| f.ty))),
        kind::ENUM => d
            .variants()
            .iter()
            .map(|v| plus1(max_height(hs, v.fields().iter().map(|f| f.ty))))
            .min()
            .unwrap_or(INF),
        kind::GRAIN_REF => d
            .grains()
            .iter()
            .filter(|g| !g.is_null())
            // SAFETY: grain descriptors are static data.
            .map(|g| plus1(height_of_ptr(hs, unsafe { (**g).identity })))
            .min()
            .unwrap_or(INF),
        _ => INF,
    }
}
