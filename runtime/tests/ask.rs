//! Ask/reply: timeouts, Stopped on stop/crash (queued and held asks), double replies, ask cycles.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use janus_runtime::{AskError, Behavior, ExitReason, Reply, fail, sleep};

enum Msg {
    /// Keep the reply without answering.
    Hold(Reply<u32>),
    /// Answer every held reply now.
    AnswerHeld(u32),
    /// Answer twice.
    Twice(Reply<u32>),
    /// Drop the reply unanswered (actor stays alive).
    DropIt(#[allow(dead_code)] Reply<u32>),
    /// Answer right away.
    Echo(u32, Reply<u32>),
    /// Sleep, then crash.
    SlowCrash(Duration),
}

#[derive(Default)]
struct Server {
    held: Vec<Reply<u32>>,
}

impl Behavior for Server {
    type Msg = Msg;
    const NAME: &'static str = "Server";
    fn handle(&mut self, msg: &mut Msg) {
        match msg {
            Msg::Hold(r) => self.held.push(r.clone()),
            Msg::AnswerHeld(v) => {
                for r in self.held.drain(..) {
                    r.send(*v);
                }
            }
            Msg::Twice(r) => {
                r.send(1);
                r.send(2);
            }
            Msg::DropIt(_) => {}
            Msg::Echo(v, r) => r.send(*v),
            Msg::SlowCrash(d) => {
                sleep(*d);
                fail("crash on purpose", "server.jan:7:9");
            }
        }
    }
}

#[test]
fn ask_times_out_and_a_late_answer_is_dropped() {
    let rt = common::rt();
    let s = rt.spawn(Server::default());
    let t0 = Instant::now();
    assert_eq!(
        s.ask_timeout(Msg::Hold, Duration::from_millis(50)),
        Err(AskError::Timeout)
    );
    assert!(t0.elapsed() >= Duration::from_millis(50));
    // The late answer goes nowhere and the server is fine.
    s.send(Msg::AnswerHeld(7));
    assert_eq!(s.ask(|r| Msg::Echo(3, r)), Ok(3));
    assert!(s.is_alive());
}

#[test]
fn ask_to_an_ended_actor_fails_at_once_with_stopped() {
    let rt = common::rt();
    let s = rt.spawn(Server::default());
    s.send(Msg::SlowCrash(Duration::ZERO));
    assert!(common::wait_until(Duration::from_secs(10), || !s.is_alive()));
    let t0 = Instant::now();
    assert_eq!(
        s.ask_timeout(|r| Msg::Echo(1, r), Duration::from_secs(20)),
        Err(AskError::Stopped)
    );
    assert!(t0.elapsed() < Duration::from_secs(5));
}

#[test]
fn queued_and_held_asks_get_stopped_when_the_actor_crashes() {
    let rt = common::rt();
    let s = rt.spawn(Server::default());
    let exit = Arc::new(Mutex::new(None));
    let e2 = exit.clone();
    s.on_exit(move |e| *e2.lock().unwrap() = Some(e.reason.clone()));
    // One held reply in the state, then a slow crash, then queued asks behind it.
    let held = {
        let s = s.clone();
        std::thread::spawn(move || s.ask_timeout(Msg::Hold, Duration::from_secs(30)))
    };
    assert!(common::wait_until(Duration::from_secs(10), || s
        .mailbox_len()
        == 0));
    s.send(Msg::SlowCrash(Duration::from_millis(100)));
    let t0 = Instant::now();
    let askers: Vec<_> = (0..8)
        .map(|i| {
            let s = s.clone();
            std::thread::spawn(move || s.ask_timeout(|r| Msg::Echo(i, r), Duration::from_secs(30)))
        })
        .collect();
    for a in askers {
        assert_eq!(a.join().unwrap(), Err(AskError::Stopped));
    }
    assert_eq!(held.join().unwrap(), Err(AskError::Stopped));
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "asks waited for their timeout"
    );
    // The exit hook runs after the queue was dropped; wait for it.
    assert!(common::wait_until(Duration::from_secs(10), || exit
        .lock()
        .unwrap()
        .is_some()));
    let reason = exit.lock().unwrap().clone();
    match reason {
        Some(ExitReason::Crashed(info)) => {
            assert_eq!(info.reason, "crash on purpose");
            assert_eq!(info.location, "server.jan:7:9");
        }
        other => panic!("unexpected exit {other:?}"),
    }
}

