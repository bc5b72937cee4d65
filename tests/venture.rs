//! End to end: the venture allocation on a real node, two merge-miners sharing an
//! epoch through `createauxblock`/`submitauxblock`.

mod common;

use common::auxpow::merge_mine;
use common::{Node, TEST_ADDRESS};
use serde_json::json;

const MINER_A: &str = "vdev1qyysjzgfpyysjzgfpyysjzgfpyysjzgfpqe3csc";
const MINER_B: &str = "vdev1qj2ff9y5jj2ff9y5jj2ff9y5jj2ff9y5jnjgl6w";

/// The dev chain with a venture allocation: 10 coins over heights 1..=10 in epochs of
/// 5 blocks, merge-mined blocks only, locked 2 blocks after settlement.
fn venture_spec(dir: &std::path::Path) -> String {
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../chainspec/dev.toml"))
        .unwrap()
        .replace("id = \"dev\"", "id = \"venture-e2e\"")
        + "\n[venture]\nstart_height = 1\nend_height = 10\ntotal = 1_000_000_000\nepoch_length = 5\neligible = \"merge_mined\"\n\n[venture.vesting]\ncliff_blocks = 2\n";
    let path = dir.join("venture.toml");
    std::fs::write(&path, spec).unwrap();
    path.display().to_string()
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
