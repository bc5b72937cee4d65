//! Paying an epoch: shares pro rata to work, in a deterministic order, rounded down,
//! each split into vesting tranches.

use bitcoin::ScriptBuf;
use std::collections::BTreeMap;
use venture_chainspec::{split_into_tranches, VestingSpec};
use venture_pow::{Work, U512};

/// What one payout script earned in an epoch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credit {
    pub work: Work,
    pub blocks: u32,
}

/// One output a settlement must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementOutput {
    pub script: ScriptBuf,
    pub amount: u64,
    pub unlock_height: u32,
}

/// An epoch's settlement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settlement {
    pub epoch: u32,
    /// The coinbase's first outputs, in this order.
    pub outputs: Vec<SettlementOutput>,
    /// Each contributor's share before vesting, by script.
    pub shares: BTreeMap<ScriptBuf, u64>,
    /// What the epoch could pay: its allocation plus what earlier epochs carried.
    pub available: u64,
    pub paid: u64,
    /// `available - paid`: rounding remainders, or everything when nobody earned.
    pub carry: u64,
}

/// Splits `available` among `credits` pro rata to work: each script gets
/// `⌊available · work / total work⌋`, scripts ordered by their bytes; what rounding
/// leaves is carried. Shares become tranches unlocking from `height`.
pub fn settle(
    epoch: u32,
    credits: &BTreeMap<ScriptBuf, Credit>,
    available: u64,
    height: u32,
    vesting: &VestingSpec,
) -> Settlement {
    let total_work = credits
        .values()
        .fold(U512::ZERO, |acc, c| acc + U512::from(c.work.0));
    let mut settlement = Settlement {
        epoch,
        available,
        carry: available,
        ..Settlement::default()
    };
    if total_work.is_zero() {
        return settlement;
    }
    for (script, credit) in credits {
        let share = U512::from(available) * U512::from(credit.work.0) / total_work;
        // A share never exceeds `available`, which is a u64.
        let share = u64::try_from(share).unwrap_or(0);
        if share == 0 {
            continue;
        }
        settlement.shares.insert(script.clone(), share);
        settlement.paid += share;
        for tranche in split_into_tranches(share, height, vesting) {
            settlement.outputs.push(SettlementOutput {
                script: script.clone(),
                amount: tranche.amount,
                unlock_height: tranche.unlock_height,
            });
        }
    }
    settlement.carry = available - settlement.paid;
    settlement
}

#[cfg(test)]
mod tests {
    use super::*;
    use venture_pow::U256;

    fn script(tag: u8) -> ScriptBuf {
        ScriptBuf::from_bytes([&[0x00, 0x14][..], &[tag; 20]].concat())
    }

    fn credits(works: &[(u8, u64)]) -> BTreeMap<ScriptBuf, Credit> {
        works
            .iter()
            .map(|(tag, work)| {
                (
                    script(*tag),
                    Credit {
                        work: Work(U256::from(*work)),
                        blocks: 1,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn shares_follow_work_and_round_down() {
        let settlement = settle(
            0,
            &credits(&[(1, 1), (2, 2)]),
            1000,
            50,
            &VestingSpec::default(),
        );
        assert_eq!(settlement.shares[&script(1)], 333);
        assert_eq!(settlement.shares[&script(2)], 666);
        assert_eq!(settlement.paid, 999);
        assert_eq!(settlement.carry, 1);
        assert_eq!(settlement.outputs.len(), 2);
        assert_eq!(settlement.outputs[0].script, script(1));
        assert_eq!(settlement.outputs[0].unlock_height, 50);
    }

    #[test]
    fn nobody_earns_everything_carries() {
        let settlement = settle(3, &BTreeMap::new(), 500, 10, &VestingSpec::default());
        assert!(settlement.outputs.is_empty());
        assert_eq!(settlement.carry, 500);
    }

    /// Over whole windows with random epochs (some without any eligible work), what
    /// the settlements pay never exceeds the total, and with the final carry adds up to
    /// exactly the total.
    #[test]
    fn settlements_over_a_window_never_exceed_the_cap() {
        use crate::venture::EpochSchedule;
        use venture_chainspec::{Eligibility, VentureSpec};
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200 {
            let spec = VentureSpec {
                start_height: 1,
                end_height: (next() % 500 + 1) as u32,
                total: next() % 1_000_000_000_000 + 1,
                epoch_length: (next() % 50 + 1) as u32,
                eligible: Eligibility::All,
                vesting: VestingSpec::default(),
            };
            let schedule = EpochSchedule::new(&spec);
            let (mut paid, mut carry) = (0u64, 0u64);
            for epoch in 0..schedule.epoch_count() {
                let contributors = (next() % 5) as usize;
                let works: Vec<(u8, u64)> = (0..contributors)
                    .map(|i| (i as u8, next() % 1_000 + 1))
                    .collect();
                let available = schedule.allocation(epoch) + carry;
                let settlement = settle(
                    epoch,
                    &credits(&works),
                    available,
                    0,
                    &VestingSpec::default(),
                );
                paid += settlement.paid;
                carry = settlement.carry;
                assert!(paid <= spec.total);
            }
            assert_eq!(paid + carry, spec.total);
        }
    }

    #[test]
    fn random_histories_never_overpay() {
        // A small deterministic generator: the property must hold for any history.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let vesting = VestingSpec {
            cliff_blocks: 5,
            tranches: 4,
            tranche_interval: 3,
        };
        for _ in 0..2000 {
            let n = (next() % 12) as usize;
            let works: Vec<(u8, u64)> = (0..n)
                .map(|i| (i as u8, next() % 1_000_000_000 + 1))
                .collect();
            let available = next() % 10_000_000_000_000;
            let settlement = settle(0, &credits(&works), available, 100, &vesting);
            let outputs: u64 = settlement.outputs.iter().map(|o| o.amount).sum();
            assert_eq!(outputs, settlement.paid);
            assert!(settlement.paid <= available);
            assert_eq!(settlement.paid + settlement.carry, available);
            // Rounding loses less than one unit per contributor.
            if n > 0 {
                assert!(settlement.carry < n as u64);
            }
        }
    }
}
