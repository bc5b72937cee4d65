//! Blockchain queries: `getblockchaininfo`, `getblockcount`, `getbestblockhash`,
//! `getblockhash`, `getblock`, `getblockheader`, `getdifficulty`, `gettxout`,
//! `gettxoutsetinfo`.

use super::Methods;
use crate::json::{block_json, coins, difficulty_of_bits, header_json, script_json};
use crate::{codes, RpcError};
use bitcoin::consensus::encode;
use bitcoin::{BlockHash, OutPoint, Txid};
use serde_json::{json, Value};
use std::str::FromStr;
use venture_chain::{BlockStatus, Chain, IndexEntry};

pub fn register(methods: &mut Methods) {
    methods.register("getblockchaininfo", &[], |ctx, params| async move {
        params.at_most(0, "getblockchaininfo")?;
        ctx.with_chain(|chain| Ok(blockchain_info(chain))).await
    });
    methods.register("getblockcount", &[], |ctx, params| async move {
        params.at_most(0, "getblockcount")?;
        Ok(json!(ctx.tip.borrow().height))
    });
    methods.register("getbestblockhash", &[], |ctx, params| async move {
        params.at_most(0, "getbestblockhash")?;
        Ok(json!(ctx.tip.borrow().hash.to_string()))
    });
    methods.register("getdifficulty", &[], |ctx, params| async move {
        params.at_most(0, "getdifficulty")?;
        ctx.with_chain(|chain| {
            let bits = chain
                .index()
                .tip()
                .map(|e| e.header.bits.to_consensus())
                .unwrap_or(0);
            Ok(json!(difficulty_of_bits(bits)))
        })
        .await
    });
    methods.register("getblockhash", &["height"], |ctx, params| async move {
        const USAGE: &str = "getblockhash height";
        params.at_most(1, USAGE)?;
        let height: i64 = params.required(0, "height", USAGE)?;
        ctx.with_chain(move |chain| {
            u32::try_from(height)
                .ok()
                .and_then(|h| chain.index().active_at(h))
                .map(|h| json!(h.to_string()))
                .ok_or_else(|| RpcError::invalid_parameter("Block height out of range"))
        })
        .await
    });
    methods.register(
        "getblockheader",
        &["blockhash", "verbose"],
        |ctx, params| async move {
            const USAGE: &str = "getblockheader \"blockhash\" ( verbose )";
            params.at_most(2, USAGE)?;
            let hash = parse_block_hash(&params.required::<String>(0, "blockhash", USAGE)?)?;
            let verbose = params.optional::<bool>(1, "verbose")?.unwrap_or(true);
            ctx.with_chain(move |chain| {
                let entry = find_entry(chain, &hash)?;
                // The header record, not the block: a header costs a small read.
                let record = chain.header_record(&hash)?;
                if !verbose {
                    let header = match &record {
                        Some(record) => encode::serialize(&record.header),
                        None => encode::serialize(&entry.header),
                    };
                    return Ok(json!(hex::encode(header)));
                }
                let tx_count = record
                    .filter(|_| entry.status.has(BlockStatus::HAVE_DATA))
                    .map(|r| r.tx_count as usize);
                Ok(header_json(chain, &entry, tx_count))
            })
            .await
        },
    );
    methods.register(
        "getblock",
        &["blockhash", "verbosity"],
        |ctx, params| async move {
            const USAGE: &str = "getblock \"blockhash\" ( verbosity )";
            params.at_most(2, USAGE)?;
            let hash = parse_block_hash(&params.required::<String>(0, "blockhash", USAGE)?)?;
            // Bitcoin Core accepts a boolean here too (false = 0, true = 1).
            let verbosity = match params.raw(1) {
                None => 1,
                Some(Value::Bool(b)) => u8::from(*b),
                Some(Value::Number(n)) => n
                    .as_u64()
                    .filter(|v| *v <= 3)
                    .map(|v| v as u8)
                    .ok_or_else(|| RpcError::invalid_parameter("verbosity must be 0, 1 or 2"))?,
                Some(_) => return Err(RpcError::type_error("verbosity must be a number")),
            };
            ctx.with_chain(move |chain| {
                let entry = find_entry(chain, &hash)?;
                if !entry.status.has(BlockStatus::HAVE_DATA) {
                    return Err(RpcError::misc("Block not available (not fully downloaded)"));
                }
                if verbosity == 0 {
                    let bytes = chain
                        .store()
                        .block_bytes(&hash)
                        .map_err(|e| RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string()))?
                        .ok_or_else(|| RpcError::misc("Block not found on disk"))?;
                    return Ok(json!(hex::encode(bytes)));
                }
                let block = chain
                    .block(&hash)?
                    .ok_or_else(|| RpcError::misc("Block not found on disk"))?;
                Ok(block_json(chain, &entry, &block, verbosity))
            })
            .await
        },
    );
    methods.register(
        "gettxout",
        &["txid", "n", "include_mempool"],
        |ctx, params| async move {
            const USAGE: &str = "gettxout \"txid\" n ( include_mempool )";
            params.at_most(3, USAGE)?;
            let txid = Txid::from_str(&params.required::<String>(0, "txid", USAGE)?)
                .map_err(|_| RpcError::invalid_parameter("txid must be of length 64 (hex)"))?;
            let vout: u32 = params.required(1, "n", USAGE)?;
            let include_mempool = params
                .optional::<bool>(2, "include_mempool")?
                .unwrap_or(true);
            ctx.with_chain_and_pool(move |chain, pool| {
                let outpoint = OutPoint { txid, vout };
                if include_mempool && pool.spender(&outpoint).is_some() {
                    return Ok(Value::Null);
                }
                let Some(coin) = chain.coin(&outpoint)? else {
                    if let Some(output) = pool.output(&outpoint).filter(|_| include_mempool) {
                        return Ok(json!({
                            "bestblock": chain.tip().hash.to_string(),
                            "confirmations": 0,
                            "value": coins(output.value),
                            "scriptPubKey": script_json(&output.script_pubkey, &chain.params().hrp),
                            "coinbase": false,
                        }));
                    }
                    return Ok(Value::Null);
                };
                let tip = chain.tip();
                Ok(json!({
                    "bestblock": tip.hash.to_string(),
                    "confirmations": tip.height - coin.height + 1,
                    "value": coins(coin.output.value),
                    "scriptPubKey": script_json(&coin.output.script_pubkey, &chain.params().hrp),
                    "coinbase": coin.is_coinbase,
                }))
            })
            .await
        },
    );
    methods.register("gettxoutsetinfo", &[], |ctx, params| async move {
        params.at_most(1, "gettxoutsetinfo ( \"hash_type\" )")?;
        ctx.with_chain(|chain| {
            let stats = chain.utxo_stats()?;
            let disk = chain.store().stats().map(|s| s.disk_bytes).unwrap_or(0);
            Ok(json!({
                "height": stats.height,
                "bestblock": stats.best_block.to_string(),
                "txouts": stats.outputs,
                "transactions": stats.transactions,
                "total_amount": coins(stats.total_amount),
                "hash_serialized_sha256": stats.hash.to_string(),
                "disk_size": disk,
            }))
        })
        .await
    });
}

