//! Dogecoin's two retargets (`CalculateDogecoinNextWorkRequired` in `dogecoin.cpp`):
//! DigiShield v3, which retargets every block from the last solve time damped by 1/8,
//! and the Litecoin-style retarget Dogecoin used before it, whose lower bound loosens
//! in the chain's first 10,000 blocks.

use crate::common::{cap_u512, target_value};
use crate::error::invalid;
use crate::{Ancestry, DifficultyAlgorithm, DifficultyError, NextBlock};
use venture_pow::{encode_compact, Target, U512};

/// Which of Dogecoin's rules applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DogecoinRule {
    /// DigiShield v3: timespan damped to `T + (actual - T) / 8`, bounded to
    /// `[T - T/4, T + T/2]`.
    DigiShield,
    /// The original retarget: bounded to `[T/16, 4T]` up to height 5,000, `[T/8, 4T]`
    /// up to 10,000, `[T/4, 4T]` after.
    Legacy,
}

/// The bits that follow a block with `last_bits` at time `last_time`, given the time
/// of the first block of the interval, for a block at `next_height`.
///
/// Rust's `/` on `i64` truncates towards zero like C++'s, which matters for negative
/// `actual - T` (the `rounding` vector: `(48 - 60) / 8 == -1`).
pub fn dogecoin_next_bits(
    rule: DogecoinRule,
    last_bits: u32,
    last_time: i64,
    first_time: i64,
    next_height: u64,
    retarget_timespan: i64,
    pow_limit: &Target,
) -> u32 {
    let timespan = retarget_timespan;
    let actual = last_time - first_time;
    let (modulated, min, max) = match rule {
        DogecoinRule::DigiShield => (
            timespan + (actual - timespan) / 8,
            timespan - timespan / 4,
            timespan + timespan / 2,
        ),
        DogecoinRule::Legacy => {
            let min = match next_height {
                h if h > 10_000 => timespan / 4,
                h if h > 5_000 => timespan / 8,
                _ => timespan / 16,
            };
            (actual, min, timespan * 4)
        }
    };
    // Written as the reference's if/else-if rather than `clamp`, which would panic on
    // a degenerate timespan where min > max.
    let modulated = if modulated < min {
        min
    } else if modulated > max {
        max
    } else {
        modulated
    };
    let modulated = modulated.max(0) as u64;
    let divisor = U512::from(timespan.max(1) as u64);
    let next = U512::from(target_value(last_bits)) * U512::from(modulated) / divisor;
    encode_compact(cap_u512(next, pow_limit.0), false)
}

/// DigiShield v3 as Dogecoin runs it from block 145,000: a retarget every block.
#[derive(Debug, Clone)]
pub struct DigiShield {
    /// Intended seconds between blocks (the retarget timespan of a one-block interval).
    pub target_spacing: i64,
    pub pow_limit: Target,
}

impl DigiShield {
    pub fn new(target_spacing: i64, pow_limit: Target) -> Result<Self, DifficultyError> {
        if target_spacing <= 0 {
            return Err(invalid("target_spacing", "must be at least 1 second"));
        }
        Ok(DigiShield {
            target_spacing,
            pow_limit,
        })
    }
}

impl DifficultyAlgorithm for DigiShield {
    fn name(&self) -> &'static str {
        "digishield"
    }

    fn lookback(&self) -> Option<u32> {
        Some(2)
    }

    fn next_bits(&self, chain: &dyn Ancestry, _next: &NextBlock) -> Result<u32, DifficultyError> {
        let tip = chain.tip();
        // Dogecoin goes back one block, except after genesis (Litecoin's off-by-one
        // fix with an interval of 1), where it measures the genesis block against itself.
        let first = match tip.height.checked_sub(1) {
            Some(parent) => chain.require(parent)?,
            None => tip,
        };
        Ok(dogecoin_next_bits(
            DogecoinRule::DigiShield,
            tip.bits,
            tip.time as i64,
            first.time as i64,
            tip.height as u64 + 1,
            self.target_spacing,
            &self.pow_limit,
        ))
    }
}

/// Dogecoin's retarget before DigiShield: every `interval` blocks, over the whole
/// interval (Litecoin's fix for Bitcoin's off-by-one, except at the first retarget).
#[derive(Debug, Clone)]
pub struct DogecoinRetarget {
    pub interval: u32,
    /// `interval * target_spacing` seconds.
    pub target_timespan: i64,
    pub pow_limit: Target,
}

impl DogecoinRetarget {
    pub fn new(
        interval: u32,
        target_spacing: i64,
        pow_limit: Target,
    ) -> Result<Self, DifficultyError> {
        if interval == 0 {
            return Err(invalid("interval", "must be at least 1 block"));
        }
        if target_spacing <= 0 {
            return Err(invalid("target_spacing", "must be at least 1 second"));
        }
        Ok(DogecoinRetarget {
            interval,
            target_timespan: interval as i64 * target_spacing,
            pow_limit,
        })
    }
}

impl DifficultyAlgorithm for DogecoinRetarget {
    fn name(&self) -> &'static str {
        "dogecoin_retarget"
    }

    fn lookback(&self) -> Option<u32> {
        Some(self.interval + 1)
    }

    fn next_bits(&self, chain: &dyn Ancestry, _next: &NextBlock) -> Result<u32, DifficultyError> {
        let tip = chain.tip();
        let next_height = tip.height as u64 + 1;
        let interval = self.interval.max(1) as u64;
        if !next_height.is_multiple_of(interval) {
            return Ok(tip.bits);
        }
        let back = if next_height == interval {
            interval - 1
        } else {
            interval
        };
        // next_height is a positive multiple of the interval, so tip >= interval - 1,
        // and tip >= interval whenever `back` is the full interval.
        let first_height = (tip.height as u64).saturating_sub(back) as u32;
        let first = chain.require(first_height)?;
        Ok(dogecoin_next_bits(
            DogecoinRule::Legacy,
            tip.bits,
            tip.time as i64,
            first.time as i64,
            next_height,
            self.target_timespan,
            &self.pow_limit,
        ))
    }
}
