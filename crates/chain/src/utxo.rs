//! Applying a block to the UTXO set and taking it back (Bitcoin Core's `ConnectBlock`
//! and `DisconnectBlock`), with undo data.

use crate::index::BlockIndex;
use crate::index::IndexEntry;
use crate::locks::{sequence_locks_satisfied, sigop_cost};
use crate::scripts::verify_block_scripts;
use crate::venture::{check_settlement, earning_of, Earning, VentureLedger};
use crate::Reject;
use crate::{BlockError, ChainError};
use bitcoin::{Amount, OutPoint, Transaction, TxOut};
use std::collections::{HashMap, HashSet};
use venture_chainspec::ChainParams;
use venture_primitives::Block;
use venture_store::{BlockUndo, Coin, SettlementRecord, Store, StoreBatch};

/// The UTXO set as seen while a block is applied: the store plus this block's changes.
struct CoinView<'a> {
    store: &'a Store,
    created: HashMap<OutPoint, Coin>,
    spent_from_store: HashSet<OutPoint>,
}

impl<'a> CoinView<'a> {
    fn new(store: &'a Store) -> Self {
        CoinView {
            store,
            created: HashMap::new(),
            spent_from_store: HashSet::new(),
        }
    }

    /// Removes and returns the coin at `outpoint`, if it is unspent.
    fn spend(&mut self, outpoint: &OutPoint) -> Result<Option<Coin>, ChainError> {
        if let Some(coin) = self.created.remove(outpoint) {
            return Ok(Some(coin));
        }
        if self.spent_from_store.contains(outpoint) {
            return Ok(None);
        }
        let coin = self.store.coin(outpoint)?;
        if coin.is_some() {
            self.spent_from_store.insert(*outpoint);
        }
        Ok(coin)
    }

    fn add(&mut self, outpoint: OutPoint, coin: Coin) {
        self.created.insert(outpoint, coin);
    }

    fn write(self, batch: &mut StoreBatch<'_>) {
        for outpoint in &self.spent_from_store {
            batch.delete_coin(outpoint);
        }
        for (outpoint, coin) in &self.created {
            batch.put_coin(outpoint, coin);
        }
    }
}

/// Whether an output can ever be spent; unspendable ones never enter the UTXO set.
pub fn is_unspendable(output: &TxOut) -> bool {
    output.script_pubkey.is_op_return() || output.script_pubkey.len() > 10_000
}

/// What connecting a block found.
pub(crate) struct Connected {
    /// The venture credit it earns, if eligible.
    pub earning: Option<Earning>,
}