fn blockchain_info(chain: &Chain) -> Value {
    let tip = chain.index().tip().cloned();
    let params = chain.params();
    let (bits, time, work) = tip
        .as_ref()
        .map(|e| {
            (
                e.header.bits.to_consensus(),
                e.header.time,
                e.chain_work.to_string(),
            )
        })
        .unwrap_or_default();
    let tip_hash = chain.tip().hash;
    let headers = chain
        .index()
        .best_header()
        .map_or(chain.height(), |e| e.height);
    json!({
        "chain": params.spec.id,
        "blocks": chain.height(),
        "headers": headers,
        "bestblockhash": tip_hash.to_string(),
        "bits": format!("{bits:08x}"),
        "difficulty": difficulty_of_bits(bits),
        "time": time,
        "mediantime": chain.index().median_time_past(&tip_hash).unwrap_or(time),
        "verificationprogress": if headers == 0 { 1.0 } else { f64::from(chain.height()) / f64::from(headers) },
        "initialblockdownload": chain.is_initial_download(),
        "chainwork": work,
        "size_on_disk": chain.store().stats().map(|s| s.disk_bytes).unwrap_or(0),
        "pruned": false,
        "genesis_hash": params.genesis_hash.to_string(),
        "spec_hash": params.spec_hash().to_string(),
        "warnings": "",
    })
}

pub(crate) fn parse_block_hash(text: &str) -> Result<BlockHash, RpcError> {
    if text.len() != 64 || !text.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(RpcError::invalid_parameter(format!(
            "blockhash must be of length 64 (not {}, for '{text}')",
            text.len()
        )));
    }
    BlockHash::from_str(text)
        .map_err(|_| RpcError::invalid_parameter("blockhash must be hexadecimal"))
}

fn find_entry(chain: &Chain, hash: &BlockHash) -> Result<IndexEntry, RpcError> {
    chain
        .index()
        .get(hash)
        .cloned()
        .ok_or_else(|| RpcError::new(codes::RPC_INVALID_ADDRESS_OR_KEY, "Block not found"))
}
