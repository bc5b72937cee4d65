//! End to end: the venture allocation on a real node, two merge-miners sharing an
//! epoch through `createauxblock`/`submitauxblock`, and an external pool mining across
//! settlement heights from `getblocktemplate` alone.

mod common;

use bitcoin::blockdata::script::{Builder, PushBytesBuf};
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::{Amount, ScriptBuf, Transaction, TxMerkleNode, TxOut, Witness};
use common::auxpow::merge_mine;
use common::{dev_spec_with_venture as write_spec, Node, SMALL_VENTURE, TEST_ADDRESS};
use serde_json::{json, Value};
use std::str::FromStr;

const MINER_A: &str = "vdev1qyysjzgfpyysjzgfpyysjzgfpyysjzgfpqe3csc";
const MINER_B: &str = "vdev1qj2ff9y5jj2ff9y5jj2ff9y5jj2ff9y5jnjgl6w";

/// The dev chain with the common test allocation (see [`common::SMALL_VENTURE`]).
fn venture_spec(dir: &std::path::Path) -> String {
    write_spec(dir, SMALL_VENTURE)
}

#[test]
fn two_merge_miners_split_an_epoch_pro_rata() {
    let dir = tempfile::tempdir().unwrap();
    let spec = venture_spec(dir.path());
    let mut node = Node::start(&["--chain", &spec]);
    // A merge-mines two blocks, B three; a native block earns nothing.
    for miner in [MINER_A, MINER_B, MINER_A, MINER_B, MINER_B] {
        merge_mine(&node, miner);
    }
    let info = node.rpc("getventureinfo", json!([]));
    assert_eq!(info["epochs_settled"], 0, "{info}");
    let contributors = info["current_epoch"]["contributors"]
        .as_array()
        .unwrap_or_else(|| panic!("no current epoch in {info}"))
        .clone();
    assert_eq!(contributors.len(), 2);
    // Block 6 settles epoch 0; mined natively to someone else.
    node.generate(1);
    let a = node.rpc("getventureallocation", json!([MINER_A]));
    let b = node.rpc("getventureallocation", json!([MINER_B]));
    assert_eq!(a["earned"], json!(2.0));
    assert_eq!(b["earned"], json!(3.0));
    assert_eq!(
        a["locked"],
        json!(2.0),
        "locked until two blocks after the settlement"
    );
    let other = node.rpc("getventureallocation", json!([TEST_ADDRESS]));
    assert_eq!(other["earned"], json!(0.0));
    let info = node.rpc("getventureinfo", json!([]));
    assert_eq!(info["epochs_settled"], 1);
    assert_eq!(info["paid"], json!(5.0));
    assert_eq!(info["remaining"], json!(5.0));
    // The settlement is in the block's coinbase, first, in script order.
    let block = node.rpc(
        "getblock",
        json!([node.rpc("getbestblockhash", json!([])), 2]),
    );
    let outputs = block["tx"][0]["vout"].as_array().unwrap();
    assert_eq!(outputs[0]["scriptPubKey"]["address"], MINER_A);
    assert_eq!(outputs[1]["scriptPubKey"]["address"], MINER_B);
    // Two blocks later the shares are vested (coinbase maturity still applies).
    node.generate(2);
    let a = node.rpc("getventureallocation", json!([MINER_A]));
    assert_eq!(a["locked"], json!(0.0));
    assert_eq!(a["vested"], json!(2.0));
    node.restart();
    assert_eq!(
        node.rpc("getventureallocation", json!([MINER_B]))["earned"],
        json!(3.0)
    );
    node.stop();
}

