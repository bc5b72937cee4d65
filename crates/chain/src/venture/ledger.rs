//! Settlements computed from the chain itself. Each eligible block's credit (its payout
//! script, or "not creditable") is recorded when it connects; the active tip's epoch
//! credits are kept running in memory ([`VentureLedger`]), updated block by block on
//! connect and disconnect, so a settlement or a template never reads the epoch's blocks.
//! Other branches (and a restart) rebuild from the small per-block records. What earlier
//! epochs carried comes from their settlement records, so every branch gets its own
//! answer.

use super::{settle, EpochCredits, EpochSchedule, Settlement};
use crate::index::{BlockIndex, IndexEntry};
use crate::Reject;
use crate::{BlockError, ChainError};
use bitcoin::{BlockHash, Script, ScriptBuf, Transaction, TxOut};
use std::borrow::Cow;
use venture_chainspec::{ChainParams, Eligibility};
use venture_pow::Work;
use venture_store::{BlockStatus, Store};

/// Whether a payout script can be credited: one of the fixed-size standard kinds
/// (P2PKH, P2SH, P2WPKH, P2WSH, P2TR, at most 34 bytes and one legacy sigop). Anything
/// else (bare multisig, huge scripts) would let one miner make the settlement too
/// heavy for any block; such a block's work still counts and its share is carried.
pub fn is_creditable_payout(script: &Script) -> bool {
    script.is_p2pkh()
        || script.is_p2sh()
        || script.is_p2wpkh()
        || script.is_p2wsh()
        || script.is_p2tr()
}

/// What one eligible block earns: its work, to its payout script if creditable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Earning {
    pub payout: Option<ScriptBuf>,
    pub work: Work,
}

impl Earning {
    /// The bytes recorded in the store: the script, or nothing when not creditable.
    pub fn record(&self) -> &[u8] {
        self.payout.as_ref().map_or(&[], |s| s.as_bytes())
    }
}

/// Whether the block of `entry` earns venture credit (in the window and of the
/// eligible kind).
fn is_eligible(params: &ChainParams, entry: &IndexEntry) -> bool {
    let Some(venture) = &params.spec.venture else {
        return false;
    };
    if EpochSchedule::new(venture).epoch_of(entry.height).is_none() {
        return false;
    }
    match venture.eligible {
        Eligibility::All => true,
        Eligibility::MergeMined => entry.status.has(BlockStatus::MERGE_MINED),
    }
}

/// The earning of the block of `entry` whose coinbase is `coinbase` and starts with
/// `settled_outputs` settlement outputs: its payout is the next output.
pub(crate) fn earning_of(
    params: &ChainParams,
    entry: &IndexEntry,
    coinbase: &Transaction,
    settled_outputs: usize,
) -> Option<Earning> {
    if !is_eligible(params, entry) {
        return None;
    }
    let payout = coinbase
        .output
        .get(settled_outputs)
        .map(|o| &o.script_pubkey)
        .filter(|s| is_creditable_payout(s))
        .cloned();
    Some(Earning {
        payout,
        work: Work::from_bits(entry.header.bits.to_consensus()),
    })
}

/// The earning of a stored block, from its record (or, for a block connected before
/// records were kept, from the block itself).
fn stored_earning(
    store: &Store,
    params: &ChainParams,
    entry: &IndexEntry,
) -> Result<Option<Earning>, ChainError> {
    if !is_eligible(params, entry) {
        return Ok(None);
    }
    let work = Work::from_bits(entry.header.bits.to_consensus());
    if let Some(bytes) = store.venture_credit(&entry.hash)? {
        let payout = (!bytes.is_empty()).then(|| ScriptBuf::from_bytes(bytes));
        return Ok(Some(Earning { payout, work }));
    }
    let block = store
        .block(&entry.hash)?
        .ok_or_else(|| ChainError::Inconsistent(format!("block {} is missing", entry.hash)))?;
    let skip = store
        .settlement(&entry.hash)?
        .map_or(0, |r| r.outputs as usize);
    let coinbase = block
        .txdata
        .first()
        .ok_or_else(|| ChainError::Inconsistent(format!("block {} has no coinbase", entry.hash)))?;
    Ok(earning_of(params, entry, coinbase, skip))
}

