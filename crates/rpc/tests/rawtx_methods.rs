//! One test per transaction and mempool method, with a real signed spend of a mature
//! coinbase on a real chain database.

mod common;

use bitcoin::consensus::encode;
use bitcoin::{OutPoint, Transaction, TxOut};
use common::{coins, TestNode};
use serde_json::{json, Value};
use venture_rpc::codes;
use venture_testchain::TestKey;

const FEE: u64 = 10_000;

/// A node where `key` owns 21 coinbases (the first mature), and a signed transaction
/// spending the first to another key.
async fn node_with_spend() -> (TestNode, TestKey, (OutPoint, TxOut), Transaction) {
    let node = TestNode::new();
    let key = TestKey::new(1);
    let hashes = node.mine(21, &key.script).await;
    let coinbase = node.chain().block(&hashes[0]).unwrap().unwrap().txdata[0].clone();
    let input = (
        OutPoint {
            txid: coinbase.compute_txid(),
            vout: 0,
        },
        coinbase.output[0].clone(),
    );
    let tx = key.spend_one(&input, &TestKey::new(2), FEE);
    (node, key, input, tx)
}

fn hex_of(tx: &Transaction) -> Value {
    json!(hex::encode(encode::serialize(tx)))
}

#[tokio::test]
async fn sendrawtransaction_puts_a_spend_in_the_pool() {
    let (node, _, input, tx) = node_with_spend().await;
    // A fee rate limit (0.0005 coin per kvB) below the transaction's (about 0.0009)
    // refuses it.
    let error = node
        .call("sendrawtransaction", json!([hex_of(&tx), 0.0005]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_VERIFY_ERROR);
    // A limit far below it (100 satoshis per kvB) is still a limit, not "no limit".
    let error = node
        .call("sendrawtransaction", json!([hex_of(&tx), 0.000001]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_VERIFY_ERROR);
    // Rates Bitcoin Core refuses to read: negative, finer than a satoshi, a coin or more.
    for (rate, code) in [
        (json!(-0.1), codes::RPC_TYPE_ERROR),
        (json!(0.000000001), codes::RPC_TYPE_ERROR),
        (json!(1.0), codes::RPC_INVALID_PARAMETER),
    ] {
        let error = node
            .call("sendrawtransaction", json!([hex_of(&tx), rate]))
            .await
            .unwrap_err();
        assert_eq!(error.code, code, "maxfeerate {rate}");
    }
    assert!(node.ctx.mempool.lock().unwrap().is_empty());

    let txid = node
        .call("sendrawtransaction", json!({"hexstring": hex_of(&tx)}))
        .await
        .unwrap();
    assert_eq!(txid, tx.compute_txid().to_string());
    {
        let pool = node.ctx.mempool.lock().unwrap();
        assert!(pool.contains(&tx.compute_txid()));
        assert_eq!(pool.spender(&input.0), Some(tx.compute_txid()));
    }
    let error = node
        .call("sendrawtransaction", json!(["00"]))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (codes::RPC_DESERIALIZATION_ERROR, "TX decode failed")
    );
}

#[tokio::test]
async fn testmempoolaccept_judges_without_adding() {
    let (node, key, _, tx) = node_with_spend().await;
    let immature = {
        let chain = node.chain();
        let hash = chain.index().active_at(21).unwrap();
        let coinbase = chain.block(&hash).unwrap().unwrap().txdata[0].clone();
        key.spend_one(
            &(
                OutPoint {
                    txid: coinbase.compute_txid(),
                    vout: 0,
                },
                coinbase.output[0].clone(),
            ),
            &TestKey::new(2),
            FEE,
        )
    };
    let verdicts = node
        .call_both(
            "testmempoolaccept",
            vec![json!([hex_of(&tx), hex_of(&immature)])],
        )
        .await
        .unwrap();
    assert_eq!(verdicts[0]["txid"], tx.compute_txid().to_string());
    assert_eq!(verdicts[0]["wtxid"], tx.compute_wtxid().to_string());
    assert_eq!(verdicts[0]["allowed"], true);
    assert_eq!(verdicts[0]["vsize"], tx.vsize());
    assert_eq!(verdicts[0]["fees"]["base"], json!(coins(FEE)));
    assert_eq!(verdicts[1]["allowed"], false);
    assert!(verdicts[1]["reject-reason"].is_string());
    assert!(verdicts[1].get("vsize").is_none());
    let capped = node
        .call("testmempoolaccept", json!([[hex_of(&tx)], 0.0005]))
        .await
        .unwrap();
    assert_eq!(capped[0]["allowed"], false);
    assert_eq!(capped[0]["reject-reason"], "max-fee-exceeded");
    assert!(node.ctx.mempool.lock().unwrap().is_empty());
}

#[tokio::test]
async fn decoderawtransaction_shows_the_fields() {
    let (node, _, input, tx) = node_with_spend().await;
    let decoded = node
        .call_both("decoderawtransaction", vec![hex_of(&tx)])
        .await
        .unwrap();
    assert_eq!(decoded["txid"], tx.compute_txid().to_string());
    assert_eq!(decoded["vin"][0]["txid"], input.0.txid.to_string());
    assert_eq!(decoded["vin"][0]["vout"], 0);
    assert_eq!(
        decoded["vin"][0]["txinwitness"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        decoded["vout"][0]["value"],
        json!(coins(input.1.value.to_sat() - FEE))
    );
    assert_eq!(
        decoded["vout"][0]["scriptPubKey"]["address"],
        node.address(&TestKey::new(2).script)
    );
    assert_eq!(decoded["weight"], tx.weight().to_wu());
    // Bitcoin Core's hidden iswitness is accepted.
    let same = node
        .call("decoderawtransaction", json!([hex_of(&tx), true]))
        .await
        .unwrap();
    assert_eq!(same, decoded);
    let error = node
        .call("decoderawtransaction", json!([hex_of(&tx), true, 3]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "too many parameters; usage: decoderawtransaction \"hexstring\""
    );
}

#[tokio::test]
async fn getrawtransaction_finds_pool_and_block_transactions() {
    let (node, _, input, tx) = node_with_spend().await;
    node.call("sendrawtransaction", json!([hex_of(&tx)]))
        .await
        .unwrap();
    let txid = json!(tx.compute_txid().to_string());
    let raw = node
        .call_both("getrawtransaction", vec![txid.clone()])
        .await
        .unwrap();
    assert_eq!(raw, hex_of(&tx));
    let verbose = node
        .call_both("getrawtransaction", vec![txid, json!(1)])
        .await
        .unwrap();
    assert_eq!(verbose["hex"], hex_of(&tx));
    assert!(verbose.get("blockhash").is_none());

    let block_hash = node.chain().index().active_at(1).unwrap().to_string();
    let coinbase = node
        .call_both(
            "getrawtransaction",
            vec![
                json!(input.0.txid.to_string()),
                json!(true),
                json!(block_hash),
            ],
        )
        .await
        .unwrap();
    assert_eq!(coinbase["txid"], input.0.txid.to_string());
    assert_eq!(coinbase["blockhash"], block_hash);
    assert_eq!(coinbase["in_active_chain"], true);
    assert_eq!(coinbase["confirmations"], 21);
    let error = node
        .call(
            "getrawtransaction",
            json!([input.0.txid.to_string(), "yes"]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            codes::RPC_TYPE_ERROR,
            "verbose must be a boolean or a number"
        )
    );
    let error = node
        .call("getrawtransaction", json!(["ab".repeat(32)]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_INVALID_ADDRESS_OR_KEY);
}

#[tokio::test]
async fn getmempoolinfo_sums_the_pool() {
    let (node, _, _, tx) = node_with_spend().await;
    let empty = node.call_both("getmempoolinfo", vec![]).await.unwrap();
    assert_eq!(
        (empty["size"].clone(), empty["bytes"].clone()),
        (json!(0), json!(0))
    );
    node.call("sendrawtransaction", json!([hex_of(&tx)]))
        .await
        .unwrap();
    let info = node.call_both("getmempoolinfo", vec![]).await.unwrap();
    assert_eq!(info["size"], 1);
    assert_eq!(info["bytes"], tx.vsize());
    assert_eq!(info["total_fee"], json!(coins(FEE)));
    assert_eq!(info["loaded"], true);
}

#[tokio::test]
async fn getrawmempool_lists_txids_or_entries() {
    let (node, _, _, tx) = node_with_spend().await;
    node.call("sendrawtransaction", json!([hex_of(&tx)]))
        .await
        .unwrap();
    let txid = tx.compute_txid().to_string();
    let ids = node.call_both("getrawmempool", vec![]).await.unwrap();
    assert_eq!(ids, json!([txid]));
    let entries = node
        .call_both("getrawmempool", vec![json!(true)])
        .await
        .unwrap();
    assert_eq!(entries[&txid]["vsize"], tx.vsize());
    assert_eq!(entries[&txid]["wtxid"], tx.compute_wtxid().to_string());
}

#[tokio::test]
async fn getmempoolentry_shows_one_transaction() {
    let (node, _, _, tx) = node_with_spend().await;
    let txid = json!(tx.compute_txid().to_string());
    let error = node
        .call("getmempoolentry", json!([txid]))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            codes::RPC_INVALID_ADDRESS_OR_KEY,
            "Transaction not in mempool"
        )
    );
    node.call("sendrawtransaction", json!([hex_of(&tx)]))
        .await
        .unwrap();
    let entry = node.call_both("getmempoolentry", vec![txid]).await.unwrap();
    assert_eq!(entry["vsize"], tx.vsize());
    assert_eq!(entry["weight"], tx.weight().to_wu());
    assert_eq!(entry["fees"]["base"], json!(coins(FEE)));
    assert_eq!(entry["height"], 21);
    assert_eq!(entry["depends"], json!([]));
}

#[tokio::test]
async fn estimatesmartfee_answers_within_the_target_range() {
    let (node, _, _, tx) = node_with_spend().await;
    node.call("sendrawtransaction", json!([hex_of(&tx)]))
        .await
        .unwrap();
    let estimate = node
        .call_both("estimatesmartfee", vec![json!(6)])
        .await
        .unwrap();
    assert_eq!(estimate["blocks"], 6);
    let expected = {
        let chain = node.chain();
        let weight = chain.params().spec.consensus.max_block_weight;
        node.ctx
            .mempool
            .lock()
            .unwrap()
            .estimate_fee_rate(6, weight)
    };
    assert_eq!(estimate["feerate"], json!(coins(expected)));
    assert!(expected > 0);
    let error = node.call("estimatesmartfee", json!([0])).await.unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            codes::RPC_INVALID_PARAMETER,
            "Invalid conf_target, must be between 1 and 1008"
        )
    );
}

