//! Helpers for tests and benchmarks that drive a real chain database on the built-in
//! dev spec: blocks built and solved by `venture-testchain` (the block-template code
//! lives in a crate that depends on this one), and signed P2WPKH spends.
#![allow(dead_code)]

use bitcoin::{OutPoint, ScriptBuf, Transaction, TxOut};
use std::path::Path;
use std::sync::Arc;
use venture_chain::{Chain, Clock, ProcessOutcome, TipInfo};
use venture_chainspec::ChainParams;
use venture_difficulty::BlockKind;
use venture_primitives::Block;
use venture_testchain::{native_block, solve, NextBlock, NOW};

#[allow(unused_imports)]
pub use venture_testchain::{dev_params, output, TestKey};

/// Seconds since the Unix epoch that the chain's clock and the pool agree on.
pub fn now() -> u64 {
    u64::from(NOW)
}

pub fn open(params: &Arc<ChainParams>, dir: &Path) -> Chain {
    Chain::open(params.clone(), dir, Clock::from_fn(|| now() as i64)).unwrap()
}

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
    let next = NextBlock {
        prev_hash: context.prev_hash,
        height: context.height,
        time: context.time,
        bits: context.bits,
    };
    let subsidy = TxOut {
        value: context.subsidy,
        script_pubkey: payout.clone(),
    };
    let mut block = native_block(chain.params(), next, &[tag; 8], vec![subsidy], transactions);
    solve(&mut block, chain.params());
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

/// Builds a rival branch of `blocks` blocks on `chain`'s block at `fork_height`, in
/// another database, the first block carrying `first_transactions` and all paying
/// `payout`, and hands the branch to `chain` (a reorganisation when it is heavier).
/// Returns the branch's tip.
pub fn reorg_onto_rival_branch(
    chain: &mut Chain,
    fork_height: u32,
    blocks: usize,
    first_transactions: Vec<Transaction>,
    payout: &ScriptBuf,
) -> TipInfo {
    let dir = tempfile::tempdir().unwrap();
    let mut side = copy_to_height(chain, fork_height, dir.path());
    let mut transactions = first_transactions;
    let branch: Vec<Block> = (0..blocks)
        .map(|_| mine(&mut side, std::mem::take(&mut transactions), payout, 7))
        .collect();
    for block in branch {
        chain.process_block(block, false).unwrap();
    }
    side.tip()
}

/// The first output of the coinbase at `height` of the active chain.
pub fn coinbase_output(chain: &Chain, height: u32) -> (OutPoint, TxOut) {
    let hash = chain.index().active_at(height).unwrap();
    venture_testchain::coinbase_output(&chain.block(&hash).unwrap().unwrap())
}
