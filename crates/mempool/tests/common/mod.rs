//! Helpers for tests and benchmarks that drive a real chain database on the built-in
//! dev spec: blocks built and solved here (the block-template code lives in a crate
//! that depends on this one), and signed P2WPKH spends.
#![allow(dead_code)]

use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::hashes::Hash;
use bitcoin::{
    Amount, CompactTarget, OutPoint, ScriptBuf, Transaction, TxMerkleNode, TxOut, Witness,
};
use std::path::Path;
use std::sync::Arc;
use venture_chain::{witness_commitment, Chain, Clock, ProcessOutcome, WITNESS_COMMITMENT_MAGIC};
use venture_chainspec::{block_version, ChainParams};
use venture_difficulty::BlockKind;
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

/// The dev chain: sha256d at the easiest target, coinbase maturity 20.
pub fn dev_params() -> Arc<ChainParams> {
    Arc::new(ChainParams::load("dev").unwrap())
}

/// Seconds since the Unix epoch that the chain's clock and the pool agree on, far
/// enough ahead that fast-built timestamps are never too new.
pub fn now() -> u64 {
    1_900_000_000
}

pub fn open(params: &Arc<ChainParams>, dir: &Path) -> Chain {
    Chain::open(params.clone(), dir, Clock::from_fn(|| now() as i64)).unwrap()
}

#[allow(unused_imports)]
pub use venture_testchain::TestKey;

/// A solved native block on `chain`'s tip carrying `transactions`, its coinbase paying
/// the subsidy to `payout` (fees are left unclaimed, which consensus allows) and `tag`
/// telling apart blocks built by different test nodes at the same height.
pub fn block_on_tip(
    chain: &Chain,
    transactions: Vec<Transaction>,
    payout: &ScriptBuf,
    tag: u8,
) -> Block {
    let context = chain.next_block_context(BlockKind::Native).unwrap();
    let coinbase = coinbase_transaction(
        2,
        coinbase_script(context.height, &[&[tag; 8]]),
        vec![TxOut {
            value: context.subsidy,
            script_pubkey: payout.clone(),
        }],
    );
    let has_witness = transactions
        .iter()
        .any(|tx| tx.input.iter().any(|i| !i.witness.is_empty()));
    let mut block = Block {
        header: Header {
            pure: PureHeader {
                version: Version::from_consensus(block_version(
                    chain.params().spec.consensus.chain_id,
                    false,
                )),
                prev_blockhash: context.prev_hash,
                merkle_root: TxMerkleNode::all_zeros(),
                time: context.time,
                bits: CompactTarget::from_consensus(context.bits),
                nonce: 0,
            },
            auxpow: None,
        },
        txdata: std::iter::once(coinbase).chain(transactions).collect(),
    };
    if has_witness {
        let reserved = [0u8; 32];
        let commitment = witness_commitment(&block, &reserved).unwrap();
        let coinbase = &mut block.txdata[0];
        coinbase.input[0].witness = Witness::from_slice(&[reserved]);
        coinbase.output.push(TxOut {
            value: Amount::ZERO,
            script_pubkey: ScriptBuf::from_bytes(
                [&WITNESS_COMMITMENT_MAGIC[..], &commitment].concat(),
            ),
        });
    }
    block.header.pure.merkle_root = block.compute_merkle_root().unwrap();
    // The dev spec's native proof of work is sha256d, the hash rust-bitcoin checks (on
    // another spec the chain would refuse the block with `high-hash`).
    let target = bitcoin::Target::from_compact(block.header.pure.bits);
    while block.header.pure.validate_pow(target).is_err() {
        block.header.pure.nonce += 1;
    }
    block
}

/// Builds, connects and returns a block on the tip carrying `transactions`.
pub fn mine(
    chain: &mut Chain,
    transactions: Vec<Transaction>,
    payout: &ScriptBuf,
    tag: u8,
) -> Block {
    let block = block_on_tip(chain, transactions, payout, tag);
    assert_eq!(
        chain.process_block(block.clone(), false).unwrap(),
        ProcessOutcome::Connected
    );
    block
}

/// A dev chain in `dir` with `blocks` empty blocks whose coinbases pay `key`.
pub fn funded_chain(dir: &Path, key: &TestKey, blocks: usize) -> Chain {
    let mut chain = open(&dev_params(), dir);
    for _ in 0..blocks {
        mine(&mut chain, Vec::new(), &key.script, 1);
    }
    chain
}

/// Another node's database in `dir`, holding `chain`'s active blocks up to `height`:
/// where a rival branch is built.
pub fn copy_to_height(chain: &Chain, height: u32, dir: &Path) -> Chain {
    let mut copy = open(chain.params(), dir);
    for h in 1..=height {
        let hash = chain.index().active_at(h).unwrap();
        copy.process_block(chain.block(&hash).unwrap().unwrap(), false)
            .unwrap();
    }
    copy
}

/// The first output of the coinbase at `height` of the active chain.
pub fn coinbase_output(chain: &Chain, height: u32) -> (OutPoint, TxOut) {
    let hash = chain.index().active_at(height).unwrap();
    let block = chain.block(&hash).unwrap().unwrap();
    let coinbase = &block.txdata[0];
    (
        OutPoint {
            txid: coinbase.compute_txid(),
            vout: 0,
        },
        coinbase.output[0].clone(),
    )
}

/// Output `vout` of `tx`, as an input for a spend.
pub fn output(tx: &Transaction, vout: u32) -> (OutPoint, TxOut) {
    (
        OutPoint {
            txid: tx.compute_txid(),
            vout,
        },
        tx.output[vout as usize].clone(),
    )
}
