//! A witness that claims millions of elements must cost memory only for the bytes that
//! arrived: rust-bitcoin's own witness decoder requests 32,000,256 bytes for the 59-byte
//! transaction below and holds 48 MB while its buffer grows. A counting allocator records
//! the largest request and the live peak while each decoder runs.

// Allowed here only: a counting global allocator is an `unsafe` trait implementation.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use bitcoin::consensus::encode::{deserialize, MAX_VEC_SIZE};
use venture_primitives::{deserialize_transaction, Block, Header};

struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(size: usize) {
    LARGEST.fetch_max(size, Ordering::Relaxed);
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What any vector decoder may reserve up front: rust-bitcoin's `MAX_VEC_SIZE`, the
/// size of the largest block.
const CEILING: usize = MAX_VEC_SIZE;

/// Version, BIP144 marker and flag, one input, no outputs, then the first input's
/// witness: 4,000,000 elements claimed, the first of 3,999,990 bytes, none present.
fn witness_claim() -> Vec<u8> {
    let mut tx = vec![1, 0, 0, 0, 0, 1, 1];
    tx.extend([0; 36]);
    tx.push(0);
    tx.extend([0xff; 4]);
    tx.push(0);
    tx.push(0xfe);
    tx.extend(4_000_000u32.to_le_bytes());
    tx.push(0xfe);
    tx.extend(3_999_990u32.to_le_bytes());
    tx
}

/// The largest request and the live peak while `decode` runs.
fn measure(decode: impl FnOnce()) -> (usize, usize) {
    LARGEST.store(0, Ordering::Relaxed);
    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    decode();
    (
        LARGEST.load(Ordering::Relaxed),
        PEAK.load(Ordering::Relaxed) - baseline,
    )
}

/// One test, so that no other test allocates while this one measures.
#[test]
fn witness_claims_cost_only_what_arrived() {
    let tx = witness_claim();
    let (largest, peak) = measure(|| assert!(deserialize_transaction(&tx).is_err()));
    assert!(
        largest <= CEILING && peak <= CEILING,
        "transaction: {largest} / {peak}"
    );

    // The same transaction in a block, after a header without AuxPoW.
    let mut block = vec![0x04, 0, 0, 0];
    block.extend([0; 76]);
    block.push(1);
    block.extend(&tx);
    let (largest, peak) = measure(|| assert!(deserialize::<Block>(&block).is_err()));
    assert!(
        largest <= CEILING && peak <= CEILING,
        "block: {largest} / {peak}"
    );

    // As the coinbase of an AuxPoW in a header (version with the AuxPoW flag).
    let mut header = vec![0x04, 0x01, 0, 0];
    header.extend([0; 76]);
    header.extend(&tx);
    let (largest, peak) = measure(|| assert!(deserialize::<Header>(&header).is_err()));
    assert!(
        largest <= CEILING && peak <= CEILING,
        "header: {largest} / {peak}"
    );

    // What rust-bitcoin's own decoder does with it, for the record.
    let (largest, _) = measure(|| assert!(deserialize::<bitcoin::Transaction>(&tx).is_err()));
    assert!(
        largest > 8 * CEILING,
        "rust-bitcoin now bounds witnesses: {largest}"
    );
}
