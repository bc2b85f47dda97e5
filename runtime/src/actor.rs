//! Actors: the per-type descriptor, the per-actor cell, and the lifecycle (start, stop, crash, exit).
//!
//! An actor is one heap cell (`Actor`, shared through `Arc`) holding its descriptor, its mailbox
//! (behind a spin lock) and its "run cell": the state pointer and turn bookkeeping, touched only
//! by the one worker that currently owns the actor's scheduling token (see `mailbox.rs`). An idle
//! actor is just this cell plus its state allocation: no stack, no timer unless it has an `after`
//! arm.

use std::alloc::Layout;
use std::cell::Cell;
use std::sync::Arc;

use crate::ask::with_ending;
use crate::mailbox::Mailbox;
use crate::payload::Payload;
use crate::sched::Shared;
use crate::sched::spin::SpinLock;
use crate::values::heap::Heap;

/// Per-actor-type descriptor (Pony style). Compiled code emits one static per actor type.
///
/// All hooks receive the state pointer; they run on a coroutine stack inside a turn.
#[repr(C)]
pub struct ActorDesc {
    /// UTF-8 name of the actor type (for reports), not NUL-terminated.
    pub name_ptr: *const u8,
    pub name_len: usize,
    /// Size and alignment of the state block the runtime allocates before `init`.
    pub state_size: usize,
    pub state_align: usize,
    /// Initializes the state in place from the spawn arguments (which stay owned by the runtime
    /// and are dropped after `init` returns; take what you keep). Runs in the actor's first turn.
    pub init: unsafe extern "C" fn(state: *mut u8, args: *mut u8),
    /// Frees everything the state owns (not the block itself). Runs after stop, after a crash, or
    /// when an unreachable idle actor is collected.
    pub drop_state: unsafe extern "C" fn(state: *mut u8),
    /// Handles one message. The payload stays owned by the runtime (dropped after the handler
    /// returns, or after a crash): take what you keep.
    pub handle: unsafe extern "C" fn(state: *mut u8, msg: *mut u8),
    pub on_start: Option<unsafe extern "C" fn(state: *mut u8)>,
    pub on_stop: Option<unsafe extern "C" fn(state: *mut u8)>,
    /// The `after` arm's period in nanoseconds, evaluated each time the timer is set; negative
    /// means "no timer this time".
    pub after_ns: Option<unsafe extern "C" fn(state: *const u8) -> i64>,
    pub on_after: Option<unsafe extern "C" fn(state: *mut u8)>,
    /// Mailbox bound (≥ 1; 0 is read as the default 1024).
    pub mailbox_capacity: u32,
}

// SAFETY: a descriptor is immutable static data (function pointers and a pointer to a static
// string); sharing it between threads is sound.
unsafe impl Sync for ActorDesc {}
// SAFETY: as above; it is never mutated.
unsafe impl Send for ActorDesc {}

impl ActorDesc {
    /// The type name.
    pub fn name(&self) -> &str {
        // SAFETY: `name_ptr`/`name_len` describe a static UTF-8 string (constructors guarantee it;
        // compiled code emits it from the source's identifier).
        unsafe {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(self.name_ptr, self.name_len))
        }
    }

    pub(crate) fn capacity(&self) -> u32 {
        if self.mailbox_capacity == 0 {
            1024
        } else {
            self.mailbox_capacity
        }
    }
}

/// Why a crash happened, as reported and as passed to exit hooks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrashInfo {
    pub reason: String,
    /// Source location string (`file:line:col` from compiled code).
    pub location: String,
}

/// How an actor ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitReason {
    /// `stop()` (or an external stop request): `on stop` ran.
    Normal,
    /// A crash: `on stop` did not run.
    Crashed(CrashInfo),
    /// The hook was installed after the actor had already ended; the reason is gone.
    AlreadyEnded,
}

/// The exit notification given to monitors (the supervision hook of issue 5).
#[derive(Clone, Debug)]
pub struct Exit {
    pub actor_id: u64,
    pub name: String,
    pub reason: ExitReason,
}

/// Called once when the actor ends, on a worker thread's own stack. It must not block: to tell
/// an actor, use `RawActorRef::send_system` (never waits).
pub type ExitHook = Box<dyn FnOnce(&Exit) + Send>;

/// Called once, inside the actor's first turn, right after its `on start` returned (not when
/// `init` or `on start` crashed: the hook is then dropped unrun). Supervisors use it to start
/// their children one at a time. It must not block (it runs on the actor's coroutine stack).
pub type StartHook = Box<dyn FnOnce() + Send>;

