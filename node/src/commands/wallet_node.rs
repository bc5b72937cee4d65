//! The wallet commands' conversation with the node over JSON-RPC: connecting, finding
//! the wallet's coins with `scantxoutset`, choosing a fee rate, building a spend around
//! the node's mempool, and broadcasting.

use super::wallet::RpcTarget;
use crate::datadir;
use anyhow::{anyhow, bail, Context, Result};
use bitcoin::consensus::encode::serialize_hex;
use bitcoin::{FeeRate, OutPoint, ScriptBuf, Transaction, Txid};
use serde_json::{json, Value};
use std::path::Path;
use std::str::FromStr;
use venture_rpc_client::{ClientError, RpcClient};
use venture_wallet::{
    amount_from_rpc_coins, fee_rate_from_coins_per_kvb, fee_rate_from_sat_per_vb, SignedSpend,
    Wallet, WalletError, WalletUtxo, GAP_LIMIT,
};

/// A client for the node of `dir`: `--rpc-url` or the address the node wrote, and the
/// node's cookie.
pub(crate) fn connect(dir: &Path, rpc: &RpcTarget) -> Result<RpcClient> {
    let addr = match &rpc.url {
        Some(url) => url
            .trim()
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string(),
        None => {
            let path = datadir::rpc_addr_file(dir);
            std::fs::read_to_string(&path)
                .with_context(|| {
                    format!(
                        "cannot read {} (is a node running with data directory {}? or give --rpc-url HOST:PORT)",
                        path.display(),
                        dir.display()
                    )
                })?
                .trim()
                .to_string()
        }
    };
    RpcClient::with_cookie(addr, &datadir::cookie(dir))
        .with_context(|| format!("is a node running with data directory {}?", dir.display()))
}

/// Coins found by a UTXO scan, and the height it was made at.
pub(super) struct Scan {
    pub height: u32,
    pub utxos: Vec<WalletUtxo>,
}

/// The wallet's coins. Scans its watched scripts, moves the address indices past any
/// that hold coins, and scans again until nothing moves (coins far past the last known
/// index, e.g. after a restore, are found within a few rounds).
pub(super) fn wallet_coins(wallet: &mut Wallet, client: &RpcClient) -> Result<Scan> {
    const MAX_ROUNDS: usize = 100;
    for _ in 0..MAX_ROUNDS {
        let scripts = wallet.watched_scripts(GAP_LIMIT)?;
        let descriptors = scripts
            .iter()
            .map(|script| format!("raw({})", script.to_hex_string()))
            .collect();
        let mut found = scan(client, descriptors)?;
        found
            .utxos
            .retain(|utxo| scripts.contains(&utxo.txout.script_pubkey));
        let used: Vec<ScriptBuf> = found
            .utxos
            .iter()
            .map(|u| u.txout.script_pubkey.clone())
            .collect();
        if !wallet.mark_used(&used, GAP_LIMIT)? {
            return Ok(found);
        }
    }
    bail!("the wallet's coins are spread over more addresses than it scans for")
}

/// `scantxoutset start DESCRIPTORS`.
pub(super) fn scan(client: &RpcClient, descriptors: Vec<String>) -> Result<Scan> {
    let reply = client
        .call("scantxoutset", json!(["start", descriptors]))
        .context("scantxoutset failed")?;
    if reply.get("success").and_then(Value::as_bool) != Some(true) {
        bail!("the node's UTXO scan did not complete: {reply}");
    }
    let height = reply
        .get("height")
        .and_then(Value::as_u64)
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| anyhow!("scantxoutset reply has no height"))?;
    let utxos = reply
        .get("unspents")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("scantxoutset reply has no unspents"))?
        .iter()
        .map(parse_unspent)
        .collect::<Result<Vec<_>>>()?;
    Ok(Scan { height, utxos })
}

