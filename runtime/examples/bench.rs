//! Runtime micro-benchmarks with a tokio current-thread baseline: ping-pong, thread ring, ask,
//! fan-in (8 producers into one bounded mailbox) and spawn (spawn, one ask, stop).
//!
//! Run: `cargo run --release -p janus-runtime --example bench [-- SCALE [janus]]` (SCALE divides
//! the counts, default 1; `janus` skips the baselines, for profiling). Prints one line per
//! figure: the rate for Janus and for tokio, and the ratio (> 1 means the Janus runtime is
//! faster). Each figure is the best of 3 runs.

use std::time::{Duration, Instant};

use janus_runtime::{ActorRef, Behavior, Config, Reply, Runtime};

// ---------------------------------------------------------------- ping-pong

enum Ping {
    SetPeer(ActorRef<Ping>),
    Start(u64, Reply<u64>),
    Ball(u64),
}

struct Player {
    peer: Option<ActorRef<Ping>>,
    left: u64,
    done: Option<Reply<u64>>,
}

impl Behavior for Player {
    type Msg = Ping;
    fn handle(&mut self, m: &mut Ping) {
        match m {
            Ping::SetPeer(p) => self.peer = Some(p.clone()),
            Ping::Start(n, r) => {
                self.left = *n;
                self.done = Some(r.clone());
                if let Some(p) = &self.peer {
                    p.send(Ping::Ball(0));
                }
            }
            Ping::Ball(k) => {
                if self.done.is_some() {
                    // The initiator: one round trip completed.
                    self.left -= 1;
                    if self.left == 0 {
                        if let Some(r) = self.done.take() {
                            r.send(*k);
                        }
                        return;
                    }
                }
                if let Some(p) = &self.peer {
                    p.send(Ping::Ball(*k + 1));
                }
            }
        }
    }
}

fn janus_pingpong(rt: &Runtime, n: u64) -> Duration {
    let a = rt.spawn(Player {
        peer: None,
        left: 0,
        done: None,
    });
    let b = rt.spawn(Player {
        peer: None,
        left: 0,
        done: None,
    });
    a.send(Ping::SetPeer(b.clone()));
    b.send(Ping::SetPeer(a.clone()));
    let t0 = Instant::now();
    let r = a.ask_timeout(|r| Ping::Start(n, r), Duration::from_secs(600));
    let el = t0.elapsed();
    assert!(r.is_ok(), "ping-pong failed: {r:?}");
    el
}

async fn tokio_pingpong(n: u64) -> Duration {
    let (to_b, mut b_rx) = tokio::sync::mpsc::channel::<u64>(1024);
    let (to_a, mut a_rx) = tokio::sync::mpsc::channel::<u64>(1024);
    tokio::spawn(async move {
        while let Some(k) = b_rx.recv().await {
            if to_a.send(k + 1).await.is_err() {
                break;
            }
        }
    });
    let t0 = Instant::now();
    let a = tokio::spawn(async move {
        let mut left = n;
        to_b.send(0).await.ok();
        while let Some(k) = a_rx.recv().await {
            left -= 1;
            if left == 0 {
                return k;
            }
            to_b.send(k + 1).await.ok();
        }
        0
    });
    a.await.ok();
    t0.elapsed()
}

// ---------------------------------------------------------------- thread ring

enum Ring {
    Link(ActorRef<Ring>),
    Token(u64),
    Watch(Reply<u64>),
}

struct Node {
    next: Option<ActorRef<Ring>>,
    watch: Option<Reply<u64>>,
}

impl Behavior for Node {
    type Msg = Ring;
    fn handle(&mut self, m: &mut Ring) {
        match m {
            Ring::Link(n) => self.next = Some(n.clone()),
            Ring::Watch(r) => self.watch = Some(r.clone()),
            Ring::Token(0) => {
                if let Some(w) = self.watch.take() {
                    w.send(0);
                }
            }
            Ring::Token(k) => {
                if let Some(n) = &self.next {
                    n.send(Ring::Token(*k - 1));
                }
            }
        }
    }
}

fn janus_ring(rt: &Runtime, actors: usize, hops: u64) -> Duration {
    let nodes: Vec<ActorRef<Ring>> = (0..actors)
        .map(|_| {
            rt.spawn(Node {
                next: None,
                watch: None,
            })
        })
        .collect();
    for i in 0..actors {
        nodes[i].send(Ring::Link(nodes[(i + 1) % actors].clone()));
    }
    let (first, rest) = nodes.split_first().expect("actors > 0");
    let t0 = Instant::now();
    // Every node gets a copy of the same reply channel; whoever sees Token(0) answers.
    let res = first.ask_timeout(
        |r| {
            for n in rest {
                n.send(Ring::Watch(r.clone()));
            }
            first.send(Ring::Watch(r));
            Ring::Token(hops)
        },
        Duration::from_secs(600),
    );
    let el = t0.elapsed();
    assert!(res.is_ok(), "ring failed: {res:?}");
    el
}

