//! Side chains from a hostile network: a block relayed without being asked is stored
//! only when its branch has at least the tip's work (Bitcoin Core's `AcceptBlock`), so
//! a cheap branch off an early block writes nothing, while the blocks the node asks
//! for, equal-work competitors and heavier branches are kept as before.

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
fn equal_work_competitors_are_stored_and_a_heavier_relayed_branch_wins() {
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
        ProcessOutcome::SideChain,
        "a block at the tip's work (a mining race) is kept"
    );
    assert!(stored(&a, &rival[0]));
    assert_eq!(
        a.process_relayed_block(rival[1].clone()).unwrap(),
        ProcessOutcome::Connected
    );
    assert_eq!(a.tip().hash, rival[1].block_hash());
}
