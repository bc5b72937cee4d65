//! One module per page, and what several pages show alike: rows of blocks and the
//! parent chain of merge-mined blocks.

pub mod address;
pub mod block;
pub mod charts;
pub mod home;
pub mod network;
pub mod search;
pub mod tx;
pub mod venture;

use crate::html::{esc, link, mono, short, utc};
use crate::PageError;
use bitcoin::BlockHash;
use venture_chain::Chain;
use venture_pow::PowAlgorithm;

/// What a table of blocks shows of one block.
pub struct BlockRow {
    pub height: u32,
    pub hash: BlockHash,
    pub time: u32,
    pub tx_count: u32,
    /// The parent block whose work it carries, for merge-mined blocks.
    pub parent: Option<BlockHash>,
}

/// The active chain's blocks from `top` down, at most `count`, read from the index and
/// the header records (no block is read).
pub fn block_rows(chain: &Chain, top: u32, count: u32) -> Result<Vec<BlockRow>, PageError> {
    let mut rows = Vec::new();
    for height in (top.saturating_sub(count.saturating_sub(1))..=top).rev() {
        let Some(hash) = chain.index().active_at(height) else {
            continue;
        };
        let record = chain
            .header_record(&hash)
            .map_err(|e| PageError::Node(e.to_string()))?
            .ok_or_else(|| PageError::Node(format!("block {hash} has no header record")))?;
        rows.push(BlockRow {
            height,
            hash,
            time: record.header.pure.time,
            tx_count: record.tx_count,
            parent: record
                .header
                .auxpow
                .as_ref()
                .map(|auxpow| auxpow.parent_header.block_hash()),
        });
    }
    Ok(rows)
}

/// The parent chains' family, from the spec: merged mining names the parent's proof of
/// work, not which chain it is (any chain of that family can be the parent).
pub fn parent_family(chain: &venture_chainspec::ChainParams) -> &'static str {
    match chain.spec.merged_mining.as_ref().map(|mm| mm.parent_pow) {
        Some(PowAlgorithm::Sha256d) => "SHA-256d parent",
        Some(PowAlgorithm::Scrypt) => "scrypt parent",
        None => "no merged mining",
    }
}

/// A table of blocks, each linked to its page by height and by hash.
pub fn blocks_table(id: &str, rows: &[BlockRow], parent_family: &str) -> String {
    let mut table = crate::html::Table::new(
        id,
        &[
            "Height",
            "Block",
            "Time (UTC)",
            "Kind",
            "Parent chain",
            "Parent block",
            "Txs",
        ],
    );
    for row in rows {
        let hash = row.hash.to_string();
        let (kind, parent_chain, parent) = match &row.parent {
            Some(parent) => (
                "<span class=\"mm\">merge-mined</span>",
                esc(parent_family),
                format!(
                    "<span class=\"mono\" title=\"{p}\">{}</span>",
                    short(&parent.to_string()),
                    p = parent
                ),
            ),
            None => (
                "<span class=\"native\">native</span>",
                "—".into(),
                "—".into(),
            ),
        };
        table.row(&[
            link(&format!("/block/{}", row.height), &row.height.to_string()),
            mono(&link(&format!("/block/{hash}"), &short(&hash))),
            utc(i64::from(row.time)),
            kind.to_string(),
            parent_chain,
            parent,
            row.tx_count.to_string(),
        ]);
    }
    table.finish()
}
