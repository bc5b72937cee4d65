//! Settlements computed from the chain itself: the credits of an epoch are read from
//! the blocks of the branch being extended, and what earlier epochs carried from their
//! settlement records, so every branch (and every reorganisation) gets its own answer.

use super::{settle, Credit, EpochSchedule, Settlement};
use crate::index::BlockIndex;
use crate::{BlockError, ChainError};
use bitcoin::{BlockHash, ScriptBuf, TxOut};
use std::collections::BTreeMap;
use venture_chainspec::{ChainParams, Eligibility};
use venture_pow::Work;
use venture_store::{BlockStatus, Store};

/// Who earned what in `epoch`, on the branch ending at `tip` (which must reach the
/// epoch's last block for a complete answer; a partial epoch gives the credits so far).
pub(crate) fn credits_for_epoch(
    index: &BlockIndex,
    store: &Store,
    params: &ChainParams,
    tip: &BlockHash,
    epoch: u32,
) -> Result<BTreeMap<ScriptBuf, Credit>, ChainError> {
    let mut credits: BTreeMap<ScriptBuf, Credit> = BTreeMap::new();
    let Some(venture) = &params.spec.venture else {
        return Ok(credits);
    };
    let schedule = EpochSchedule::new(venture);
    let (first, last) = schedule.epoch_range(epoch);
    let Some(tip_entry) = index.get(tip) else {
        return Ok(credits);
    };
    for height in first..=last.min(tip_entry.height) {
        let entry = index
            .ancestor(tip, height)
            .ok_or_else(|| ChainError::Inconsistent(format!("no ancestor at height {height}")))?;
        let eligible = match venture.eligible {
            Eligibility::All => true,
            Eligibility::MergeMined => entry.status.has(BlockStatus::MERGE_MINED),
        };
        if !eligible {
            continue;
        }
        let block = store
            .block(&entry.hash)?
            .ok_or_else(|| ChainError::Inconsistent(format!("block {} is missing", entry.hash)))?;
        // The payout script is the first coinbase output after any settlement outputs.
        let skip = match store.settlement(&entry.hash)? {
            Some(record) => record.outputs as usize,
            None => 0,
        };
        let Some(payout) = block.txdata.first().and_then(|cb| cb.output.get(skip)) else {
            continue;
        };
        let credit = credits.entry(payout.script_pubkey.clone()).or_default();
        credit.work += Work::from_bits(entry.header.bits.to_consensus());
        credit.blocks += 1;
    }
    Ok(credits)
}

/// What the block at `height` on `prev` must pay, if it closes an epoch.
pub(crate) fn expected_settlement(
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
    let credits = credits_for_epoch(index, store, params, prev, epoch)?;
    let available = schedule.allocation(epoch) + carried;
    Ok(Some((
        settle(epoch, &credits, available, height, &venture.vesting),
        paid_before,
    )))
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
        return Err(BlockError::invalid(
            "venture-settlement-missing",
            format!("the coinbase must start with the {count} settlement outputs of epoch {epoch}"),
        ));
    }
    let mut sorted_actual = actual.clone();
    let mut sorted_expected = expected.clone();
    sorted_actual.sort();
    sorted_expected.sort();
    if sorted_actual == sorted_expected {
        return Err(BlockError::invalid(
            "venture-settlement-reordered",
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
        return Err(BlockError::invalid(
            "venture-settlement-overpaid",
            format!(
                "epoch {epoch}'s settlement pays {paid}, more than the {} due",
                settlement.paid
            ),
        ));
    }
    Err(BlockError::invalid(
        "venture-settlement-wrong",
        format!("epoch {epoch}'s settlement outputs differ from the work credited in the epoch"),
    ))
}
