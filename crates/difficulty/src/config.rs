//! The difficulty section of a chain spec: which algorithm, with which parameters.

use crate::{
    BitcoinRetarget, BitcoinRetargetParams, DifficultyAlgorithm, DifficultyError, FixedDifficulty,
};
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
}

impl DifficultyConfig {
    /// Builds the algorithm, refusing parameters out of their domain with the field named.
    pub fn build(
        &self,
        ctx: &ConsensusContext,
    ) -> Result<Box<dyn DifficultyAlgorithm>, DifficultyError> {
        match self {
            DifficultyConfig::Fixed { bits } => {
                let bits = bits.map(|b| b.0).unwrap_or(ctx.genesis_bits);
                Target::from_bits(bits, &ctx.pow_limit).map_err(|e| {
                    DifficultyError::InvalidParameter {
                        field: "bits",
                        reason: e.to_string(),
                    }
                })?;
                Ok(Box::new(FixedDifficulty { bits }))
            }
            DifficultyConfig::Bitcoin {
                interval,
                allow_min_difficulty_blocks,
                no_retargeting,
            } => {
                let target_timespan =
                    interval.checked_mul(ctx.target_spacing).ok_or_else(|| {
                        DifficultyError::InvalidParameter {
                            field: "interval",
                            reason: "interval * target_spacing overflows 32 bits".into(),
                        }
                    })?;
                Ok(Box::new(BitcoinRetarget::new(BitcoinRetargetParams {
                    interval: *interval,
                    target_timespan,
                    target_spacing: ctx.target_spacing,
                    pow_limit: ctx.pow_limit,
                    allow_min_difficulty_blocks: *allow_min_difficulty_blocks,
                    no_retargeting: *no_retargeting,
                })?))
            }
        }
    }

    /// The algorithm's name as written in the spec.
    pub fn name(&self) -> &'static str {
        match self {
            DifficultyConfig::Fixed { .. } => "fixed",
            DifficultyConfig::Bitcoin { .. } => "bitcoin",
        }
    }
}
