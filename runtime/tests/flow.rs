//! Backpressure (bounded mailboxes suspend the sender, never the worker) and per-sender order.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use janus_runtime::{ActorRef, Behavior, Reply, sleep};

/// Receives numbers slowly (each handler sleeps), capacity 4.
struct Slow {
    got: Arc<Mutex<Vec<u32>>>,
    handled: Arc<AtomicUsize>,
}
impl Behavior for Slow {
    type Msg = u32;
    const NAME: &'static str = "Slow";
    const MAILBOX: u32 = 4;
    fn handle(&mut self, n: &mut u32) {
        sleep(Duration::from_micros(500));
        self.got.lock().unwrap().push(*n);
        self.handled.fetch_add(1, Ordering::SeqCst);
    }
}

/// Sends 0..n to the target from its `on start`, recording how far the receiver had got.
struct Fast {
    target: ActorRef<u32>,
    n: u32,
    handled: Arc<AtomicUsize>,
    handled_when_done: Arc<AtomicUsize>,
    done: Arc<AtomicBool>,
}
impl Behavior for Fast {
    type Msg = ();
    const NAME: &'static str = "Fast";
    fn on_start(&mut self) {
        for i in 0..self.n {
            self.target.send(i);
        }
        self.handled_when_done
            .store(self.handled.load(Ordering::SeqCst), Ordering::SeqCst);
        self.done.store(true, Ordering::SeqCst);
    }
    fn handle(&mut self, _: &mut ()) {}
}

#[test]
fn full_mailbox_suspends_the_sender_not_the_worker() {
    // One worker: if a full mailbox blocked the worker thread, nothing could drain it.
    let rt = common::rt_with(1);
    let got = Arc::new(Mutex::new(vec![]));
    let handled = Arc::new(AtomicUsize::new(0));
    let slow = rt.spawn(Slow {
        got: got.clone(),
        handled: handled.clone(),
    });
    let echo = rt.spawn_fn((), |_: &mut (), r: &mut Reply<u32>| r.send(7));
    let n = 300;
    let handled_when_done = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let _fast = rt.spawn(Fast {
        target: slow.clone(),
        n,
        handled: handled.clone(),
        handled_when_done: handled_when_done.clone(),
        done: done.clone(),
    });
    // While the sender is held back, another actor on the same (only) worker keeps answering.
    let mut answers = 0;
    let mut max_len = 0;
    while !done.load(Ordering::SeqCst) {
        assert_eq!(echo.ask(|r| r), Ok(7));
        answers += 1;
        max_len = max_len.max(slow.mailbox_len());
    }
    assert!(answers > 0);
    assert!(max_len <= 4, "mailbox grew to {max_len}");
    // The sender finished only once the receiver had taken all but at most a mailbox's worth.
    let at_done = handled_when_done.load(Ordering::SeqCst);
    assert!(
        at_done + 4 + 1 >= n as usize,
        "sender finished early: receiver had handled {at_done}"
    );
    assert!(common::wait_until(Duration::from_secs(20), || handled
        .load(Ordering::SeqCst)
        == n as usize));
    assert_eq!(
        *got.lock().unwrap(),
        (0..n).collect::<Vec<_>>(),
        "lost or reordered"
    );
    eprintln!("backpressure: {answers} asks answered on the same worker while the sender waited");
}

#[test]
fn plain_thread_sender_blocks_on_a_full_mailbox_and_loses_nothing() {
    let rt = common::rt();
    let got = Arc::new(Mutex::new(vec![]));
    let handled = Arc::new(AtomicUsize::new(0));
    let slow = rt.spawn(Slow {
        got: got.clone(),
        handled: handled.clone(),
    });
    for i in 0..100 {
        slow.send(i);
        assert!(slow.mailbox_len() <= 4);
    }
    assert!(common::wait_until(Duration::from_secs(20), || handled
        .load(Ordering::SeqCst)
        == 100));
    assert_eq!(*got.lock().unwrap(), (0..100).collect::<Vec<_>>());
}

/// Checks per-sender order: messages are (sender, seq).
struct Checker {
    next: Vec<u32>,
    errors: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}
impl Behavior for Checker {
    type Msg = (usize, u32);
    const MAILBOX: u32 = 16;
    fn handle(&mut self, m: &mut (usize, u32)) {
        let (s, seq) = *m;
        if self.next[s] != seq {
            self.errors.fetch_add(1, Ordering::SeqCst);
        }
        self.next[s] = seq + 1;
        self.total.fetch_add(1, Ordering::SeqCst);
    }
}

struct Sender {
    me: usize,
    n: u32,
    to: ActorRef<(usize, u32)>,
}
impl Behavior for Sender {
    type Msg = ();
    fn on_start(&mut self) {
        for i in 0..self.n {
            self.to.send((self.me, i));
        }
    }
    fn handle(&mut self, _: &mut ()) {}
}

#[test]
fn per_sender_order_under_many_senders() {
    let rt = common::rt();
    let actors = 16;
    let threads = 2;
    let n = 2000u32;
    let errors = Arc::new(AtomicUsize::new(0));
    let total = Arc::new(AtomicUsize::new(0));
    let checker = rt.spawn(Checker {
        next: vec![0; actors + threads],
        errors: errors.clone(),
        total: total.clone(),
    });
    for s in 0..actors {
        rt.spawn(Sender {
            me: s,
            n,
            to: checker.clone(),
        });
    }
    let hs: Vec<_> = (0..threads)
        .map(|t| {
            let c = checker.clone();
            std::thread::spawn(move || {
                for i in 0..n {
                    c.send((actors + t, i));
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    let want = (actors + threads) * n as usize;
    assert!(
        common::wait_until(Duration::from_secs(25), || total.load(Ordering::SeqCst)
            == want),
        "got {}",
        total.load(Ordering::SeqCst)
    );
    assert_eq!(errors.load(Ordering::SeqCst), 0);
}

#[test]
fn self_send_never_waits_even_when_full() {
    let rt = common::rt_with(1);
    let total = Arc::new(AtomicUsize::new(0));
    let t2 = total.clone();
    struct Selfish {
        total: Arc<AtomicUsize>,
    }
    impl Behavior for Selfish {
        type Msg = u32;
        const MAILBOX: u32 = 2;
        fn handle(&mut self, n: &mut u32) {
            self.total.fetch_add(1, Ordering::SeqCst);
            if *n == 0 {
                let me = janus_runtime::current_actor_ref().expect("in an actor");
                // SAFETY: this actor's protocol is u32.
                let me: ActorRef<u32> = unsafe { ActorRef::from_raw(me) };
                for i in 1..=50 {
                    me.send(i); // beyond the bound of 2: must not suspend (it would deadlock)
                }
            }
        }
    }
    let a = rt.spawn(Selfish { total: t2 });
    a.send(0);
    assert!(common::wait_until(Duration::from_secs(10), || total
        .load(Ordering::SeqCst)
        == 51));
}
