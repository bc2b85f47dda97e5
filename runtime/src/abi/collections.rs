//! `extern "C"` collection functions: lists, maps and sets (built-in methods of dialect §10).
//! Conventions as in `exports.rs` (`spec/abi.md` §6): mutating functions take the `var` slot and
//! apply copy-on-write; out-of-range indexes crash the running actor at `loc`.
#![allow(clippy::missing_safety_doc)]

use std::cmp::Ordering;

use super::exports::{ds, guard};
use crate::abi::desc::TypeDesc;
use crate::values::heap::with_current;
use crate::values::obj::*;
use crate::values::{cmp, map, rc};

// ------------------------------------------------------------------ lists

/// `[]` of list type `desc` with room for `cap` elements.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_new(desc: *const TypeDesc, cap: i64) -> Value {
    guard(0, || {
        let cap = usize::try_from(cap).unwrap_or(0).min(1 << 20);
        Ok(with_current(|h| new_list(h, ds(desc), cap)))
    })
}

/// `xs.len()`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_len(list: Value) -> i64 {
    // SAFETY: `list` is a live list.
    guard(0, || Ok(unsafe { (*(list as *const ListObj)).len } as i64))
}

fn index(list: Value, i: i64) -> Result<usize, String> {
    // SAFETY: `list` is a live list.
    let n = unsafe { (*(list as *const ListObj)).len };
    match u64::try_from(i) {
        Ok(x) if x < n => Ok(x as usize),
        _ => Err(format!("index {i} out of bounds for a list of length {n}")),
    }
}

/// `xs[i]` (borrowed; retain to keep). Out of bounds crashes at `loc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_get(list: Value, i: i64, loc: Value) -> Value {
    guard(loc, || {
        let k = index(list, i)?;
        // SAFETY: `k < len`.
        Ok(unsafe { *(*(list as *const ListObj)).data.add(k) })
    })
}

/// `xs[i] = v` on the `var` at `slot` (copy-on-write); takes over `v`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_set(slot: *mut Value, i: i64, v: Value, loc: Value) {
    guard(loc, || {
        // SAFETY: `slot` is the variable holding a live list of this thread.
        unsafe {
            let l = *slot;
            let k = match index(l, i) {
                Ok(k) => k,
                Err(e) => {
                    rc::release(v, rc::desc_of(l).elem());
                    return Err(e);
                }
            };
            let l = rc::make_unique(l, rc::desc_of(l));
            *slot = l;
            let p = (*(l as *mut ListObj)).data.add(k);
            let old = std::mem::replace(&mut *p, v);
            rc::release(old, rc::desc_of(l).elem());
        }
        Ok(())
    })
}

/// `xs.push(v)` on the `var` at `slot` (copy-on-write); takes over `v`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_push(slot: *mut Value, v: Value) {
    guard(0, || {
        // SAFETY: `slot` is the variable holding a live list of this thread.
        unsafe {
            let l = rc::make_unique(*slot, rc::desc_of(*slot));
            *slot = l;
            list_push(l, v);
        }
        Ok(())
    })
}

// ------------------------------------------------------------------ maps and sets

/// `Map.new()` / `Set.new()` of type `desc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_new(desc: *const TypeDesc) -> Value {
    guard(0, || Ok(with_current(|h| new_map(h, ds(desc)))))
}

/// `m.len()` for maps and sets.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_len(m: Value) -> i64 {
    // SAFETY: a live map or set.
    guard(0, || Ok(unsafe { map::len(m) } as i64))
}

/// `m.contains(k)` for maps and sets.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_contains(m: Value, key: Value) -> u8 {
    // SAFETY: a live map or set and a key of its type.
    guard(0, || Ok(unsafe { map::find(m, key) }.is_some() as u8))
}

/// `m.get(k) -> ?V` (owned); `opt` is the descriptor of `?V`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_get(m: Value, key: Value, opt: *const TypeDesc) -> Value {
    guard(0, || {
        let opt = ds(opt);
        // SAFETY: a live map and a key of its type.
        Ok(match unsafe { map::get(m, key) } {
            None => 0,
            Some(v) => {
                rc::retain(v, opt.elem());
                with_current(|h| some(h, opt, v))
            }
        })
    })
}

/// `m.insert(k, v) -> ?V` on the `var` at `slot` (copy-on-write); takes over `key` and `v`;
/// returns the previous value (owned) as a `?V` of descriptor `opt`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_insert(
    slot: *mut Value,
    key: Value,
    v: Value,
    opt: *const TypeDesc,
) -> Value {
    guard(0, || {
        let opt = ds(opt);
        // SAFETY: `slot` holds a live map of this thread.
        unsafe {
            let m = rc::make_unique(*slot, rc::desc_of(*slot));
            *slot = m;
            Ok(match map::insert(m, key, v) {
                None => 0,
                Some(old) => with_current(|h| some(h, opt, old)),
            })
        }
    })
}

