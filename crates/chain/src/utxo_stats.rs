//! A summary and digest of the UTXO set (what `gettxoutsetinfo` reports), used to
//! compare the state of two nodes or of one node before and after a reorg or restart.

use crate::{ChainError, TipInfo};
use bitcoin::consensus::encode;
use bitcoin::hashes::{sha256, Hash, HashEngine};
use bitcoin::{Amount, BlockHash};
use venture_store::Store;

/// Count, total and digest of the unspent outputs at a tip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtxoStats {
    pub best_block: BlockHash,
    pub height: u32,
    pub transactions: u64,
    pub outputs: u64,
    pub total_amount: Amount,
    /// sha256 over every (outpoint, coin) in key order.
    pub hash: sha256::Hash,
}

impl UtxoStats {
    pub fn compute(store: &Store, tip: TipInfo) -> Result<UtxoStats, ChainError> {
        let mut engine = sha256::Hash::engine();
        let mut outputs = 0u64;
        let mut transactions = 0u64;
        let mut last_txid = None;
        let mut total = Amount::ZERO;
        store.for_each_coin(|outpoint, coin| {
            engine.input(&encode::serialize(&outpoint));
            engine.input(&encode::serialize(&coin));
            outputs += 1;
            if last_txid != Some(outpoint.txid) {
                transactions += 1;
                last_txid = Some(outpoint.txid);
            }
            total = total.checked_add(coin.output.value).unwrap_or(Amount::MAX);
        })?;
        Ok(UtxoStats {
            best_block: tip.hash,
            height: tip.height,
            transactions,
            outputs,
            total_amount: total,
            hash: sha256::Hash::from_engine(engine),
        })
    }
}
