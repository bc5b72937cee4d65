//! Checks that depend on the block's ancestors but not on the UTXO set
//! (Bitcoin Core's `ContextualCheckBlockHeader` and `ContextualCheckBlock`).

use crate::index::{BlockIndex, IndexEntry};
use crate::BlockError;
use crate::Reject;
use venture_chainspec::ChainParams;
use venture_difficulty::{BlockKind, NextBlock};
use venture_primitives::{bip34_height_push, Block, Header};

/// The header's bits and time, judged against its parent.
pub fn check_header_context(
    header: &Header,
    kind: BlockKind,
    parent: &IndexEntry,
    index: &BlockIndex,
    params: &ChainParams,
    now: i64,
) -> Result<(), BlockError> {
    let height = parent.height + 1;
    match kind {
        BlockKind::MergeMined if !params.merge_mining_active(height) => {
            return Err(BlockError::new(
                Reject::AuxpowInactive,
                format!("merge-mined blocks are valid from the activation height, not at {height}"),
            ));
        }
        BlockKind::Native if !params.native_mining_allowed(height) => {
            return Err(BlockError::new(
                Reject::NativeBlockRefused,
                format!("only merge-mined blocks are valid at height {height}"),
            ));
        }
        _ => {}
    }
    let time = header.pure.time;
    let expected = params
        .difficulty
        .next_bits(&index.ancestry(parent), &NextBlock { time, kind })
        .map_err(|e| BlockError::new(Reject::DifficultyUnavailable, e.to_string()))?;
    let bits = header.pure.bits.to_consensus();
    if bits != expected {
        return Err(BlockError::new(
            Reject::BadDiffbits,
            format!("bits {bits:#010x}, the difficulty algorithm requires {expected:#010x}"),
        ));
    }
    let median = index.median_time_past(&parent.hash).unwrap_or(0);
    if time <= median {
        return Err(BlockError::new(
            Reject::TimeTooOld,
            format!("time {time} is not after the median time past {median}"),
        ));
    }
    let limit = now.saturating_add(i64::from(params.spec.consensus.max_future_block_time));
    if i64::from(time) > limit {
        return Err(BlockError::new(
            Reject::TimeTooNew,
            format!(
                "time {time} is more than {} s ahead of now ({now})",
                params.spec.consensus.max_future_block_time
            ),
        ));
    }
    Ok(())
}

/// The block's transactions judged at `height`: BIP34 height and lock-time finality.
pub fn check_block_context(
    block: &Block,
    height: u32,
    median_time_past: u32,
) -> Result<(), BlockError> {
    let expected = bip34_height_push(height);
    let script_sig = block
        .txdata
        .first()
        .and_then(|tx| tx.input.first())
        .map(|input| input.script_sig.as_bytes())
        .unwrap_or_default();
    if !script_sig.starts_with(&expected) {
        return Err(BlockError::new(
            Reject::BadCbHeight,
            format!("coinbase does not start with a push of height {height}"),
        ));
    }
    for tx in &block.txdata {
        if !is_final(tx, height, median_time_past) {
            return Err(BlockError::new(
                Reject::BadTxnsNonfinal,
                format!("transaction {} is not final", tx.compute_txid()),
            ));
        }
    }
    Ok(())
}

/// Bitcoin Core's `IsFinalTx` with BIP113's median time past: a lock time is the last
/// height (or time) at which the transaction is not yet valid.
pub fn is_final(tx: &bitcoin::Transaction, height: u32, median_time_past: u32) -> bool {
    let lock_time = tx.lock_time.to_consensus_u32();
    if lock_time == 0 {
        return true;
    }
    let cutoff = if lock_time < bitcoin::absolute::LOCK_TIME_THRESHOLD {
        height
    } else {
        median_time_past
    };
    lock_time < cutoff
        || tx
            .input
            .iter()
            .all(|input| input.sequence == bitcoin::Sequence::MAX)
}
