//! Transactions against a real chain database and mempool: spends, refusals with
//! Bitcoin Core's reasons, reorganisations, eviction, and a 2,000-transaction block.

mod common;

use bitcoin::{Amount, OutPoint, ScriptBuf, TxOut};
use common::*;
use venture_chain::{ChainError, ProcessOutcome};
use venture_difficulty::BlockKind;
use venture_mempool::{Mempool, MempoolConfig};
use venture_mining::BlockTemplate;

const FEE: u64 = 1_000;

/// A chain whose first blocks pay `key`, mined past coinbase maturity.
fn funded_chain(key: &TestKey, blocks: usize) -> (tempfile::TempDir, venture_chain::Chain) {
    let params = dev_params();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    for _ in 0..blocks {
        let template = BlockTemplate::new(&chain, key.script.clone(), BlockKind::Native).unwrap();
        let mut block = template.block(1);
        solve(&mut block, chain.params());
        assert_eq!(
            chain.process_block(block, false).unwrap(),
            ProcessOutcome::Connected
        );
    }
    (dir, chain)
}

/// The refusal's code (Bitcoin Core's reject string).
fn reason(result: Result<venture_mempool::Accepted, venture_mempool::MempoolError>) -> String {
    result
        .expect_err("the transaction should be refused")
        .kind
        .code()
        .to_string()
}

#[test]
fn a_matured_coinbase_is_spent_and_confirmed() {
    let key = TestKey::new(1);
    let (_dir, mut chain) = funded_chain(&key, 25);
    let mut pool = Mempool::new(MempoolConfig::default());
    let (outpoint, prevout) = coinbase_output(&chain, 1);
    let recipient = TestKey::new(2);
    let tx = key.spend(
        &[(outpoint, prevout.clone())],
        vec![recipient.pay(prevout.value.to_sat() - FEE)],
    );
    let accepted = pool.accept(tx.clone(), &chain, now()).unwrap();
    assert_eq!(accepted.fee, Amount::from_sat(FEE));
    let block = mine_from_pool(&mut chain, &mut pool, &payout(9));
    assert_eq!(block.txdata.len(), 2);
    assert_eq!(block.txdata[1], tx);
    // The miner collected the fee; the pool is empty; the coin moved.
    assert_eq!(
        block.txdata[0].output[0].value,
        Amount::from_sat(5_000_000_000 + FEE)
    );
    assert!(pool.is_empty());
    assert!(chain.coin(&outpoint).unwrap().is_none());
    let created = OutPoint {
        txid: tx.compute_txid(),
        vout: 0,
    };
    assert_eq!(
        chain.coin(&created).unwrap().unwrap().output.script_pubkey,
        recipient.script
    );
}

