//! Consensus behaviour of a real chain database: blocks built on the tip, fed to
//! `Chain::process_block`, with restarts, reorganisations and invalid blocks.

mod common;

use bitcoin::hashes::Hash;
use bitcoin::{Amount, BlockHash, CompactTarget, ScriptBuf, TxMerkleNode};
use common::*;
use std::sync::Arc;
use venture_chain::{Chain, ProcessOutcome};
use venture_chainspec::ChainParams;
use venture_primitives::Block;

/// The next block, solved, paying `payout(tag)`.
fn next_block(chain: &Chain, tag: u8) -> Block {
    let mut block = block_on_tip(chain, &payout(tag), Vec::new());
    seal(&mut block, chain.params());
    block
}

#[test]
fn mined_chain_survives_restart_with_same_tip_and_utxo_set() {
    let params = dev_params();
    let dir = tempfile::tempdir().unwrap();
    let (tip, stats) = {
        let mut chain = open(&params, dir.path());
        mine_empty(&mut chain, 200, 1);
        assert_eq!(chain.height(), 200);
        (chain.tip(), chain.utxo_stats().unwrap())
    };
    let chain = open(&params, dir.path());
    assert_eq!(chain.tip(), tip);
    assert_eq!(chain.utxo_stats().unwrap(), stats);
    let faucet = params
        .spec
        .genesis
        .allocations
        .iter()
        .map(|a| a.amount)
        .sum::<u64>();
    assert_eq!(
        stats.outputs, 201,
        "one spendable coinbase output per mined block, plus the faucet"
    );
    assert_eq!(
        stats.total_amount,
        Amount::from_sat(200 * 5_000_000_000 + faucet)
    );
}

#[test]
fn heavier_side_branch_wins_and_utxo_set_matches_a_fresh_replay() {
    let params = dev_params();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    mine_empty(&mut chain, 3, 1);
    let fork_height = chain.height();
    let old_branch = mine_empty(&mut chain, 4, 2);
    let old_tip = chain.tip();

    // Build a longer branch from the fork point in a second database, then feed it.
    let side_dir = tempfile::tempdir().unwrap();
    let mut side = open(&params, side_dir.path());
    for h in 1..=fork_height {
        let hash = chain.index().active_at(h).unwrap();
        let block = chain.block(&hash).unwrap().unwrap();
        side.process_block(block, false).unwrap();
    }
    let new_branch = mine_empty(&mut side, 5, 3);
    let mut outcomes = Vec::new();
    for hash in &new_branch {
        let block = side.block(hash).unwrap().unwrap();
        outcomes.push(chain.process_block(block, false).unwrap());
    }
    // Equal work stays on the first-seen tip; more work reorganises.
    assert_eq!(&outcomes[..4], &[ProcessOutcome::SideChain; 4]);
    assert_eq!(outcomes[4], ProcessOutcome::Connected);
    assert_eq!(chain.tip(), side.tip());
    assert_ne!(chain.tip(), old_tip);
    for hash in &old_branch {
        assert!(!chain.index().is_active(chain.index().get(hash).unwrap()));
    }
    assert_eq!(chain.utxo_stats().unwrap(), side.utxo_stats().unwrap());

    // And the reorganised state persists.
    let tip = chain.tip();
    drop(chain);
    let chain = open(&params, dir.path());
    assert_eq!(chain.tip(), tip);
    assert_eq!(chain.utxo_stats().unwrap(), side.utxo_stats().unwrap());
}

