//! The venture allocation against a real chain database: pro-rata settlements by work,
//! eligibility, malformed settlements, vesting locks and reorganisations.

mod common;

use bitcoin::{Amount, OutPoint, ScriptBuf};
use common::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use venture_chain::{Chain, ChainError, ProcessOutcome, Reject};
use venture_chainspec::ChainParams;
use venture_difficulty::BlockKind;
use venture_mempool::TxReject;
use venture_mining::BlockTemplate;
use venture_pow::{Work, U512};

/// Epochs of 8 blocks over heights 1..=24, 10 coins each epoch; settlement outputs
/// locked 30 blocks, then two tranches 3 blocks apart.
fn venture_params(eligible: &str) -> Arc<ChainParams> {
    params_with(eligible, "algorithm = \"fixed\"")
}

/// The same with another difficulty algorithm.
fn params_with(eligible: &str, difficulty: &str) -> Arc<ChainParams> {
    custom_params(|spec| {
        spec.replace("id = \"dev\"", "id = \"venture-test\"")
            .replace("algorithm = \"fixed\"", difficulty)
            + &format!(
                "\n[venture]\nstart_height = 1\nend_height = 24\ntotal = 3_000_000_000\nepoch_length = 8\neligible = \"{eligible}\"\n\n[venture.vesting]\ncliff_blocks = 30\ntranches = 2\ntranche_interval = 3\n"
            )
    })
}

fn open_chain(params: &Arc<ChainParams>) -> (tempfile::TempDir, Chain) {
    let dir = tempfile::tempdir().unwrap();
    let chain = open(params, dir.path());
    (dir, chain)
}

/// Shares due per script for the blocks at `heights` of the active chain (by work).
fn expected_shares(
    chain: &Chain,
    heights: &[(u32, &ScriptBuf)],
    available: u64,
) -> BTreeMap<ScriptBuf, u64> {
    let mut work: BTreeMap<ScriptBuf, Work> = BTreeMap::new();
    for (height, script) in heights {
        let hash = chain.index().active_at(*height).unwrap();
        let bits = chain.index().get(&hash).unwrap().header.bits.to_consensus();
        *work.entry((*script).clone()).or_default() += Work::from_bits(bits);
    }
    let total = work
        .values()
        .fold(U512::ZERO, |acc, w| acc + U512::from(w.0));
    work.into_iter()
        .map(|(script, w)| {
            let share = U512::from(available) * U512::from(w.0) / total;
            (script, u64::try_from(share).unwrap())
        })
        .collect()
}

/// Settlement amounts per script in the coinbase of the active block at `height`.
fn settled(chain: &Chain, height: u32) -> BTreeMap<ScriptBuf, u64> {
    let record = chain
        .settlement_at(height)
        .unwrap()
        .expect("a settlement record");
    let hash = chain.index().active_at(height).unwrap();
    let block = chain.block(&hash).unwrap().unwrap();
    let mut paid = BTreeMap::new();
    for output in block.txdata[0].output.iter().take(record.outputs as usize) {
        *paid.entry(output.script_pubkey.clone()).or_default() += output.value.to_sat();
    }
    paid
}

#[test]
fn shares_follow_work_across_a_difficulty_change() {
    // Bitcoin's retarget every 4 blocks: with the test clock standing still, each
    // retarget makes blocks four times harder, inside the epoch.
    let params = params_with("all", "algorithm = \"bitcoin\"\ninterval = 4");
    let (_dir, mut chain) = open_chain(&params);
    let (a, b, c) = (payout(1), payout(2), payout(3));
    let mut mined = Vec::new();
    for height in 1..=8u32 {
        // A mines four blocks before the retarget at height 4, B four after it; C one.
        let who = match height {
            1..=3 => &a,
            8 => &c,
            _ => &b,
        };
        mine_kind(&mut chain, who, BlockKind::Native);
        mined.push((height, who));
    }
    let bits: Vec<u32> = (1..=8)
        .map(|h| {
            chain
                .index()
                .get(&chain.index().active_at(h).unwrap())
                .unwrap()
                .header
                .bits
                .to_consensus()
        })
        .collect();
    assert_ne!(bits[0], bits[7], "difficulty changed inside the epoch");
    let expected = expected_shares(&chain, &mined, 1_000_000_000);
    mine_kind(&mut chain, &payout(9), BlockKind::Native);
    let paid = settled(&chain, 9);
    assert_eq!(paid, expected);
    // B's four blocks were harder than A's three: more than 4/3 of A's share.
    assert!(paid[&b] * 3 > paid[&a] * 4);
    assert!(paid.values().sum::<u64>() <= 1_000_000_000);
    // C mined a single block and is paid for it.
    assert!(paid[&c] > 0);
    // Outputs are in script order, each share in two tranches.
    let record = chain.settlement_at(9).unwrap().unwrap();
    assert_eq!(record.outputs, 6);
    assert_eq!(record.epoch, 0);
}

