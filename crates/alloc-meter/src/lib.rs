//! A global allocator that counts, for test binaries that bound memory
//! (the fuzz test asserts each input's peak): it wraps the system
//! allocator and keeps the bytes live now, the peak since the last
//! [`Meter::reset_peak`], and a ceiling past which it refuses to allocate
//! (Rust then aborts with "memory allocation of N bytes failed"), so a
//! runaway input fails at once instead of eating the machine.
//!
//! ```ignore
//! #[global_allocator]
//! static METER: alloc_meter::Meter = alloc_meter::Meter::new();
//! ```
//!
//! The workspace forbids unsafe code; this crate is where the one
//! `unsafe impl` a global allocator needs lives, and nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

pub struct Meter {
    live: AtomicUsize,
    peak: AtomicUsize,
    ceiling: AtomicUsize,
}

impl Meter {
    pub const fn new() -> Meter {
        Meter { live: AtomicUsize::new(0), peak: AtomicUsize::new(0), ceiling: AtomicUsize::new(usize::MAX) }
    }

    /// Bytes allocated and not yet freed.
    pub fn live(&self) -> usize {
        self.live.load(Relaxed)
    }

    /// The most bytes live at once since the last reset.
    pub fn peak(&self) -> usize {
        self.peak.load(Relaxed)
    }

    /// Starts a new peak from what is live now.
    pub fn reset_peak(&self) {
        self.peak.store(self.live(), Relaxed);
    }

    /// Refuse any allocation that would take the live bytes past `bytes`.
    pub fn set_ceiling(&self, bytes: usize) {
        self.ceiling.store(bytes, Relaxed);
    }

    /// Counts `size` more bytes, or refuses them past the ceiling.
    fn take(&self, size: usize) -> bool {
        let before = self.live.fetch_add(size, Relaxed);
        let now = before.saturating_add(size);
        if now > self.ceiling.load(Relaxed) {
            self.live.fetch_sub(size, Relaxed);
            return false;
        }
        self.peak.fetch_max(now, Relaxed);
        true
    }
}

impl Meter {
    /// Allocates `size` bytes with `allocate` if the ceiling allows.
    fn counted(&self, size: usize, allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
        if !self.take(size) {
            return std::ptr::null_mut();
        }
        let p = allocate();
        if p.is_null() {
            self.live.fetch_sub(size, Relaxed);
        }
        p
    }
}

impl Default for Meter {
    fn default() -> Meter {
        Meter::new()
    }
}

#[allow(unsafe_code)]
// SAFETY: every call is passed to `System` unchanged; the counters are
// only bookkeeping, and a refused allocation returns null as the
// `GlobalAlloc` contract allows.
unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.counted(layout.size(), || unsafe { System.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.counted(layout.size(), || unsafe { System.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        self.live.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !self.take(new_size - old) {
            return std::ptr::null_mut();
        }
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            if new_size > old {
                self.live.fetch_sub(new_size - old, Relaxed);
            }
        } else if new_size < old {
            self.live.fetch_sub(old - new_size, Relaxed);
        }
        p
    }
}
