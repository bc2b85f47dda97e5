//! Coverage tests over structs, messages, guards, recursive types, literals, odd input and size.

use super::*;

// ---- structs ----

#[test]
fn struct_witness_names_fields() {
    let mut t = T::new();
    let b = t.bool();
    let f = t.opaque();
    let s = t.strukt("Point", &[("x", f), ("visible", b)]);
    let c = t.check(s, &[arm(Pat::Struct(vec![Pat::Wild, Pat::Bool(true)]))]);
    missing(&c, &["Point { x: _, visible: false }"], false);
}

#[test]
fn struct_with_all_wildcard_fields_prints_wildcard() {
    let mut t = T::new();
    let f = t.opaque();
    let s = t.strukt("Point", &[("x", f), ("y", f)]);
    let c = t.check(s, &[arm(Pat::Struct(vec![int(0), Pat::Wild]))]);
    missing(&c, &["_"], false);
    exhaustive(&t.check(
        s,
        &[
            arm(Pat::Struct(vec![int(0), Pat::Wild])),
            arm(Pat::Struct(wild_fields(2))),
        ],
    ));
}

#[test]
fn struct_nested_in_tuple() {
    let mut t = T::new();
    let b = t.bool();
    let s = t.strukt("Flags", &[("a", b), ("b", b)]);
    let tup = t.tuple(&[s, b]);
    let arms = [
        arm(Pat::Tuple(vec![
            Pat::Struct(vec![Pat::Bool(true), Pat::Wild]),
            Pat::Wild,
        ])),
        arm(Pat::Tuple(vec![Pat::Wild, Pat::Bool(true)])),
    ];
    missing(
        &t.check(tup, &arms),
        &["(Flags { a: false, b: _ }, false)"],
        false,
    );
}

// ---- messages ----

#[test]
fn message_with_reply_field() {
    let mut t = T::new();
    let reply = t.opaque();
    let amount = t.opaque();
    let m = t.sum(
        "CounterMsg",
        &[
            ("Increment", &[]),
            ("Add", &[("amount", amount)]),
            ("Get", &[("reply", reply)]),
            ("Stop", &[]),
        ],
    );
    let all = [
        arm(v(0)),
        arm(vf(1, wild_fields(1))),
        arm(vf(2, wild_fields(1))),
        arm(v(3)),
    ];
    let c = t.check(m, &all);
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
    let c = t.check(m, &[arm(v(0)), arm(vf(1, wild_fields(1))), arm(v(3))]);
    missing(&c, &[".Get { reply: _ }"], false);
}

#[test]
fn message_literal_field_does_not_cover_variant() {
    let mut t = T::new();
    let amount = t.opaque();
    let m = t.sum("M", &[("Add", &[("amount", amount)]), ("Stop", &[])]);
    let c = t.check(m, &[arm(vf(0, vec![int(1)])), arm(v(1))]);
    missing(&c, &[".Add { amount: _ }"], false);
}

// ---- guards ----

#[test]
fn guarded_arm_does_not_cover() {
    let mut t = T::new();
    let s = t.shape_enum();
    let c = t.check(
        s,
        &[
            guarded(vf(0, wild_fields(1))),
            arm(vf(1, wild_fields(2))),
            arm(v(2)),
        ],
    );
    missing(&c, &[".Circle { radius: _ }"], false);
    assert!(c.unreachable.is_empty());
}

#[test]
fn identical_unguarded_arm_after_guarded_is_reachable() {
    let mut t = T::new();
    let s = t.shape_enum();
    let arms = [
        arm(vf(0, wild_fields(1))),
        guarded(vf(1, wild_fields(2))),
        arm(vf(1, wild_fields(2))),
        arm(v(2)),
    ];
    let c = t.check(s, &arms);
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
}

#[test]
fn guarded_arm_after_covering_arm_is_unreachable() {
    let mut t = T::new();
    let s = t.shape_enum();
    let c = t.check(s, &[arm(v(2)), guarded(v(2)), arm(Pat::Wild)]);
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![1]);
}

