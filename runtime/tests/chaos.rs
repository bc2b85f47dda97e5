//! Randomized stress: actors forwarding, asking each other (cycles included), sleeping, crashing
//! and stopping at random. Checks that nothing hangs or aborts, every ask ends in a defined
//! outcome, exits are accounted for, and the runtime still answers afterwards.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use janus_runtime::{ActorRef, AskError, Behavior, Reply, fail, sleep, stop};

enum M {
    Work(u32),
    Ask(u32, Reply<u32>),
}

#[derive(Default)]
struct Stats {
    handled: AtomicUsize,
    work: AtomicUsize,
    ok: AtomicUsize,
    timeout: AtomicUsize,
    stopped: AtomicUsize,
    exits: AtomicUsize,
}

struct Node<const CAP: u32> {
    rng: u64,
    /// Whether to crash and stop at random (else every token must complete).
    failures: bool,
    peers: Arc<OnceLock<Vec<ActorRef<M>>>>,
    stats: Arc<Stats>,
}

impl<const CAP: u32> Node<CAP> {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn peer(&mut self) -> Option<ActorRef<M>> {
        let n = self.next() as usize;
        let peers = self.peers.get()?;
        peers.get(n % peers.len()).cloned()
    }
}

impl<const CAP: u32> Behavior for Node<CAP> {
    type Msg = M;
    const MAILBOX: u32 = CAP;
    fn handle(&mut self, m: &mut M) {
        self.stats.handled.fetch_add(1, Ordering::Relaxed);
        if let M::Work(_) = m {
            self.stats.work.fetch_add(1, Ordering::Relaxed);
        }
        match m {
            M::Work(0) => {}
            M::Work(ttl) => {
                let ttl = *ttl - 1;
                let r = self.next() % 100;
                if r < 50 {
                    if let Some(p) = self.peer() {
                        p.send(M::Work(ttl));
                    }
                } else if r < 70 {
                    if let Some(p) = self.peer() {
                        match p.ask_timeout(|rep| M::Ask(ttl, rep), Duration::from_millis(20)) {
                            Ok(_) => self.stats.ok.fetch_add(1, Ordering::Relaxed),
                            Err(AskError::Timeout) => {
                                self.stats.timeout.fetch_add(1, Ordering::Relaxed)
                            }
                            Err(AskError::Stopped) => {
                                self.stats.stopped.fetch_add(1, Ordering::Relaxed)
                            }
                            Err(AskError::Unreachable) => {
                                panic!("Unreachable is never produced locally")
                            }
                        };
                        p.send(M::Work(ttl));
                    }
                } else if r < 80 {
                    sleep(Duration::from_micros(self.next() % 500));
                    if let Some(p) = self.peer() {
                        p.send(M::Work(ttl));
                    }
                } else if r < 81 && self.failures {
                    fail("random crash", "chaos.jan:1:1");
                } else if r < 82 && self.failures {
                    stop();
                } else if r < 90 {
                    // Plain-thread style hop through the global injector path: spawn-free forward.
                    if let Some(p) = self.peer() {
                        p.send(M::Work(ttl));
                    }
                } else {
                    let me = janus_runtime::current_actor_ref().expect("in an actor");
                    // SAFETY: this actor's protocol is M.
                    let me: ActorRef<M> = unsafe { ActorRef::from_raw(me) };
                    me.send(M::Work(ttl));
                }
            }
            M::Ask(ttl, rep) => {
                let r = self.next() % 100;
                if r < 5 {
                    // forget it: the asker times out
                } else if r < 7 && self.failures {
                    fail("crash while holding an ask", "chaos.jan:2:2");
                } else {
                    rep.send(*ttl);
                }
            }
        }
    }
}

