//! One test per blockchain and control method, on a real chain database: each answer is
//! checked against what the chain itself says.

mod common;

use bitcoin::consensus::encode;
use bitcoin::OutPoint;
use common::TestNode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use venture_primitives::Block;
use venture_rpc::{codes, json::difficulty_of_bits};
use venture_testchain::TestKey;

#[tokio::test]
async fn getblockchaininfo_describes_the_best_chain() {
    let node = TestNode::new();
    let hashes = node.mine(3, &TestKey::new(1).script).await;
    let info = node.call_both("getblockchaininfo", vec![]).await.unwrap();
    let chain = node.chain();
    assert_eq!(info["chain"], "rpc-test");
    assert_eq!(info["blocks"], chain.height());
    assert_eq!(info["headers"], 3);
    assert_eq!(info["bestblockhash"], hashes[2].to_string());
    assert_eq!(
        info["genesis_hash"],
        chain.params().genesis_hash.to_string()
    );
    assert_eq!(info["spec_hash"], chain.params().spec_hash().to_string());
    let tip = chain.index().tip().unwrap();
    assert_eq!(info["chainwork"], tip.chain_work.to_string());
    assert_eq!(info["time"], tip.header.time);
    assert_eq!(info["verificationprogress"], 1.0);
    assert_eq!(info["pruned"], false);
}

#[tokio::test]
async fn getblockcount_is_the_best_height() {
    let node = TestNode::new();
    assert_eq!(node.call_both("getblockcount", vec![]).await.unwrap(), 0);
    node.mine(4, &TestKey::new(1).script).await;
    assert_eq!(node.call_both("getblockcount", vec![]).await.unwrap(), 4);
    let error = node.call("getblockcount", json!([1])).await.unwrap_err();
    assert_eq!(error.code, codes::RPC_MISC_ERROR);
    assert_eq!(error.message, "too many parameters; usage: getblockcount");
}

#[tokio::test]
async fn getbestblockhash_is_the_tip() {
    let node = TestNode::new();
    let genesis = node.chain().params().genesis_hash;
    assert_eq!(
        node.call_both("getbestblockhash", vec![]).await.unwrap(),
        genesis.to_string()
    );
    let hashes = node.mine(2, &TestKey::new(1).script).await;
    let best = node.call_both("getbestblockhash", vec![]).await.unwrap();
    assert_eq!(best, hashes[1].to_string());
    assert_eq!(best, node.chain().tip().hash.to_string());
}

#[tokio::test]
async fn getdifficulty_is_the_tips_bits_against_bitcoins_difficulty_one() {
    let node = TestNode::new();
    node.mine(1, &TestKey::new(1).script).await;
    let bits = node
        .chain()
        .index()
        .tip()
        .unwrap()
        .header
        .bits
        .to_consensus();
    let difficulty = node.call_both("getdifficulty", vec![]).await.unwrap();
    assert_eq!(difficulty, json!(difficulty_of_bits(bits)));
    // The dev chain's easiest target is far below Bitcoin's difficulty 1.
    assert!(difficulty.as_f64().unwrap() < 1.0);
}

#[tokio::test]
async fn getblockhash_finds_blocks_by_height_on_the_best_chain() {
    let node = TestNode::new();
    let hashes = node.mine(2, &TestKey::new(1).script).await;
    let genesis = node.chain().params().genesis_hash;
    assert_eq!(
        node.call_both("getblockhash", vec![json!(0)])
            .await
            .unwrap(),
        genesis.to_string()
    );
    assert_eq!(
        node.call_both("getblockhash", vec![json!(2)])
            .await
            .unwrap(),
        hashes[1].to_string()
    );
    let error = node.call("getblockhash", json!([3])).await.unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (codes::RPC_INVALID_PARAMETER, "Block height out of range")
    );
    let error = node.call("getblockhash", json!(["1"])).await.unwrap_err();
    assert_eq!(error.code, codes::RPC_TYPE_ERROR);
    assert_eq!(
        error.message,
        "JSON value of type string for parameter `height` is not of the expected type"
    );
    let error = node.call("getblockhash", json!([])).await.unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            codes::RPC_MISC_ERROR,
            "missing required parameter `height`; usage: getblockhash height"
        )
    );
    let error = node
        .call("getblockhash", json!({"hieght": 1}))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            codes::RPC_INVALID_PARAMETER,
            "Unknown named parameter hieght"
        )
    );
}