/// What an external pool does with a `getblocktemplate` reply, using rust-bitcoin alone:
/// the coinbase starts with `coinbase_required_outputs` (a pool that does not know the
/// field sees none), then pays `coinbasevalue` to the pool; the template's transactions
/// follow; the header is solved against `target`.
fn pool_block(template: &Value, payout: &ScriptBuf, tag: u32) -> bitcoin::Block {
    let field = |name: &str| &template[name];
    let height = field("height").as_i64().expect("height");
    let mut outputs: Vec<TxOut> = field("coinbase_required_outputs")
        .as_array()
        .map(|outputs| {
            outputs
                .iter()
                .map(|o| TxOut {
                    value: Amount::from_sat(o["amount"].as_u64().expect("amount")),
                    script_pubkey: ScriptBuf::from_bytes(
                        hex::decode(o["script"].as_str().expect("script")).expect("hex"),
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    outputs.push(TxOut {
        value: Amount::from_sat(field("coinbasevalue").as_u64().expect("coinbasevalue")),
        script_pubkey: payout.clone(),
    });
    let commitment = field("default_witness_commitment").as_str();
    if let Some(script) = commitment {
        outputs.push(TxOut {
            value: Amount::ZERO,
            script_pubkey: ScriptBuf::from_bytes(hex::decode(script).expect("hex")),
        });
    }
    let tag = PushBytesBuf::try_from(tag.to_le_bytes().to_vec()).expect("four bytes");
    let coinbase = Transaction {
        version: bitcoin::transaction::Version::ONE,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![bitcoin::TxIn {
            previous_output: bitcoin::OutPoint::null(),
            script_sig: Builder::new()
                .push_int(height)
                .push_slice(tag)
                .into_script(),
            sequence: bitcoin::Sequence::MAX,
            witness: match commitment {
                Some(_) => Witness::from_slice(&[[0u8; 32]]),
                None => Witness::new(),
            },
        }],
        output: outputs,
    };
    let mut txdata = vec![coinbase];
    for tx in field("transactions").as_array().expect("transactions") {
        let bytes = hex::decode(tx["data"].as_str().expect("data")).expect("hex");
        txdata.push(encode::deserialize(&bytes).expect("a transaction"));
    }
    let target: [u8; 32] = hex::decode(field("target").as_str().expect("target"))
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    let mut block = bitcoin::Block {
        header: bitcoin::block::Header {
            version: bitcoin::block::Version::from_consensus(
                field("version").as_i64().expect("version") as i32,
            ),
            prev_blockhash: bitcoin::BlockHash::from_str(
                field("previousblockhash")
                    .as_str()
                    .expect("previousblockhash"),
            )
            .expect("a hash"),
            merkle_root: TxMerkleNode::all_zeros(),
            time: field("curtime").as_u64().expect("curtime") as u32,
            bits: bitcoin::CompactTarget::from_consensus(
                u32::from_str_radix(field("bits").as_str().expect("bits"), 16).expect("hex"),
            ),
            nonce: 0,
        },
        txdata,
    };
    block.header.merkle_root = block.compute_merkle_root().expect("transactions");
    let target = bitcoin::Target::from_be_bytes(target);
    while !target.is_met_by(block.block_hash()) {
        block.header.nonce += 1;
    }
    block
}

/// A pool that knows nothing of Venture but `getblocktemplate` mines three epochs and
/// their settlements: every block it builds from the template alone is accepted.
#[test]
fn a_pool_mines_across_settlements_from_the_template_alone() {
    let dir = tempfile::tempdir().unwrap();
    // Every block is eligible, so the pool's own blocks earn each settlement (heights
    // 4, 7 and 10), paid in two tranches.
    let spec = write_spec(
        dir.path(),
        "start_height = 1\nend_height = 9\ntotal = 900_000_000\nepoch_length = 3\neligible = \"all\"\n\n[venture.vesting]\ncliff_blocks = 2\ntranches = 2\ntranche_interval = 3\n",
    );
    let mut node = Node::start(&["--chain", &spec]);
    let payout = ScriptBuf::from_bytes([&[0x00, 0x14][..], &[0x22; 20][..]].concat());
    for height in 1..=11u32 {
        let template = node.rpc(
            "getblocktemplate",
            json!([{"rules": ["segwit"], "capabilities": ["coinbasevalue"]}]),
        );
        assert_eq!(template["height"], height);
        let block = pool_block(&template, &payout, height);
        let result = node.rpc(
            "submitblock",
            json!([hex::encode(encode::serialize(&block))]),
        );
        assert_eq!(
            result,
            Value::Null,
            "block {height} refused; its template: {template}"
        );
        // Settlement heights, and only they, list outputs and the rule naming them.
        let settles = [4, 7, 10].contains(&height);
        let required = template["coinbase_required_outputs"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(required > 0, settles, "{template}");
        assert_eq!(
            template["rules"]
                .as_array()
                .unwrap()
                .contains(&json!("!venture-settlement")),
            settles,
            "{template}"
        );
    }
    let info = node.rpc("getventureinfo", json!([]));
    assert_eq!(info["epochs_settled"], 3, "{info}");
    assert_eq!(info["paid"], json!(9.0), "{info}");
    node.stop();
}

/// The built-in miner builds its own coinbase from the same template: it pays each
/// settlement it reaches.
#[test]
fn the_built_in_miner_pays_each_settlement() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(
        dir.path(),
        "start_height = 1\nend_height = 4\ntotal = 400_000_000\nepoch_length = 2\neligible = \"all\"\n",
    );
    let mut node = Node::start(&["--chain", &spec, "--mine", "--mine-address", TEST_ADDRESS]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while node.height() < 5 {
        assert!(
            std::time::Instant::now() < deadline,
            "the miner stopped at height {}; log:\n{}",
            node.height(),
            node.log()
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let info = node.rpc("getventureinfo", json!([]));
    assert_eq!(info["epochs_settled"], 2, "{info}");
    assert_eq!(info["paid"], json!(4.0), "{info}");
    node.stop();
}
