//! Coverage tests over flat shapes: enums, bools, optionals and tuples.

use super::*;

// ---- enums ----

#[test]
fn enum_all_variants_covered() {
    let mut t = T::new();
    let s = t.shape_enum();
    let c = t.check(
        s,
        &[
            arm(vf(0, wild_fields(1))),
            arm(vf(1, wild_fields(2))),
            arm(v(2)),
        ],
    );
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
}

#[test]
fn enum_missing_unit_variant() {
    let mut t = T::new();
    let s = t.shape_enum();
    let c = t.check(s, &[arm(vf(0, wild_fields(1))), arm(vf(1, wild_fields(2)))]);
    missing(&c, &[".Dot"], false);
}

#[test]
fn enum_missing_variant_with_fields_lists_all_fields() {
    let mut t = T::new();
    let s = t.shape_enum();
    let c = t.check(s, &[arm(vf(0, wild_fields(1))), arm(v(2))]);
    missing(&c, &[".Rect { w: _, h: _ }"], false);
}

#[test]
fn missing_follow_declaration_order_not_arm_order() {
    let mut t = T::new();
    let s = t.abcde();
    let c = t.check(s, &[arm(v(4)), arm(v(1)), arm(v(3))]);
    missing(&c, &[".A", ".C"], false);
}

#[test]
fn more_than_three_missing_sets_more() {
    let mut t = T::new();
    let s = t.abcde();
    let c = t.check(s, &[arm(v(2))]);
    missing(&c, &[".A", ".B", ".D"], true);
}

#[test]
fn exactly_three_missing_does_not_set_more() {
    let mut t = T::new();
    let s = t.abcde();
    let c = t.check(s, &[arm(v(0)), arm(v(4))]);
    missing(&c, &[".B", ".C", ".D"], false);
}

#[test]
fn no_arms_over_enum_is_missing_wildcard() {
    let mut t = T::new();
    let s = t.shape_enum();
    missing(&t.check(s, &[]), &["_"], false);
}

#[test]
fn wildcard_covers_enum() {
    let mut t = T::new();
    let s = t.shape_enum();
    let c = t.check(s, &[arm(v(2)), arm(Pat::Wild)]);
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
}

#[test]
fn wildcard_after_all_variants_is_unreachable() {
    let mut t = T::new();
    let s = t.abcde();
    let mut arms: Vec<Arm> = (0..5).map(|i| arm(v(i))).collect();
    arms.push(arm(Pat::Wild));
    let c = t.check(s, &arms);
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![5]);
}

#[test]
fn arms_after_wildcard_are_unreachable() {
    let mut t = T::new();
    let s = t.abcde();
    let c = t.check(s, &[arm(v(0)), arm(Pat::Wild), arm(v(1)), guarded(v(2))]);
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![2, 3]);
}

#[test]
fn duplicate_variant_is_unreachable() {
    let mut t = T::new();
    let s = t.shape_enum();
    let c = t.check(
        s,
        &[
            arm(v(2)),
            arm(vf(0, wild_fields(1))),
            arm(v(2)),
            arm(Pat::Wild),
        ],
    );
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![2]);
}

#[test]
fn nested_enum_missing_inner_variant() {
    let mut t = T::new();
    let ab = t.sum("AB", &[("A", &[]), ("B", &[])]);
    let w = t.sum("W", &[("Wrap", &[("inner", ab)]), ("Empty", &[])]);
    let c = t.check(w, &[arm(vf(0, vec![v(0)])), arm(v(1))]);
    missing(&c, &[".Wrap { inner: .B }"], false);
}

#[test]
fn nested_optional_in_variant_prints_null() {
    let mut t = T::new();
    let b = t.bool();
    let ob = t.opt(b);
    let w = t.sum("W", &[("Wrap", &[("inner", ob)])]);
    let c = t.check(w, &[arm(vf(0, vec![some(Pat::Wild)]))]);
    missing(&c, &[".Wrap { inner: null }"], false);
}

#[test]
fn variant_partial_fields_witness_keeps_declaration_order() {
    let mut t = T::new();
    let b = t.bool();
    let f = t.opaque();
    let s = t.sum("S", &[("P", &[("x", f), ("flag", b), ("y", f)])]);
    let c = t.check(
        s,
        &[arm(vf(0, vec![Pat::Wild, Pat::Bool(true), Pat::Wild]))],
    );
    missing(&c, &[".P { x: _, flag: false, y: _ }"], false);
}

