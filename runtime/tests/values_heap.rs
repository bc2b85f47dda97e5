//! Heaps and object lifetimes: layouts, alloc/free, free_all after a simulated crash, adopt
//! (splice), deep copies that share nothing, copy-on-write, and iterative release.

mod values_util;

use janus_runtime::abi::desc::build as b;
use janus_runtime::values::heap::{self, Header, Heap};
use janus_runtime::values::obj::{self, *};
use janus_runtime::values::{MessageBox, deep_copy, eq, make_unique, rc, to_text};
use values_util::*;

#[test]
fn layouts_are_the_documented_abi() {
    use std::mem::{offset_of, size_of};
    assert_eq!(size_of::<Header>(), 32);
    assert_eq!(offset_of!(Header, rc), 0);
    assert_eq!(offset_of!(Header, desc), 8);
    assert_eq!(size_of::<StrObj>(), 40);
    assert_eq!(offset_of!(ListObj, len), 32);
    assert_eq!(offset_of!(ListObj, cap), 40);
    assert_eq!(offset_of!(ListObj, data), 48);
    assert_eq!(size_of::<EnumObj>(), 40);
    assert_eq!(size_of::<MapObj>(), 80);
    assert_eq!(size_of::<ActorRefObj>(), 64);
    assert_eq!(size_of::<ReplyObj>(), 56);
    assert_eq!(size_of::<GrainRefObj>(), 48);
    assert_eq!(size_of::<janus_runtime::abi::desc::TypeDesc>(), 96);
}

#[test]
fn alloc_and_release_free_everything() {
    let h = Heap::new();
    let t = types();
    let v = sample_records(&h, &t, 10);
    // 10 records × (name, point, tags map, 3 keys, circle, dot, rect map + key + rect?) + list
    assert!(h.object_count() > 100, "{}", h.object_count());
    release(v, t.records);
    assert_eq!(h.object_count(), 0);
}

#[test]
fn shared_children_are_freed_with_their_last_reference() {
    let h = Heap::new();
    let t = types();
    let name = s(&h, "shared");
    rc::retain(name, t.string.get());
    let l1 = list(&h, b::list(t.string), &[name]);
    let l2 = list(&h, b::list(t.string), &[name]);
    assert_eq!(rc_of(name), 2);
    release(l1, b::list(t.string));
    assert_eq!(h.object_count(), 2);
    assert_eq!(rc_of(name), 1);
    release(l2, b::list(t.string));
    assert!(h.is_empty());
}

#[test]
fn free_all_after_a_simulated_crash_frees_everything() {
    let h = Heap::new();
    let t = types();
    // A "crashed actor": state plus values its stack frames held, with counts in any state.
    let state = sample_records(&h, &t, 50);
    let held = sample_records(&h, &t, 5);
    rc::retain(held, t.records.get()); // a frame's extra reference
    let loose = s(&h, "a temporary");
    unsafe { obj::hdr(loose).rc = 7 }; // counts need not be consistent
    let n = h.object_count();
    assert!(n > 500, "{n}");
    let _ = (state, loose);
    h.free_all();
    assert_eq!(h.object_count(), 0);
    // The heap is reusable afterwards.
    let again = s(&h, "after");
    assert_eq!(h.object_count(), 1);
    release(again, t.string);
}

#[test]
fn free_all_drops_actor_references_so_the_actor_is_collected() {
    use janus_runtime::{Config, Runtime, silent_reporter};
    let rt = Runtime::new(Config {
        workers: 1,
        crash_reporter: silent_reporter(),
        ..Config::default()
    });
    let a = rt.spawn_fn(0u64, |n: &mut u64, m: &mut u64| *n += *m);
    let raw = a.raw().clone();
    drop(a);
    let h = Heap::new();
    let d = b::actor_ref(b::i64());
    let r = janus_runtime::values::handles::new_actor_ref(&h, d.get(), raw);
    let copy = unsafe { rc::shallow_clone(r, &h) };
    assert!(eq(r, copy, d.get()));
    assert!(
        to_text(r, d.get()).starts_with("<fn-actor#"),
        "{}",
        to_text(r, d.get())
    );
    h.free_all();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while rt.live_actors() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(
        rt.live_actors(),
        0,
        "the actor must be collected once the heap let go of it"
    );
}

