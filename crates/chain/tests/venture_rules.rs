//! The venture allocation against a hostile miner: no payout script can make a
//! settlement too heavy for a block, the worst case fits, every settlement rule is
//! refused with its own kind, and the running credits always equal a recount.

mod common;

use bitcoin::opcodes::all::{OP_CHECKMULTISIG, OP_PUSHNUM_1};
use bitcoin::{Amount, ScriptBuf, TxOut};
use common::*;
use std::sync::Arc;
use venture_chain::venture::{is_creditable_payout, EpochSchedule};
use venture_chain::{Chain, Reject};
use venture_chainspec::{max_settlement_sigops, max_settlement_weight, ChainParams};

/// A dev-derived chain whose every block earns, settled every `epoch` blocks, with
/// `tranches` vesting tranches and at most `recipients` paid per settlement.
fn venture_params(id: &str, epoch: u32, tranches: u32, recipients: u32) -> Arc<ChainParams> {
    params_with(id, |text| {
        format!(
            "{text}\n[venture]\nstart_height = 1\nend_height = {}\ntotal = 1_000_000_000_000\nepoch_length = {epoch}\neligible = \"all\"\nmax_recipients = {recipients}\n\n[venture.vesting]\ncliff_blocks = 10\ntranches = {tranches}\ntranche_interval = 5\n",
            epoch * 4
        )
    })
}

fn open_chain(params: &Arc<ChainParams>) -> (tempfile::TempDir, Chain) {
    let dir = tempfile::tempdir().unwrap();
    let chain = open(params, dir.path());
    (dir, chain)
}

/// `count` repetitions of `1 OP_CHECKMULTISIG`: 20 legacy sigops each, ×4 in an output.
fn bare_multisig_bomb(count: usize) -> ScriptBuf {
    let mut bytes = Vec::with_capacity(count * 2);
    for _ in 0..count {
        bytes.push(OP_PUSHNUM_1.to_u8());
        bytes.push(OP_CHECKMULTISIG.to_u8());
    }
    ScriptBuf::from_bytes(bytes)
}

/// Mines blocks up to (not including) the settlement of epoch 0, the first paying
/// `hostile`, then builds and connects the settlement block.
fn settle_after(chain: &mut Chain, hostile: &ScriptBuf) -> bitcoin::Block {
    let venture = chain.params().spec.venture.clone().unwrap();
    let settles_at = EpochSchedule::new(&venture).settlement_height(0);
    mine(chain, hostile, Vec::new());
    while chain.height() + 1 < settles_at {
        mine(chain, &payout(1), Vec::new());
    }
    let block = mine(chain, &payout(1), Vec::new());
    bitcoin::Block {
        header: block.header.pure,
        txdata: block.txdata,
    }
}

/// One aux block paying 200 × `1 OP_CHECKMULTISIG` used to make every settlement
/// block of a six-tranche chain exceed the sigop limit (96,000 > 80,000): the chain
/// halted there. Such a payout is not credited: its work is counted, its share carried.
#[test]
fn a_sigop_bomb_payout_cannot_halt_the_chain() {
    let params = venture_params("sigop-bomb", 10, 6, 50);
    let (_dir, mut chain) = open_chain(&params);
    let bomb = bare_multisig_bomb(200);
    assert!(!is_creditable_payout(&bomb));
    let settlement = settle_after(&mut chain, &bomb);
    let coinbase = &settlement.txdata[0];
    assert!(coinbase.output.iter().all(|o| o.script_pubkey != bomb));
    let record = chain.settlement_at(chain.height()).unwrap().unwrap();
    // Ten blocks of equal work, one of them the bomb's: its tenth is carried.
    let venture = params.spec.venture.clone().unwrap();
    let available = EpochSchedule::new(&venture).allocation(0);
    assert_eq!(record.paid, available * 9 / 10);
    assert_eq!(record.carry, available - record.paid);
}

/// A 300 kB payout script repeated in six tranches used to exceed the block weight
/// (7.2 M > 4 M). It is not credited either.
#[test]
fn a_huge_payout_script_cannot_halt_the_chain() {
    let params = venture_params("weight-bomb", 10, 6, 50);
    let (_dir, mut chain) = open_chain(&params);
    let huge = ScriptBuf::from_bytes(vec![0x51; 300_000]);
    let settlement = settle_after(&mut chain, &huge);
    let weight = settlement.weight().to_wu();
    assert!(weight < 100_000, "settlement block weighs {weight}");
}

/// The worst case miners can cause: more distinct creditable payout scripts than
/// `max_recipients`, each split into every tranche, all of the costliest kind. The
/// settlement pays exactly the cap, the top contributors by work, and stays within the
/// spec-checked bound (a quarter of the block).
#[test]
fn the_largest_possible_settlement_fits_its_bound() {
    let recipients = 120;
    let tranches = 6;
    let params = venture_params("worst-case", 150, tranches, recipients);
    let venture = params.spec.venture.clone().unwrap();
    let (_dir, mut chain) = open_chain(&params);
    let settles_at = EpochSchedule::new(&venture).settlement_height(0);
    // Every block of the epoch to a different P2PKH script (the costliest creditable
    // kind: one legacy sigop in the output).
    let mut tag = 0u32;
    while chain.height() + 1 < settles_at {
        tag += 1;
        let hash = bitcoin::PubkeyHash::from_byte_array(
            [&tag.to_le_bytes()[..], &[0u8; 16][..]]
                .concat()
                .try_into()
                .unwrap(),
        );
        mine(&mut chain, &ScriptBuf::new_p2pkh(&hash), Vec::new());
    }
    assert!(tag > recipients);
    let due = chain.next_settlement().unwrap().unwrap();
    assert_eq!(due.shares.len(), recipients as usize);
    assert_eq!(due.outputs.len(), (recipients * tranches) as usize);
    let block = mine(&mut chain, &payout(1), Vec::new());
    let coinbase = &block.txdata[0];
    let settlement_weight: u64 = coinbase.output[..due.outputs.len()]
        .iter()
        .map(|o| 4 * bitcoin::consensus::encode::serialize(o).len() as u64)
        .sum();
    let settlement_sigops: u64 = coinbase.output[..due.outputs.len()]
        .iter()
        .map(|o| 4 * o.script_pubkey.count_sigops_legacy() as u64)
        .sum();
    assert!(settlement_weight <= max_settlement_weight(&venture));
    assert!(settlement_sigops <= max_settlement_sigops(&venture));
    assert!(max_settlement_weight(&venture) <= params.spec.consensus.max_block_weight / 4);
}