/// Validates `block` (indexed as `entry`) against the UTXO set and writes its changes,
/// undo data and venture records into `batch`.
pub(crate) fn connect_block(
    block: &Block,
    entry: &IndexEntry,
    index: &BlockIndex,
    params: &ChainParams,
    store: &Store,
    ledger: &VentureLedger,
    batch: &mut StoreBatch<'_>,
) -> Result<Connected, ChainError> {
    let height = entry.height;
    let prev = block.header.pure.prev_blockhash;
    let settlement = ledger.expected_settlement(index, store, params, &prev, height)?;
    let settled_outputs = settlement.as_ref().map_or(0, |(s, _)| s.outputs.len());
    if let Some((expected, _)) = &settlement {
        check_settlement(&block.txdata[0].output, expected)?;
    }
    let mut sigops = 0u64;
    let max_sigops = params.spec.consensus.max_block_sigops_cost;
    let mut view = CoinView::new(store);
    let mut undo = BlockUndo::default();
    let mut spent_per_tx: Vec<Vec<TxOut>> = Vec::with_capacity(block.txdata.len());
    let mut fees = Amount::ZERO;
    let max_money = params.max_supply();
    let maturity = params.spec.consensus.coinbase_maturity;
    for tx in &block.txdata {
        let txid = tx.compute_txid();
        if !tx.is_coinbase() {
            let mut spent = Vec::with_capacity(tx.input.len());
            let mut coin_heights = Vec::with_capacity(tx.input.len());
            let mut value_in = Amount::ZERO;
            for input in &tx.input {
                let coin = view.spend(&input.previous_output)?.ok_or_else(|| {
                    BlockError::new(
                        Reject::BadTxnsInputsMissingOrSpent,
                        format!(
                            "{txid} spends {} which is missing or spent",
                            input.previous_output
                        ),
                    )
                })?;
                if coin.unlock_height > height {
                    return Err(BlockError::new(
                        Reject::VentureOutputLocked,
                        format!(
                            "{txid} spends {} before its unlock height {}",
                            input.previous_output, coin.unlock_height
                        ),
                    )
                    .into());
                }
                if coin.is_coinbase && height - coin.height < maturity {
                    return Err(BlockError::new(
                        Reject::BadTxnsPrematureSpendOfCoinbase,
                        format!(
                            "{txid} spends a coinbase of height {} at depth {}",
                            coin.height,
                            height - coin.height
                        ),
                    )
                    .into());
                }
                value_in = value_in
                    .checked_add(coin.output.value)
                    .filter(|v| *v <= max_money)
                    .ok_or_else(|| {
                        BlockError::new(
                            Reject::BadTxnsInputValuesOutOfRange,
                            format!("{txid} input values out of range"),
                        )
                    })?;
                spent.push(coin.output.clone());
                coin_heights.push(coin.height);
                undo.spent.push(coin);
            }
            if !sequence_locks_satisfied(tx, &coin_heights, height, &prev, index) {
                return Err(BlockError::new(
                    Reject::BadTxnsNonfinal,
                    format!("{txid} is not final under its relative lock-times (BIP68)"),
                )
                .into());
            }
            sigops += sigop_cost(tx, &spent);
            let value_out = total_output(tx);
            let fee = value_in.checked_sub(value_out).ok_or_else(|| {
                BlockError::new(
                    Reject::BadTxnsInBelowOut,
                    format!("{txid} spends {value_in} but pays out {value_out}"),
                )
            })?;
            fees = fees
                .checked_add(fee)
                .filter(|f| *f <= max_money)
                .ok_or_else(|| {
                    BlockError::new(Reject::BadTxnsAccumulatedFeeOutOfRange, "fees out of range")
                })?;
            spent_per_tx.push(spent);
        } else {
            sigops += sigop_cost(tx, &[]);
            spent_per_tx.push(Vec::new());
        }
        if sigops > max_sigops {
            return Err(BlockError::new(
                Reject::BadBlkSigops,
                format!("sigop cost above the limit of {max_sigops}"),
            )
            .into());
        }
        for (vout, output) in tx.output.iter().enumerate() {
            if is_unspendable(output) {
                continue;
            }
            // Settlement outputs lead the coinbase and carry their vesting locks.
            let unlock_height = match &settlement {
                Some((expected, _)) if tx.is_coinbase() && vout < settled_outputs => {
                    expected.outputs[vout].unlock_height
                }
                _ => 0,
            };
            view.add(
                OutPoint {
                    txid,
                    vout: vout as u32,
                },
                Coin {
                    output: output.clone(),
                    height,
                    is_coinbase: tx.is_coinbase(),
                    unlock_height,
                },
            );
        }
    }
    let reward = params.subsidy(height) + fees;
    // Settlement outputs are the venture allocation's issuance, not the miner's.
    let coinbase_out: Amount = block.txdata[0]
        .output
        .iter()
        .skip(settled_outputs)
        .map(|o| o.value)
        .sum();
    if coinbase_out > reward {
        return Err(BlockError::new(
            Reject::BadCbAmount,
            format!("coinbase pays {coinbase_out}, limit is {reward} (subsidy + fees)"),
        )
        .into());
    }
    verify_block_scripts(&block.txdata, &spent_per_tx)?;
    view.write(batch);
    let hash = block.block_hash();
    batch.put_undo(&hash, &undo);
    let earning = earning_of(params, entry, &block.txdata[0], settled_outputs);
    if let Some(earning) = &earning {
        batch.put_venture_credit(&hash, earning.record());
    }
    if let Some((expected, paid_before)) = &settlement {
        batch.put_settlement(
            &hash,
            &SettlementRecord {
                epoch: expected.epoch,
                outputs: settled_outputs as u32,
                paid: expected.paid,
                paid_total: paid_before + expected.paid,
                carry: expected.carry,
            },
        );
    }
    Ok(Connected { earning })
}

fn total_output(tx: &Transaction) -> Amount {
    tx.output.iter().map(|o| o.value).sum()
}

/// Writes into `batch` the changes that take `block` back out of the UTXO set.
pub fn disconnect_block(
    block: &Block,
    undo: &BlockUndo,
    batch: &mut StoreBatch<'_>,
) -> Result<(), ChainError> {
    let mut restore = undo.spent.iter().rev();
    for tx in block.txdata.iter().rev() {
        let txid = tx.compute_txid();
        for (vout, output) in tx.output.iter().enumerate() {
            if !is_unspendable(output) {
                batch.delete_coin(&OutPoint {
                    txid,
                    vout: vout as u32,
                });
            }
        }
        if tx.is_coinbase() {
            continue;
        }
        for input in tx.input.iter().rev() {
            let coin = restore.next().ok_or_else(|| {
                ChainError::Inconsistent(format!(
                    "undo data of block {} is short",
                    block.block_hash()
                ))
            })?;
            batch.put_coin(&input.previous_output, coin);
        }
    }
    if restore.next().is_some() {
        return Err(ChainError::Inconsistent(format!(
            "undo data of block {} is longer than its inputs",
            block.block_hash()
        )));
    }
    batch.delete_undo(&block.block_hash());
    Ok(())
}
