//! Compiled supervisors (`spec/abi.md` §9): the static descriptors the compiler emits for a
//! `supervisor` declaration, and the four exports that turn `spawn S(args)` into a running
//! supervision tree (`crate::supervise`) plus the supervisor's value — a struct whose slots are
//! the children's references (`ActorRef` objects routed through each child's `StableRef`, or a
//! nested supervisor's own value).
//!
//! Compiled code builds one supervisor instance with a builder: `janus_rt_sup_begin`, then one
//! `janus_rt_sup_child` / `janus_rt_sup_nested` per child in declaration order (the child's
//! arguments may use earlier children's references), then `janus_rt_sup_spawn` for the top of
//! the tree. A builder lives within one turn; a crash in the middle leaks it (its values belong
//! to the crashed actor's heap, freed with it).
#![allow(clippy::missing_safety_doc)]

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

use crate::abi::desc::{TypeDesc, kind};
use crate::abi::exports::{ds, guard, raw_slice};
use crate::actor::{ActorDesc, Exit};
use crate::supervise::{
    Backoff, ChildSpec, Intensity, RestartType, Settings, Strategy, SupervisorSpec,
    spawn_supervisor_here_with,
};
use crate::values::MessageBox;
use crate::values::handles::new_stable_actor_ref;
use crate::values::heap::with_current;
use crate::values::obj::*;

/// A `supervisor` declaration (72 bytes; emitted by the compiler as static data).
#[repr(C)]
pub struct SupDesc {
    /// The supervisor type's name (UTF-8, not NUL-terminated).
    pub name_ptr: *const u8,
    pub name_len: usize,
    /// 0 `one_for_one`, 1 `one_for_all`, 2 `rest_for_one`.
    pub strategy: u32,
    pub _pad: u32,
    /// At most this many restarts ...
    pub intensity: u64,
    /// ... within this many nanoseconds.
    pub window_ns: u64,
    /// Restart delay bounds; both 0 = `backoff: none`.
    pub backoff_min_ns: u64,
    pub backoff_max_ns: u64,
    pub children: *const SupChildDesc,
    pub n_children: usize,
}

/// One `child name: Start(..) restart: type` line (40 bytes).
#[repr(C)]
pub struct SupChildDesc {
    pub name_ptr: *const u8,
    pub name_len: usize,
    /// 0 `permanent`, 1 `transient`, 2 `temporary`.
    pub restart: u32,
    pub _pad: u32,
    /// The actor type of an actor child (null for a supervisor child).
    pub actor: *const ActorDesc,
    /// The declaration of a supervisor child (null for an actor child).
    pub sup: *const SupDesc,
}

// SAFETY: descriptors are immutable static data (pointers to other static descriptors and
// strings); sharing them between threads is sound.
unsafe impl Sync for SupDesc {}
// SAFETY: as above.
unsafe impl Sync for SupChildDesc {}

const _: () = assert!(std::mem::size_of::<SupDesc>() == 72);
const _: () = assert!(std::mem::size_of::<SupChildDesc>() == 40);

fn text(ptr: *const u8, len: usize) -> String {
    String::from_utf8_lossy(raw_slice(ptr, len)).into_owned()
}

impl SupDesc {
    fn name(&self) -> String {
        text(self.name_ptr, self.name_len)
    }

    fn children(&self) -> &[SupChildDesc] {
        if self.children.is_null() || self.n_children == 0 {
            return &[];
        }
        // SAFETY: compiled code emits `n_children` descriptors at `children`.
        unsafe { std::slice::from_raw_parts(self.children, self.n_children) }
    }

    /// The declaration's settings (out-of-range numbers are clamped: the checker bounds them).
    fn settings(&self) -> Settings {
        let strategy = match self.strategy {
            1 => Strategy::OneForAll,
            2 => Strategy::RestForOne,
            _ => Strategy::OneForOne,
        };
        let backoff = if self.backoff_min_ns == 0 && self.backoff_max_ns == 0 {
            Backoff::None
        } else {
            Backoff::Exponential {
                min: Duration::from_nanos(self.backoff_min_ns),
                max: Duration::from_nanos(self.backoff_max_ns.max(self.backoff_min_ns)),
            }
        };
        Settings {
            strategy,
            intensity: Intensity {
                max_restarts: u32::try_from(self.intensity).unwrap_or(u32::MAX),
                within: Duration::from_nanos(self.window_ns),
            },
            backoff,
        }
    }
}

impl SupChildDesc {
    fn name(&self) -> String {
        text(self.name_ptr, self.name_len)
    }

    fn restart(&self) -> RestartType {
        match self.restart {
            1 => RestartType::Transient,
            2 => RestartType::Temporary,
            _ => RestartType::Permanent,
        }
    }
}

/// One child, declared: its spec, and the builder's own reference to its value (an
/// `ActorRef` object or a nested supervisor's struct), with that value's descriptor.
struct Built {
    spec: ChildSpec,
    value: Value,
    value_desc: &'static TypeDesc,
}

