//! The integer 2^x approximation of aserti3-2d.

use venture_pow::{U256, U512};

/// The constants of one ASERT schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsertParams {
    /// Ideal seconds between blocks (600 on Bitcoin Cash).
    pub target_spacing: i64,
    /// Seconds of schedule drift that double or halve the target (172,800 on Bitcoin
    /// Cash mainnet). Must be positive.
    pub half_life: i64,
    /// The easiest target; results are capped here.
    pub pow_limit: U256,
}

/// Fixed-point radix of the exponent: 16 fractional bits.
const RADIX_BITS: u32 = 16;

/// The largest drift (in seconds) worth computing with; see [`next_target`].
const DRIFT_SATURATION: i128 = 1 << 100;

/// The target `height_diff` blocks and `time_diff` seconds after the anchor's parent:
/// `anchor_target * 2^((time_diff - spacing * (height_diff + 1)) / half_life)`, computed
/// exactly as Bitcoin Cash Node's `CalculateASERT`, then capped at the pow limit and
/// raised to 1 if it rounds to zero.
///
/// BCHN multiplies in 256 bits and asserts its inputs stay in range (pow limit below
/// 2^224, `|time_diff - spacing * height_diff| < 2^47`). Here the exponent is computed
/// in 128 bits and the target in 512, so any input gives the answer the unbounded
/// formula would; inside BCHN's range the two agree bit for bit.
///
/// A non-positive `half_life` is a configuration error that [`crate::DifficultyConfig`]
/// refuses; if one reaches here anyway the anchor target comes back unchanged.
pub fn next_target(
    anchor_target: U256,
    time_diff: i64,
    height_diff: i64,
    params: &AsertParams,
) -> U256 {
    if params.half_life <= 0 {
        return anchor_target.min(params.pow_limit);
    }
    // Below 2^127 in magnitude for any i64 inputs, so this cannot overflow.
    let drift = time_diff as i128 - params.target_spacing as i128 * (height_diff as i128 + 1);
    // Scaling by 2^16 would lose the top bits of a drift of 2^111 or more (possible only
    // with an absurd spacing). From 2^100 on, the exponent is at least 2^53 in magnitude
    // for any i64 half-life, far past the 512 shifts that already give 1 or the limit,
    // so clamping there changes no result.
    let drift = drift.clamp(-DRIFT_SATURATION, DRIFT_SATURATION);
    // C++ `/` truncates towards zero; so does Rust's on i128.
    let exponent = (drift << RADIX_BITS) / params.half_life as i128;
    // `>>` on a signed value floors, which puts the fraction in [0, 1).
    let mut shifts = exponent >> RADIX_BITS;
    let frac = (exponent - (shifts << RADIX_BITS)) as u128;

    // 2^frac ~= 1 + 0.695502049 frac + 0.2262698 frac^2 + 0.0782318 frac^3, scaled by
    // 2^16 (error below 0.013 %). The sum stays below 2^64; u128 just makes that moot.
    let poly = 195_766_423_245_049u128 * frac
        + 971_821_376u128 * frac * frac
        + 5_127u128 * frac * frac * frac
        + (1u128 << 47);
    let factor = 65_536u64 + (poly >> 48) as u64;

    // anchor_target < 2^256 and factor < 2^17, so the product fits easily in 512 bits.
    let mut target = U512::from(anchor_target) * U512::from(factor);
    shifts -= RADIX_BITS as i128;
    if shifts <= 0 {
        let right = usize::try_from(-shifts).unwrap_or(usize::MAX);
        // A floor division by 2^right; shifts of 512 or more leave zero.
        target = target.wrapping_shr(right);
    } else {
        let left = usize::try_from(shifts).unwrap_or(usize::MAX);
        // Shifting bits out of 512 means the true value is far above any pow limit.
        target = target
            .checked_shl(left)
            .unwrap_or_else(|| U512::from(params.pow_limit) + U512::from(1u8));
    }

    if target.is_zero() {
        // Zero is not a valid target; one is.
        U256::from(1u8)
    } else {
        crate::common::cap_u512(target, params.pow_limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(target_spacing: i64, half_life: i64) -> AsertParams {
        AsertParams {
            target_spacing,
            half_life,
            pow_limit: U256::MAX >> 32,
        }
    }

    /// Drifts of 2^111 seconds or more used to lose their top bits when scaled by 2^16,
    /// which turned a schedule hopelessly behind into one hopelessly ahead. Python's exact
    /// integers give 1 here: the exponent is about -2^142 halvings.
    #[test]
    fn a_drift_beyond_128_bits_after_scaling_still_floors_at_one() {
        let p = params(i64::MAX, 1);
        assert_eq!(
            next_target(U256::from(1u64 << 40), 0, i64::MAX, &p),
            U256::from(1u8)
        );
        // And the mirror image: a negative spacing makes the drift hugely positive.
        let p = params(-(1i64 << 62), 1);
        assert_eq!(
            next_target(U256::from(1u64 << 40), 0, i64::MAX, &p),
            p.pow_limit
        );
    }

    /// Where the exact exponent is small, nothing changes: values from Python's exact
    /// integers (drift = time - 600 * (height + 1), exponent truncated towards zero) for
    /// a few blocks past an anchor, and for a 64-bit time difference against a height
    /// difference that leaves the drift at about half a half-life.
    #[test]
    fn large_i64_differences_match_exact_integers() {
        let p = params(600, 172_800);
        let anchor = U256::from(0x02aee8u64) << 168;
        let hex = |text: &str| U256::from_str_radix(text, 16).unwrap();
        assert_eq!(
            next_target(anchor, 1500, 1, &p),
            hex("2afbbf99800000000000000000000000000000000000000")
        );
        let height = (i64::MAX - 86_400) / 600;
        assert_eq!(
            next_target(anchor, i64::MAX, height, &p),
            hex("3c90b1e7000000000000000000000000000000000000000")
        );
        assert_eq!(next_target(anchor, i64::MIN, i64::MAX, &p), U256::from(1u8));
        assert_eq!(next_target(anchor, i64::MAX, 0, &p), p.pow_limit);
    }
}
