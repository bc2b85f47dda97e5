//! Work stealing: a long-running handler on one worker does not starve the actors queued there.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use janus_runtime::{Behavior, Reply};

struct Hog {
    done_by_then: Arc<AtomicUsize>,
    handled: Arc<AtomicUsize>,
}
impl Behavior for Hog {
    type Msg = Reply<usize>;
    fn handle(&mut self, r: &mut Reply<usize>) {
        // Spawn workers from this turn: they are queued on this worker.
        for _ in 0..20 {
            let h = self.handled.clone();
            let a = janus_runtime::spawn(janus_runtime::FnActor::new(
                (),
                move |_: &mut (), _: &mut ()| {
                    h.fetch_add(1, Ordering::SeqCst);
                },
            ))
            .expect("inside an actor");
            a.send(());
        }
        // Hog this worker (no suspension) until the others got through, with a generous cap.
        let t0 = Instant::now();
        while self.handled.load(Ordering::SeqCst) < 19 && t0.elapsed() < Duration::from_secs(20) {
            std::hint::spin_loop();
        }
        self.done_by_then
            .store(self.handled.load(Ordering::SeqCst), Ordering::SeqCst);
        r.send(0);
    }
}

#[test]
fn busy_worker_gets_its_queue_stolen() {
    let rt = common::rt_with(2);
    let done_by_then = Arc::new(AtomicUsize::new(0));
    let handled = Arc::new(AtomicUsize::new(0));
    let hog = rt.spawn(Hog {
        done_by_then: done_by_then.clone(),
        handled: handled.clone(),
    });
    let echo = rt.spawn_fn((), |_: &mut (), r: &mut Reply<u32>| r.send(5));
    let h2 = hog.clone();
    let t = std::thread::spawn(move || h2.ask_timeout(|r| r, Duration::from_secs(60)));
    // Meanwhile the other worker answers the plain-thread asks too.
    for _ in 0..20 {
        assert_eq!(echo.ask(|r| r), Ok(5));
    }
    assert_eq!(t.join().unwrap(), Ok(0));
    // At most one actor (the one in the hog's LIFO slot) may wait for the hog to finish.
    assert!(
        done_by_then.load(Ordering::SeqCst) >= 19,
        "only {} ran while the hog held its worker",
        done_by_then.load(Ordering::SeqCst)
    );
    assert!(common::wait_until(Duration::from_secs(10), || handled
        .load(Ordering::SeqCst)
        == 20));
}
