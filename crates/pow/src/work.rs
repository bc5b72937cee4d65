//! Chain work: the expected number of hashes a target stands for.

use crate::{decode_compact, U256};
use std::ops::{Add, AddAssign, Sub};

/// Cumulative or per-block work (Bitcoin Core's `GetBlockProof`, summed as chainwork).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Work(pub U256);

impl Work {
    pub const ZERO: Work = Work(U256::ZERO);

    /// Work of one block with `bits`: `2^256 / (target + 1)`, computed as
    /// `~target / (target + 1) + 1` so it fits in 256 bits. Invalid targets give zero,
    /// as in Bitcoin Core.
    pub fn from_bits(bits: u32) -> Work {
        let decoded = decode_compact(bits);
        if decoded.negative || decoded.overflow || decoded.value.is_zero() {
            return Work::ZERO;
        }
        let target = decoded.value;
        Work((!target / (target + U256::from(1u8))) + U256::from(1u8))
    }

    /// Big-endian bytes, as `chainwork` is shown in RPC.
    pub fn to_be_bytes(&self) -> [u8; 32] {
        self.0.to_be_bytes()
    }

    pub fn from_be_bytes(bytes: [u8; 32]) -> Work {
        Work(U256::from_be_bytes(bytes))
    }

    /// Saturating, since a sum of real work never reaches 2^256.
    pub fn saturating_add(self, other: Work) -> Work {
        Work(self.0.saturating_add(other.0))
    }
}

impl Add for Work {
    type Output = Work;
    fn add(self, other: Work) -> Work {
        self.saturating_add(other)
    }
}

impl AddAssign for Work {
    fn add_assign(&mut self, other: Work) {
        *self = self.saturating_add(other);
    }
}

impl Sub for Work {
    type Output = Work;
    fn sub(self, other: Work) -> Work {
        Work(self.0.saturating_sub(other.0))
    }
}

impl std::fmt::Display for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", hex::encode(self.to_be_bytes()))
    }
}
