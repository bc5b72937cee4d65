//! LWMA-1, zawy12's linearly weighted moving average (a refinement of Tom Harding's
//! WT-144), parameterised so both published variants are exact: Bitcoin Gold's
//! (`k` given, `N = 45`, solve times capped at 6T, no lower clamp) and Susucoin's
//! (`k = N(N+1)T/2`, negative solve times clamped at -FTL, no pow-limit cap).
//!
//! Over the last `N` blocks, solve time `i` (oldest first) gets weight `i`; the next
//! target is the average target scaled by the weighted solve time over its ideal value.

use crate::common::{cap_u512, saturate_u512, target_value};
use crate::error::invalid;
use crate::{Ancestry, DifficultyAlgorithm, DifficultyError, NextBlock};
use venture_pow::{encode_compact, Target, U256, U512};

/// How the weighted solve time is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LwmaWeight {
    /// zawy's form: `k = N(N+1)T/2`; each target is divided by `k * N` and the
    /// weighted sum is floored at `k / min_t_divisor`.
    Canonical,
    /// Bitcoin Gold's form with its explicit `k` (13,772 on mainnet): each target is
    /// divided by `k * N * N` and the weighted sum is floored at `N * k / min_t_divisor`.
    Explicit(u64),
}

/// Parameters of [`Lwma`].
#[derive(Debug, Clone)]
pub struct LwmaParams {
    /// `N`: blocks averaged (at least 2).
    pub window: u32,
    /// `T`: ideal seconds between blocks.
    pub target_spacing: i64,
    pub weight: LwmaWeight,
    /// Floor of the weighted solve-time sum, as a divisor of its ideal value (10 in
    /// both shipped variants; 3 in Bitcoin Gold's first version).
    pub min_t_divisor: i64,
    /// Solve times above this are counted as this (6T in both shipped variants).
    pub max_solvetime: i64,
    /// Solve times below this are counted as this. `None` keeps negative solve times
    /// as they are (Bitcoin Gold); Susucoin uses `-FTL`.
    pub min_solvetime: Option<i64>,
    /// Caps the result at this pow limit (Bitcoin Gold); `None` leaves it uncapped
    /// (Susucoin), saturating at 2^256 - 1 where C++ would wrap.
    pub pow_limit_cap: Option<Target>,
    /// What the next block carries until `N + 1` blocks exist.
    pub warmup_bits: u32,
}

/// LWMA-1 over a chain.
#[derive(Debug, Clone)]
pub struct Lwma {
    params: LwmaParams,
    /// Each target is divided by this before summing (kept apart so the sum cannot
    /// overflow, as in the reference code).
    divisor: U256,
    /// Lower bound of the weighted solve-time sum.
    t_floor: i128,
}

impl Lwma {
    pub fn new(params: LwmaParams) -> Result<Self, DifficultyError> {
        let n = params.window as u64;
        if params.window < 2 {
            return Err(invalid("window", "must be at least 2 blocks"));
        }
        if params.window > 100_000 {
            return Err(invalid("window", "must be at most 100000 blocks"));
        }
        if params.target_spacing <= 0 {
            return Err(invalid("target_spacing", "must be at least 1 second"));
        }
        if params.min_t_divisor <= 0 {
            return Err(invalid("min_t_divisor", "must be at least 1"));
        }
        if params.max_solvetime <= 0 {
            return Err(invalid("max_solvetime", "must be at least 1 second"));
        }
        if params.min_solvetime.is_some_and(|min| min > 0) {
            return Err(invalid(
                "min_solvetime",
                "must not be positive: raising negative solve times lets forward-dated timestamps lower the difficulty",
            ));
        }
        let spacing = params.target_spacing as u64;
        let overflow = || invalid("window", "window and target spacing are too large together");
        let (divisor, t_floor) = match params.weight {
            LwmaWeight::Canonical => {
                let k = n
                    .checked_mul(n + 1)
                    .and_then(|v| v.checked_mul(spacing))
                    .map(|v| v / 2)
                    .ok_or_else(overflow)?;
                let divisor = k.checked_mul(n).ok_or_else(overflow)?;
                (divisor, k as i128 / params.min_t_divisor as i128)
            }
            LwmaWeight::Explicit(k) => {
                if k == 0 {
                    return Err(invalid("k", "must be at least 1"));
                }
                let divisor = k
                    .checked_mul(n)
                    .and_then(|v| v.checked_mul(n))
                    .ok_or_else(|| invalid("k", "k * window^2 overflows 64 bits"))?;
                (
                    divisor,
                    (n as i128 * k as i128) / params.min_t_divisor as i128,
                )
            }
        };
        Ok(Lwma {
            params,
            divisor: U256::from(divisor),
            // A floor of zero (only with tiny N and T) would let the product go
            // negative, which the reference code never meant; one second is the least.
            t_floor: t_floor.max(1),
        })
    }

    pub fn params(&self) -> &LwmaParams {
        &self.params
    }
}

impl DifficultyAlgorithm for Lwma {
    fn name(&self) -> &'static str {
        "lwma"
    }

    fn lookback(&self) -> Option<u32> {
        Some(self.params.window + 1)
    }

    fn next_bits(&self, chain: &dyn Ancestry, _next: &NextBlock) -> Result<u32, DifficultyError> {
        let p = &self.params;
        let tip = chain.tip();
        let Some(first) = tip.height.checked_sub(p.window) else {
            return Ok(p.warmup_bits);
        };
        let mut previous_time = chain.require(first)?.time as i64;
        let mut weighted: i128 = 0;
        let mut sum_target = U256::ZERO;
        for (weight, height) in (first + 1..=tip.height).enumerate() {
            let block = if height == tip.height {
                tip
            } else {
                chain.require(height)?
            };
            let time = block.time as i64;
            let mut solvetime = (time - previous_time).min(p.max_solvetime);
            if let Some(min) = p.min_solvetime {
                solvetime = solvetime.max(min);
            }
            previous_time = time;
            weighted += solvetime as i128 * (weight as i128 + 1);
            // Dividing each target first, as the reference code does, keeps the sum in
            // 256 bits and fixes the rounding the vectors were made with.
            sum_target = sum_target.saturating_add(target_value(block.bits) / self.divisor);
        }
        let weighted = weighted.max(self.t_floor);
        // weighted >= t_floor > 0 here.
        let product = U512::from(sum_target) * U512::from(weighted as u128);
        let next = match p.pow_limit_cap {
            Some(limit) => cap_u512(product, limit.0),
            None => saturate_u512(product),
        };
        Ok(encode_compact(next, false))
    }
}