/// One supervisor instance being built (`janus_rt_sup_begin` .. `janus_rt_sup_spawn`).
struct Builder {
    desc: &'static SupDesc,
    kids: Vec<Option<Built>>,
}

impl Builder {
    /// Gives up the values the builder holds (an error path; the specs drop with it).
    fn release(self) {
        for b in self.kids.into_iter().flatten() {
            crate::values::release(b.value, b.value_desc);
        }
    }

    /// The finished instance: its spec, and its value (a new struct of `value_desc` taking
    /// over the builder's references, one slot per child in declaration order).
    fn finish(self, value_desc: &'static TypeDesc) -> Result<(SupervisorSpec, Value), String> {
        let name = self.desc.name();
        if let Some(i) = self.kids.iter().position(Option::is_none) {
            let child = self.desc.children()[i].name();
            self.release();
            return Err(format!(
                "internal: supervisor {name}: child `{child}` was not started"
            ));
        }
        if value_desc.kind != kind::STRUCT || value_desc.n_fields != self.kids.len() {
            self.release();
            return Err(format!(
                "internal: supervisor {name}: its value type does not have one field per child"
            ));
        }
        let mut spec = SupervisorSpec::new(&name).with_settings(self.desc.settings());
        let v = with_current(|h| new_struct(h, value_desc, self.kids.len()));
        for (i, b) in self.kids.into_iter().flatten().enumerate() {
            // SAFETY: `v` has one slot per child; the builder's reference moves into it.
            unsafe { *struct_slots(v).add(i) = b.value };
            spec = spec.child(b.spec);
        }
        Ok((spec, v))
    }
}

/// The builder behind `b` (taken back from compiled code when `take`).
///
/// # Safety
/// `b` must come from `janus_rt_sup_begin` and not have been taken yet.
unsafe fn builder<'a>(b: *mut u8) -> Result<&'a mut Builder, String> {
    if b.is_null() {
        return Err("internal: no supervisor builder".to_string());
    }
    // SAFETY: guaranteed by the caller.
    Ok(unsafe { &mut *b.cast::<Builder>() })
}

/// The child slot `index` of `b`, which must be declared as an actor (`want_actor`) or a
/// supervisor and not built yet.
fn slot(b: &Builder, index: u64, want_actor: bool) -> Result<&'static SupChildDesc, String> {
    let desc: &'static SupDesc = b.desc;
    let name = desc.name();
    let c = usize::try_from(index)
        .ok()
        .and_then(|i| desc.children().get(i))
        .ok_or_else(|| format!("internal: supervisor {name} has no child number {index}"))?;
    let is_actor = !c.actor.is_null();
    if is_actor != want_actor || (!is_actor && c.sup.is_null()) {
        return Err(format!(
            "internal: supervisor {name}: child `{}` is not {}",
            c.name(),
            if want_actor {
                "an actor"
            } else {
                "a supervisor"
            }
        ));
    }
    if b.kids[index as usize].is_some() {
        return Err(format!(
            "internal: supervisor {name}: child `{}` started twice",
            c.name()
        ));
    }
    Ok(c)
}

/// A new builder for one instance of the supervisor `desc` (opaque to compiled code).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_sup_begin(desc: *const SupDesc) -> *mut u8 {
    guard(0, || {
        if desc.is_null() {
            return Err("internal: no supervisor descriptor".to_string());
        }
        // SAFETY: compiled code passes its static supervisor descriptor.
        let desc: &'static SupDesc = unsafe { &*desc };
        let kids = desc.children().iter().map(|_| None).collect();
        Ok(Box::into_raw(Box::new(Builder { desc, kids })).cast::<u8>())
    })
}

/// Child `index` (an actor child) with its start arguments `args` (a tuple of `args_desc`,
/// taken over; 0 without arguments). The runtime keeps a deep copy in its own message heap and
/// copies it again for every start. Returns a new `ActorRef` (descriptor `ref_desc`) routed
/// through the child's stable reference; the builder keeps a reference of its own.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_sup_child(
    b: *mut u8,
    index: u64,
    args: Value,
    args_desc: *const TypeDesc,
    ref_desc: *const TypeDesc,
) -> Value {
    guard(0, || {
        // SAFETY: the builder compiled code got from `janus_rt_sup_begin`, not spawned yet.
        let checked = unsafe { builder(b) }.and_then(|b| slot(b, index, true).map(|c| (b, c)));
        let (b, c) = match checked {
            Ok(bc) => bc,
            Err(e) => {
                if args != 0 {
                    crate::values::release(args, ds(args_desc));
                }
                return Err(e);
            }
        };
        // SAFETY: compiled code emits a static actor descriptor for every actor child.
        let actor: &'static ActorDesc = unsafe { &*c.actor };
        let kept = (args != 0).then(|| {
            let d = ds(args_desc);
            let m = MessageBox::copy_of(args, d);
            crate::values::release(args, d);
            Mutex::new(m)
        });
        // SAFETY (Send + Sync of the factory, which the supervisor calls from whatever worker
        // runs its turn): the kept copy's objects live in the box's own heap and are reachable
        // only through it, so nothing else reads or writes them; its handles (`ActorRef`,
        // `Reply`, stable references) are counted atomically. Each call deep-copies it into a
        // fresh message heap under the mutex (copying only reads the source, but one reading
        // at a time is the simplest sound rule), and the box's heap is freed when the spec is
        // dropped. `MessageBox` is `Send` (its heap is), so the mutex makes the closure `Sync`
        // without any unsafe code.
        let factory = move || {
            kept.as_ref().map(|m| {
                let m = m.lock();
                MessageBox::copy_of(m.root, m.desc).into_payload()
            })
        };
        let spec = ChildSpec::actor(&c.name(), actor, factory).restart(c.restart());
        let rd = ds(ref_desc);
        let r = with_current(|h| new_stable_actor_ref(h, rd, spec.stable().clone(), actor.name()));
        crate::values::retain(r, rd); // the builder's own reference
        b.kids[index as usize] = Some(Built {
            spec,
            value: r,
            value_desc: rd,
        });
        Ok(r)
    })
}

