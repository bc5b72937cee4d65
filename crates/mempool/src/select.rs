//! Choosing transactions for a block: best fee rate first, parents before children,
//! within the weight and sigop limits.

use crate::Mempool;
use bitcoin::{Amount, Transaction, Txid};
use std::collections::HashSet;

/// The transactions chosen for a block template, in block order.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub transactions: Vec<Transaction>,
    pub fees: Amount,
    pub weight: u64,
    pub sigops: u64,
}

impl Mempool {
    /// Picks transactions by fee rate, taking a child only after its pool parents, until
    /// `max_weight` or `max_sigops` would be exceeded.
    pub fn select(&self, max_weight: u64, max_sigops: u64) -> Selection {
        let mut order: Vec<_> = self.entries().collect();
        order.sort_by(|a, b| b.fee_rate().cmp(&a.fee_rate()).then(a.time.cmp(&b.time)));
        let mut chosen: HashSet<Txid> = HashSet::new();
        let mut selection = Selection::default();
        // Each pass takes what it can; a child skipped for a missing parent is retried
        // once the parent made it in. Parents are never below their children's pass.
        loop {
            let mut progressed = false;
            for entry in &order {
                if chosen.contains(&entry.txid) || !entry.parents.iter().all(|p| chosen.contains(p))
                {
                    continue;
                }
                if selection.weight + entry.weight > max_weight
                    || selection.sigops + entry.sigops > max_sigops
                {
                    continue;
                }
                // Fees of coins that all exist cannot overflow; if a spec's supply
                // ever made them, leaving the transaction out keeps the block valid.
                let Some(fees) = selection.fees.checked_add(entry.fee) else {
                    continue;
                };
                chosen.insert(entry.txid);
                selection.transactions.push((*entry.tx).clone());
                selection.fees = fees;
                selection.weight += entry.weight;
                selection.sigops += entry.sigops;
                progressed = true;
            }
            if !progressed {
                break;
            }
        }
        selection
    }

    /// A fee rate (sat/kvB) likely to confirm within `blocks` blocks of
    /// `block_weight`: the rate at that depth in the pool's fee-rate order, or the
    /// minimum relay fee rate when everything fits.
    pub fn estimate_fee_rate(&self, blocks: u32, block_weight: u64) -> u64 {
        let mut order: Vec<_> = self.entries().collect();
        order.sort_by_key(|e| std::cmp::Reverse(e.fee_rate()));
        let room = block_weight.saturating_mul(u64::from(blocks.max(1)));
        let mut used = 0u64;
        for entry in order {
            used += entry.weight;
            if used > room {
                return entry
                    .fee_rate()
                    .max(self.config().min_relay_sat_per_kvb)
                    .saturating_add(1);
            }
        }
        self.config().min_relay_sat_per_kvb
    }
}

#[cfg(test)]
mod tests {
    use crate::test_entries::{child_of, entry};
    use crate::{Mempool, MempoolConfig, MempoolEntry};
    use bitcoin::Txid;

    fn pool(entries: &[&MempoolEntry]) -> Mempool {
        let mut pool = Mempool::new(MempoolConfig::default());
        for entry in entries {
            pool.insert((*entry).clone());
        }
        pool
    }

    fn txids(selection: &super::Selection) -> Vec<Txid> {
        selection
            .transactions
            .iter()
            .map(|tx| tx.compute_txid())
            .collect()
    }

    #[test]
    fn best_fee_rate_first_and_earlier_arrival_breaks_ties() {
        let (low, high, tie_early, tie_late) = (
            entry(1, 1_000, 200),
            entry(2, 10_000, 200),
            entry(3, 5_000, 200),
            entry(4, 5_000, 200),
        );
        let pool = pool(&[&tie_late, &low, &high, &tie_early]);
        let selection = pool.select(u64::MAX, u64::MAX);
        assert_eq!(
            txids(&selection),
            vec![high.txid, tie_early.txid, tie_late.txid, low.txid]
        );
        assert_eq!(selection.fees.to_sat(), 21_000);
        assert_eq!(selection.weight, 4 * 800);
    }

    #[test]
    fn a_child_comes_after_its_parent_whatever_its_fee_rate() {
        let parent = entry(1, 200, 200);
        let child = child_of(&parent, 2, 50_000, 200);
        let other = entry(3, 1_000, 200);
        let pool = pool(&[&child, &parent, &other]);
        let order = txids(&pool.select(u64::MAX, u64::MAX));
        let at = |txid| order.iter().position(|t| *t == txid).unwrap();
        assert_eq!(order.len(), 3);
        assert!(at(parent.txid) < at(child.txid), "{order:?}");
    }

    #[test]
    fn a_child_whose_parent_does_not_fit_is_left_out() {
        let parent = entry(1, 100_000, 1_000);
        let child = child_of(&parent, 2, 100_000, 100);
        let small = entry(3, 100, 100);
        let pool = pool(&[&parent, &child, &small]);
        // Room for the child and the small one, not for the parent.
        let selection = pool.select(4 * 500, u64::MAX);
        assert_eq!(txids(&selection), vec![small.txid]);
    }

    #[test]
    fn weight_and_sigop_limits_skip_what_does_not_fit_and_take_what_does() {
        let big = entry(1, 50_000, 1_000);
        let small = entry(2, 1_000, 100);
        let pool = pool(&[&big, &small]);
        assert_eq!(txids(&pool.select(4 * 1_000, u64::MAX)), vec![big.txid]);
        assert_eq!(txids(&pool.select(4 * 999, u64::MAX)), vec![small.txid]);

        let mut heavy = entry(3, 90_000, 100);
        heavy.sigops = 80;
        let pool = self::pool(&[&heavy, &small]);
        assert_eq!(txids(&pool.select(u64::MAX, 79)), vec![small.txid]);
        assert_eq!(pool.select(u64::MAX, 80).sigops, 80);
    }

    #[test]
    fn fee_estimates_read_the_rate_at_the_requested_depth() {
        let empty = Mempool::new(MempoolConfig::default());
        let floor = empty.config().min_relay_sat_per_kvb;
        assert_eq!(empty.estimate_fee_rate(1, 4_000), floor);

        // Rates 50,000, 20,000 and 5,000 sat/kvB, 1,000 weight units each.
        let pool = pool(&[
            &entry(1, 12_500, 250),
            &entry(2, 5_000, 250),
            &entry(3, 1_250, 250),
        ]);
        assert_eq!(pool.estimate_fee_rate(1, 3_000), floor, "everything fits");
        assert_eq!(pool.estimate_fee_rate(1, 2_000), 5_001);
        assert_eq!(pool.estimate_fee_rate(1, 1_000), 20_001);
        assert_eq!(pool.estimate_fee_rate(2, 1_000), 5_001, "two blocks' room");
    }
}