/// Who earned what in `epoch` on the branch ending at `tip` (which must reach the
/// epoch's last block for a complete answer; a partial epoch gives the credits so far).
/// Walks the branch once, reading one small record per eligible block.
pub(crate) fn credits_for_epoch(
    index: &BlockIndex,
    store: &Store,
    params: &ChainParams,
    tip: &BlockHash,
    epoch: u32,
) -> Result<EpochCredits, ChainError> {
    let mut credits = EpochCredits::default();
    let Some(venture) = &params.spec.venture else {
        return Ok(credits);
    };
    let (first, last) = EpochSchedule::new(venture).epoch_range(epoch);
    let mut current = index.get(tip);
    while let Some(entry) = current {
        if entry.height < first {
            break;
        }
        if entry.height <= last {
            if let Some(earning) = stored_earning(store, params, entry)? {
                credits.add(earning.payout.as_ref(), earning.work);
            }
        }
        if entry.height == 0 {
            break;
        }
        current = index.get(&entry.prev());
        if current.is_none() {
            return Err(ChainError::Inconsistent(format!(
                "no parent of {} in the index",
                entry.hash
            )));
        }
    }
    Ok(credits)
}

/// The running credits of the active tip's epoch.
#[derive(Debug, Default)]
pub(crate) struct VentureLedger {
    /// The block these credits run to (the active tip).
    tip: Option<BlockHash>,
    /// The epoch of the tip's height, if it is in the window.
    epoch: Option<u32>,
    credits: EpochCredits,
}

impl VentureLedger {
    /// Rebuilds the credits for the active tip `tip` (at start-up, or when a
    /// reorganisation leaves the epoch the credits ran in).
    pub fn rebuild(
        &mut self,
        index: &BlockIndex,
        store: &Store,
        params: &ChainParams,
        tip: &IndexEntry,
    ) -> Result<(), ChainError> {
        let epoch = epoch_of(params, tip.height);
        self.credits = match epoch {
            Some(epoch) => credits_for_epoch(index, store, params, &tip.hash, epoch)?,
            None => EpochCredits::default(),
        };
        self.tip = Some(tip.hash);
        self.epoch = epoch;
        Ok(())
    }

    /// `entry` was connected on the tip with `earning`.
    pub fn connected(
        &mut self,
        index: &BlockIndex,
        store: &Store,
        params: &ChainParams,
        entry: &IndexEntry,
        earning: Option<&Earning>,
    ) -> Result<(), ChainError> {
        let epoch = epoch_of(params, entry.height);
        let extends = self.tip == Some(entry.prev());
        if extends && self.epoch != epoch {
            // A new epoch (or the end of the window) starts with this block.
            self.credits = EpochCredits::default();
            self.epoch = epoch;
        } else if !extends {
            return self.rebuild(index, store, params, entry);
        }
        if let Some(earning) = earning {
            self.credits.add(earning.payout.as_ref(), earning.work);
        }
        self.tip = Some(entry.hash);
        Ok(())
    }

    /// The tip `entry` was disconnected; `parent` is the new tip.
    pub fn disconnected(
        &mut self,
        index: &BlockIndex,
        store: &Store,
        params: &ChainParams,
        entry: &IndexEntry,
        parent: &IndexEntry,
    ) -> Result<(), ChainError> {
        let same_epoch = epoch_of(params, parent.height) == self.epoch;
        if self.tip != Some(entry.hash) || !same_epoch {
            return self.rebuild(index, store, params, parent);
        }
        if let Some(earning) = stored_earning(store, params, entry)? {
            self.credits.remove(earning.payout.as_ref(), earning.work);
        }
        self.tip = Some(parent.hash);
        Ok(())
    }

