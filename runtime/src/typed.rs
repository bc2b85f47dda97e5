//! The typed Rust API over the raw runtime: `Behavior` actors, `ActorRef<M>`, `Reply<T>`.
//!
//! This is what Rust tests and benchmarks use; compiled Janus code uses the raw descriptor API
//! (`ActorDesc`, `Payload`, `RawActorRef`) through the future `abi` module. Each `Behavior` type
//! gets one static `ActorDesc` whose hooks are monomorphized `extern "C"` shims.

use std::marker::PhantomData;
use std::time::Duration;

use crate::actor::{ActorDesc, ExitHook, RawActorRef};
use crate::ask::{AskError, DEFAULT_ASK_TIMEOUT, RawReply, reply_channel};
use crate::payload::Payload;

/// A Rust-defined actor type.
pub trait Behavior: Send + Sized + 'static {
    /// The protocol: the type of every message this actor accepts.
    type Msg: Send + 'static;
    /// Type name in reports.
    const NAME: &'static str = "actor";
    /// Mailbox bound.
    const MAILBOX: u32 = 1024;
    /// Whether `after` is used (an actor without an `after` arm ends its turns more cheaply).
    const HAS_AFTER: bool = false;
    fn on_start(&mut self) {}
    /// Handles one message. The message stays owned by the runtime until this returns (so a
    /// crash frees it, and an unanswered `Reply` in it fails the asker with `Stopped`); take
    /// what you keep.
    fn handle(&mut self, msg: &mut Self::Msg);
    fn on_stop(&mut self) {}
    /// The `after` period, evaluated each time the timer is set.
    fn after(&self) -> Option<Duration> {
        None
    }
    fn on_after(&mut self) {}
}

/// Runs Rust hook code, turning a panic into a crash of the actor (a panic must not unwind
/// through the `extern "C"` shims, and never through compiled frames).
fn guard<R>(f: impl FnOnce() -> R) -> R {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = crate::coro::panic_message(&*p);
            drop(p);
            crate::crash::fail(&format!("panic: {msg}"), "<rust>")
        }
    }
}

unsafe extern "C" fn init_shim<B: Behavior>(state: *mut u8, args: *mut u8) {
    // SAFETY: the runtime passes the spawn payload, built by `spawn_desc::<B>` as an
    // `Option<B>`, and a state block with B's layout.
    unsafe {
        let b = (*args.cast::<Option<B>>()).take();
        match b {
            Some(b) => std::ptr::write(state.cast::<B>(), b),
            None => crate::sched::fatal("actor started twice"),
        }
    }
}
unsafe extern "C" fn drop_shim<B: Behavior>(state: *mut u8) {
    // SAFETY: called once on a state initialized by `init_shim::<B>`.
    // Runs on the worker's stack, outside any turn: a panicking destructor cannot crash an actor
    // that has already ended, so the panic is contained here (its message was printed by the hook).
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| unsafe {
        std::ptr::drop_in_place(state.cast::<B>())
    }));
}
unsafe extern "C" fn handle_shim<B: Behavior>(state: *mut u8, msg: *mut u8) {
    // SAFETY: the state is an initialized B owned by this turn; messages sent through an
    // `ActorRef<B::Msg>` are `Payload::new::<B::Msg>` boxes.
    guard(|| unsafe { (*state.cast::<B>()).handle(&mut *msg.cast::<B::Msg>()) })
}
unsafe extern "C" fn start_shim<B: Behavior>(state: *mut u8) {
    // SAFETY: as above.
    guard(|| unsafe { (*state.cast::<B>()).on_start() })
}
unsafe extern "C" fn stop_shim<B: Behavior>(state: *mut u8) {
    // SAFETY: as above.
    guard(|| unsafe { (*state.cast::<B>()).on_stop() })
}
unsafe extern "C" fn after_ns_shim<B: Behavior>(state: *const u8) -> i64 {
    // SAFETY: as above (shared access only).
    let d = guard(|| unsafe { (*state.cast::<B>()).after() });
    d.map_or(-1, |d| d.as_nanos().min(i64::MAX as u128) as i64)
}
unsafe extern "C" fn after_shim<B: Behavior>(state: *mut u8) {
    // SAFETY: as above.
    guard(|| unsafe { (*state.cast::<B>()).on_after() })
}

struct DescOf<B>(PhantomData<B>);
impl<B: Behavior> DescOf<B> {
    const DESC: ActorDesc = ActorDesc {
        name_ptr: B::NAME.as_ptr(),
        name_len: B::NAME.len(),
        state_size: size_of::<B>(),
        state_align: align_of::<B>(),
        init: init_shim::<B>,
        drop_state: drop_shim::<B>,
        handle: handle_shim::<B>,
        on_start: Some(start_shim::<B>),
        on_stop: Some(stop_shim::<B>),
        after_ns: if B::HAS_AFTER {
            Some(after_ns_shim::<B>)
        } else {
            None
        },
        on_after: if B::HAS_AFTER {
            Some(after_shim::<B>)
        } else {
            None
        },
        mailbox_capacity: B::MAILBOX,
    };
}