#[test]
fn guarded_arms_do_not_make_later_arms_unreachable() {
    let mut t = T::new();
    let b = t.bool();
    let c = t.check(
        b,
        &[
            guarded(Pat::Wild),
            guarded(Pat::Bool(true)),
            arm(Pat::Bool(true)),
        ],
    );
    missing(&c, &["false"], false);
    assert!(c.unreachable.is_empty());
}

#[test]
fn only_guarded_wildcard_is_missing_wildcard() {
    let mut t = T::new();
    let s = t.abcde();
    let c = t.check(s, &[guarded(Pat::Wild)]);
    missing(&c, &["_"], false);
    assert!(c.unreachable.is_empty());
}

// ---- recursive types ----

/// `enum List { Nil, Cons { head: i64, tail: List } }`: the tail refers back to the list.
fn list(t: &mut T) -> ShapeId {
    let head = t.opaque();
    let id = ShapeId(t.t.shapes.len() as u32);
    t.sum(
        "List",
        &[("Nil", &[]), ("Cons", &[("head", head), ("tail", id)])],
    )
}

#[test]
fn recursive_list_exhaustive() {
    let mut t = T::new();
    let l = list(&mut t);
    let c = t.check(l, &[arm(v(0)), arm(vf(1, wild_fields(2)))]);
    exhaustive(&c);
}

#[test]
fn recursive_list_nested_witness() {
    let mut t = T::new();
    let l = list(&mut t);
    let c = t.check(l, &[arm(v(0)), arm(vf(1, vec![Pat::Wild, v(0)]))]);
    missing(
        &c,
        &[".Cons { head: _, tail: .Cons { head: _, tail: _ } }"],
        false,
    );
}

#[test]
fn recursive_list_without_arms_terminates() {
    let mut t = T::new();
    let l = list(&mut t);
    missing(&t.check(l, &[]), &["_"], false);
    missing(
        &t.check(l, &[arm(v(0))]),
        &[".Cons { head: _, tail: _ }"],
        false,
    );
}

#[test]
fn recursive_list_deep_pattern() {
    let mut t = T::new();
    let l = list(&mut t);
    // Cons(_, Cons(_, Cons(_, Nil))) and shorter lists, then longer ones: exhaustive.
    let mut p = v(0);
    let mut arms = vec![arm(v(0))];
    for _ in 0..3 {
        p = vf(1, vec![Pat::Wild, p]);
        arms.push(arm(p.clone()));
    }
    let c = t.check(l, &arms);
    missing(
        &c,
        &[
            ".Cons { head: _, tail: .Cons { head: _, tail: .Cons { head: _, tail: .Cons { head: _, tail: _ } } } }",
        ],
        false,
    );
}

// ---- literals ----

#[test]
fn int_literals_need_wildcard() {
    let mut t = T::new();
    let i = t.opaque();
    let c = t.check(i, &[arm(int(1)), arm(int(2))]);
    missing(&c, &["_"], false);
    let c = t.check(i, &[arm(int(1)), arm(int(2)), arm(Pat::Wild)]);
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
}

#[test]
fn duplicate_literal_is_unreachable() {
    let mut t = T::new();
    let i = t.opaque();
    let c = t.check(
        i,
        &[
            arm(string("a")),
            arm(string("b")),
            arm(string("a")),
            arm(Pat::Wild),
        ],
    );
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![2]);
}

#[test]
fn float_literals_need_wildcard() {
    let mut t = T::new();
    let f = t.opaque();
    let c = t.check(f, &[arm(Pat::Literal(LitKey::Float(1.5f64.to_bits())))]);
    missing(&c, &["_"], false);
}

