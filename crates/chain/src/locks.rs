//! BIP68 relative lock-times (sequence locks) and the sigop cost limit, the checks of
//! `ConnectBlock` that need the spent coins' heights.

use crate::index::BlockIndex;
use bitcoin::{BlockHash, Sequence, Transaction};

const SEQUENCE_DISABLE_FLAG: u32 = 1 << 31;
const SEQUENCE_TYPE_FLAG: u32 = 1 << 22;
const SEQUENCE_MASK: u32 = 0x0000_ffff;
/// Time-based locks count in units of 512 seconds.
const SEQUENCE_GRANULARITY: u32 = 9;

/// Bitcoin Core's `CalculateSequenceLocks` + `EvaluateSequenceLocks` for a transaction
/// in a block at `height` on `prev` (whose median time past the time locks compare to).
/// `coin_heights[i]` is the height of the block that created input `i`'s coin.
pub fn sequence_locks_satisfied(
    tx: &Transaction,
    coin_heights: &[u32],
    height: u32,
    prev: &BlockHash,
    index: &BlockIndex,
) -> bool {
    // BIP68 applies to version 2 and later, the version read unsigned as Core does:
    // a negative version is a large one, and its sequence locks apply.
    if (tx.version.0 as u32) < 2 || tx.is_coinbase() {
        return true;
    }
    let mut min_height: i64 = -1;
    let mut min_time: i64 = -1;
    for (input, coin_height) in tx.input.iter().zip(coin_heights) {
        let Sequence(sequence) = input.sequence;
        if sequence & SEQUENCE_DISABLE_FLAG != 0 {
            continue;
        }
        let value = i64::from(sequence & SEQUENCE_MASK);
        if sequence & SEQUENCE_TYPE_FLAG != 0 {
            // The time lock counts from the median time past of the block before the
            // coin's block.
            let base_height = coin_height.saturating_sub(1);
            let coin_time = index
                .ancestor(prev, base_height)
                .and_then(|e| index.median_time_past(&e.hash))
                .unwrap_or(0);
            min_time = min_time.max(i64::from(coin_time) + (value << SEQUENCE_GRANULARITY) - 1);
        } else {
            min_height = min_height.max(i64::from(*coin_height) + value - 1);
        }
    }
    let block_time = index.median_time_past(prev).unwrap_or(0);
    min_height < i64::from(height) && min_time < i64::from(block_time)
}

/// Sigop cost of a transaction whose inputs spend `spent` scripts: legacy sigops
/// (scaled by 4) plus one per P2WPKH input (the only witness programs with sigops that
/// this chain can spend; key-path taproot has none).
pub fn sigop_cost(tx: &Transaction, spent: &[bitcoin::TxOut]) -> u64 {
    let legacy: usize = tx
        .input
        .iter()
        .map(|i| i.script_sig.count_sigops_legacy())
        .chain(
            tx.output
                .iter()
                .map(|o| o.script_pubkey.count_sigops_legacy()),
        )
        .sum();
    let witness = spent.iter().filter(|o| o.script_pubkey.is_p2wpkh()).count();
    (legacy * 4 + witness) as u64
}
