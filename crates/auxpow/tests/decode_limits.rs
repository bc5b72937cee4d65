//! Length fields that claim huge sizes must fail on the missing data, not reserve memory
//! for what they claim. A counting allocator records the largest single allocation made
//! while decoding each hostile input.

// Allowed here only: a counting global allocator is an `unsafe` trait implementation.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use bitcoin::consensus::encode::deserialize;
use venture_auxpow::{AuxHeader, AuxPow};

struct Largest;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

/// rust-bitcoin bounds up-front reservations by `MAX_VEC_SIZE` (4 MB); a witness may
/// reserve four bytes per claimed element, so 16 MB plus slack is the worst case.
const CEILING: usize = 20 * 1024 * 1024;

fn varint_max() -> Vec<u8> {
    vec![0xff; 9]
}

fn auxpow_prefix_with_witness_marker() -> Vec<u8> {
    // tx version, witness marker and flag
    vec![0x01, 0, 0, 0, 0x00, 0x01]
}

fn hostile_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let tx_version = vec![0x01, 0, 0, 0];
    let mut cases = Vec::new();

    let mut huge_inputs = tx_version.clone();
    huge_inputs.extend(varint_max());
    cases.push(("input count 2^64-1", huge_inputs));

    let mut huge_script = tx_version.clone();
    huge_script.push(1); // one input
    huge_script.extend([0u8; 36]); // outpoint
    huge_script.extend([0xfe, 0xff, 0xff, 0xff, 0x7f]); // script length ~2^31
    cases.push(("scriptSig length 2^31", huge_script));

    let mut huge_outputs = tx_version.clone();
    huge_outputs.push(1);
    huge_outputs.extend([0u8; 36]);
    huge_outputs.push(0); // empty script
    huge_outputs.extend([0xff; 4]); // sequence
    huge_outputs.extend(varint_max());
    cases.push(("output count 2^64-1", huge_outputs));

    let mut huge_witness = auxpow_prefix_with_witness_marker();
    huge_witness.push(1);
    huge_witness.extend([0u8; 36]);
    huge_witness.push(0);
    huge_witness.extend([0xff; 4]);
    huge_witness.push(0); // no outputs
    huge_witness.extend([0xfe, 0x00, 0x09, 0x3d, 0x00]); // 4,000,000 witness elements
    cases.push(("witness element count 4M", huge_witness.clone()));

    let mut huge_element = auxpow_prefix_with_witness_marker();
    huge_element.push(1);
    huge_element.extend([0u8; 36]);
    huge_element.push(0);
    huge_element.extend([0xff; 4]);
    huge_element.push(0);
    huge_element.push(1); // one element
    huge_element.extend(varint_max()); // of 2^64-1 bytes
    cases.push(("witness element length 2^64-1", huge_element));

    // A minimal valid coinbase followed by a branch of 2^64-1 hashes.
    let mut huge_branch = tx_version.clone();
    huge_branch.push(1);
    huge_branch.extend([0u8; 36]);
    huge_branch.push(0);
    huge_branch.extend([0xff; 4]);
    huge_branch.push(0);
    huge_branch.extend([0u8; 4]); // locktime
    huge_branch.extend([0u8; 32]); // hashBlock
    let minimal_tx_and_hash = huge_branch.clone();
    huge_branch.extend(varint_max());
    cases.push(("coinbase branch of 2^64-1 hashes", huge_branch));

    let mut huge_chain_branch = minimal_tx_and_hash;
    huge_chain_branch.push(0); // empty coinbase branch
    huge_chain_branch.extend([0u8; 4]); // nIndex
    huge_chain_branch.extend([0xfe, 0xff, 0xff, 0xff, 0xff]);
    cases.push(("chain branch of 2^32-1 hashes", huge_chain_branch));

    cases
}

#[test]
fn claimed_sizes_do_not_allocate() {
    for (name, auxpow_bytes) in hostile_inputs() {
        LARGEST.store(0, Ordering::Relaxed);
        assert!(
            deserialize::<AuxPow>(&auxpow_bytes).is_err(),
            "{name} decoded"
        );
        let mut header = vec![0x01, 0x01, 0x01, 0x00]; // version with the AuxPoW flag
        header.extend([0u8; 76]);
        header.extend(&auxpow_bytes);
        assert!(
            deserialize::<AuxHeader>(&header).is_err(),
            "{name} decoded as header"
        );
        let largest = LARGEST.load(Ordering::Relaxed);
        eprintln!("{name}: largest allocation {largest} bytes");
        assert!(largest < CEILING, "{name}: allocated {largest} bytes");
    }
}
