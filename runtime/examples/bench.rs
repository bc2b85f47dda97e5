//! Runtime micro-benchmarks with a tokio current-thread baseline: ping-pong, thread ring, ask.
//!
//! Run: `cargo run --release -p janus-runtime --example bench [-- SCALE [janus]]` (SCALE divides
//! the message counts, default 1; `janus` skips the baselines, for profiling). Prints one line per figure: msgs/s for Janus and tokio, and the
//! ratio (> 1 means the Janus runtime is faster). Each figure is the best of 3 runs.

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

fn rate(msgs: u64, d: Duration) -> f64 {
    msgs as f64 / d.as_secs_f64()
}

fn line(name: &str, msgs: u64, janus: Duration, tokio: Duration) {
    let (j, t) = (rate(msgs, janus), rate(msgs, tokio));
    println!(
        "{name:<34} janus {:>8.2} M msg/s ({:>7.1} ms)   tokio-ct {:>8.2} M msg/s ({:>7.1} ms)   ratio {:.2}x",
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
    let pp = 1_000_000 / scale;
    let ring_actors = 100;
    let hops = (1_000_000 / scale / ring_actors as u64) * ring_actors as u64;
    let asks = 200_000 / scale;
    let only_janus = std::env::args().nth(2).as_deref() == Some("janus");
    let tok = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("tokio runtime");
    let base = |d: Duration| {
        if only_janus {
            Duration::from_secs(1)
        } else {
            d
        }
    };
    // Each figure is the best of 3 interleaved runs: the machine is shared, and the best run is
    // the least disturbed one for both sides.
    let best = |f: &mut dyn FnMut() -> Duration| (0..3).map(|_| f()).min().unwrap_or_default();
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
        let j = best(&mut || janus_pingpong(&rt, pp));
        let t = if only_janus {
            base(Duration::ZERO)
        } else {
            best(&mut || tok.block_on(tokio_pingpong(pp)))
        };
        line(
            &format!("ping-pong {}k round trips, {w}w", pp / 1000),
            2 * pp,
            j,
            t,
        );
        let j = best(&mut || janus_ring(&rt, ring_actors, hops));
        let t = if only_janus {
            base(Duration::ZERO)
        } else {
            best(&mut || tok.block_on(tokio_ring(ring_actors, hops)))
        };
        line(
            &format!("thread ring {ring_actors} x {}k hops, {w}w", hops / 1000),
            hops,
            j,
            t,
        );
        let j = best(&mut || janus_ask(&rt, asks));
        let t = if only_janus {
            base(Duration::ZERO)
        } else {
            best(&mut || tok.block_on(tokio_ask(asks)))
        };
        line(
            &format!("ask round trips {}k, {w}w", asks / 1000),
            2 * asks,
            j,
            t,
        );
    }
}
