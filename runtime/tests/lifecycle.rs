//! Lifecycle edges: stop in `on start`, supervisor stop, crash in `on start`, blocked senders
//! released by a crash, `after` stops with the actor, collection of unreachable actors, raw
//! descriptors driven like compiled code would.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use janus_runtime::{
    ActorDesc, AskError, Behavior, ExitReason, Payload, PayloadVTable, Reply, fail, sleep, stop,
};

#[derive(Default)]
struct Log(Arc<Mutex<Vec<String>>>);
impl Log {
    fn push(&self, s: &str) {
        self.0.lock().unwrap().push(s.to_string());
    }
    fn get(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

struct StopsAtStart(Log);
impl Behavior for StopsAtStart {
    type Msg = Reply<u8>;
    fn on_start(&mut self) {
        self.0.push("start");
        stop();
    }
    fn handle(&mut self, r: &mut Reply<u8>) {
        r.send(1);
    }
    fn on_stop(&mut self) {
        self.0.push("stop");
    }
}

#[test]
fn stop_in_on_start_runs_on_stop_and_drops_messages() {
    let rt = common::rt();
    let log = Log::default();
    let a = rt.spawn(StopsAtStart(Log(log.0.clone())));
    // Sent before on start finished: dropped, the ask gets Stopped.
    assert_eq!(a.ask(|r| r), Err(AskError::Stopped));
    assert!(common::wait_until(Duration::from_secs(10), || log
        .get()
        .len()
        == 2));
    assert_eq!(log.get(), vec!["start", "stop"]);
}

struct Worker(Log, Arc<AtomicUsize>);
impl Behavior for Worker {
    type Msg = u32;
    fn handle(&mut self, _: &mut u32) {
        self.1.fetch_add(1, Ordering::SeqCst);
        sleep(Duration::from_millis(2));
    }
    fn on_stop(&mut self) {
        self.0.push("stop");
    }
}

#[test]
fn supervisor_stop_runs_on_stop_at_the_next_message_boundary() {
    let rt = common::rt();
    let log = Log::default();
    let handled = Arc::new(AtomicUsize::new(0));
    let a = rt.spawn(Worker(Log(log.0.clone()), handled.clone()));
    let exit = Arc::new(Mutex::new(None));
    let e2 = exit.clone();
    a.on_exit(move |e| *e2.lock().unwrap() = Some(e.reason.clone()));
    for i in 0..100 {
        a.send(i);
    }
    a.request_stop();
    assert!(common::wait_until(Duration::from_secs(10), || exit
        .lock()
        .unwrap()
        .is_some()));
    assert_eq!(*exit.lock().unwrap(), Some(ExitReason::Normal));
    assert_eq!(log.get(), vec!["stop"]);
    assert!(
        handled.load(Ordering::SeqCst) < 100,
        "the queued messages were dropped"
    );
}

struct CrashesAtStart;
impl Behavior for CrashesAtStart {
    type Msg = Reply<u8>;
    fn on_start(&mut self) {
        fail("bad start", "start.jan:2:3");
    }
    fn handle(&mut self, r: &mut Reply<u8>) {
        r.send(1);
    }
    fn on_stop(&mut self) {
        panic!("on stop must not run after a crash");
    }
}

#[test]
fn crash_in_on_start_fails_waiting_asks_and_skips_on_stop() {
    let rt = common::rt();
    let a = rt.spawn(CrashesAtStart);
    assert_eq!(
        a.ask_timeout(|r| r, Duration::from_secs(20)),
        Err(AskError::Stopped)
    );
    assert!(common::wait_until(Duration::from_secs(10), || !a.is_alive()));
}

struct SlowThenCrash;
impl Behavior for SlowThenCrash {
    type Msg = u32;
    const MAILBOX: u32 = 1;
    fn handle(&mut self, n: &mut u32) {
        sleep(Duration::from_millis(50));
        if *n == 0 {
            fail("gone", "x.jan:1:1");
        }
    }
}

#[test]
fn senders_blocked_on_a_crashing_actor_are_released() {
    let rt = common::rt();
    let target = rt.spawn(SlowThenCrash);
    let released = Arc::new(AtomicUsize::new(0));
    for _ in 0..5 {
        let t = target.clone();
        let r = released.clone();
        // Each sender actor blocks on the 1-slot mailbox.
        let s = rt.spawn_fn((), move |_: &mut (), _: &mut ()| {
            t.send(1);
            t.send(1);
            r.fetch_add(1, Ordering::SeqCst);
        });
        s.send(());
    }
    target.send(0);
    assert!(common::wait_until(Duration::from_secs(20), || released
        .load(Ordering::SeqCst)
        == 5));
}

struct Ticker(Arc<AtomicUsize>);
impl Behavior for Ticker {
    type Msg = ();
    const HAS_AFTER: bool = true;
    fn handle(&mut self, _: &mut ()) {
        stop();
    }
    fn after(&self) -> Option<Duration> {
        Some(Duration::from_millis(5))
    }
    fn on_after(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn after_timer_ends_with_the_actor() {
    let rt = common::rt();
    let ticks = Arc::new(AtomicUsize::new(0));
    let t = rt.spawn(Ticker(ticks.clone()));
    assert!(common::wait_until(Duration::from_secs(10), || ticks
        .load(Ordering::SeqCst)
        >= 2));
    t.send(());
    assert!(common::wait_until(Duration::from_secs(10), || !t.is_alive()));
    let n = ticks.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(ticks.load(Ordering::SeqCst), n);
}

struct Holder(Option<janus_runtime::RawReply>, Arc<AtomicUsize>);
impl Behavior for Holder {
    type Msg = janus_runtime::RawReply;
    fn handle(&mut self, r: &mut janus_runtime::RawReply) {
        self.0 = Some(r.clone());
    }
}
impl Drop for Holder {
    fn drop(&mut self) {
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn unreachable_idle_actor_is_collected_and_its_held_replies_fail() {
    let rt = common::rt();
    let dropped = Arc::new(AtomicUsize::new(0));
    let a = rt.spawn(Holder(None, dropped.clone()));
    let (handle, reply) = janus_runtime::reply_channel();
    a.send(reply);
    assert!(common::wait_until(Duration::from_secs(10), || a
        .mailbox_len()
        == 0));
    std::thread::sleep(Duration::from_millis(20));
    drop(a); // the last reference: the idle actor is collected with the reply it kept
    assert_eq!(
        handle.wait_timeout(Duration::from_secs(20)).err(),
        Some(AskError::Stopped)
    );
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
    assert!(common::wait_until(Duration::from_secs(10), || rt
        .live_actors()
        == 0));
}

// A descriptor written by hand, as the code generator will emit it.

static RAW_COUNT: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn raw_init(state: *mut u8, args: *mut u8) {
    // SAFETY: state is a u64 block; args is a Payload::new::<u64> box.
    unsafe { *(state as *mut u64) = *(args as *const u64) }
}
unsafe extern "C" fn raw_drop(_: *mut u8) {}
unsafe extern "C" fn raw_handle(state: *mut u8, msg: *mut u8) {
    // SAFETY: as above; messages are Payload::new::<u64> boxes.
    unsafe {
        let s = &mut *(state as *mut u64);
        *s += *(msg as *const u64);
        RAW_COUNT.store(*s as usize, Ordering::SeqCst);
    }
}
unsafe extern "C" fn raw_free_u64(p: *mut u8) {
    // SAFETY: built by Box::into_raw below.
    unsafe { drop(Box::from_raw(p as *mut u64)) }
}
static U64_VTABLE: PayloadVTable = PayloadVTable { drop: raw_free_u64 };
static RAW_DESC: ActorDesc = ActorDesc {
    name_ptr: "Raw".as_ptr(),
    name_len: 3,
    state_size: 8,
    state_align: 8,
    init: raw_init,
    drop_state: raw_drop,
    handle: raw_handle,
    on_start: None,
    on_stop: None,
    after_ns: None,
    on_after: None,
    mailbox_capacity: 0,
};

fn raw_u64(v: u64) -> Payload {
    let p = Box::into_raw(Box::new(v)) as *mut u8;
    // SAFETY: p is a valid Box<u64> freed by raw_free_u64.
    unsafe { Payload::from_raw(p, &U64_VTABLE) }.expect("non-null")
}

#[test]
fn raw_descriptor_actor() {
    let rt = common::rt();
    let a = rt.spawn_raw(&RAW_DESC, Some(raw_u64(100)));
    assert_eq!(a.name(), "Raw");
    for _ in 0..10 {
        a.send(raw_u64(1));
    }
    assert!(common::wait_until(Duration::from_secs(10), || RAW_COUNT
        .load(Ordering::SeqCst)
        == 110));
    // Round trip through a plain pointer, as compiled code holds references.
    let p = a.clone().into_raw();
    // SAFETY: p came from into_raw just above.
    let back = unsafe { janus_runtime::RawActorRef::from_raw(p) };
    assert_eq!(back, a);
}

#[test]
fn ask_to_an_actor_dropped_before_it_ran_gets_stopped() {
    let rt = common::rt_with(1);
    // Keep the only worker busy so the message stays queued while the last reference goes.
    let gate = Arc::new(AtomicUsize::new(0));
    let g2 = gate.clone();
    let busy = rt.spawn_fn((), move |_: &mut (), _: &mut ()| {
        while g2.load(Ordering::SeqCst) == 0 {
            std::hint::spin_loop();
        }
    });
    busy.send(());
    std::thread::sleep(Duration::from_millis(20));
    let dropped = Arc::new(AtomicUsize::new(0));
    let a = rt.spawn(Holder(None, dropped.clone()));
    let (handle, reply) = janus_runtime::reply_channel();
    a.send(reply);
    drop(a);
    gate.store(1, Ordering::SeqCst);
    assert_eq!(
        handle.wait_timeout(Duration::from_secs(20)).err(),
        Some(AskError::Stopped)
    );
}
