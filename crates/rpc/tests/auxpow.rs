//! Merged-mining RPC handlers called through the method table on a real chain database:
//! an AuxPoW above the allowance is refused, naming the bound, and changes nothing.

mod common;

use bitcoin::{BlockHash, ScriptBuf};
use common::{TestNode, NOW};
use serde_json::json;
use std::str::FromStr;
use std::sync::Arc;
use venture_auxpow::{AuxPow, MAX_AUXPOW_BYTES};
use venture_chainspec::ChainParams;
use venture_rpc::{codes, RpcContext};
use venture_testchain::{solved_auxpow, AuxPowShape, MINIMAL_AUXPOW};

/// A node of the built-in dev chain.
fn dev_node() -> TestNode {
    TestNode::with_params(Arc::new(ChainParams::load("dev").unwrap()))
}

/// A solved AuxPoW for `hash` whose parent coinbase serializes to `coinbase_bytes`.
fn auxpow_for(ctx: &RpcContext, hash: BlockHash, bits: u32, coinbase_bytes: usize) -> AuxPow {
    let shape = AuxPowShape {
        coinbase_bytes,
        ..MINIMAL_AUXPOW
    };
    let bits = bitcoin::CompactTarget::from_consensus(bits);
    solved_auxpow(&ctx.params, hash, bits, NOW as u32, shape)
}

#[tokio::test]
async fn an_auxpow_above_the_allowance_is_refused_naming_the_bound() {
    let node = dev_node();
    let ctx = &node.ctx;
    let address = node.address(&ScriptBuf::from_bytes(
        [&[0x00, 0x14][..], &[7; 20][..]].concat(),
    ));
    let created = node.call("createauxblock", json!([address])).await.unwrap();
    let hash = BlockHash::from_str(created["hash"].as_str().unwrap()).unwrap();
    let bits = u32::from_str_radix(created["bits"].as_str().unwrap(), 16).unwrap();
    let tip = ctx.chain.lock().unwrap().tip();

    // A proof that is valid in every respect but its size.
    let oversized = auxpow_for(ctx, hash, bits, MAX_AUXPOW_BYTES);
    let size = oversized.serialized_size();
    assert!(size > MAX_AUXPOW_BYTES);
    oversized
        .check(hash, ctx.params.spec.consensus.chain_id as i32, true)
        .unwrap();
    let hex = hex::encode(bitcoin::consensus::encode::serialize(&oversized));
    for method in ["submitauxblock", "getauxblock"] {
        let error = node
            .call(method, json!([hash.to_string(), hex]))
            .await
            .unwrap_err();
        assert_eq!(error.code, codes::RPC_INVALID_PARAMETER, "{method}");
        assert!(
            error.message.contains(&format!("{size} bytes"))
                && error
                    .message
                    .contains(&format!("{MAX_AUXPOW_BYTES}-byte allowance")),
            "{method}: {}",
            error.message
        );
    }
    // Nothing changed: same tip, and the block is still on offer with a proof that fits.
    assert_eq!(ctx.chain.lock().unwrap().tip(), tip);
    let fitting = auxpow_for(ctx, hash, bits, 300);
    let hex = hex::encode(bitcoin::consensus::encode::serialize(&fitting));
    let accepted = node
        .call("submitauxblock", json!([hash.to_string(), hex]))
        .await
        .unwrap();
    assert_eq!(accepted, json!(true));
    assert_eq!(ctx.chain.lock().unwrap().height(), tip.height + 1);
}

#[tokio::test]
async fn createauxblock_usage_states_the_allowance() {
    let error = dev_node()
        .call("createauxblock", json!(["a", "b"]))
        .await
        .unwrap_err();
    assert!(
        error.message.contains(&MAX_AUXPOW_BYTES.to_string()),
        "{}",
        error.message
    );
}
