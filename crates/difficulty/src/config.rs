//! The difficulty section of a chain spec: which algorithm, with which parameters.
//! [`DifficultyConfig::build`] (in `build.rs`) turns it into a running algorithm.

use crate::AsertAnchor;
use serde::{Deserialize, Serialize};
use venture_pow::{Bits, Target};

/// Chain-wide values every algorithm may need, taken from the spec's consensus section.
#[derive(Debug, Clone)]
pub struct ConsensusContext {
    /// Easiest target any block may have.
    pub pow_limit: Target,
    /// Intended seconds between blocks.
    pub target_spacing: u32,
    /// The genesis block's bits.
    pub genesis_bits: u32,
}

/// A spec's choice of difficulty algorithm, tagged by `algorithm = "..."`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "algorithm", rename_all = "snake_case", deny_unknown_fields)]
pub enum DifficultyConfig {
    /// Every block has the same bits (the genesis bits unless `bits` is given).
    Fixed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bits: Option<Bits>,
    },
    /// Bitcoin's retarget every `interval` blocks towards `interval * target_spacing`.
    Bitcoin {
        interval: u32,
        #[serde(default)]
        allow_min_difficulty_blocks: bool,
        #[serde(default)]
        no_retargeting: bool,
    },
    /// aserti3-2d with `half_life` seconds. The anchor is the chain's block at
    /// `anchor_height` (default 0, genesis), or the explicit `anchor` table; not both.
    Asert {
        half_life: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        anchor_height: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        anchor: Option<AsertAnchor>,
    },
    /// LWMA-1 over `window` blocks. Without `k`, zawy's normalisation
    /// `k = N(N+1)T/2`; with it, Bitcoin Gold's (`k = 13772` for N = 45, T = 600).
    Lwma {
        window: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        k: Option<u64>,
        /// Floor of the weighted solve time as a divisor of its ideal (default 10).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_t_divisor: Option<i64>,
        /// Largest solve time counted, seconds (default 6 × target spacing).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_solvetime: Option<i64>,
        /// Smallest solve time counted, seconds (default: none, negative solve times
        /// count in full; Susucoin uses -FTL).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_solvetime: Option<i64>,
        /// Cap the result at the pow limit (default true).
        #[serde(default = "default_true")]
        cap_at_pow_limit: bool,
    },
    /// DigiShield v3 as Dogecoin runs it: a damped retarget every block.
    Digishield {},
    /// Dogecoin's retarget before DigiShield, every `interval` blocks (240 on Dogecoin).
    DogecoinRetarget { interval: u32 },
    /// Zcash's averaging DigiShield over `window` blocks (defaults are Zcash's:
    /// 17 blocks, timespan bounded to 16 % below and 32 % above ideal).
    Zcash {
        #[serde(default = "default_zcash_window")]
        window: u32,
        #[serde(default = "default_zcash_up")]
        max_adjust_up_pct: i64,
        #[serde(default = "default_zcash_down")]
        max_adjust_down_pct: i64,
    },
    /// One controller per block kind, each seeing only blocks of its kind, each with
    /// its own target spacing (default: the chain's).
    PerKind {
        native: Box<DifficultyConfig>,
        merge_mined: Box<DifficultyConfig>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        native_target_spacing: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        merge_mined_target_spacing: Option<u32>,
    },
}

fn default_true() -> bool {
    true
}

fn default_zcash_window() -> u32 {
    17
}

fn default_zcash_up() -> i64 {
    16
}

fn default_zcash_down() -> i64 {
    32
}

impl DifficultyConfig {
    /// The algorithm's name as written in the spec (and returned by the built
    /// algorithm's [`crate::DifficultyAlgorithm::name`]).
    pub fn name(&self) -> &'static str {
        match self {
            DifficultyConfig::Fixed { .. } => "fixed",
            DifficultyConfig::Bitcoin { .. } => "bitcoin",
            DifficultyConfig::Asert { .. } => "asert",
            DifficultyConfig::Lwma { .. } => "lwma",
            DifficultyConfig::Digishield {} => "digishield",
            DifficultyConfig::DogecoinRetarget { .. } => "dogecoin_retarget",
            DifficultyConfig::Zcash { .. } => "zcash",
            DifficultyConfig::PerKind { .. } => "per_kind",
        }
    }
}
