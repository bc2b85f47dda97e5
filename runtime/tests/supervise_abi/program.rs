//! The "program" the `supervise_abi` tests drive: the descriptors a compiler would emit for a
//! `Counter` actor and a few supervisors, the actor's hooks written the way generated code
//! behaves (adopting its arguments and messages, replying, forwarding, crashing), and helpers
//! doing what compiled `spawn`, `send` and `ask` do.
#![allow(dead_code)]

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use janus_runtime::abi::actors::{janus_rt_ask, janus_rt_msg_adopt, janus_rt_reply, janus_rt_send};
use janus_runtime::abi::desc::build::{self as b, Ty};
use janus_runtime::abi::supervisors::*;
use janus_runtime::supervise::silent_supervisor_reporter;
use janus_runtime::values::handles::{RefTarget, actor_ref_borrow};
use janus_runtime::values::heap::with_current;
use janus_runtime::values::obj::*;
use janus_runtime::values::{self, to_text};
use janus_runtime::{ActorDesc, Config, Runtime, silent_reporter};

// ------------------------------------------------------------------ types of the "program"

/// The descriptors the compiler would emit.
pub struct Tys {
    pub i64: Ty,
    /// `enum CounterMsg { Add { n: i64 }, Get { reply: Reply[i64] }, Crash, Fwd { n: i64 } }`
    pub msg: Ty,
    pub reply: Ty,
    /// `ActorRef[CounterMsg]`
    pub r#ref: Ty,
    /// `Counter(base: i64, peer: ?ActorRef[CounterMsg])`'s argument tuple.
    pub args: Ty,
    pub ask_error: Ty,
    /// `supervisor Game { lobby: Counter, chat: Counter }`'s value.
    pub game: Ty,
    /// `supervisor Inner { b: Counter }` and `supervisor Top { a: Counter, inner: Inner }`.
    pub inner: Ty,
    pub top: Ty,
}