/// The static descriptor of a Behavior type.
pub fn desc_of<B: Behavior>() -> &'static ActorDesc {
    &DescOf::<B>::DESC
}

/// The spawn arguments payload for `B`.
pub(crate) fn args_of<B: Behavior>(b: B) -> Payload {
    Payload::new(Some(b))
}

/// A typed reference to an actor accepting `M`.
pub struct ActorRef<M> {
    raw: RawActorRef,
    _m: PhantomData<fn(M)>,
}

impl<M> Clone for ActorRef<M> {
    fn clone(&self) -> Self {
        ActorRef {
            raw: self.raw.clone(),
            _m: PhantomData,
        }
    }
}

impl<M> PartialEq for ActorRef<M> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl<M> std::fmt::Debug for ActorRef<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.raw.fmt(f)
    }
}

impl<M: Send + 'static> ActorRef<M> {
    /// # Safety
    /// `raw` must designate an actor whose descriptor handles `M` payloads boxed by
    /// `Payload::new::<M>`.
    pub unsafe fn from_raw(raw: RawActorRef) -> ActorRef<M> {
        ActorRef {
            raw,
            _m: PhantomData,
        }
    }

    pub fn raw(&self) -> &RawActorRef {
        &self.raw
    }

    pub fn id(&self) -> u64 {
        self.raw.id()
    }

    pub fn is_alive(&self) -> bool {
        self.raw.is_alive()
    }

    /// Messages queued right now (a snapshot).
    pub fn mailbox_len(&self) -> usize {
        self.raw.mailbox_len()
    }

    /// Sends; waits while the receiver's mailbox is full (an actor suspends, a thread blocks).
    pub fn send(&self, msg: M) {
        self.raw.send(Payload::new(msg));
    }

    /// Sends ignoring the bound (runtime notices, exit hooks).
    pub fn send_system(&self, msg: M) {
        self.raw.send_system(Payload::new(msg));
    }

    /// Request/reply with the default 5 s timeout.
    pub fn ask<T: Send + 'static>(&self, build: impl FnOnce(Reply<T>) -> M) -> Result<T, AskError> {
        self.ask_timeout(build, DEFAULT_ASK_TIMEOUT)
    }

    /// Request/reply with a timeout counted from the call.
    pub fn ask_timeout<T: Send + 'static>(
        &self,
        build: impl FnOnce(Reply<T>) -> M,
        timeout: Duration,
    ) -> Result<T, AskError> {
        let (handle, reply) = reply_channel();
        let msg = build(Reply {
            raw: reply,
            _t: PhantomData,
        });
        let answer = self.raw.ask(Payload::new(msg), &handle, timeout)?;
        // SAFETY: the only sender of values into this slot is `Reply<T>::send`, which boxes a T.
        Ok(unsafe { answer.into_inner::<T>() })
    }

    /// Installs the exit hook (supervision): called once with how the actor ended.
    pub fn on_exit(&self, hook: impl FnOnce(&crate::Exit) + Send + 'static) {
        let hook: ExitHook = Box::new(hook);
        self.raw.set_exit_hook(hook);
    }

    /// Asks the actor to stop at its next message boundary (`on stop` runs).
    pub fn request_stop(&self) {
        self.raw.request_stop();
    }
}

/// The replier's handle for an answer of type `T`. Copies are the same one-shot channel.
pub struct Reply<T> {
    raw: RawReply,
    _t: PhantomData<fn(T)>,
}

impl<T> Clone for Reply<T> {
    fn clone(&self) -> Self {
        Reply {
            raw: self.raw.clone(),
            _t: PhantomData,
        }
    }
}

impl<T> Reply<T> {
    /// Wraps a raw reply copy (the caller promises the asker expects a `T`).
    pub(crate) fn from_raw_reply(raw: RawReply) -> Reply<T> {
        Reply {
            raw,
            _t: PhantomData,
        }
    }
}

impl<T: Send + 'static> Reply<T> {
    /// Answers. A second answer crashes the calling actor ("reply sent twice"); on a plain
    /// thread it panics.
    pub fn send(&self, value: T) {
        if self.raw.send(Payload::new(value)).is_err() {
            crate::crash::fail("reply sent twice", "<reply.send>");
        }
    }

    pub fn is_answered(&self) -> bool {
        self.raw.is_answered()
    }
}

impl<T> std::fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reply")
    }
}

/// An actor made of a state and a closure: `spawn_fn(rt, 0u64, |n, msg: &mut Msg| ...)`.
pub struct FnActor<S, M, F> {
    pub state: S,
    f: F,
    _m: PhantomData<fn(M)>,
}

impl<S, M, F> FnActor<S, M, F> {
    pub fn new(state: S, f: F) -> Self {
        FnActor {
            state,
            f,
            _m: PhantomData,
        }
    }
}

impl<S, M, F> Behavior for FnActor<S, M, F>
where
    S: Send + 'static,
    M: Send + 'static,
    F: FnMut(&mut S, &mut M) + Send + 'static,
{
    type Msg = M;
    const NAME: &'static str = "fn-actor";
    fn handle(&mut self, msg: &mut M) {
        (self.f)(&mut self.state, msg)
    }
}
