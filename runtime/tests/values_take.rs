//! How a sent value travels (`MessageBox::take` / `adopt_payload`): scalars in the payload
//! itself, a value the sender alone holds moved object by object from the sender's heap into
//! the receiver's (nothing copied, nothing left behind), a shared or large value deep-copied,
//! and a payload dropped undelivered freeing what it held.

mod values_util;

use janus_runtime::abi::desc::build as b;
use janus_runtime::values::heap::Heap;
use janus_runtime::values::{MessageBox, eq, to_text};
use values_util::*;

#[test]
fn a_value_the_sender_alone_holds_moves_without_a_copy() {
    let t = types();
    let (from, to) = (Heap::new(), Heap::new());
    let name = s(&from, "ada");
    let at = strukt(&from, t.point, &[i(1), i(2)]);
    let tags = map_of(&from, t.tags, &[]);
    let rec = strukt(&from, t.record, &[name, at, tags, 0]);
    assert_eq!(from.object_count(), 4);
    let p = MessageBox::take(rec, t.record.get());
    assert_eq!(
        from.object_count(),
        0,
        "every object left the sender's heap"
    );
    let v = MessageBox::adopt_payload(p, &to);
    assert_eq!(v, rec, "the same object arrives: nothing was copied");
    assert_eq!(to.object_count(), 4);
    assert_eq!(
        to_text(v, t.record.get()),
        "Record { name: \"ada\", at: Point { x: 1, y: 2 }, tags: {}, maybe: null }"
    );
    release(v, t.record);
    assert_eq!(to.object_count(), 0);
}

#[test]
fn a_shared_value_is_copied_and_the_senders_reference_released() {
    let t = types();
    let (from, to) = (Heap::new(), Heap::new());
    let name = s(&from, "grace");
    let at = strukt(&from, t.point, &[i(3), i(4)]);
    let tags = map_of(&from, t.tags, &[]);
    let rec = strukt(&from, t.record, &[name, at, tags, 0]);
    // The sender keeps the point elsewhere too: moving would take it from under that holder.
    janus_runtime::values::retain(at, t.point.get());
    let p = MessageBox::take(rec, t.record.get());
    assert_eq!(
        from.object_count(),
        1,
        "only the point the sender still holds remains"
    );
    assert_eq!(rc_of(at), 1);
    let v = MessageBox::adopt_payload(p, &to);
    assert_ne!(v, rec);
    assert_eq!(to.object_count(), 4);
    assert_eq!(
        to_text(v, t.record.get()),
        "Record { name: \"grace\", at: Point { x: 3, y: 4 }, tags: {}, maybe: null }"
    );
    // SAFETY: a struct of four slots.
    let copied_at = unsafe { *janus_runtime::values::obj::struct_slots(v).add(1) };
    assert_ne!(copied_at, at);
    assert!(eq(copied_at, at, t.point.get()));
    release(at, t.point);
    release(v, t.record);
    assert_eq!(from.object_count() + to.object_count(), 0);
}

#[test]
fn scalars_and_null_travel_in_the_payload() {
    let to = Heap::new();
    for x in [0u64, 1, u64::MAX, (-5i64) as u64] {
        let p = MessageBox::take(x, b::i64().get());
        assert_eq!(MessageBox::adopt_payload(p, &to), x);
    }
    let t = types();
    let p = MessageBox::take(0, t.opt_tags.get());
    assert_eq!(MessageBox::adopt_payload(p, &to), 0);
    assert_eq!(to.object_count(), 0);
}

#[test]
fn an_undelivered_payload_frees_what_it_took() {
    let t = types();
    let from = Heap::new();
    let big: Vec<u64> = (0..40).map(|k| s(&from, &format!("item {k}"))).collect();
    let list = list(&from, b::list(t.string), &big);
    // 41 objects: more than a move takes, so this one is copied.
    let copied = MessageBox::take(list, b::list(t.string).get());
    assert_eq!(from.object_count(), 0);
    drop(copied);
    let dot = variant(&from, t.shape, 2, &[]);
    let moved = MessageBox::take(dot, t.shape.get());
    assert_eq!(from.object_count(), 0);
    drop(moved);
}
