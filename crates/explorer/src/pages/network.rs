//! `/network`: sync state (`getblockchaininfo`), this node (`getnetworkinfo`) and its
//! peers (`getpeerinfo`). A peer's user agent and address are the peer's own words,
//! shown escaped.

use crate::html::{facts, field, mono, Table};
use crate::source::Explorer;
use crate::{render_page, PageResult};
use axum::extract::State;
use serde_json::json;
use std::sync::Arc;

pub async fn page(State(explorer): State<Arc<Explorer>>) -> PageResult {
    let chain = explorer.call("getblockchaininfo", json!([])).await?;
    let text = field;
    let mut body = String::from("<h2>Sync</h2>");
    body.push_str(&facts(&[
        ("sync-blocks", "Blocks", text(&chain["blocks"])),
        ("sync-headers", "Headers", text(&chain["headers"])),
        (
            "sync-progress",
            "Verification progress",
            format!(
                "{:.2} %",
                chain["verificationprogress"].as_f64().unwrap_or(0.0) * 100.0
            ),
        ),
        (
            "sync-state",
            "State",
            if chain["initialblockdownload"].as_bool() == Some(true) {
                "initial block download".into()
            } else {
                "in sync".into()
            },
        ),
        (
            "sync-disk",
            "Size on disk (bytes)",
            text(&chain["size_on_disk"]),
        ),
        (
            "sync-genesis",
            "Genesis",
            mono(&text(&chain["genesis_hash"])),
        ),
        (
            "sync-spec-hash",
            "Spec hash",
            mono(&text(&chain["spec_hash"])),
        ),
    ]));
    // A node run without the peer-to-peer layer answers these with an error.
    if let (Ok(network), Ok(peers)) = (
        explorer.call("getnetworkinfo", json!([])).await,
        explorer.call("getpeerinfo", json!([])).await,
    ) {
        body.push_str("<h2>This node</h2>");
        body.push_str(&facts(&[
            ("net-agent", "User agent", text(&network["subversion"])),
            (
                "net-connections",
                "Connections",
                format!(
                    "{} ({} in, {} out)",
                    text(&network["connections"]),
                    text(&network["connections_in"]),
                    text(&network["connections_out"])
                ),
            ),
            (
                "net-listen",
                "Listening on",
                network["listen_addresses"]
                    .as_array()
                    .map(|a| a.iter().map(&text).collect::<Vec<_>>().join("<br>"))
                    .unwrap_or_default(),
            ),
        ]));
        body.push_str("<h2>Peers</h2>");
        let mut table = Table::new(
            "peers",
            &[
                "Id",
                "Address",
                "Direction",
                "User agent",
                "Their height",
                "Synced headers",
                "Synced blocks",
                "Misbehaviour",
            ],
        );
        let none = Vec::new();
        for peer in peers.as_array().unwrap_or(&none) {
            table.row(&[
                text(&peer["id"]),
                mono(&text(&peer["addr"])),
                if peer["inbound"].as_bool() == Some(true) {
                    "in".into()
                } else {
                    "out".into()
                },
                text(&peer["subver"]),
                text(&peer["best_height"]),
                text(&peer["synced_headers"]),
                text(&peer["synced_blocks"]),
                text(&peer["misbehavior"]),
            ]);
        }
        body.push_str(&table.finish());
    } else {
        body.push_str("<p class=\"note\">The peer-to-peer layer is not running.</p>");
    }
    render_page(&explorer, "Network", &body)
}
