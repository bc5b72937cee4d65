//! End to end: several `ventured` processes on loopback, connected by libp2p.

mod common;

use common::Node;
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

fn tip(node: &Node) -> String {
    node.rpc("getbestblockhash", json!([]))
        .as_str()
        .unwrap()
        .to_string()
}

fn utxo_hash(node: &Node) -> String {
    node.rpc("gettxoutsetinfo", json!([]))["hash_serialized_sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Waits until `done` holds, for at most `secs` seconds.
fn wait_until(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn all_on_one_tip(nodes: &[Node], min_height: u64) -> bool {
    let first = tip(&nodes[0]);
    nodes[0].height() >= min_height && nodes.iter().all(|n| tip(n) == first)
}

fn start_connected_to(seed: &Node, extra: &[&str]) -> Node {
    let addr = seed.p2p_addr();
    let mut args = vec!["--chain", "dev", "--bootnode", addr.as_str()];
    args.extend_from_slice(extra);
    Node::start(&args)
}

#[test]
fn five_nodes_converge_while_two_mine() {
    let seed = Node::start(&["--chain", "dev"]);
    let mut nodes = vec![seed];
    for _ in 0..4 {
        let node = start_connected_to(&nodes[0], &[]);
        nodes.push(node);
    }
    wait_until(60, "a connected network", || {
        nodes
            .iter()
            .all(|n| n.rpc("getconnectioncount", json!([])).as_u64().unwrap() >= 1)
    });
    // Two miners race: their blocks compete and the network settles on one chain.
    std::thread::scope(|s| {
        for miner in &nodes[..2] {
            s.spawn(move || {
                for _ in 0..15 {
                    miner.generate(1);
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
        }
    });
    wait_until(120, "all five nodes on one tip", || {
        all_on_one_tip(&nodes, 15)
    });
    let utxo = utxo_hash(&nodes[0]);
    assert!(nodes.iter().all(|n| utxo_hash(n) == utxo));
    let peers = nodes[0].rpc("getpeerinfo", json!([]));
    assert!(!peers.as_array().unwrap().is_empty());
    for mut node in nodes {
        node.stop();
    }
}

#[test]
fn a_late_node_syncs_2000_blocks() {
    let mut source = Node::start(&["--chain", "dev"]);
    for _ in 0..4 {
        source.generate(500);
    }
    let mut late = start_connected_to(&source, &[]);
    wait_until(300, "the late node to sync 2000 blocks", || {
        late.height() == 2000
    });
    assert_eq!(tip(&late), tip(&source));
    assert_eq!(utxo_hash(&late), utxo_hash(&source));
    // The flag drops once the node has seen nothing is left to fetch, just after the
    // last block connects.
    wait_until(30, "the late node to leave initial download", || {
        late.rpc("getblockchaininfo", json!([]))["initialblockdownload"] == false
    });
    late.stop();
    source.stop();
}

#[test]
fn partitioned_groups_rejoin_on_the_heaviest_chain() {
    let a0 = Node::start(&["--chain", "dev"]);
    let a1 = start_connected_to(&a0, &[]);
    let b0 = Node::start(&["--chain", "dev"]);
    let b1 = start_connected_to(&b0, &[]);
    wait_until(60, "groups connected inside", || {
        a1.rpc("getconnectioncount", json!([])) == json!(1)
            && b1.rpc("getconnectioncount", json!([])) == json!(1)
    });
    a0.generate(10);
    b0.generate(15);
    wait_until(60, "each group on its own tip", || {
        tip(&a1) == tip(&a0) && tip(&b1) == tip(&b0)
    });
    assert_ne!(tip(&a0), tip(&b0));
    let b_tip = tip(&b0);

    a0.rpc("addnode", json!([b0.p2p_addr(), "add"]));
    let mut nodes = vec![a0, a1, b0, b1];
    wait_until(120, "all four on the heavier chain", || {
        nodes.iter().all(|n| tip(n) == b_tip)
    });
    let utxo = utxo_hash(&nodes[2]);
    assert!(nodes.iter().all(|n| utxo_hash(n) == utxo));
    for node in &mut nodes {
        node.stop();
    }
}

#[test]
fn a_peer_serving_invalid_blocks_is_banned_while_honest_sync_goes_on() {
    // Same genesis, but this node's spec pays twice the subsidy: every block it mines
    // is invalid for honest nodes.
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../chainspec/dev.toml"
    ))
    .unwrap()
    .replace("initial = 5_000_000_000", "initial = 10_000_000_000")
    .replace(
        "max_supply = 2_210_000_000_000_000",
        "max_supply = 4_400_000_000_000_000",
    );
    let spec_path = dir.path().join("greedy.toml");
    std::fs::write(&spec_path, spec).unwrap();
    let mut greedy = Node::start(&["--chain", spec_path.to_str().unwrap()]);
    greedy.generate(40);
    let mut honest = Node::start(&["--chain", "dev"]);
    honest.generate(30);

    let greedy_addr = greedy.p2p_addr();
    let honest_addr = honest.p2p_addr();
    let mut syncing = Node::start(&[
        "--chain",
        "dev",
        "--bootnode",
        &greedy_addr,
        "--bootnode",
        &honest_addr,
    ]);
    wait_until(120, "sync from the honest peer", || {
        tip(&syncing) == tip(&honest)
    });
    wait_until(60, "the greedy peer banned", || {
        !syncing
            .rpc("listbanned", json!([]))
            .as_array()
            .unwrap()
            .is_empty()
    });
    let peers = syncing.rpc("getpeerinfo", json!([]));
    let greedy_id = greedy.rpc("getnetworkinfo", json!([]))["local_peer_id"].clone();
    assert!(peers
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["peer_id"] != greedy_id));
    assert_eq!(syncing.height(), 30);
    syncing.stop();
    honest.stop();
    greedy.stop();
}

#[test]
fn a_node_of_another_chain_never_becomes_a_peer() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../chainspec/dev.toml"
    ))
    .unwrap()
    .replace("merge-mined from day one", "another chain entirely");
    let spec_path = dir.path().join("other.toml");
    std::fs::write(&spec_path, spec).unwrap();
    let mut other = Node::start(&["--chain", spec_path.to_str().unwrap()]);
    other.generate(5);
    let mut node = Node::start(&["--chain", "dev"]);
    node.rpc("addnode", json!([other.p2p_addr(), "onetry"]));
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(node.rpc("getconnectioncount", json!([])), json!(0));
    assert_eq!(node.rpc("getpeerinfo", json!([])), json!([]));
    assert_eq!(node.height(), 0);
    node.stop();
    other.stop();
}

