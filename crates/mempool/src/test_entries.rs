//! Pool entries built directly, for unit tests of what the pool does with entries it
//! already holds (ordering, selection, eviction), without a chain to check them against.

use crate::MempoolEntry;
use bitcoin::hashes::Hash;
use bitcoin::{Amount, OutPoint, Transaction, TxIn, TxOut, Txid};
use std::sync::Arc;

/// An entry with `fee` and `vsize` spending an output outside the pool; `tag` tells
/// transactions apart and is also their arrival time.
pub(crate) fn entry(tag: u8, fee: u64, vsize: u64) -> MempoolEntry {
    let outside = OutPoint {
        txid: Txid::from_byte_array([tag; 32]),
        vout: 0,
    };
    entry_spending(tag, fee, vsize, outside, Vec::new())
}

/// An entry spending output 0 of the pool entry `parent`.
pub(crate) fn child_of(parent: &MempoolEntry, tag: u8, fee: u64, vsize: u64) -> MempoolEntry {
    let outpoint = OutPoint {
        txid: parent.txid,
        vout: 0,
    };
    entry_spending(tag, fee, vsize, outpoint, vec![parent.txid])
}

fn entry_spending(
    tag: u8,
    fee: u64,
    vsize: u64,
    previous_output: OutPoint,
    parents: Vec<Txid>,
) -> MempoolEntry {
    let tx = Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output,
            ..Default::default()
        }],
        output: vec![TxOut {
            value: Amount::from_sat(u64::from(tag)),
            script_pubkey: bitcoin::ScriptBuf::new(),
        }],
    };
    MempoolEntry {
        txid: tx.compute_txid(),
        fee: Amount::from_sat(fee),
        vsize,
        weight: vsize * 4,
        sigops: 0,
        time: u64::from(tag),
        height: 0,
        parents,
        tx: Arc::new(tx),
    }
}