/// The turn-owner's view of an actor. Only the holder of the scheduling token touches it.
pub(crate) struct RunCell {
    pub(crate) state: Cell<*mut u8>,
    pub(crate) args: Cell<Option<Payload>>,
    /// The message being handled (owned here, not on the coroutine stack, so a crash frees it).
    pub(crate) current: Cell<Option<Payload>>,
    pub(crate) started: Cell<bool>,
    pub(crate) stop: Cell<bool>,
    pub(crate) finalized: Cell<bool>,
    /// Generation of the current suspension; resume events with another value are stale.
    pub(crate) wait_gen: Cell<u64>,
    /// Run once after `on start` (see `StartHook`); set at spawn, before the first turn.
    /// Boxed twice so that it costs every actor one word, not two.
    pub(crate) start_hook: Cell<Option<Box<StartHook>>>,
    /// The actor's value heap: current on the worker thread while its turns run (set around
    /// every resume, see `sched::worker::drive` and `coro::new_runner`), freed when the actor
    /// ends (`release_owned`). 8 bytes and no allocation until the first object.
    pub(crate) heap: Heap,
}

// SAFETY: a RunCell is only read or written by the thread holding the actor's scheduling token
// (set under the mailbox lock, see `Mailbox::scheduled`): a run queue hands it to exactly one
// worker, a suspended turn stays on its worker, and `Drop` has `&mut`. The lock hand-off of the
// token (the releasing owner's `Release` unlock store, read by the next taker's `Acquire` swap)
// gives the happens-before edge between consecutive owners; queue pushes and steals add their
// own Release/Acquire edges on top.
unsafe impl Sync for RunCell {}
// SAFETY: same protocol as `Sync`: the cell moves with the token; the payloads in it are `Send`
// and the state pointer is owned by the actor.
unsafe impl Send for RunCell {}

/// One actor incarnation.
pub struct Actor {
    pub(crate) id: u64,
    pub(crate) desc: &'static ActorDesc,
    pub(crate) rt: Arc<Shared>,
    pub(crate) mb: SpinLock<Mailbox>,
    pub(crate) run: RunCell,
}

impl Actor {
    pub(crate) fn new(
        id: u64,
        desc: &'static ActorDesc,
        rt: Arc<Shared>,
        args: Option<Payload>,
    ) -> Actor {
        Actor {
            id,
            desc,
            rt,
            mb: SpinLock::new(Mailbox::new(desc.capacity())),
            run: RunCell {
                state: Cell::new(std::ptr::null_mut()),
                args: Cell::new(args),
                current: Cell::new(None),
                started: Cell::new(false),
                stop: Cell::new(false),
                finalized: Cell::new(false),
                wait_gen: Cell::new(0),
                start_hook: Cell::new(None),
                heap: Heap::new(),
            },
        }
    }

    pub(crate) fn state_layout(&self) -> Layout {
        let align = self.desc.state_align.max(1);
        // A descriptor with an impossible layout is a compiler bug; fall back to a byte.
        Layout::from_size_align(self.desc.state_size, align).unwrap_or(Layout::new::<u8>())
    }

    /// Allocates the (uninitialized) state block. Turn owner only.
    pub(crate) fn alloc_state(&self) -> *mut u8 {
        let layout = self.state_layout();
        if layout.size() == 0 {
            return layout.align() as *mut u8; // dangling, well aligned
        }
        // SAFETY: the size is non-zero.
        let p = unsafe { std::alloc::alloc(layout) };
        if p.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        p
    }

    /// Drops and frees the state, the pending spawn arguments, the current message and then
    /// every object of the actor's heap (whatever a crashed turn's frames still referenced),
    /// inside the ending context so that unanswered replies the heap held answer `Stopped`.
    /// Turn owner only (or `&mut self` in Drop). Idempotent.
    pub(crate) fn release_owned(&self) {
        with_ending(|| {
            drop(self.run.current.take());
            drop(self.run.args.take());
            drop(self.run.start_hook.take()); // never ran: init or on start crashed
            let state = self.run.state.replace(std::ptr::null_mut());
            if !state.is_null() && self.run.started.get() {
                // SAFETY: `started` is set only after `init` filled the state, and the pointer is
                // cleared above so it is dropped once.
                unsafe { (self.desc.drop_state)(state) };
            }
            let layout = self.state_layout();
            if !state.is_null() && layout.size() != 0 {
                // SAFETY: allocated by `alloc_state` with this layout.
                unsafe { std::alloc::dealloc(state, layout) };
            }
            // Last: `drop_state` may still release objects of the heap (values.md §3).
            self.run.heap.free_all();
        });
    }

    /// Ends the actor: marks it dead, drops its queue (asks get Stopped), wakes blocked senders,
    /// frees its state, reports a crash and notifies the exit hook. Runs on the worker's stack.
    pub(crate) fn finalize(&self, reason: ExitReason) {
        if self.run.finalized.replace(true) {
            return;
        }
        let (queue, waiters, hook, quiet) = self.mb.lock().kill();
        with_ending(|| {
            drop(queue);
            for w in waiters {
                w.drop_undelivered();
            }
        });
        self.release_owned();
        self.rt
            .live_actors
            .fetch_sub(1, std::sync::atomic::Ordering::Relaxed); // a statistic only
        if let ExitReason::Crashed(info) = &reason
            && !quiet
        {
            (self.rt.config.crash_reporter)(&crate::crash::CrashReport {
                actor_id: self.id,
                actor_name: self.desc.name(),
                info,
            });
        }
        if let Some(hook) = hook {
            hook(&Exit {
                actor_id: self.id,
                name: self.desc.name().to_string(),
                reason,
            });
        }
    }
}

