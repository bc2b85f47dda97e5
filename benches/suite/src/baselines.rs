//! The plain-tokio baselines, measured in the same run as the Janus programs: each does the
//! same work as its program in benches/programs with tasks for actors and bounded `mpsc`
//! channels (capacity 1024, Janus's default mailbox) for mailboxes, and returns its elapsed time.
//! Which runtime flavour each figure is compared with is the choice (see main.rs).

use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

/// The two tokio runtimes the baselines run on.
pub struct Runtimes {
    /// `current_thread`: the reference for ping-pong and the thread ring.
    pub ct: tokio::runtime::Runtime,
    /// `multi_thread` with one worker per core.
    pub mt: tokio::runtime::Runtime,
}

impl Runtimes {
    pub fn new() -> Result<Runtimes, String> {
        let ct = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| format!("tokio runtime: {e}"))?;
        let mt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
            .build()
            .map_err(|e| format!("tokio runtime: {e}"))?;
        Ok(Runtimes { ct, mt })
    }
}

/// Which runtime a baseline runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    CurrentThread,
    MultiThread,
}

impl Flavor {
    pub fn label(self) -> &'static str {
        match self {
            Flavor::CurrentThread => "tokio-ct",
            Flavor::MultiThread => "tokio-mt",
        }
    }
}

impl Runtimes {
    /// Runs `f` as a task on the chosen runtime (a task, not `block_on`'s own future, so that on
    /// the multi-thread runtime it runs on a worker like every other task).
    pub fn run<F>(&self, flavor: Flavor, f: F) -> Duration
    where
        F: std::future::Future<Output = Duration> + Send + 'static,
    {
        let rt = match flavor {
            Flavor::CurrentThread => &self.ct,
            Flavor::MultiThread => &self.mt,
        };
        rt.block_on(async { tokio::spawn(f).await.unwrap_or(Duration::MAX) })
    }
}

/// Ping-pong: `rounds` round trips between two tasks (2 messages each).
pub async fn pingpong(rounds: u64) -> Duration {
    let (to_b, mut b_rx) = mpsc::channel::<u64>(1024);
    let (to_a, mut a_rx) = mpsc::channel::<u64>(1024);
    tokio::spawn(async move {
        while let Some(k) = b_rx.recv().await {
            if to_a.send(k + 1).await.is_err() {
                break;
            }
        }
    });
    let t0 = Instant::now();
    let mut left = rounds;
    let _ = to_b.send(0).await;
    while let Some(k) = a_rx.recv().await {
        left -= 1;
        if left == 0 {
            break;
        }
        let _ = to_b.send(k).await;
    }
    t0.elapsed()
}