#[test]
fn empty_sum_type_with_no_arms_needs_wildcard() {
    // An enum with no variants: nothing to split on; a wildcard is the pasteable answer.
    let mut t = T::new();
    let s = t.sum("Never", &[]);
    missing(&t.check(s, &[]), &["_"], false);
    exhaustive(&t.check(s, &[arm(Pat::Wild)]));
}

// ---- bools ----

#[test]
fn bool_both_values_exhaustive() {
    let mut t = T::new();
    let b = t.bool();
    exhaustive(&t.check(b, &[arm(Pat::Bool(false)), arm(Pat::Bool(true))]));
}

#[test]
fn bool_missing_false() {
    let mut t = T::new();
    let b = t.bool();
    missing(&t.check(b, &[arm(Pat::Bool(true))]), &["false"], false);
}

#[test]
fn bool_duplicate_is_unreachable() {
    let mut t = T::new();
    let b = t.bool();
    let c = t.check(
        b,
        &[
            arm(Pat::Bool(true)),
            arm(Pat::Bool(true)),
            arm(Pat::Bool(false)),
        ],
    );
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![1]);
}

#[test]
fn bool_no_arms_is_wildcard() {
    let mut t = T::new();
    let b = t.bool();
    missing(&t.check(b, &[]), &["_"], false);
}

// ---- optionals ----

#[test]
fn opt_bool_needs_null_true_false() {
    let mut t = T::new();
    let b = t.bool();
    let ob = t.opt(b);
    exhaustive(&t.check(
        ob,
        &[
            arm(Pat::Null),
            arm(some(Pat::Bool(true))),
            arm(some(Pat::Bool(false))),
        ],
    ));
    missing(
        &t.check(
            ob,
            &[arm(some(Pat::Bool(true))), arm(some(Pat::Bool(false)))],
        ),
        &["null"],
        false,
    );
    missing(
        &t.check(ob, &[arm(Pat::Null), arm(some(Pat::Bool(true)))]),
        &["false"],
        false,
    );
    missing(
        &t.check(ob, &[arm(some(Pat::Bool(true)))]),
        &["null", "false"],
        false,
    );
}

#[test]
fn opt_only_null_is_missing_wildcard() {
    let mut t = T::new();
    let b = t.bool();
    let ob = t.opt(b);
    missing(&t.check(ob, &[arm(Pat::Null)]), &["_"], false);
}

#[test]
fn opt_binding_covers_null_and_value() {
    let mut t = T::new();
    let b = t.bool();
    let ob = t.opt(b);
    let c = t.check(ob, &[arm(Pat::Wild), arm(Pat::Null)]);
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![1]);
}

#[test]
fn opt_bare_inner_pattern_is_read_as_present_case() {
    let mut t = T::new();
    let b = t.bool();
    let ob = t.opt(b);
    let c = t.check(
        ob,
        &[arm(Pat::Null), arm(Pat::Bool(true)), arm(Pat::Bool(false))],
    );
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
}

#[test]
fn opt_opt_bool_inner_null_is_reported_as_wildcard() {
    // `??bool`: `null` is the outer empty value; the inner one has no pattern but `_`.
    let mut t = T::new();
    let b = t.bool();
    let ob = t.opt(b);
    let oob = t.opt(ob);
    let arms = [
        arm(Pat::Null),
        arm(some(some(Pat::Bool(true)))),
        arm(some(some(Pat::Bool(false)))),
    ];
    missing(&t.check(oob, &arms), &["_"], false);
    let arms = [
        arm(Pat::Null),
        arm(some(some(Pat::Bool(true)))),
        arm(some(Pat::Wild)),
    ];
    let c = t.check(oob, &arms);
    exhaustive(&c);
    assert!(c.unreachable.is_empty());
}

#[test]
fn opt_opt_bool_missing_outer_null() {
    let mut t = T::new();
    let b = t.bool();
    let ob = t.opt(b);
    let oob = t.opt(ob);
    missing(&t.check(oob, &[arm(some(Pat::Wild))]), &["null"], false);
}

// ---- tuples ----

