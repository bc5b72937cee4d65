//! End to end: merge-mining a real node through Namecoin's RPC, with parent blocks built
//! the way a pool builds them (commitment in the coinbase, solved parent header).

mod common;

use bitcoin::consensus::encode;
use common::auxpow::{auxpow_for, hex_of};
use common::{Node, TEST_ADDRESS};
use serde_json::json;

#[test]
fn a_merge_mined_block_joins_the_chain_and_survives_restart() {
    let mut node = Node::start(&["--chain", "dev"]);
    node.generate(3);
    let info = node.rpc("createauxblock", json!([TEST_ADDRESS]));
    assert_eq!(info["height"], 4);
    assert_eq!(info["chainid"], 0x5645);
    assert_eq!(info["_target"], info["target"]);
    assert_eq!(
        info["previousblockhash"],
        node.rpc("getbestblockhash", json!([]))
    );
    // Asking again for the same address gives the same block.
    assert_eq!(
        node.rpc("createauxblock", json!([TEST_ADDRESS]))["hash"],
        info["hash"]
    );

    // A mangled proof is refused without condemning the block...
    let good = auxpow_for(&info);
    let mut bad = good.clone();
    bad.chain_index += 1;
    let hash = info["hash"].as_str().unwrap();
    assert_eq!(
        node.rpc("submitauxblock", json!([hash, hex_of(&bad)])),
        json!(false)
    );
    assert_eq!(node.height(), 3);
    // ...so the intact proof still gets it in.
    assert_eq!(
        node.rpc("submitauxblock", json!([hash, hex_of(&good)])),
        json!(true)
    );
    assert_eq!(node.height(), 4);
    assert_eq!(node.rpc("getbestblockhash", json!([])), info["hash"]);

    let block = node.rpc("getblock", json!([hash, 1]));
    assert_eq!(block["merge_mined"], true);
    assert_eq!(block["auxpow"]["chainindex"], json!(good.chain_index));
    assert_eq!(
        block["auxpow"]["parentblock"],
        json!(hex::encode(encode::serialize(&good.parent_header)))
    );
    assert_eq!(block["tx"].as_array().unwrap().len(), 1);
    let coinbase = node.rpc("getblock", json!([hash, 2]))["tx"][0].clone();
    assert_eq!(coinbase["vout"][0]["scriptPubKey"]["address"], TEST_ADDRESS);

    node.restart();
    assert_eq!(node.rpc("getbestblockhash", json!([])), info["hash"]);
    let raw = node.rpc("getblock", json!([hash, 0]));
    let decoded: venture_primitives::Block =
        encode::deserialize(&hex::decode(raw.as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(decoded.header.auxpow.as_deref(), Some(&good));
    // Native blocks still follow on a hybrid chain.
    node.generate(1);
    assert_eq!(node.height(), 5);
    node.stop();
}

#[test]
fn merged_mining_rpc_errors_use_namecoin_codes() {
    let mut node = Node::start(&["--chain", "dev"]);
    let err = node
        .call("createauxblock", json!(["not-an-address"]))
        .unwrap_err();
    assert_eq!(err.code, -5);
    let err = node
        .call(
            "createauxblock",
            json!(["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"]),
        )
        .unwrap_err();
    assert_eq!(err.code, -5);

    let info = node.rpc("createauxblock", json!([TEST_ADDRESS]));
    let hash = info["hash"].as_str().unwrap().to_string();
    let auxpow = hex_of(&auxpow_for(&info));
    let err = node
        .call("submitauxblock", json!(["00".repeat(32), auxpow]))
        .unwrap_err();
    assert_eq!((err.code, err.message.as_str()), (-8, "block hash unknown"));
    let err = node
        .call("submitauxblock", json!(["xyz", auxpow]))
        .unwrap_err();
    assert_eq!(err.code, -8);
    let err = node
        .call("submitauxblock", json!([hash, "zz"]))
        .unwrap_err();
    assert_eq!(err.code, -22);
    let err = node
        .call("submitauxblock", json!([hash, "00"]))
        .unwrap_err();
    assert_eq!(err.code, -22);

    // A new tip makes the block stale: it is forgotten, as in Namecoin.
    node.generate(1);
    let err = node
        .call("submitauxblock", json!([hash, auxpow]))
        .unwrap_err();
    assert_eq!((err.code, err.message.as_str()), (-8, "block hash unknown"));

    // getauxblock without a configured payout address cannot create blocks.
    let err = node.call("getauxblock", json!([])).unwrap_err();
    assert_eq!(err.code, -1);
    let err = node.call("getauxblock", json!([hash])).unwrap_err();
    assert_eq!(err.code, -1);
    node.stop();
}

#[test]
fn getauxblock_creates_for_the_configured_address_and_submits() {
    let mut node = Node::start(&["--chain", "dev", "--mine-address", TEST_ADDRESS]);
    let info = node.rpc("getauxblock", json!([]));
    assert!(info["target"].is_string());
    let hash = info["hash"].as_str().unwrap();
    let auxpow = hex_of(&auxpow_for(&info));
    assert_eq!(node.rpc("getauxblock", json!([hash, auxpow])), json!(true));
    assert_eq!(node.height(), 1);
    node.stop();
}

#[test]
fn merged_mining_waits_for_its_activation_height() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../chainspec/dev.toml"
    ))
    .unwrap()
    .replace("activation_height = 0", "activation_height = 3");
    let path = dir.path().join("late.toml");
    std::fs::write(&path, spec).unwrap();
    let mut node = Node::start(&["--chain", path.to_str().unwrap()]);
    node.generate(1);
    let err = node
        .call("createauxblock", json!([TEST_ADDRESS]))
        .unwrap_err();
    assert_eq!(err.code, -1);
    node.generate(1);
    // The next block is height 3: merged mining is open.
    let info = node.rpc("createauxblock", json!([TEST_ADDRESS]));
    assert_eq!(info["height"], 3);
    let auxpow = hex_of(&auxpow_for(&info));
    assert_eq!(
        node.rpc("submitauxblock", json!([info["hash"], auxpow])),
        json!(true)
    );
    node.stop();
}
