//! `getchaintips`: every branch the node knows, as Bitcoin Core lists them.

use super::Methods;
use crate::method::{Category, MethodSpec, NoParams, RpcMethod};
use crate::{RpcContext, RpcError};
use serde::Serialize;
use std::sync::Arc;
use venture_chain::{BlockStatus, Chain, IndexEntry};

pub fn register(methods: &mut Methods) {
    methods.add::<GetChainTips>();
}

pub struct GetChainTips;

#[derive(Debug, Clone, Serialize)]
pub struct ChainTip {
    pub height: u32,
    pub hash: String,
    /// Blocks from the tip back to where it joins the active chain (0 for the active
    /// tip).
    pub branchlen: u32,
    /// `active`, `valid-headers` (a side branch whose blocks are all here),
    /// `headers-only` (some blocks are missing) or `invalid`.
    pub status: &'static str,
}

impl RpcMethod for GetChainTips {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "[ { \"height\", \"hash\", \"branchlen\", \"status\": \"active\" | \"valid-headers\" | \"headers-only\" | \"invalid\" }, ... ]",
        ..MethodSpec::new(
            "getchaintips",
            Category::Blockchain,
            "Returns the tip of every branch the node knows: the active chain and each side branch, with its length and state.",
        )
    };
    type Params = NoParams;
    type Output = Vec<ChainTip>;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<Vec<ChainTip>, RpcError> {
        ctx.with_chain(|chain| Ok(chain_tips(chain))).await
    }
}

/// The tips, highest first (the active one first among equals), as Core sorts them.
fn chain_tips(chain: &Chain) -> Vec<ChainTip> {
    let index = chain.index();
    let active = chain.tip().hash;
    let mut tips: Vec<ChainTip> = index
        .tips()
        .map(|entry| {
            let joins = index
                .fork_point(&entry.hash, &active)
                .map_or(0, |fork| fork.height);
            ChainTip {
                height: entry.height,
                hash: entry.hash.to_string(),
                branchlen: entry.height - joins,
                status: status(entry, entry.hash == active),
            }
        })
        .collect();
    tips.sort_by(|a, b| {
        b.height
            .cmp(&a.height)
            .then((a.status != "active").cmp(&(b.status != "active")))
            .then(a.hash.cmp(&b.hash))
    });
    tips
}

fn status(entry: &IndexEntry, is_active: bool) -> &'static str {
    if is_active {
        "active"
    } else if entry
        .status
        .has(BlockStatus::FAILED | BlockStatus::FAILED_PARENT)
    {
        "invalid"
    } else if entry.linked {
        // A side branch's blocks are checked in full only when it becomes the best, and
        // the index does not remember whether it once was: Core's "valid-headers",
        // never its "valid-fork".
        "valid-headers"
    } else {
        "headers-only"
    }
}
