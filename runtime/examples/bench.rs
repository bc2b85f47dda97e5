//! The runtime's own benchmarks through its Rust API (no compiler involved), for profiling the
//! runtime: ping-pong, thread ring, ask round trips, fan-in counting, skynet, spawn rate, idle
//! memory. The project's benchmark suite — the same figures as Janus programs, each with its
//! plain-tokio baseline — is `janus-bench` in benches/suite (see benches/README.md); comparing
//! the two shows what the compiled code adds on top of the runtime.
//!
//! Run: `cargo run --release -p janus-runtime --example bench [-- SCALE [FILTER]]` (SCALE
//! divides the counts, default 1; FILTER runs only the figures whose name contains it). Prints
//! one line per figure, `NAME janus=X unit=U`; each timed figure is the best of 3 runs (the
//! machine is shared).

use std::time::{Duration, Instant};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

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

// ---------------------------------------------------------------- skynet

/// A skynet node: a leaf sends its number to its parent; an inner node spawns 10 children and
/// sends the sum of their 10 answers. Every node is a real actor (1,111,111 for 1 M leaves).
struct Sky {
    parent: ActorRef<u64>,
    num: u64,
    size: u64,
    sum: u64,
    got: u32,
}

impl Behavior for Sky {
    type Msg = u64;
    const MAILBOX: u32 = 16;
    fn on_start(&mut self) {
        if self.size == 1 {
            self.parent.send(self.num);
            janus_runtime::stop();
            return;
        }
        let me = janus_runtime::current_actor_ref().expect("in an actor");
        // SAFETY: Sky's protocol is u64.
        let me: ActorRef<u64> = unsafe { ActorRef::from_raw(me) };
        let sub = self.size / 10;
        for i in 0..10 {
            janus_runtime::spawn(Sky {
                parent: me.clone(),
                num: self.num + i * sub,
                size: sub,
                sum: 0,
                got: 0,
            })
            .expect("in an actor");
        }
    }
    fn handle(&mut self, v: &mut u64) {
        self.sum += *v;
        self.got += 1;
        if self.got == 10 {
            self.parent.send(self.sum);
            janus_runtime::stop();
        }
    }
}

fn janus_skynet(rt: &Runtime, leaves: u64) -> Duration {
    let (tx, rx) = std::sync::mpsc::channel::<u64>();
    let sink = rt.spawn_fn(tx, |tx: &mut std::sync::mpsc::Sender<u64>, v: &mut u64| {
        let _ = tx.send(*v);
    });
    let t0 = Instant::now();
    rt.spawn(Sky {
        parent: sink,
        num: 0,
        size: leaves,
        sum: 0,
        got: 0,
    });
    let sum = rx.recv().expect("skynet answer");
    let el = t0.elapsed();
    assert_eq!(sum, leaves * (leaves - 1) / 2, "skynet sum");
    el
}

// ---------------------------------------------------------------- spawn rate

/// Runs its first turn (init + on start), counts itself, and stops.
struct Once {
    count: Arc<AtomicUsize>,
    want: usize,
    done: std::sync::mpsc::Sender<()>,
}

impl Behavior for Once {
    type Msg = ();
    fn on_start(&mut self) {
        // Relaxed is enough: the last one only signals the channel, which synchronizes itself.
        if self.count.fetch_add(1, Ordering::Relaxed) + 1 == self.want {
            let _ = self.done.send(());
        }
        janus_runtime::stop();
    }
    fn handle(&mut self, _: &mut ()) {}
}

fn janus_spawn_rate(rt: &Runtime, n: usize) -> Duration {
    let (tx, rx) = std::sync::mpsc::channel();
    let count = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let spawner = rt.spawn_fn((), move |_: &mut (), _: &mut ()| {
        for _ in 0..n {
            janus_runtime::spawn(Once {
                count: count.clone(),
                want: n,
                done: tx.clone(),
            });
        }
    });
    spawner.send(());
    rx.recv().expect("spawn rate");
    t0.elapsed()
}

// ---------------------------------------------------------------- idle memory

