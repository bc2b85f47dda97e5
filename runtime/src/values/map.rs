//! `Map[K, V]` and `Set[T]`: insertion-ordered hash tables (indexmap-like), hashing and comparing
//! keys by descriptor.
//!
//! Entries live in one array in insertion order (`[hash, key, value]` for maps, `[hash, key]` for
//! sets); an open-addressing index (linear probing, `u32` entry numbers + 1, at least twice the
//! entry capacity so it never fills) finds them. Removing marks the entry's hash as a tombstone
//! (`TOMB`) so iteration keeps insertion order in O(1) per removal; tombstones are compacted away
//! when the entry array would grow while at least half of it is dead.

use std::ptr;

use super::cmp::{eq, hash};
use super::heap::{Heap, raw_alloc, raw_free, raw_realloc};
use super::obj::{MapObj, Value, new_map};
use super::rc::desc_of;
use crate::abi::desc::{TypeDesc, kind};

/// The hash of a removed entry (live hashes have their top bit cleared).
const TOMB: u64 = u64::MAX;

fn stride(d: &TypeDesc) -> usize {
    if d.kind == kind::MAP { 3 } else { 2 }
}

/// The key descriptor of a map or set object.
///
/// # Safety
/// `m` must be a live map or set.
unsafe fn key_desc(m: Value) -> &'static TypeDesc {
    // SAFETY: guaranteed by the caller.
    unsafe { &*desc_of(m).elem }
}

fn key_hash(k: Value, d: &TypeDesc) -> u64 {
    hash(k, d) & (u64::MAX >> 1)
}

/// Live entries.
///
/// # Safety
/// `m` must be a live map or set.
pub unsafe fn len(m: Value) -> usize {
    // SAFETY: guaranteed by the caller.
    unsafe { (*(m as *const MapObj)).len as usize }
}

/// Visits live entries in insertion order (`value` is 0 for sets).
///
/// # Safety
/// `m` must be a live map or set, not modified by `f`.
pub unsafe fn for_each_entry(m: Value, mut f: impl FnMut(Value, Value)) {
    // SAFETY: `used` entries of `stride` slots are initialized.
    unsafe {
        let o = m as *const MapObj;
        let st = stride(desc_of(m));
        for i in 0..(*o).used as usize {
            let e = (*o).entries.add(i * st);
            if *e != TOMB {
                f(*e.add(1), if st == 3 { *e.add(2) } else { 0 });
            }
        }
    }
}

/// The `i`-th live entry in insertion order: (key, value; 0 for sets). O(1) when nothing was
/// removed since the last compaction (the usual case, and always for a loop's snapshot of a
/// map built by inserts), else a scan.
///
/// # Safety
/// `m` must be a live map or set.
pub unsafe fn entry_at(m: Value, i: usize) -> Option<(Value, Value)> {
    // SAFETY: `used` entries of `stride` slots are initialized.
    unsafe {
        let o = m as *const MapObj;
        let st = stride(desc_of(m));
        if (*o).len == (*o).used {
            if i >= (*o).used as usize {
                return None;
            }
            let e = (*o).entries.add(i * st);
            return Some((*e.add(1), if st == 3 { *e.add(2) } else { 0 }));
        }
        let mut k = 0;
        for j in 0..(*o).used as usize {
            let e = (*o).entries.add(j * st);
            if *e != TOMB {
                if k == i {
                    return Some((*e.add(1), if st == 3 { *e.add(2) } else { 0 }));
                }
                k += 1;
            }
        }
        None
    }
}

