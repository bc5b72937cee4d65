//! Building blocks and transactions by hand against a real chain database, so each
//! test controls every byte a hostile miner could.
#![allow(dead_code)]

use bitcoin::{
    Amount, BlockHash, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Witness,
};
use std::path::Path;
use std::sync::Arc;
use venture_chain::UtxoStats;
use venture_chain::{Chain, ChainError, Clock, ProcessOutcome, Reject};
use venture_chainspec::ChainParams;
use venture_difficulty::BlockKind;
use venture_primitives::Block;
use venture_testchain::{native_block, NextBlock};

#[allow(unused_imports)]
pub use venture_testchain::{
    attach_auxpow, dev_params, output, payout, seal, solve, unsolve, TestKey,
};

/// The clock every test chain runs on (see [`venture_testchain::NOW`]).
pub const NOW: i64 = venture_testchain::NOW as i64;

pub fn clock() -> Clock {
    Clock::from_fn(|| NOW)
}

/// The dev spec with `edit` applied to its text and its id renamed (so its spec hash
/// is its own).
pub fn params_with(id: &str, edit: impl Fn(String) -> String) -> Arc<ChainParams> {
    let text = venture_chainspec::builtin_spec("dev").unwrap().to_string();
    let text = text.replace("id = \"dev\"", &format!("id = \"{id}\""));
    Arc::new(ChainParams::from_toml(&edit(text)).unwrap())
}

pub fn open(params: &Arc<ChainParams>, dir: &Path) -> Chain {
    Chain::open(params.clone(), dir, clock()).unwrap()
}

/// What a test can observe of the chain state: the tip and a digest of every coin.
pub fn snapshot(chain: &Chain) -> (BlockHash, u32, UtxoStats) {
    let tip = chain.tip();
    (tip.hash, tip.height, chain.utxo_stats().unwrap())
}

/// A block on `chain`'s tip: the coinbase pays the settlement due (if any) and then the
/// subsidy to `payout`, followed by `txs`. Not yet solved: call [`seal`].
pub fn block_on_tip(chain: &Chain, payout: &ScriptBuf, txs: Vec<Transaction>) -> Block {
    let context = chain.next_block_context(BlockKind::Native).unwrap();
    let mut outputs: Vec<TxOut> = chain
        .next_settlement()
        .unwrap()
        .map(|s| {
            s.outputs
                .into_iter()
                .map(|o| TxOut {
                    value: Amount::from_sat(o.amount),
                    script_pubkey: o.script,
                })
                .collect()
        })
        .unwrap_or_default();
    outputs.push(TxOut {
        value: context.subsidy,
        script_pubkey: payout.clone(),
    });
    let next = NextBlock {
        prev_hash: context.prev_hash,
        height: context.height,
        time: context.time,
        bits: context.bits,
    };
    native_block(chain.params(), next, b"/rules/", outputs, txs)
}

/// [`block_on_tip`] merge-mined: the merge-mined version and an AuxPoW that meets its
/// target.
pub fn merge_mined_block_on_tip(chain: &Chain, payout: &ScriptBuf) -> Block {
    let params = chain.params();
    let mut block = block_on_tip(chain, payout, Vec::new());
    let version = venture_chainspec::block_version(params.spec.consensus.chain_id, true);
    block.header.pure.version = bitcoin::block::Version::from_consensus(version);
    if let Some(root) = block.compute_merkle_root() {
        block.header.pure.merkle_root = root;
    }
    attach_auxpow(&mut block, params);
    block
}

/// Builds, seals and connects the next block.
pub fn mine(chain: &mut Chain, payout: &ScriptBuf, txs: Vec<Transaction>) -> Block {
    let mut block = block_on_tip(chain, payout, txs);
    seal(&mut block, chain.params());
    assert_eq!(
        chain.process_block(block.clone(), false).unwrap(),
        ProcessOutcome::Connected
    );
    block
}

/// Mines `n` empty blocks paying `payout(tag)`; their hashes.
pub fn mine_empty(chain: &mut Chain, n: usize, tag: u8) -> Vec<BlockHash> {
    (0..n)
        .map(|_| mine(chain, &payout(tag), Vec::new()).block_hash())
        .collect()
}

/// The rule `block` breaks, asserting that refusing it changed nothing observable.
pub fn rejection(chain: &mut Chain, block: Block) -> Reject {
    let before = snapshot(chain);
    let kind = match chain.process_block(block, false) {
        Err(ChainError::Block(e)) => e.kind,
        other => panic!("expected a rule failure, got {other:?}"),
    };
    assert_eq!(snapshot(chain), before, "a refused block changed the chain");
    kind
}

/// An unsigned transaction spending `inputs` to `outputs`.
pub fn unsigned(inputs: &[OutPoint], outputs: Vec<TxOut>) -> Transaction {
    Transaction {
        version: bitcoin::transaction::Version::TWO,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: inputs
            .iter()
            .map(|outpoint| TxIn {
                previous_output: *outpoint,
                script_sig: ScriptBuf::new(),
                sequence: Sequence::MAX,
                witness: Witness::new(),
            })
            .collect(),
        output: outputs,
    }
}

/// The active block at `height`.
pub fn active_block(chain: &Chain, height: u32) -> Block {
    let hash = chain.index().active_at(height).unwrap();
    chain.block(&hash).unwrap().unwrap()
}

/// The first coinbase output of the active block at `height` that carries coins.
pub fn coinbase_coin(chain: &Chain, height: u32) -> (OutPoint, TxOut) {
    let coinbase = &active_block(chain, height).txdata[0];
    let vout = coinbase
        .output
        .iter()
        .position(|o| o.value > Amount::ZERO)
        .unwrap();
    output(coinbase, vout as u32)
}

pub fn pay(script: &ScriptBuf, sats: u64) -> TxOut {
    TxOut {
        value: Amount::from_sat(sats),
        script_pubkey: script.clone(),
    }
}