/// Child `index` is a nested supervisor built with `child` (a builder, taken over). Returns a
/// new value of the nested supervisor (a struct of `value_desc` holding its children's
/// references); the parent builder keeps a reference of its own.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_sup_nested(
    b: *mut u8,
    index: u64,
    child: *mut u8,
    value_desc: *const TypeDesc,
) -> Value {
    guard(0, || {
        if child.is_null() {
            return Err("internal: no nested supervisor builder".to_string());
        }
        // SAFETY: `child` came from `janus_rt_sup_begin` and is handed over here, once.
        let nested = unsafe { Box::from_raw(child.cast::<Builder>()) };
        // SAFETY: the parent builder, not spawned yet.
        let b = match unsafe { builder(b) } {
            Ok(b) => b,
            Err(e) => {
                nested.release();
                return Err(e);
            }
        };
        let c = match slot(b, index, false) {
            Ok(c) => c,
            Err(e) => {
                nested.release();
                return Err(e);
            }
        };
        if !std::ptr::eq(c.sup, nested.desc) {
            let what = nested.desc.name();
            nested.release();
            return Err(format!(
                "internal: supervisor {}: child `{}` is not a {what}",
                b.desc.name(),
                c.name()
            ));
        }
        let vd = ds(value_desc);
        let (spec, v) = nested.finish(vd)?;
        let spec = ChildSpec::supervisor(&c.name(), spec).restart(c.restart());
        crate::values::retain(v, vd); // the parent builder's own reference
        b.kids[index as usize] = Some(Built {
            spec,
            value: v,
            value_desc: vd,
        });
        Ok(v)
    })
}

/// How a top-level supervisor started by `janus_rt_sup_spawn` ended (set by its end hook).
const RUNNING: u8 = 0;
const ENDED: u8 = 1;
const FAILED: u8 = 2;

/// Starts the supervisor built with `b` (taken over) on this node, waits (suspending the turn)
/// until every child has started, and returns its value (a struct of `value_desc`). If it
/// later exceeds its intensity, the program ends: the report line on stderr, stdout flushed,
/// exit status 1.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_sup_spawn(
    b: *mut u8,
    value_desc: *const TypeDesc,
    loc: Value,
) -> Value {
    guard(loc, || {
        if b.is_null() {
            return Err("internal: no supervisor builder".to_string());
        }
        // SAFETY: `b` came from `janus_rt_sup_begin` and is handed over here, once.
        let builder = unsafe { Box::from_raw(b.cast::<Builder>()) };
        if !crate::in_actor() {
            builder.release();
            return Err("spawn outside of an actor turn".to_string());
        }
        let (spec, v) = builder.finish(ds(value_desc))?;
        let state = Arc::new(AtomicU8::new(RUNNING));
        let s2 = state.clone();
        let on_end = move |_: &Exit, line: Option<&str>| match line {
            Some(line) => {
                // Release: the turn that sees FAILED must not run on as if started.
                s2.store(FAILED, Ordering::Release);
                let _ = std::io::stdout().flush();
                let _ = writeln!(std::io::stderr().lock(), "{line}");
                std::process::exit(1)
            }
            None => s2.store(ENDED, Ordering::Release),
        };
        let sup = match spawn_supervisor_here_with(spec, on_end) {
            Some(s) => s,
            None => {
                crate::values::release(v, ds(value_desc));
                return Err("spawn outside of an actor turn".to_string());
            }
        };
        // It failed while starting its children: its end hook is ending the process (it runs
        // right after the start wait is released). Do not let this turn run on meanwhile.
        if !sup.is_alive() {
            // Bounded: an end hook that never came (it always does) does not hang the turn.
            for _ in 0..5000 {
                match state.load(Ordering::Acquire) {
                    FAILED => loop {
                        crate::sleep(Duration::from_secs(3600))
                    },
                    ENDED => break,
                    _ => crate::sleep(Duration::from_millis(1)),
                }
            }
        }
        Ok(v)
    })
}