/// Spawns `n` nodes, injects `tokens` work items of `ttl` hops and runs until quiet.
fn run<const CAP: u32>(
    n: usize,
    tokens: usize,
    ttl: u32,
    failures: bool,
) -> (Arc<Stats>, Vec<ActorRef<M>>, janus_runtime::Runtime) {
    let rt = common::rt();
    let stats = Arc::new(Stats::default());
    let peers: Arc<OnceLock<Vec<ActorRef<M>>>> = Arc::default();
    let nodes: Vec<ActorRef<M>> = (0..n)
        .map(|i| {
            let a = rt.spawn(Node::<CAP> {
                rng: 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1),
                failures,
                peers: peers.clone(),
                stats: stats.clone(),
            });
            let s = stats.clone();
            a.on_exit(move |_| {
                s.exits.fetch_add(1, Ordering::SeqCst);
            });
            a
        })
        .collect();
    assert!(peers.set(nodes.clone()).is_ok());
    for i in 0..tokens {
        nodes[i % n].send(M::Work(ttl));
    }
    let want = if failures {
        usize::MAX
    } else {
        tokens * (ttl as usize + 1)
    };
    // Run until every token is done, or quiet (no handler for 500 ms), or 20 s.
    let t0 = Instant::now();
    let mut last = 0;
    let mut quiet_since = Instant::now();
    while t0.elapsed() < Duration::from_secs(20) && stats.work.load(Ordering::Relaxed) < want {
        std::thread::sleep(Duration::from_millis(10));
        let h = stats.handled.load(Ordering::Relaxed);
        if h != last {
            last = h;
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() > Duration::from_millis(500) {
            break;
        }
    }
    eprintln!(
        "chaos (failures: {failures}): {} handled ({} work), asks ok {} timeout {} stopped {}, {} exits",
        stats.handled.load(Ordering::Relaxed),
        stats.work.load(Ordering::Relaxed),
        stats.ok.load(Ordering::Relaxed),
        stats.timeout.load(Ordering::Relaxed),
        stats.stopped.load(Ordering::Relaxed),
        stats.exits.load(Ordering::SeqCst),
    );
    if !failures && stats.work.load(Ordering::Relaxed) < want {
        for (i, a) in nodes.iter().enumerate() {
            let (len, waiters, scheduled, dead) = a.raw().debug_state();
            if len > 0 || waiters > 0 {
                eprintln!(
                    "  node {i}: {len} queued, {waiters} blocked senders, scheduled {scheduled}, dead {dead}"
                );
            }
        }
    }
    (stats, nodes, rt)
}

#[test]
fn random_traffic_without_failures_delivers_every_hop() {
    // Large mailboxes: with small ones, two actors each blocked sending to the other's full
    // mailbox is a deadlock of the *program* (the dialect's blocking send), not of the runtime.
    let (stats, _nodes, rt) = run::<1024>(64, 64, 40, false);
    assert_eq!(
        stats.work.load(Ordering::Relaxed),
        64 * 41,
        "a message or a wake-up was lost"
    );
    assert_eq!(stats.stopped.load(Ordering::Relaxed), 0);
    let echo = rt.spawn_fn((), |_: &mut (), r: &mut Reply<u8>| r.send(9));
    assert_eq!(echo.ask_timeout(|r| r, Duration::from_secs(10)), Ok(9));
}

#[test]
fn random_traffic_with_crashes_and_stops_survives() {
    let n = 64;
    // Small mailboxes: senders wait a lot (and may deadlock in cycles, which must not matter).
    let (stats, nodes, rt) = run::<8>(n, 300, 30, true);
    let exits = stats.exits.load(Ordering::SeqCst);
    let alive = nodes.iter().filter(|a| a.is_alive()).count();
    assert!(stats.handled.load(Ordering::Relaxed) > 300);
    assert!(exits > 0);
    assert_eq!(
        exits + alive,
        n,
        "every ended actor reported exactly one exit"
    );
    // Still responsive afterwards.
    let echo = rt.spawn_fn((), |_: &mut (), r: &mut Reply<u8>| r.send(9));
    assert_eq!(echo.ask_timeout(|r| r, Duration::from_secs(10)), Ok(9));
}