#[tokio::test]
async fn getblockheader_shows_fields_or_hex() {
    let node = TestNode::new();
    let hashes = node.mine(3, &TestKey::new(1).script).await;
    let header = node
        .call_both("getblockheader", vec![json!(hashes[1].to_string())])
        .await
        .unwrap();
    assert_eq!(header["hash"], hashes[1].to_string());
    assert_eq!(header["height"], 2);
    assert_eq!(header["confirmations"], 2);
    assert_eq!(header["previousblockhash"], hashes[0].to_string());
    assert_eq!(header["nextblockhash"], hashes[2].to_string());
    assert_eq!(header["nTx"], 1);
    assert_eq!(header["merge_mined"], false);
    let entry = node.chain().index().get(&hashes[1]).unwrap().clone();
    assert_eq!(header["merkleroot"], entry.header.merkle_root.to_string());
    assert_eq!(header["nonce"], entry.header.nonce);

    let hex = node
        .call_both(
            "getblockheader",
            vec![json!(hashes[1].to_string()), json!(false)],
        )
        .await
        .unwrap();
    let bytes = hex::decode(hex.as_str().unwrap()).unwrap();
    let decoded: venture_primitives::Header = encode::deserialize(&bytes).unwrap();
    assert_eq!(decoded.block_hash(), hashes[1]);

    let error = node
        .call("getblockheader", json!(["00"]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_INVALID_PARAMETER);
    let unknown = "11".repeat(32);
    let error = node
        .call("getblockheader", json!([unknown]))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (codes::RPC_INVALID_ADDRESS_OR_KEY, "Block not found")
    );
    let error = node
        .call("getblockheader", json!([hashes[0].to_string(), "yes"]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "JSON value of type string for parameter `verbose` is not of the expected type"
    );
}

#[tokio::test]
async fn getblock_shows_each_verbosity() {
    let node = TestNode::new();
    let key = TestKey::new(1);
    let hashes = node.mine(2, &key.script).await;
    let hash = json!(hashes[1].to_string());
    let stored: Block = node.chain().block(&hashes[1]).unwrap().unwrap();
    let coinbase_txid = stored.txdata[0].compute_txid().to_string();

    let hex = node
        .call_both("getblock", vec![hash.clone(), json!(0)])
        .await
        .unwrap();
    let block: Block = encode::deserialize(&hex::decode(hex.as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(block.block_hash(), hashes[1]);

    for verbosity in [Value::Null, json!(1), json!(true)] {
        let block = node
            .call_both("getblock", vec![hash.clone(), verbosity])
            .await
            .unwrap();
        assert_eq!(block["tx"], json!([coinbase_txid]));
        assert_eq!(block["height"], 2);
        assert_eq!(block["size"], stored.serialized_size());
        assert_eq!(block["weight"], stored.weight().to_wu());
    }
    let block = node
        .call_both("getblock", vec![hash.clone(), json!(2)])
        .await
        .unwrap();
    let coinbase = &block["tx"][0];
    assert_eq!(coinbase["txid"], coinbase_txid);
    assert_eq!(
        coinbase["vout"][0]["scriptPubKey"]["address"],
        node.address(&key.script)
    );
    assert!(coinbase["vin"][0]["coinbase"].is_string());

    let error = node.call("getblock", json!([hash, 7])).await.unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (codes::RPC_INVALID_PARAMETER, "verbosity must be 0, 1 or 2")
    );
    let error = node.call("getblock", json!([hash, "2"])).await.unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (codes::RPC_TYPE_ERROR, "verbosity must be a number")
    );
    let error = node
        .call("getblock", json!([hash, 1, 2]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "too many parameters; usage: getblock \"blockhash\" ( verbosity )"
    );
}

#[tokio::test]
async fn gettxout_shows_unspent_outputs_only() {
    let node = TestNode::new();
    let key = TestKey::new(1);
    node.mine(3, &key.script).await;
    let (txid, value) = {
        let chain = node.chain();
        let hash = chain.index().active_at(1).unwrap();
        let block = chain.block(&hash).unwrap().unwrap();
        (
            block.txdata[0].compute_txid(),
            block.txdata[0].output[0].value,
        )
    };
    let out = node
        .call_both("gettxout", vec![json!(txid.to_string()), json!(0)])
        .await
        .unwrap();
    assert_eq!(out["confirmations"], 3);
    assert_eq!(out["value"], json!(value.to_btc()));
    assert_eq!(out["coinbase"], true);
    assert_eq!(out["bestblock"], node.chain().tip().hash.to_string());
    assert_eq!(
        out["scriptPubKey"]["hex"],
        hex::encode(key.script.as_bytes())
    );
    assert_eq!(out["scriptPubKey"]["type"], "witness_v0_keyhash");
    let coin = node
        .chain()
        .coin(&OutPoint { txid, vout: 0 })
        .unwrap()
        .unwrap();
    assert_eq!(coin.output.value, value);

    let missing = node
        .call_both(
            "gettxout",
            vec![json!(txid.to_string()), json!(9), json!(false)],
        )
        .await
        .unwrap();
    assert_eq!(missing, Value::Null);
    let error = node
        .call("gettxout", json!([txid.to_string(), -1]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "JSON value of type number for parameter `n` is not of the expected type"
    );
}

#[tokio::test]
async fn gettxoutsetinfo_counts_the_utxo_set() {
    let node = TestNode::new();
    node.mine(5, &TestKey::new(1).script).await;
    let info = node.call_both("gettxoutsetinfo", vec![]).await.unwrap();
    let stats = node.chain().utxo_stats().unwrap();
    assert_eq!(info["height"], 5);
    assert_eq!(info["bestblock"], node.chain().tip().hash.to_string());
    assert_eq!(info["txouts"], stats.outputs);
    assert_eq!(info["transactions"], stats.transactions);
    assert_eq!(info["total_amount"], json!(stats.total_amount.to_btc()));
    assert_eq!(info["hash_serialized_sha256"], stats.hash.to_string());
    // The faucet and five coinbases.
    assert!(stats.outputs >= 6);
    // Bitcoin Core's hash_type is accepted.
    let same = node
        .call_both("gettxoutsetinfo", vec![json!("hash_serialized_3")])
        .await
        .unwrap();
    assert_eq!(
        same["hash_serialized_sha256"],
        info["hash_serialized_sha256"]
    );
}

#[tokio::test]
async fn uptime_counts_from_the_start() {
    let node = TestNode::with(common::venture_dev_params(|t| t), |ctx| {
        ctx.started = Instant::now() - Duration::from_secs(90);
    });
    let uptime = node.call_both("uptime", vec![]).await.unwrap();
    let seconds = uptime.as_u64().unwrap();
    assert!((90..120).contains(&seconds), "{seconds}");
}

#[tokio::test]
async fn setmocktime_pins_the_chains_clock_on_development_chains_only() {
    let node = TestNode::new();
    let pinned = 2_000_000_000;
    assert_eq!(
        node.call_both("setmocktime", vec![json!(pinned)])
            .await
            .unwrap(),
        Value::Null
    );
    assert_eq!(node.chain().clock().now(), pinned);
    // Templates are built at the pinned time.
    let template = node.call("getblocktemplate", json!([{}])).await.unwrap();
    assert_eq!(template["curtime"], json!(pinned));
    let error = node.call("setmocktime", json!([-1])).await.unwrap_err();
    assert_eq!(error.message, "Mocktime cannot be negative: -1.");
    let error = node
        .call("setmocktime", json!([i64::MAX]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        format!("Mocktime must be at most 4294967295, not {}.", i64::MAX)
    );
    assert_eq!(
        node.chain().clock().now(),
        pinned,
        "a refused time changes nothing"
    );
    node.call("setmocktime", json!([0])).await.unwrap();
    assert_ne!(node.chain().clock().now(), pinned);
    let live = TestNode::with_params(common::venture_dev_params(|text| {
        text.replace("chain_type = \"development\"", "chain_type = \"local\"")
    }));
    let error = live.call("setmocktime", json!([pinned])).await.unwrap_err();
    assert_eq!(error.message, "setmocktime is for development chains only");
}

#[tokio::test]
async fn stop_answers_then_asks_the_node_to_shut_down() {
    let node = TestNode::new();
    let shutdown = node.ctx.shutdown.subscribe();
    assert!(!*shutdown.borrow());
    let answer = node.call("stop", json!([])).await.unwrap();
    assert_eq!(answer, "Venture server stopping");
    assert!(*shutdown.borrow());
    assert!(node.ctx.stopping.load(std::sync::atomic::Ordering::Relaxed));
    let error = node.call("stop", json!([1, 2])).await.unwrap_err();
    assert_eq!(error.message, "too many parameters; usage: stop");
}

#[tokio::test]
async fn help_lists_methods_by_category_and_describes_each() {
    let node = TestNode::new();
    let all = node.call_both("help", vec![]).await.unwrap();
    let all = all.as_str().unwrap();
    assert!(all.starts_with("== Blockchain ==\n"), "{all}");
    let blockchain = all.find("== Blockchain ==").unwrap();
    let mining = all.find("== Mining ==").unwrap();
    let getblockheader = all
        .find("\ngetblockheader \"blockhash\" ( verbose )\n")
        .unwrap();
    let createauxblock = all.find("\ncreateauxblock \"address\"").unwrap();
    assert!(blockchain < getblockheader && getblockheader < mining && mining < createauxblock);
    for name in node.methods.names() {
        assert!(
            all.lines().any(|l| l.split(' ').next() == Some(name)),
            "{name} missing from help"
        );
    }

    let one = node
        .call_both("help", vec![json!("getblockheader")])
        .await
        .unwrap();
    let one = one.as_str().unwrap();
    assert!(one.starts_with("getblockheader \"blockhash\" ( verbose )\n"));
    assert!(one.contains("1. blockhash"), "{one}");
    assert!(
        one.contains("2. verbose") && one.contains("default=true"),
        "{one}"
    );
    assert_eq!(
        node.call("help", json!(["nope"])).await.unwrap(),
        "help: unknown command: nope"
    );
}

#[tokio::test]
async fn getchaintips_lists_the_active_chain_and_each_side_branch() {
    let node = TestNode::new();
    let payout = TestKey::new(1).p2wpkh();
    let active = node.mine(3, &payout).await;
    // A side block at height 2, fully stored, and a header on top of it without data.
    let params = node.ctx.params.clone();
    let side = {
        let mut chain = node.chain();
        let first = chain.index().get(&active[0]).unwrap().header;
        let next = venture_testchain::NextBlock {
            prev_hash: active[0],
            height: 2,
            time: first.time + 1,
            bits: first.bits.to_consensus(),
        };
        let pay = vec![TestKey::new(2).pay(1_000)];
        let mut block = venture_testchain::native_block(&params, next, b"side", pay, vec![]);
        venture_testchain::solve(&mut block, &params);
        chain.process_block(block.clone(), false).unwrap();
        block
    };
    let tips = node.call_both("getchaintips", vec![]).await.unwrap();
    assert_eq!(
        tips,
        json!([
            { "height": 3, "hash": active[2].to_string(), "branchlen": 0, "status": "active" },
            { "height": 2, "hash": side.block_hash().to_string(), "branchlen": 1, "status": "valid-headers" },
        ])
    );
    let mut on_side = venture_testchain::native_block(
        &params,
        venture_testchain::NextBlock {
            prev_hash: side.block_hash(),
            height: 3,
            time: side.header.pure.time + 1,
            bits: side.header.pure.bits.to_consensus(),
        },
        b"side",
        vec![TestKey::new(2).pay(1_000)],
        vec![],
    );
    venture_testchain::solve(&mut on_side, &params);
    node.chain()
        .process_headers(std::slice::from_ref(&on_side.header))
        .unwrap();
    let tips = node.call("getchaintips", json!([])).await.unwrap();
    assert_eq!(tips[1]["hash"], on_side.block_hash().to_string(), "{tips}");
    assert_eq!(tips[1]["branchlen"], 2);
    assert_eq!(tips[1]["status"], "headers-only");
    assert_eq!(
        tips.as_array().unwrap().len(),
        2,
        "the side block is no tip now"
    );
}