#[test]
fn only_merge_mined_blocks_earn_when_only_they_are_eligible() {
    let params = venture_params("merge_mined");
    let (_dir, mut chain) = open_chain(&params);
    let (native, merged_a, merged_b) = (payout(1), payout(2), payout(3));
    for height in 1..=8u32 {
        match height % 3 {
            0 => mine_kind(&mut chain, &native, BlockKind::Native),
            1 => mine_kind(&mut chain, &merged_a, BlockKind::MergeMined),
            _ => mine_kind(&mut chain, &merged_b, BlockKind::MergeMined),
        };
    }
    mine_kind(&mut chain, &native, BlockKind::Native);
    let paid = settled(&chain, 9);
    assert!(!paid.contains_key(&native), "native blocks earn nothing");
    assert!(paid[&merged_a] > 0 && paid[&merged_b] > 0);
}

#[test]
fn an_epoch_without_eligible_work_carries_its_allocation() {
    let params = venture_params("merge_mined");
    let (_dir, mut chain) = open_chain(&params);
    for _ in 1..=8 {
        mine_kind(&mut chain, &payout(1), BlockKind::Native);
    }
    mine_kind(&mut chain, &payout(1), BlockKind::Native);
    let record = chain.settlement_at(9).unwrap().unwrap();
    assert_eq!(
        (record.outputs, record.paid, record.carry),
        (0, 0, 1_000_000_000)
    );
    for _ in 10..=16 {
        mine_kind(&mut chain, &payout(2), BlockKind::MergeMined);
    }
    mine_kind(&mut chain, &payout(1), BlockKind::Native);
    let paid = settled(&chain, 17);
    assert_eq!(
        paid[&payout(2)],
        2_000_000_000,
        "epoch 1 pays its own and epoch 0's allocation"
    );
}

#[test]
fn malformed_settlements_are_rejected_naming_the_rule() {
    let params = venture_params("all");
    let (_dir, mut chain) = open_chain(&params);
    for height in 1..=8u8 {
        mine_kind(&mut chain, &payout(height % 3), BlockKind::Native);
    }
    let tip = chain.tip();
    let template = BlockTemplate::new(&chain, payout(9), BlockKind::Native).unwrap();
    assert_eq!(template.settlement.len(), 6);
    let attempt = |chain: &mut Chain, edit: &dyn Fn(&mut BlockTemplate)| -> &'static str {
        let mut t = template.clone();
        edit(&mut t);
        let mut block = t.block(5);
        solve(&mut block, chain.params());
        match chain.process_block(block, false) {
            Err(ChainError::Block(e)) => e.kind.code(),
            other => panic!("accepted: {other:?}"),
        }
    };
    assert_eq!(
        attempt(&mut chain, &|t| t.settlement.clear()),
        "venture-settlement-missing"
    );
    assert_eq!(
        attempt(&mut chain, &|t| t.settlement.swap(0, 2)),
        "venture-settlement-reordered"
    );
    assert_eq!(
        attempt(&mut chain, &|t| t.settlement[1].value +=
            Amount::from_sat(1)),
        "venture-settlement-overpaid"
    );
    assert_eq!(
        attempt(&mut chain, &|t| t.settlement[0].script_pubkey = payout(7)),
        "venture-settlement-wrong"
    );
    assert_eq!(
        attempt(&mut chain, &|t| {
            t.settlement[0].value -= Amount::from_sat(1);
        }),
        "venture-settlement-wrong"
    );
    assert_eq!(chain.tip(), tip);
    // The template's own settlement is accepted.
    let mut block = template.block(5);
    solve(&mut block, chain.params());
    assert_eq!(
        chain.process_block(block, false).unwrap(),
        ProcessOutcome::Connected
    );
}

