//! The proof-of-work hash functions a spec can choose.

use crate::U256;
use bitcoin::hashes::{sha256d, Hash};
use serde::{Deserialize, Serialize};

/// Which function turns an 80-byte header into its proof-of-work hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowAlgorithm {
    /// Bitcoin's double SHA-256.
    Sha256d,
    /// Litecoin's scrypt with N=1024, r=1, p=1, the header as both password and salt.
    Scrypt,
}

/// A proof-of-work hash in Bitcoin's internal byte order (little-endian number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PowHash(pub [u8; 32]);

impl PowHash {
    pub fn to_u256(&self) -> U256 {
        U256::from_le_bytes(self.0)
    }

    /// Hex in display order (reversed), as block explorers print hashes.
    pub fn to_display_hex(&self) -> String {
        let mut bytes = self.0;
        bytes.reverse();
        hex::encode(bytes)
    }
}

impl PowAlgorithm {
    /// Hashes an 80-byte serialized header.
    pub fn hash(self, header: &[u8; 80]) -> PowHash {
        match self {
            PowAlgorithm::Sha256d => PowHash(sha256d::Hash::hash(header).to_byte_array()),
            PowAlgorithm::Scrypt => PowHash(crate::scrypt::scrypt_1024_1_1(header)),
        }
    }

    /// [`PowAlgorithm::hash`] of each header, in order: scrypt takes them two at a time,
    /// which is nearly twice as fast on one core as one by one.
    pub fn hash_many(self, headers: &[[u8; 80]]) -> Vec<PowHash> {
        match self {
            PowAlgorithm::Sha256d => headers.iter().map(|h| self.hash(h)).collect(),
            PowAlgorithm::Scrypt => {
                let mut hashes = Vec::with_capacity(headers.len());
                let mut pairs = headers.chunks_exact(2);
                for pair in &mut pairs {
                    let [a, b] = crate::scrypt::scrypt_pair(&pair[0], &pair[1]);
                    hashes.extend([PowHash(a), PowHash(b)]);
                }
                hashes.extend(pairs.remainder().iter().map(|h| self.hash(h)));
                hashes
            }
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PowAlgorithm::Sha256d => "sha256d",
            PowAlgorithm::Scrypt => "scrypt",
        }
    }
}

impl std::str::FromStr for PowAlgorithm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sha256d" => Ok(PowAlgorithm::Sha256d),
            "scrypt" => Ok(PowAlgorithm::Scrypt),
            other => Err(format!(
                "unknown proof-of-work algorithm `{other}` (expected sha256d or scrypt)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Litecoin's mainnet genesis header: its scrypt hash must meet its own nBits
    /// (0x1e0ffff0), which a wrong scrypt would miss with odds of about 2^-20, while its
    /// sha256d hash is the published block id.
    #[test]
    fn litecoin_genesis_meets_its_target_under_scrypt() {
        let header = hex::decode(concat!(
            "01000000",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "d9ced4ed1130f7b7faad9be25323ffafa33232a17c3edf6cfd97bee6bafbdd97",
            "b9aa8e4e",
            "f0ff0f1e",
            "cd513f7c"
        ))
        .unwrap();
        let header: [u8; 80] = header.try_into().unwrap();
        assert_eq!(
            PowAlgorithm::Sha256d.hash(&header).to_display_hex(),
            "12a765e31ffd4059bada1e25190f6e98c99d9714d334efa41a195a7e7e04bfe2"
        );
        let limit = crate::Target(U256::MAX);
        let target = crate::Target::from_bits(0x1e0ffff0, &limit).unwrap();
        assert!(target.is_met_by(&PowAlgorithm::Scrypt.hash(&header)));
        assert!(!target.is_met_by(&PowAlgorithm::Sha256d.hash(&header)));
    }
}
