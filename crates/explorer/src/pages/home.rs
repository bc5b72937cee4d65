//! `/`: the tip, sync state, hash rate, mempool, recent blocks and the charts of the
//! last blocks.

use super::{block_rows, blocks_table, charts, parent_family};
use crate::html::{esc, hashrate, link, mono, short, trim_decimals, Table};
use crate::source::Explorer;
use crate::{render_page, PageResult};
use axum::extract::State;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::sync::Arc;

/// Blocks listed on the home page.
const RECENT_BLOCKS: u32 = 20;
/// Blocks charted on the home page (the charts page goes further back).
const CHARTED_BLOCKS: u32 = 500;
/// Pool transactions listed, highest fee rate first.
const POOL_LISTED: usize = 10;
/// Blocks over which the merge-mined share is given (as in the metrics).
const SHARE_WINDOW: u32 = 100;

pub async fn page(State(explorer): State<Arc<Explorer>>) -> PageResult {
    let info = explorer.call("getblockchaininfo", json!([])).await?;
    let mining = explorer.call("getmininginfo", json!([])).await?;
    let pool = explorer.call("getmempoolinfo", json!([])).await?;
    let peers = explorer.call("getconnectioncount", json!([])).await.ok();
    let family = parent_family(explorer.params());
    let mempool = explorer.mempool().clone();
    // The pool is read under the chain's lock: the node's lock order is chain, then pool.
    let (rows, share, data, top_pool) = explorer
        .with_chain(move |chain| {
            let rows = block_rows(chain, chain.height(), RECENT_BLOCKS)?;
            let share = chain.merge_mined_in_last(SHARE_WINDOW);
            let data = charts::chart_data(chain, CHARTED_BLOCKS);
            Ok((rows, share, data, pool_top(&mempool)))
        })
        .await?;
    let number = |v: &Value| v.as_f64().unwrap_or(0.0);
    let (window, merged) = share;
    let share_text = if window == 0 {
        "—".to_string()
    } else {
        format!(
            "{:.1} % ({merged} of {window})",
            f64::from(merged) * 100.0 / f64::from(window)
        )
    };
    let best = info["bestblockhash"].as_str().unwrap_or_default();
    let mut body = String::from("<div class=\"cards\">");
    for (id, label, value) in [
        ("tip-height", "Height", esc(&info["blocks"].to_string())),
        (
            "header-height",
            "Headers",
            esc(&info["headers"].to_string()),
        ),
        (
            "difficulty",
            "Difficulty",
            esc(&format!("{}", number(&info["difficulty"]))),
        ),
        (
            "hashrate",
            "Hash rate (last 120 blocks)",
            hashrate(number(&mining["networkhashps"])),
        ),
        ("merge-mined-share", "Merge-mined (last 100)", share_text),
        (
            "mempool-size",
            "Mempool transactions",
            esc(&pool["size"].to_string()),
        ),
        (
            "mempool-bytes",
            "Mempool bytes",
            esc(&pool["bytes"].to_string()),
        ),
        (
            "peer-count",
            "Peers",
            peers.map_or("—".into(), |p| esc(&p.to_string())),
        ),
    ] {
        let _ = write!(
            body,
            "<div class=\"card\">{}<b id=\"{id}\">{value}</b></div>",
            esc(label)
        );
    }
    let _ = write!(
        body,
        "</div><p>Best block {} · {}</p>",
        link(&format!("/block/{best}"), best),
        if info["initialblockdownload"].as_bool() == Some(true) {
            "catching up with the network"
        } else {
            "in sync"
        }
    );
    body.push_str("<h2>Recent blocks</h2>");
    body.push_str(&blocks_table("recent-blocks", &rows, family));
    body.push_str("<h2>Mempool</h2>");
    body.push_str(&top_pool);
    let _ = write!(
        body,
        "<h2>Last {CHARTED_BLOCKS} blocks</h2><p class=\"note\"><a href=\"/charts\">More history</a></p>{}",
        charts::charts(data)
    );
    render_page(&explorer, "Overview", &body)
}

/// The pool's transactions with the highest fee rates.
fn pool_top(mempool: &venture_mempool::SharedMempool) -> String {
    let Ok(pool) = mempool.lock() else {
        return "<p class=\"error\">mempool unavailable</p>".into();
    };
    if pool.is_empty() {
        return "<p class=\"note\" id=\"mempool-empty\">No transaction is waiting.</p>".into();
    }
    let mut entries: Vec<_> = pool.entries().collect();
    let listed = POOL_LISTED.min(entries.len());
    entries.select_nth_unstable_by(listed - 1, |a, b| b.fee_rate().cmp(&a.fee_rate()));
    entries.truncate(listed);
    entries.sort_by_key(|e| std::cmp::Reverse(e.fee_rate()));
    let mut table = Table::new(
        "mempool-top",
        &["Transaction", "Fee rate (sat/vB)", "Fee", "vsize"],
    );
    for entry in entries {
        let txid = entry.txid.to_string();
        table.row(&[
            mono(&link(&format!("/tx/{txid}"), &short(&txid))),
            format!("{:.3}", entry.fee_rate() as f64 / 1000.0),
            trim_decimals(entry.fee.to_btc()),
            entry.vsize.to_string(),
        ]);
    }
    table.finish()
}
