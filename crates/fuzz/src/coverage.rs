//! Edge coverage as feedback, when the build asks LLVM for it.
//!
//! Compiled with `-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=3
//! -Cllvm-args=-sanitizer-coverage-inline-8bit-counters` (stable `rustc` flags), every
//! instrumented crate counts the executions of each edge in a byte and registers its
//! counters at start-up through [`__sanitizer_cov_8bit_counters_init`]. The runner keeps
//! an input when it makes some edge reach a count bucket never seen before (AFL's
//! buckets). In an ordinary build nothing registers, [`Coverage::available`] is false,
//! and the runner falls back to the outcomes targets report.

// Allowed here only: LLVM's coverage counters are raw memory registered by the instrumentation.
#![allow(unsafe_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

const MAX_REGIONS: usize = 64;
static REGION_START: [AtomicUsize; MAX_REGIONS] = [const { AtomicUsize::new(0) }; MAX_REGIONS];
static REGION_END: [AtomicUsize; MAX_REGIONS] = [const { AtomicUsize::new(0) }; MAX_REGIONS];
static REGIONS: AtomicUsize = AtomicUsize::new(0);

/// Called by the instrumentation's module constructors, before `main`, once per module
/// (modules linked together report the same section, which is kept once).
#[no_mangle]
pub extern "C" fn __sanitizer_cov_8bit_counters_init(start: *mut u8, stop: *mut u8) {
    let (start, stop) = (start as usize, stop as usize);
    if start >= stop {
        return;
    }
    let count = REGIONS.load(Ordering::SeqCst);
    let known = (0..count).any(|i| REGION_START[i].load(Ordering::SeqCst) == start);
    if known || count == MAX_REGIONS {
        return;
    }
    REGION_START[count].store(start, Ordering::SeqCst);
    REGION_END[count].store(stop, Ordering::SeqCst);
    REGIONS.store(count + 1, Ordering::SeqCst);
}

/// The counters of one registered region.
struct Region {
    start: *mut u8,
    len: usize,
}

/// Edges and count buckets seen so far.
pub struct Coverage {
    regions: Vec<Region>,
    /// Per counter, the buckets already seen (one bit each).
    seen: Vec<Vec<u8>>,
    edges: usize,
}

/// AFL's hit-count buckets: 1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+.
fn bucket(count: u8) -> u8 {
    match count {
        0 => 0,
        1 => 1,
        2 => 2,
        3 => 4,
        4..=7 => 8,
        8..=15 => 16,
        16..=31 => 32,
        32..=127 => 64,
        _ => 128,
    }
}

impl Coverage {
    pub fn new() -> Coverage {
        let count = REGIONS.load(Ordering::SeqCst);
        let regions: Vec<Region> = (0..count)
            .map(|i| {
                let start = REGION_START[i].load(Ordering::SeqCst);
                let end = REGION_END[i].load(Ordering::SeqCst);
                Region {
                    start: start as *mut u8,
                    len: end - start,
                }
            })
            .collect();
        let seen = regions.iter().map(|r| vec![0u8; r.len]).collect();
        Coverage {
            regions,
            seen,
            edges: 0,
        }
    }

    /// Whether the build is instrumented.
    pub fn available(&self) -> bool {
        !self.regions.is_empty()
    }

    /// Instrumented edges in the whole binary.
    pub fn total_edges(&self) -> usize {
        self.regions.iter().map(|r| r.len).sum()
    }

    /// Edges executed at least once so far.
    pub fn edges(&self) -> usize {
        self.edges
    }

    /// Folds the counters of the execution just finished into what was seen; true when
    /// it reached an edge or a bucket never seen before. Zeroes the counters.
    pub fn collect(&mut self) -> bool {
        let mut new = false;
        for (region, seen) in self.regions.iter().zip(self.seen.iter_mut()) {
            // SAFETY: the region is the counter section the instrumentation registered;
            // it lives as long as the program, and no instrumented code runs on this
            // thread while the slice exists.
            let counters = unsafe { std::slice::from_raw_parts_mut(region.start, region.len) };
            let (words, tail) = counters.as_chunks_mut::<8>();
            let (seen_words, seen_tail) = seen.as_chunks_mut::<8>();
            for (word, seen_word) in words.iter_mut().zip(seen_words.iter_mut()) {
                // Most counters are zero: skip eight at a time.
                if u64::from_ne_bytes(*word) != 0 {
                    new |= fold(word, seen_word, &mut self.edges);
                }
            }
            new |= fold(tail, seen_tail, &mut self.edges);
        }
        new
    }
}

/// Folds `counters` into `seen`, zeroing them; true on a new edge or bucket.
fn fold(counters: &mut [u8], seen: &mut [u8], edges: &mut usize) -> bool {
    let mut new = false;
    for (count, seen) in counters.iter_mut().zip(seen.iter_mut()) {
        let bit = bucket(*count);
        *count = 0;
        if bit & !*seen != 0 {
            if *seen == 0 {
                *edges += 1;
            }
            *seen |= bit;
            new = true;
        }
    }
    new
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage::new()
    }
}
