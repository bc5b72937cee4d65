//! Bitcoin Core's 2016-block retarget (`GetNextWorkRequired`,
//! `CalculateNextWorkRequired`, `PermittedDifficultyTransition` in `pow.cpp`).

use crate::error::invalid;
use crate::{Ancestry, DifficultyAlgorithm, DifficultyError, NextBlock};
use venture_pow::{decode_compact, encode_compact, Target, U256, U512};

/// Consensus parameters of Bitcoin's retarget.
#[derive(Debug, Clone)]
pub struct BitcoinRetargetParams {
    /// Blocks between retargets (2016 on Bitcoin).
    pub interval: u32,
    /// Intended seconds per interval (1,209,600 on Bitcoin).
    pub target_timespan: u32,
    /// Intended seconds per block (600 on Bitcoin); only the testnet rule reads it.
    pub target_spacing: u32,
    pub pow_limit: Target,
    /// Testnet's rule: a block more than twice the spacing after its parent may use
    /// the pow limit; other blocks use the last non-minimum bits of the interval.
    pub allow_min_difficulty_blocks: bool,
    /// Regtest: bits never change.
    pub no_retargeting: bool,
}

/// Bitcoin's retarget as a [`DifficultyAlgorithm`].
#[derive(Debug, Clone)]
pub struct BitcoinRetarget {
    pub params: BitcoinRetargetParams,
}

impl BitcoinRetarget {
    pub fn new(params: BitcoinRetargetParams) -> Result<Self, DifficultyError> {
        if params.interval == 0 {
            return Err(invalid("interval", "must be at least 1"));
        }
        if params.target_timespan == 0 {
            return Err(invalid("target_timespan", "must be at least 1 second"));
        }
        Ok(BitcoinRetarget { params })
    }

    /// `CalculateNextWorkRequired`: scales the last target by the actual timespan of
    /// the interval, clamped to a factor of four either way, capped at the pow limit.
    ///
    /// Bitcoin Core multiplies in 256 bits; we multiply in 512 so that chains with a
    /// pow limit near 2^256 cannot wrap (on Bitcoin's parameters both agree).
    pub fn calculate(&self, last_bits: u32, first_time: i64, last_time: i64) -> u32 {
        let p = &self.params;
        if p.no_retargeting {
            return last_bits;
        }
        // `new` refuses a zero timespan; the fields are public, so never divide by it.
        let timespan = p.target_timespan.max(1) as i64;
        let actual = (last_time - first_time).clamp(timespan / 4, timespan * 4);
        let last = U512::from(decode_compact(last_bits).value);
        let scaled = last * U512::from(actual as u64) / U512::from(timespan as u64);
        let limit = U512::from(p.pow_limit.0);
        let next: U256 = if scaled > limit {
            p.pow_limit.0
        } else {
            U256::from(scaled)
        };
        encode_compact(next, false)
    }

    /// `PermittedDifficultyTransition`: whether `new_bits` at `height` can follow
    /// `old_bits` under this retarget (used to sanity-check headers before their
    /// ancestors are all known).
    pub fn permitted_transition(&self, height: u32, old_bits: u32, new_bits: u32) -> bool {
        let p = &self.params;
        if p.allow_min_difficulty_blocks {
            return true;
        }
        if !height.is_multiple_of(p.interval) {
            return old_bits == new_bits;
        }
        let timespan = p.target_timespan.max(1) as u64;
        let observed = U512::from(decode_compact(new_bits).value);
        let old = U512::from(decode_compact(old_bits).value);
        let limit = U512::from(p.pow_limit.0);
        let bound = |factor_num: u64, factor_den: u64| -> U512 {
            let raw = old * U512::from(timespan * factor_num / factor_den) / U512::from(timespan);
            let capped = raw.min(limit);
            // Round through the compact encoding, as the block would carry it.
            let encoded = encode_compact(U256::from(capped), false);
            U512::from(decode_compact(encoded).value)
        };
        let largest = bound(4, 1);
        let smallest = bound(1, 4);
        observed <= largest && observed >= smallest
    }
}

impl DifficultyAlgorithm for BitcoinRetarget {
    fn name(&self) -> &'static str {
        "bitcoin"
    }

    fn lookback(&self) -> Option<u32> {
        Some(self.params.interval)
    }

    fn next_bits(&self, chain: &dyn Ancestry, next: &NextBlock) -> Result<u32, DifficultyError> {
        let p = &self.params;
        let tip = chain.tip();
        let next_height = tip.height as u64 + 1;
        if !next_height.is_multiple_of(p.interval as u64) {
            if p.allow_min_difficulty_blocks {
                return self.min_difficulty_bits(chain, next);
            }
            return Ok(tip.bits);
        }
        // The first block of the interval that ends at the tip (Bitcoin's off-by-one:
        // the timespan covers interval - 1 block gaps).
        let first_height = tip.height.saturating_sub(p.interval - 1);
        let first = chain.require(first_height)?;
        Ok(self.calculate(tip.bits, first.time as i64, tip.time as i64))
    }
}

impl BitcoinRetarget {
    /// Testnet's 20-minute rule inside an interval.
    fn min_difficulty_bits(
        &self,
        chain: &dyn Ancestry,
        next: &NextBlock,
    ) -> Result<u32, DifficultyError> {
        let p = &self.params;
        let tip = chain.tip();
        let limit_bits = p.pow_limit.to_bits();
        if next.time as i64 > tip.time as i64 + 2 * p.target_spacing as i64 {
            return Ok(limit_bits);
        }
        // Walk back to the last block that did not use the minimum-difficulty exception.
        let mut block = tip;
        while !block.height.is_multiple_of(p.interval) && block.bits == limit_bits {
            match chain.ancestor(block.height - 1) {
                Some(parent) => block = parent,
                None => break,
            }
        }
        Ok(block.bits)
    }
}
