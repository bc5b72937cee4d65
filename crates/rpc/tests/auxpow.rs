//! Merged-mining RPC handlers called through the method table on a real chain database:
//! an AuxPoW above the allowance is refused, naming the bound, and changes nothing.

use bitcoin::{BlockHash, ScriptBuf};
use serde_json::{json, Value};
use std::str::FromStr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use venture_auxpow::{AuxPow, MAX_AUXPOW_BYTES};
use venture_chain::{Chain, Clock};
use venture_chainspec::ChainParams;
use venture_mempool::{Mempool, MempoolConfig};
use venture_mining::AuxBlockCache;
use venture_primitives::script_to_address;
use venture_rpc::{codes, core_methods, Params, RpcContext, RpcError};
use venture_testchain::{solved_auxpow, AuxPowShape, MINIMAL_AUXPOW};

fn context(dir: &std::path::Path) -> Arc<RpcContext> {
    let params = Arc::new(ChainParams::load("dev").unwrap());
    let chain = Chain::open(params.clone(), dir, Clock::from_fn(|| 1_900_000_000)).unwrap();
    Arc::new(RpcContext {
        tip: chain.subscribe(),
        chain: Arc::new(Mutex::new(chain)),
        mempool: Mempool::shared(MempoolConfig::default()),
        params,
        started: Instant::now(),
        shutdown: tokio::sync::watch::channel(false).0,
        stopping: Arc::new(AtomicBool::new(false)),
        miner_status: None,
        aux_blocks: AuxBlockCache::new(),
        payout_address: None,
        network: None,
    })
}

async fn call(ctx: &Arc<RpcContext>, method: &str, args: Vec<Value>) -> Result<Value, RpcError> {
    let (_, handler) = core_methods().get(method).unwrap();
    handler(ctx.clone(), Params::new(args)).await
}

/// A solved AuxPoW for `hash` whose parent coinbase serializes to `coinbase_bytes`.
fn auxpow_for(ctx: &RpcContext, hash: BlockHash, bits: u32, coinbase_bytes: usize) -> AuxPow {
    let shape = AuxPowShape {
        coinbase_bytes,
        ..MINIMAL_AUXPOW
    };
    let bits = bitcoin::CompactTarget::from_consensus(bits);
    solved_auxpow(&ctx.params, hash, bits, 1_900_000_000, shape)
}

#[tokio::test]
async fn an_auxpow_above_the_allowance_is_refused_naming_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    let address = script_to_address(
        &ctx.params.hrp,
        &ScriptBuf::from_bytes([&[0x00, 0x14][..], &[7; 20][..]].concat()),
    )
    .unwrap();
    let created = call(&ctx, "createauxblock", vec![json!(address)])
        .await
        .unwrap();
    let hash = BlockHash::from_str(created["hash"].as_str().unwrap()).unwrap();
    let bits = u32::from_str_radix(created["bits"].as_str().unwrap(), 16).unwrap();
    let tip = ctx.chain.lock().unwrap().tip();

    // A proof that is valid in every respect but its size.
    let oversized = auxpow_for(&ctx, hash, bits, MAX_AUXPOW_BYTES);
    let size = oversized.serialized_size();
    assert!(size > MAX_AUXPOW_BYTES);
    oversized
        .check(hash, ctx.params.spec.consensus.chain_id as i32, true)
        .unwrap();
    let hex = hex::encode(bitcoin::consensus::encode::serialize(&oversized));
    for method in ["submitauxblock", "getauxblock"] {
        let error = call(&ctx, method, vec![json!(hash.to_string()), json!(hex)])
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
    let fitting = auxpow_for(&ctx, hash, bits, 300);
    let hex = hex::encode(bitcoin::consensus::encode::serialize(&fitting));
    let accepted = call(
        &ctx,
        "submitauxblock",
        vec![json!(hash.to_string()), json!(hex)],
    )
    .await
    .unwrap();
    assert_eq!(accepted, json!(true));
    assert_eq!(ctx.chain.lock().unwrap().height(), tip.height + 1);
}

#[tokio::test]
async fn createauxblock_usage_states_the_allowance() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = context(dir.path());
    let error = call(&ctx, "createauxblock", vec![json!("a"), json!("b")])
        .await
        .unwrap_err();
    assert!(
        error.message.contains(&MAX_AUXPOW_BYTES.to_string()),
        "{}",
        error.message
    );
}
