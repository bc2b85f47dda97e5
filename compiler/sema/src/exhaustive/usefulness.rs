//! The usefulness computation itself: Maranget's algorithm over a pattern matrix, marking every
//! arm that some value reaches and collecting example values that no unguarded arm covers.
//!
//! All arms are checked in one pass (as in rustc's implementation): the matrix holds every arm
//! in order, columns are split by the constructors that occur in them, and at a leaf (no columns
//! left) the rows still present all match the same non-empty set of values. There the first rows
//! are reached: each guarded row up to and including the first unguarded one. A leaf without an
//! unguarded row is a hole in the match and yields a witness.
//!
//! Termination on recursive types: a column is only split into constructors when some row has a
//! constructor there; a column of wildcards is skipped as a whole (its witness is `_`), so the
//! expansion never goes deeper than the patterns themselves.

use std::collections::HashMap;

use super::{LitKey, Pat, Shape, ShapeId, ShapeTable};

/// Witnesses kept per sub-problem: one more than the report shows, so that "there are more"
/// stays exact while the lists stay small.
pub(super) const WITNESS_CAP: usize = 4;

/// Beyond this many nested column splits the rest of a row is treated as matching everything.
/// Only absurd (fuzzed) patterns get here; it keeps the recursion off the end of the stack, and
/// errs on the quiet side (arms counted as reachable and covering).
const MAX_DEPTH: usize = 400;

/// Stands in for the sub-patterns of a wildcard when its row is specialized.
static WILD: Pat = Pat::Wild;

/// A constructor of a witness value.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Ctor {
    Bool(bool),
    Null,
    /// The present case of an optional; one field, the inner value.
    Some,
    /// The only constructor of a tuple or struct.
    Single,
    Variant(usize),
}

/// One example value (or set of values) that no arm covers, in pattern form.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum WPat {
    Wild,
    Ctor {
        ctor: Ctor,
        shape: ShapeId,
        fields: Vec<WPat>,
    },
}

/// A row of the matrix: the remaining patterns of one arm.
#[derive(Clone)]
struct Row<'p> {
    pats: Vec<&'p Pat>,
    arm: usize,
    guarded: bool,
}

/// The head of a row, read against the column's shape. Patterns that do not fit the shape (the
/// checker has reported a type error for them already) read as wildcards so that one mistake
/// does not also produce coverage complaints.
enum Head<'p> {
    Wild,
    /// A constructor, by its index in the shape's constructor list, and its sub-patterns.
    Ctor(usize, &'p [Pat]),
    /// A literal of an opaque shape: one constructor among infinitely many.
    Lit(&'p LitKey),
}

/// What the shape's constructors are, in declaration order.
enum Ctors {
    /// `n` constructors, every value is built by one of them.
    Finite(usize),
    /// Literals: never enumerable; only the literals that occur are split off.
    Literals,
}

pub(super) struct Usefulness<'a> {
    table: &'a ShapeTable,
    /// Per arm: whether some value reaches it.
    pub(super) useful: Vec<bool>,
}

/// The empty-shape fallback for an out-of-range id (never produced by a correct checker).
static OPAQUE: Shape = Shape::Opaque;

impl<'a> Usefulness<'a> {
    pub(super) fn new(table: &'a ShapeTable, arms: usize) -> Self {
        Usefulness {
            table,
            useful: vec![false; arms],
        }
    }

