//! The hashing threads: build the header for an extranonce2, scan nonces, submit what
//! meets the share target.
//!
//! Thread `i` puts `i` in the first byte of extranonce2 and a counter in the rest, so
//! threads never hash the same coinbase.

use crate::stratum::encoding::u32_to_hex;
use crate::stratum_client::{nap, Shared, Work};
use bitcoin::hashes::{sha256d, Hash};
use serde_json::json;
use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tracing::debug;
use venture_pow::PowAlgorithm;

/// Nonces between checks for new work: about 10 ms of hashing either way.
fn check_every(pow: PowAlgorithm) -> u32 {
    match pow {
        PowAlgorithm::Sha256d => 1 << 14,
        PowAlgorithm::Scrypt => 32,
    }
}

pub(super) fn run(shared: &Shared, index: usize) {
    let pow = shared.config.pow;
    let check = check_every(pow);
    let mut counter: u64 = 0;
    while !shared.stopping() {
        let Some((generation, work)) = shared.current() else {
            nap(shared, Duration::from_millis(20));
            continue;
        };
        let extranonce2 = extranonce2(index, counter, work.extranonce2_size);
        counter = counter.wrapping_add(1);
        let mut header = header_bytes(&work, &extranonce2);
        let mut hashes: u64 = 0;
        let mut nonce: u32 = 0;
        loop {
            if nonce.is_multiple_of(check) {
                shared.stats.hashes.fetch_add(hashes, Ordering::Relaxed);
                hashes = 0;
                if shared.stopping() || shared.generation.load(Ordering::Acquire) != generation {
                    break;
                }
            }
            header[76..80].copy_from_slice(&nonce.to_le_bytes());
            hashes += 1;
            if work.target.is_met_by(&pow.hash(&header)) {
                submit(shared, &work, &extranonce2, nonce);
            }
            nonce = match nonce.checked_add(1) {
                Some(next) => next,
                // This extranonce2 is exhausted; take the next one.
                None => break,
            };
        }
        shared.stats.hashes.fetch_add(hashes, Ordering::Relaxed);
        if work.extranonce2_size == 0 && nonce == u32::MAX {
            // Nothing left to vary until new work arrives.
            while !shared.stopping() && shared.generation.load(Ordering::Acquire) == generation {
                nap(shared, Duration::from_millis(20));
            }
        }
    }
}

pub(super) fn extranonce2(index: usize, counter: u64, size: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; size];
    if let Some((first, rest)) = bytes.split_first_mut() {
        *first = index as u8;
        let counter = counter.to_be_bytes();
        let take = rest.len().min(counter.len());
        let rest_len = rest.len();
        if let (Some(dst), Some(src)) = (
            rest.get_mut(rest_len - take..),
            counter.get(counter.len() - take..),
        ) {
            dst.copy_from_slice(src);
        }
    }
    bytes
}

/// The 80-byte header (nonce 0) for this work and extranonce2.
pub(super) fn header_bytes(work: &Work, extranonce2: &[u8]) -> [u8; 80] {
    let mut coinbase = work.coinb1.clone();
    coinbase.extend_from_slice(&work.extranonce1);
    coinbase.extend_from_slice(extranonce2);
    coinbase.extend_from_slice(&work.coinb2);
    let mut root = sha256d::Hash::hash(&coinbase).to_byte_array();
    for node in &work.branch {
        let mut pair = [0u8; 64];
        pair[..32].copy_from_slice(&root);
        pair[32..].copy_from_slice(node);
        root = sha256d::Hash::hash(&pair).to_byte_array();
    }
    let mut header = [0u8; 80];
    header[0..4].copy_from_slice(&work.version.to_le_bytes());
    header[4..36].copy_from_slice(&work.prev_hash);
    header[36..68].copy_from_slice(&root);
    header[68..72].copy_from_slice(&work.ntime.to_le_bytes());
    header[72..76].copy_from_slice(&work.bits.to_le_bytes());
    header
}

fn submit(shared: &Shared, work: &Work, extranonce2: &[u8], nonce: u32) {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let line = json!({
        "id": id,
        "method": "mining.submit",
        "params": [
            shared.config.user,
            work.job_id,
            hex::encode(extranonce2),
            u32_to_hex(work.ntime),
            u32_to_hex(nonce),
        ],
    })
    .to_string()
        + "\n";
    let Ok(mut writer) = shared.writer.lock() else {
        return;
    };
    if let Some(stream) = writer.as_mut() {
        match stream.write_all(line.as_bytes()) {
            Ok(()) => {
                shared
                    .stats
                    .shares_submitted
                    .fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => debug!("cannot send a share: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extranonce2_separates_threads() {
        assert_eq!(extranonce2(3, 0x0102, 4), vec![3, 0, 1, 2]);
        assert_eq!(extranonce2(1, u64::MAX, 4), vec![1, 0xff, 0xff, 0xff]);
        assert_eq!(extranonce2(2, 5, 1), vec![2]);
        assert!(extranonce2(2, 5, 0).is_empty());
        assert_eq!(
            extranonce2(0, 7, 12),
            vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7]
        );
    }
}