#[test]
fn literal_and_bool_tuple_reports_general_witness() {
    let mut t = T::new();
    let s = t.opaque();
    let b = t.bool();
    let tup = t.tuple(&[s, b]);
    let c = t.check(tup, &[arm(Pat::Tuple(vec![string("a"), Pat::Bool(true)]))]);
    missing(&c, &["_"], false);
    let c = t.check(
        tup,
        &[
            arm(Pat::Tuple(vec![string("a"), Pat::Bool(true)])),
            arm(Pat::Tuple(vec![Pat::Wild, Pat::Bool(true)])),
        ],
    );
    missing(&c, &["(_, false)"], false);
    let c = t.check(
        tup,
        &[
            arm(Pat::Tuple(vec![string("a"), Pat::Bool(true)])),
            arm(Pat::Tuple(vec![Pat::Wild, Pat::Bool(false)])),
            arm(Pat::Tuple(vec![string("a"), Pat::Wild])),
            arm(Pat::Tuple(vec![Pat::Wild, Pat::Wild])),
        ],
    );
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![2]);
}

// ---- robustness and performance ----

#[test]
fn ill_typed_patterns_do_not_panic() {
    let mut t = T::new();
    let s = t.shape_enum();
    let arms = [
        arm(Pat::Bool(true)),
        arm(vf(17, vec![])),
        arm(vf(1, vec![Pat::Null, Pat::Null, Pat::Null, Pat::Null])),
        arm(Pat::Tuple(vec![Pat::Wild])),
        arm(int(3)),
    ];
    let c = t.check(s, &arms);
    // The mismatches read as wildcards: the first covers everything.
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![1, 2, 3, 4]);
    // An unknown shape id reads as opaque.
    let c = check(&t.t, ShapeId(999), &[arm(int(1)), arm(v(0))]);
    exhaustive(&c);
    let c = check(&t.t, ShapeId(999), &[arm(int(1))]);
    assert_eq!(c.missing, vec!["_"]);
}

#[test]
fn absurdly_deep_patterns_do_not_overflow() {
    let mut t = T::new();
    let b = t.bool();
    let mut s = b;
    let mut p = Pat::Bool(true);
    for _ in 0..2000 {
        s = t.tuple(&[s]);
        p = Pat::Tuple(vec![p]);
    }
    let c = t.check(s, &[arm(p)]);
    // Past the depth limit the rest counts as covered: quiet, never a crash.
    assert!(c.unreachable.is_empty());
}

#[test]
fn two_hundred_variants_two_hundred_arms_is_fast() {
    let mut t = T::new();
    let f = t.opaque();
    let names: Vec<String> = (0..200).map(|i| format!("V{i}")).collect();
    let fields: &[(&str, ShapeId)] = &[("x", f)];
    let variants: Vec<(&str, &[(&str, ShapeId)])> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), if i % 2 == 0 { fields } else { &[][..] }))
        .collect();
    let s = t.sum("Big", &variants);
    let arms: Vec<Arm> = (0..200)
        .map(|i| arm(vf(i, wild_fields(1 - i % 2))))
        .collect();
    let start = std::time::Instant::now();
    let mut c = Coverage::default();
    for _ in 0..10 {
        c = t.check(s, &arms);
    }
    let per = start.elapsed() / 10;
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
    // Generous for unoptimized test builds on a busy machine; release takes microseconds.
    eprintln!("200 arms over 200 variants: {per:?} per check");
    assert!(per.as_millis() < 20, "one check took {per:?}");
    let c = t.check(s, &arms[..150]);
    missing(&c, &[".V150 { x: _ }", ".V151", ".V152 { x: _ }"], true);
}

#[test]
fn many_arms_with_wildcards_stay_linear() {
    let mut t = T::new();
    let i = t.opaque();
    let b = t.bool();
    let tup = t.tuple(&[i, b]);
    let mut arms: Vec<Arm> = (0..2000)
        .map(|k| arm(Pat::Tuple(vec![int(k), Pat::Bool(k % 2 == 0)])))
        .collect();
    arms.push(arm(Pat::Tuple(vec![Pat::Wild, Pat::Bool(true)])));
    arms.push(arm(Pat::Tuple(vec![Pat::Wild, Pat::Bool(false)])));
    let start = std::time::Instant::now();
    let c = t.check(tup, &arms);
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
    assert!(
        start.elapsed().as_millis() < 2000,
        "took {:?}",
        start.elapsed()
    );
}