    fn shape(&self, id: ShapeId) -> &'a Shape {
        self.table.shapes.get(id.0 as usize).unwrap_or(&OPAQUE)
    }

    /// Runs the algorithm over the arms' patterns (with their guard flags) for one scrutinee
    /// column; returns up to [`WITNESS_CAP`] witnesses, each a one-element vector.
    pub(super) fn run<'p>(
        &mut self,
        scrutinee: ShapeId,
        arms: impl Iterator<Item = (&'p Pat, bool)>,
    ) -> Vec<Vec<WPat>> {
        let rows = arms
            .enumerate()
            .map(|(arm, (pat, guarded))| Row {
                pats: vec![pat],
                arm,
                guarded,
            })
            .collect();
        self.compute(rows, &[scrutinee], 0)
    }

    /// Marks the rows reachable within the values described by `tys`, and returns witnesses of
    /// values (vectors matching `tys`) that no unguarded row covers.
    fn compute<'p>(&mut self, rows: Vec<Row<'p>>, tys: &[ShapeId], depth: usize) -> Vec<Vec<WPat>> {
        if rows.is_empty() {
            return vec![vec![WPat::Wild; tys.len()]];
        }
        if tys.is_empty() || depth > MAX_DEPTH {
            return self.leaf(&rows, tys.len());
        }
        // A first row of wildcards catches everything here; the rows below it are not reached.
        if !rows[0].guarded && rows[0].pats.iter().all(|p| matches!(p, Pat::Wild)) {
            self.useful[rows[0].arm] = true;
            return Vec::new();
        }

        let ty = tys[0];
        let shape = self.shape(ty);
        let rest_tys = &tys[1..];

        // Read the heads; number literals in order of first appearance.
        let mut lits: HashMap<&'p LitKey, usize> = HashMap::new();
        let heads: Vec<(Option<usize>, &'p [Pat])> = rows
            .iter()
            .map(|row| match self.head(shape, row.pats[0]) {
                Head::Wild => (None, &[][..]),
                Head::Ctor(k, fields) => (Some(k), fields),
                Head::Lit(lit) => {
                    let next = lits.len();
                    (Some(*lits.entry(lit).or_insert(next)), &[][..])
                }
            })
            .collect();

        if heads.iter().all(|(k, _)| k.is_none()) {
            // Nothing to split on: the column is "anything", and so is its witness.
            let sub = rows
                .into_iter()
                .map(|row| Row {
                    pats: row.pats[1..].to_vec(),
                    ..row
                })
                .collect();
            let mut ws = self.compute(sub, rest_tys, depth + 1);
            for w in &mut ws {
                w.insert(0, WPat::Wild);
            }
            return ws;
        }

        let ctors = match shape {
            Shape::Bool | Shape::Optional(_) => Ctors::Finite(2),
            Shape::Tuple(_) | Shape::Struct { .. } => Ctors::Finite(1),
            Shape::Sum { variants, .. } => Ctors::Finite(variants.len()),
            Shape::Opaque => Ctors::Literals,
        };
        let n = match ctors {
            Ctors::Finite(n) => n,
            Ctors::Literals => lits.len(),
        };
        let mut present = vec![false; n];
        for (k, _) in &heads {
            if let Some(k) = *k {
                present[k] = true;
            }
        }
        let needs_default = match ctors {
            Ctors::Finite(_) => present.iter().any(|p| !p),
            Ctors::Literals => true,
        };

        // Specialize: each row goes to the bucket of its constructor, a wildcard row to every
        // bucket and to the default matrix. Rows keep their order within each matrix.
        let field_tys: Vec<Vec<ShapeId>> = (0..n).map(|k| self.ctor_fields(shape, k)).collect();
        let mut buckets: Vec<Vec<Row<'p>>> = (0..n).map(|_| Vec::new()).collect();
        let mut default: Vec<Row<'p>> = Vec::new();
        for (row, (key, fields)) in rows.iter().zip(&heads) {
            let rest = &row.pats[1..];
            match key {
                Some(k) => {
                    let arity = field_tys[*k].len();
                    let mut pats = Vec::with_capacity(arity + rest.len());
                    pats.extend((0..arity).map(|i| fields.get(i).unwrap_or(&WILD)));
                    pats.extend_from_slice(rest);
                    buckets[*k].push(Row { pats, ..*row });
                }
                None => {
                    for (k, bucket) in buckets.iter_mut().enumerate() {
                        if present[k] {
                            let arity = field_tys[k].len();
                            let mut pats = Vec::with_capacity(arity + rest.len());
                            pats.extend(std::iter::repeat_n(&WILD, arity));
                            pats.extend_from_slice(rest);
                            bucket.push(Row { pats, ..*row });
                        }
                    }
                    if needs_default {
                        default.push(Row {
                            pats: rest.to_vec(),
                            ..*row
                        });
                    }
                }
            }
        }
        drop(rows);

        let mut out: Vec<Vec<WPat>> = Vec::new();
        let mut default_ws: Option<Vec<Vec<WPat>>> = None;
        if needs_default {
            default_ws = Some(self.compute(std::mem::take(&mut default), rest_tys, depth + 1));
        }
        for (k, bucket) in buckets.into_iter().enumerate() {
            let arity = field_tys[k].len();
            if present[k] {
                let mut sub_tys = field_tys[k].clone();
                sub_tys.extend_from_slice(rest_tys);
                let ws = self.compute(bucket, &sub_tys, depth + 1);
                // A literal's own witnesses are always covered by the default's (the default
                // matrix is a subset of its rows, with the same columns): report only those.
                if matches!(ctors, Ctors::Literals) {
                    continue;
                }
                for mut w in ws {
                    if out.len() >= WITNESS_CAP {
                        break;
                    }
                    let rest = w.split_off(arity.min(w.len()));
                    let mut v = Vec::with_capacity(rest.len() + 1);
                    v.push(WPat::Ctor {
                        ctor: self.ctor_of(shape, k),
                        shape: ty,
                        fields: w,
                    });
                    v.extend(rest);
                    out.push(v);
                }
            } else if out.len() < WITNESS_CAP {
                for w in default_ws.iter().flatten() {
                    if out.len() >= WITNESS_CAP {
                        break;
                    }
                    let fields = vec![WPat::Wild; arity];
                    let mut v = Vec::with_capacity(w.len() + 1);
                    v.push(WPat::Ctor {
                        ctor: self.ctor_of(shape, k),
                        shape: ty,
                        fields,
                    });
                    v.extend(w.iter().cloned());
                    out.push(v);
                }
            }
        }
        if matches!(ctors, Ctors::Literals) {
            // "Any other value": the literals present are not the whole type.
            for w in default_ws.into_iter().flatten() {
                if out.len() >= WITNESS_CAP {
                    break;
                }
                let mut v = Vec::with_capacity(w.len() + 1);
                v.push(WPat::Wild);
                v.extend(w);
                out.push(v);
            }
        }
        out
    }

    /// No columns left: every row here matches the same values. The first rows are reached, up
    /// to and including the first unguarded one; without one, the values are not covered.
    fn leaf(&mut self, rows: &[Row<'_>], width: usize) -> Vec<Vec<WPat>> {
        for row in rows {
            self.useful[row.arm] = true;
            if !row.guarded {
                return Vec::new();
            }
        }
        vec![vec![WPat::Wild; width]]
    }

    fn head<'p>(&self, shape: &Shape, pat: &'p Pat) -> Head<'p> {
        match (shape, pat) {
            (_, Pat::Wild) => Head::Wild,
            (Shape::Bool, Pat::Bool(b)) => Head::Ctor(if *b { 0 } else { 1 }, &[]),
            (Shape::Optional(_), Pat::Null) => Head::Ctor(0, &[]),
            (Shape::Optional(_), Pat::Some(inner)) => Head::Ctor(1, std::slice::from_ref(&**inner)),
            // A bare inner pattern against an optional means its present case.
            (Shape::Optional(_), other) => Head::Ctor(1, std::slice::from_ref(other)),
            // And a "present" wrapper against a non-optional means the inner pattern.
            (_, Pat::Some(inner)) => self.head(shape, inner),
            (Shape::Tuple(_) | Shape::Struct { .. }, Pat::Tuple(ps) | Pat::Struct(ps)) => {
                Head::Ctor(0, ps)
            }
            (Shape::Sum { variants, .. }, Pat::Variant { index, fields })
                if *index < variants.len() =>
            {
                Head::Ctor(*index, fields)
            }
            (Shape::Opaque, Pat::Literal(lit)) => Head::Lit(lit),
            _ => Head::Wild,
        }
    }

    /// The shapes of constructor `k`'s fields.
    fn ctor_fields(&self, shape: &Shape, k: usize) -> Vec<ShapeId> {
        match shape {
            Shape::Optional(inner) if k == 1 => vec![*inner],
            Shape::Tuple(ts) => ts.clone(),
            Shape::Struct { fields, .. } => fields.iter().map(|(_, t)| *t).collect(),
            Shape::Sum { variants, .. } => variants
                .get(k)
                .map(|v| v.fields.iter().map(|(_, t)| *t).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    fn ctor_of(&self, shape: &Shape, k: usize) -> Ctor {
        match shape {
            Shape::Bool => Ctor::Bool(k == 0),
            Shape::Optional(_) if k == 0 => Ctor::Null,
            Shape::Optional(_) => Ctor::Some,
            Shape::Sum { .. } => Ctor::Variant(k),
            _ => Ctor::Single,
        }
    }
}
