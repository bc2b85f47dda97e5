//! The actor operations of the ABI (`spec/abi.md` §6, "Actors"): `spawn`, `send`, `ask`,
//! `reply.send`, `self`, `stop()`, and the adoption of a message by its receiver. Each wraps
//! one call of the raw runtime layer (`RawActorRef`, `reply_channel`, `spawn_raw_here`) around
//! the value model's payloads: a sent value is taken from the sender — moved when the sender
//! alone holds it, deep-copied into a message heap otherwise (`MessageBox::take`) — and the
//! receiver adopts it into its own heap (`janus_rt_msg_adopt`). Compiled code never sees a
//! `Payload`, only values and descriptors.
#![allow(clippy::missing_safety_doc)]

use std::time::Duration;

use crate::abi::desc::TypeDesc;
use crate::abi::exports::{ds, guard};
use crate::actor::ActorDesc;
use crate::ask::{AskError, DEFAULT_ASK_TIMEOUT, reply_channel};
use crate::values::MessageBox;
use crate::values::handles::{RefTarget, actor_ref_borrow, new_actor_ref, new_reply, reply_borrow};
use crate::values::heap::with_current;
use crate::values::obj::*;

/// A sent value given up by the sender (one reference taken): moved when the sender alone
/// holds its objects (the usual message), else copied (`MessageBox::take`).
fn taken(v: Value, desc: *const TypeDesc) -> crate::Payload {
    MessageBox::take(v, ds(desc))
}

/// `spawn A(args)`: starts an actor of type `actor` (a descriptor emitted by the compiler) on
/// this node. `args` is a tuple of the start arguments (taken over, moved or copied like a
/// message, and adopted by the actor's `init`) or 0 without arguments. Returns a new `ActorRef`
/// object of descriptor `ref_desc`. Only from a turn (`main` is one).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_spawn(
    actor: *const ActorDesc,
    args: Value,
    args_desc: *const TypeDesc,
    ref_desc: *const TypeDesc,
    loc: Value,
) -> Value {
    guard(loc, || {
        // SAFETY: compiled code passes its static actor descriptor.
        let actor: &'static ActorDesc = unsafe { &*actor };
        let payload = (args != 0).then(|| taken(args, args_desc));
        let r = crate::spawn_raw_here(actor, payload)
            .ok_or_else(|| "spawn outside of an actor turn".to_string())?;
        Ok(with_current(|h| new_actor_ref(h, ds(ref_desc), r)))
    })
}

/// The receiver's side of a message (or of the spawn arguments in `init`): takes the payload
/// over from the runtime, moves its objects into the current heap (the running actor's) and
/// returns the root value, owned (+1). Once per payload.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_msg_adopt(payload: *mut u8) -> Value {
    guard(0, || {
        let p = crate::coro::take_delivered(payload)
            .ok_or_else(|| "internal: a message adopted twice".to_string())?;
        Ok(with_current(|h| MessageBox::adopt_payload(p, h)))
    })
}

/// `r.send(msg)`: takes `msg` (of descriptor `desc`) and enqueues it, moved or copied (see
/// `taken`); waits while the receiver's mailbox is full (suspending the turn); dropped when
/// the receiver has ended. A reference to a supervised child (`abi/supervisors.rs`) sends
/// through its stable reference: held while the child restarts, dropped once it is gone.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_send(target: Value, msg: Value, desc: *const TypeDesc) {
    guard(0, || {
        // SAFETY: `target` is an ActorRef object the caller holds during the call.
        match unsafe { actor_ref_borrow(target) } {
            Some(RefTarget::Actor(r)) => r.send(taken(msg, desc)),
            // A supervised child: delivered, held while it restarts, or dropped once it is
            // gone for good — silently, like a send to an ended actor.
            Some(RefTarget::Stable(s)) => {
                let _ = s.send(taken(msg, desc));
            }
            None => crate::values::release(msg, ds(desc)),
        }
        Ok(())
    })
}

