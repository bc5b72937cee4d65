//! Helpers the algorithms share: Core's median time past, 512-bit capping, and the
//! warm-up rule.

use crate::{Ancestry, DifficultyError};
use venture_pow::{U256, U512};

/// Blocks in Bitcoin Core's median-time-past window.
pub const MEDIAN_TIME_SPAN: u32 = 11;

/// `CBlockIndex::GetMedianTimePast`: the median of the times of the block at `height`
/// and up to ten of its ancestors (fewer near genesis), upper median for even counts.
pub fn median_time_past(chain: &dyn Ancestry, height: u32) -> Result<i64, DifficultyError> {
    let first = height.saturating_sub(MEDIAN_TIME_SPAN - 1);
    let mut times = Vec::with_capacity(MEDIAN_TIME_SPAN as usize);
    for h in first..=height {
        times.push(chain.require(h)?.time as i64);
    }
    times.sort_unstable();
    // `times` holds height - first + 1 >= 1 entries, so the middle index exists.
    Ok(times.get(times.len() / 2).copied().unwrap_or_default())
}

/// The value of `bits` read like `arith_uint256::SetCompact` without the flag checks,
/// which is how every reference implementation reads its ancestors' bits.
pub(crate) fn target_value(bits: u32) -> U256 {
    venture_pow::decode_compact(bits).value
}

/// `value` capped at `limit`, as the reference implementations do after their
/// arithmetic; computing in 512 bits first means nothing can wrap on the way.
pub(crate) fn cap_u512(value: U512, limit: U256) -> U256 {
    if value > U512::from(limit) {
        limit
    } else {
        U256::from(value)
    }
}

/// `value` narrowed to 256 bits, saturating instead of wrapping (used where a
/// configuration turns the pow-limit cap off).
pub(crate) fn saturate_u512(value: U512) -> U256 {
    cap_u512(value, U256::MAX)
}
