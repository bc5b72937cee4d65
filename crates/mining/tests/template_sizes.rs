//! Templates filled from a pool holding more than a block: the blocks built from them
//! (merge-mined with a realistic AuxPoW, or native) stay within the block weight, also at
//! a settlement height whose coinbase pays many recipients.
//!
//! The spec's block weight is a tenth of Bitcoin's so that overfilling the pool takes
//! about a thousand signed transactions rather than ten thousand; the AuxPoW and the
//! settlement outputs keep their real sizes.

mod common;

use bitcoin::{Amount, OutPoint, TxOut};
use common::*;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use venture_chain::Chain;
use venture_chainspec::ChainParams;
use venture_difficulty::BlockKind;
use venture_mempool::{Mempool, MempoolConfig};
use venture_mining::{generate_blocks, AuxBlockCache, BlockTemplate};

const MAX_BLOCK_WEIGHT: u64 = 400_000;
/// Blocks per venture epoch: the block after the first epoch settles it.
const EPOCH: u32 = 64;
/// Outputs the pool's spends come from: their spends weigh well over a block.
const COINS: u32 = 1_200;
/// The height whose block carries the fan-out transaction.
const FAN_OUT_HEIGHT: u32 = 22;

fn params() -> Arc<ChainParams> {
    custom_params(|spec| {
        spec.replace("id = \"dev\"", "id = \"template-sizes\"")
            .replace(
                "max_block_weight = 4000000",
                &format!("max_block_weight = {MAX_BLOCK_WEIGHT}"),
            )
            + &format!(
                "\n[venture]\nstart_height = 1\nend_height = {}\ntotal = 3_000_000_000\nepoch_length = {EPOCH}\neligible = \"merge_mined\"\nmax_recipients = 100\n\n[venture.vesting]\ncliff_blocks = 30\ntranches = 2\ntranche_interval = 3\n",
                3 * EPOCH
            )
    })
}

/// A chain whose tip is at `tip_height` (at least [`FAN_OUT_HEIGHT`]) and a pool holding
/// more than a block of standard P2WPKH spends.
///
/// Height 1 (native, so it earns no venture share) funds the key; the block at
/// [`FAN_OUT_HEIGHT`] confirms its fan-out to [`COINS`] outputs; every other block is
/// merge-mined to a payout script of its own, so the settlement after the first epoch
/// pays one recipient per such block.
fn overfull_pool(tip_height: u32) -> (tempfile::TempDir, Chain, Mempool) {
    let params = params();
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    let mut pool = Mempool::new(MempoolConfig::default());
    let key = TestKey::new(1);
    let to = TestKey::new(2);
    mine_kind(&mut chain, &key.script, BlockKind::Native);
    let mut fan_out = None;
    while chain.height() < tip_height {
        let height = chain.height() + 1;
        if height == FAN_OUT_HEIGHT {
            let (outpoint, prevout) = coinbase_output(&chain, 1);
            let each = (prevout.value.to_sat() - 1_000_000) / u64::from(COINS);
            let tx = key.spend(
                &[(outpoint, prevout)],
                (0..COINS).map(|_| key.pay(each)).collect(),
            );
            pool.accept(tx.clone(), &chain, now()).unwrap();
            mine_from_pool(&mut chain, &mut pool, &payout(9));
            fan_out = Some((tx, each));
        } else {
            mine_kind(&mut chain, &distinct_payout(height), BlockKind::MergeMined);
        }
    }
    let (fan_out, each) = fan_out.expect("the tip is past the fan-out height");
    let txid = fan_out.compute_txid();
    for vout in 0..COINS {
        let spend = key.spend(
            &[(OutPoint { txid, vout }, key.pay(each))],
            vec![TxOut {
                value: Amount::from_sat(each - 1_000),
                script_pubkey: to.script.clone(),
            }],
        );
        pool.accept(spend, &chain, now()).unwrap();
    }
    let pooled: u64 = pool
        .select(u64::MAX, u64::MAX)
        .transactions
        .iter()
        .map(|tx| tx.weight().to_wu())
        .sum();
    assert!(
        pooled > MAX_BLOCK_WEIGHT,
        "the pool holds more than a block"
    );
    (dir, chain, pool)
}

