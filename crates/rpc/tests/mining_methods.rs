//! One test per mining and merged-mining method, on a real chain database.

mod common;

use bitcoin::consensus::encode;
use bitcoin::{BlockHash, CompactTarget};
use common::{venture_dev_params, TestNode, NOW};
use serde_json::{json, Value};
use std::str::FromStr;
use std::sync::Arc;
use venture_rpc::{codes, RpcError};
use venture_testchain::{solved_auxpow, TestKey, MINIMAL_AUXPOW};

#[tokio::test]
async fn getmininginfo_reports_the_chain_and_the_miner() {
    let node = TestNode::with(venture_dev_params(|t| t), |ctx| {
        ctx.miner_status = Some(Arc::new(|| (3, 1234.5)));
    });
    node.mine(2, &TestKey::new(1).script).await;
    let info = node.call_both("getmininginfo", vec![]).await.unwrap();
    assert_eq!(info["blocks"], 2);
    assert_eq!(info["chain"], "rpc-test");
    assert_eq!(info["pooledtx"], 0);
    assert_eq!(info["generate"], true);
    assert_eq!(info["genproclimit"], 3);
    assert_eq!(info["hashespersec"], 1234.5);

    let idle = TestNode::new();
    let info = idle.call_both("getmininginfo", vec![]).await.unwrap();
    assert_eq!(
        (info["generate"].clone(), info["genproclimit"].clone()),
        (json!(false), json!(0))
    );
}

#[tokio::test]
async fn getblocktemplate_builds_on_the_tip() {
    let node = TestNode::new();
    let hashes = node.mine(2, &TestKey::new(1).script).await;
    let request = json!({"rules": ["segwit"]});
    let template = node
        .call_both("getblocktemplate", vec![request])
        .await
        .unwrap();
    assert_eq!(template["previousblockhash"], hashes[1].to_string());
    assert_eq!(template["height"], 3);
    assert_eq!(template["transactions"], json!([]));
    assert_eq!(
        template["coinbasevalue"],
        node.ctx.params.subsidy(3).to_sat()
    );
    assert_eq!(
        template["chain_id"],
        node.ctx.params.spec.consensus.chain_id
    );
    assert_eq!(template["longpollid"], format!("{}{}", hashes[1], 3));
    let bare = node.call("getblocktemplate", json!([])).await.unwrap();
    assert_eq!(bare["previousblockhash"], template["previousblockhash"]);

    let error = node
        .call("getblocktemplate", json!([{"mode": "proposal"}]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_INVALID_PARAMETER);
    let error = node
        .call("getblocktemplate", json!(["template"]))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (codes::RPC_TYPE_ERROR, "template_request must be an object")
    );
}

#[tokio::test]
async fn submitblock_takes_a_block_mined_elsewhere() {
    let node = TestNode::new();
    let elsewhere = TestNode::new();
    let mined = elsewhere.mine(1, &TestKey::new(2).script).await;
    let hex = elsewhere
        .call("getblock", json!([mined[0].to_string(), 0]))
        .await
        .unwrap();

    let accepted = node.call("submitblock", json!([hex])).await.unwrap();
    assert_eq!(accepted, Value::Null);
    assert_eq!(node.chain().tip().hash, mined[0]);
    let again = node
        .call("submitblock", json!({"hexdata": hex}))
        .await
        .unwrap();
    assert_eq!(again, "duplicate");
    let error = node.call("submitblock", json!(["zz"])).await.unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (codes::RPC_DESERIALIZATION_ERROR, "Block decode failed")
    );
}

