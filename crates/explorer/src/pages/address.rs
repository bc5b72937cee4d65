//! `/address/{address}`: what an address holds (its unspent outputs) and, on a chain
//! with a venture allocation, what it earned from it tranche by tranche.

use crate::html::{coins, esc, facts, link, mono, short, trim_decimals, Table};
use crate::source::Explorer;
use crate::{render_page, PageError, PageResult};
use axum::extract::{Path, State};
use bitcoin::Amount;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::sync::Arc;
use venture_primitives::address_to_script;

/// Coins listed, newest first; the balance counts them all.
const MAX_LISTED: usize = 200;
/// Venture tranches listed, newest first; the totals count them all.
const MAX_TRANCHES: usize = 200;

pub async fn page(
    State(explorer): State<Arc<Explorer>>,
    Path(address): Path<String>,
) -> PageResult {
    let script = address_to_script(&explorer.params().hrp, &address)
        .map_err(|e| PageError::BadRequest(e.to_string()))?;
    let held = explorer.coins_of(script, MAX_LISTED).await?;
    // Links to the coins' transactions name their blocks, so that a node without a
    // transaction index finds them.
    let heights: Vec<u32> = held.coins.iter().map(|(_, coin)| coin.height).collect();
    let blocks = explorer
        .with_chain(move |chain| {
            Ok(heights
                .iter()
                .map(|h| chain.index().active_at(*h))
                .collect::<Vec<_>>())
        })
        .await?;
    let tip = explorer
        .call("getblockcount", json!([]))
        .await?
        .as_u64()
        .unwrap_or(0);
    let ticker = explorer.ticker().to_string();
    let mut body = facts(&[
        ("address", "Address", mono(&esc(&address))),
        (
            "address-balance",
            "Balance",
            coins(Amount::from_sat(held.total).to_btc(), &ticker),
        ),
        ("address-coins", "Unspent outputs", held.count.to_string()),
    ]);
    let _ = write!(body, "<h2>Unspent outputs</h2>");
    let heading = format!("Amount ({ticker})");
    let mut table = Table::new(
        "address-utxos",
        &["Output", "Height", &heading, "Kind", "Spendable"],
    );
    for ((outpoint, coin), block) in held.coins.iter().zip(&blocks) {
        let txid = outpoint.txid.to_string();
        let tx_path = match block {
            Some(block) => format!("/tx/{txid}?block={block}"),
            None => format!("/tx/{txid}"),
        };
        let spendable = if u64::from(coin.unlock_height) > tip + 1 {
            format!("locked until height {}", coin.unlock_height)
        } else {
            "yes".into()
        };
        table.row(&[
            format!(
                "<span class=\"mono\">{}:{}</span>",
                link(&tx_path, &short(&txid)),
                outpoint.vout
            ),
            link(&format!("/block/{}", coin.height), &coin.height.to_string()),
            trim_decimals(coin.output.value.to_btc()),
            if coin.is_coinbase {
                "coinbase".into()
            } else {
                "payment".into()
            },
            spendable,
        ]);
    }
    body.push_str(&table.finish());
    if held.count > held.coins.len() {
        let _ = write!(
            body,
            "<p class=\"note\">The newest {} of {} outputs are listed.</p>",
            held.coins.len(),
            held.count
        );
    }
    if explorer.params().spec.venture.is_some() {
        let allocation = explorer
            .call("getventureallocation", json!([address]))
            .await?;
        body.push_str(&venture_section(&allocation, &ticker));
    }
    render_page(&explorer, "Address", &body)
}

/// The address's venture earnings from `getventureallocation`.
fn venture_section(allocation: &Value, ticker: &str) -> String {
    let amount = |key: &str| coins(allocation[key].as_f64().unwrap_or(0.0), ticker);
    let mut html = String::from("<h2>Venture allocation</h2>");
    html.push_str(&facts(&[
        ("venture-earned", "Earned", amount("earned")),
        ("venture-vested", "Vested", amount("vested")),
        ("venture-spendable", "Spendable", amount("spendable")),
        ("venture-locked", "Locked", amount("locked")),
        (
            "venture-next-unlock",
            "Next unlock",
            allocation["next_unlock_height"]
                .as_u64()
                .map_or("—".into(), |h| format!("height {h}")),
        ),
    ]));
    let heading = format!("Amount ({ticker})");
    let mut table = Table::new(
        "venture-tranches",
        &[
            "Epoch",
            "Settled at",
            "Output",
            &heading,
            "Unlock height",
            "State",
        ],
    );
    let none = Vec::new();
    let tranches: Vec<(&Value, &Value)> = allocation["epochs"]
        .as_array()
        .unwrap_or(&none)
        .iter()
        .flat_map(|epoch| {
            let tranches = epoch["tranches"].as_array().unwrap_or(&none);
            tranches.iter().map(move |tranche| (epoch, tranche))
        })
        .collect();
    for &(epoch, tranche) in tranches.iter().rev().take(MAX_TRANCHES) {
        let txid = tranche["txid"].as_str().unwrap_or_default();
        let block = epoch["block"].as_str().unwrap_or_default();
        let state = if tranche["spent"].as_bool() == Some(true) {
            "spent"
        } else if tranche["locked"].as_bool() == Some(true) {
            "locked"
        } else {
            "vested"
        };
        table.row(&[
            esc(&epoch["epoch"].to_string()),
            link(
                &format!("/block/{}", epoch["settled_at"]),
                &epoch["settled_at"].to_string(),
            ),
            format!(
                "<span class=\"mono\">{}:{}</span>",
                link(&format!("/tx/{txid}?block={block}"), &short(txid)),
                tranche["vout"]
            ),
            trim_decimals(tranche["amount"].as_f64().unwrap_or(0.0)),
            esc(&tranche["unlock_height"].to_string()),
            state.into(),
        ]);
    }
    html.push_str(&table.finish());
    if tranches.len() > MAX_TRANCHES {
        let _ = write!(
            html,
            "<p class=\"note\">The newest {MAX_TRANCHES} of {} tranches are listed.</p>",
            tranches.len()
        );
    }
    html
}
