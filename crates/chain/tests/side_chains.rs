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
