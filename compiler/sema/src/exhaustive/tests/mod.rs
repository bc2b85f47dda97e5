//! Unit tests of coverage: reachability, missing witnesses and their exact printing.

use super::*;

mod nested;
mod simple;

/// Builds shapes for the tests.
pub(super) struct T {
    pub(super) t: ShapeTable,
}

impl T {
    pub(super) fn new() -> Self {
        T {
            t: ShapeTable::default(),
        }
    }
    pub(super) fn bool(&mut self) -> ShapeId {
        self.t.add(Shape::Bool)
    }
    pub(super) fn opaque(&mut self) -> ShapeId {
        self.t.add(Shape::Opaque)
    }
    pub(super) fn opt(&mut self, inner: ShapeId) -> ShapeId {
        self.t.add(Shape::Optional(inner))
    }
    pub(super) fn tuple(&mut self, elems: &[ShapeId]) -> ShapeId {
        self.t.add(Shape::Tuple(elems.to_vec()))
    }
    pub(super) fn strukt(&mut self, name: &str, fields: &[(&str, ShapeId)]) -> ShapeId {
        let fields = fields.iter().map(|(n, s)| (n.to_string(), *s)).collect();
        self.t.add(Shape::Struct {
            name: name.to_string(),
            fields,
        })
    }
    pub(super) fn sum(&mut self, name: &str, variants: &[(&str, &[(&str, ShapeId)])]) -> ShapeId {
        let variants = variants
            .iter()
            .map(|(n, fs)| VariantShape {
                name: n.to_string(),
                qualifier: None,
                fields: fs.iter().map(|(f, s)| (f.to_string(), *s)).collect(),
            })
            .collect();
        self.t.add(Shape::Sum {
            name: name.to_string(),
            variants,
        })
    }
    /// `enum Shape { Circle { radius: f64 }, Rect { w: f64, h: f64 }, Dot }`
    pub(super) fn shape_enum(&mut self) -> ShapeId {
        let f = self.opaque();
        self.sum(
            "Shape",
            &[
                ("Circle", &[("radius", f)]),
                ("Rect", &[("w", f), ("h", f)]),
                ("Dot", &[]),
            ],
        )
    }
    /// `enum E { A, B, C, D, E }`
    pub(super) fn abcde(&mut self) -> ShapeId {
        self.sum(
            "E",
            &[("A", &[]), ("B", &[]), ("C", &[]), ("D", &[]), ("E", &[])],
        )
    }
    pub(super) fn check(&self, s: ShapeId, arms: &[Arm]) -> Coverage {
        check(&self.t, s, arms)
    }
}

pub(super) fn arm(pat: Pat) -> Arm {
    Arm {
        pat,
        guarded: false,
    }
}
pub(super) fn guarded(pat: Pat) -> Arm {
    Arm { pat, guarded: true }
}
pub(super) fn v(index: usize) -> Pat {
    Pat::Variant {
        index,
        fields: vec![],
    }
}
pub(super) fn vf(index: usize, fields: Vec<Pat>) -> Pat {
    Pat::Variant { index, fields }
}
pub(super) fn wild_fields(n: usize) -> Vec<Pat> {
    vec![Pat::Wild; n]
}
pub(super) fn some(p: Pat) -> Pat {
    Pat::Some(Box::new(p))
}
pub(super) fn int(i: i128) -> Pat {
    Pat::Literal(LitKey::Int(i))
}
pub(super) fn string(s: &str) -> Pat {
    Pat::Literal(LitKey::Str(s.to_string()))
}

pub(super) fn exhaustive(c: &Coverage) {
    assert!(c.missing.is_empty(), "unexpected missing: {:?}", c.missing);
    assert!(!c.more_missing);
}
pub(super) fn missing(c: &Coverage, want: &[&str], more: bool) {
    assert_eq!(c.missing, want, "missing");
    assert_eq!(c.more_missing, more, "more_missing");
}
