//! Transactions and the mempool: `sendrawtransaction`, `testmempoolaccept`,
//! `getrawtransaction`, `decoderawtransaction`, `getmempoolinfo`, `getrawmempool`,
//! `getmempoolentry`, `estimatesmartfee`, `scantxoutset`.

use super::Methods;
use crate::json::{coins, tx_json};
use crate::{codes, RpcError};
use bitcoin::consensus::encode;
use bitcoin::{Amount, ScriptBuf, Transaction, Txid};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::str::FromStr;
use venture_mempool::{MempoolEntry, MempoolError};
use venture_primitives::address_to_script;

/// Bitcoin Core's default `maxfeerate` for `sendrawtransaction`: 0.10 coin per kvB.
const DEFAULT_MAX_FEE_RATE: f64 = 0.10;

pub fn register(methods: &mut Methods) {
    methods.register(
        "sendrawtransaction",
        &["hexstring", "maxfeerate"],
        |ctx, params| async move {
            const USAGE: &str = "sendrawtransaction \"hexstring\" ( maxfeerate )";
            params.at_most(2, USAGE)?;
            let tx = decode_tx(&params.required::<String>(0, "hexstring", USAGE)?)?;
            let max_fee_rate: f64 = params
                .optional(1, "maxfeerate")?
                .unwrap_or(DEFAULT_MAX_FEE_RATE);
            let raw = encode::serialize(&tx);
            let txid = ctx
                .with_chain_and_pool(move |chain, pool| {
                    let txid = tx.compute_txid();
                    if pool.contains(&txid) {
                        return Ok(json!(txid.to_string()));
                    }
                    let (fee, vsize) = pool.test_accept(&tx, chain).map_err(reject)?;
                    let max_fee = Amount::from_btc(max_fee_rate * vsize as f64 / 1000.0)
                        .unwrap_or(Amount::MAX);
                    if max_fee_rate > 0.0 && fee > max_fee {
                        return Err(RpcError::new(
                            codes::RPC_VERIFY_ERROR,
                            "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)",
                        ));
                    }
                    let now = u64::try_from(chain.clock().now()).unwrap_or(0);
                    let accepted = pool.accept(tx, chain, now).map_err(reject)?;
                    Ok(json!(accepted.txid.to_string()))
                })
                .await?;
            if let Some(network) = &ctx.network {
                if let Err(e) = network.publish_transaction(raw).await {
                    tracing::warn!("cannot relay transaction {txid}: {e}");
                }
            }
            Ok(txid)
        },
    );
    methods.register(
        "testmempoolaccept",
        &["rawtxs", "maxfeerate"],
        |ctx, params| async move {
            const USAGE: &str = "testmempoolaccept [\"rawtx\",...] ( maxfeerate )";
            params.at_most(2, USAGE)?;
            let raw: Vec<String> = params.required(0, "rawtxs", USAGE)?;
            let txs = raw
                .iter()
                .map(|h| decode_tx(h))
                .collect::<Result<Vec<_>, _>>()?;
            ctx.with_chain_and_pool(move |chain, pool| {
                let results: Vec<Value> = txs
                    .iter()
                    .map(|tx| {
                        let mut result = json!({
                            "txid": tx.compute_txid().to_string(),
                            "wtxid": tx.compute_wtxid().to_string(),
                        });
                        match pool.test_accept(tx, chain) {
                            Ok((fee, vsize)) => {
                                result["allowed"] = json!(true);
                                result["vsize"] = json!(vsize);
                                result["fees"] = json!({ "base": coins(fee) });
                            }
                            Err(e) => {
                                result["allowed"] = json!(false);
                                result["reject-reason"] = json!(e.reject_reason());
                            }
                        }
                        result
                    })
                    .collect();
                Ok(Value::Array(results))
            })
            .await
        },
    );
    methods.register(
        "decoderawtransaction",
        &["hexstring"],
        |ctx, params| async move {
            const USAGE: &str = "decoderawtransaction \"hexstring\"";
            params.at_most(2, USAGE)?;
            let tx = decode_tx(&params.required::<String>(0, "hexstring", USAGE)?)?;
            Ok(tx_json(&tx, &ctx.params.hrp))
        },
    );
    methods.register("getrawtransaction", &["txid", "verbose", "blockhash"], |ctx, params| async move {
        const USAGE: &str = "getrawtransaction \"txid\" ( verbose \"blockhash\" )";
        params.at_most(3, USAGE)?;
        let txid = parse_txid(&params.required::<String>(0, "txid", USAGE)?)?;
        let verbose = match params.raw(1) {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_u64().unwrap_or(0) > 0,
            Some(_) => return Err(RpcError::type_error("verbose must be a boolean or a number")),
        };
        let block_hash = match params.optional::<String>(2, "blockhash")? {
            Some(text) => Some(super::blockchain::parse_block_hash(&text)?),
            None => None,
        };
        ctx.with_chain_and_pool(move |chain, pool| {
            let found = match block_hash {
                Some(hash) => {
                    let block = chain
                        .block(&hash)?
                        .ok_or_else(|| RpcError::new(codes::RPC_INVALID_ADDRESS_OR_KEY, "Block hash not found"))?;
                    let tx = block
                        .txdata
                        .into_iter()
                        .find(|tx| tx.compute_txid() == txid)
                        .ok_or_else(|| RpcError::new(codes::RPC_INVALID_ADDRESS_OR_KEY, "No such transaction found in the provided block"))?;
                    Some((tx, Some(hash)))
                }
                None => match pool.get(&txid) {
                    Some(entry) => Some(((*entry.tx).clone(), None)),
                    None => chain.find_transaction(&txid)?.map(|(tx, hash)| (tx, Some(hash))),
                },
            };
            let (tx, in_block) = found.ok_or_else(|| {
                RpcError::new(
                    codes::RPC_INVALID_ADDRESS_OR_KEY,
                    "No such mempool or blockchain transaction. Use -txindex or provide a block hash to enable blockchain transaction queries.",
                )
            })?;
            if !verbose {
                return Ok(json!(hex::encode(encode::serialize(&tx))));
            }
            let mut value = tx_json(&tx, &chain.params().hrp);
            if let Some(hash) = in_block {
                value["blockhash"] = json!(hash.to_string());
                if let Some(entry) = chain.index().get(&hash) {
                    let active = chain.index().is_active(entry);
                    value["in_active_chain"] = json!(active);
                    if active {
                        value["confirmations"] = json!(chain.height() - entry.height + 1);
                        value["time"] = json!(entry.header.time);
                        value["blocktime"] = json!(entry.header.time);
                    }
                }
            }
            Ok(value)
        })
        .await
    });
    methods.register("getmempoolinfo", &[], |ctx, params| async move {
        params.at_most(0, "getmempoolinfo")?;
        ctx.with_chain_and_pool(|_, pool| {
            let info = pool.info();
            Ok(json!({
                "loaded": true,
                "size": info.size,
                "bytes": info.bytes,
                "usage": info.bytes,
                "total_fee": coins(info.total_fee),
                "maxmempool": info.max_vbytes,
                "mempoolminfee": coins(Amount::from_sat(info.min_fee_rate)),
                "minrelaytxfee": coins(Amount::from_sat(info.min_relay_fee_rate)),
                "fullrbf": false,
            }))
        })
        .await
    });
    methods.register("getrawmempool", &["verbose"], |ctx, params| async move {
        params.at_most(2, "getrawmempool ( verbose )")?;
        let verbose = params.optional::<bool>(0, "verbose")?.unwrap_or(false);
        ctx.with_chain_and_pool(move |_, pool| {
            if !verbose {
                return Ok(json!(pool
                    .entries()
                    .map(|e| e.txid.to_string())
                    .collect::<Vec<_>>()));
            }
            let map: serde_json::Map<String, Value> = pool
                .entries()
                .map(|e| (e.txid.to_string(), entry_json(e)))
                .collect();
            Ok(Value::Object(map))
        })
        .await
    });
    methods.register("getmempoolentry", &["txid"], |ctx, params| async move {
        const USAGE: &str = "getmempoolentry \"txid\"";
        params.at_most(1, USAGE)?;
        let txid = parse_txid(&params.required::<String>(0, "txid", USAGE)?)?;
        ctx.with_chain_and_pool(move |_, pool| {
            pool.get(&txid).map(entry_json).ok_or_else(|| {
                RpcError::new(
                    codes::RPC_INVALID_ADDRESS_OR_KEY,
                    "Transaction not in mempool",
                )
            })
        })
        .await
    });
    methods.register(
        "estimatesmartfee",
        &["conf_target", "estimate_mode"],
        |ctx, params| async move {
            const USAGE: &str = "estimatesmartfee conf_target ( \"estimate_mode\" )";
            params.at_most(2, USAGE)?;
            let target: i64 = params.required(0, "conf_target", USAGE)?;
            if !(1..=1008).contains(&target) {
                return Err(RpcError::invalid_parameter(
                    "Invalid conf_target, must be between 1 and 1008",
                ));
            }
            ctx.with_chain_and_pool(move |chain, pool| {
                let weight = chain.params().spec.consensus.max_block_weight;
                let rate = pool.estimate_fee_rate(target as u32, weight);
                Ok(json!({ "feerate": coins(Amount::from_sat(rate)), "blocks": target }))
            })
            .await
        },
    );
    methods.register(
        "scantxoutset",
        &["action", "scanobjects"],
        |ctx, params| async move {
            const USAGE: &str = "scantxoutset \"action\" ( [scanobjects,...] )";
            params.at_most(2, USAGE)?;
            let action: String = params.required(0, "action", USAGE)?;
            match action.as_str() {
                "start" => {}
                // Scans run to completion inside one call: there is never one to report.
                "status" => return Ok(Value::Null),
                "abort" => return Ok(json!(false)),
                _ => return Err(RpcError::invalid_parameter("Invalid action")),
            }
            let objects: Vec<String> = params.required(1, "scanobjects", USAGE)?;
            let hrp = ctx.params.hrp.clone();
            let scripts = objects
                .iter()
                .map(|d| descriptor_script(d, &hrp))
                .collect::<Result<Vec<_>, _>>()?;
            ctx.with_chain(move |chain| scan(chain, &objects, &scripts))
                .await
        },
    );
}