async fn tokio_ring(actors: usize, hops: u64) -> Duration {
    let mut txs = Vec::new();
    let mut rxs = Vec::new();
    for _ in 0..actors {
        let (tx, rx) = tokio::sync::mpsc::channel::<u64>(1024);
        txs.push(tx);
        rxs.push(rx);
    }
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
    let mut done_tx = Some(done_tx);
    let first = txs[0].clone();
    for (i, mut rx) in rxs.into_iter().enumerate() {
        let next = txs[(i + 1) % actors].clone();
        let done = if i == 0 { done_tx.take() } else { None };
        let mut done = done;
        tokio::spawn(async move {
            while let Some(k) = rx.recv().await {
                if k == 0 {
                    if let Some(d) = done.take() {
                        let _ = d.send(());
                    }
                    // Any node may see 0; make sure the watcher is told.
                    continue;
                }
                if next.send(k - 1).await.is_err() {
                    break;
                }
            }
        });
    }
    drop(txs);
    let t0 = Instant::now();
    // Start at node 0 with a hop count that ends at node 0: hops is a multiple of actors.
    first.send(hops).await.ok();
    done_rx.await.ok();
    t0.elapsed()
}

// ---------------------------------------------------------------- ask round trips

fn janus_ask(rt: &Runtime, n: u64) -> Duration {
    let echo = rt.spawn_fn((), |_: &mut (), m: &mut (u64, Option<Reply<u64>>)| {
        if let Some(r) = m.1.take() {
            r.send(m.0);
        }
    });
    let t0 = Instant::now();
    let r = rt.block_on(move || {
        let mut s = 0;
        for i in 0..n {
            s += echo.ask(|r| (i, Some(r))).unwrap_or(0);
        }
        s
    });
    assert!(r.is_ok());
    t0.elapsed()
}

async fn tokio_ask(n: u64) -> Duration {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(u64, tokio::sync::oneshot::Sender<u64>)>(1024);
    tokio::spawn(async move {
        while let Some((v, r)) = rx.recv().await {
            let _ = r.send(v);
        }
    });
    let t0 = Instant::now();
    let mut s = 0;
    for i in 0..n {
        let (otx, orx) = tokio::sync::oneshot::channel();
        tx.send((i, otx)).await.ok();
        s += orx.await.unwrap_or(0);
    }
    std::hint::black_box(s);
    t0.elapsed()
}

// ---------------------------------------------------------------- fan-in

enum Count {
    One,
    Done(Reply<u64>),
}

struct Counter {
    n: u64,
    want: u64,
    done: Option<Reply<u64>>,
}

impl Behavior for Counter {
    type Msg = Count;
    fn handle(&mut self, m: &mut Count) {
        match m {
            Count::One => self.n += 1,
            Count::Done(r) => self.done = Some(r.clone()),
        }
        if self.n == self.want
            && let Some(r) = self.done.take()
        {
            r.send(self.n);
        }
    }
}

struct Producer {
    to: ActorRef<Count>,
    n: u64,
}

impl Behavior for Producer {
    type Msg = ();
    fn handle(&mut self, _: &mut ()) {
        for _ in 0..self.n {
            self.to.send(Count::One); // waits while the counter's mailbox (1024) is full
        }
    }
}

fn janus_fan_in(rt: &Runtime, producers: u64, total: u64) -> Duration {
    let counter = rt.spawn(Counter {
        n: 0,
        want: total,
        done: None,
    });
    let ps: Vec<_> = (0..producers)
        .map(|_| {
            rt.spawn(Producer {
                to: counter.clone(),
                n: total / producers,
            })
        })
        .collect();
    let t0 = Instant::now();
    let r = counter.ask_timeout(
        |r| {
            for p in &ps {
                p.send(());
            }
            Count::Done(r)
        },
        Duration::from_secs(600),
    );
    let el = t0.elapsed();
    assert_eq!(r, Ok(total), "fan-in lost messages");
    el
}

