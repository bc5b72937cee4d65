//! The download queue of a syncing node (`missing_blocks`): the lowest blocks of the
//! best header chain whose data is missing, in a window above where the active chain
//! leaves it, as Bitcoin Core's `FindNextBlocksToDownload` picks them.

mod common;

use bitcoin::BlockHash;
use common::*;
use venture_chain::{Chain, ProcessOutcome};
use venture_primitives::{Block, Header};

fn headers(blocks: &[Block]) -> Vec<Header> {
    blocks.iter().map(|b| b.header.clone()).collect()
}

fn hashes(blocks: &[Block]) -> Vec<BlockHash> {
    blocks.iter().map(Block::block_hash).collect()
}

/// 40 blocks mined elsewhere, and a fresh chain that has taken their headers.
fn syncing() -> (Vec<Block>, tempfile::TempDir, Chain) {
    let params = dev_params();
    let source_dir = tempfile::tempdir().unwrap();
    let mut source = open(&params, source_dir.path());
    let blocks: Vec<Block> = (0..40)
        .map(|_| mine(&mut source, &payout(1), Vec::new()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    assert_eq!(chain.process_headers(&headers(&blocks)).unwrap(), 40);
    (blocks, dir, chain)
}

#[test]
fn the_queue_is_the_lowest_missing_blocks_within_a_window_above_the_tip() {
    let (blocks, _dir, mut chain) = syncing();
    assert_eq!(chain.missing_blocks(8), hashes(&blocks[..8]));
    assert_eq!(chain.missing_blocks(100), hashes(&blocks));
    assert!(chain.missing_blocks(0).is_empty());

    // Blocks 3 and 4 arrive first: stored, waiting for their parents, and out of the
    // queue; the window stays at heights 1 to 8.
    for block in &blocks[2..4] {
        assert_eq!(
            chain.process_block(block.clone(), true).unwrap(),
            ProcessOutcome::SideChain
        );
    }
    let mut expected = hashes(&blocks[..2]);
    expected.extend(hashes(&blocks[4..8]));
    assert_eq!(chain.missing_blocks(8), expected);

    // Blocks 1 and 2 connect all four; the window moves up with the tip.
    for block in &blocks[..2] {
        chain.process_block(block.clone(), true).unwrap();
    }
    assert_eq!(chain.height(), 4);
    assert_eq!(chain.missing_blocks(8), hashes(&blocks[4..12]));

    for block in &blocks[4..] {
        chain.process_block(block.clone(), true).unwrap();
    }
    assert_eq!(chain.height(), 40);
    assert!(chain.missing_blocks(8).is_empty());
}

/// Blocks that arrived ahead of a missing one fill the rest of the window: the queue is
/// that one block until it arrives.
#[test]
fn blocks_that_arrived_ahead_do_not_hide_the_one_they_wait_for() {
    let (blocks, _dir, mut chain) = syncing();
    for block in &blocks[1..20] {
        chain.process_block(block.clone(), true).unwrap();
    }
    assert_eq!(chain.missing_blocks(8), hashes(&blocks[..1]));
    chain.process_block(blocks[0].clone(), true).unwrap();
    assert_eq!(chain.height(), 20);
    assert_eq!(chain.missing_blocks(4), hashes(&blocks[20..24]));
}

/// A node on a lighter branch of its own downloads the heavier branch from the fork:
/// none of its own blocks are asked for.
#[test]
fn a_node_on_a_lighter_branch_queues_the_heavier_one_from_the_fork() {
    let (blocks, _dir, mut chain) = syncing();
    let params = dev_params();
    let own_dir = tempfile::tempdir().unwrap();
    let mut own = open(&params, own_dir.path());
    for block in &blocks[..10] {
        own.process_block(block.clone(), true).unwrap();
    }
    let side: Vec<Block> = (0..3)
        .map(|_| mine(&mut own, &payout(2), Vec::new()))
        .collect();
    for block in blocks[..10].iter().chain(&side) {
        chain.process_block(block.clone(), true).unwrap();
    }
    assert_eq!(chain.tip().hash, side[2].block_hash());
    assert_eq!(chain.missing_blocks(5), hashes(&blocks[10..15]));
}
