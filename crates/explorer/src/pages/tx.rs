//! `/tx/{txid}?block=HASH`: a transaction (from `getrawtransaction`), its inputs and its
//! outputs with their addresses, carried text, vesting locks and whether they are spent.

use super::block::{op_return_payload, parse_hash};
use crate::html::{esc, facts, field, link, mono, printable, short, trim_decimals, Table};
use crate::source::Explorer;
use crate::{render_page, PageError, PageResult};
use axum::extract::{Path, Query, State};
use bitcoin::{OutPoint, ScriptBuf, Txid};
use serde::Deserialize;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;

/// Inputs or outputs listed; a larger transaction says how many are left out.
const MAX_LISTED: usize = 1_000;

#[derive(Debug, Deserialize)]
pub struct TxQuery {
    block: Option<String>,
}

/// The state of one output on the active chain.
enum OutputState {
    /// `locked_until`: the vesting unlock height, while it is still ahead.
    Unspent { locked_until: Option<u32> },
    /// Spent, or never spendable (`OP_RETURN`), or not confirmed yet.
    Unknown,
}

pub async fn page(
    State(explorer): State<Arc<Explorer>>,
    Path(txid): Path<String>,
    Query(query): Query<TxQuery>,
) -> PageResult {
    let parsed = (txid.len() == 64)
        .then(|| Txid::from_str(&txid).ok())
        .flatten()
        .ok_or_else(|| PageError::BadRequest(format!("`{txid}` is not a transaction id")))?;
    let mut params = vec![json!(txid), json!(true)];
    if let Some(block) = &query.block {
        let hash = parse_hash(block)
            .ok_or_else(|| PageError::BadRequest(format!("`{block}` is not a block hash")))?;
        params.push(json!(hash.to_string()));
    }
    let tx = explorer.lookup("getrawtransaction", Value::Array(params)).await.map_err(|e| match e {
        PageError::NotFound(message) => PageError::NotFound(format!(
            "{message} (a confirmed transaction is found from its block's page, or by any search on a node run with --txindex)"
        )),
        other => other,
    })?;
    let confirmed = tx["blockhash"].is_string();
    let outputs = tx["vout"].as_array().map_or(0, Vec::len).min(MAX_LISTED) as u32;
    let states = if confirmed {
        explorer
            .with_chain(move |chain| {
                let next_height = chain.height() + 1;
                (0..outputs)
                    .map(|vout| {
                        let coin = chain
                            .coin(&OutPoint { txid: parsed, vout })
                            .map_err(|e| PageError::Node(e.to_string()))?;
                        Ok(match coin {
                            Some(coin) => OutputState::Unspent {
                                locked_until: (coin.unlock_height > next_height)
                                    .then_some(coin.unlock_height),
                            },
                            None => OutputState::Unknown,
                        })
                    })
                    .collect::<Result<Vec<_>, PageError>>()
            })
            .await?
    } else {
        Vec::new()
    };
    let body = render(&tx, &states, explorer.ticker());
    render_page(&explorer, &format!("Transaction {}", short(&txid)), &body)
}

fn render(tx: &Value, states: &[OutputState], ticker: &str) -> String {
    let text = |key: &str| field(&tx[key]);
    let mut items = vec![
        ("tx-id", "Transaction id", mono(&text("txid"))),
        ("tx-wtxid", "Witness id", mono(&text("hash"))),
        (
            "tx-size",
            "Size / vsize / weight",
            format!("{} / {} / {}", text("size"), text("vsize"), text("weight")),
        ),
        ("tx-version", "Version", text("version")),
        ("tx-locktime", "Lock time", text("locktime")),
    ];
    match tx["blockhash"].as_str() {
        Some(block) => {
            items.push(("tx-block", "Block", link(&format!("/block/{block}"), block)));
            items.push(("tx-confirmations", "Confirmations", text("confirmations")));
        }
        None => items.push((
            "tx-block",
            "Block",
            "in the mempool, not confirmed yet".into(),
        )),
    }
    let mut body = facts(&items);
    body.push_str("<h2>Inputs</h2>");
    let mut inputs = Table::new("tx-inputs", &["#", "Spends", "Script (text)"]);
    let no_inputs = Vec::new();
    let vin = tx["vin"].as_array().unwrap_or(&no_inputs);
    for (i, input) in vin.iter().take(MAX_LISTED).enumerate() {
        let (spends, script) = match input["coinbase"].as_str() {
            Some(coinbase) => (
                "coinbase".to_string(),
                hex::decode(coinbase).unwrap_or_default(),
            ),
            None => {
                let prev = input["txid"].as_str().unwrap_or_default();
                let vout = input["vout"].as_u64().unwrap_or(0);
                let sig = input["scriptSig"]["hex"].as_str().unwrap_or_default();
                (
                    format!(
                        "<span class=\"mono\">{}:{vout}</span>",
                        link(&format!("/tx/{prev}"), &short(prev))
                    ),
                    hex::decode(sig).unwrap_or_default(),
                )
            }
        };
        inputs.row(&[i.to_string(), spends, mono(&printable(&script))]);
    }
    body.push_str(&inputs.finish());
    body.push_str("<h2>Outputs</h2>");
    let heading = format!("Amount ({ticker})");
    let mut outputs = Table::new("tx-outputs", &["#", &heading, "To", "Type", "State"]);
    let no_outputs = Vec::new();
    let vout = tx["vout"].as_array().unwrap_or(&no_outputs);
    for (i, output) in vout.iter().take(MAX_LISTED).enumerate() {
        let script = &output["scriptPubKey"];
        let bytes = hex::decode(script["hex"].as_str().unwrap_or_default()).unwrap_or_default();
        let to = match script["address"].as_str() {
            Some(address) => mono(&link(&format!("/address/{address}"), address)),
            None if ScriptBuf::from_bytes(bytes.clone()).is_op_return() => format!(
                "<span class=\"mono\">OP_RETURN {}</span>",
                printable(&op_return_payload(&ScriptBuf::from_bytes(bytes)))
            ),
            None => mono(&esc(&short(script["hex"].as_str().unwrap_or_default()))),
        };
        let state = match states.get(i) {
            Some(OutputState::Unspent { locked_until: None }) => "unspent".to_string(),
            Some(OutputState::Unspent {
                locked_until: Some(height),
            }) => {
                format!("unspent; vesting: locked until height {height}")
            }
            Some(OutputState::Unknown) => "spent or unspendable".to_string(),
            None => "—".to_string(),
        };
        outputs.row(&[
            i.to_string(),
            trim_decimals(output["value"].as_f64().unwrap_or(0.0)),
            to,
            esc(script["type"].as_str().unwrap_or_default()),
            state,
        ]);
    }
    body.push_str(&outputs.finish());
    if vin.len().max(vout.len()) > MAX_LISTED {
        let _ = write!(
            body,
            "<p class=\"note\">Only the first {MAX_LISTED} inputs and outputs are listed.</p>"
        );
    }
    body
}