#[test]
fn double_reply_crashes_the_replier() {
    let rt = common::rt();
    let s = rt.spawn(Server::default());
    let exit = Arc::new(Mutex::new(None));
    let e2 = exit.clone();
    s.on_exit(move |e| *e2.lock().unwrap() = Some(e.reason.clone()));
    assert_eq!(s.ask(Msg::Twice), Ok(1));
    assert!(common::wait_until(Duration::from_secs(10), || exit
        .lock()
        .unwrap()
        .is_some()));
    match exit.lock().unwrap().clone() {
        Some(ExitReason::Crashed(info)) => assert_eq!(info.reason, "reply sent twice"),
        other => panic!("unexpected exit {other:?}"),
    }
    assert_eq!(s.ask(|r| Msg::Echo(1, r)), Err(AskError::Stopped));
}

#[test]
fn a_reply_dropped_by_a_live_actor_leaves_the_asker_to_its_timeout() {
    let rt = common::rt();
    let s = rt.spawn(Server::default());
    assert_eq!(
        s.ask_timeout(Msg::DropIt, Duration::from_millis(30)),
        Err(AskError::Timeout)
    );
    assert!(s.is_alive());
}

/// An actor that asks another actor from inside its handler.
struct Asker {
    peer: Option<janus_runtime::ActorRef<AskerMsg>>,
    timeout: Duration,
}
enum AskerMsg {
    SetPeer(janus_runtime::ActorRef<AskerMsg>),
    /// Ask the peer for Ping; answer with what came back.
    Go(Reply<Result<u32, AskError>>),
    Ping(Reply<u32>),
    /// Ask the peer for Relay: answer 0 on a timeout, else the peer's answer + 1.
    Relay(Reply<u32>),
}
impl Behavior for Asker {
    type Msg = AskerMsg;
    fn handle(&mut self, msg: &mut AskerMsg) {
        match msg {
            AskerMsg::SetPeer(p) => self.peer = Some(p.clone()),
            AskerMsg::Go(r) => {
                let res = match &self.peer {
                    Some(p) => p.ask_timeout(AskerMsg::Ping, self.timeout),
                    None => Err(AskError::Unreachable),
                };
                r.send(res);
            }
            AskerMsg::Ping(r) => r.send(99),
            AskerMsg::Relay(r) => {
                let res = match &self.peer {
                    Some(p) => p.ask_timeout(AskerMsg::Relay, self.timeout),
                    None => Err(AskError::Unreachable),
                };
                r.send(res.map_or(0, |v| v + 1));
            }
        }
    }
}

#[test]
fn ask_inside_a_handler_suspends_and_a_cycle_of_asks_times_out() {
    let rt = common::rt_with(1); // one worker: an ask that blocked the thread would deadlock
    let a = rt.spawn(Asker {
        peer: None,
        timeout: Duration::from_secs(10),
    });
    let b = rt.spawn(Asker {
        peer: None,
        timeout: Duration::from_millis(100),
    });
    a.send(AskerMsg::SetPeer(b.clone()));
    assert_eq!(a.ask(AskerMsg::Go), Ok(Ok(99)));
    // Cycle: a asks b, whose handler asks a back; a handles nothing while it waits, so b's ask
    // times out (b answers 0) and a answers 0 + 1.
    b.send(AskerMsg::SetPeer(a.clone()));
    let t0 = Instant::now();
    assert_eq!(a.ask(AskerMsg::Relay), Ok(1));
    assert!(t0.elapsed() >= Duration::from_millis(100));
}

#[test]
fn many_concurrent_asks_from_actors_all_answered() {
    let rt = common::rt();
    let s = rt.spawn(Server::default());
    let answered = Arc::new(AtomicUsize::new(0));
    let n = 50;
    let mut askers = vec![];
    for i in 0..n {
        let a = rt.spawn(Asker {
            peer: None,
            timeout: Duration::from_secs(10),
        });
        askers.push(a.clone());
        let _ = i;
    }
    let srv = s.clone();
    let ans = answered.clone();
    let r = rt.block_on(move || {
        for i in 0..200u32 {
            if srv.ask(|r| Msg::Echo(i, r)) == Ok(i) {
                ans.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    assert!(r.is_ok());
    assert_eq!(answered.load(Ordering::Relaxed), 200);
    for a in &askers {
        a.send(AskerMsg::SetPeer(a.clone()));
    }
}