/// The entry number holding `key`, if any.
///
/// # Safety
/// `m` must be a live map or set; `key` a value of its key type.
pub unsafe fn find(m: Value, key: Value) -> Option<usize> {
    // SAFETY: the index never fills, so probing ends at an empty slot; entry numbers in the
    // index are < `used`.
    unsafe {
        let o = m as *const MapObj;
        if (*o).index.is_null() || (*o).len == 0 {
            return None;
        }
        let kd = key_desc(m);
        let st = stride(desc_of(m));
        let h = key_hash(key, kd);
        let mut i = (h & (*o).mask) as usize;
        loop {
            let e = *(*o).index.add(i);
            if e == 0 {
                return None;
            }
            let ei = (e - 1) as usize;
            let ent = (*o).entries.add(ei * st);
            if *ent == h && eq(*ent.add(1), key, kd) {
                return Some(ei);
            }
            i = (i + 1) & (*o).mask as usize;
        }
    }
}

/// The value stored under `key` (maps; borrowed), or for sets the stored element.
///
/// # Safety
/// As for `find`.
pub unsafe fn get(m: Value, key: Value) -> Option<Value> {
    // SAFETY: as for `find`.
    unsafe {
        let ei = find(m, key)?;
        let st = stride(desc_of(m));
        Some(*(*(m as *const MapObj)).entries.add(ei * st + st - 1))
    }
}

/// Inserts, taking over the references of `key` and `value` (`value` ignored for sets). When the
/// key was present: maps replace the value and return the old one (owned by the caller; the new
/// key reference is released); sets keep the stored element, release `key` and return `Some(0)`.
///
/// # Safety
/// `m` must be a live, uniquely referenced map or set of this thread.
pub unsafe fn insert(m: Value, key: Value, value: Value) -> Option<Value> {
    // SAFETY: as for `find`; growth keeps `used < cap` before the write.
    unsafe {
        let d = desc_of(m);
        let kd = &*d.elem;
        let st = stride(d);
        let o = m as *mut MapObj;
        if let Some(ei) = find(m, key) {
            super::rc::release(key, kd);
            if st == 3 {
                let slot = (*o).entries.add(ei * 3 + 2);
                let old = *slot;
                *slot = value;
                return Some(old);
            }
            return Some(0);
        }
        if (*o).used == (*o).cap {
            grow(o, st);
        }
        let h = key_hash(key, kd);
        let ei = (*o).used as usize;
        let ent = (*o).entries.add(ei * st);
        *ent = h;
        *ent.add(1) = key;
        if st == 3 {
            *ent.add(2) = value;
        }
        (*o).used += 1;
        (*o).len += 1;
        index_put(o, h, ei);
        None
    }
}

/// Removes `key`; returns the stored key and value (owned by the caller; value 0 for sets).
///
/// # Safety
/// `m` must be a live, uniquely referenced map or set of this thread.
pub unsafe fn remove(m: Value, key: Value) -> Option<(Value, Value)> {
    // SAFETY: as for `find`.
    unsafe {
        let ei = find(m, key)?;
        let st = stride(desc_of(m));
        let o = m as *mut MapObj;
        let ent = (*o).entries.add(ei * st);
        let k = *ent.add(1);
        let v = if st == 3 { *ent.add(2) } else { 0 };
        *ent = TOMB;
        *ent.add(1) = 0;
        if st == 3 {
            *ent.add(2) = 0;
        }
        (*o).len -= 1;
        if (*o).len == 0 {
            // Everything removed: start over (no tombstones to keep).
            (*o).used = 0;
            ptr::write_bytes((*o).index, 0, (*o).mask as usize + 1);
        }
        Some((k, v))
    }
}

/// Removes every entry, releasing keys and values.
///
/// # Safety
/// `m` must be a live, uniquely referenced map or set of this thread.
pub unsafe fn clear(m: Value) {
    // SAFETY: as for `for_each_entry`; the table is reset after the references are dropped.
    unsafe {
        let d = desc_of(m);
        let mut refs = Vec::new();
        for_each_entry(m, |k, v| refs.push((k, v)));
        let o = m as *mut MapObj;
        (*o).len = 0;
        (*o).used = 0;
        if !(*o).index.is_null() {
            ptr::write_bytes((*o).index, 0, (*o).mask as usize + 1);
        }
        for (k, v) in refs {
            super::rc::release(k, d.elem());
            if d.kind == kind::MAP {
                super::rc::release(v, d.value());
            }
        }
    }
}

