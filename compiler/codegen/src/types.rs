//! How each dialect type is held in Cranelift: scalars as native values (`i64`, `i32`, `f64`,
//! `bool` as `i8`), everything else as a pointer-sized object reference (0 = null optional),
//! `T ! E` as a pair (error flag `i8`, payload slot `i64`). The runtime's value slots are 8
//! bytes: [`to_slot`] and [`from_slot`] convert at the boundary.

use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Type, Value, types};
use cranelift_frontend::FunctionBuilder;
use janus_sema::Ty;
use janus_sema::types::IntTy;

/// The Cranelift type of a value of `ty`; `None` for `void` and `never` (no value).
pub fn clif(ty: &Ty) -> Option<Type> {
    match ty {
        Ty::Void | Ty::Never => None,
        Ty::Bool => Some(types::I8),
        Ty::Int(IntTy::I32) => Some(types::I32),
        Ty::F64 => Some(types::F64),
        _ => Some(types::I64),
    }
}

/// Whether values of `ty` are counted object references (retain/release apply).
pub fn counted(ty: &Ty) -> bool {
    !matches!(
        ty,
        Ty::Void
            | Ty::Never
            | Ty::Bool
            | Ty::Int(_)
            | Ty::F64
            | Ty::Duration
            | Ty::Instant
            | Ty::Error
    ) && !matches!(ty, Ty::Union(..))
}

/// A value of `ty` as a runtime slot (`i64`).
pub fn to_slot(b: &mut FunctionBuilder, ty: &Ty, v: Value) -> Value {
    match clif(ty) {
        Some(t) if t == types::I8 => b.ins().uextend(types::I64, v),
        Some(t) if t == types::I32 => b.ins().sextend(types::I64, v),
        Some(t) if t == types::F64 => b.ins().bitcast(types::I64, MemFlagsData::new(), v),
        Some(_) => v,
        None => b.ins().iconst(types::I64, 0),
    }
}

/// A runtime slot back into a value of `ty`.
pub fn from_slot(b: &mut FunctionBuilder, ty: &Ty, v: Value) -> Value {
    if clif(ty) == Some(b.func.dfg.value_type(v)) {
        // Already in its own form (a runtime call returning a `u8` boolean).
        return v;
    }
    match clif(ty) {
        Some(t) if t == types::I8 => b.ins().ireduce(types::I8, v),
        Some(t) if t == types::I32 => b.ins().ireduce(types::I32, v),
        Some(t) if t == types::F64 => b.ins().bitcast(types::F64, MemFlagsData::new(), v),
        _ => v,
    }
}
