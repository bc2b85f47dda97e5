//! The stack check at the start of every compiled function (`spec/abi.md` §8): stacks are
//! aligned to their power-of-two size, so the bytes left below the stack pointer are
//! `sp & (STACK_SIZE - 1)`; too few, and the function crashes its actor with `stack overflow`
//! instead of running into the guard page.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self as ir_clif, InstBuilder, TrapCode, types};

use crate::CodegenError;
use crate::data::{STACK_RESERVE, STACK_SIZE};
use crate::func::Cx;

/// The stack check every compiled function starts with (`spec/abi.md`, "Stack limit"): its
/// frame is allocated by then, and when it leaves less than the runtime's reserve below the
/// stack pointer the function calls `janus_cg_stack_overflow` (which crashes the actor, or ends
/// `main`) instead of running. Stacks are aligned to their power-of-two size, so the bytes left
/// are `sp & (STACK_SIZE - 1)`: two instructions and a compare, no load. Continues in a new
/// block, where the entry block's IR code goes; returns the instruction defining the limit,
/// which `set_stack_limit` raises once the function's stack slots are known.
pub fn stack_check(cx: &mut Cx) -> Result<ir_clif::Inst, CodegenError> {
    let sp = cx.b.ins().get_stack_pointer(types::I64);
    let left = cx.b.ins().band_imm_u(sp, STACK_SIZE - 1);
    let limit = cx.b.ins().iconst(types::I64, STACK_RESERVE);
    let limit_inst = cx.b.func.dfg.value_def(limit).unwrap_inst();
    let short = cx.b.ins().icmp(IntCC::UnsignedLessThan, left, limit);
    let overflow = cx.b.create_block();
    let cont = cx.b.create_block();
    cx.b.set_cold_block(overflow);
    cx.b.ins().brif(short, overflow, &[], cont, &[]);
    cx.b.switch_to_block(overflow);
    let l = cx.loc(cx.f.span)?;
    cx.call_rt("janus_cg_stack_overflow", &[l])?;
    cx.b.ins().trap(TrapCode::unwrap_user(1));
    cx.b.switch_to_block(cont);
    Ok(limit_inst)
}

/// Raises the limit of `stack_check` by the function's explicit stack slots (argument arrays of
/// list literals and calls can be large): the reserve must be left *below* the frame, but the
/// frame is already allocated when the check runs, so a large frame needs a higher limit.
/// Register spill slots are not counted (a few hundred bytes; the guard page catches the rest).
pub fn set_stack_limit(cx: &mut Cx, limit: ir_clif::Inst) {
    let slots = &cx.b.func.sized_stack_slots;
    let slots: i64 = slots.values().map(|s| i64::from(s.size)).sum();
    if slots > 0 {
        let v = STACK_RESERVE.saturating_add(slots).min(STACK_SIZE);
        cx.b.func.replace(limit).iconst(types::I64, v);
    }
}