fn rss_bytes() -> usize {
    let s = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = s
        .split_whitespace()
        .nth(1)
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// An idle actor with 8 bytes of state, after its first turn.
struct Idle {
    _n: u64,
    started: Arc<AtomicUsize>,
}
impl Behavior for Idle {
    type Msg = u64;
    fn on_start(&mut self) {
        // Relaxed: the main thread only polls the count.
        self.started.fetch_add(1, Ordering::Relaxed);
    }
    fn handle(&mut self, _: &mut u64) {}
}

/// Bytes of RSS per idle actor (in a fresh process: see `idle_figure`).
fn idle_janus(n: usize) -> f64 {
    let rt = Runtime::new(Config::default());
    let started = Arc::new(AtomicUsize::new(0));
    let _ = janus_pingpong(&rt, 1000); // warm up the stack pools
    let before = rss_bytes();
    let refs: Vec<ActorRef<u64>> = (0..n)
        .map(|i| {
            rt.spawn(Idle {
                _n: i as u64,
                started: started.clone(),
            })
        })
        .collect();
    while started.load(Ordering::Relaxed) < n {
        std::thread::sleep(Duration::from_millis(1));
    }
    let after = rss_bytes();
    assert_eq!(rt.live_actors(), n + 2);
    drop(refs);
    (after.saturating_sub(before)) as f64 / n as f64
}

/// Runs one idle-memory measurement in a child process (a fresh heap).
fn idle_child(n: usize) -> f64 {
    let exe = std::env::current_exe().expect("own path");
    let out = std::process::Command::new(exe)
        .args(["--idle", &n.to_string()])
        .output()
        .expect("run the idle-memory child");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(f64::NAN)
}

// ---------------------------------------------------------------- report

fn rate(count: u64, d: Duration) -> f64 {
    count as f64 / d.as_secs_f64()
}

/// One figure's line.
fn line(name: &str, unit: &str, janus: f64) {
    println!("{name:<34} janus={janus:<9.3} unit={unit}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--idle") {
        let n = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
        println!("{}", idle_janus(n));
        return;
    }
    let scale: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1).max(1);
    let filter = args.get(2).cloned().unwrap_or_default();
    let pp = 1_000_000 / scale;
    let ring_actors = 100;
    let hops = (1_000_000 / scale / ring_actors as u64) * ring_actors as u64;
    let asks = 200_000 / scale;
    let fan_senders = 100;
    let fan = (1_000_000 / scale / fan_senders) * fan_senders;
    let spawns = 100_000 / scale;
    let leaves = [1_000_000u64, 100_000, 10_000, 1_000, 100]
        .into_iter()
        .find(|l| *l <= 1_000_000 / scale)
        .unwrap_or(100);
    let idle_n = (100_000 / scale as usize).max(1000);
    // Best of 3: the machine is shared, and the best run is the least disturbed one.
    let best = |f: &mut dyn FnMut() -> Duration| (0..3).map(|_| f()).min().unwrap_or_default();
    let figure = |name: String, (count, unit): (u64, &str), janus: &mut dyn FnMut() -> Duration| {
        if name.contains(&filter) {
            line(&name, &format!("M{unit}/s"), rate(count, best(janus)) / 1e6);
        }
    };
    // JANUS_WORKERS overrides the worker count of the second pass (default: one per core).
    let default_workers: usize = std::env::var("JANUS_WORKERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for workers in [1usize, default_workers] {
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
        let _ = janus_pingpong(&rt, 1000); // warm up stack pools and allocators
        figure(format!("ping-pong/{w}w"), (2 * pp, "msg"), &mut || {
            janus_pingpong(&rt, pp)
        });
        figure(
            format!("thread-ring-{ring_actors}/{w}w"),
            (hops, "msg"),
            &mut || janus_ring(&rt, ring_actors, hops),
        );
        if workers == 1 && default_workers != 1 {
            continue; // the rest only with the default number of workers
        }
        figure(format!("ask/{w}w"), (2 * asks, "msg"), &mut || {
            janus_ask(&rt, asks)
        });
        figure(
            format!("fan-in-{fan_senders}x{}/{w}w", fan / fan_senders),
            (fan, "msg"),
            &mut || janus_fan_in(&rt, fan_senders, fan),
        );
        let sky_name = format!("skynet-{}k-leaves/{w}w", leaves / 1000);
        if sky_name.contains(&filter) {
            // Seconds (lower is better), per the project's target (< 0.5 s).
            line(
                &sky_name,
                "s",
                best(&mut || janus_skynet(&rt, leaves)).as_secs_f64(),
            );
        }
        figure(format!("spawn-rate/{w}w"), (spawns, "actor"), &mut || {
            janus_spawn_rate(&rt, spawns as usize)
        });
        figure(
            format!("spawn+ask+stop/{w}w"),
            (spawns, "actor"),
            &mut || janus_spawn(&rt, spawns),
        );
    }
    let idle_name = format!("idle-memory-{}k", idle_n / 1000);
    if idle_name.contains(&filter) {
        line(&idle_name, "B/actor", idle_child(idle_n));
    }
}