#[tokio::test]
async fn generatetoaddress_mines_where_the_spec_allows() {
    let node = TestNode::new();
    let key = TestKey::new(1);
    let address = node.address(&key.script);
    let hashes = node
        .call(
            "generatetoaddress",
            json!({"nblocks": 3, "address": address}),
        )
        .await
        .unwrap();
    let hashes: Vec<String> = serde_json::from_value(hashes).unwrap();
    assert_eq!(hashes.len(), 3);
    assert_eq!(hashes[2], node.chain().tip().hash.to_string());
    let block = node
        .chain()
        .block(&BlockHash::from_str(&hashes[0]).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(block.txdata[0].output[0].script_pubkey, key.script);
    let error = node
        .call("generatetoaddress", json!([-1, address]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_INVALID_PARAMETER);

    let locked = TestNode::with_params(venture_dev_params(|t| {
        t.replace("allow_generate = true", "allow_generate = false")
    }));
    // Refused before the parameters are looked at.
    let error = locked
        .call("generatetoaddress", json!([1, 2, 3, 4]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_METHOD_NOT_FOUND);
    assert!(
        error.message.contains("allow_generate"),
        "{}",
        error.message
    );
}

/// Solves `created` (a createauxblock answer) with a minimal AuxPoW, as a pool would.
fn solve(node: &TestNode, created: &Value) -> (String, String) {
    let hash = BlockHash::from_str(created["hash"].as_str().unwrap()).unwrap();
    let bits = u32::from_str_radix(created["bits"].as_str().unwrap(), 16).unwrap();
    let auxpow = solved_auxpow(
        &node.ctx.params,
        hash,
        CompactTarget::from_consensus(bits),
        NOW as u32,
        MINIMAL_AUXPOW,
    );
    (hash.to_string(), hex::encode(encode::serialize(&auxpow)))
}

#[tokio::test]
async fn createauxblock_hands_out_a_block_on_the_tip() {
    let node = TestNode::new();
    let hashes = node.mine(1, &TestKey::new(1).script).await;
    let address = node.address(&TestKey::new(2).script);
    let created = node
        .call_both("createauxblock", vec![json!(address)])
        .await
        .unwrap();
    assert_eq!(created["previousblockhash"], hashes[0].to_string());
    assert_eq!(created["height"], 2);
    assert_eq!(created["chainid"], node.ctx.params.spec.consensus.chain_id);
    assert_eq!(
        created["coinbasevalue"],
        node.ctx.params.subsidy(2).to_sat()
    );
    assert_eq!(created["_target"], created["target"]);
    let error = node
        .call("createauxblock", json!(["not-an-address"]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_INVALID_ADDRESS_OR_KEY);
}

#[tokio::test]
async fn submitauxblock_accepts_a_solved_block_once() {
    let node = TestNode::new();
    let address = node.address(&TestKey::new(2).script);
    let created = node.call("createauxblock", json!([address])).await.unwrap();
    let (hash, auxpow) = solve(&node, &created);
    let accepted = node
        .call("submitauxblock", json!({"hash": hash, "auxpow": auxpow}))
        .await
        .unwrap();
    assert_eq!(accepted, true);
    assert_eq!(node.chain().tip().hash.to_string(), hash);
    let header = node.call("getblockheader", json!([hash])).await.unwrap();
    assert_eq!(header["merge_mined"], true);
    // The tip moved: the block is no longer on offer.
    let error = node
        .call("submitauxblock", json!([hash, auxpow]))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (codes::RPC_INVALID_PARAMETER, "block hash unknown")
    );
}

#[tokio::test]
async fn getauxblock_creates_for_the_payout_address_and_submits() {
    let bare = TestNode::new();
    let error: RpcError = bare.call("getauxblock", json!([])).await.unwrap_err();
    assert!(
        error.message.contains("--mine-address"),
        "{}",
        error.message
    );

    let payout = TestKey::new(3);
    let probe = TestNode::new();
    let address = probe.address(&payout.script);
    let node = TestNode::with(venture_dev_params(|t| t), |ctx| {
        ctx.payout_address = Some(address);
    });
    let created = node.call("getauxblock", json!([])).await.unwrap();
    assert_eq!(created["height"], 1);
    let error = node
        .call("getauxblock", json!([created["hash"]]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "wrong number of parameters; usage: getauxblock ( \"hash\" \"auxpow\" )"
    );
    let error = node
        .call("getauxblock", json!({"auxpow": "00"}))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "missing required parameter `hash`; usage: getauxblock ( \"hash\" \"auxpow\" )"
    );
    let (hash, auxpow) = solve(&node, &created);
    let accepted = node
        .call("getauxblock", json!([hash, auxpow]))
        .await
        .unwrap();
    assert_eq!(accepted, true);
    let chain = node.chain();
    let block = chain.block(&chain.tip().hash).unwrap().unwrap();
    assert_eq!(block.txdata[0].output[0].script_pubkey, payout.script);
}