/// `r.ask(V { .. }, timeout: d)`: takes `msg`, the request (uniquely referenced, fresh from
/// its constructor) with a 0 in its `Reply` field, which is field slot `reply_field` of the
/// variant; a new reply handle of descriptor `reply_desc` goes there before the request is
/// sent (moved, or copied as for `send`). Waits (suspending the turn) until the answer or the
/// timeout (`timeout_ns` < 0: the default 5 s). Returns the answer (owned, in the current
/// heap); on failure returns 0 and writes a new `AskError` value (descriptor `err_desc`:
/// variants `Timeout`, `Stopped`, `Unreachable` by name) to `*error`.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn janus_rt_ask(
    target: Value,
    msg: Value,
    msg_desc: *const TypeDesc,
    reply_field: u64,
    reply_desc: *const TypeDesc,
    timeout_ns: i64,
    error: *mut Value,
    err_desc: *const TypeDesc,
) -> Value {
    guard(0, || {
        let timeout = if timeout_ns < 0 {
            DEFAULT_ASK_TIMEOUT
        } else {
            Duration::from_nanos(timeout_ns as u64)
        };
        // SAFETY: `target` is an ActorRef object the caller holds during the call.
        let outcome = match unsafe { actor_ref_borrow(target) } {
            None => {
                crate::values::release(msg, ds(msg_desc));
                Err(AskError::Unreachable)
            }
            Some(target) => {
                let (handle, raw) = reply_channel();
                let reply = with_current(|h| new_reply(h, ds(reply_desc), raw));
                // SAFETY: `msg` is a unique enum object whose variant has a slot `reply_field`
                // (the compiler built it just now); the slot held 0, so nothing is overwritten.
                unsafe {
                    *(msg as *mut EnumObj)
                        .add(1)
                        .cast::<Value>()
                        .add(reply_field as usize) = reply;
                }
                // Taken, so only the request holds the reply: an asker keeping a copy would stop
                // the receiver's end from answering `Stopped` for it (ask.rs, "ending").
                let request = taken(msg, msg_desc);
                match target {
                    RefTarget::Actor(r) => r.ask(request, &handle, timeout),
                    // Through the live incarnation, or held while the child restarts (the
                    // timeout counts the wait); `Stopped` once the child is gone.
                    RefTarget::Stable(s) => s.ask(request, &handle, timeout),
                }
            }
        };
        Ok(match outcome {
            Ok(answer) => with_current(|h| MessageBox::adopt_payload(answer, h)),
            Err(e) => {
                // SAFETY: compiled code passes a pointer to a value slot.
                unsafe { *error = ask_error(e, ds(err_desc)) };
                0
            }
        })
    })
}

/// The `AskError` value for `e`, found by variant name so that the runtime does not depend on
/// the order the standard library declares them in.
fn ask_error(e: AskError, desc: &'static TypeDesc) -> Value {
    let name = e.to_string();
    let tag = desc
        .variants()
        .iter()
        .position(|v| v.name() == name)
        .unwrap_or(0);
    with_current(|h| new_enum(h, desc, tag))
}

/// `reply.send(v)`: takes `v` and completes the ask with it (moved or copied, as `send`);
/// never waits. A second answer through any copy of the same reply crashes the running actor
/// (`reply already sent`). An answer to an asker that gave up (timeout) is dropped.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_reply(reply: Value, v: Value, desc: *const TypeDesc, loc: Value) {
    guard(loc, || {
        // SAFETY: `reply` is a Reply object the caller holds during the call.
        match unsafe { reply_borrow(reply) } {
            Some(r) => r
                .send(taken(v, desc))
                .map_err(|_| "reply already sent: a Reply answers once".to_string()),
            None => {
                crate::values::release(v, ds(desc));
                Ok(())
            }
        }
    })
}

/// `self`: a new `ActorRef` object (descriptor `ref_desc`) to the running actor.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_self(ref_desc: *const TypeDesc) -> Value {
    guard(0, || {
        let r = crate::current_actor_ref().ok_or_else(|| "`self` outside an actor".to_string())?;
        Ok(with_current(|h| new_actor_ref(h, ds(ref_desc), r)))
    })
}

/// `stop()`: the current handler runs to its end, then `on stop`, then the actor ends.
#[unsafe(no_mangle)]
pub extern "C" fn janus_rt_stop() {
    crate::stop();
}
