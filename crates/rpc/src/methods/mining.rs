//! Mining: `getmininginfo`, `getblocktemplate` (BIP22/23 subset), `submitblock` (BIP22
//! result strings) and `generatetoaddress` (where the spec allows it).

use super::Methods;
use crate::json::difficulty_of_bits;
use crate::{codes, Params, RpcContext, RpcError};
use bitcoin::consensus::encode;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use venture_chain::{ChainError, ProcessOutcome};
use venture_difficulty::BlockKind;
use venture_mining::{generate_blocks, BlockTemplate};
use venture_primitives::{address_to_script, Block};

/// How long a long-poll `getblocktemplate` waits for a new tip.
const LONGPOLL_TIMEOUT: Duration = Duration::from_secs(60);

pub fn register(methods: &mut Methods) {
    methods.register("getmininginfo", &[], |ctx, params| async move {
        params.at_most(0, "getmininginfo")?;
        let miner = ctx.miner_status.as_ref().map(|f| f());
        ctx.with_chain_and_pool(move |chain, pool| {
            let pooled = pool.len();
            let bits = chain
                .index()
                .tip()
                .map(|e| e.header.bits.to_consensus())
                .unwrap_or(0);
            Ok(json!({
                "blocks": chain.height(),
                "difficulty": difficulty_of_bits(bits),
                "networkhashps": network_hashps(chain),
                "pooledtx": pooled,
                "chain": chain.params().spec.id,
                "generate": miner.is_some(),
                "genproclimit": miner.map(|m| m.0).unwrap_or(0),
                "hashespersec": miner.map(|m| m.1).unwrap_or(0.0),
                "warnings": "",
            }))
        })
        .await
    });
    methods.register(
        "getblocktemplate",
        &["template_request"],
        |ctx, params| async move {
            params.at_most(1, "getblocktemplate ( \"template_request\" )")?;
            get_block_template(ctx, params).await
        },
    );
    methods.register(
        "submitblock",
        &["hexdata", "dummy"],
        |ctx, params| async move {
            const USAGE: &str = "submitblock \"hexdata\" ( \"dummy\" )";
            params.at_most(2, USAGE)?;
            let hex_data: String = params.required(0, "hexdata", USAGE)?;
            let block = decode_block(&hex_data)?;
            ctx.with_chain(move |chain| Ok(bip22_result(chain.process_block(block, false))))
                .await
        },
    );
    methods.register(
        "generatetoaddress",
        &["nblocks", "address", "maxtries"],
        |ctx, params| async move {
            const USAGE: &str = "generatetoaddress nblocks \"address\" ( maxtries )";
            generate_to_address(ctx, params, USAGE).await
        },
    );
}

/// Decodes a hex block, refusing trailing bytes.
pub(crate) fn decode_block(hex_data: &str) -> Result<Block, RpcError> {
    let bytes = hex::decode(hex_data.trim())
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "Block decode failed"))?;
    encode::deserialize::<Block>(&bytes)
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "Block decode failed"))
}

/// BIP22: null when accepted onto the best chain, else a short reason string.
pub(crate) fn bip22_result(result: Result<ProcessOutcome, ChainError>) -> Value {
    match result {
        Ok(ProcessOutcome::Connected) => Value::Null,
        Ok(ProcessOutcome::Duplicate) => json!("duplicate"),
        Ok(ProcessOutcome::SideChain | ProcessOutcome::Orphan | ProcessOutcome::LowWork) => {
            json!("inconclusive")
        }
        Err(ChainError::Block(e)) => json!(e.kind.code()),
        Err(other) => json!(format!("rejected: {other}")),
    }
}

/// Estimated hashes per second over the last 120 blocks, as Bitcoin Core's
/// `getnetworkhashps` with its defaults.
fn network_hashps(chain: &venture_chain::Chain) -> f64 {
    let index = chain.index();
    let Some(tip) = index.tip() else { return 0.0 };
    let lookback = tip.height.min(120);
    if lookback == 0 {
        return 0.0;
    }
    let Some(first) = index.ancestor(&tip.hash, tip.height - lookback) else {
        return 0.0;
    };
    let span = i64::from(tip.header.time) - i64::from(first.header.time);
    if span <= 0 {
        return 0.0;
    }
    let work = (tip.chain_work - first.chain_work).0;
    f64::from(work) / span as f64
}