pub(super) fn parse_unspent(entry: &Value) -> Result<WalletUtxo> {
    let field = |name: &str| {
        entry
            .get(name)
            .ok_or_else(|| anyhow!("scantxoutset reply: an unspent has no `{name}`: {entry}"))
    };
    let text = |name: &str| {
        field(name)?
            .as_str()
            .ok_or_else(|| anyhow!("scantxoutset reply: `{name}` is not a string: {entry}"))
    };
    let number = |name: &str| {
        field(name)?
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| anyhow!("scantxoutset reply: `{name}` is not a small integer: {entry}"))
    };
    let txid = Txid::from_str(text("txid")?).context("scantxoutset reply: bad txid")?;
    let script =
        hex::decode(text("scriptPubKey")?).context("scantxoutset reply: bad scriptPubKey")?;
    let coins = field("amount")?
        .as_f64()
        .ok_or_else(|| anyhow!("scantxoutset reply: `amount` is not a number: {entry}"))?;
    Ok(WalletUtxo {
        outpoint: OutPoint::new(txid, number("vout")?),
        txout: bitcoin::TxOut {
            value: amount_from_rpc_coins(coins)?,
            script_pubkey: ScriptBuf::from_bytes(script),
        },
        height: number("height")?,
        is_coinbase: field("coinbase")?.as_bool().unwrap_or(false),
    })
}

/// The fee rate asked for, or the node's estimate for six blocks; never below 1 sat/vB
/// nor below what the node's mempool currently takes.
pub(super) fn choose_fee_rate(client: &RpcClient, asked: Option<f64>) -> Result<FeeRate> {
    if let Some(rate) = asked {
        return Ok(fee_rate_from_sat_per_vb(rate)?);
    }
    let coins_per_kvb = |reply: Result<Value, ClientError>, field: &str| {
        reply
            .ok()
            .and_then(|value| value.get(field).and_then(Value::as_f64))
            .and_then(|rate| fee_rate_from_coins_per_kvb(rate).ok())
    };
    let floor = FeeRate::from_sat_per_kwu(250);
    let estimate = coins_per_kvb(client.call("estimatesmartfee", json!([6])), "feerate");
    let mempool_min = coins_per_kvb(client.call("getmempoolinfo", json!([])), "mempoolminfee");
    Ok(floor
        .max(estimate.unwrap_or(floor))
        .max(mempool_min.unwrap_or(floor)))
}

/// Builds a spend from `coins`, dropping coins a transaction in the node's mempool
/// already spends (the UTXO scan does not see the mempool) and building again.
pub(super) fn spend_unspent(
    client: &RpcClient,
    mut coins: Vec<WalletUtxo>,
    build: impl Fn(&[WalletUtxo]) -> Result<SignedSpend, WalletError>,
) -> Result<SignedSpend> {
    const MAX_ROUNDS: usize = 20;
    for _ in 0..MAX_ROUNDS {
        let spend = build(&coins)?;
        let mut spent = Vec::new();
        for input in &spend.inputs {
            let outpoint = input.outpoint;
            let reply = client
                .call(
                    "gettxout",
                    json!([outpoint.txid.to_string(), outpoint.vout]),
                )
                .context("gettxout failed")?;
            if reply.is_null() {
                spent.push(outpoint);
            }
        }
        if spent.is_empty() {
            return Ok(spend);
        }
        coins.retain(|coin| !spent.contains(&coin.outpoint));
    }
    bail!("too many of the coins are being spent by transactions in the mempool; wait for the next block")
}

/// `sendrawtransaction`; the node's rejection reason comes back with a hint.
pub(super) fn broadcast(client: &RpcClient, tx: &Transaction) -> Result<Txid> {
    match client.call("sendrawtransaction", json!([serialize_hex(tx)])) {
        Ok(reply) => {
            let txid = tx.compute_txid();
            if reply.as_str() != Some(txid.to_string().as_str()) {
                eprintln!("warning: the node answered {reply}, expected txid {txid}");
            }
            Ok(txid)
        }
        Err(ClientError::Rpc(failure)) => {
            let hint = match failure.message.as_str() {
                m if m.contains("min relay fee not met")
                    || m.contains("mempool min fee not met") =>
                {
                    "\n(raise --fee-rate)"
                }
                m if m.contains("txn-mempool-conflict") || m.contains("missingorspent") => {
                    "\n(a coin was spent meanwhile; try again, or wait for the next block)"
                }
                m if m.contains("premature-spend-of-coinbase") => {
                    "\n(a coinbase output is not mature yet)"
                }
                _ => "",
            };
            bail!(
                "the node rejected the transaction: {} (code {}){hint}",
                failure.message,
                failure.code
            )
        }
        Err(error) => Err(error).context("cannot send the transaction to the node"),
    }
}
