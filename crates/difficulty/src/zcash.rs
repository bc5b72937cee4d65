//! Zcash's averaging DigiShield (`CalculateNextWorkRequired` in Zcash's `pow.cpp`,
//! post-Blossom form): the mean target of the last 17 blocks, scaled by the damped
//! span between two medians of time past.

use crate::common::{cap_u512, median_time_past, target_value};
use crate::error::invalid;
use crate::{Ancestry, DifficultyAlgorithm, DifficultyError, NextBlock};
use venture_pow::{encode_compact, Target, U256, U512};

/// Parameters of [`ZcashDigiShield`].
#[derive(Debug, Clone)]
pub struct ZcashParams {
    /// Blocks averaged (17 on Zcash).
    pub window: u32,
    /// Ideal seconds between blocks (75 after Blossom, 150 before).
    pub target_spacing: i64,
    /// Largest fall of the timespan, in percent of its ideal (16 on Zcash).
    pub max_adjust_up_pct: i64,
    /// Largest rise of the timespan, in percent (32 on Zcash).
    pub max_adjust_down_pct: i64,
    pub pow_limit: Target,
    /// What the next block carries until `window + 1` blocks exist.
    pub warmup_bits: u32,
}

impl ZcashParams {
    /// `AveragingWindowTimespan`: the ideal span of the window.
    pub fn averaging_window_timespan(&self) -> i64 {
        self.window as i64 * self.target_spacing
    }
}

/// `CalculateNextWorkRequired(bnAvg, nLastBlockTime, nFirstBlockTime)`: `avg_target`
/// is the mean target of the window, the times are the medians of time past of the
/// tip and of the block `window` blocks before it.
pub fn zcash_next_bits(
    avg_target: U256,
    last_mtp: i64,
    first_mtp: i64,
    params: &ZcashParams,
) -> u32 {
    let ats = params.averaging_window_timespan().max(1);
    let min = ats * (100 - params.max_adjust_up_pct) / 100;
    let max = ats * (100 + params.max_adjust_down_pct) / 100;
    // C++ truncating division, like Rust's.
    let actual = ats + (last_mtp - first_mtp - ats) / 4;
    let actual = if actual < min {
        min
    } else if actual > max {
        max
    } else {
        actual
    };
    // Zcash divides before multiplying; the rounding is part of consensus.
    let next = U512::from(avg_target / U256::from(ats as u64)) * U512::from(actual.max(0) as u64);
    encode_compact(cap_u512(next, params.pow_limit.0), false)
}

/// Zcash's averaging DigiShield over a chain.
#[derive(Debug, Clone)]
pub struct ZcashDigiShield {
    pub params: ZcashParams,
}

impl ZcashDigiShield {
    pub fn new(params: ZcashParams) -> Result<Self, DifficultyError> {
        if params.window == 0 {
            return Err(invalid("window", "must be at least 1 block"));
        }
        if params.window > 10_000 {
            return Err(invalid("window", "must be at most 10000 blocks"));
        }
        if params.target_spacing <= 0 {
            return Err(invalid("target_spacing", "must be at least 1 second"));
        }
        if !(0..100).contains(&params.max_adjust_up_pct) {
            return Err(invalid(
                "max_adjust_up_pct",
                "must be from 0 to 99 (100 would allow a zero timespan)",
            ));
        }
        if !(0..=1_000).contains(&params.max_adjust_down_pct) {
            return Err(invalid("max_adjust_down_pct", "must be from 0 to 1000"));
        }
        Ok(ZcashDigiShield { params })
    }
}

impl DifficultyAlgorithm for ZcashDigiShield {
    fn name(&self) -> &'static str {
        "zcash"
    }

    fn lookback(&self) -> Option<u32> {
        // The window, its first block, and that block's median-time-past ancestors.
        Some(self.params.window + crate::common::MEDIAN_TIME_SPAN)
    }

    fn next_bits(&self, chain: &dyn Ancestry, _next: &NextBlock) -> Result<u32, DifficultyError> {
        let p = &self.params;
        let tip = chain.tip();
        let Some(first) = tip.height.checked_sub(p.window) else {
            return Ok(p.warmup_bits);
        };
        let mut total = U512::ZERO;
        for height in first + 1..=tip.height {
            total += U512::from(target_value(chain.require(height)?.bits));
        }
        // The mean of 256-bit values fits in 256 bits.
        let avg = crate::common::saturate_u512(total / U512::from(p.window));
        let last_mtp = median_time_past(chain, tip.height)?;
        let first_mtp = median_time_past(chain, first)?;
        Ok(zcash_next_bits(avg, last_mtp, first_mtp, p))
    }
}
