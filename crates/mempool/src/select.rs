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
