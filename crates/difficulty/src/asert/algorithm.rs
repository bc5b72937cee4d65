//! ASERT as a [`DifficultyAlgorithm`]: finding the anchor, then applying the formula.

use super::math::{next_target, AsertParams};
use crate::error::invalid;
use crate::{Ancestry, DifficultyAlgorithm, DifficultyError, NextBlock};
use serde::{Deserialize, Serialize};
use venture_pow::{decode_compact, encode_compact, Target};

/// The block an ASERT schedule is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AsertAnchor {
    pub height: u32,
    /// The anchor block's own bits: the target the schedule starts from.
    pub bits: venture_pow::Bits,
    /// The time of the anchor's parent (the formula counts the anchor's own solve
    /// time as part of the schedule).
    pub parent_time: i64,
}

/// Where [`Asert`] takes its anchor from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsertAnchorSource {
    /// Written into the spec, as Bitcoin Cash hard-codes its mainnet anchor.
    Fixed(AsertAnchor),
    /// The chain's own block at this height. The parent time of a height-0 anchor
    /// (genesis, which has no parent) is taken as genesis time minus the target
    /// spacing, so a chain that keeps to its schedule from genesis on stays exactly at
    /// the genesis target. (BCHN uses the genesis time itself, which starts every
    /// schedule one spacing behind; for a new chain the exact schedule is the better
    /// reading of the absolute formula.)
    Chain { height: u32 },
}

/// aserti3-2d over a chain.
#[derive(Debug, Clone)]
pub struct Asert {
    pub params: AsertParams,
    pub anchor: AsertAnchorSource,
}

impl Asert {
    /// Checks the parameters: positive spacing and half-life, and a fixed anchor whose
    /// bits are a valid target within the pow limit and whose parent time is a block time.
    pub fn new(params: AsertParams, anchor: AsertAnchorSource) -> Result<Self, DifficultyError> {
        if params.half_life <= 0 {
            return Err(invalid("half_life", "must be at least 1 second"));
        }
        if params.target_spacing <= 0 {
            return Err(invalid("target_spacing", "must be at least 1 second"));
        }
        if let AsertAnchorSource::Fixed(anchor) = anchor {
            Target::from_bits(anchor.bits.0, &Target(params.pow_limit))
                .map_err(|e| invalid("anchor.bits", e.to_string()))?;
            // A header time, as the parent's time always is; it also keeps the tip's
            // time minus this one inside i64 for every tip.
            if u32::try_from(anchor.parent_time).is_err() {
                return Err(invalid(
                    "anchor.parent_time",
                    "must be a block time, 0 to 4294967295",
                ));
            }
        }
        Ok(Asert { params, anchor })
    }

    /// The anchor for a chain whose tip is `chain.tip()`.
    pub fn resolve_anchor(&self, chain: &dyn Ancestry) -> Result<AsertAnchor, DifficultyError> {
        match self.anchor {
            AsertAnchorSource::Fixed(anchor) => Ok(anchor),
            AsertAnchorSource::Chain { height } => {
                let tip = chain.tip();
                if tip.height < height {
                    return Err(DifficultyError::BeforeAnchor {
                        tip: tip.height,
                        anchor: height,
                    });
                }
                let block = chain.require(height)?;
                let parent_time = match height.checked_sub(1) {
                    Some(parent) => chain.require(parent)?.time as i64,
                    None => block.time as i64 - self.params.target_spacing,
                };
                Ok(AsertAnchor {
                    height,
                    bits: venture_pow::Bits(block.bits),
                    parent_time,
                })
            }
        }
    }
}

impl DifficultyAlgorithm for Asert {
    fn name(&self) -> &'static str {
        "asert"
    }

    fn lookback(&self) -> Option<u32> {
        // The anchor may be arbitrarily far back.
        None
    }

    fn next_bits(&self, chain: &dyn Ancestry, _next: &NextBlock) -> Result<u32, DifficultyError> {
        let tip = chain.tip();
        let anchor = self.resolve_anchor(chain)?;
        if tip.height < anchor.height {
            return Err(DifficultyError::BeforeAnchor {
                tip: tip.height,
                anchor: anchor.height,
            });
        }
        let decoded = decode_compact(anchor.bits.0);
        if decoded.negative || decoded.overflow || decoded.value.is_zero() {
            return Err(DifficultyError::InvalidBits {
                height: anchor.height,
                bits: anchor.bits.0,
            });
        }
        let time_diff = tip.time as i64 - anchor.parent_time;
        let height_diff = (tip.height - anchor.height) as i64;
        let target = next_target(decoded.value, time_diff, height_diff, &self.params);
        Ok(encode_compact(target, false))
    }
}
