//! End to end: a real `ventured` on loopback, driven over JSON-RPC.

mod common;

use bitcoin::hashes::Hash;
use common::blocks::{coinbase_with_script, reseal, solve, to_hex, unsolve, Template};
use common::{Node, TEST_ADDRESS};
use serde_json::{json, Value};

fn template(node: &Node) -> Template {
    Template::from_json(&node.rpc("getblocktemplate", json!([{"rules": ["segwit"]}])))
}

fn utxo_hash(node: &Node) -> String {
    node.rpc("gettxoutsetinfo", json!([]))["hash_serialized_sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn mines_200_blocks_and_restarts_at_the_same_tip_with_the_same_utxo_set() {
    let mut node = Node::start(&["--chain", "dev"]);
    let hashes = node.generate(200);
    assert_eq!(hashes.len(), 200);
    assert_eq!(node.height(), 200);
    let tip = node.rpc("getbestblockhash", json!([]));
    assert_eq!(tip.as_str(), Some(hashes[199].as_str()));
    // Everything but the size on disk, which compaction changes.
    let utxo_set = |node: &Node| {
        let mut info = node.rpc("gettxoutsetinfo", json!([]));
        info.as_object_mut().unwrap().remove("disk_size");
        info
    };
    let utxo = utxo_set(&node);
    assert_eq!(
        utxo["txouts"],
        json!(201),
        "200 coinbases and the dev faucet"
    );

    node.restart();
    assert_eq!(node.rpc("getbestblockhash", json!([])), tip);
    assert_eq!(utxo_set(&node), utxo);

    let info = node.rpc("getblockchaininfo", json!([]));
    assert_eq!(info["chain"], "dev");
    assert_eq!(info["blocks"], 200);
    assert_eq!(info["bestblockhash"], tip);
    let block = node.rpc("getblock", json!([tip, 2]));
    assert_eq!(block["height"], 200);
    assert_eq!(block["confirmations"], 1);
    assert_eq!(
        block["tx"][0]["vout"][0]["scriptPubKey"]["address"],
        TEST_ADDRESS
    );
    let header = node.rpc("getblockheader", json!([hashes[10], true]));
    assert_eq!(header["height"], 11);
    assert_eq!(header["nextblockhash"], json!(hashes[11]));
    let raw_header = node.rpc("getblockheader", json!([hashes[10], false]));
    assert_eq!(raw_header.as_str().unwrap().len(), 160);
    let raw_block = node.rpc("getblock", json!([hashes[10], 0]));
    assert!(raw_block
        .as_str()
        .unwrap()
        .starts_with(raw_header.as_str().unwrap()));
    assert_eq!(node.rpc("getblockhash", json!([11])), json!(hashes[10]));
    assert!(node.rpc("uptime", json!([])).as_u64().is_some());
    let mining = node.rpc("getmininginfo", json!([]));
    assert_eq!(mining["blocks"], 200);
    node.stop();
}

#[test]
fn rpc_speaks_bitcoin_core_conventions_and_survives_malformed_requests() {
    let mut node = Node::start(&[
        "--chain",
        "dev",
        "--rpc-user",
        "alice",
        "--rpc-password",
        "pw",
        // Bitcoin Core's rpcauth: the password "hunter2", hashed with this salt.
        "--rpc-auth",
        "pool:c0ffee00c0ffee00c0ffee00c0ffee00$2634140800e147e56ead6b69065b8bcddc13d0b3efbe3e4a05f647ce1c6c990f",
    ]);
    let body = r#"{"method":"getblockcount","params":[],"id":7}"#;
    let (status, _) = node.raw_post("alice", "wrong", body);
    assert_eq!(status, 401);
    assert_eq!(node.raw_post("pool", "hunter2", body).0, 200);
    assert_eq!(node.raw_post("pool", "pw", body).0, 401);
    let (status, _) = node.raw_post("", "", body);
    assert_eq!(status, 401);
    let (status, reply) = node.raw_post("alice", "pw", body);
    assert_eq!(status, 200);
    let reply: Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(reply, json!({"result": 0, "error": null, "id": 7}));

    let post = |body: &str| node.raw_post("alice", "pw", body);
    let (status, reply) = post("{not json");
    assert_eq!(status, 500);
    assert_eq!(
        serde_json::from_str::<Value>(&reply).unwrap()["error"]["code"],
        -32700
    );
    let (status, reply) = post(r#"{"method":"nosuchmethod","id":1}"#);
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_str::<Value>(&reply).unwrap()["error"]["code"],
        -32601
    );
    let (status, _) = post(r#"{"method":42,"id":1}"#);
    assert_eq!(status, 400);
    let (status, reply) = post(r#"{"jsonrpc":"2.0","method":"getblockcount","id":"x"}"#);
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&reply).unwrap(),
        json!({"jsonrpc":"2.0","result":0,"id":"x"})
    );
    let (status, reply) = post(r#"[{"method":"getblockcount","id":1},{"method":"nope","id":2}]"#);
    assert_eq!(status, 200);
    let batch: Value = serde_json::from_str(&reply).unwrap();
    assert_eq!(batch[0]["result"], 0);
    assert_eq!(batch[1]["error"]["code"], -32601);

    let err = node.call("getblockhash", json!([5])).unwrap_err();
    assert_eq!(err.code, -8);
    let err = node.call("getblockhash", json!(["five"])).unwrap_err();
    assert_eq!(err.code, -3);
    let err = node.call("getblock", json!(["00".repeat(32)])).unwrap_err();
    assert_eq!(err.code, -5);
    let err = node.call("getblock", json!(["zz"])).unwrap_err();
    assert_eq!(err.code, -8);
    let err = node
        .call(
            "generatetoaddress",
            json!([1, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"]),
        )
        .unwrap_err();
    assert_eq!(err.code, -5);
    let err = node.call("submitblock", json!(["deadbeef"])).unwrap_err();
    assert_eq!(err.code, -22);
    let err = node.call("getblockcount", json!([1, 2])).unwrap_err();
    assert_eq!(err.code, -1);
    // Named parameters, as Bitcoin Core accepts them.
    node.generate(1);
    let by_name = node.rpc("getblockhash", json!({"height": 1}));
    assert_eq!(by_name, node.rpc("getblockhash", json!([1])));
    // Still alive and unchanged after all of that.
    assert_eq!(node.height(), 1);
    node.stop();
}

#[test]
fn invalid_blocks_through_submitblock_are_rejected_with_their_reason() {
    let mut node = Node::start(&["--chain", "dev"]);
    node.generate(20);
    let tip = node.rpc("getbestblockhash", json!([]));
    let utxo = utxo_hash(&node);
    let t = template(&node);
    let submit =
        |block: &venture_primitives::Block| node.rpc("submitblock", json!([to_hex(block)]));

    let mut block = t.valid_block(1);
    unsolve(&mut block, &t.target);
    assert_eq!(submit(&block), "high-hash");

    let mut block = t.valid_block(2);
    block.header.pure.bits = bitcoin::CompactTarget::from_consensus(0x207ffffe);
    reseal(
        &mut block,
        &venture_pow::Target::from_bits(0x207ffffe, &t.target).unwrap(),
    );
    assert_eq!(submit(&block), "bad-diffbits");

    let mut block = t.valid_block(3);
    block.header.pure.merkle_root = bitcoin::TxMerkleNode::from_byte_array([9; 32]);
    solve(&mut block, &t.target);
    assert_eq!(submit(&block), "bad-txnmrklroot");

    let mut block = t.valid_block(4);
    block.header.pure.time = t.min_time - 1;
    reseal(&mut block, &t.target);
    assert_eq!(submit(&block), "time-too-old");

    let mut block = t.block_with(t.coinbase(t.coinbase_value + 1, 5));
    solve(&mut block, &t.target);
    assert_eq!(submit(&block), "bad-cb-amount");

    let no_height = bitcoin::ScriptBuf::from_bytes(vec![0x04, 1, 2, 3, 4]);
    let mut block = t.block_with(coinbase_with_script(no_height, t.coinbase_value));
    solve(&mut block, &t.target);
    assert_eq!(submit(&block), "bad-cb-height");

    assert_eq!(node.rpc("getbestblockhash", json!([])), tip);
    assert_eq!(utxo_hash(&node), utxo);
    // The honest block still goes in; resubmitting it is a duplicate.
    let block = t.valid_block(6);
    assert_eq!(submit(&block), Value::Null);
    assert_eq!(submit(&block), "duplicate");
    assert_eq!(node.height(), 21);
    node.stop();
}

#[test]
fn a_heavier_branch_submitted_over_rpc_reorganises_the_chain() {
    let mut a = Node::start(&["--chain", "dev", "--metrics", "127.0.0.1:0"]);
    let mut b = Node::start(&["--chain", "dev"]);
    let shared = a.generate(2);
    for hash in &shared {
        let raw = a.rpc("getblock", json!([hash, 0]));
        assert_eq!(b.rpc("submitblock", json!([raw])), Value::Null);
    }
    a.generate(3);
    // B mines a longer branch on the shared prefix, with its own blocks.
    let mut branch = Vec::new();
    for tag in 0..4u8 {
        let block = template(&b).valid_block(100 + tag);
        assert_eq!(b.rpc("submitblock", json!([to_hex(&block)])), Value::Null);
        branch.push(block);
    }
    assert_eq!(a.height(), 5);
    assert_eq!(b.height(), 6);
    let mut results = Vec::new();
    for block in &branch {
        results.push(a.rpc("submitblock", json!([to_hex(block)])));
    }
    // Lighter or equal branches wait on the side; the fourth block makes it heavier.
    assert_eq!(
        results,
        vec![
            json!("inconclusive"),
            json!("inconclusive"),
            json!("inconclusive"),
            Value::Null
        ]
    );
    assert_eq!(
        a.rpc("getbestblockhash", json!([])),
        b.rpc("getbestblockhash", json!([]))
    );
    assert_eq!(utxo_hash(&a), utxo_hash(&b));
    // Prometheus sees it: five blocks then four of the branch connected, one
    // reorganisation that left three blocks.
    assert_eq!(a.metric("venture_chain_height"), 6.0);
    assert_eq!(a.metric("venture_chain_headers"), 6.0);
    assert_eq!(a.metric("venture_block_connect_seconds_count"), 9.0);
    assert_eq!(a.metric("venture_reorgs_total"), 1.0);
    assert_eq!(a.metric("venture_reorg_depth_sum"), 3.0);
    assert_eq!(a.metric("venture_merge_mined_ratio"), 0.0);
    assert_eq!(a.metric("venture_peers{direction=\"outbound\"}"), 0.0);
    assert!(a.metric("venture_store_bytes") > 0.0);
    let scrape = a.metrics();
    assert!(
        !scrape.contains("venture_allocation"),
        "dev has no allocation"
    );
    assert!(scrape.contains("libp2p_identify_received"), "libp2p's own");
    a.restart();
    assert_eq!(utxo_hash(&a), utxo_hash(&b));
    a.stop();
    b.stop();
}

#[test]
fn generatetoaddress_is_refused_where_the_spec_does_not_allow_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../chainspec/dev.toml"
    ))
    .unwrap()
    .replace("allow_generate = true", "allow_generate = false")
    .replace("id = \"dev\"", "id = \"nogen\"");
    let spec_path = dir.path().join("nogen.toml");
    std::fs::write(&spec_path, spec).unwrap();
    let mut node = Node::start(&["--chain", spec_path.to_str().unwrap()]);
    let err = node
        .call("generatetoaddress", json!([1, TEST_ADDRESS]))
        .unwrap_err();
    assert_eq!(err.code, -32601);
    assert!(err.message.contains("allow_generate"), "{}", err.message);
    node.stop();
}

/// The RPC password can come from the environment (`VENTURE_RPC_PASSWORD`), out of
/// sight of other local users' process listings.
#[test]
fn the_rpc_password_can_come_from_the_environment() {
    let mut node = Node::start_with_env(
        &["--chain", "dev", "--rpc-user", "bob"],
        &[("VENTURE_RPC_PASSWORD", "from-env")],
    );
    let body = r#"{"method":"getblockcount","params":[],"id":1}"#;
    assert_eq!(node.raw_post("bob", "from-env", body).0, 200);
    assert_eq!(node.raw_post("bob", "", body).0, 401);
    node.stop();
}

/// `run --config FILE` takes any of run's flags from TOML; the command line wins (the
/// file's listen address cannot be bound here, the command line's loopback one is
/// used), and a setting that is not a flag is refused by name.
#[test]
fn run_reads_its_flags_from_a_config_file_and_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("node.toml");
    std::fs::write(
        &config,
        "p2p-listen = [\"/ip4/203.0.113.1/tcp/1\"]\nrpc_user = \"carol\"\nrpc-password = \"from-file\"\nmetrics = \"127.0.0.1:0\"\ntxindex = true\n",
    )
    .unwrap();
    let mut node = Node::start(&["--chain", "dev", "--config", config.to_str().unwrap()]);
    let body = r#"{"method":"getblockcount","params":[],"id":1}"#;
    assert_eq!(node.raw_post("carol", "from-file", body).0, 200);
    assert!(node.metric("venture_chain_height") == 0.0);
    node.stop();

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "rpc-prot = 8332\n").unwrap();
    let out = common::run(&["run", "--config", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`rpc-prot` is not a flag"), "{stderr}");
}