#[test]
fn adopt_splices_a_message_heap_in_constant_time() {
    let t = types();
    let actor = Heap::new();
    let mine = sample_records(&actor, &t, 3);
    let before = actor.object_count();
    let src = Heap::new();
    let v = sample_records(&src, &t, 2000);
    let msg = MessageBox::copy_of(v, t.records.get());
    let n = msg.heap.object_count();
    assert!(n > 20_000);
    let p = msg.into_payload();
    let start = std::time::Instant::now();
    let root = unsafe { MessageBox::adopt(p.as_ptr(), &actor) };
    let took = start.elapsed();
    drop(p); // frees the (now empty) message heap
    assert!(
        took < std::time::Duration::from_millis(20),
        "adopt took {took:?}"
    );
    assert_eq!(actor.object_count(), before + n);
    assert!(eq(root, v, t.records.get()));
    release(root, t.records);
    release(mine, t.records);
    assert!(actor.is_empty());
    release(v, t.records);
    assert!(src.is_empty());
}

#[test]
fn dropping_an_unadopted_message_frees_its_heap() {
    let t = types();
    let src = Heap::new();
    let v = sample_records(&src, &t, 10);
    let msg = MessageBox::copy_of(v, t.records.get());
    let p = msg.into_payload();
    drop(p);
    release(v, t.records);
    assert!(src.is_empty());
}

fn all_objects(v: Value, d: &janus_runtime::abi::desc::TypeDesc, out: &mut Vec<Value>) {
    if !rc::is_ref(d, v) {
        return;
    }
    out.push(v);
    unsafe { rc::for_each_child(v, |c, cd| all_objects(c, cd, out)) };
}

#[test]
fn deep_copy_preserves_equality_and_shares_nothing() {
    let t = types();
    let a = Heap::new();
    let v = sample_records(&a, &t, 20);
    let bheap = Heap::new();
    let c = deep_copy(v, t.records.get(), &bheap);
    assert!(eq(v, c, t.records.get()));
    assert_eq!(to_text(v, t.records.get()), to_text(c, t.records.get()));
    let mut objs = Vec::new();
    all_objects(c, t.records.get(), &mut objs);
    assert!(objs.len() > 200);
    for o in &objs {
        assert!(
            bheap.contains(*o as *const Header),
            "copied object not in the target heap"
        );
        assert!(
            !a.contains(*o as *const Header),
            "copy shares an object with the original"
        );
    }
    assert_eq!(bheap.object_count(), a.object_count());
    // Mutating the copy (through copy-on-write, as a `var` would) leaves the original alone.
    let before = to_text(v, t.records.get());
    let mut slot = c;
    let old_heap = unsafe { heap::set_current(&bheap) };
    unsafe {
        janus_runtime::abi::collections::janus_rt_list_set(
            &mut slot,
            0,
            obj::new_struct(&bheap, t.record.get(), 4),
            0,
        )
    };
    unsafe { heap::set_current(old_heap) };
    assert_eq!(to_text(v, t.records.get()), before);
    assert!(!eq(v, slot, t.records.get()));
    // Freeing the original heap leaves the copy intact.
    a.free_all();
    assert!(to_text(slot, t.records.get()).contains("rec19"));
    release(slot, t.records);
    assert!(bheap.is_empty());
}

