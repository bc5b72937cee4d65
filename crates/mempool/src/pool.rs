//! The pool: admission, limits, and keeping up with the chain.

use crate::orphans::{Kept, Orphanage, PeerTag};
use crate::policy::{check_standard, MAX_STANDARD_TX_SIGOPS_COST};
use crate::{MempoolConfig, MempoolError, Policy, TxReject};
use bitcoin::{Amount, OutPoint, Transaction, TxOut, Txid};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use tracing::debug;
use venture_chain::{
    check_transaction, is_final, sequence_locks_satisfied, sigop_cost, verify_transaction, Chain,
    Reject,
};

#[cfg(test)]
thread_local! {
    /// How many transactions this thread's pools ran script verification on (tests
    /// assert which paths skip it).
    pub(crate) static SCRIPT_CHECKS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The pool shared by RPC, the miner and the network. Lock the chain first.
pub type SharedMempool = Arc<Mutex<Mempool>>;

/// A transaction in the pool.
#[derive(Debug, Clone)]
pub struct MempoolEntry {
    pub tx: Arc<Transaction>,
    pub txid: Txid,
    pub fee: Amount,
    pub vsize: u64,
    pub weight: u64,
    pub sigops: u64,
    /// Seconds since the Unix epoch when it entered.
    pub time: u64,
    /// Height of the tip when it entered.
    pub height: u32,
    /// Pool transactions whose outputs it spends.
    pub parents: Vec<Txid>,
}

impl MempoolEntry {
    /// Fee rate in satoshis per 1,000 virtual bytes.
    pub fn fee_rate(&self) -> u64 {
        fee_rate(self.fee, self.vsize)
    }
}

/// `fee` per 1,000 virtual bytes of `vsize`. Computed in 128 bits because a chain's
/// supply may exceed what `fee * 1000` fits in 64; a rate beyond 64 bits (which no
/// standard-size transaction of a `u64` amount reaches) saturates.
pub(crate) fn fee_rate(fee: Amount, vsize: u64) -> u64 {
    let rate = u128::from(fee.to_sat()) * 1000 / u128::from(vsize.max(1));
    u64::try_from(rate).unwrap_or(u64::MAX)
}

/// The fee `rate` (sat/kvB) asks of `vsize` virtual bytes, saturating like [`fee_rate`].
fn fee_at_rate(rate: u64, vsize: u64) -> u64 {
    u64::try_from(u128::from(rate) * u128::from(vsize) / 1000).unwrap_or(u64::MAX)
}

/// What `accept` reports.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub txid: Txid,
    pub wtxid: bitcoin::Wtxid,
    pub fee: Amount,
    pub vsize: u64,
}

/// `getmempoolinfo`'s figures.
#[derive(Debug, Clone)]
pub struct MempoolInfo {
    pub size: usize,
    pub bytes: u64,
    pub total_fee: Amount,
    pub max_vbytes: u64,
    /// The fee rate below which a transaction would not get in now (sat/kvB).
    pub min_fee_rate: u64,
    pub min_relay_fee_rate: u64,
}

/// Everything `check` learned about an admissible transaction.
struct Checked {
    fee: Amount,
    vsize: u64,
    sigops: u64,
    parents: Vec<Txid>,
}

/// The block a pool transaction would be mined in next: what finality, maturity,
/// vesting and sequence locks are judged against.
pub(crate) struct NextBlock {
    /// The tip it would build on.
    prev: bitcoin::BlockHash,
    height: u32,
    /// The tip's median time past (BIP113).
    median_time_past: u32,
}

impl NextBlock {
    pub(crate) fn of(chain: &Chain) -> NextBlock {
        let tip = chain.tip();
        NextBlock {
            prev: tip.hash,
            height: tip.height + 1,
            median_time_past: chain.index().median_time_past(&tip.hash).unwrap_or(0),
        }
    }
}

/// A transaction's inputs as found in the pool and the UTXO set.
pub(crate) struct Inputs {
    /// The outputs spent, in input order.
    pub(crate) spent: Vec<TxOut>,
    pub(crate) value_in: Amount,
    /// Pool transactions whose outputs it spends.
    pub(crate) parents: Vec<Txid>,
}

