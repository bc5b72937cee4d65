//! Side chains from a hostile network: a block relayed without being asked is stored
//! only when its branch has more work than the tip (Bitcoin Core's `AcceptBlock`, less
//! its allowance for equal work), so a cheap branch or a sibling of the tip writes
//! nothing, while the blocks the node asks for are kept as before.

mod common;

use common::*;
use venture_chain::{Chain, ProcessOutcome};
use venture_primitives::Block;

fn new_chain() -> (tempfile::TempDir, Chain) {
    let dir = tempfile::tempdir().unwrap();
    let chain = open(&dev_params(), dir.path());
    (dir, chain)
}

fn mine_blocks(chain: &mut Chain, count: usize, tag: u8) -> Vec<Block> {
    (0..count)
        .map(|_| mine(chain, &payout(tag), Vec::new()))
        .collect()
}

fn stored(chain: &Chain, block: &Block) -> bool {
    chain.block(&block.block_hash()).unwrap().is_some()
}

#[test]
fn an_unrequested_block_on_a_lighter_branch_is_not_stored() {
    let (_honest_dir, mut honest) = new_chain();
    mine_blocks(&mut honest, 5, 1);
    let (_attacker_dir, mut attacker) = new_chain();
    let spam = mine_blocks(&mut attacker, 2, 2);
    let before = snapshot(&honest);
    let index_size = honest.index().len();

    assert_eq!(
        honest.process_relayed_block(spam[0].clone()).unwrap(),
        ProcessOutcome::LowWork
    );
    assert!(!stored(&honest, &spam[0]));
    assert!(!honest.index().contains(&spam[0].block_hash()));
    assert_eq!(honest.index().len(), index_size);
    assert_eq!(snapshot(&honest), before);

    // Its child has no known parent: held in the bounded orphan pool, not on disk.
    assert_eq!(
        honest.process_relayed_block(spam[1].clone()).unwrap(),
        ProcessOutcome::Orphan
    );
    assert!(!stored(&honest, &spam[1]));

    // The same block downloaded on request (a branch being synced) is kept.
    assert_eq!(
        honest.process_block(spam[0].clone(), false).unwrap(),
        ProcessOutcome::SideChain
    );
    assert!(stored(&honest, &spam[0]));
    assert_eq!(snapshot(&honest), before);
}

#[test]
fn a_rival_of_equal_work_waits_until_it_is_built_on_and_asked_for() {
    let (_a_dir, mut a) = new_chain();
    let (_b_dir, mut b) = new_chain();
    for block in mine_blocks(&mut a, 2, 1) {
        assert_eq!(
            b.process_block(block, false).unwrap(),
            ProcessOutcome::Connected
        );
    }
    mine_blocks(&mut a, 1, 1);
    let rival = mine_blocks(&mut b, 2, 2);

    assert_eq!(
        a.process_relayed_block(rival[0].clone()).unwrap(),
        ProcessOutcome::LowWork,
        "a sibling of the tip adds no work: not stored, however cheap it was"
    );
    assert!(!stored(&a, &rival[0]));
    assert_eq!(
        a.process_relayed_block(rival[1].clone()).unwrap(),
        ProcessOutcome::Orphan
    );
    // Header sync brings the rival branch; its first block is downloaded on request
    // and the waiting child, now heavier than the tip, connects.
    assert_eq!(
        a.process_block(rival[0].clone(), false).unwrap(),
        ProcessOutcome::SideChain
    );
    assert_eq!(a.tip().hash, rival[1].block_hash());
}

#[test]
fn a_relayed_block_that_adds_work_is_stored_and_connected() {
    let (_a_dir, mut a) = new_chain();
    let (_b_dir, mut b) = new_chain();
    let shared = mine_blocks(&mut a, 2, 1);
    for block in shared {
        assert_eq!(
            b.process_block(block, false).unwrap(),
            ProcessOutcome::Connected
        );
    }
    let next = mine_blocks(&mut b, 1, 2);
    assert_eq!(
        a.process_relayed_block(next[0].clone()).unwrap(),
        ProcessOutcome::Connected
    );
    assert!(stored(&a, &next[0]));
}

/// A script unique to `n`, for blocks that must all differ.
fn numbered_payout(n: u32) -> bitcoin::ScriptBuf {
    let mut program = [0x5au8; 20];
    program[..4].copy_from_slice(&n.to_le_bytes());
    bitcoin::ScriptBuf::from_bytes([&[0x00, 0x14][..], &program[..]].concat())
}

#[test]
fn side_branch_headers_beyond_the_bound_are_forgotten_and_the_best_chain_kept() {
    let (dir, mut chain) = new_chain();
    mine_blocks(&mut chain, 3, 1);
    let extra = 50;
    let siblings: Vec<_> = (0..(venture_chain::MAX_SIDE_HEADERS + extra) as u32)
        .map(|n| {
            let mut block = block_on_tip(&chain, &numbered_payout(n), Vec::new());
            seal(&mut block, chain.params());
            block.header
        })
        .collect();
    for batch in siblings.chunks(2_000) {
        chain.process_headers(batch).unwrap();
    }
    let best = chain.index().best_header().unwrap().hash;
    assert_eq!(
        best,
        siblings[0].block_hash(),
        "the first of equal work stays best"
    );
    // The genesis and three blocks, the bound, and the best header's arrival, which
    // stops being tracked rather than being forgotten.
    assert_eq!(chain.index().len(), 4 + venture_chain::MAX_SIDE_HEADERS + 1);
    assert!(chain.index().contains(&best));
    assert!(chain.header(&best).unwrap().is_some());
    let forgotten = siblings[1].block_hash();
    assert!(!chain.index().contains(&forgotten));
    assert!(
        chain.header(&forgotten).unwrap().is_none(),
        "its record is gone too"
    );
    assert!(chain
        .index()
        .contains(&siblings.last().unwrap().block_hash()));

    // What is kept on disk is what is in memory.
    let params = chain.params().clone();
    drop(chain);
    let reopened = open(&params, dir.path());
    assert_eq!(
        reopened.index().len(),
        4 + venture_chain::MAX_SIDE_HEADERS + 1
    );
}
