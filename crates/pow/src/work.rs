//! Chain work: the expected number of hashes a target stands for.

use crate::{decode_compact, U256};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::ops::{Add, AddAssign, Sub};
use std::str::FromStr;

/// Cumulative or per-block work (Bitcoin Core's `GetBlockProof`, summed as chainwork).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Work(pub U256);

impl Work {
    pub const ZERO: Work = Work(U256::ZERO);

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

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

/// Hex, as Bitcoin Core writes `nMinimumChainWork` and `chainwork`: up to 64 digits,
/// with or without `0x`.
impl FromStr for Work {
    type Err = String;
    fn from_str(s: &str) -> Result<Work, String> {
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s);
        let invalid = || format!("`{s}` is not chain work (expected up to 64 hex digits)");
        if digits.is_empty() || digits.len() > 64 {
            return Err(invalid());
        }
        let padded = format!("{digits:0>64}");
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&padded, &mut bytes).map_err(|_| invalid())?;
        Ok(Work::from_be_bytes(bytes))
    }
}

impl Serialize for Work {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("0x{self}"))
    }
}

impl<'de> Deserialize<'de> for Work {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_work_reads_as_core_writes_it() {
        let work: Work = "0x0000000000000000000000000000000000000000000000000000000100010001"
            .parse()
            .unwrap();
        assert_eq!(work, Work::from_bits(0x1d00ffff));
        assert_eq!("100010001".parse::<Work>().unwrap(), work);
        assert!("0x".parse::<Work>().is_err());
        assert!("zz".parse::<Work>().is_err());
        assert!("1".repeat(65).parse::<Work>().is_err());
    }
}