/// `m.remove(k) -> ?V` on the `var` at `slot`; returns the removed value (owned) as `?V`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_remove(
    slot: *mut Value,
    key: Value,
    opt: *const TypeDesc,
) -> Value {
    guard(0, || {
        let opt = ds(opt);
        // SAFETY: `slot` holds a live map of this thread.
        unsafe {
            let m = rc::make_unique(*slot, rc::desc_of(*slot));
            *slot = m;
            Ok(match map::remove(m, key) {
                None => 0,
                Some((k, old)) => {
                    rc::release(k, rc::desc_of(m).elem());
                    with_current(|h| some(h, opt, old))
                }
            })
        }
    })
}

/// `s.insert(x) -> bool` on the `var` at `slot`; takes over `x`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_set_insert(slot: *mut Value, x: Value) -> u8 {
    guard(0, || {
        // SAFETY: `slot` holds a live set of this thread.
        unsafe {
            let s = rc::make_unique(*slot, rc::desc_of(*slot));
            *slot = s;
            Ok(map::insert(s, x, 0).is_none() as u8)
        }
    })
}

/// `s.remove(x) -> bool` on the `var` at `slot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_set_remove(slot: *mut Value, x: Value) -> u8 {
    guard(0, || {
        // SAFETY: `slot` holds a live set of this thread.
        unsafe {
            let s = rc::make_unique(*slot, rc::desc_of(*slot));
            *slot = s;
            Ok(match map::remove(s, x) {
                None => 0,
                Some((k, _)) => {
                    rc::release(k, rc::desc_of(s).elem());
                    1
                }
            })
        }
    })
}

/// The list in `slot`, made unique (copy-on-write) and stored back.
unsafe fn unique(slot: *mut Value) -> Value {
    // SAFETY: the caller passes the slot of a live object of this thread.
    unsafe {
        let v = rc::make_unique(*slot, rc::desc_of(*slot));
        *slot = v;
        v
    }
}

fn list_len(l: Value) -> usize {
    // SAFETY: `l` is a live list.
    unsafe { (*(l as *const ListObj)).len as usize }
}

fn elem_desc(l: Value) -> &'static TypeDesc {
    // SAFETY: `l` is a live list; its descriptor is static.
    unsafe { rc::desc_of(l).elem() }
}

/// A new list of type `desc` holding `items`, each retained.
fn list_from(desc: &'static TypeDesc, items: &[Value]) -> Value {
    let e = desc.elem();
    with_current(|h| {
        let l = new_list(h, desc, items.len());
        for &x in items {
            rc::retain(x, e);
            // SAFETY: `l` is the list just built.
            unsafe { list_push(l, x) };
        }
        l
    })
}

/// `xs.pop() -> ?T` on the `var` at `slot`; `opt` is the descriptor of `?T`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_pop(slot: *mut Value, opt: *const TypeDesc) -> Value {
    guard(0, || {
        // SAFETY: `slot` holds a live list of this thread.
        unsafe {
            if list_len(*slot) == 0 {
                return Ok(0);
            }
            let l = unique(slot) as *mut ListObj;
            (*l).len -= 1;
            let x = *(*l).data.add((*l).len as usize);
            Ok(with_current(|h| some(h, ds(opt), x)))
        }
    })
}

/// `xs.insert(i, v)` (0 ≤ i ≤ len) on the `var` at `slot`; takes `v`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_insert(slot: *mut Value, i: i64, v: Value, loc: Value) {
    guard(loc, || {
        // SAFETY: `slot` holds a live list of this thread; `k <= len` before the push.
        unsafe {
            let n = list_len(*slot);
            let k = match usize::try_from(i) {
                Ok(k) if k <= n => k,
                _ => {
                    rc::release(v, elem_desc(*slot));
                    return Err(format!(
                        "insert position {i} out of bounds for a list of length {n}"
                    ));
                }
            };
            let l = unique(slot);
            list_push(l, v);
            let o = l as *mut ListObj;
            let data = std::slice::from_raw_parts_mut((*o).data, n + 1);
            data[k..].rotate_right(1);
        }
        Ok(())
    })
}

/// `xs.remove(i) -> T` on the `var` at `slot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_remove(slot: *mut Value, i: i64, loc: Value) -> Value {
    guard(loc, || {
        // SAFETY: `slot` holds a live list of this thread; `k < len`.
        unsafe {
            let n = list_len(*slot);
            let k = match usize::try_from(i) {
                Ok(k) if k < n => k,
                _ => return Err(format!("index {i} out of bounds for a list of length {n}")),
            };
            let l = unique(slot) as *mut ListObj;
            let data = std::slice::from_raw_parts_mut((*l).data, n);
            let x = data[k];
            data[k..].rotate_left(1);
            (*l).len -= 1;
            Ok(x)
        }
    })
}