#[test]
fn invalid_blocks_are_rejected_with_their_reason_and_change_nothing() {
    let params = dev_params();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    // Above height 16 the BIP34 push is a length byte and a value byte.
    mine_empty(&mut chain, 20, 1);
    let tip = chain.tip();
    let stats = chain.utxo_stats().unwrap();

    // Proof of work: bump the nonce until the hash misses the (easy) target.
    let mut block = next_block(&chain, 9);
    let target =
        venture_pow::Target::from_bits(block.header.pure.bits.to_consensus(), &params.pow_limit)
            .unwrap();
    loop {
        block.header.pure.nonce = block.header.pure.nonce.wrapping_add(1);
        let bytes: [u8; 80] = bitcoin::consensus::encode::serialize(&block.header.pure)
            .try_into()
            .unwrap();
        if !target.is_met_by(&params.spec.consensus.pow.hash(&bytes)) {
            break;
        }
    }
    assert_eq!(rejection(&mut chain, block).code(), "high-hash");

    let mut block = next_block(&chain, 9);
    block.header.pure.bits = CompactTarget::from_consensus(0x207ffffe);
    seal(&mut block, &params);
    assert_eq!(rejection(&mut chain, block).code(), "bad-diffbits");

    let mut block = next_block(&chain, 9);
    block.header.pure.merkle_root = TxMerkleNode::all_zeros();
    solve(&mut block, &params);
    assert_eq!(rejection(&mut chain, block).code(), "bad-txnmrklroot");

    let mut block = next_block(&chain, 9);
    block.header.pure.time = chain.index().median_time_past(&tip.hash).unwrap();
    seal(&mut block, &params);
    assert_eq!(rejection(&mut chain, block).code(), "time-too-old");

    let mut block = next_block(&chain, 9);
    block.header.pure.time = 1_900_000_000 + 7_201;
    seal(&mut block, &params);
    assert_eq!(rejection(&mut chain, block).code(), "time-too-new");

    let mut block = next_block(&chain, 9);
    block.txdata[0].output[0].value += Amount::from_sat(1);
    seal(&mut block, &params);
    assert_eq!(rejection(&mut chain, block).code(), "bad-cb-amount");

    let mut block = next_block(&chain, 9);
    let mut script = block.txdata[0].input[0].script_sig.to_bytes();
    script[1] ^= 0x01; // the height push's value
    block.txdata[0].input[0].script_sig = ScriptBuf::from_bytes(script);
    seal(&mut block, &params);
    assert_eq!(rejection(&mut chain, block).code(), "bad-cb-height");

    let mut block = next_block(&chain, 9);
    block.header.pure.prev_blockhash = BlockHash::from_byte_array([7; 32]);
    seal(&mut block, &params);
    assert_eq!(rejection(&mut chain, block).code(), "prev-blk-not-found");

    assert_eq!(chain.tip(), tip);
    assert_eq!(chain.utxo_stats().unwrap(), stats);
    // The chain still accepts the honest next block.
    mine_empty(&mut chain, 1, 1);
}

#[test]
fn orphans_connect_when_their_parent_arrives() {
    let params = dev_params();
    let source_dir = tempfile::tempdir().unwrap();
    let mut source = open(&params, source_dir.path());
    let hashes = mine_empty(&mut source, 20, 4);
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    for hash in hashes.iter().rev() {
        let block = source.block(hash).unwrap().unwrap();
        let outcome = chain.process_block(block, true).unwrap();
        if hash == &hashes[0] {
            assert_eq!(outcome, ProcessOutcome::Connected);
        } else {
            assert_eq!(outcome, ProcessOutcome::Orphan);
        }
    }
    assert_eq!(chain.tip(), source.tip());
    assert_eq!(chain.orphan_count(), 0);
    assert_eq!(chain.utxo_stats().unwrap(), source.utxo_stats().unwrap());
}

#[test]
fn a_data_directory_refuses_another_spec() {
    let params = dev_params();
    let dir = tempfile::tempdir().unwrap();
    drop(open(&params, dir.path()));
    let mut other = params.spec.clone();
    other.genesis.message = "another chain".into();
    other.genesis.nonce = None;
    other.genesis.hash = None;
    let other = Arc::new(ChainParams::from_spec(other).unwrap());
    let err = Chain::open(other, dir.path(), clock()).unwrap_err();
    assert!(err.to_string().contains("spec hash"), "{err}");
}

/// What operators chart as the merge-mined share: counted over a window of the active
/// chain, genesis left out.
#[test]
fn the_merge_mined_share_is_counted_over_the_last_blocks() {
    let params = dev_params();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    assert_eq!(chain.merge_mined_in_last(100), (0, 0));
    mine_empty(&mut chain, 3, 1);
    for _ in 0..2 {
        let block = merge_mined_block_on_tip(&chain, &payout(2));
        assert_eq!(
            chain.process_block(block, false).unwrap(),
            ProcessOutcome::Connected
        );
    }
    mine_empty(&mut chain, 1, 1);
    assert_eq!(chain.merge_mined_in_last(100), (6, 2));
    assert_eq!(chain.merge_mined_in_last(3), (3, 2));
    assert_eq!(chain.merge_mined_in_last(1), (1, 0));
}