/// A pool at a settlement height: many recipients, two tranches each.
fn overfull_pool_at_settlement() -> (tempfile::TempDir, Chain, Mempool) {
    let (dir, chain, pool) = overfull_pool(EPOCH);
    let settlement = chain
        .next_settlement()
        .unwrap()
        .expect("a settlement is due");
    assert!(
        settlement.outputs.len() >= 100,
        "{} settlement outputs",
        settlement.outputs.len()
    );
    (dir, chain, pool)
}

/// The path of `createauxblock` / `submitauxblock`: the cached block for a payout, then
/// a pool's realistic AuxPoW attached to it.
fn mine_merge_mined_from_pool(chain: &mut Chain, pool: &mut Mempool) {
    let cache = AuxBlockCache::new();
    let payout = distinct_payout(1_000_001);
    let info = cache.create(chain, pool, &payout).unwrap();
    let mut block = cache.lookup(&info.hash, &chain.tip().hash).unwrap();
    assert!(
        block.txdata.len() > 1 && block.txdata.len() - 1 < COINS as usize,
        "the block carries as much of the pool as fits, not all of it"
    );
    attach_auxpow_shaped(&mut block, chain.params(), REALISTIC_AUXPOW);
    let height = chain.height();
    let weight = block.weight().to_wu();
    assert!(
        chain.process_block(block, false).is_ok(),
        "a merge-mined block of weight {weight} is refused"
    );
    assert_eq!(chain.height(), height + 1);
}

/// The path of `generatetoaddress` and the built-in miner (the same template
/// `getblocktemplate` hands out).
fn mine_native_from_pool(chain: Chain, pool: Mempool) {
    let height = chain.height();
    let (chain, pool) = (Mutex::new(chain), Mutex::new(pool));
    let payout = distinct_payout(1_000_000);
    let mined = generate_blocks(&chain, &pool, &payout, 1, u64::MAX, &AtomicBool::new(false));
    assert!(mined.is_ok(), "the native block is refused: {mined:?}");
    let chain = chain.into_inner().unwrap();
    assert_eq!(chain.height(), height + 1);
    let block = chain.block(&chain.tip().hash).unwrap().unwrap();
    assert!(block.txdata.len() > 1 && block.txdata.len() - 1 < COINS as usize);
}

#[test]
fn a_merge_mined_block_from_a_full_pool_fits_with_a_realistic_auxpow() {
    let (_dir, mut chain, mut pool) = overfull_pool(FAN_OUT_HEIGHT + 2);
    assert!(chain.next_settlement().unwrap().is_none());
    mine_merge_mined_from_pool(&mut chain, &mut pool);
}

#[test]
fn a_native_block_from_a_full_pool_fits() {
    let (_dir, chain, pool) = overfull_pool(FAN_OUT_HEIGHT + 2);
    assert!(chain.next_settlement().unwrap().is_none());
    mine_native_from_pool(chain, pool);
}

#[test]
fn a_merge_mined_settlement_block_from_a_full_pool_fits() {
    let (_dir, mut chain, mut pool) = overfull_pool_at_settlement();
    mine_merge_mined_from_pool(&mut chain, &mut pool);
}

#[test]
fn a_native_settlement_block_from_a_full_pool_fits() {
    let (_dir, chain, pool) = overfull_pool_at_settlement();
    mine_native_from_pool(chain, pool);
}

#[test]
fn the_reservation_covers_the_coinbase_and_the_auxpow_allowance() {
    let params = params();
    let dir = tempfile::tempdir().unwrap();
    let chain = open(&params, dir.path());
    let native = BlockTemplate::new(&chain, payout(3), BlockKind::Native).unwrap();
    let merged = BlockTemplate::new(&chain, payout(3), BlockKind::MergeMined).unwrap();
    let mut block = native.block(1);
    // The largest coinbase: with the witness commitment a segwit spend adds.
    block.txdata[0].input[0].witness = bitcoin::Witness::from_slice(&[[0u8; 32]]);
    block.txdata[0].output.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: bitcoin::ScriptBuf::from_bytes([0x6a; 38].to_vec()),
    });
    let reserved = native.reservation();
    // The block's header, count and coinbase at their largest, or Core's floor.
    assert!(reserved.weight >= block.weight().to_wu() + 4 * 8);
    assert_eq!(reserved.weight, venture_mining::MIN_RESERVED_WEIGHT);
    assert_eq!(
        merged.reservation().weight,
        block.weight().to_wu() + 4 * (8 + venture_auxpow::MAX_AUXPOW_BYTES as u64),
        "a merge-mined template keeps the AuxPoW allowance free on top"
    );
}