fn scan(
    chain: &venture_chain::Chain,
    descriptors: &[String],
    scripts: &[ScriptBuf],
) -> Result<Value, RpcError> {
    let wanted: HashSet<&ScriptBuf> = scripts.iter().collect();
    let mut unspents = Vec::new();
    let mut total = Amount::ZERO;
    chain
        .store()
        .for_each_coin(|outpoint, coin| {
            if !wanted.contains(&coin.output.script_pubkey) {
                return;
            }
            let desc = scripts
                .iter()
                .position(|s| *s == coin.output.script_pubkey)
                .map(|i| descriptors[i].clone())
                .unwrap_or_default();
            total += coin.output.value;
            unspents.push(json!({
                "txid": outpoint.txid.to_string(),
                "vout": outpoint.vout,
                "scriptPubKey": hex::encode(coin.output.script_pubkey.as_bytes()),
                "desc": desc,
                "amount": coins(coin.output.value),
                "coinbase": coin.is_coinbase,
                "height": coin.height,
            }));
        })
        .map_err(|e| RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string()))?;
    let tip = chain.tip();
    Ok(json!({
        "success": true,
        "txouts": unspents.len(),
        "height": tip.height,
        "bestblock": tip.hash.to_string(),
        "unspents": unspents,
        "total_amount": coins(total),
    }))
}