pub fn tys() -> &'static Tys {
    static T: OnceLock<Tys> = OnceLock::new();
    T.get_or_init(|| {
        let i64 = b::i64();
        let reply = b::reply(i64);
        let msg = b::enumm(
            "CounterMsg",
            &[
                ("Add", &[("n", i64)]),
                ("Get", &[("reply", reply)]),
                ("Crash", &[]),
                ("Fwd", &[("n", i64)]),
            ],
        );
        let r#ref = b::actor_ref(msg);
        let args = b::tuple(&[i64, b::optional(r#ref)]);
        let ask_error = b::enumm(
            "AskError",
            &[("Timeout", &[]), ("Stopped", &[]), ("Unreachable", &[])],
        );
        let game = b::strukt("Game", &[("lobby", r#ref), ("chat", r#ref)]);
        let inner = b::strukt("Inner", &[("b", r#ref)]);
        let top = b::strukt("Top", &[("a", r#ref), ("inner", inner)]);
        Tys {
            i64,
            msg,
            reply,
            r#ref,
            args,
            ask_error,
            game,
            inner,
            top,
        }
    })
}

// ------------------------------------------------------------------ the "compiled" actor

/// Counter's state: `base` from its arguments, `sum` of the `Add`s, `peer` (owned, or 0).
#[repr(C)]
pub struct CounterState {
    base: i64,
    sum: i64,
    peer: Value,
}

/// Every `on start` of a Counter, by its `base` (each test uses its own bases).
pub fn starts() -> &'static Mutex<Vec<i64>> {
    static S: Mutex<Vec<i64>> = Mutex::new(Vec::new());
    &S
}

pub fn starts_of(base: i64) -> usize {
    starts()
        .lock()
        .unwrap()
        .iter()
        .filter(|&&b| b == base)
        .count()
}

pub unsafe extern "C" fn counter_init(state: *mut u8, args: *mut u8) {
    unsafe {
        let t = janus_rt_msg_adopt(args);
        let s = struct_slots(t);
        let peer = *s.add(1);
        if peer != 0 {
            values::retain(peer, tys().r#ref.get());
        }
        state.cast::<CounterState>().write(CounterState {
            base: *s as i64,
            sum: 0,
            peer,
        });
        values::release(t, tys().args.get());
    }
}

pub unsafe extern "C" fn counter_drop(state: *mut u8) {
    unsafe {
        let st = &mut *state.cast::<CounterState>();
        if st.peer != 0 {
            values::release(std::mem::replace(&mut st.peer, 0), tys().r#ref.get());
        }
    }
}

/// `on start`: slow (bases ≥ 1000 take 50 ms) so that "spawn returns after every start" is
/// visible, then recorded.
pub unsafe extern "C" fn counter_on_start(state: *mut u8) {
    let base = unsafe { (*state.cast::<CounterState>()).base };
    if base == 666 {
        janus_runtime::fail("cannot start", "counter.jan:3:5");
    }
    if base >= 1000 {
        janus_runtime::sleep(Duration::from_millis(50));
    }
    starts().lock().unwrap().push(base);
}

pub unsafe extern "C" fn counter_handle(state: *mut u8, msg: *mut u8) {
    unsafe {
        let st = &mut *state.cast::<CounterState>();
        let m = janus_rt_msg_adopt(msg);
        let slots = enum_slots(m);
        match (*(m as *const EnumObj)).tag {
            0 => st.sum += *slots as i64,
            1 => {
                let answer = (st.base + st.sum) as u64;
                janus_rt_reply(*slots, answer, tys().i64.ptr(), 0);
            }
            2 => {
                values::release(m, tys().msg.get());
                janus_runtime::fail("boom", "counter.jan:9:5");
            }
            _ => {
                if st.peer != 0 {
                    let add = with_current(|h| new_enum(h, tys().msg.get(), 0));
                    *enum_slots(add) = *slots;
                    janus_rt_send(st.peer, add, tys().msg.ptr());
                }
            }
        }
        values::release(m, tys().msg.get());
    }
}

pub static COUNTER: ActorDesc = ActorDesc {
    name_ptr: b"Counter".as_ptr(),
    name_len: 7,
    state_size: std::mem::size_of::<CounterState>(),
    state_align: std::mem::align_of::<CounterState>(),
    init: counter_init,
    drop_state: counter_drop,
    handle: counter_handle,
    on_start: Some(counter_on_start),
    on_stop: None,
    after_ns: None,
    on_after: None,
    mailbox_capacity: 0,
};

// ------------------------------------------------------------------ supervisor descriptors

pub const fn actor_child(name: &'static [u8], restart: u32) -> SupChildDesc {
    SupChildDesc {
        name_ptr: name.as_ptr(),
        name_len: name.len(),
        restart,
        _pad: 0,
        actor: &COUNTER,
        sup: std::ptr::null(),
    }
}

pub const fn sup_desc(
    name: &'static [u8],
    strategy: u32,
    intensity: u64,
    backoff_min_ns: u64,
    children: &'static [SupChildDesc],
) -> SupDesc {
    SupDesc {
        name_ptr: name.as_ptr(),
        name_len: name.len(),
        strategy,
        _pad: 0,
        intensity,
        window_ns: 5_000_000_000,
        backoff_min_ns,
        backoff_max_ns: backoff_min_ns * 2,
        children: children.as_ptr(),
        n_children: children.len(),
    }
}

pub static GAME_KIDS: [SupChildDesc; 2] = [actor_child(b"lobby", 0), actor_child(b"chat", 0)];
/// one_for_one, 3 restarts in 5 s, backoff 200..400 ms (restarts wait, so that messages sent
/// meanwhile are held).
pub static GAME: SupDesc = sup_desc(b"Game", 0, 3, 200_000_000, &GAME_KIDS);

pub static INNER_KIDS: [SupChildDesc; 1] = [actor_child(b"b", 0)];
pub static INNER: SupDesc = sup_desc(b"Inner", 0, 3, 0, &INNER_KIDS);
pub static TOP_KIDS: [SupChildDesc; 2] = [
    actor_child(b"a", 0),
    SupChildDesc {
        name_ptr: b"inner".as_ptr(),
        name_len: 5,
        restart: 0,
        _pad: 0,
        actor: std::ptr::null(),
        sup: &INNER,
    },
];
pub static TOP: SupDesc = sup_desc(b"Top", 1, 3, 0, &TOP_KIDS);

pub static TEMP_KIDS: [SupChildDesc; 1] = [actor_child(b"once", 2)];
pub static TEMP: SupDesc = sup_desc(b"Temp", 0, 3, 0, &TEMP_KIDS);

pub static DOOMED_KIDS: [SupChildDesc; 1] = [actor_child(b"lobby", 0)];
/// Gives up at the second crash.
pub static DOOMED: SupDesc = sup_desc(b"Doomed", 0, 1, 0, &DOOMED_KIDS);

// ------------------------------------------------------------------ what compiled code does

pub fn rt() -> Runtime {
    Runtime::new(Config {
        workers: 2,
        crash_reporter: silent_reporter(),
        supervisor_reporter: silent_supervisor_reporter(),
        ..Config::default()
    })
}

/// `sup_child(b, i, (base, peer), ..)`: the argument tuple is built in the turn's heap and
/// handed over; `peer` is borrowed (retained for the tuple).
pub fn child(bld: *mut u8, i: u64, base: i64, peer: Value) -> Value {
    let t = tys();
    let args = with_current(|h| new_struct(h, t.args.get(), 2));
    unsafe {
        *struct_slots(args) = base as u64;
        if peer != 0 {
            values::retain(peer, t.r#ref.get());
        }
        *struct_slots(args).add(1) = peer;
        janus_rt_sup_child(bld, i, args, t.args.ptr(), t.r#ref.ptr())
    }
}

pub fn send(r: Value, tag: usize, n: i64) {
    let t = tys();
    let m = with_current(|h| new_enum(h, t.msg.get(), tag));
    if tag == 0 || tag == 3 {
        unsafe { *enum_slots(m) = n as u64 };
    }
    unsafe { janus_rt_send(r, m, t.msg.ptr()) };
}

/// `r.ask(Get { reply }, timeout: ms)`: the answer, or the `AskError` variant's name.
pub fn get(r: Value, timeout_ms: i64) -> Result<i64, String> {
    let t = tys();
    let m = with_current(|h| new_enum(h, t.msg.get(), 1));
    let mut err: Value = 0;
    let v = unsafe {
        janus_rt_ask(
            r,
            m,
            t.msg.ptr(),
            0,
            t.reply.ptr(),
            timeout_ms * 1_000_000,
            &mut err,
            t.ask_error.ptr(),
        )
    };
    if err != 0 {
        let text = to_text(err, t.ask_error.get());
        values::release(err, t.ask_error.get());
        Err(text)
    } else {
        Ok(v as i64)
    }
}

/// Waits (suspending the turn) until `f` holds, at most 5 s.
pub fn wait_until(f: impl Fn() -> bool) {
    for _ in 0..5000 {
        if f() {
            return;
        }
        janus_runtime::sleep(Duration::from_millis(1));
    }
    panic!("timed out");
}

/// Asks `r` until it answers `want` (another actor's forward may still be on its way), 5 s at
/// most.
pub fn eventually(r: Value, want: i64) {
    let mut last = Ok(0);
    for _ in 0..2500 {
        last = get(r, 5000);
        if last == Ok(want) {
            return;
        }
        janus_runtime::sleep(Duration::from_millis(2));
    }
    panic!("wanted {want}, last answer {last:?}");
}

/// Whether the supervised child behind `r` has no live incarnation now (it is restarting).
pub fn is_down(r: Value) -> bool {
    // SAFETY: `r` is a live ActorRef object of the caller's.
    match unsafe { actor_ref_borrow(r) } {
        Some(RefTarget::Stable(s)) => s.current().is_none(),
        _ => panic!("not a supervised child's reference"),
    }
}

pub fn slot(v: Value, i: usize) -> Value {
    unsafe { *struct_slots(v).add(i) }
}

pub fn rc(v: Value) -> u32 {
    unsafe { hdr(v).rc }
}