/// What became of a transaction a peer relayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relayed {
    /// Admitted, with the orphans it let in after it (txids, in order).
    Accepted(Vec<Txid>),
    /// Its inputs are unknown: kept a while as an orphan, or dropped if too heavy.
    Orphan,
    /// Its inputs are unknown and its sender already has its quota of orphans here:
    /// a flood.
    OrphanFlood,
}

/// The transaction pool.
#[derive(Debug)]
pub struct Mempool {
    config: MempoolConfig,
    /// Relayed transactions waiting for their parents.
    orphans: Orphanage,
    entries: HashMap<Txid, MempoolEntry>,
    /// Which pool transaction spends each outpoint.
    spent_by: HashMap<OutPoint, Txid>,
    /// (fee rate, txid), lowest first: eviction order.
    by_fee_rate: BTreeSet<(u64, Txid)>,
    total_vsize: u64,
    /// Changes whenever the pool's contents change (templates compare it).
    generation: u64,
}

impl Mempool {
    pub fn new(config: MempoolConfig) -> Mempool {
        Mempool {
            config,
            orphans: Orphanage::default(),
            entries: HashMap::new(),
            spent_by: HashMap::new(),
            by_fee_rate: BTreeSet::new(),
            total_vsize: 0,
            generation: 0,
        }
    }

    pub fn shared(config: MempoolConfig) -> SharedMempool {
        Arc::new(Mutex::new(Mempool::new(config)))
    }