/// `xs.contains(x)`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_contains(list: Value, x: Value) -> u8 {
    guard(0, || {
        let e = elem_desc(list);
        // SAFETY: a live list.
        Ok(unsafe { list_items(list) }
            .iter()
            .any(|&y| cmp::eq(x, y, e)) as u8)
    })
}

/// `xs.clear()` on the `var` at `slot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_clear(slot: *mut Value) {
    guard(0, || {
        // SAFETY: `slot` holds a live list of this thread.
        unsafe {
            let d = rc::desc_of(*slot);
            if (*(*slot as *const ListObj)).h.rc != 1 {
                // Shared: a fresh empty list instead of copying what would be dropped.
                rc::release(*slot, d);
                *slot = with_current(|h| new_list(h, d, 0));
                return Ok(());
            }
            let l = *slot as *mut ListObj;
            let n = (*l).len as usize;
            (*l).len = 0;
            for k in 0..n {
                rc::release(*(*l).data.add(k), d.elem());
            }
        }
        Ok(())
    })
}

/// `xs.reverse()` on the `var` at `slot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_reverse(slot: *mut Value) {
    guard(0, || {
        // SAFETY: `slot` holds a live list of this thread.
        unsafe {
            let n = list_len(*slot);
            if n > 1 {
                let l = unique(slot) as *mut ListObj;
                std::slice::from_raw_parts_mut((*l).data, n).reverse();
            }
        }
        Ok(())
    })
}

/// `xs.sort()` on the `var` at `slot`: stable, ascending by `compare`; unordered pairs (NaN)
/// compare equal, so NaNs stay where they are relative to each other.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_sort(slot: *mut Value) {
    guard(0, || {
        // SAFETY: `slot` holds a live list of this thread.
        unsafe {
            let n = list_len(*slot);
            if n > 1 {
                let l = unique(slot) as *mut ListObj;
                let e = elem_desc(l as Value);
                std::slice::from_raw_parts_mut((*l).data, n)
                    .sort_by(|a, b| cmp::compare(*a, *b, e).unwrap_or(Ordering::Equal));
            }
        }
        Ok(())
    })
}

/// `xs.slice(lo, hi)` (half-open, 0 ≤ lo ≤ hi ≤ len): a new list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_slice(list: Value, lo: i64, hi: i64, loc: Value) -> Value {
    guard(loc, || {
        // SAFETY: a live list.
        let items = unsafe { list_items(list) };
        let n = items.len();
        match (usize::try_from(lo), usize::try_from(hi)) {
            (Ok(a), Ok(b)) if a <= b && b <= n => {
                // SAFETY: the list's descriptor is static.
                Ok(list_from(unsafe { rc::desc_of(list) }, &items[a..b]))
            }
            _ => Err(format!(
                "slice {lo}..<{hi} out of bounds for a list of length {n}"
            )),
        }
    })
}

/// `a ++ b` for lists: a new list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_list_concat(a: Value, b: Value) -> Value {
    guard(0, || {
        // SAFETY: two live lists of the same type.
        unsafe {
            let mut all = list_items(a).to_vec();
            all.extend_from_slice(list_items(b));
            Ok(list_from(rc::desc_of(a), &all))
        }
    })
}

/// `m.keys()` (maps) or `s.to_list()` (sets): a new list of type `list_desc`, insertion order.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_keys(m: Value, list_desc: *const TypeDesc) -> Value {
    guard(0, || {
        let mut ks = Vec::new();
        // SAFETY: a live map or set.
        unsafe { map::for_each_entry(m, |k, _| ks.push(k)) };
        Ok(list_from(ds(list_desc), &ks))
    })
}

/// `m.values()`: a new list of type `list_desc`, insertion order.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_values(m: Value, list_desc: *const TypeDesc) -> Value {
    guard(0, || {
        let mut vs = Vec::new();
        // SAFETY: a live map.
        unsafe { map::for_each_entry(m, |_, v| vs.push(v)) };
        Ok(list_from(ds(list_desc), &vs))
    })
}

/// `m.clear()` for maps and sets, on the `var` at `slot`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn janus_rt_map_clear(slot: *mut Value) {
    guard(0, || {
        // SAFETY: `slot` holds a live map or set of this thread.
        unsafe {
            let d = rc::desc_of(*slot);
            if (*(*slot as *const MapObj)).h.rc != 1 {
                rc::release(*slot, d);
                *slot = with_current(|h| new_map(h, d));
            } else {
                map::clear(*slot);
            }
        }
        Ok(())
    })
}