#[test]
fn bad_transactions_are_refused_with_their_reason_and_change_nothing() {
    let key = TestKey::new(1);
    let (_dir, mut chain) = funded_chain(&key, 25);
    let mut pool = Mempool::new(MempoolConfig::default());
    let stats = chain.utxo_stats().unwrap();
    let (outpoint, prevout) = coinbase_output(&chain, 1);
    let value = prevout.value.to_sat();
    let to = TestKey::new(2);

    let (young, young_out) = coinbase_output(&chain, 20);
    let tx = key.spend(
        &[(young, young_out.clone())],
        vec![to.pay(young_out.value.to_sat() - FEE)],
    );
    assert_eq!(
        reason(pool.accept(tx, &chain, now())),
        "bad-txns-premature-spend-of-coinbase"
    );

    let thief = TestKey::new(3);
    let tx = thief.spend(&[(outpoint, prevout.clone())], vec![to.pay(value - FEE)]);
    assert!(reason(pool.accept(tx, &chain, now())) == "mandatory-script-verify-flag-failed");

    let tx = key.spend(&[(outpoint, prevout.clone())], vec![to.pay(value + 1)]);
    assert_eq!(
        reason(pool.accept(tx, &chain, now())),
        "bad-txns-in-belowout"
    );

    let tx = key.spend(&[(outpoint, prevout.clone())], vec![to.pay(value)]);
    assert_eq!(
        reason(pool.accept(tx, &chain, now())),
        "min relay fee not met"
    );

    let tx = key.spend(&[(outpoint, prevout.clone())], vec![to.pay(100)]);
    assert_eq!(reason(pool.accept(tx, &chain, now())), "dust");

    assert!(pool.is_empty());
    assert_eq!(chain.utxo_stats().unwrap(), stats);

    // Double spends: in the pool, then against the chain.
    let first = key.spend(&[(outpoint, prevout.clone())], vec![to.pay(value - FEE)]);
    let second = key.spend(
        &[(outpoint, prevout.clone())],
        vec![to.pay(value - 2 * FEE)],
    );
    pool.accept(first, &chain, now()).unwrap();
    assert_eq!(
        reason(pool.accept(second.clone(), &chain, now())),
        "txn-mempool-conflict"
    );
    mine_from_pool(&mut chain, &mut pool, &payout(9));
    assert_eq!(
        reason(pool.accept(second.clone(), &chain, now())),
        "bad-txns-inputs-missingorspent"
    );

    // Consensus refuses the same mistakes inside a block.
    let tip = chain.tip();
    let mut template = BlockTemplate::new(&chain, payout(9), BlockKind::Native).unwrap();
    template.transactions = vec![second];
    let mut block = template.block(3);
    solve(&mut block, chain.params());
    match chain.process_block(block, false) {
        Err(ChainError::Block(e)) => assert_eq!(e.kind.code(), "bad-txns-inputs-missingorspent"),
        other => panic!("block with a double spend accepted: {other:?}"),
    }
    let (coin, coin_out) = coinbase_output(&chain, 2);
    let forged = thief.spend(
        &[(coin, coin_out.clone())],
        vec![to.pay(coin_out.value.to_sat() - FEE)],
    );
    let mut template = BlockTemplate::new(&chain, payout(9), BlockKind::Native).unwrap();
    template.transactions = vec![forged];
    let mut block = template.block(4);
    solve(&mut block, chain.params());
    match chain.process_block(block, false) {
        Err(ChainError::Block(e)) => {
            assert_eq!(e.kind.code(), "mandatory-script-verify-flag-failed")
        }
        other => panic!("block with a forged signature accepted: {other:?}"),
    }
    assert_eq!(chain.tip(), tip);
}

#[test]
fn a_reorg_returns_transactions_to_the_pool_and_drops_conflicts() {
    let key = TestKey::new(1);
    let params = dev_params();
    let (dir, mut chain) = funded_chain(&key, 25);
    let mut pool = Mempool::new(MempoolConfig::default());
    let to = TestKey::new(2);
    let (a_in, a_out) = coinbase_output(&chain, 1);
    let (b_in, b_out) = coinbase_output(&chain, 2);
    let returning = key.spend(
        &[(a_in, a_out.clone())],
        vec![to.pay(a_out.value.to_sat() - FEE)],
    );
    let conflicted = key.spend(
        &[(b_in, b_out.clone())],
        vec![to.pay(b_out.value.to_sat() - FEE)],
    );
    pool.accept(returning.clone(), &chain, now()).unwrap();
    pool.accept(conflicted.clone(), &chain, now()).unwrap();

    // A second node builds a longer branch from the same tip with a conflicting spend.
    let side_dir = tempfile::tempdir().unwrap();
    let mut side = open(&params, side_dir.path());
    for height in 1..=chain.height() {
        let hash = chain.index().active_at(height).unwrap();
        side.process_block(chain.block(&hash).unwrap().unwrap(), false)
            .unwrap();
    }
    let mut side_pool = Mempool::new(MempoolConfig::default());
    let rival = key.spend(
        &[(b_in, b_out.clone())],
        vec![to.pay(b_out.value.to_sat() - 5 * FEE)],
    );
    side_pool.accept(rival.clone(), &side, now()).unwrap();
    let side_blocks = vec![
        mine_from_pool(&mut side, &mut side_pool, &payout(7)),
        mine_from_pool(&mut side, &mut side_pool, &payout(7)),
    ];

    // Our node confirms both of its transactions first...
    mine_from_pool(&mut chain, &mut pool, &payout(9));
    assert!(pool.is_empty());
    // ...then the heavier branch arrives.
    for block in side_blocks {
        chain.process_block(block, false).unwrap();
    }
    assert_eq!(chain.tip(), side.tip());
    pool.sync_with(&mut chain);
    assert!(
        pool.contains(&returning.compute_txid()),
        "the unconflicted transaction returns"
    );
    assert!(
        !pool.contains(&conflicted.compute_txid()),
        "the conflicted one is dropped"
    );
    assert_eq!(pool.len(), 1);
    drop(dir);
}

