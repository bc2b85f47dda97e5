//! Printing of witnesses (values no arm covers) as patterns a user can paste as a new arm.

use super::usefulness::{Ctor, WPat};
use super::{Shape, ShapeTable};

/// Writes `w` in source pattern syntax.
pub(super) fn print(table: &ShapeTable, w: &WPat) -> String {
    let mut out = String::new();
    write(table, w, &mut out);
    out
}

fn write(table: &ShapeTable, w: &WPat, out: &mut String) {
    let WPat::Ctor {
        ctor,
        shape,
        fields,
    } = w
    else {
        out.push('_');
        return;
    };
    let shape = table.shapes.get(shape.0 as usize);
    match (ctor, shape) {
        (Ctor::Bool(b), _) => out.push_str(if *b { "true" } else { "false" }),
        (Ctor::Null, _) => out.push_str("null"),
        (Ctor::Some, _) => match fields.first() {
            // `null` would mean the outer empty value: the inner one of a `??T` has no pattern
            // of its own, only a wildcard or binding reaches it.
            Some(WPat::Ctor {
                ctor: Ctor::Null, ..
            })
            | None => out.push('_'),
            Some(inner) => write(table, inner, out),
        },
        (Ctor::Single, Some(Shape::Tuple(_))) => {
            let parts: Vec<String> = fields.iter().map(|f| print(table, f)).collect();
            if parts.iter().all(|p| p == "_") {
                out.push('_');
            } else {
                out.push('(');
                out.push_str(&parts.join(", "));
                if parts.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
        }
        (Ctor::Single, Some(Shape::Struct { name, fields: decl })) => {
            let parts: Vec<String> = fields.iter().map(|f| print(table, f)).collect();
            if parts.iter().all(|p| p == "_") {
                out.push('_');
            } else {
                out.push_str(name);
                write_fields(decl.iter().map(|(n, _)| n.as_str()), &parts, out);
            }
        }
        (Ctor::Variant(k), Some(Shape::Sum { variants, .. })) => match variants.get(*k) {
            Some(v) => {
                if let Some(q) = &v.qualifier {
                    out.push_str(q);
                }
                out.push('.');
                out.push_str(&v.name);
                if !v.fields.is_empty() {
                    let parts: Vec<String> = fields.iter().map(|f| print(table, f)).collect();
                    write_fields(v.fields.iter().map(|(n, _)| n.as_str()), &parts, out);
                }
            }
            None => out.push('_'),
        },
        _ => out.push('_'),
    }
}

/// ` { a: p, b: q }`, in declaration order; a field without a witness part is `_`.
fn write_fields<'n>(names: impl Iterator<Item = &'n str>, parts: &[String], out: &mut String) {
    out.push_str(" { ");
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push_str(": ");
        out.push_str(parts.get(i).map(String::as_str).unwrap_or("_"));
    }
    out.push_str(" }");
}
