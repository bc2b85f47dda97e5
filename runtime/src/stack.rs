//! Coroutine stacks aligned to their size, so that compiled code finds the limit of the stack it
//! runs on from the stack pointer alone.
//!
//! An [`AlignedStack`] of size `S` (a power of two) is the region `[lo, lo + S)` with
//! `lo % S == 0`, plus a guard page (`PROT_NONE`) just below `lo`. For every stack pointer `sp`
//! inside the region, `sp & !(S - 1) == lo`, so a function prologue can test how much stack is
//! left with `sp & (S - 1)` — no thread-local, no call, no table (`spec/abi.md`, "Stack limit").
//! Compiled programs use `S = abi::COMPILED_STACK_SIZE` and stop at `abi::STACK_RESERVE` bytes
//! above `lo`, leaving that much for the runtime functions they call (and for the crash path).
//!
//! The mapping is anonymous and private: only the pages a turn touches cost memory. It is marked
//! `MADV_NOHUGEPAGE` because the region is 2 MiB aligned, which would otherwise let transparent
//! huge pages back a few bytes of stack with 2 MiB of memory.

use std::io::{Error, Result};
use std::ptr;

use corosensei::stack::{Stack, StackPointer};

/// The smallest stack size handed out (it also keeps `S` a multiple of the page size).
const MIN_SIZE: usize = 64 << 10;

fn page_size() -> usize {
    // SAFETY: `sysconf` only reads a system constant.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if p > 0 && (p as usize).is_power_of_two() {
        p as usize
    } else {
        4096
    }
}

/// The size an [`AlignedStack::new`] for `size` gets: `size` rounded up to a power of two (at
/// least 64 KiB and one page); `None` when that overflows.
pub fn rounded_size(size: usize) -> Option<usize> {
    size.max(MIN_SIZE)
        .max(page_size())
        .checked_next_power_of_two()
}

/// A coroutine stack whose usable region is aligned to its (power-of-two) size, with a guard
/// page below it. See the module documentation.
pub struct AlignedStack {
    /// The lowest usable address (`lo`), a multiple of `size`.
    lo: usize,
    /// The usable size `S`.
    size: usize,
    /// The guard page's size (the mapping starts `guard` bytes below `lo`).
    guard: usize,
}

// SAFETY: the stack is plain memory owned by this value; nothing in it is tied to a thread.
unsafe impl Send for AlignedStack {}
// SAFETY: `&AlignedStack` only exposes addresses.
unsafe impl Sync for AlignedStack {}

