//! Restart and escalation events reach a global `tracing` subscriber with their structured
//! fields (a minimal subscriber collecting events; in its own test binary because a global
//! default is process-wide).

mod supervise_common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use janus_runtime::supervise::{Backoff, ChildSpec, SupervisorSpec, spawn_supervisor_with};
use parking_lot::Mutex;
use supervise_common::{Child, Log, Msg, quiet_rt, wait_until};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

type Fields = BTreeMap<String, String>;

struct Collect(Arc<Mutex<Vec<Fields>>>);

struct Visitor<'a>(&'a mut Fields);
impl Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Subscriber for Collect {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut f = Fields::new();
        f.insert("target".into(), event.metadata().target().to_string());
        f.insert("level".into(), event.metadata().level().to_string());
        event.record(&mut Visitor(&mut f));
        self.0.lock().push(f);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn events_carry_structured_fields() {
    let got: Arc<Mutex<Vec<Fields>>> = Arc::default();
    tracing::subscriber::set_global_default(Collect(got.clone())).expect("no other subscriber");
    let (rt, _) = quiet_rt(2);
    let log = Log::default();
    let l = log.clone();
    let (c, lobby) = ChildSpec::behavior("lobby", move || Child::new("lobby", &l));
    let ended = Arc::new(Mutex::new(false));
    let e2 = ended.clone();
    let _sup = spawn_supervisor_with(
        &rt,
        SupervisorSpec::new("Tree")
            .intensity(1, Duration::from_secs(10))
            .backoff(Backoff::Exponential {
                min: Duration::from_millis(20),
                max: Duration::from_secs(1),
            })
            .child(c),
        move |_, _| *e2.lock() = true,
    );
    lobby.send(Msg::Crash);
    assert!(wait_until(Duration::from_secs(5), || lobby
        .raw()
        .current()
        .is_some()
        && log.len() == 2));
    lobby.send(Msg::Crash);
    assert!(wait_until(Duration::from_secs(5), || *ended.lock()));
    let events: Vec<Fields> = got
        .lock()
        .iter()
        .filter(|f| f.get("target").map(String::as_str) == Some("janus::supervisor"))
        .cloned()
        .collect();
    assert_eq!(events.len(), 2, "{events:?}");
    let r = &events[0];
    assert_eq!(r["level"], "WARN");
    assert_eq!(r["supervisor"], "Tree");
    assert_eq!(r["child"], "lobby");
    assert_eq!(r["reason"], "crashed: boom at t.jan:1:1");
    assert_eq!(r["restart_count"], "1");
    let delay: f64 = r["delay_ms"].parse().unwrap_or(-1.0);
    assert!((16.0..=24.0).contains(&delay), "{delay}");
    let e = &events[1];
    assert_eq!(e["level"], "ERROR");
    assert_eq!(e["supervisor"], "Tree");
    assert_eq!(e["reason"], "lobby crashed: boom at t.jan:1:1");
    assert_eq!(e["max_restarts"], "1");
}
