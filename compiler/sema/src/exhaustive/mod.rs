//! Exhaustiveness and reachability of `match` and `receive` arms.
//!
//! The checker lowers the scrutinee's type into a [`ShapeTable`] (an arena, so recursive types
//! are fine) and each arm's pattern into a [`Pat`]; this module decides, by the usefulness
//! algorithm of Maranget ("Warnings for pattern matching", 2007), which arms can never match
//! and which values no arm covers. It knows nothing about the AST or spans.

#[cfg(test)]
mod tests;
mod usefulness;
mod witness;

/// Index of a [`Shape`] in a [`ShapeTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShapeId(pub u32);

/// The types of scrutinees, as far as coverage cares.
#[derive(Clone, Debug, Default)]
pub struct ShapeTable {
    pub shapes: Vec<Shape>,
}

impl ShapeTable {
    pub fn add(&mut self, shape: Shape) -> ShapeId {
        self.shapes.push(shape);
        ShapeId(self.shapes.len() as u32 - 1)
    }

    pub fn get(&self, id: ShapeId) -> &Shape {
        &self.shapes[id.0 as usize]
    }
}

#[derive(Clone, Debug)]
pub enum Shape {
    Bool,
    /// `?T`: `null`, or any value of the inner shape.
    Optional(ShapeId),
    Tuple(Vec<ShapeId>),
    /// A struct: one constructor with these fields, in declaration order.
    Struct {
        name: String,
        fields: Vec<(String, ShapeId)>,
    },
    /// An `enum`, `error` set or `message` protocol. `name` is how the type is written.
    Sum {
        name: String,
        variants: Vec<VariantShape>,
    },
    /// Integers, floats, strings, lists, references...: too many values to enumerate;
    /// only a wildcard or binding covers them.
    Opaque,
}

#[derive(Clone, Debug)]
pub struct VariantShape {
    pub name: String,
    /// How to qualify the variant in a printed witness (`DiskError` gives `DiskError.Timeout`);
    /// `None` prints the shorthand `.Timeout`. Needed where the shorthand would be ambiguous,
    /// as in a union of error sets that share variant names.
    pub qualifier: Option<String>,
    /// Fields in declaration order; empty for a unit variant.
    pub fields: Vec<(String, ShapeId)>,
}

/// A pattern, lowered by the checker. Fields are always in declaration order; a field the
/// source pattern left out is [`Pat::Wild`].
#[derive(Clone, Debug, PartialEq)]
pub enum Pat {
    /// `_` or a binding.
    Wild,
    Bool(bool),
    /// `null` against an optional.
    Null,
    /// Any non-`null` pattern against an optional: the pattern for the inner value.
    Some(Box<Pat>),
    Tuple(Vec<Pat>),
    Struct(Vec<Pat>),
    Variant {
        index: usize,
        fields: Vec<Pat>,
    },
    /// An integer, float or string literal against an [`Shape::Opaque`] type.
    Literal(LitKey),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LitKey {
    Int(i128),
    /// The bits of the `f64`.
    Float(u64),
    Str(String),
}

#[derive(Clone, Debug)]
pub struct Arm {
    pub pat: Pat,
    /// Guarded arms never count toward coverage, but may still be unreachable.
    pub guarded: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Coverage {
    /// Up to three example patterns that no arm covers, each written so that a user could
    /// paste it as an arm (`.Rect { w: _, h: _ }`, `(.Dot, null)`, `_`). Empty when exhaustive.
    pub missing: Vec<String>,
    /// Whether there are more missing cases than `missing` lists.
    pub more_missing: bool,
    /// Indexes of arms that can never match because earlier unguarded arms cover them.
    pub unreachable: Vec<usize>,
}

/// Decides coverage of `arms`, in order, over values of `scrutinee`.
pub fn check(table: &ShapeTable, scrutinee: ShapeId, arms: &[Arm]) -> Coverage {
    let mut cx = usefulness::Usefulness::new(table, arms.len());
    let witnesses = cx.run(scrutinee, arms.iter().map(|arm| (&arm.pat, arm.guarded)));
    let mut missing: Vec<String> = Vec::new();
    for w in &witnesses {
        let text = w
            .first()
            .map(|p| witness::print(table, p))
            .unwrap_or_else(|| "_".to_string());
        // Distinct witnesses can print alike only in the corner of `??T` (see `witness`).
        if !missing.contains(&text) {
            missing.push(text);
        }
    }
    let more_missing = missing.len() > MAX_REPORTED;
    missing.truncate(MAX_REPORTED);
    let unreachable = cx
        .useful
        .iter()
        .enumerate()
        .filter(|(_, u)| !**u)
        .map(|(i, _)| i)
        .collect();
    Coverage {
        missing,
        more_missing,
        unreachable,
    }
}

/// How many missing patterns a [`Coverage`] lists.
const MAX_REPORTED: usize = 3;
