//! End to end: `ventured wallet` against a running node — create, receive from the
//! faucet and from mining, send, balance; and a spend relayed between two nodes.

mod common;

use common::{run, Node};
use serde_json::json;
use std::time::{Duration, Instant};

fn wallet(node: &Node, args: &[&str]) -> String {
    let datadir = node.datadir.display().to_string();
    let mut all = vec!["wallet", "--chain", "dev", "--datadir", datadir.as_str()];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(
        out.status.success(),
        "wallet {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The value on the `spendable` line of `wallet balance`.
fn spendable(node: &Node) -> String {
    let balance = wallet(node, &["balance"]);
    balance
        .lines()
        .find(|l| l.starts_with("spendable"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap()
        .to_string()
}

#[test]
fn a_wallet_receives_sends_and_tracks_its_balance() {
    let mut node = Node::start(&["--chain", "dev"]);
    wallet(&node, &["create"]);
    let address = wallet(&node, &["address"]);
    assert!(address.starts_with("vdev1q"), "{address}");
    // A second create refuses to overwrite the wallet.
    let datadir = node.datadir.display().to_string();
    let again = run(&["wallet", "--chain", "dev", "--datadir", &datadir, "create"]);
    assert!(!again.status.success());

    let txid = wallet(&node, &["faucet", &address, "10"]);
    assert_eq!(node.rpc("getrawmempool", json!([])), json!([txid]));
    node.generate(1);
    assert_eq!(spendable(&node), "10.00000000");

    let to = common::TEST_ADDRESS;
    let sent = wallet(&node, &["send", to, "3.5", "--fee-rate", "2"]);
    let entry = node.rpc("getmempoolentry", json!([sent]));
    assert!(entry["fees"]["base"].as_f64().unwrap() > 0.0);
    node.generate(1);
    let raw = node.rpc(
        "getrawtransaction",
        json!([sent, true, node.rpc("getbestblockhash", json!([]))]),
    );
    let paid: Vec<(String, f64)> = raw["vout"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["scriptPubKey"]["address"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                o["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(paid.contains(&(to.to_string(), 3.5)), "{paid:?}");
    let left: f64 = spendable(&node).parse().unwrap();
    assert!(
        left > 6.49 && left < 6.5,
        "balance after sending 3.5 of 10: {left}"
    );

    // Mining to a wallet address: immature until the spec's maturity.
    let mining_address = wallet(&node, &["address"]);
    node.rpc("generatetoaddress", json!([1, mining_address]));
    let balance = wallet(&node, &["balance"]);
    assert!(balance.contains("immature   50.00000000"), "{balance}");
    node.stop();
}

#[test]
fn a_transaction_is_relayed_to_peers_and_confirmed_by_them() {
    let mut a = Node::start(&["--chain", "dev"]);
    let mut b = Node::start(&["--chain", "dev", "--bootnode", &a.p2p_addr()]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while b.rpc("getconnectioncount", json!([])) == json!(0) {
        assert!(Instant::now() < deadline, "nodes did not connect");
        std::thread::sleep(Duration::from_millis(100));
    }
    wallet(&a, &["create"]);
    let address = wallet(&a, &["address"]);
    let txid = wallet(&a, &["faucet", &address, "1"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while b.rpc("getrawmempool", json!([])) != json!([txid]) {
        assert!(
            Instant::now() < deadline,
            "the transaction did not reach the peer's mempool"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The peer mines it; the block comes back and empties the first pool.
    b.generate(1);
    let deadline = Instant::now() + Duration::from_secs(60);
    while a.rpc("getrawmempool", json!([])) != json!([]) {
        assert!(
            Instant::now() < deadline,
            "the confirming block did not reach the first node"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(a.height(), 1);
    b.stop();
    a.stop();
}