#[test]
fn a_full_pool_evicts_the_lowest_fee_rates() {
    let key = TestKey::new(1);
    let (_dir, chain) = funded_chain(&key, 26);
    let to = TestKey::new(2);
    let spend = |height: u32, fee: u64| {
        let (outpoint, prevout) = coinbase_output(&chain, height);
        key.spend(
            &[(outpoint, prevout.clone())],
            vec![to.pay(prevout.value.to_sat() - fee)],
        )
    };
    let size = spend(1, FEE).vsize() as u64;
    let mut pool = Mempool::new(MempoolConfig {
        max_vbytes: size * 3,
        ..MempoolConfig::default()
    });
    let low = spend(1, 1_000);
    let mid = spend(2, 2_000);
    let high = spend(3, 3_000);
    for tx in [&low, &mid, &high] {
        pool.accept(tx.clone(), &chain, now()).unwrap();
    }
    assert_eq!(pool.len(), 3);
    let higher = spend(4, 4_000);
    pool.accept(higher.clone(), &chain, now()).unwrap();
    assert_eq!(pool.len(), 3);
    assert!(
        !pool.contains(&low.compute_txid()),
        "the lowest fee rate is evicted"
    );
    let cheap = spend(5, 1_500);
    assert_eq!(reason(pool.accept(cheap, &chain, now())), "mempool full");
    assert!(pool.contains(&higher.compute_txid()) && pool.contains(&mid.compute_txid()));
}

#[test]
fn a_block_of_2000_transactions_connects_and_disconnects_to_the_same_utxo_set() {
    let key = TestKey::new(1);
    let params = dev_params();
    let (dir, mut chain) = funded_chain(&key, 25);
    let mut pool = Mempool::new(MempoolConfig::default());
    // Fan one coinbase out to 2,000 outputs, confirm it.
    let (outpoint, prevout) = coinbase_output(&chain, 1);
    let each = (prevout.value.to_sat() - 100_000) / 2_000;
    let fan_out = key.spend(
        &[(outpoint, prevout)],
        (0..2_000).map(|_| key.pay(each)).collect(),
    );
    pool.accept(fan_out.clone(), &chain, now()).unwrap();
    mine_from_pool(&mut chain, &mut pool, &payout(9));
    let before = chain.utxo_stats().unwrap();
    let fork_tip = chain.tip();

    // 2,000 spends, one per output, in one block.
    let txid = fan_out.compute_txid();
    for vout in 0..2_000u32 {
        let input = (OutPoint { txid, vout }, key.pay(each));
        let tx = key.spend(
            &[input],
            vec![TxOut {
                value: Amount::from_sat(each - 500),
                script_pubkey: TestKey::new(2).script,
            }],
        );
        pool.accept(tx, &chain, now()).unwrap();
    }
    let block = mine_from_pool(&mut chain, &mut pool, &payout(9));
    assert_eq!(block.txdata.len(), 2_001);
    assert_ne!(chain.utxo_stats().unwrap(), before);

    // A heavier branch from before that block disconnects it.
    let side_dir = tempfile::tempdir().unwrap();
    let mut side = open(&params, side_dir.path());
    for height in 1..=fork_tip.height {
        let hash = chain.index().active_at(height).unwrap();
        side.process_block(chain.block(&hash).unwrap().unwrap(), false)
            .unwrap();
    }
    let side_blocks = mine(&mut side, 2, 5);
    chain
        .process_block(side.block(&side_blocks[0]).unwrap().unwrap(), false)
        .unwrap();
    chain
        .process_block(side.block(&side_blocks[1]).unwrap().unwrap(), false)
        .unwrap();
    assert_eq!(chain.tip(), side.tip());
    // The 2,000 spends are undone exactly: the UTXO set is the one before them plus
    // the side branch's two coinbases, i.e. the side node's own.
    assert_eq!(
        chain.utxo_stats().unwrap().hash,
        side.utxo_stats().unwrap().hash
    );
    let unspent_fan_out =
        (0..2_000u32).all(|vout| chain.coin(&OutPoint { txid, vout }).unwrap().is_some());
    assert!(unspent_fan_out);
    pool.sync_with(&mut chain);
    assert_eq!(
        pool.len(),
        2_000,
        "the disconnected spends return to the pool"
    );
    drop((dir, ScriptBuf::new()));
}
