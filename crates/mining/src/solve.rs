//! The proof-of-work search: try nonces over a serialized header.

use std::sync::atomic::{AtomicBool, Ordering};
use venture_pow::{PowAlgorithm, Target};

/// How a search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SolveOutcome {
    /// The header now carries a nonce that meets the target.
    Found,
    /// `max_attempts` nonces were tried without success.
    Exhausted,
    /// The stop flag was raised.
    Stopped,
}

/// Searches nonces from the header's current one, for at most `max_attempts`.
/// Returns the number of hashes computed with the outcome.
pub fn solve_header(
    header: &mut bitcoin::block::Header,
    pow: PowAlgorithm,
    target: &Target,
    max_attempts: u64,
    stop: &AtomicBool,
) -> (SolveOutcome, u64) {
    let mut bytes = [0u8; 80];
    bytes.copy_from_slice(&bitcoin::consensus::encode::serialize(header));
    let mut nonce = header.nonce;
    for attempt in 0..max_attempts {
        // Checking an atomic every hash would cost more than scrypt's rate allows for.
        if attempt % 4096 == 0 && stop.load(Ordering::Relaxed) {
            return (SolveOutcome::Stopped, attempt);
        }
        bytes[76..80].copy_from_slice(&nonce.to_le_bytes());
        if target.is_met_by(&pow.hash(&bytes)) {
            header.nonce = nonce;
            return (SolveOutcome::Found, attempt + 1);
        }
        nonce = nonce.wrapping_add(1);
        if nonce == header.nonce {
            return (SolveOutcome::Exhausted, attempt + 1);
        }
    }
    (SolveOutcome::Exhausted, max_attempts)
}