unsafe fn index_put(o: *mut MapObj, h: u64, ei: usize) {
    // SAFETY: the caller keeps the index larger than the entry count.
    unsafe {
        let mask = (*o).mask as usize;
        let mut i = (h as usize) & mask;
        while *(*o).index.add(i) != 0 {
            i = (i + 1) & mask;
        }
        *(*o).index.add(i) = (ei + 1) as u32;
    }
}

/// Makes room for one more entry: compacts when at least half the entries are tombstones, else
/// doubles the entry array; then rebuilds the index.
unsafe fn grow(o: *mut MapObj, st: usize) {
    // SAFETY: `entries` holds `used` initialized entries; the new arrays are sized before use.
    unsafe {
        if (*o).used > 0 && (*o).len * 2 <= (*o).used {
            let mut w = 0usize;
            for r in 0..(*o).used as usize {
                let src = (*o).entries.add(r * st);
                if *src != TOMB {
                    if w != r {
                        ptr::copy_nonoverlapping(src, (*o).entries.add(w * st), st);
                    }
                    w += 1;
                }
            }
            (*o).used = w as u64;
        } else {
            let cap = ((*o).cap * 2).max(4);
            if cap > (u32::MAX / 2) as u64 {
                std::alloc::handle_alloc_error(std::alloc::Layout::new::<[u64; 2]>());
            }
            (*o).entries = raw_realloc((*o).entries.cast(), cap as usize * st * 8).cast();
            (*o).cap = cap;
        }
        rebuild_index(o, st);
    }
}

unsafe fn rebuild_index(o: *mut MapObj, st: usize) {
    // SAFETY: the index is sized to at least twice the capacity (power of two).
    unsafe {
        let size = ((*o).cap as usize * 2).next_power_of_two().max(8);
        if (*o).mask as usize + 1 != size || (*o).index.is_null() {
            raw_free((*o).index.cast());
            (*o).index = raw_alloc(size * 4).cast();
            (*o).mask = (size - 1) as u64;
        }
        ptr::write_bytes((*o).index, 0, size);
        for i in 0..(*o).used as usize {
            let h = *(*o).entries.add(i * st);
            if h != TOMB {
                index_put(o, h, i);
            }
        }
    }
}

/// A new table in `heap` with the same live entries (compacted) and nothing retained.
///
/// # Safety
/// `m` must be a live map or set.
pub unsafe fn clone_table(m: Value, heap: &Heap) -> Value {
    // SAFETY: the new table is sized for every live entry before they are copied.
    unsafe {
        let d = desc_of(m);
        let st = stride(d);
        let c = new_map(heap, d);
        let n = len(m);
        if n == 0 {
            return c;
        }
        let o = c as *mut MapObj;
        (*o).entries = raw_alloc(n * st * 8).cast();
        (*o).cap = n as u64;
        let src = m as *const MapObj;
        let mut w = 0usize;
        for r in 0..(*src).used as usize {
            let e = (*src).entries.add(r * st);
            if *e != TOMB {
                ptr::copy_nonoverlapping(e, (*o).entries.add(w * st), st);
                w += 1;
            }
        }
        (*o).used = w as u64;
        (*o).len = w as u64;
        rebuild_index(o, st);
        c
    }
}

/// Visits live entries' key and value slots mutably (deep copy rewrites them in place).
///
/// # Safety
/// `m` must be a live map or set; `f` must not change hashes or equality of keys.
pub unsafe fn for_each_entry_slots(m: Value, mut f: impl FnMut(*mut Value, Option<*mut Value>)) {
    // SAFETY: `used` entries of `stride` slots are initialized.
    unsafe {
        let o = m as *const MapObj;
        let st = stride(desc_of(m));
        for i in 0..(*o).used as usize {
            let e = (*o).entries.add(i * st);
            if *e != TOMB {
                f(e.add(1), if st == 3 { Some(e.add(2)) } else { None });
            }
        }
    }
}