/// The output script of an `addr(ADDRESS)` or `raw(HEX)` descriptor.
fn descriptor_script(
    descriptor: &str,
    hrp: &venture_primitives::Hrp,
) -> Result<ScriptBuf, RpcError> {
    // A trailing checksum (`#xxxxxxxx`) is accepted and ignored.
    let body = descriptor.split('#').next().unwrap_or_default();
    if let Some(address) = body.strip_prefix("addr(").and_then(|s| s.strip_suffix(')')) {
        return address_to_script(hrp, address)
            .map_err(|e| RpcError::new(codes::RPC_INVALID_ADDRESS_OR_KEY, e.to_string()));
    }
    if let Some(raw) = body.strip_prefix("raw(").and_then(|s| s.strip_suffix(')')) {
        return hex::decode(raw)
            .map(ScriptBuf::from_bytes)
            .map_err(|_| RpcError::invalid_parameter(format!("raw() needs hex: {descriptor}")));
    }
    Err(RpcError::invalid_parameter(format!(
        "unsupported descriptor `{descriptor}`: use addr(ADDRESS) or raw(HEX)"
    )))
}

fn entry_json(entry: &MempoolEntry) -> Value {
    json!({
        "vsize": entry.vsize,
        "weight": entry.weight,
        "time": entry.time,
        "height": entry.height,
        "fees": { "base": coins(entry.fee) },
        "depends": entry.parents.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "wtxid": entry.tx.compute_wtxid().to_string(),
    })
}

fn decode_tx(hex_text: &str) -> Result<Transaction, RpcError> {
    let bytes = hex::decode(hex_text.trim())
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "TX decode failed"))?;
    venture_primitives::deserialize_transaction(&bytes)
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "TX decode failed"))
}

fn parse_txid(text: &str) -> Result<Txid, RpcError> {
    if text.len() != 64 {
        return Err(RpcError::invalid_parameter(format!(
            "txid must be of length 64 (not {}, for '{text}')",
            text.len()
        )));
    }
    Txid::from_str(text).map_err(|_| RpcError::invalid_parameter("txid must be hexadecimal string"))
}

/// Bitcoin Core's codes for refused transactions.
fn reject(e: MempoolError) -> RpcError {
    if e.is_missing_inputs() {
        RpcError::new(codes::RPC_VERIFY_ERROR, e.kind.code())
    } else if e.is_already_known() {
        RpcError::new(
            codes::RPC_VERIFY_ALREADY_IN_CHAIN,
            "Transaction already in block chain",
        )
    } else {
        RpcError::new(codes::RPC_VERIFY_REJECTED, e.to_string())
    }
}