    pub fn config(&self) -> &MempoolConfig {
        &self.config
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn get(&self, txid: &Txid) -> Option<&MempoolEntry> {
        self.entries.get(txid)
    }

    pub fn contains(&self, txid: &Txid) -> bool {
        self.entries.contains_key(txid)
    }

    pub fn entries(&self) -> impl Iterator<Item = &MempoolEntry> {
        self.entries.values()
    }

    /// The pool transaction spending `outpoint`, if any.
    pub fn spender(&self, outpoint: &OutPoint) -> Option<Txid> {
        self.spent_by.get(outpoint).copied()
    }

    pub fn info(&self) -> MempoolInfo {
        let full = self.total_vsize * 10 >= self.config.max_vbytes * 9;
        let min_fee_rate = match (full, self.by_fee_rate.first()) {
            (true, Some((rate, _))) => rate
                .saturating_add(1)
                .max(self.config.min_relay_sat_per_kvb),
            _ => self.config.min_relay_sat_per_kvb,
        };
        MempoolInfo {
            size: self.entries.len(),
            bytes: self.total_vsize,
            total_fee: self.entries.values().fold(Amount::ZERO, |sum, e| {
                sum.checked_add(e.fee).unwrap_or(Amount::MAX)
            }),
            max_vbytes: self.config.max_vbytes,
            min_fee_rate,
            min_relay_fee_rate: self.config.min_relay_sat_per_kvb,
        }
    }

    /// Orphan transactions held, waiting for their parents.
    pub fn orphan_count(&self) -> usize {
        self.orphans.len()
    }

    /// Admits a transaction `from` a peer: as [`Mempool::accept`], but one whose inputs
    /// are unknown is kept as an orphan (within the orphanage's bounds) and tried again
    /// when a parent is admitted.
    pub fn accept_relayed(
        &mut self,
        tx: Transaction,
        chain: &Chain,
        now: u64,
        from: PeerTag,
    ) -> Result<Relayed, MempoolError> {
        let accepted = match self.accept(tx.clone(), chain, now) {
            Ok(accepted) => accepted,
            Err(e) if e.is_missing_inputs() => {
                return Ok(match self.orphans.add(tx, from) {
                    Kept::Yes | Kept::No => Relayed::Orphan,
                    Kept::OverQuota => Relayed::OrphanFlood,
                });
            }
            Err(e) => return Err(e),
        };
        let mut admitted = vec![accepted.txid];
        let mut parents = vec![accepted.txid];
        while let Some(parent) = parents.pop() {
            for (child, _) in self.orphans.take_children(&parent) {
                if let Ok(child) = self.accept((*child).clone(), chain, now) {
                    admitted.push(child.txid);
                    parents.push(child.txid);
                }
            }
        }
        Ok(Relayed::Accepted(admitted))
    }

    /// Checks `tx` against the chain and the pool without adding it
    /// (`testmempoolaccept`). Returns its fee and virtual size.
    pub fn test_accept(
        &self,
        tx: &Transaction,
        chain: &Chain,
    ) -> Result<(Amount, u64), MempoolError> {
        self.check(tx, chain).map(|c| (c.fee, c.vsize))
    }

    /// Admits `tx`, evicting lower fee rates if the pool is over its size.
    pub fn accept(
        &mut self,
        tx: Transaction,
        chain: &Chain,
        now: u64,
    ) -> Result<Accepted, MempoolError> {
        let checked = self.check(&tx, chain)?;
        let txid = tx.compute_txid();
        let accepted = Accepted {
            txid,
            wtxid: tx.compute_wtxid(),
            fee: checked.fee,
            vsize: checked.vsize,
        };
        self.insert(MempoolEntry {
            txid,
            fee: checked.fee,
            vsize: checked.vsize,
            weight: tx.weight().to_wu(),
            sigops: checked.sigops,
            time: now,
            height: chain.height(),
            parents: checked.parents,
            tx: Arc::new(tx),
        });
        self.trim_to_size();
        if !self.entries.contains_key(&txid) {
            return Err(MempoolError::new(
                Policy::MempoolFull,
                "its fee rate is the lowest in a full pool",
            ));
        }
        Ok(accepted)
    }

    fn check(&self, tx: &Transaction, chain: &Chain) -> Result<Checked, MempoolError> {
        let params = chain.params();
        let consensus = &params.spec.consensus;
        check_transaction(tx, params.max_supply(), consensus.max_block_weight)?;
        if tx.is_coinbase() {
            return Err(MempoolError::new(
                Policy::Coinbase,
                "a coinbase cannot be relayed",
            ));
        }
        check_standard(tx)?;
        let txid = tx.compute_txid();
        if self.entries.contains_key(&txid) {
            return Err(MempoolError::new(Policy::AlreadyInMempool, ""));
        }
        for input in &tx.input {
            let outpoint = input.previous_output;
            if let Some(other) = self.spent_by.get(&outpoint) {
                return Err(MempoolError::new(
                    Policy::MempoolConflict,
                    format!("{outpoint} is spent by {other}"),
                ));
            }
        }
        let Inputs {
            spent,
            value_in,
            parents,
        } = self.check_inputs(tx, chain, &NextBlock::of(chain))?;
        let value_out = tx
            .output
            .iter()
            .try_fold(Amount::ZERO, |sum, o| sum.checked_add(o.value))
            .ok_or_else(|| MempoolError::new(Reject::BadTxnsTxoutTotalTooLarge, ""))?;
        let fee = value_in.checked_sub(value_out).ok_or_else(|| {
            MempoolError::new(
                Reject::BadTxnsInBelowOut,
                format!("value in ({value_in}) < value out ({value_out})"),
            )
        })?;
        let vsize = tx.vsize() as u64;
        let min_fee = fee_at_rate(self.config.min_relay_sat_per_kvb, vsize);
        if fee.to_sat() < min_fee {
            return Err(MempoolError::new(
                Policy::MinRelayFee,
                format!("{} < {min_fee}", fee.to_sat()),
            ));
        }
        let sigops = sigop_cost(tx, &spent);
        if sigops > MAX_STANDARD_TX_SIGOPS_COST {
            return Err(MempoolError::new(Policy::TooManySigops, sigops.to_string()));
        }
        #[cfg(test)]
        SCRIPT_CHECKS.with(|count| count.set(count.get() + 1));
        verify_transaction(tx, &spent).map_err(MempoolError::from)?;
        Ok(Checked {
            fee,
            vsize,
            sigops,
            parents,
        })
    }

    /// The rules that depend on the tip and the pool but not on scripts: finality, each
    /// input's coin (in the pool or the UTXO set), coinbase maturity, venture vesting
    /// and BIP68 sequence locks, all for the `next` block. Admission calls it for a new
    /// transaction and a reorganisation for every pooled one, so both judge alike.
    pub(crate) fn check_inputs(
        &self,
        tx: &Transaction,
        chain: &Chain,
        next: &NextBlock,
    ) -> Result<Inputs, MempoolError> {
        let height = next.height;
        if !is_final(tx, height, next.median_time_past) {
            return Err(MempoolError::new(Policy::NonFinal, ""));
        }
        let maturity = chain.params().spec.consensus.coinbase_maturity;
        let mut spent = Vec::with_capacity(tx.input.len());
        let mut coin_heights = Vec::with_capacity(tx.input.len());
        let mut parents = Vec::new();
        let mut value_in = Amount::ZERO;
        for input in &tx.input {
            let outpoint = input.previous_output;
            let (output, coin_height) = match self.entries.get(&outpoint.txid) {
                Some(parent) => {
                    let output = parent
                        .tx
                        .output
                        .get(outpoint.vout as usize)
                        .cloned()
                        .ok_or_else(|| {
                            MempoolError::new(
                                Reject::BadTxnsInputsMissingOrSpent,
                                format!("{outpoint} does not exist"),
                            )
                        })?;
                    if !parents.contains(&outpoint.txid) {
                        parents.push(outpoint.txid);
                    }
                    // A pool coin counts as created in the next block (as in Core).
                    (output, height)
                }
                None => {
                    let coin = chain
                        .coin(&outpoint)
                        .map_err(|e| MempoolError::new(TxReject::Storage, e.to_string()))?
                        .ok_or_else(|| self.missing_input(tx, &outpoint, chain))?;
                    if coin.unlock_height > height {
                        return Err(MempoolError::new(
                            Reject::VentureOutputLocked,
                            format!("{outpoint} is locked until height {}", coin.unlock_height),
                        ));
                    }
                    let depth = height.saturating_sub(coin.height);
                    if coin.is_coinbase && depth < maturity {
                        return Err(MempoolError::new(
                            Reject::BadTxnsPrematureSpendOfCoinbase,
                            format!("tried to spend coinbase at depth {depth}"),
                        ));
                    }
                    (coin.output, coin.height)
                }
            };
            value_in = value_in
                .checked_add(output.value)
                .ok_or_else(|| MempoolError::new(Reject::BadTxnsInputValuesOutOfRange, ""))?;
            spent.push(output);
            coin_heights.push(coin_height);
        }
        if !sequence_locks_satisfied(tx, &coin_heights, height, &next.prev, chain.index()) {
            return Err(MempoolError::new(Policy::NonBip68Final, ""));
        }
        Ok(Inputs {
            spent,
            value_in,
            parents,
        })
    }

    /// Missing input: either the transaction is already confirmed, or its input is
    /// unknown or spent.
    fn missing_input(&self, tx: &Transaction, outpoint: &OutPoint, chain: &Chain) -> MempoolError {
        let txid = tx.compute_txid();
        let confirmed = (0..tx.output.len() as u32).any(|vout| {
            chain
                .coin(&OutPoint { txid, vout })
                .ok()
                .flatten()
                .is_some()
        });
        if confirmed {
            MempoolError::new(Policy::AlreadyKnown, "")
        } else {
            MempoolError::new(
                Reject::BadTxnsInputsMissingOrSpent,
                format!("{outpoint} is missing or spent"),
            )
        }
    }

    pub(crate) fn insert(&mut self, entry: MempoolEntry) {
        for input in &entry.tx.input {
            self.spent_by.insert(input.previous_output, entry.txid);
        }
        self.by_fee_rate.insert((entry.fee_rate(), entry.txid));
        self.total_vsize += entry.vsize;
        self.entries.insert(entry.txid, entry);
        self.generation += 1;
    }

    /// Removes `txid` and everything spending its outputs, returning what was removed.
    pub fn remove_with_descendants(&mut self, txid: &Txid) -> Vec<MempoolEntry> {
        let mut removed = Vec::new();
        let mut queue = vec![*txid];
        while let Some(current) = queue.pop() {
            let Some(entry) = self.remove_entry(&current) else {
                continue;
            };
            for vout in 0..entry.tx.output.len() as u32 {
                if let Some(child) = self.spent_by.get(&OutPoint {
                    txid: current,
                    vout,
                }) {
                    queue.push(*child);
                }
            }
            removed.push(entry);
        }
        removed
    }

    /// Removes `txid` alone, leaving any children in the pool (they now spend a coin
    /// the caller expects elsewhere, or are dealt with next), and keeps the indexes in
    /// step.
    pub(crate) fn remove_entry(&mut self, txid: &Txid) -> Option<MempoolEntry> {
        let entry = self.entries.remove(txid)?;
        for input in &entry.tx.input {
            if self.spent_by.get(&input.previous_output) == Some(txid) {
                self.spent_by.remove(&input.previous_output);
            }
        }
        self.by_fee_rate.remove(&(entry.fee_rate(), *txid));
        self.total_vsize -= entry.vsize;
        self.generation += 1;
        Some(entry)
    }

    /// Records which pool transactions `txid` spends (they change when a
    /// reorganisation brings a parent back or a parent is confirmed).
    pub(crate) fn set_parents(&mut self, txid: &Txid, parents: Vec<Txid>) {
        if let Some(entry) = self.entries.get_mut(txid) {
            entry.parents = parents;
        }
    }

    /// Marks the pool as changed (block templates compare generations).
    pub(crate) fn touch(&mut self) {
        self.generation += 1;
    }

    /// Evicts the lowest fee rates (with their descendants) until within the size limit.
    fn trim_to_size(&mut self) {
        while self.total_vsize > self.config.max_vbytes {
            let Some((_, txid)) = self.by_fee_rate.first().copied() else {
                break;
            };
            let removed = self.remove_with_descendants(&txid);
            debug!(%txid, count = removed.len(), "evicted from a full mempool");
        }
    }

    /// Outputs of pool transactions (for wallets and `gettxout` with the mempool).
    pub fn output(&self, outpoint: &OutPoint) -> Option<TxOut> {
        self.entries
            .get(&outpoint.txid)
            .and_then(|e| e.tx.output.get(outpoint.vout as usize).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_entries::{child_of, entry};

    /// Whatever a spec's supply, fees too big for `fee * 1000` in 64 bits give exact
    /// rates, rates beyond 64 bits saturate, and fee sums never overflow.
    #[test]
    fn fee_rates_and_sums_of_huge_fees_do_not_overflow() {
        let near = u64::MAX / 1000 + 1;
        assert_eq!(entry(1, near, 100).fee_rate(), near * 10);
        assert_eq!(entry(2, u64::MAX, 1).fee_rate(), u64::MAX);
        assert_eq!(fee_at_rate(u64::MAX, 2_000), u64::MAX);

        let mut pool = Mempool::new(MempoolConfig {
            max_vbytes: 220,
            ..MempoolConfig::default()
        });
        pool.insert(entry(1, near, 100));
        pool.insert(entry(2, u64::MAX, 1));
        pool.insert(entry(3, u64::MAX / 2, 100));
        let info = pool.info();
        assert_eq!(info.total_fee, Amount::MAX, "the sum saturates");
        assert_eq!(
            info.min_fee_rate,
            near * 10 + 1,
            "the pool is over 90% full"
        );
        assert_eq!(pool.estimate_fee_rate(1, 4), u64::MAX);
        let selection = pool.select(u64::MAX, u64::MAX);
        assert_eq!(selection.fees, Amount::from_sat(u64::MAX));
        assert_eq!(
            selection.transactions.len(),
            1,
            "what would overflow the block's fees is left out"
        );
    }

    #[test]
    fn removing_a_parent_removes_its_descendants_only() {
        let parent = entry(1, 1_000, 200);
        let child = child_of(&parent, 2, 1_000, 200);
        let grandchild = child_of(&child, 3, 1_000, 200);
        let unrelated = entry(4, 1_000, 200);
        let mut pool = Mempool::new(MempoolConfig::default());
        for entry in [&parent, &child, &grandchild, &unrelated] {
            pool.insert(entry.clone());
        }
        let mut removed: Vec<Txid> = pool
            .remove_with_descendants(&parent.txid)
            .iter()
            .map(|e| e.txid)
            .collect();
        removed.sort();
        let mut expected = vec![parent.txid, child.txid, grandchild.txid];
        expected.sort();
        assert_eq!(removed, expected);
        assert_eq!(pool.len(), 1);
        assert!(pool.contains(&unrelated.txid));
        assert_eq!(pool.spender(&parent.tx.input[0].previous_output), None);
    }
}
