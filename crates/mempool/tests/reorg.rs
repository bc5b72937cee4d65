//! The pool across reorganisations, on a real chain database: transactions that the
//! new branch double-spends, un-confirms the coins of, or makes premature leave with
//! their descendants; the rest stay, with their parents kept right.

mod common;

use bitcoin::absolute::LockTime;
use common::*;
use venture_chain::ChainEvents;
use venture_mempool::{Mempool, MempoolConfig};

const FEE: u64 = 10_000;

fn pool() -> Mempool {
    Mempool::new(MempoolConfig::default())
}

#[test]
fn a_reorg_double_spending_a_pool_input_evicts_it_and_its_child() {
    let key = TestKey::new(1);
    let to = TestKey::new(2);
    let dir = tempfile::tempdir().unwrap();
    let mut chain = funded_chain(dir.path(), &key, 25);
    let fork_height = chain.height();
    let mut pool = pool();
    let coin = coinbase_output(&chain, 1);
    let parent = key.spend_one(&coin, &to, FEE);
    let child = to.spend_one(&output(&parent, 0), &key, FEE);
    let unaffected = key.spend_one(&coinbase_output(&chain, 2), &to, FEE);
    for tx in [&parent, &child, &unaffected] {
        pool.accept(tx.clone(), &chain, now()).unwrap();
    }
    // Our tip moves on; a rival branch from the fork point spends the parent's coin
    // elsewhere and grows longer.
    mine(&mut chain, Vec::new(), &key.script, 1);
    pool.sync_with(&mut chain);
    let rival = key.spend_one(&coin, &key, 5 * FEE);
    let side_tip = reorg_onto_rival_branch(&mut chain, fork_height, 2, vec![rival], &to.script);
    assert_eq!(chain.tip(), side_tip);

    pool.sync_with(&mut chain);
    assert!(!pool.contains(&parent.compute_txid()), "double-spent");
    assert!(!pool.contains(&child.compute_txid()), "its child goes too");
    assert!(pool.contains(&unaffected.compute_txid()));
    assert_eq!(pool.len(), 1);
    assert_eq!(pool.spender(&coin.0), None);
    assert_eq!(pool.spender(&output(&parent, 0).0), None);
    assert_eq!(pool.info().bytes, unaffected.vsize() as u64);
}

#[test]
fn a_reorg_that_unconfirms_a_coinbase_evicts_its_spend_and_descendants() {
    let key = TestKey::new(1);
    let to = TestKey::new(2);
    let dir = tempfile::tempdir().unwrap();
    let mut chain = funded_chain(dir.path(), &key, 25);
    let mut pool = pool();
    // The coinbase of height 5 is mature for the next block (26 - 5 >= 20).
    let spend = key.spend_one(&coinbase_output(&chain, 5), &to, FEE);
    let child = to.spend_one(&output(&spend, 0), &key, FEE);
    let below_fork = key.spend_one(&coinbase_output(&chain, 1), &to, FEE);
    for tx in [&spend, &child, &below_fork] {
        pool.accept(tx.clone(), &chain, now()).unwrap();
    }
    // A longer branch from height 4: block 5 and its coinbase are disconnected.
    let side_tip = reorg_onto_rival_branch(&mut chain, 4, 22, Vec::new(), &to.script);
    assert_eq!(chain.tip(), side_tip);

    pool.sync_with(&mut chain);
    assert!(!pool.contains(&spend.compute_txid()));
    assert!(!pool.contains(&child.compute_txid()));
    assert!(pool.contains(&below_fork.compute_txid()));
    assert_eq!(pool.len(), 1);
    assert_eq!(pool.info().bytes, below_fork.vsize() as u64);
}

