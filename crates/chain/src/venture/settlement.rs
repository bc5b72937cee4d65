//! Paying an epoch: shares pro rata to work, to at most `max_recipients` payout
//! scripts (the top contributors), in a deterministic order, rounded down, each split
//! into vesting tranches. What is not paid is carried.

use bitcoin::ScriptBuf;
use std::collections::BTreeMap;
use venture_chainspec::{split_into_tranches, VentureSpec};
use venture_pow::{Work, U512};

/// What one payout script earned in an epoch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credit {
    pub work: Work,
    pub blocks: u32,
}

impl Credit {
    fn add(&mut self, work: Work) {
        self.work += work;
        self.blocks += 1;
    }

    /// Takes back one block's work; true when nothing is left.
    fn remove(&mut self, work: Work) -> bool {
        self.work = Work(self.work.0.saturating_sub(work.0));
        self.blocks = self.blocks.saturating_sub(1);
        self.blocks == 0
    }
}

/// The work of an epoch's eligible blocks: per creditable payout script, and the work
/// of blocks whose payout is not creditable (it counts in the total; its share is
/// carried).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EpochCredits {
    pub by_script: BTreeMap<ScriptBuf, Credit>,
    pub uncredited: Credit,
}

impl EpochCredits {
    /// Adds one eligible block's work; `payout` is `None` when it is not creditable.
    pub fn add(&mut self, payout: Option<&ScriptBuf>, work: Work) {
        match payout {
            Some(script) => self.by_script.entry(script.clone()).or_default().add(work),
            None => self.uncredited.add(work),
        }
    }

    /// Takes one block's work back out (its block left the chain).
    pub fn remove(&mut self, payout: Option<&ScriptBuf>, work: Work) {
        match payout {
            Some(script) => {
                if self
                    .by_script
                    .get_mut(script)
                    .is_some_and(|credit| credit.remove(work))
                {
                    self.by_script.remove(script);
                }
            }
            None => {
                self.uncredited.remove(work);
            }
        }
    }

    /// All eligible work of the epoch.
    pub fn total_work(&self) -> U512 {
        self.by_script
            .values()
            .fold(U512::from(self.uncredited.work.0), |acc, c| {
                acc + U512::from(c.work.0)
            })
    }

    /// The scripts a settlement pays: all of them, or the `limit` with the most work
    /// (equal work: lower script bytes first).
    pub fn recipients(&self, limit: u32) -> Vec<(&ScriptBuf, &Credit)> {
        let mut all: Vec<(&ScriptBuf, &Credit)> = self.by_script.iter().collect();
        let limit = limit as usize;
        if all.len() > limit {
            all.sort_by(|a, b| b.1.work.cmp(&a.1.work).then_with(|| a.0.cmp(b.0)));
            all.truncate(limit);
            all.sort_by(|a, b| a.0.cmp(b.0));
        }
        all
    }
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
    /// Each paid contributor's share before vesting, by script.
    pub shares: BTreeMap<ScriptBuf, u64>,
    /// What the epoch could pay: its allocation plus what earlier epochs carried.
    pub available: u64,
    pub paid: u64,
    /// `available - paid`: rounding remainders, the shares of uncreditable payouts and
    /// of contributors beyond `max_recipients`, or everything when nobody earned.
    pub carry: u64,
}