use bitcoin::hashes::Hash;

/// Each settlement rule broken on its own, refused with its own kind; then a vesting
/// output spent early.
#[test]
fn each_broken_settlement_rule_has_its_own_kind() {
    let params = venture_params("settlement-rules", 6, 2, 50);
    let (_dir, mut chain) = open_chain(&params);
    let key = TestKey::new(3);
    for _ in 0..3 {
        mine(&mut chain, &key.p2wpkh(), Vec::new());
    }
    while chain.height() + 1 < 7 {
        mine(&mut chain, &payout(2), Vec::new());
    }
    let due = chain.next_settlement().unwrap().unwrap();
    assert_eq!(due.outputs.len(), 4);
    let build = |edit: &dyn Fn(&mut Vec<TxOut>)| {
        let mut block = block_on_tip(&chain, &payout(5), Vec::new());
        edit(&mut block.txdata[0].output);
        seal(&mut block, chain.params());
        block
    };
    let missing = build(&|outputs| {
        outputs.drain(..4);
    });
    let reordered = build(&|outputs| outputs.swap(0, 2));
    let overpaid = build(&|outputs| outputs[0].value += Amount::from_sat(1));
    let wrong = build(&|outputs| outputs[0].value -= Amount::from_sat(1));
    for (block, kind) in [
        (missing, Reject::VentureSettlementMissing),
        (reordered, Reject::VentureSettlementReordered),
        (overpaid, Reject::VentureSettlementOverpaid),
        (wrong, Reject::VentureSettlementWrong),
    ] {
        assert_eq!(rejection(&mut chain, block), kind);
    }
    // The honest settlement connects; its outputs vest from height 7 + 10.
    let settlement = mine(&mut chain, &payout(5), Vec::new());
    let coinbase = &settlement.txdata[0];
    let vout = coinbase
        .output
        .iter()
        .position(|o| o.script_pubkey == key.p2wpkh())
        .unwrap();
    let outpoint = bitcoin::OutPoint {
        txid: coinbase.compute_txid(),
        vout: vout as u32,
    };
    let mut spend = unsigned(&[outpoint], vec![pay(&payout(6), 1_000)]);
    key.sign_p2wpkh(&mut spend, 0, &coinbase.output[vout]);
    let mut block = block_on_tip(&chain, &payout(5), vec![spend]);
    seal(&mut block, chain.params());
    assert_eq!(rejection(&mut chain, block), Reject::VentureOutputLocked);
}

/// The running credits equal a recount from the records after every connect,
/// disconnect (a reorganisation across an epoch boundary) and restart.
#[test]
fn running_credits_equal_a_recount_across_reorgs_and_restarts() {
    let params = venture_params("running-credits", 5, 1, 50);
    let dir = tempfile::tempdir().unwrap();
    let mut chain = open(&params, dir.path());
    let recount = |chain: &Chain| {
        let venture = chain.params().spec.venture.clone().unwrap();
        let epoch = EpochSchedule::new(&venture)
            .epoch_of(chain.height())
            .unwrap_or(0);
        chain.venture_credits(epoch).unwrap()
    };
    for i in 0..8u8 {
        mine(&mut chain, &payout(i % 3), Vec::new());
    }
    let fork_point = chain.height();
    let before_fork = recount(&chain);
    // A heavier branch from three blocks back, crossing the epoch boundary at 6.
    let mut branch_blocks = Vec::new();
    {
        let dir2 = tempfile::tempdir().unwrap();
        let mut other = open(&params, dir2.path());
        for height in 1..=fork_point - 3 {
            let hash = chain.index().active_at(height).unwrap();
            other
                .process_block(chain.block(&hash).unwrap().unwrap(), false)
                .unwrap();
        }
        for _ in 0..5 {
            branch_blocks.push(mine(&mut other, &payout(7), Vec::new()));
        }
    }
    for block in branch_blocks {
        chain.process_block(block, false).unwrap();
    }
    assert_eq!(chain.height(), fork_point + 2);
    let after = recount(&chain);
    assert_ne!(after, before_fork);
    drop(chain);
    let chain = open(&params, dir.path());
    assert_eq!(recount(&chain), after);
}

#[test]
fn only_fixed_size_standard_scripts_are_creditable() {
    let key = TestKey::new(4);
    assert!(is_creditable_payout(&key.p2wpkh()));
    assert!(is_creditable_payout(&key.p2tr()));
    assert!(!is_creditable_payout(&ScriptBuf::new()));
    assert!(!is_creditable_payout(&bare_multisig_bomb(1)));
    assert!(!is_creditable_payout(&ScriptBuf::from_bytes(vec![
        0x6a, 0x01, 0x00
    ])));
}
