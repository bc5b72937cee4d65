//! Share difficulty and targets, with the conventions mining software uses.
//!
//! A share of difficulty `d` is a header whose proof-of-work hash is at most
//! `diff1 / d`. For SHA-256d, `diff1` is Bitcoin's difficulty-1 target
//! `0x00000000ffff0000…` (bits `0x1d00ffff`). For scrypt, pools and miners (cgminer,
//! cpuminer, every Litecoin pool) use a target 65536 times easier, `0x0000ffff0000…`, so
//! that scrypt difficulty numbers stay readable. Difficulties below 1 are allowed (regtest
//! and CPU miners need them).

use venture_pow::{PowAlgorithm, Target, U256};

/// The target of a difficulty-1 share for `pow`.
pub fn diff1_target(pow: PowAlgorithm) -> Target {
    let shift = match pow {
        PowAlgorithm::Sha256d => 208,
        PowAlgorithm::Scrypt => 224,
    };
    Target(U256::from(0xffffu64) << shift)
}

/// The share target for `difficulty` (non-positive or non-finite difficulties are read
/// as the easiest possible target).
pub fn target_for_difficulty(difficulty: f64, pow: PowAlgorithm) -> Target {
    if !(difficulty.is_finite() && difficulty > 0.0) {
        return Target(U256::MAX);
    }
    Target(f64_to_u256(f64::from(diff1_target(pow).0) / difficulty))
}

/// The difficulty a target stands for (for display and vardiff bounds).
pub fn difficulty_for_target(target: &Target, pow: PowAlgorithm) -> f64 {
    f64::from(diff1_target(pow).0) / f64::from(target.0).max(1.0)
}

/// A non-negative float as an integer, truncated as Rust's `as` truncates; NaN and
/// negatives give zero, values from 2^256 up saturate.
fn f64_to_u256(value: f64) -> U256 {
    if value >= 2f64.powi(256) {
        return U256::MAX;
    }
    U256::try_from(value.trunc()).unwrap_or(U256::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difficulty_one_is_the_conventional_target() {
        let sha = target_for_difficulty(1.0, PowAlgorithm::Sha256d);
        assert_eq!(
            hex::encode(sha.to_be_bytes()),
            "00000000ffff0000000000000000000000000000000000000000000000000000"
        );
        let scrypt = target_for_difficulty(1.0, PowAlgorithm::Scrypt);
        assert_eq!(
            hex::encode(scrypt.to_be_bytes()),
            "0000ffff00000000000000000000000000000000000000000000000000000000"
        );
    }

    #[test]
    fn targets_scale_inversely_and_saturate() {
        let one = target_for_difficulty(1.0, PowAlgorithm::Sha256d).0;
        let half = target_for_difficulty(2.0, PowAlgorithm::Sha256d).0;
        assert_eq!(half, one >> 1usize);
        let tiny = target_for_difficulty(1e-12, PowAlgorithm::Sha256d);
        assert_eq!(tiny.0, U256::MAX);
        assert_eq!(
            target_for_difficulty(0.0, PowAlgorithm::Scrypt).0,
            U256::MAX
        );
        let d = difficulty_for_target(
            &target_for_difficulty(0.015, PowAlgorithm::Scrypt),
            PowAlgorithm::Scrypt,
        );
        assert!((d - 0.015).abs() < 1e-12, "{d}");
    }

    #[test]
    fn float_conversion_is_exact_for_integers() {
        assert_eq!(f64_to_u256(12345.0), U256::from(12345u64));
        assert_eq!(f64_to_u256(0.5), U256::ZERO);
        assert_eq!(f64_to_u256(2f64.powi(200)), U256::from(1u64) << 200usize);
        assert_eq!(f64_to_u256(2f64.powi(300)), U256::MAX);
    }
}
