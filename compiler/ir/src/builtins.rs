//! The closed list of built-in operations the IR may name in [`crate::ir::Op::Builtin`]:
//! §3's built-in functions and §10's methods of built-in types, plus the few operations
//! lowering itself needs (iteration by position, string building). Codegen maps each name to
//! one runtime entry point of the ABI list.

/// Name, number of operands, and whether the first operand is a place the operation changes.
pub const BUILTINS: &[(&str, usize, bool)] = &[
    // Functions of §3.
    ("print", 1, false),
    ("println", 1, false),
    ("eprintln", 1, false),
    ("now", 0, false),
    ("sleep", 1, false),
    ("node", 0, false),
    ("random_int", 2, false),
    ("parse_int", 1, false),
    ("parse_float", 1, false),
    ("args", 0, false),
    ("min", 2, false),
    ("max", 2, false),
    // Lists.
    ("list.len", 1, false),
    ("list.get", 2, false),
    ("list.push", 2, true),
    ("list.pop", 1, true),
    ("list.insert", 3, true),
    ("list.remove", 2, true),
    ("list.contains", 2, false),
    ("list.is_empty", 1, false),
    ("list.clear", 1, true),
    ("list.sort", 1, true),
    ("list.reverse", 1, true),
    ("list.slice", 3, false),
    // Maps (iterated by position: insertion order).
    ("map.new", 0, false),
    ("map.len", 1, false),
    ("map.get", 2, false),
    ("map.set", 3, true),
    ("map.remove", 2, true),
    ("map.contains", 2, false),
    ("map.keys", 1, false),
    ("map.values", 1, false),
    ("map.is_empty", 1, false),
    ("map.clear", 1, true),
    ("map.entry_at", 2, false),
    // Sets.
    ("set.new", 0, false),
    ("set.len", 1, false),
    ("set.insert", 2, true),
    ("set.remove", 2, true),
    ("set.contains", 2, false),
    ("set.to_list", 1, false),
    ("set.is_empty", 1, false),
    ("set.elem_at", 2, false),
    // Strings and bytes.
    ("str.len", 1, false),
    ("str.is_empty", 1, false),
    ("str.split", 2, false),
    ("str.contains", 2, false),
    ("str.starts_with", 2, false),
    ("str.ends_with", 2, false),
    ("str.trim", 1, false),
    ("str.to_upper", 1, false),
    ("str.to_lower", 1, false),
    ("str.chars", 1, false),
    ("str.to_bytes", 1, false),
    ("bytes.len", 1, false),
    ("bytes.is_empty", 1, false),
    // Numbers (checked conversions: out of range fails).
    ("num.to_f64", 1, false),
    ("num.to_i64", 1, false),
    ("num.to_i32", 1, false),
    ("num.to_u64", 1, false),
    ("num.abs", 1, false),
    // Text of any value (§10 "Printing"), and string building for `$"..."`.
    ("fmt.to_string", 1, false),
    ("fmt.new", 0, false),
    ("fmt.push", 2, false),
];

/// The entry of a built-in, by name.
pub fn lookup(name: &str) -> Option<(&'static str, usize, bool)> {
    BUILTINS.iter().copied().find(|b| b.0 == name)
}