/// Thread ring: a token passed `hops` times around `actors` tasks (`hops` a multiple of
/// `actors`, so it ends at the first task, which reports).
pub async fn ring(actors: usize, hops: u64) -> Duration {
    let actors = actors.max(2);
    let (txs, rxs): (Vec<_>, Vec<_>) = (0..actors).map(|_| mpsc::channel::<u64>(1024)).unzip();
    let (done_tx, done_rx) = oneshot::channel::<()>();
    let mut done_tx = Some(done_tx);
    let first = txs[0].clone();
    for (i, mut rx) in rxs.into_iter().enumerate() {
        let next = txs[(i + 1) % actors].clone();
        let mut done = if i == 0 { done_tx.take() } else { None };
        tokio::spawn(async move {
            while let Some(k) = rx.recv().await {
                if k == 0 {
                    if let Some(d) = done.take() {
                        let _ = d.send(());
                    }
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
    let _ = first.send(hops).await;
    let _ = done_rx.await;
    t0.elapsed()
}

/// Ask round trips: `asks` requests, each an mpsc send carrying a oneshot for the answer,
/// awaited before the next one.
pub async fn ask(asks: u64) -> Duration {
    let (tx, mut rx) = mpsc::channel::<(u64, oneshot::Sender<u64>)>(1024);
    tokio::spawn(async move {
        while let Some((v, r)) = rx.recv().await {
            let _ = r.send(v);
        }
    });
    let t0 = Instant::now();
    let mut sum = 0;
    for i in 0..asks {
        let (otx, orx) = oneshot::channel();
        let _ = tx.send((i, otx)).await;
        sum += orx.await.unwrap_or(0);
    }
    let el = t0.elapsed();
    assert_eq!(
        sum,
        asks * asks.saturating_sub(1) / 2,
        "tokio ask: wrong answers"
    );
    el
}

/// Fan-in: `senders` tasks each send `each` messages to one counting receiver.
pub async fn fanin(senders: u64, each: u64) -> Duration {
    let (tx, mut rx) = mpsc::channel::<u64>(1024);
    let t0 = Instant::now();
    for _ in 0..senders {
        let tx = tx.clone();
        tokio::spawn(async move {
            for _ in 0..each {
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
    let el = t0.elapsed();
    assert_eq!(n, senders * each, "tokio fan-in lost messages");
    el
}

/// Spawn rate: `n` tasks spawned one after another in batches of `batch`, each answering once
/// (a message on a shared channel); the spawner collects a batch's answers before the next
/// batch, like the Janus program.
pub async fn spawn(n: u64, batch: u64) -> Duration {
    let (tx, mut rx) = mpsc::channel::<()>(1024);
    let t0 = Instant::now();
    let mut count = 0;
    let mut spawned = 0;
    while spawned < n {
        let this_batch = batch.max(1).min(n - spawned);
        for _ in 0..this_batch {
            let tx = tx.clone();
            tokio::spawn(async move {
                let _ = tx.send(()).await;
            });
        }
        spawned += this_batch;
        while count < spawned && rx.recv().await.is_some() {
            count += 1;
        }
    }
    let el = t0.elapsed();
    assert_eq!(count, n, "tokio spawn: a task did not answer");
    el
}

/// Skynet: a task per tree node; inner nodes spawn 10 children and sum their answers.
fn sky_node(parent: mpsc::Sender<u64>, num: u64, size: u64) {
    tokio::spawn(async move {
        if size == 1 {
            let _ = parent.send(num).await;
            return;
        }
        let (tx, mut rx) = mpsc::channel::<u64>(16);
        let sub = size / 10;
        for i in 0..10 {
            sky_node(tx.clone(), num + i * sub, sub);
        }
        drop(tx);
        let mut sum = 0;
        while let Some(v) = rx.recv().await {
            sum += v;
        }
        let _ = parent.send(sum).await;
    });
}

/// Skynet over `leaves` leaves (a power of 10).
pub async fn skynet(leaves: u64) -> Duration {
    let t0 = Instant::now();
    let (tx, mut rx) = mpsc::channel::<u64>(1);
    sky_node(tx, 0, leaves);
    let sum = rx.recv().await.unwrap_or(0);
    let el = t0.elapsed();
    assert_eq!(
        sum,
        leaves * leaves.saturating_sub(1) / 2,
        "tokio skynet: wrong sum"
    );
    el
}

/// Bytes of resident memory per idle tokio task, each waiting on its own bounded mpsc mailbox
/// (capacity 1024) after its first poll. Meant to run in a fresh process (`janus-bench
/// --idle-tokio N`) so that no earlier figure's memory is counted.
pub fn idle_task_bytes(n: usize) -> Result<f64, String> {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let rts = Runtimes::new()?;
    // Warm up the runtime like the Janus program does (one task, one round trip).
    rts.run(Flavor::MultiThread, pingpong(1000));
    let pid = std::process::id();
    let before = crate::janus::rss_bytes(pid)?;
    let started = Arc::new(AtomicUsize::new(0));
    let senders: Vec<mpsc::Sender<u64>> = (0..n)
        .map(|_| {
            let (tx, mut rx) = mpsc::channel::<u64>(1024);
            let started = started.clone();
            rts.mt.spawn(async move {
                // Relaxed: the main thread only polls the count.
                started.fetch_add(1, Ordering::Relaxed);
                while rx.recv().await.is_some() {}
            });
            tx
        })
        .collect();
    while started.load(Ordering::Relaxed) < n {
        std::thread::sleep(Duration::from_millis(1));
    }
    let after = crate::janus::rss_bytes(pid)?;
    drop(senders);
    Ok(after.saturating_sub(before) as f64 / n.max(1) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every baseline finishes (and checks its own answer) at a small size on both runtimes.
    #[test]
    fn baselines_run_small() {
        let rts = Runtimes::new().expect("runtimes");
        for flavor in [Flavor::CurrentThread, Flavor::MultiThread] {
            for d in [
                rts.run(flavor, pingpong(100)),
                rts.run(flavor, ring(10, 1000)),
                rts.run(flavor, ask(100)),
                rts.run(flavor, fanin(10, 100)),
                rts.run(flavor, spawn(1000, 100)),
                rts.run(flavor, skynet(1000)),
            ] {
                assert!(d < Duration::from_secs(60), "{flavor:?}: {d:?}");
            }
        }
    }
}