impl Drop for Actor {
    fn drop(&mut self) {
        // An idle actor nobody can reach any more (no reference, no timer) is collected: its
        // state is freed like at program end (no `on stop`), unanswered replies it held fail.
        if !self.run.finalized.get() {
            let (queue, waiters, hook, _) = self.mb.get_mut().kill();
            with_ending(|| {
                drop(queue); // queued asks get Stopped
                for w in waiters {
                    w.drop_undelivered(); // none in practice: a blocked sender holds a reference
                }
                drop(hook);
            });
            self.release_owned();
            self.rt
                .live_actors
                .fetch_sub(1, std::sync::atomic::Ordering::Relaxed); // statistic
        }
    }
}

/// An untyped, counted reference to an actor incarnation (what compiled code holds as a pointer).
#[derive(Clone)]
pub struct RawActorRef(pub(crate) Arc<Actor>);

impl RawActorRef {
    pub fn id(&self) -> u64 {
        self.0.id
    }

    pub fn name(&self) -> &str {
        self.0.desc.name()
    }

    /// Messages queued right now (a snapshot; blocked senders not counted).
    pub fn mailbox_len(&self) -> usize {
        self.0.mb.lock().len()
    }

    /// A diagnostic snapshot: `(queued messages, blocked senders, scheduled, dead)`.
    pub fn debug_state(&self) -> (usize, usize, bool, bool) {
        let mb = self.0.mb.lock();
        (mb.len(), mb.waiting_senders(), mb.scheduled, mb.dead)
    }

    /// Whether the actor has not ended yet (a snapshot).
    pub fn is_alive(&self) -> bool {
        !self.0.mb.lock().dead
    }

    /// Sends; waits (suspending an actor, blocking a plain thread) while the mailbox is full.
    /// A send to an ended actor drops the message.
    pub fn send(&self, msg: Payload) {
        crate::mailbox::send(&self.0, msg, None);
    }

    /// Sends ignoring the bound (never waits): for runtime notices such as exit notifications.
    pub fn send_system(&self, msg: Payload) {
        crate::mailbox::send_forced(&self.0, msg);
    }

    /// Asks: sends `msg` (which must carry `reply`) and waits for the answer until `timeout`.
    pub fn ask(
        &self,
        msg: Payload,
        reply: &crate::ask::AskHandle,
        timeout: std::time::Duration,
    ) -> Result<Payload, crate::ask::AskError> {
        crate::ask::ask(&self.0, msg, reply, timeout)
    }

    /// Installs the exit hook (replacing any earlier one). When the actor has already ended the
    /// hook runs at once with `ExitReason::AlreadyEnded`.
    pub fn set_exit_hook(&self, hook: ExitHook) {
        let mut mb = self.0.mb.lock();
        if mb.dead {
            drop(mb);
            hook(&Exit {
                actor_id: self.0.id,
                name: self.0.desc.name().to_string(),
                reason: ExitReason::AlreadyEnded,
            });
        } else {
            mb.exit_hook = Some(hook);
        }
    }

    /// Asks the actor to stop at its next message boundary (its `on stop` runs; queued messages
    /// are dropped). Used by supervisors.
    pub fn request_stop(&self) {
        let schedule = self.0.mb.lock().request_stop();
        if schedule {
            crate::sched::schedule_ref(&self.0);
        }
    }

    /// Converts into a raw pointer holding one count (for compiled code).
    pub fn into_raw(self) -> *const Actor {
        Arc::into_raw(self.0)
    }

    /// # Safety
    /// `p` must come from `into_raw` and its count is taken over.
    pub unsafe fn from_raw(p: *const Actor) -> RawActorRef {
        // SAFETY: guaranteed by the caller.
        RawActorRef(unsafe { Arc::from_raw(p) })
    }
}

impl PartialEq for RawActorRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for RawActorRef {}

impl std::fmt::Debug for RawActorRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.name(), self.id())
    }
}

#[cfg(test)]
mod tests {
    /// Idle actors must stay small (target: < 300 bytes with the mailbox); this guards the cell.
    #[test]
    fn actor_cell_is_small() {
        let size = size_of::<super::Actor>() + 2 * size_of::<usize>(); // + the Arc counts
        eprintln!("actor cell: {size} bytes");
        assert!(size <= 256, "the actor cell grew to {size} bytes");
    }
}
