//! Targets: the threshold a proof-of-work hash must not exceed.

use crate::{decode_compact, encode_compact, PowError, PowHash, U256};

/// A proof-of-work target: a hash meets it when, read as a little-endian number, it is
/// not greater than the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target(pub U256);

impl Target {
    /// The target encoded by `bits`, refusing what Bitcoin Core's `CheckProofOfWork`
    /// refuses: negative, zero, overflowing, or above `pow_limit`.
    pub fn from_bits(bits: u32, pow_limit: &Target) -> Result<Target, PowError> {
        let decoded = decode_compact(bits);
        if decoded.negative {
            return Err(PowError::NegativeTarget(bits));
        }
        if decoded.overflow {
            return Err(PowError::OverflowTarget(bits));
        }
        if decoded.value.is_zero() {
            return Err(PowError::ZeroTarget(bits));
        }
        if decoded.value > pow_limit.0 {
            return Err(PowError::AboveLimit(bits));
        }
        Ok(Target(decoded.value))
    }

    /// The compact encoding (`GetCompact`).
    pub fn to_bits(&self) -> u32 {
        encode_compact(self.0, false)
    }

    /// Reads a target from 32 big-endian bytes (the order hex targets are written in).
    pub fn from_be_bytes(bytes: [u8; 32]) -> Target {
        Target(U256::from_be_bytes(bytes))
    }

    /// Reads a target from 32 little-endian bytes (Namecoin's `_target` order).
    pub fn from_le_bytes(bytes: [u8; 32]) -> Target {
        Target(U256::from_le_bytes(bytes))
    }

    /// The 32 little-endian bytes (Namecoin's `_target` order).
    pub fn to_le_bytes(&self) -> [u8; 32] {
        self.0.to_le_bytes()
    }

    /// The big-endian bytes (display order).
    pub fn to_be_bytes(&self) -> [u8; 32] {
        self.0.to_be_bytes()
    }

    /// Whether `hash` meets this target.
    pub fn is_met_by(&self, hash: &PowHash) -> bool {
        hash.to_u256() <= self.0
    }

    /// Difficulty relative to `reference` (Bitcoin Core's `GetDifficulty` uses the
    /// target of 0x1d00ffff) as a floating-point figure for display only.
    pub fn difficulty(&self, reference: &Target) -> f64 {
        f64::from(reference.0) / f64::from(self.0).max(f64::MIN_POSITIVE)
    }
}

/// The target encoded by `bits`, checked against `pow_limit`.
pub fn target_from_bits(bits: u32, pow_limit: &Target) -> Result<Target, PowError> {
    Target::from_bits(bits, pow_limit)
}

/// Bitcoin Core's `CheckProofOfWork`: `bits` must be a valid target within `pow_limit`
/// and `hash` must meet it.
pub fn check_proof_of_work(hash: &PowHash, bits: u32, pow_limit: &Target) -> Result<(), PowError> {
    let target = Target::from_bits(bits, pow_limit)?;
    if target.is_met_by(hash) {
        Ok(())
    } else {
        Err(PowError::HashAboveTarget(bits))
    }
}
