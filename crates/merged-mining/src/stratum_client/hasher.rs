//! The hashing threads: build the header for an extranonce2, scan nonces, submit what
//! meets the share target.
//!
//! Thread `i` puts `i` in the first byte of extranonce2 and a counter in the rest, so
//! threads never hash the same coinbase. With version rolling, each extranonce2 is
//! hashed under every version the mask allows (up to 2^16) before the next one.

use crate::stratum::encoding::u32_to_hex;
use crate::stratum_client::{nap, Shared, Work, FULL_NONCE_RANGE};
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
    let mut counter: u64 = 0;
    while !shared.stopping() {
        let Some((generation, work)) = shared.current() else {
            nap(shared, Duration::from_millis(20));
            continue;
        };
        let extranonce2 = extranonce2(index, counter, work.extranonce2_size);
        counter = counter.wrapping_add(1);
        let mask = work.version_mask.unwrap_or(0);
        let nonces = match work.version_mask {
            Some(_) => shared.config.nonces_per_version.clamp(1, FULL_NONCE_RANGE),
            None => FULL_NONCE_RANGE,
        };
        // Versions are rolled before the extranonce2 changes: a new version costs no
        // coinbase hash. Roll 0 is the job's own version.
        let rolls = 1u64 << mask.count_ones().min(MAX_ROLLED_BITS);
        let mut exhausted = true;
        // One coinbase and merkle root per extranonce2; a roll rewrites 4 bytes.
        let mut header = header_bytes(&work, &extranonce2, work.version);
        let mut scan = Scan {
            shared,
            work: &work,
            generation,
            extranonce2: &extranonce2,
            check: check_every(shared.config.pow),
            unchecked: 0,
        };
        for roll in 0..rolls {
            let version = work.version ^ deposit(roll, mask);
            header[0..4].copy_from_slice(&version.to_le_bytes());
            if !scan.nonces(&mut header, version, nonces) {
                exhausted = false;
                break;
            }
        }
        scan.flush();
        if exhausted && work.extranonce2_size == 0 {
            // Nothing left to vary until new work arrives.
            while !shared.stopping() && shared.generation.load(Ordering::Acquire) == generation {
                nap(shared, Duration::from_millis(20));
            }
        }
    }
}

/// At most this many mask bits are rolled per extranonce2 (2^16 versions).
const MAX_ROLLED_BITS: u32 = 16;

/// The nonce scans of one extranonce2, under one version after another.
struct Scan<'a> {
    shared: &'a Shared,
    work: &'a Work,
    generation: u64,
    extranonce2: &'a [u8],
    /// Hashes between looks at the shared state (new work, stopping).
    check: u32,
    /// Hashes since the last look, across versions: rolling every few nonces must not
    /// mean a look per version.
    unchecked: u32,
}

impl Scan<'_> {
    /// Hashes nonces `0..count` of `header` (whose version is `version`), submitting
    /// what meets the share target; false when it stopped early (new work, or the
    /// miner stopping).
    fn nonces(&mut self, header: &mut [u8; 80], version: u32, count: u64) -> bool {
        let pow = self.shared.config.pow;
        for nonce in (0..count).map(|n| n as u32) {
            if self.unchecked >= self.check {
                self.flush();
                if self.shared.stopping()
                    || self.shared.generation.load(Ordering::Acquire) != self.generation
                {
                    return false;
                }
            }
            header[76..80].copy_from_slice(&nonce.to_le_bytes());
            self.unchecked += 1;
            if self.work.target.is_met_by(&pow.hash(header)) {
                submit(self.shared, self.work, self.extranonce2, nonce, version);
            }
        }
        true
    }

    /// Adds the hashes done to the counters.
    fn flush(&mut self) {
        let hashes = u64::from(std::mem::take(&mut self.unchecked));
        self.shared
            .stats
            .hashes
            .fetch_add(hashes, Ordering::Relaxed);
    }
}

/// Spreads the low bits of `value` over the set bits of `mask`, lowest first.
pub(super) fn deposit(mut value: u64, mask: u32) -> u32 {
    let mut out = 0u32;
    let mut rest = mask;
    while rest != 0 && value != 0 {
        let lowest = rest & rest.wrapping_neg();
        if value & 1 == 1 {
            out |= lowest;
        }
        value >>= 1;
        rest &= rest - 1;
    }
    out
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

/// The 80-byte header (nonce 0) for this work, extranonce2 and version.
pub(super) fn header_bytes(work: &Work, extranonce2: &[u8], version: u32) -> [u8; 80] {
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
    header[0..4].copy_from_slice(&version.to_le_bytes());
    header[4..36].copy_from_slice(&work.prev_hash);
    header[36..68].copy_from_slice(&root);
    header[68..72].copy_from_slice(&work.ntime.to_le_bytes());
    header[72..76].copy_from_slice(&work.bits.to_le_bytes());
    header
}

fn submit(shared: &Shared, work: &Work, extranonce2: &[u8], nonce: u32, version: u32) {
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let mut params = json!([
        shared.config.user,
        work.job_id,
        hex::encode(extranonce2),
        u32_to_hex(work.ntime),
        u32_to_hex(nonce),
    ]);
    // Once rolling is negotiated BIP310 wants version_bits in every submit.
    if let (Some(mask), Some(list)) = (work.version_mask, params.as_array_mut()) {
        list.push(json!(u32_to_hex(version & mask)));
    }
    let line = json!({
        "id": id,
        "method": "mining.submit",
        "params": params,
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
    fn rolls_spread_over_the_mask_bits() {
        assert_eq!(deposit(0, 0x1fff_e000), 0);
        assert_eq!(deposit(1, 0x1fff_e000), 0x2000);
        assert_eq!(deposit(0b101, 0x1fff_e000), 0xa000);
        assert_eq!(deposit(0xffff, 0x1fff_e000), 0x1fff_e000);
        assert_eq!(deposit(3, 0x8000_0001), 0x8000_0001);
        // Every roll of a mask gives a distinct version within it.
        let mask = 0x0001_e000;
        let versions: std::collections::HashSet<u32> = (0..16).map(|r| deposit(r, mask)).collect();
        assert_eq!(versions.len(), 16);
        assert!(versions.iter().all(|v| v & !mask == 0));
    }

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
