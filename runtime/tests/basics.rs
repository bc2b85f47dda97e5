//! Counter send/ask, lifecycle order, stop semantics, main as an actor.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use janus_runtime::{AskError, Behavior, Reply, stop};

enum CounterMsg {
    Increment,
    Add(i64),
    Get(Reply<i64>),
    Stop,
}

struct Counter {
    count: i64,
    log: Arc<Mutex<Vec<String>>>,
}

impl Behavior for Counter {
    type Msg = CounterMsg;
    const NAME: &'static str = "Counter";
    fn on_start(&mut self) {
        self.log
            .lock()
            .unwrap()
            .push(format!("start {}", self.count));
    }
    fn handle(&mut self, msg: &mut CounterMsg) {
        match msg {
            CounterMsg::Increment => self.count += 1,
            CounterMsg::Add(n) => self.count += *n,
            CounterMsg::Get(r) => r.send(self.count),
            CounterMsg::Stop => {
                stop();
            }
        }
    }
    fn on_stop(&mut self) {
        self.log
            .lock()
            .unwrap()
            .push(format!("stop {}", self.count));
    }
}

#[test]
fn counter_send_and_ask() {
    let rt = common::rt();
    let log = Arc::new(Mutex::new(vec![]));
    let c = rt.spawn(Counter {
        count: 10,
        log: log.clone(),
    });
    c.send(CounterMsg::Increment);
    c.send(CounterMsg::Add(5));
    assert_eq!(c.ask(CounterMsg::Get), Ok(16));
    for _ in 0..1000 {
        c.send(CounterMsg::Increment);
    }
    assert_eq!(
        c.ask_timeout(CounterMsg::Get, Duration::from_secs(10)),
        Ok(1016)
    );
    c.send(CounterMsg::Stop);
    assert!(common::wait_until(Duration::from_secs(10), || !c.is_alive()));
    assert_eq!(
        *log.lock().unwrap(),
        vec!["start 10".to_string(), "stop 1016".to_string()]
    );
    // After the end: send is dropped, ask fails at once with Stopped.
    c.send(CounterMsg::Increment);
    assert_eq!(c.ask(CounterMsg::Get), Err(AskError::Stopped));
}

#[test]
fn queued_messages_are_dropped_on_stop_and_their_asks_get_stopped() {
    let rt = common::rt();
    let log = Arc::new(Mutex::new(vec![]));
    let c = rt.spawn(Counter { count: 0, log });
    // Stop and a queued ask race from another thread: the ask must end Stopped or answered,
    // never hang until its timeout.
    let c2 = c.clone();
    c.send(CounterMsg::Stop);
    let r = c2.ask_timeout(CounterMsg::Get, Duration::from_secs(30));
    assert!(matches!(r, Err(AskError::Stopped) | Ok(0)), "{r:?}");
}

#[test]
fn main_runs_as_an_actor_and_returns_its_value() {
    let rt = common::rt();
    let log = Arc::new(Mutex::new(vec![]));
    let l2 = log.clone();
    let r = rt.block_on(move || {
        let c = janus_runtime::spawn(Counter { count: 1, log: l2 }).expect("inside an actor");
        c.send(CounterMsg::Add(41));
        janus_runtime::sleep(Duration::from_millis(5));
        c.ask(CounterMsg::Get).unwrap_or(-1)
    });
    assert_eq!(r, Ok(42));
}

#[test]
fn crash_in_main_is_reported_as_err() {
    let rt = common::rt();
    let r: Result<(), _> = rt.block_on(|| janus_runtime::fail("boom", "main.jan:3:5"));
    let info = r.unwrap_err();
    assert_eq!(info.reason, "boom");
    assert_eq!(info.location, "main.jan:3:5");
    assert_eq!(
        janus_runtime::format_main_crash(&info),
        "main crashed: boom at main.jan:3:5"
    );
}

#[test]
fn closure_actor_and_messages_before_start_wait() {
    let rt = common::rt();
    let seen = Arc::new(Mutex::new(vec![]));
    let s2 = seen.clone();
    let a = rt.spawn_fn(
        0u32,
        move |n: &mut u32, m: &mut (u32, Option<Reply<u32>>)| {
            *n += 1;
            s2.lock().unwrap().push(m.0);
            if let Some(r) = m.1.take() {
                r.send(*n);
            }
        },
    );
    for i in 0..100 {
        a.send((i, None));
    }
    assert_eq!(a.ask(|r| (100, Some(r))), Ok(101));
    assert_eq!(*seen.lock().unwrap(), (0..=100).collect::<Vec<_>>());
}