/// Splits `available` pro rata to work: each paid script gets
/// `⌊available · work / total work⌋`, where the total counts every eligible block.
/// Scripts are ordered by their bytes; shares become tranches unlocking from `height`.
pub fn settle(
    epoch: u32,
    credits: &EpochCredits,
    available: u64,
    height: u32,
    venture: &VentureSpec,
) -> Settlement {
    let total_work = credits.total_work();
    let mut settlement = Settlement {
        epoch,
        available,
        carry: available,
        ..Settlement::default()
    };
    if total_work.is_zero() {
        return settlement;
    }
    for (script, credit) in credits.recipients(venture.max_recipients) {
        let share = U512::from(available) * U512::from(credit.work.0) / total_work;
        // A share never exceeds `available`, which is a u64.
        let share = u64::try_from(share).unwrap_or(0);
        if share == 0 {
            continue;
        }
        settlement.shares.insert(script.clone(), share);
        settlement.paid += share;
        for tranche in split_into_tranches(share, height, &venture.vesting) {
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
    use venture_chainspec::VestingSpec;
    use venture_pow::U256;

    fn script(tag: u8) -> ScriptBuf {
        ScriptBuf::from_bytes([&[0x00, 0x14][..], &[tag; 20]].concat())
    }

    fn credits(works: &[(u8, u64)]) -> EpochCredits {
        let mut credits = EpochCredits::default();
        for (tag, work) in works {
            credits.add(Some(&script(*tag)), Work(U256::from(*work)));
        }
        credits
    }

    fn terms(vesting: VestingSpec, max_recipients: u32) -> VentureSpec {
        VentureSpec {
            start_height: 1,
            end_height: 100,
            total: 1,
            epoch_length: 10,
            eligible: venture_chainspec::Eligibility::All,
            vesting,
            max_recipients,
        }
    }

    #[test]
    fn shares_follow_work_and_round_down() {
        let settlement = settle(
            0,
            &credits(&[(1, 1), (2, 2)]),
            1000,
            50,
            &terms(VestingSpec::default(), 500),
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
        let settlement = settle(
            3,
            &EpochCredits::default(),
            500,
            10,
            &terms(VestingSpec::default(), 500),
        );
        assert!(settlement.outputs.is_empty());
        assert_eq!(settlement.carry, 500);
    }

    /// Over whole windows with random epochs (some without any eligible work), what
    /// the settlements pay never exceeds the total, and with the final carry adds up to
    /// exactly the total.
    #[test]
    fn settlements_over_a_window_never_exceed_the_cap() {
        use crate::venture::EpochSchedule;
        use venture_chainspec::Eligibility;
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
                max_recipients: 500,
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
                    &terms(VestingSpec::default(), 500),
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
            let settlement = settle(
                0,
                &credits(&works),
                available,
                100,
                &terms(vesting.clone(), 500),
            );
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

    /// Beyond `max_recipients`, the contributors with the least work are carried, and
    /// blocks paying uncreditable scripts dilute everyone without being paid.
    #[test]
    fn recipients_beyond_the_cap_and_uncreditable_work_are_carried() {
        let mut four = credits(&[(1, 10), (2, 30), (3, 20), (4, 30)]);
        four.add(None, Work(U256::from(10u64)));
        let settlement = settle(0, &four, 1000, 50, &terms(VestingSpec::default(), 2));
        // Total work 100; scripts 2 and 4 (30 each) are the top two.
        assert_eq!(settlement.shares.len(), 2);
        assert_eq!(settlement.shares[&script(2)], 300);
        assert_eq!(settlement.shares[&script(4)], 300);
        assert_eq!(settlement.carry, 400);
        // Equal work: the lower script wins the last place.
        let tied = credits(&[(5, 10), (6, 10), (7, 10)]);
        let settlement = settle(0, &tied, 900, 50, &terms(VestingSpec::default(), 2));
        let paid: Vec<&ScriptBuf> = settlement.shares.keys().collect();
        assert_eq!(paid, vec![&script(5), &script(6)]);
    }

    #[test]
    fn removing_a_block_restores_the_credits_before_it() {
        let mut running = credits(&[(1, 10)]);
        let before = running.clone();
        running.add(Some(&script(2)), Work(U256::from(5u64)));
        running.add(None, Work(U256::from(7u64)));
        running.remove(None, Work(U256::from(7u64)));
        running.remove(Some(&script(2)), Work(U256::from(5u64)));
        assert_eq!(running, before);
    }
}