async fn get_block_template(ctx: Arc<RpcContext>, params: Params) -> Result<Value, RpcError> {
    let request = params.raw(0).cloned().unwrap_or(json!({}));
    if !request.is_object() {
        return Err(RpcError::type_error("template_request must be an object"));
    }
    match request.get("mode").and_then(Value::as_str) {
        None | Some("template") => {}
        Some("proposal") => {
            return Err(RpcError::invalid_parameter(
                "proposal mode is not supported; use submitblock",
            ))
        }
        Some(_) => return Err(RpcError::invalid_parameter("Invalid mode")),
    }
    if let Some(longpoll) = request.get("longpollid").and_then(Value::as_str) {
        wait_for_new_tip(&ctx, longpoll).await?;
    }
    ctx.with_chain_and_pool(|chain, pool| {
        // The payout goes in the coinbase the caller builds; the template's own
        // coinbase is not exposed, so any script will do.
        let template =
            BlockTemplate::from_pool(chain, pool, bitcoin::ScriptBuf::new(), BlockKind::Native)
                .map_err(|e| RpcError::internal(e.to_string()))?;
        let transactions: Vec<Value> = template
            .transactions
            .iter()
            .map(|tx| {
                let txid = tx.compute_txid();
                let entry = pool.get(&txid);
                let depends: Vec<usize> = entry
                    .map(|e| {
                        e.parents
                            .iter()
                            .filter_map(|p| {
                                template
                                    .transactions
                                    .iter()
                                    .position(|t| t.compute_txid() == *p)
                            })
                            .map(|i| i + 1)
                            .collect()
                    })
                    .unwrap_or_default();
                json!({
                    "data": hex::encode(encode::serialize(tx)),
                    "txid": txid.to_string(),
                    "hash": tx.compute_wtxid().to_string(),
                    "depends": depends,
                    "fee": entry.map(|e| e.fee.to_sat()).unwrap_or(0),
                    "sigops": entry.map(|e| e.sigops).unwrap_or(0),
                    "weight": tx.weight().to_wu(),
                })
            })
            .collect();
        let witness_commitment = template.has_witness().then(|| {
            let block = template.block(0);
            block.txdata[0]
                .output
                .last()
                .map(|o| hex::encode(o.script_pubkey.as_bytes()))
                .unwrap_or_default()
        });
        let c = &template.context;
        let consensus = &chain.params().spec.consensus;
        Ok(json!({
            "version": template.version,
            "rules": ["csv", "segwit", "taproot"],
            "vbavailable": {},
            "vbrequired": 0,
            "previousblockhash": c.prev_hash.to_string(),
            "transactions": transactions,
            "coinbaseaux": {},
            "coinbasevalue": template.coinbase_value().to_sat(),
            "longpollid": format!("{}{}", c.prev_hash, c.height),
            "target": hex::encode(c.target.to_be_bytes()),
            "mintime": c.min_time,
            "mutable": ["time", "transactions", "prevblock"],
            "noncerange": "00000000ffffffff",
            "sigoplimit": 80_000,
            "sizelimit": consensus.max_block_weight,
            "weightlimit": consensus.max_block_weight,
            "curtime": c.time,
            "bits": format!("{:08x}", c.bits),
            "height": c.height,
            "chain_id": consensus.chain_id,
        }))
        .map(|mut value| {
            if let Some(commitment) = witness_commitment {
                value["default_witness_commitment"] = json!(commitment);
            }
            value
        })
    })
    .await
}

/// Blocks until the tip differs from the one `longpollid` names, or a minute passes.
async fn wait_for_new_tip(ctx: &Arc<RpcContext>, longpollid: &str) -> Result<(), RpcError> {
    let mut tips = ctx.tip.clone();
    let current = tips.borrow_and_update().clone();
    if !longpollid.starts_with(&current.hash.to_string()) {
        return Ok(());
    }
    let _ = tokio::time::timeout(LONGPOLL_TIMEOUT, tips.changed()).await;
    Ok(())
}

async fn generate_to_address(
    ctx: Arc<RpcContext>,
    params: Params,
    usage: &str,
) -> Result<Value, RpcError> {
    if !ctx.params.spec.mining.allow_generate {
        return Err(RpcError::new(
            codes::RPC_METHOD_NOT_FOUND,
            "generatetoaddress is disabled on this chain (its spec sets mining.allow_generate = false)",
        ));
    }
    params.at_most(3, usage)?;
    let count: i64 = params.required(0, "nblocks", usage)?;
    let address: String = params.required(1, "address", usage)?;
    let max_tries: u64 = params.optional(2, "maxtries")?.unwrap_or(1_000_000);
    let count = u32::try_from(count)
        .ok()
        .filter(|n| *n <= 100_000)
        .ok_or_else(|| RpcError::invalid_parameter("nblocks must be between 0 and 100000"))?;
    let payout = address_to_script(&ctx.params.hrp, &address).map_err(|e| {
        RpcError::new(
            codes::RPC_INVALID_ADDRESS_OR_KEY,
            format!("Error: Invalid address: {e}"),
        )
    })?;
    let chain = ctx.chain.clone();
    let mempool = ctx.mempool.clone();
    let stopping = ctx.stopping.clone();
    let hashes = tokio::task::spawn_blocking(move || {
        generate_blocks(&chain, &mempool, &payout, count, max_tries, &stopping)
    })
    .await
    .map_err(|e| RpcError::internal(e.to_string()))?
    .map_err(|e| RpcError::misc(e.to_string()))?;
    Ok(json!(hashes
        .iter()
        .map(|h| h.to_string())
        .collect::<Vec<_>>()))
}