#[test]
fn deep_copy_keeps_sharing_inside_the_value_and_shares_immortals() {
    let t = types();
    let a = Heap::new();
    let name = s(&a, "twice");
    rc::retain(name, t.string.get());
    static LIT: StaticStr = StaticStr::new("literal");
    let lit = &LIT as *const StaticStr as Value;
    let l = list(&a, b::list(t.string), &[name, name, lit]);
    let bh = Heap::new();
    let c = deep_copy(l, b::list(t.string).get(), &bh);
    let items = unsafe { list_items(c) };
    assert_eq!(
        items[0], items[1],
        "an object referenced twice is copied once"
    );
    assert_eq!(rc_of(items[0]), 2);
    assert_eq!(items[2], lit, "immortal objects are shared");
    assert_eq!(bh.object_count(), 2);
    release(c, b::list(t.string));
    release(l, b::list(t.string));
    assert!(a.is_empty() && bh.is_empty());
    assert_eq!(rc_of(lit), janus_runtime::values::IMMORTAL);
}

/// An immortal static string, as the compiler would emit it.
#[repr(C)]
struct StaticStr {
    h: Header,
    len: u64,
    bytes: [u8; 7],
}
// SAFETY: immutable static data.
unsafe impl Sync for StaticStr {}
impl StaticStr {
    const fn new(s: &'static str) -> StaticStr {
        let mut bytes = [0u8; 7];
        let src = s.as_bytes();
        let mut i = 0;
        while i < 7 {
            bytes[i] = src[i];
            i += 1;
        }
        StaticStr {
            h: Header::immortal(&janus_runtime::values::STRING),
            len: 7,
            bytes,
        }
    }
}

#[test]
fn make_unique_clones_only_shared_values() {
    let t = types();
    let h = Heap::new();
    let old = unsafe { heap::set_current(&h) };
    let p = strukt(&h, t.point, &[i(1), i(2)]);
    assert_eq!(make_unique(p, t.point.get()), p, "unique: no copy");
    rc::retain(p, t.point.get());
    let q = make_unique(p, t.point.get());
    assert_ne!(q, p);
    assert_eq!(rc_of(p), 1);
    unsafe { *struct_slots(q) = 99 };
    assert_eq!(to_text(p, t.point.get()), "Point { x: 1, y: 2 }");
    assert_eq!(to_text(q, t.point.get()), "Point { x: 99, y: 2 }");
    // A shared list: the clone shares (retains) the elements.
    let name = s(&h, "x");
    let l = list(&h, b::list(t.string), &[name]);
    rc::retain(l, b::list(t.string).get());
    let l2 = make_unique(l, b::list(t.string).get());
    assert_eq!(rc_of(name), 2);
    release(l, b::list(t.string));
    release(l2, b::list(t.string));
    release(p, t.point);
    release(q, t.point);
    unsafe { heap::set_current(old) };
    assert!(h.is_empty());
}

#[test]
fn releasing_a_long_recursive_list_does_not_recurse() {
    // enum IntList { Nil, Cons { head: i64, tail: IntList } }
    let il = b::declare();
    b::define_enum(
        il,
        "IntList",
        &[("Nil", &[]), ("Cons", &[("head", b::i64()), ("tail", il)])],
    );
    let h = Heap::new();
    let mut v = variant(&h, il, 0, &[]);
    for k in 0..200_000 {
        v = variant(&h, il, 1, &[i(k), v]);
    }
    assert_eq!(h.object_count(), 200_001);
    let c = Heap::new();
    let copy = deep_copy(v, il.get(), &c);
    assert_eq!(c.object_count(), 200_001);
    release(v, il);
    assert!(h.is_empty());
    release(copy, il);
    assert!(c.is_empty());
}

#[test]
fn twenty_thousand_build_and_free_cycles_leave_nothing() {
    // The crash/restart loop of an actor, in miniature: build, free_all, repeat.
    let t = types();
    for _ in 0..20_000 {
        let h = Heap::new();
        let _ = sample_records(&h, &t, 1);
        h.free_all();
        assert!(h.is_empty());
    }
}
