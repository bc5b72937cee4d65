//! Relayed transactions whose inputs are not known yet, kept a while in case their
//! parents arrive (Bitcoin Core's orphanage), within fixed bounds: a count, a size per
//! transaction, and a quota per peer so one peer's flood neither evicts everyone
//! else's orphans nor goes unnoticed.

use bitcoin::{Transaction, Txid};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// Most orphans kept (Core's `DEFAULT_MAX_ORPHAN_TRANSACTIONS`).
pub const MAX_ORPHANS: usize = 100;
/// Most orphans kept from one peer; more from it is a flood.
pub const MAX_ORPHANS_PER_PEER: usize = 25;
/// Largest orphan kept, in weight units (Core refuses orphans above the standard
/// transaction weight).
pub const MAX_ORPHAN_WEIGHT: u64 = crate::MAX_STANDARD_TX_WEIGHT;

/// Who relayed an orphan: any number the caller uses to tell peers apart.
pub type PeerTag = u64;

#[derive(Debug, Default)]
pub(crate) struct Orphanage {
    orphans: HashMap<Txid, (Arc<Transaction>, PeerTag)>,
    /// Orphans by the txid of a parent they wait for.
    waiting_on: HashMap<Txid, Vec<Txid>>,
    /// Oldest first, for eviction.
    order: VecDeque<Txid>,
    per_peer: HashMap<PeerTag, usize>,
}

/// Whether an orphan was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kept {
    Yes,
    /// Too heavy to keep, or already kept: dropped without fault.
    No,
    /// The peer already has its quota of orphans here.
    OverQuota,
}

impl Orphanage {
    pub(crate) fn len(&self) -> usize {
        self.orphans.len()
    }

    pub(crate) fn add(&mut self, tx: Transaction, from: PeerTag) -> Kept {
        let txid = tx.compute_txid();
        if self.orphans.contains_key(&txid) || tx.weight().to_wu() > MAX_ORPHAN_WEIGHT {
            return Kept::No;
        }
        if self.per_peer.get(&from).copied().unwrap_or(0) >= MAX_ORPHANS_PER_PEER {
            return Kept::OverQuota;
        }
        while self.orphans.len() >= MAX_ORPHANS {
            let Some(oldest) = self.order.front().copied() else {
                break;
            };
            self.remove(&oldest);
        }
        for input in &tx.input {
            let waiting = self
                .waiting_on
                .entry(input.previous_output.txid)
                .or_default();
            if !waiting.contains(&txid) {
                waiting.push(txid);
            }
        }
        *self.per_peer.entry(from).or_default() += 1;
        self.order.push_back(txid);
        self.orphans.insert(txid, (Arc::new(tx), from));
        Kept::Yes
    }

    /// Takes out the orphans that spend an output of `parent`, to be tried again.
    pub(crate) fn take_children(&mut self, parent: &Txid) -> Vec<(Arc<Transaction>, PeerTag)> {
        let children = self.waiting_on.remove(parent).unwrap_or_default();
        children
            .iter()
            .filter_map(|txid| self.remove(txid))
            .collect()
    }

    fn remove(&mut self, txid: &Txid) -> Option<(Arc<Transaction>, PeerTag)> {
        let (tx, from) = self.orphans.remove(txid)?;
        self.order.retain(|t| t != txid);
        for input in &tx.input {
            let parent = input.previous_output.txid;
            if let Some(waiting) = self.waiting_on.get_mut(&parent) {
                waiting.retain(|t| t != txid);
                if waiting.is_empty() {
                    self.waiting_on.remove(&parent);
                }
            }
        }
        if let Some(count) = self.per_peer.get_mut(&from) {
            *count -= 1;
            if *count == 0 {
                self.per_peer.remove(&from);
            }
        }
        Some((tx, from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;
    use bitcoin::{absolute, transaction, Amount, OutPoint, ScriptBuf, TxIn, TxOut};

    fn orphan(parent: u8, n: u32) -> Transaction {
        Transaction {
            version: transaction::Version::TWO,
            lock_time: absolute::LockTime::ZERO,
            input: vec![TxIn {
                previous_output: OutPoint {
                    txid: Txid::from_byte_array([parent; 32]),
                    vout: n,
                },
                ..TxIn::default()
            }],
            output: vec![TxOut {
                value: Amount::from_sat(1_000),
                script_pubkey: ScriptBuf::new(),
            }],
        }
    }

    #[test]
    fn a_peer_beyond_its_quota_is_told_and_others_keep_their_room() {
        let mut orphans = Orphanage::default();
        for n in 0..MAX_ORPHANS_PER_PEER as u32 {
            assert_eq!(orphans.add(orphan(1, n), 7), Kept::Yes);
        }
        assert_eq!(orphans.add(orphan(1, 999), 7), Kept::OverQuota);
        assert_eq!(orphans.add(orphan(2, 0), 8), Kept::Yes);
        assert_eq!(orphans.len(), MAX_ORPHANS_PER_PEER + 1);
    }

    #[test]
    fn the_pool_stays_bounded_and_children_come_back_with_their_parent() {
        let mut orphans = Orphanage::default();
        for peer in 0..10u64 {
            for n in 0..20 {
                orphans.add(orphan(peer as u8, n), peer);
            }
        }
        assert_eq!(orphans.len(), MAX_ORPHANS);
        let children = orphans.take_children(&Txid::from_byte_array([9; 32]));
        assert_eq!(children.len(), 20, "the newest peer's orphans are all kept");
        assert_eq!(orphans.len(), MAX_ORPHANS - 20);
        assert!(orphans
            .take_children(&Txid::from_byte_array([9; 32]))
            .is_empty());
    }
}