#[test]
fn garbage_on_the_p2p_port_is_dropped_and_memory_stays_bounded() {
    let mut node = Node::start(&["--chain", "dev"]);
    let addr = node.p2p_addr();
    // /ip4/127.0.0.1/tcp/PORT/p2p/ID
    let port: u16 = addr.split('/').nth(4).unwrap().parse().unwrap();
    let before = common::rss_kb(node.pid());
    let junk = vec![0xa5u8; 1 << 20];
    let mut dropped = 0;
    for _ in 0..20 {
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            continue;
        };
        stream.set_write_timeout(Some(Duration::from_secs(5))).ok();
        // A multistream header claiming an absurd length, then junk.
        let _ = stream.write_all(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        for _ in 0..16 {
            if stream.write_all(&junk).is_err() {
                dropped += 1;
                break;
            }
        }
    }
    assert!(
        dropped > 0,
        "the node read 320 MiB of junk without closing a connection"
    );
    let after = common::rss_kb(node.pid());
    assert!(
        after < before + 100_000,
        "resident memory grew from {before} kB to {after} kB"
    );
    // Still serving.
    node.generate(1);
    assert_eq!(node.rpc("getconnectioncount", json!([])), json!(0));
    node.stop();
}

/// A node whose chain has less work than the spec's `min_chain_work` is catching up,
/// whatever its peers say: in initial download until it has synced past that work
/// from a peer (on a live chain, merged mining waits for it too).
#[test]
fn a_node_below_the_minimum_chain_work_is_in_initial_download_until_past_it() {
    let dir = tempfile::tempdir().unwrap();
    // Dev blocks are worth 2 each: genesis and 30 blocks make 0x3e.
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../chainspec/dev.toml"
    ))
    .unwrap()
    .replace("[consensus]\n", "[consensus]\nmin_chain_work = \"0x3e\"\n");
    let spec_path = dir.path().join("raised.toml");
    std::fs::write(&spec_path, spec).unwrap();
    let spec_arg = spec_path.to_str().unwrap();
    let mut honest = Node::start(&["--chain", spec_arg]);
    honest.generate(40);
    let mut fresh = Node::start(&["--chain", spec_arg]);
    let ibd =
        |node: &Node| node.rpc("getblockchaininfo", json!([]))["initialblockdownload"].clone();
    wait_until(30, "the fresh node knows it is behind", || {
        ibd(&fresh) == json!(true)
    });
    fresh.rpc("addnode", json!([honest.p2p_addr(), "onetry"]));
    wait_until(60, "the fresh node syncs", || fresh.height() == 40);
    wait_until(30, "and leaves initial download", || {
        ibd(&fresh) == json!(false)
    });
    fresh.stop();
    honest.stop();
}