#[test]
fn settlement_outputs_stay_locked_until_their_unlock_heights_even_across_a_reorg() {
    let params = venture_params("all");
    let (_dir, mut chain) = open_chain(&params);
    let key = TestKey::new(4);
    for _ in 1..=8 {
        mine_kind(&mut chain, &key.script, BlockKind::Native);
    }
    let fork_height = chain.height();
    mine_kind(&mut chain, &payout(9), BlockKind::Native);
    let settlement = chain.block(&chain.tip().hash).unwrap().unwrap();
    let coinbase = settlement.txdata[0].clone();
    let first = OutPoint {
        txid: coinbase.compute_txid(),
        vout: 0,
    };
    let coin = chain.coin(&first).unwrap().unwrap();
    assert_eq!(coin.unlock_height, 9 + 30);
    assert_eq!(
        chain
            .coin(&OutPoint {
                txid: first.txid,
                vout: 1
            })
            .unwrap()
            .unwrap()
            .unlock_height,
        9 + 33
    );

    // Mature (20 blocks) but still locked at height 30.
    while chain.height() < 29 {
        mine_kind(&mut chain, &payout(9), BlockKind::Native);
    }
    let spend = key.spend(
        &[(first, coinbase.output[0].clone())],
        vec![TestKey::new(5).pay(coin.output.value.to_sat() - 1_000)],
    );
    let mut pool = venture_mempool::Mempool::new(venture_mempool::MempoolConfig::default());
    assert_eq!(
        pool.accept(spend.clone(), &chain, now()).unwrap_err().kind,
        TxReject::Consensus(Reject::VentureOutputLocked)
    );
    let mut template = BlockTemplate::new(&chain, payout(9), BlockKind::Native).unwrap();
    template.transactions = vec![spend.clone()];
    let mut block = template.block(3);
    solve(&mut block, chain.params());
    match chain.process_block(block, false) {
        Err(ChainError::Block(e)) => assert_eq!(e.kind.code(), "venture-output-locked"),
        other => panic!("locked output spent: {other:?}"),
    }

    // A heavier branch from before the settlement block: it settles the same epoch
    // with its own coinbase, whose outputs carry the same locks.
    let side_dir = tempfile::tempdir().unwrap();
    let mut side = open(&params, side_dir.path());
    for height in 1..=fork_height {
        let hash = chain.index().active_at(height).unwrap();
        side.process_block(chain.block(&hash).unwrap().unwrap(), false)
            .unwrap();
    }
    while side.height() < chain.height() + 2 {
        mine_kind(&mut side, &payout(6), BlockKind::Native);
    }
    for height in fork_height + 1..=side.height() {
        let hash = side.index().active_at(height).unwrap();
        chain
            .process_block(side.block(&hash).unwrap().unwrap(), false)
            .unwrap();
    }
    assert_eq!(chain.tip(), side.tip());
    assert!(
        chain.coin(&first).unwrap().is_none(),
        "the old settlement is gone"
    );
    assert_eq!(settled(&chain, 9), settled(&side, 9));
    pool.sync_with(&mut chain);
    assert_eq!(
        pool.accept(spend, &chain, now()).unwrap_err().kind,
        TxReject::Consensus(Reject::BadTxnsInputsMissingOrSpent)
    );
    let new_coinbase = chain
        .block(&chain.index().active_at(9).unwrap())
        .unwrap()
        .unwrap()
        .txdata[0]
        .clone();
    let new_first = OutPoint {
        txid: new_coinbase.compute_txid(),
        vout: 0,
    };
    let coin = chain.coin(&new_first).unwrap().unwrap();
    assert_eq!(coin.unlock_height, 39);
    let spend = key.spend(
        &[(new_first, new_coinbase.output[0].clone())],
        vec![TestKey::new(5).pay(coin.output.value.to_sat() - 1_000)],
    );
    assert_eq!(
        pool.accept(spend.clone(), &chain, now()).unwrap_err().kind,
        TxReject::Consensus(Reject::VentureOutputLocked)
    );
    // Spendable from its unlock height on.
    while chain.height() < 38 {
        mine_kind(&mut chain, &payout(9), BlockKind::Native);
    }
    pool.sync_with(&mut chain);
    pool.accept(spend, &chain, now()).unwrap();
}
