//! A counting global allocator: the largest single request and the peak of live bytes
//! during one execution, so that a decoder reserving memory for what a length field
//! claims, rather than for what it has read, is caught even when the host has the memory.
//!
//! A request above [`REFUSE_ABOVE`] is refused (null) rather than served: the process
//! then aborts through `handle_alloc_error`, which [`crate::guard`] turns into a finding
//! with the input saved, instead of the host running out of memory.

// Allowed here only: a global allocator is an `unsafe` trait implementation.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// No target may ask for this much at once; the bounds of [`crate::targets`] are far
/// below it, this only keeps a runaway request from reaching the system.
pub const REFUSE_ABOVE: usize = 1 << 30;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LARGEST: AtomicUsize = AtomicUsize::new(0);
static REFUSED: AtomicUsize = AtomicUsize::new(0);
/// While above zero, requests are not held against the execution (an oracle running a
/// reference decoder whose memory is not under test).
static EXEMPT: AtomicUsize = AtomicUsize::new(0);

pub struct Counting;

impl Counting {
    fn grew(size: usize) {
        let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
        if EXEMPT.load(Ordering::Relaxed) == 0 {
            LARGEST.fetch_max(size, Ordering::Relaxed);
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
    }

    fn refuse(size: usize) -> bool {
        if size > REFUSE_ABOVE {
            REFUSED.fetch_max(size, Ordering::Relaxed);
            return true;
        }
        false
    }
}

// SAFETY: every method forwards to the system allocator with the caller's arguments
// unchanged; the bookkeeping is a few atomic operations that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if Self::refuse(layout.size()) {
            return std::ptr::null_mut();
        }
        Self::grew(layout.size());
        // SAFETY: forwarded as received.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if Self::refuse(layout.size()) {
            return std::ptr::null_mut();
        }
        Self::grew(layout.size());
        // SAFETY: forwarded as received.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded as received.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Self::refuse(new_size) {
            return std::ptr::null_mut();
        }
        let old = layout.size();
        if new_size > old {
            // The old block stays live until the copy is done: count both.
            Self::grew(new_size);
            LIVE.fetch_sub(old, Ordering::Relaxed);
        } else {
            if EXEMPT.load(Ordering::Relaxed) == 0 {
                LARGEST.fetch_max(new_size, Ordering::Relaxed);
            }
            LIVE.fetch_sub(old - new_size, Ordering::Relaxed);
        }
        // SAFETY: forwarded as received.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// What one execution asked of the allocator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// The largest single request, in bytes.
    pub largest: usize,
    /// The most bytes live at once above what was live when the execution began.
    pub peak: usize,
    /// A request refused for exceeding [`REFUSE_ABOVE`], if any.
    pub refused: Option<usize>,
}

/// Marks the start of an execution; pass the result to [`finish`].
pub fn start() -> usize {
    LARGEST.store(0, Ordering::Relaxed);
    REFUSED.store(0, Ordering::Relaxed);
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

/// The usage since [`start`] returned `baseline`.
pub fn finish(baseline: usize) -> Usage {
    let refused = REFUSED.load(Ordering::Relaxed);
    Usage {
        largest: LARGEST.load(Ordering::Relaxed),
        peak: PEAK.load(Ordering::Relaxed).saturating_sub(baseline),
        refused: (refused > 0).then_some(refused),
    }
}

/// The largest request since the last [`start`] (for the abort message).
pub fn largest_so_far() -> usize {
    LARGEST
        .load(Ordering::Relaxed)
        .max(REFUSED.load(Ordering::Relaxed))
}

/// Runs `f` without holding its requests against the execution: for oracles that run a
/// reference decoder (rust-bitcoin's own) to compare with the one under test. Whatever
/// `f` keeps alive after it returns still counts once it is next resized or freed.
pub fn exempt<T>(f: impl FnOnce() -> T) -> T {
    EXEMPT.fetch_add(1, Ordering::Relaxed);
    let result = f();
    EXEMPT.fetch_sub(1, Ordering::Relaxed);
    // The exempt requests were live during `f`; the peak must not count them later.
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.fetch_max(live, Ordering::Relaxed);
    result
}