#[test]
fn tuple_of_enum_and_optional_prints_dot_null() {
    let mut t = T::new();
    let s = t.shape_enum();
    let b = t.bool();
    let ob = t.opt(b);
    let tup = t.tuple(&[s, ob]);
    let arms = [
        arm(Pat::Tuple(vec![vf(0, wild_fields(1)), Pat::Wild])),
        arm(Pat::Tuple(vec![vf(1, wild_fields(2)), Pat::Wild])),
        arm(Pat::Tuple(vec![v(2), some(Pat::Wild)])),
    ];
    missing(&t.check(tup, &arms), &["(.Dot, null)"], false);
}

#[test]
fn tuple_of_bools_all_combinations() {
    let mut t = T::new();
    let b = t.bool();
    let tup = t.tuple(&[b, b]);
    let p = |x, y| Pat::Tuple(vec![Pat::Bool(x), Pat::Bool(y)]);
    exhaustive(&t.check(
        tup,
        &[
            arm(p(true, true)),
            arm(p(true, false)),
            arm(p(false, true)),
            arm(p(false, false)),
        ],
    ));
    missing(
        &t.check(
            tup,
            &[
                arm(p(true, true)),
                arm(p(true, false)),
                arm(p(false, false)),
            ],
        ),
        &["(false, true)"],
        false,
    );
}

#[test]
fn tuple_missing_uses_wildcard_for_unconstrained_column() {
    let mut t = T::new();
    let b = t.bool();
    let tup = t.tuple(&[b, b]);
    let c = t.check(tup, &[arm(Pat::Tuple(vec![Pat::Bool(true), Pat::Wild]))]);
    missing(&c, &["(false, _)"], false);
}

#[test]
fn tuple_of_two_optional_enums() {
    let mut t = T::new();
    let ab = t.sum("AB", &[("A", &[]), ("B", &[])]);
    let oab = t.opt(ab);
    let tup = t.tuple(&[oab, oab]);
    let arms = [
        arm(Pat::Tuple(vec![Pat::Null, Pat::Null])),
        arm(Pat::Tuple(vec![some(v(0)), Pat::Wild])),
    ];
    missing(&t.check(tup, &arms), &["(null, _)", "(.B, _)"], false);
}

#[test]
fn wide_tuple_of_bools_is_fast_and_correct() {
    let mut t = T::new();
    let b = t.bool();
    let tup = t.tuple(&[b; 12]);
    // Row i pins column i to `true`; the last row catches everything with all `false`.
    let mut arms: Vec<Arm> = (0..12)
        .map(|i| {
            let mut ps = vec![Pat::Wild; 12];
            ps[i] = Pat::Bool(true);
            arm(Pat::Tuple(ps))
        })
        .collect();
    let start = std::time::Instant::now();
    let c = t.check(tup, &arms);
    missing(
        &c,
        &["(false, false, false, false, false, false, false, false, false, false, false, false)"],
        false,
    );
    arms.push(arm(Pat::Tuple(vec![Pat::Bool(false); 12])));
    arms.push(arm(Pat::Tuple(vec![Pat::Wild; 12])));
    let c = t.check(tup, &arms);
    exhaustive(&c);
    assert_eq!(c.unreachable, vec![13]);
    assert!(
        start.elapsed().as_millis() < 2000,
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn all_wild_tuple_witness_prints_as_wildcard() {
    let mut t = T::new();
    let b = t.bool();
    let tup = t.tuple(&[b, b]);
    let c = t.check(tup, &[guarded(Pat::Tuple(vec![Pat::Wild, Pat::Wild]))]);
    missing(&c, &["_"], false);
    assert!(c.unreachable.is_empty());
}

#[test]
fn qualified_variants_print_their_qualifier() {
    // `NetError | DiskError`, both with `Timeout`: only the qualified form is pasteable.
    let mut t = T::new();
    let at = t.opaque();
    let variants = [
        ("NetError", "Timeout", vec![]),
        ("DiskError", "Timeout", vec![("at".to_string(), at)]),
    ]
    .into_iter()
    .map(|(q, n, fields)| VariantShape {
        name: n.to_string(),
        qualifier: Some(q.to_string()),
        fields,
    })
    .collect();
    let s = t.t.add(Shape::Sum {
        name: "NetError | DiskError".to_string(),
        variants,
    });
    let c = t.check(s, &[arm(v(0))]);
    missing(&c, &["DiskError.Timeout { at: _ }"], false);
}
