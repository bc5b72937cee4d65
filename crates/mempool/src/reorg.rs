//! Keeping up with the chain: dropping what blocks confirm or conflict with, and after
//! a reorganisation taking back the disconnected blocks' transactions and removing
//! only what the new tip makes invalid (Bitcoin Core's `MaybeUpdateMempoolForReorg`).

use crate::pool::NextBlock;
use crate::Mempool;
use bitcoin::{Transaction, Txid};
use std::collections::HashSet;
use tracing::debug;
use venture_chain::{Chain, ChainEvent, ChainEvents};

impl Mempool {
    /// Brings the pool up to date with the chain's connected and disconnected blocks:
    /// confirmed transactions and their conflicts leave; transactions of disconnected
    /// blocks come back if they are valid; after a reorganisation the pooled
    /// transactions that the new tip makes invalid leave with their descendants.
    pub fn apply(&mut self, events: ChainEvents, chain: &Chain, now: u64) {
        let mut returning: Vec<Vec<Transaction>> = Vec::new();
        let mut reorganised = events.overflowed;
        for event in events.events {
            match event {
                ChainEvent::Connected(block) => {
                    for tx in block.txdata.iter().skip(1) {
                        self.confirmed(tx);
                    }
                }
                ChainEvent::Disconnected(block) => {
                    reorganised = true;
                    returning.push(block.txdata.iter().skip(1).cloned().collect());
                }
            }
        }
        if !reorganised {
            return;
        }
        // Oldest block first, so parents return before their children. Only the blocks
        // checked their scripts, so they take the full admission path.
        let mut returned = 0;
        for tx in returning.into_iter().rev().flatten() {
            if self.accept(tx, chain, now).is_ok() {
                returned += 1;
            }
        }
        let removed = self.remove_for_reorg(chain);
        self.touch();
        debug!(
            returned,
            removed,
            kept = self.len(),
            "mempool updated after a reorganisation"
        );
    }

    /// Drains the chain's events and applies them (see [`Mempool::apply`]). Call with
    /// both locks held, chain first, before using the pool with the chain.
    pub fn sync_with(&mut self, chain: &mut Chain) {
        let events = chain.drain_events();
        if events.overflowed || !events.events.is_empty() {
            let now = u64::try_from(chain.clock().now()).unwrap_or(0);
            self.apply(events, chain, now);
        }
    }

    /// `tx` is in a connected block: it leaves the pool (its children stay, now
    /// spending a confirmed coin) and so does whatever spent the same coins.
    fn confirmed(&mut self, tx: &Transaction) {
        let txid = tx.compute_txid();
        if let Some(entry) = self.remove_entry(&txid) {
            for vout in 0..entry.tx.output.len() as u32 {
                if let Some(child) = self.spender(&bitcoin::OutPoint { txid, vout }) {
                    let parents = self
                        .get(&child)
                        .map(|c| c.parents.iter().copied().filter(|p| *p != txid).collect())
                        .unwrap_or_default();
                    self.set_parents(&child, parents);
                }
            }
        }
        for input in &tx.input {
            if let Some(conflict) = self.spender(&input.previous_output) {
                self.remove_with_descendants(&conflict);
            }
        }
    }

    /// Core's `removeForReorg`: checks every pooled transaction against the new tip
    /// with the same tip-dependent rules as admission (inputs present, coinbase
    /// maturity, vesting, finality, sequence locks) but not its scripts, which depend
    /// only on the transaction and the outputs it spends, and those are unchanged.
    /// Returns how many left.
    ///
    /// Parents go first and a failing transaction leaves alone, so its children are
    /// then judged without it: they fail for a missing input, unless the parent is in
    /// fact confirmed (possible when the chain's event queue overflowed), in which case
    /// they rightly stay.
    fn remove_for_reorg(&mut self, chain: &Chain) -> usize {
        let next = NextBlock::of(chain);
        let mut removed = 0;
        for txid in self.parents_first() {
            let Some(tx) = self.get(&txid).map(|e| e.tx.clone()) else {
                continue;
            };
            match self.check_inputs(&tx, chain, &next) {
                Ok(inputs) => self.set_parents(&txid, inputs.parents),
                Err(error) => {
                    debug!(%txid, %error, "removed from the mempool after a reorganisation");
                    self.remove_entry(&txid);
                    removed += 1;
                }
            }
        }
        removed
    }

    /// Every pooled txid, each after the pool transactions it spends. Follows the
    /// inputs rather than the recorded parents, which a returning block transaction
    /// may have made stale.
    fn parents_first(&self) -> Vec<Txid> {
        let mut order = Vec::with_capacity(self.len());
        let mut placed: HashSet<Txid> = HashSet::with_capacity(self.len());
        // Depth-first with an explicit stack: a long chain of descendants must not
        // exhaust the thread's stack. `true` marks a txid whose parents are queued.
        let mut stack: Vec<(Txid, bool)> = Vec::new();
        for entry in self.entries() {
            stack.push((entry.txid, false));
            while let Some((txid, expanded)) = stack.pop() {
                if placed.contains(&txid) {
                    continue;
                }
                if expanded {
                    placed.insert(txid);
                    order.push(txid);
                    continue;
                }
                stack.push((txid, true));
                if let Some(entry) = self.get(&txid) {
                    for input in &entry.tx.input {
                        let parent = input.previous_output.txid;
                        if self.contains(&parent) && !placed.contains(&parent) {
                            stack.push((parent, false));
                        }
                    }
                }
            }
        }
        order
    }
}

#[cfg(test)]
mod tests {
    use crate::pool::SCRIPT_CHECKS;
    use crate::test_chain::*;
    use crate::{Mempool, MempoolConfig};

    fn script_checks() -> u64 {
        SCRIPT_CHECKS.with(|count| count.get())
    }

    /// Only the disconnected block's transaction has its scripts verified again; the
    /// pooled one stays on the strength of its first verification.
    #[test]
    fn a_reorg_verifies_scripts_only_of_returning_transactions() {
        let key = TestKey::new(1);
        let to = TestKey::new(2);
        let dir = tempfile::tempdir().unwrap();
        let mut chain = funded_chain(dir.path(), &key, 25);
        let fork_height = chain.height();
        let mut pool = Mempool::new(MempoolConfig::default());
        let pooled = key.spend_one(&coinbase_output(&chain, 1), &to, 10_000);
        let confirmed = key.spend_one(&coinbase_output(&chain, 2), &to, 10_000);
        pool.accept(pooled.clone(), &chain, now()).unwrap();
        mine(&mut chain, vec![confirmed.clone()], &key.script, 1);
        pool.sync_with(&mut chain);

        reorg_onto_rival_branch(&mut chain, fork_height, 2, Vec::new(), &to.script);
        let before = script_checks();
        pool.sync_with(&mut chain);
        assert_eq!(
            script_checks() - before,
            1,
            "only the returning transaction"
        );
        assert!(pool.contains(&pooled.compute_txid()));
        assert!(pool.contains(&confirmed.compute_txid()));
    }
}
