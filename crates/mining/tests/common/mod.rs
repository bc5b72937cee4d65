//! Helpers for tests that drive a real chain database with blocks built by the
//! template code.
#![allow(dead_code)]

use bitcoin::{BlockHash, OutPoint, ScriptBuf, TxOut};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use venture_chain::{Chain, Clock, ProcessOutcome};
use venture_chainspec::ChainParams;
use venture_difficulty::BlockKind;
use venture_mempool::Mempool;
use venture_mining::{solve_header, BlockTemplate, SolveOutcome};
use venture_primitives::Block;

#[allow(unused_imports)]
pub use venture_testchain::{
    attach_auxpow, attach_auxpow_shaped, dev_params, payout, AuxPowShape, TestKey, REALISTIC_AUXPOW,
};

/// Seconds since the Unix epoch that the chain's clock and the pool agree on.
pub fn now() -> u64 {
    u64::from(venture_testchain::NOW)
}

pub fn clock() -> Clock {
    Clock::from_fn(|| now() as i64)
}

pub fn open(params: &Arc<ChainParams>, dir: &Path) -> Chain {
    Chain::open(params.clone(), dir, clock()).unwrap()
}

/// Solves a template's block with the crate's own nonce search.
pub fn solve(block: &mut Block, params: &ChainParams) {
    let target =
        venture_pow::Target::from_bits(block.header.pure.bits.to_consensus(), &params.pow_limit)
            .unwrap();
    let stop = AtomicBool::new(false);
    let (outcome, _) = solve_header(
        &mut block.header.pure,
        params.spec.consensus.pow,
        &target,
        u64::MAX,
        &stop,
    );
    assert_eq!(outcome, SolveOutcome::Found);
}

/// A valid block on the current tip.
pub fn next_block(chain: &Chain, tag: u8) -> Block {
    let template = BlockTemplate::new(chain, payout(tag), BlockKind::Native).unwrap();
    let mut block = template.block(u64::from(tag));
    solve(&mut block, chain.params());
    block
}

pub fn mine(chain: &mut Chain, n: usize, tag: u8) -> Vec<BlockHash> {
    (0..n)
        .map(|_| {
            let block = next_block(chain, tag);
            let hash = block.block_hash();
            assert_eq!(
                chain.process_block(block, false).unwrap(),
                ProcessOutcome::Connected
            );
            hash
        })
        .collect()
}

/// Mines a block with the pool's transactions (the pool first catches up with the
/// chain) and connects it.
pub fn mine_from_pool(chain: &mut Chain, pool: &mut Mempool, payout: &ScriptBuf) -> Block {
    let template =
        BlockTemplate::from_pool(chain, pool, payout.clone(), BlockKind::Native).unwrap();
    let mut block = template.block(7);
    solve(&mut block, chain.params());
    assert_eq!(
        chain.process_block(block.clone(), false).unwrap(),
        ProcessOutcome::Connected
    );
    pool.sync_with(chain);
    block
}

/// The coinbase output of the block at `height`.
pub fn coinbase_output(chain: &Chain, height: u32) -> (OutPoint, TxOut) {
    let hash = chain.index().active_at(height).unwrap();
    venture_testchain::coinbase_output(&chain.block(&hash).unwrap().unwrap())
}

/// A chain from the dev spec with `edit` applied to its text (a unique name keeps its
/// spec hash apart).
pub fn custom_params(edit: impl Fn(String) -> String) -> Arc<ChainParams> {
    let text = venture_chainspec::builtin_spec("dev").unwrap().to_string();
    Arc::new(ChainParams::from_toml(&edit(text)).unwrap())
}

/// Mines the next block to `payout`, natively or merge-mined (a parent header solved
/// over a coinbase committing to it), and connects it.
pub fn mine_kind(chain: &mut Chain, payout: &ScriptBuf, kind: BlockKind) -> Block {
    let template = BlockTemplate::new(chain, payout.clone(), kind).unwrap();
    let mut block = template.block(11);
    match kind {
        BlockKind::Native => solve(&mut block, chain.params()),
        BlockKind::MergeMined => attach_auxpow(&mut block, chain.params()),
    }
    assert_eq!(
        chain.process_block(block.clone(), false).unwrap(),
        ProcessOutcome::Connected
    );
    block
}

/// The `n`th of many distinct payout scripts, alternating P2WPKH and P2TR (the outputs
/// a settlement pays).
pub fn distinct_payout(n: u32) -> ScriptBuf {
    let tag = n.to_le_bytes();
    if n.is_multiple_of(2) {
        let mut program = [0x5a; 20];
        program[..4].copy_from_slice(&tag);
        ScriptBuf::from_bytes([&[0x00, 0x14][..], &program[..]].concat())
    } else {
        let mut program = [0xa5; 32];
        program[..4].copy_from_slice(&tag);
        ScriptBuf::from_bytes([&[0x51, 0x20][..], &program[..]].concat())
    }
}
