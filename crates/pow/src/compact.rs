//! Bitcoin Core's compact ("nBits") encoding of 256-bit numbers, flags included
//! (`arith_uint256::SetCompact` / `GetCompact`).

use crate::U256;

/// A compact value decoded the way Bitcoin Core's `SetCompact` does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodedCompact {
    pub value: U256,
    /// The sign bit (0x00800000) was set on a non-zero mantissa.
    pub negative: bool,
    /// The value does not fit in 256 bits.
    pub overflow: bool,
}

/// Decodes `bits` exactly like `arith_uint256::SetCompact`.
pub fn decode_compact(bits: u32) -> DecodedCompact {
    let size = bits >> 24;
    let mut word = bits & 0x007f_ffff;
    let value = if size <= 3 {
        word >>= 8 * (3 - size);
        U256::from(word)
    } else {
        // Like `arith_uint256::operator<<=`, bits shifted past 256 are dropped (and a
        // shift of 256 or more leaves zero); the overflow flag below reports it.
        U256::from(word).wrapping_shl(8 * (size as usize - 3))
    };
    let negative = word != 0 && (bits & 0x0080_0000) != 0;
    let overflow =
        word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    DecodedCompact {
        value,
        negative,
        overflow,
    }
}

/// Encodes `value` exactly like `arith_uint256::GetCompact(negative)`.
pub fn encode_compact(value: U256, negative: bool) -> u32 {
    let mut size = value.bit_len().div_ceil(8) as u32;
    let mut compact: u32 = if size <= 3 {
        (value.as_limbs()[0] << (8 * (3 - size))) as u32
    } else {
        let shifted: U256 = value >> (8 * (size as usize - 3));
        shifted.as_limbs()[0] as u32
    };
    // The 0x00800000 bit is the sign: if the mantissa would set it, use one more byte.
    if compact & 0x0080_0000 != 0 {
        compact >>= 8;
        size += 1;
    }
    compact |= size << 24;
    if negative && (compact & 0x007f_ffff) != 0 {
        compact |= 0x0080_0000;
    }
    compact
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_bitcoin_pow_limit() {
        let limit = decode_compact(0x1d00ffff);
        assert!(!limit.negative && !limit.overflow);
        assert_eq!(encode_compact(limit.value, false), 0x1d00ffff);
    }

    #[test]
    fn flags_negative_and_overflow() {
        assert!(decode_compact(0x04923456).negative);
        assert!(decode_compact(0xff123456).overflow);
        assert!(!decode_compact(0x01003456).negative);
    }
}
