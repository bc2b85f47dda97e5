//! Shared helpers for the supervision tests: a logging child behaviour, a quiet runtime that
//! records supervisor events, and polling helpers.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use janus_runtime::supervise::{SupervisorEvent, SupervisorEventKind};
use janus_runtime::{Behavior, Config, Payload, Reply, Runtime, fail, silent_reporter};
use parking_lot::Mutex;

/// The shared event log: `start a`, `started a`, `stop a`, `stopped a`, `got a 3`, ...
#[derive(Clone, Default)]
pub struct Log(pub Arc<Mutex<Vec<String>>>);

impl Log {
    pub fn push(&self, s: String) {
        self.0.lock().push(s);
    }
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock())
    }
    pub fn snapshot(&self) -> Vec<String> {
        self.0.lock().clone()
    }
    pub fn len(&self) -> usize {
        self.0.lock().len()
    }
    /// Waits until the log holds `n` entries (generous limit), then takes them.
    pub fn take_n(&self, n: usize) -> Vec<String> {
        let ok = wait_until(Duration::from_secs(10), || self.len() >= n);
        let got = self.take();
        assert!(ok, "wanted {n} log entries, got {got:?}");
        got
    }
}

pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    cond()
}

/// A runtime printing nothing, whose supervisor events go to the returned list.
pub fn quiet_rt(workers: usize) -> (Runtime, Arc<Mutex<Vec<SupervisorEvent>>>) {
    let events: Arc<Mutex<Vec<SupervisorEvent>>> = Arc::default();
    let e2 = events.clone();
    let rt = Runtime::new(Config {
        workers,
        crash_reporter: silent_reporter(),
        supervisor_reporter: Arc::new(move |e: &SupervisorEvent| e2.lock().push(e.clone())),
        ..Config::default()
    });
    (rt, events)
}

/// The children's protocol.
pub enum Msg {
    Crash,
    Stop,
    /// Recorded as `got NAME n`, and kept.
    Put(u64),
    /// Answers what this incarnation was sent with `Put`.
    Seen(Reply<Vec<u64>>),
    /// Answers the incarnation's number (how many `on start`s this child had before it).
    Generation(Reply<usize>),
    /// Kept unanswered (an ask pending on this incarnation).
    Hold(Reply<u64>),
    /// Answers how many `Hold` replies this incarnation keeps.
    Holding(Reply<usize>),
}

/// A child that logs its lifecycle. `slow` makes `on start`/`on stop` sleep (suspending the
/// turn), to show that the supervisor waits for them to finish.
pub struct Child {
    pub name: &'static str,
    pub log: Log,
    pub slow: Option<Duration>,
    pub starts: Arc<AtomicUsize>,
    generation: usize,
    seen: Vec<u64>,
    held: Vec<Reply<u64>>,
}

impl Child {
    pub fn new(name: &'static str, log: &Log) -> Child {
        Child {
            name,
            log: log.clone(),
            slow: None,
            starts: Arc::default(),
            generation: 0,
            seen: Vec::new(),
            held: Vec::new(),
        }
    }
    pub fn slow(mut self, d: Duration) -> Child {
        self.slow = Some(d);
        self
    }
    pub fn counting(mut self, starts: &Arc<AtomicUsize>) -> Child {
        self.starts = starts.clone();
        self
    }
}

impl Behavior for Child {
    type Msg = Msg;
    const NAME: &'static str = "child";
    fn on_start(&mut self) {
        self.generation = self.starts.fetch_add(1, Ordering::SeqCst);
        self.log.push(format!("start {}", self.name));
        if let Some(d) = self.slow {
            janus_runtime::sleep(d);
            self.log.push(format!("started {}", self.name));
        }
    }
    fn handle(&mut self, m: &mut Msg) {
        match m {
            Msg::Crash => fail("boom", "t.jan:1:1"),
            Msg::Stop => {
                janus_runtime::stop();
            }
            Msg::Put(n) => {
                self.log.push(format!("got {} {n}", self.name));
                self.seen.push(*n);
            }
            Msg::Seen(r) => r.send(self.seen.clone()),
            Msg::Generation(r) => r.send(self.generation),
            Msg::Hold(r) => self.held.push(r.clone()),
            Msg::Holding(r) => r.send(self.held.len()),
        }
    }
    fn on_stop(&mut self) {
        self.log.push(format!("stop {}", self.name));
        if let Some(d) = self.slow {
            janus_runtime::sleep(d);
            self.log.push(format!("stopped {}", self.name));
        }
    }
}

/// A message payload for raw stable references.
pub fn payload(m: Msg) -> Payload {
    Payload::new(m)
}

/// The restart events' child names, in order.
pub fn restarted(events: &Mutex<Vec<SupervisorEvent>>) -> Vec<String> {
    events
        .lock()
        .iter()
        .map(|e| match &e.kind {
            SupervisorEventKind::Restart { child, .. } => format!("{}/{child}", e.supervisor),
            SupervisorEventKind::Escalation { .. } => format!("{}!", e.supervisor),
        })
        .collect()
}
