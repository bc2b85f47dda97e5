//! The runtime functions compiled code calls, with their C signatures: the value ABI
//! (`runtime/src/abi/exports.rs`, `janus_rt_*`) and the helpers of `runtime/src/entry.rs`
//! (`janus_cg_*`). Each is declared as an import the first time a function uses it.

use janus_sema::fx::FxMap as HashMap;

use cranelift_codegen::ir::{AbiParam, Signature, Type, types};
use cranelift_module::{FuncId, Linkage, Module};
use cranelift_object::ObjectModule;

use crate::CodegenError;

const P: Type = types::I64; // pointers and value slots
const B: Type = types::I8; // u8 results
const W: Type = types::I32; // u32 / i32
const F: Type = types::F64;

/// (name, parameters, results).
const TABLE: &[(&str, &[Type], &[Type])] = &[
    ("janus_rt_start", &[W, P, P], &[W]),
    ("janus_rt_run_tests", &[P, P, W, P], &[W]),
    ("janus_rt_codec_selftest", &[P, P, W], &[W]),
    ("janus_rt_retain", &[P, P], &[]),
    ("janus_rt_release", &[P, P], &[]),
    ("janus_rt_string_concat", &[P, P], &[P]),
    ("janus_rt_to_string", &[P, P], &[P]),
    ("janus_rt_print", &[P, P], &[]),
    ("janus_rt_println", &[P, P], &[]),
    ("janus_rt_eprintln", &[P, P], &[]),
    ("janus_rt_eq", &[P, P, P], &[B]),
    ("janus_rt_compare", &[P, P, P], &[W]),
    ("janus_rt_list_new", &[P, P], &[P]),
    ("janus_rt_list_len", &[P], &[P]),
    ("janus_rt_list_get", &[P, P, P], &[P]),
    ("janus_rt_list_set", &[P, P, P, P], &[]),
    ("janus_rt_list_push", &[P, P], &[]),
    ("janus_rt_map_new", &[P], &[P]),
    ("janus_rt_map_len", &[P], &[P]),
    ("janus_rt_map_contains", &[P, P], &[B]),
    ("janus_rt_map_get", &[P, P, P], &[P]),
    ("janus_rt_map_insert", &[P, P, P, P], &[P]),
    ("janus_rt_map_remove", &[P, P, P], &[P]),
    ("janus_rt_set_insert", &[P, P], &[B]),
    ("janus_rt_set_remove", &[P, P], &[B]),
    ("janus_rt_list_pop", &[P, P], &[P]),
    ("janus_rt_list_insert", &[P, P, P, P], &[]),
    ("janus_rt_list_remove", &[P, P, P], &[P]),
    ("janus_rt_list_contains", &[P, P], &[B]),
    ("janus_rt_list_clear", &[P], &[]),
    ("janus_rt_list_sort", &[P], &[]),
    ("janus_rt_list_reverse", &[P], &[]),
    ("janus_rt_list_slice", &[P, P, P, P], &[P]),
    ("janus_rt_list_concat", &[P, P], &[P]),
    ("janus_rt_map_keys", &[P, P], &[P]),
    ("janus_rt_map_values", &[P, P], &[P]),
    ("janus_rt_map_clear", &[P], &[]),
    ("janus_rt_string_contains", &[P, P], &[B]),
    ("janus_rt_string_starts_with", &[P, P], &[B]),
    ("janus_rt_string_ends_with", &[P, P], &[B]),
    ("janus_rt_string_trim", &[P], &[P]),
    ("janus_rt_string_to_upper", &[P], &[P]),
    ("janus_rt_string_to_lower", &[P], &[P]),
    ("janus_rt_string_split", &[P, P, P], &[P]),
    ("janus_rt_string_chars", &[P, P], &[P]),
    ("janus_rt_string_to_bytes", &[P], &[P]),
    ("janus_rt_i64_to_i32", &[P, P], &[P]),
    ("janus_rt_i64_to_u64", &[P, P], &[P]),
    ("janus_rt_u64_to_i64", &[P, P], &[P]),
    ("janus_rt_u64_to_i32", &[P, P], &[P]),
    ("janus_rt_f64_to_i64", &[F, P], &[P]),
    ("janus_rt_f64_to_i32", &[F, P], &[P]),
    ("janus_rt_f64_to_u64", &[F, P], &[P]),
    ("janus_cg_fail", &[P, P], &[]),
    ("janus_cg_crash", &[W, P, P, P], &[]),
    ("janus_cg_stack_overflow", &[P], &[]),
    ("janus_cg_struct_new", &[P, P], &[P]),
    ("janus_cg_enum_new", &[P, P], &[P]),
    ("janus_cg_some", &[P, P], &[P]),
    ("janus_cg_list_from", &[P, P, P], &[P]),
    ("janus_cg_unique", &[P, P], &[P]),
    ("janus_cg_list_slot", &[P, P, P], &[P]),
    ("janus_cg_map_entry_at", &[P, P, P], &[P]),
    ("janus_cg_fmt_push", &[P, P, P], &[P]),
    ("janus_cg_parse_int", &[P, P, P], &[P]),
    ("janus_cg_parse_float", &[P, P, P], &[P]),
    ("janus_cg_now", &[], &[P]),
    ("janus_cg_sleep", &[P], &[]),
    ("janus_cg_random_int", &[P, P], &[P]),
    ("janus_cg_node", &[P], &[P]),
    ("janus_cg_args", &[P], &[P]),
    ("janus_rt_spawn", &[P, P, P, P, P], &[P]),
    ("janus_rt_msg_adopt", &[P], &[P]),
    ("janus_rt_send", &[P, P, P], &[]),
    ("janus_rt_ask", &[P, P, P, P, P, P, P, P], &[P]),
    ("janus_rt_reply", &[P, P, P, P], &[]),
    ("janus_rt_self", &[P], &[P]),
    ("janus_rt_stop", &[], &[]),
    ("janus_rt_sup_begin", &[P], &[P]),
    ("janus_rt_sup_child", &[P, P, P, P, P], &[P]),
    ("janus_rt_sup_nested", &[P, P, P, P], &[P]),
    ("janus_rt_sup_spawn", &[P, P, P], &[P]),
    ("fmod", &[types::F64, types::F64], &[types::F64]),
];

/// Runtime imports declared so far.
#[derive(Default)]
pub struct Rt {
    ids: HashMap<&'static str, FuncId>,
}

impl Rt {
    /// The module id of runtime function `name` (declared on first use).
    pub fn get(
        &mut self,
        m: &mut ObjectModule,
        name: &'static str,
    ) -> Result<FuncId, CodegenError> {
        if let Some(id) = self.ids.get(name) {
            return Ok(*id);
        }
        let Some((_, params, results)) = TABLE.iter().find(|e| e.0 == name) else {
            return Err(CodegenError::new(format!(
                "internal: unknown runtime function {name}"
            )));
        };
        let mut sig = m.make_signature();
        sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
        sig.returns
            .extend(results.iter().map(|t| AbiParam::new(*t)));
        let id = declare(m, name, &sig)?;
        self.ids.insert(name, id);
        Ok(id)
    }
}

fn declare(m: &mut ObjectModule, name: &str, sig: &Signature) -> Result<FuncId, CodegenError> {
    m.declare_function(name, Linkage::Import, sig)
        .map_err(|e| CodegenError::new(format!("cannot declare {name}: {e}")))
}