#[tokio::test]
async fn scantxoutset_finds_an_addresses_coins() {
    let node = TestNode::new();
    let key = TestKey::new(4);
    node.mine(3, &key.script).await;
    let descriptor = format!("addr({})", node.address(&key.script));
    let found = node
        .call_both("scantxoutset", vec![json!("start"), json!([descriptor])])
        .await
        .unwrap();
    assert_eq!(found["success"], true);
    assert_eq!(found["txouts"], 3);
    assert_eq!(found["height"], 3);
    let expected: u64 = (1..=3)
        .map(|h| {
            let chain = node.chain();
            let hash = chain.index().active_at(h).unwrap();
            chain.block(&hash).unwrap().unwrap().txdata[0].output[0]
                .value
                .to_sat()
        })
        .sum();
    assert_eq!(found["total_amount"], json!(coins(expected)));
    assert_eq!(found["unspents"][0]["desc"], descriptor);

    assert_eq!(
        node.call("scantxoutset", json!(["status"])).await.unwrap(),
        Value::Null
    );
    assert_eq!(
        node.call("scantxoutset", json!(["abort"])).await.unwrap(),
        false
    );
    let error = node
        .call("scantxoutset", json!(["start"]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "missing required parameter `scanobjects`; usage: scantxoutset \"action\" ( [scanobjects,...] )"
    );
}