/// With blocks of equal work a heavier branch is never lower, so a coinbase that stays
/// confirmed only gets deeper. Where blocks differ in work (other difficulty
/// algorithms, merge-mined and native targets) the new tip can be lower: this stands
/// in for that with a second node holding a prefix of the chain, applied as the
/// resynchronisation that follows an overflowed event queue.
#[test]
fn a_lower_tip_evicts_premature_coinbase_spends_and_unmet_lock_times() {
    let key = TestKey::new(1);
    let to = TestKey::new(2);
    let dir = tempfile::tempdir().unwrap();
    let chain = funded_chain(dir.path(), &key, 25);
    let mut pool = pool();
    // Next height 26: the coinbase of height 5 is at depth 21, lock time 24 has passed.
    let premature = key.spend_one(&coinbase_output(&chain, 5), &to, FEE);
    let premature_child = to.spend_one(&output(&premature, 0), &key, FEE);
    let (outpoint, prevout) = coinbase_output(&chain, 1);
    let locked = key.spend_locked(
        &[(outpoint, prevout.clone())],
        vec![to.pay(prevout.value.to_sat() - FEE)],
        LockTime::from_height(24).unwrap(),
    );
    let unaffected = key.spend_one(&coinbase_output(&chain, 2), &to, FEE);
    for tx in [&premature, &premature_child, &locked, &unaffected] {
        pool.accept(tx.clone(), &chain, now()).unwrap();
    }

    // Next height 23: depth 18 for height 5, lock time 24 not reached, depth 21 for 2.
    let lower_dir = tempfile::tempdir().unwrap();
    let lower = copy_to_height(&chain, 22, lower_dir.path());
    let events = ChainEvents {
        events: Vec::new(),
        overflowed: true,
    };
    pool.apply(events, &lower, now());
    assert!(!pool.contains(&premature.compute_txid()));
    assert!(!pool.contains(&premature_child.compute_txid()));
    assert!(!pool.contains(&locked.compute_txid()));
    assert!(pool.contains(&unaffected.compute_txid()));
    assert_eq!(pool.len(), 1);
    assert_eq!(pool.info().bytes, unaffected.vsize() as u64);
}

#[test]
fn a_returning_transaction_becomes_the_parent_of_its_pooled_child() {
    let key = TestKey::new(1);
    let to = TestKey::new(2);
    let dir = tempfile::tempdir().unwrap();
    let mut chain = funded_chain(dir.path(), &key, 25);
    let fork_height = chain.height();
    let mut pool = pool();
    let confirmed = key.spend_one(&coinbase_output(&chain, 1), &to, FEE);
    mine(&mut chain, vec![confirmed.clone()], &key.script, 1);
    pool.sync_with(&mut chain);
    let child = to.spend_one(&output(&confirmed, 0), &key, FEE);
    pool.accept(child.clone(), &chain, now()).unwrap();
    assert!(pool.get(&child.compute_txid()).unwrap().parents.is_empty());

    reorg_onto_rival_branch(&mut chain, fork_height, 2, Vec::new(), &to.script);
    pool.sync_with(&mut chain);
    assert!(pool.contains(&confirmed.compute_txid()));
    assert_eq!(
        pool.get(&child.compute_txid()).unwrap().parents,
        vec![confirmed.compute_txid()]
    );
    // Parents before children in a block.
    let order: Vec<_> = pool
        .select(4_000_000, 80_000)
        .transactions
        .iter()
        .map(|tx| tx.compute_txid())
        .collect();
    assert_eq!(order, vec![confirmed.compute_txid(), child.compute_txid()]);
}

#[test]
fn a_child_whose_parent_confirms_stays_selectable() {
    let key = TestKey::new(1);
    let to = TestKey::new(2);
    let dir = tempfile::tempdir().unwrap();
    let mut chain = funded_chain(dir.path(), &key, 25);
    let mut pool = pool();
    let parent = key.spend_one(&coinbase_output(&chain, 1), &to, FEE);
    let child = to.spend_one(&output(&parent, 0), &key, FEE);
    pool.accept(parent.clone(), &chain, now()).unwrap();
    pool.accept(child.clone(), &chain, now()).unwrap();
    mine(&mut chain, vec![parent.clone()], &key.script, 1);
    pool.sync_with(&mut chain);
    assert_eq!(pool.len(), 1);
    assert!(pool.get(&child.compute_txid()).unwrap().parents.is_empty());
    assert_eq!(pool.select(4_000_000, 80_000).transactions, vec![child]);
}
