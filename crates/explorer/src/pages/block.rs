//! `/block/{height or hash}`: a block's header (from `getblockheader`), its merged-mining
//! proof and its transactions.

use super::parent_family;
use crate::html::{esc, facts, field, link, mono, printable, short, trim_decimals, utc, Table};
use crate::source::Explorer;
use crate::{render_page, PageError, PageResult};
use axum::extract::{Path, State};
use bitcoin::{BlockHash, Transaction};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;
use venture_primitives::Block;

/// Transactions listed on a block's page; a fuller block says how many are left out.
const MAX_LISTED: usize = 1_000;

/// A block hash from a path segment: 64 hex digits.
pub fn parse_hash(text: &str) -> Option<BlockHash> {
    (text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| BlockHash::from_str(text).ok())
        .flatten()
}

pub async fn page(State(explorer): State<Arc<Explorer>>, Path(id): Path<String>) -> PageResult {
    let hash = if !id.is_empty() && id.len() <= 10 && id.bytes().all(|b| b.is_ascii_digit()) {
        let height: u64 = id
            .parse()
            .map_err(|_| PageError::BadRequest(format!("`{id}` is not a height")))?;
        let hash = explorer.lookup("getblockhash", json!([height])).await?;
        parse_hash(hash.as_str().unwrap_or_default())
            .ok_or_else(|| PageError::Node("getblockhash returned no hash".into()))?
    } else {
        parse_hash(&id).ok_or_else(|| {
            PageError::BadRequest(format!("`{id}` is neither a height nor a block hash"))
        })?
    };
    let header = explorer
        .lookup("getblockheader", json!([hash.to_string(), true]))
        .await?;
    let block = explorer
        .with_chain(move |chain| {
            chain
                .block(&hash)
                .map_err(|e| PageError::Node(e.to_string()))
        })
        .await?;
    let family = parent_family(explorer.params());
    let body = render(&header, block.as_ref(), family, explorer.ticker());
    let title = format!("Block {}", header["height"]);
    render_page(&explorer, &title, &body)
}

fn render(header: &Value, block: Option<&Block>, family: &str, ticker: &str) -> String {
    let text = |key: &str| field(&header[key]);
    let hash = header["hash"].as_str().unwrap_or_default();
    let merge_mined = header["merge_mined"].as_bool() == Some(true);
    let mut items = vec![
        ("block-hash", "Hash", mono(&esc(hash))),
        ("block-height", "Height", text("height")),
        (
            "block-confirmations",
            "Confirmations",
            text("confirmations"),
        ),
        (
            "block-time",
            "Time (UTC)",
            utc(header["time"].as_i64().unwrap_or(0)),
        ),
        (
            "block-kind",
            "Kind",
            if merge_mined {
                "merge-mined".into()
            } else {
                "native".into()
            },
        ),
        ("block-difficulty", "Difficulty", text("difficulty")),
        ("block-bits", "Bits", text("bits")),
        ("block-version", "Version", text("versionHex")),
        ("block-nonce", "Nonce", text("nonce")),
        ("block-merkleroot", "Merkle root", mono(&text("merkleroot"))),
        ("block-chainwork", "Chain work", mono(&text("chainwork"))),
        ("block-ntx", "Transactions", text("nTx")),
    ];
    for (key, label, id) in [
        ("previousblockhash", "Previous block", "block-prev"),
        ("nextblockhash", "Next block", "block-next"),
    ] {
        if let Some(other) = header[key].as_str() {
            items.push((id, label, link(&format!("/block/{other}"), other)));
        }
    }
    let Some(block) = block else {
        items.push((
            "block-data",
            "Data",
            "only the header is here (the block is still being downloaded)".into(),
        ));
        return facts(&items);
    };
    items.push((
        "block-size",
        "Size (bytes)",
        block.serialized_size().to_string(),
    ));
    items.push(("block-weight", "Weight", block.weight().to_wu().to_string()));
    let mut body = facts(&items);
    if let Some(auxpow) = &block.header.auxpow {
        let parent = auxpow.parent_header.block_hash().to_string();
        let script = auxpow
            .coinbase_tx
            .input
            .first()
            .map(|input| input.script_sig.as_bytes().to_vec())
            .unwrap_or_default();
        body.push_str("<h2>Merged mining</h2>");
        body.push_str(&facts(&[
            ("parent-chain", "Parent chain", esc(family)),
            ("parent-block", "Parent block", mono(&esc(&parent))),
            (
                "parent-time",
                "Parent block time (UTC)",
                utc(i64::from(auxpow.parent_header.time)),
            ),
            (
                "parent-coinbase-text",
                "Parent coinbase (text)",
                mono(&printable(&script)),
            ),
            (
                "parent-coinbase-hex",
                "Parent coinbase (hex)",
                mono(&hex::encode(&script)),
            ),
            (
                "chain-index",
                "Slot in the chain merkle tree",
                auxpow.chain_index.to_string(),
            ),
            (
                "chain-branch",
                "Chain merkle branch",
                format!("{} hashes", auxpow.chain_branch.len()),
            ),
            (
                "coinbase-branch",
                "Parent coinbase branch",
                format!("{} hashes", auxpow.coinbase_branch.len()),
            ),
        ]));
    }
    let _ = write!(body, "<h2>Transactions</h2>");
    body.push_str(&transactions_table(block, hash, ticker));
    body
}

/// Each transaction with its outputs' total and any text it carries (a coinbase's
/// script, `OP_RETURN` data), shown escaped.
fn transactions_table(block: &Block, block_hash: &str, ticker: &str) -> String {
    let mut table = Table::new(
        "block-transactions",
        &[
            "Transaction",
            "Inputs",
            "Outputs",
            &format!("Out ({ticker})"),
            "Text it carries",
        ],
    );
    for tx in block.txdata.iter().take(MAX_LISTED) {
        let txid = tx.compute_txid().to_string();
        let total: u64 = tx.output.iter().map(|o| o.value.to_sat()).sum();
        table.row(&[
            mono(&link(
                &format!("/tx/{txid}?block={block_hash}"),
                &short(&txid),
            )),
            if tx.is_coinbase() {
                "coinbase".into()
            } else {
                tx.input.len().to_string()
            },
            tx.output.len().to_string(),
            trim_decimals(bitcoin::Amount::from_sat(total).to_btc()),
            mono(&carried_text(tx)),
        ]);
    }
    let mut html = table.finish();
    if block.txdata.len() > MAX_LISTED {
        let _ = write!(
            html,
            "<p class=\"note\">{} more transactions not listed.</p>",
            block.txdata.len() - MAX_LISTED
        );
    }
    html
}

/// The text a transaction carries: its coinbase script and its `OP_RETURN` payloads,
/// escaped.
pub fn carried_text(tx: &Transaction) -> String {
    let mut parts = Vec::new();
    if tx.is_coinbase() {
        if let Some(input) = tx.input.first() {
            parts.push(printable(input.script_sig.as_bytes()));
        }
    }
    for output in &tx.output {
        if output.script_pubkey.is_op_return() {
            parts.push(format!(
                "OP_RETURN {}",
                printable(&op_return_payload(&output.script_pubkey))
            ));
        }
    }
    parts.join(" · ")
}

/// The pushed bytes of an `OP_RETURN` script, concatenated.
pub fn op_return_payload(script: &bitcoin::Script) -> Vec<u8> {
    script
        .instructions()
        .filter_map(|i| match i {
            Ok(bitcoin::script::Instruction::PushBytes(bytes)) => Some(bytes.as_bytes().to_vec()),
            _ => None,
        })
        .flatten()
        .collect()
}
