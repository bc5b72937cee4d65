//! Merged mining with Namecoin's semantics: `createauxblock ADDRESS`,
//! `submitauxblock HASH AUXPOW`, and `getauxblock` (no parameters: create for the node's
//! payout address; `HASH AUXPOW`: submit).
//!
//! The blocks handed out keep room for an AuxPoW of up to
//! [`venture_auxpow::MAX_AUXPOW_BYTES`]; a bigger one is refused at submission, since a
//! full block carrying it could exceed the block weight.

use super::blockchain::parse_block_hash;
use super::Methods;
use crate::{codes, Params, RpcContext, RpcError};
use bitcoin::consensus::encode;
use serde_json::{json, Value};
use std::sync::Arc;
use venture_auxpow::{check_auxpow_size, MAX_AUXPOW_BYTES};
use venture_mining::AuxBlockInfo;
use venture_primitives::{address_to_script, AuxPow};

pub fn register(methods: &mut Methods) {
    methods.register("createauxblock", &["address"], |ctx, params| async move {
        let usage = create_usage();
        params.at_most(1, &usage)?;
        let address: String = params.required(0, "address", &usage)?;
        create(&ctx, &address).await
    });
    methods.register(
        "submitauxblock",
        &["hash", "auxpow"],
        |ctx, params| async move {
            const USAGE: &str = "submitauxblock \"hash\" \"auxpow\"";
            params.at_most(2, USAGE)?;
            let hash: String = params.required(0, "hash", USAGE)?;
            let auxpow: String = params.required(1, "auxpow", USAGE)?;
            submit(&ctx, &hash, &auxpow).await
        },
    );
    methods.register(
        "getauxblock",
        &["hash", "auxpow"],
        |ctx, params| async move { get_aux_block(ctx, params).await },
    );
}

/// `createauxblock`'s usage, stating the AuxPoW allowance its blocks leave room for.
fn create_usage() -> String {
    format!(
        "createauxblock \"address\" (the block leaves room for an AuxPoW of up to {MAX_AUXPOW_BYTES} bytes; submitauxblock refuses bigger ones)"
    )
}

async fn get_aux_block(ctx: Arc<RpcContext>, params: Params) -> Result<Value, RpcError> {
    const USAGE: &str = "getauxblock ( \"hash\" \"auxpow\" )";
    match params.len() {
        0 => {
            let address = ctx.payout_address.clone().ok_or_else(|| {
                RpcError::misc("getauxblock without parameters needs a payout address: start the node with --mine-address (or use createauxblock ADDRESS)")
            })?;
            create(&ctx, &address).await
        }
        2 => {
            let hash: String = params.required(0, "hash", USAGE)?;
            let auxpow: String = params.required(1, "auxpow", USAGE)?;
            submit(&ctx, &hash, &auxpow).await
        }
        _ => Err(RpcError::misc(format!(
            "wrong number of parameters; usage: {USAGE}"
        ))),
    }
}

/// Namecoin's `auxMiningCheck`, the part that needs the network: a node with no peers
/// would mine on a tip nobody else sees (development chains mine alone on purpose).
async fn check_connected(ctx: &Arc<RpcContext>) -> Result<(), RpcError> {
    if ctx.params.is_development() {
        return Ok(());
    }
    let peers = match &ctx.network {
        Some(network) => network.connection_count().await.unwrap_or(0),
        None => 0,
    };
    if peers == 0 {
        return Err(RpcError::new(
            codes::RPC_CLIENT_NOT_CONNECTED,
            "Venture is not connected!",
        ));
    }
    Ok(())
}

/// The rest of `auxMiningCheck`: caught up, and merged mining active for the next block.
fn check_active(chain: &venture_chain::Chain) -> Result<(), RpcError> {
    if chain.is_initial_download() && !chain.params().is_development() {
        return Err(RpcError::new(
            codes::RPC_CLIENT_IN_INITIAL_DOWNLOAD,
            "Venture is downloading blocks...",
        ));
    }
    if !chain.params().merge_mining_active(chain.height() + 1) {
        return Err(RpcError::misc(
            "mining auxblock method is not yet available",
        ));
    }
    Ok(())
}

async fn create(ctx: &Arc<RpcContext>, address: &str) -> Result<Value, RpcError> {
    let payout = address_to_script(&ctx.params.hrp, address).map_err(|e| {
        RpcError::new(
            codes::RPC_INVALID_ADDRESS_OR_KEY,
            format!("Invalid coinbase payout address: {e}"),
        )
    })?;
    check_connected(ctx).await?;
    let inner = ctx.clone();
    let info = ctx
        .with_chain_and_pool(move |chain, pool| {
            check_active(chain)?;
            inner
                .aux_blocks
                .create(chain, pool, &payout)
                .map_err(|e| RpcError::internal(e.to_string()))
        })
        .await?;
    Ok(aux_block_json(&info))
}

/// Namecoin's fields, plus `target` (the same little-endian hex as `_target`) for pools
/// that read only that key.
fn aux_block_json(info: &AuxBlockInfo) -> Value {
    let target = hex::encode(info.target.to_le_bytes());
    json!({
        "hash": info.hash.to_string(),
        "chainid": info.chain_id,
        "previousblockhash": info.previous_block_hash.to_string(),
        "coinbasevalue": info.coinbase_value,
        "bits": format!("{:08x}", info.bits),
        "height": info.height,
        "_target": target,
        "target": target,
    })
}

async fn submit(
    ctx: &Arc<RpcContext>,
    hash_hex: &str,
    auxpow_hex: &str,
) -> Result<Value, RpcError> {
    check_connected(ctx).await?;
    let hash = parse_block_hash(hash_hex)
        .map_err(|_| RpcError::invalid_parameter("invalid block hash hex"))?;
    let tip = ctx.with_chain(|chain| Ok(chain.tip().hash)).await?;
    let mut block = ctx
        .aux_blocks
        .lookup(&hash, &tip)
        .ok_or_else(|| RpcError::invalid_parameter("block hash unknown"))?;
    let bytes = hex::decode(auxpow_hex.trim())
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "auxpow is not valid hex"))?;
    // The block was built with room for this much AuxPoW and no more: a bigger one could
    // push it over the block weight. Refused before decoding, so it changes nothing.
    check_auxpow_size(bytes.len()).map_err(|e| RpcError::invalid_parameter(e.to_string()))?;
    let auxpow: AuxPow = encode::deserialize(&bytes).map_err(|e| {
        RpcError::new(
            codes::RPC_DESERIALIZATION_ERROR,
            format!("auxpow decode failed: {e}"),
        )
    })?;
    block.header.auxpow = Some(Box::new(auxpow));
    ctx.with_chain(move |chain| {
        check_active(chain)?;
        // Namecoin returns whether the block was accepted (stored, on the best chain or
        // not), not why it was refused; the reason goes to the log.
        match chain.process_block(block, false) {
            Ok(_) => Ok(json!(true)),
            Err(e) => {
                tracing::info!(%hash, "submitauxblock rejected: {e}");
                Ok(json!(false))
            }
        }
    })
    .await
}
