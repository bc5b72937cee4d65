//! The consensus parameters a header's proof of work is judged by.

use serde::{Deserialize, Serialize};
use venture_pow::{PowAlgorithm, Target};

use crate::version;

/// Which versions count as "legacy" and are exempt from the chain-id rule.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LegacyRule {
    /// Namecoin: only version 1.
    #[default]
    Namecoin,
    /// Dogecoin: version 1, and version 2 without a chain id.
    Dogecoin,
}

impl LegacyRule {
    /// Whether `version` is a legacy version under this rule.
    pub fn is_legacy(self, version: i32) -> bool {
        match self {
            LegacyRule::Namecoin => version::is_legacy(version),
            LegacyRule::Dogecoin => version::is_legacy_dogecoin(version),
        }
    }
}

/// What [`crate::check_header_pow`] needs to know about a chain (Namecoin's
/// `nAuxpowChainId`, `fStrictChainId`, `powLimit`, plus the hash functions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuxPowParams {
    /// Our chain id (the version bits from 16 up).
    pub chain_id: i32,
    /// Namecoin's `fStrictChainId`: non-legacy headers must carry our chain id, and a
    /// parent block must not.
    pub strict_chain_id: bool,
    /// Which versions are legacy.
    pub legacy: LegacyRule,
    /// Proof of work of natively mined blocks (the header's own hash).
    pub native_pow: PowAlgorithm,
    /// Proof of work of the parent block of a merge-mined block.
    pub parent_pow: PowAlgorithm,
    /// The easiest target any header may claim.
    pub pow_limit: Target,
}
