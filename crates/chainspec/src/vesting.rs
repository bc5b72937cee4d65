//! Vesting: how an amount locked from some height is split into tranches with their
//! unlock heights. Shared by genesis allocations and venture settlements.

use crate::VestingSpec;

/// At most this many tranches: each is an output.
pub const MAX_TRANCHES: u32 = 120;

/// One locked part of an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tranche {
    pub amount: u64,
    /// First height at which a transaction may spend it.
    pub unlock_height: u32,
}

/// Splits `amount`, created at `height`, per `vesting`: equal tranches (the last takes
/// the remainder), tranche `k` unlocking at `height + cliff + k * interval`. Empty
/// tranches (an amount smaller than the tranche count) are left out.
pub fn split_into_tranches(amount: u64, height: u32, vesting: &VestingSpec) -> Vec<Tranche> {
    let count = vesting.tranches.clamp(1, MAX_TRANCHES);
    let base = amount / u64::from(count);
    let remainder = amount - base * u64::from(count);
    (0..count)
        .map(|k| Tranche {
            amount: if k + 1 == count {
                base + remainder
            } else {
                base
            },
            unlock_height: height
                .saturating_add(vesting.cliff_blocks)
                .saturating_add(k.saturating_mul(vesting.tranche_interval)),
        })
        .filter(|t| t.amount > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tranches_add_up_and_unlock_in_order() {
        let vesting = VestingSpec {
            cliff_blocks: 100,
            tranches: 3,
            tranche_interval: 10,
        };
        let parts = split_into_tranches(1000, 50, &vesting);
        assert_eq!(parts.iter().map(|t| t.amount).sum::<u64>(), 1000);
        assert_eq!(
            parts
                .iter()
                .map(|t| (t.amount, t.unlock_height))
                .collect::<Vec<_>>(),
            vec![(333, 150), (333, 160), (334, 170)]
        );
        assert_eq!(split_into_tranches(2, 0, &vesting).len(), 1);
        assert_eq!(split_into_tranches(0, 0, &vesting), vec![]);
    }
}