impl AlignedStack {
    /// Maps a stack of `rounded_size(size)` bytes.
    pub fn new(size: usize) -> Result<AlignedStack> {
        let too_big = || Error::other(format!("stack size {size} is too large"));
        let s = rounded_size(size).ok_or_else(too_big)?;
        let page = page_size();
        // Twice the size always holds an S-aligned block of S bytes with at least one page
        // below it inside the mapping: the mapping is page aligned, so the first multiple of S
        // at or above `map + page` is at most `map + S`.
        let map_len = s.checked_mul(2).ok_or_else(too_big)?;
        // SAFETY: a fresh anonymous mapping that overlaps nothing; checked below.
        let map = unsafe {
            libc::mmap(
                ptr::null_mut(),
                map_len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if map == libc::MAP_FAILED {
            return Err(Error::last_os_error());
        }
        let start = map as usize;
        let end = start + map_len;
        let lo = (start + page).next_multiple_of(s);
        let keep_from = lo - page;
        // From here on `stack` owns `[keep_from, lo + s)`; the rest is unmapped right away.
        let stack = AlignedStack {
            lo,
            size: s,
            guard: page,
        };
        // SAFETY: both ranges lie inside the mapping made above, outside the part `stack`
        // keeps, and nothing else refers to them.
        unsafe {
            if keep_from > start {
                libc::munmap(map, keep_from - start);
            }
            if end > lo + s {
                libc::munmap((lo + s) as *mut libc::c_void, end - (lo + s));
            }
        }
        // SAFETY: `[lo, lo + s)` is part of the mapping `stack` owns; the guard page below stays
        // PROT_NONE. On failure `stack` is dropped, which unmaps what it owns.
        unsafe {
            let region = lo as *mut libc::c_void;
            if libc::mprotect(region, s, libc::PROT_READ | libc::PROT_WRITE) != 0 {
                return Err(Error::last_os_error());
            }
            // Advice only: a kernel without transparent huge pages refuses it, harmlessly.
            #[cfg(target_os = "linux")]
            libc::madvise(region, s, libc::MADV_NOHUGEPAGE);
        }
        Ok(stack)
    }

    /// The usable size (a power of two).
    pub fn size(&self) -> usize {
        self.size
    }

    /// The lowest usable address (a multiple of `size()`); the guard page lies just below.
    pub fn lowest(&self) -> usize {
        self.lo
    }

    /// Gives the memory of all but the top `keep` bytes back to the system (the pages read as
    /// zeros when touched again). Used for stacks of crashed turns, which may have run deep
    /// (a stack overflow touches all of it) before going back to the pool.
    pub fn release_below(&self, keep: usize) {
        let page = self.guard;
        let keep = keep.next_multiple_of(page).min(self.size);
        let len = self.size - keep;
        if len == 0 {
            return;
        }
        // SAFETY: `[lo, lo + len)` is part of this stack's writable mapping, and the stack is
        // not in use (no coroutine runs on it), so discarding its contents is harmless.
        #[cfg(target_os = "linux")]
        unsafe {
            libc::madvise(self.lo as *mut libc::c_void, len, libc::MADV_DONTNEED);
        }
    }
}

impl Drop for AlignedStack {
    fn drop(&mut self) {
        // SAFETY: exactly the guard page and the region this value owns; no coroutine runs on a
        // stack being dropped (corosensei gives the stack back only once the coroutine ended
        // or was reset).
        unsafe {
            libc::munmap(
                (self.lo - self.guard) as *mut libc::c_void,
                self.size + self.guard,
            );
        }
    }
}

// SAFETY: the region `[limit, base)` is mapped and owned by this value for its whole life, has a
// PROT_NONE guard page at its bottom, and is at least MIN_SIZE (64 KiB > corosensei's
// MIN_STACK_SIZE) usable bytes; both ends are page aligned, hence STACK_ALIGNMENT aligned.
unsafe impl Stack for AlignedStack {
    #[inline]
    fn base(&self) -> StackPointer {
        // `lo + size` is never 0: it is above a non-null mapping.
        StackPointer::new(self.lo + self.size).unwrap_or(StackPointer::MAX)
    }

    #[inline]
    fn limit(&self) -> StackPointer {
        StackPointer::new(self.lo - self.guard).unwrap_or(StackPointer::MIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `/proc/self/maps` line covering `addr`: (start, end, permissions).
    fn mapping_of(addr: usize) -> Option<(usize, usize, String)> {
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        maps.lines().find_map(|l| {
            let mut parts = l.split_whitespace();
            let range = parts.next()?;
            let perms = parts.next()?.to_string();
            let (a, b) = range.split_once('-')?;
            let a = usize::from_str_radix(a, 16).ok()?;
            let b = usize::from_str_radix(b, 16).ok()?;
            (a <= addr && addr < b).then_some((a, b, perms))
        })
    }

    #[test]
    fn sizes_round_up_to_powers_of_two() {
        assert_eq!(rounded_size(256 << 10), Some(256 << 10));
        assert_eq!(rounded_size(300 << 10), Some(512 << 10));
        assert_eq!(rounded_size(1), Some(MIN_SIZE));
        assert_eq!(rounded_size(usize::MAX), None);
        assert!(AlignedStack::new(usize::MAX / 2 + 2).is_err());
    }

    #[test]
    fn region_is_aligned_to_its_size_with_a_guard_page_below() {
        for size in [256 << 10, 3 << 20, 8 << 20] {
            let s = AlignedStack::new(size).expect("stack");
            let n = s.size();
            assert!(n.is_power_of_two() && n >= size);
            assert_eq!(
                s.lowest() % n,
                0,
                "the region starts at a multiple of its size"
            );
            assert_eq!(s.base().get() - s.lowest(), n);
            assert_eq!(s.limit().get(), s.lowest() - page_size());
            // Every address inside masks down to the lowest one.
            for sp in [s.lowest(), s.lowest() + 4096, s.base().get() - 8] {
                assert_eq!(sp & !(n - 1), s.lowest());
            }
            let (_, _, guard) = mapping_of(s.lowest() - 1).expect("guard page mapped");
            assert!(guard.starts_with("---"), "guard page is PROT_NONE: {guard}");
            let (a, b, rw) = mapping_of(s.lowest()).expect("region mapped");
            assert!(rw.starts_with("rw"), "region is writable: {rw}");
            assert!(a <= s.lowest() && b >= s.base().get());
            // The memory is usable from top to bottom.
            // SAFETY: both addresses lie in the writable region.
            unsafe {
                ptr::write_volatile((s.base().get() - 8) as *mut u64, 7);
                ptr::write_volatile(s.lowest() as *mut u64, 9);
                assert_eq!(ptr::read_volatile(s.lowest() as *const u64), 9);
            }
            s.release_below(4096);
            // SAFETY: as above; released pages read back as zeros, the kept top is untouched.
            unsafe {
                assert_eq!(ptr::read_volatile(s.lowest() as *const u64), 0);
                assert_eq!(ptr::read_volatile((s.base().get() - 8) as *const u64), 7);
            }
        }
    }
}

#[cfg(test)]
mod turn_tests;