async fn tokio_fan_in(producers: u64, total: u64) -> Duration {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u64>(1024);
    let t0 = Instant::now();
    for _ in 0..producers {
        let tx = tx.clone();
        tokio::spawn(async move {
            for _ in 0..total / producers {
                if tx.send(1).await.is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let mut n = 0;
    while let Some(k) = rx.recv().await {
        n += k;
    }
    assert_eq!(n, total);
    t0.elapsed()
}

// ---------------------------------------------------------------- spawn

enum SpawnMsg {
    Run(u64, Reply<u64>),
}

struct Spawner;

impl Behavior for Spawner {
    type Msg = SpawnMsg;
    fn handle(&mut self, m: &mut SpawnMsg) {
        let SpawnMsg::Run(n, r) = m;
        // Spawn n children, each answers one ask from its `on start` and stops.
        let mut sum = 0;
        for _ in 0..*n {
            let child = janus_runtime::spawn(FnActorAsk).expect("in an actor");
            sum += child.ask(|rep| rep).unwrap_or(0);
        }
        r.send(sum);
    }
}

/// Answers the first ask and stops.
struct FnActorAsk;
impl Behavior for FnActorAsk {
    type Msg = Reply<u64>;
    fn handle(&mut self, r: &mut Reply<u64>) {
        r.send(1);
        janus_runtime::stop();
    }
}

fn janus_spawn(rt: &Runtime, n: u64) -> Duration {
    let s = rt.spawn(Spawner);
    let t0 = Instant::now();
    let r = s.ask_timeout(|r| SpawnMsg::Run(n, r), Duration::from_secs(600));
    let el = t0.elapsed();
    assert_eq!(r, Ok(n));
    el
}

async fn tokio_spawn(n: u64) -> Duration {
    let t0 = Instant::now();
    let mut sum = 0;
    for _ in 0..n {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<tokio::sync::oneshot::Sender<u64>>(1024);
        tokio::spawn(async move {
            if let Some(r) = rx.recv().await {
                let _ = r.send(1);
            }
        });
        let (otx, orx) = tokio::sync::oneshot::channel();
        tx.send(otx).await.ok();
        sum += orx.await.unwrap_or(0);
    }
    assert_eq!(sum, n);
    t0.elapsed()
}

fn rate(msgs: u64, d: Duration) -> f64 {
    msgs as f64 / d.as_secs_f64()
}

fn line(name: &str, count: u64, unit: &str, janus: Duration, tokio: Duration) {
    let (j, t) = (rate(count, janus), rate(count, tokio));
    println!(
        "{name:<36} janus {:>7.2} M {unit}/s ({:>6.1} ms)   tokio-ct {:>7.2} M {unit}/s ({:>6.1} ms)   ratio {:.2}x",
        j / 1e6,
        janus.as_secs_f64() * 1e3,
        t / 1e6,
        tokio.as_secs_f64() * 1e3,
        j / t
    );
}

fn main() {
    let scale: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .max(1);
    let only_janus = std::env::args().nth(2).as_deref() == Some("janus");
    let pp = 1_000_000 / scale;
    let ring_actors = 100;
    let hops = (1_000_000 / scale / ring_actors as u64) * ring_actors as u64;
    let asks = 200_000 / scale;
    let fan = (1_000_000 / scale / 8) * 8;
    let spawns = 100_000 / scale;
    let tok = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    // Each figure is the best of 3 runs: the machine is shared, and the best run is the least
    // disturbed one for both sides.
    let best = |f: &mut dyn FnMut() -> Duration| (0..3).map(|_| f()).min().unwrap_or_default();
    let figure = |name: String,
                  (count, unit): (u64, &str),
                  janus: &mut dyn FnMut() -> Duration,
                  tokio: &mut dyn FnMut() -> Duration| {
        let j = best(janus);
        let t = if only_janus {
            Duration::from_secs(1)
        } else {
            best(tokio)
        };
        line(&name, count, unit, j, t);
    };
    for workers in [1usize, 0] {
        let cfg = if workers == 0 {
            Config::default()
        } else {
            Config {
                workers,
                ..Config::default()
            }
        };
        let rt = Runtime::new(cfg);
        let w = rt.workers();
        // Warm up stack pools and allocators.
        let _ = janus_pingpong(&rt, 1000);
        figure(
            format!("ping-pong {}k round trips, {w}w", pp / 1000),
            (2 * pp, "msg"),
            &mut || janus_pingpong(&rt, pp),
            &mut || tok.block_on(tokio_pingpong(pp)),
        );
        figure(
            format!("thread ring {ring_actors} x {}k hops, {w}w", hops / 1000),
            (hops, "msg"),
            &mut || janus_ring(&rt, ring_actors, hops),
            &mut || tok.block_on(tokio_ring(ring_actors, hops)),
        );
        figure(
            format!("ask round trips {}k, {w}w", asks / 1000),
            (2 * asks, "msg"),
            &mut || janus_ask(&rt, asks),
            &mut || tok.block_on(tokio_ask(asks)),
        );
        figure(
            format!("fan-in 8 -> 1, {}k msgs, {w}w", fan / 1000),
            (fan, "msg"),
            &mut || janus_fan_in(&rt, 8, fan),
            &mut || tok.block_on(tokio_fan_in(8, fan)),
        );
        figure(
            format!("spawn + ask + stop, {}k actors, {w}w", spawns / 1000),
            (spawns, "actor"),
            &mut || janus_spawn(&rt, spawns),
            &mut || tok.block_on(tokio_spawn(spawns)),
        );
    }
}