    /// The credits of `epoch` on the branch ending at `tip`: the running ones when they
    /// are that branch's, else rebuilt from the records.
    pub fn credits(
        &self,
        index: &BlockIndex,
        store: &Store,
        params: &ChainParams,
        tip: &BlockHash,
        epoch: u32,
    ) -> Result<Cow<'_, EpochCredits>, ChainError> {
        if self.tip == Some(*tip) && self.epoch == Some(epoch) {
            return Ok(Cow::Borrowed(&self.credits));
        }
        Ok(Cow::Owned(credits_for_epoch(
            index, store, params, tip, epoch,
        )?))
    }

    /// What the block at `height` on `prev` must pay, if it closes an epoch, and what
    /// earlier settlements paid in all.
    pub fn expected_settlement(
        &self,
        index: &BlockIndex,
        store: &Store,
        params: &ChainParams,
        prev: &BlockHash,
        height: u32,
    ) -> Result<Option<(Settlement, u64)>, ChainError> {
        let Some(venture) = &params.spec.venture else {
            return Ok(None);
        };
        let schedule = EpochSchedule::new(venture);
        let Some(epoch) = schedule.epoch_settled_at(height) else {
            return Ok(None);
        };
        let (carried, paid_before) = if epoch == 0 {
            (0, 0)
        } else {
            let at = schedule.settlement_height(epoch - 1);
            let entry = index.ancestor(prev, at).ok_or_else(|| {
                ChainError::Inconsistent(format!("no settlement block at height {at}"))
            })?;
            let record = store.settlement(&entry.hash)?.ok_or_else(|| {
                ChainError::Inconsistent(format!("settlement block {} has no record", entry.hash))
            })?;
            (record.carry, record.paid_total)
        };
        let credits = self.credits(index, store, params, prev, epoch)?;
        let available = schedule.allocation(epoch) + carried;
        Ok(Some((
            settle(epoch, &credits, available, height, venture),
            paid_before,
        )))
    }
}

fn epoch_of(params: &ChainParams, height: u32) -> Option<u32> {
    params
        .spec
        .venture
        .as_ref()
        .and_then(|v| EpochSchedule::new(v).epoch_of(height))
}

/// A coinbase must start with exactly the expected settlement outputs; the error names
/// how it differs.
pub(crate) fn check_settlement(
    outputs: &[TxOut],
    settlement: &Settlement,
) -> Result<(), BlockError> {
    let expected: Vec<(&ScriptBuf, u64)> = settlement
        .outputs
        .iter()
        .map(|o| (&o.script, o.amount))
        .collect();
    let count = expected.len();
    let actual: Vec<(&ScriptBuf, u64)> = outputs
        .iter()
        .take(count)
        .map(|o| (&o.script_pubkey, o.value.to_sat()))
        .collect();
    if actual == expected {
        return Ok(());
    }
    let epoch = settlement.epoch;
    let pays_any_recipient = actual
        .iter()
        .any(|(script, _)| expected.iter().any(|(wanted, _)| wanted == script));
    if actual.len() < count || !pays_any_recipient {
        return Err(BlockError::new(
            Reject::VentureSettlementMissing,
            format!("the coinbase must start with the {count} settlement outputs of epoch {epoch}"),
        ));
    }
    let mut sorted_actual = actual.clone();
    let mut sorted_expected = expected.clone();
    sorted_actual.sort();
    sorted_expected.sort();
    if sorted_actual == sorted_expected {
        return Err(BlockError::new(
            Reject::VentureSettlementReordered,
            format!("epoch {epoch}'s settlement outputs are not in script order"),
        ));
    }
    let paid: u64 = actual.iter().map(|(_, v)| v).sum();
    if paid > settlement.paid
        || actual
            .iter()
            .zip(&expected)
            .any(|(a, e)| a.0 == e.0 && a.1 > e.1)
    {
        return Err(BlockError::new(
            Reject::VentureSettlementOverpaid,
            format!(
                "epoch {epoch}'s settlement pays {paid}, more than the {} due",
                settlement.paid
            ),
        ));
    }
    Err(BlockError::new(
        Reject::VentureSettlementWrong,
        format!("epoch {epoch}'s settlement outputs differ from the work credited in the epoch"),
    ))
}
