//! What the coordinator mines: one parent node, any number of aux nodes, and pacing.

use crate::coordinator::{NodeEndpoint, DEFAULT_MAX_SHARES_PER_BLOCK};
use bitcoin::ScriptBuf;
use std::time::Duration;
use venture_pow::PowAlgorithm;

/// The parent chain: a Bitcoin Core–family node serving `getblocktemplate`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentConfig {
    pub endpoint: NodeEndpoint,
    /// The parent's proof of work (sha256d for Bitcoin-family parents, scrypt for
    /// Litecoin). Aux chains must judge parent headers by the same function.
    pub pow: PowAlgorithm,
    /// `getblocktemplate` rules the node insists on (`segwit`; Litecoin also `mweb`).
    pub rules: Vec<String>,
    /// The parent coinbase pays the template's coinbase value to this script.
    pub payout_script: ScriptBuf,
    /// Use BIP22 long polling when the template offers a `longpollid`.
    pub longpoll: bool,
    /// Pause between polls without long polling.
    pub poll_interval: Duration,
}

/// One aux chain: a Venture (or Namecoin-compatible) node serving `createauxblock`.
#[derive(Debug, Clone, PartialEq)]
pub struct AuxConfig {
    pub endpoint: NodeEndpoint,
    /// The payout address given to `createauxblock`.
    pub address: String,
}

/// The whole coordinator.
#[derive(Debug, Clone, PartialEq)]
pub struct CoordinatorConfig {
    pub parent: ParentConfig,
    pub aux: Vec<AuxConfig>,
    /// Pause between `createauxblock` polls of each aux node; it bounds how long an aux
    /// tip change takes to reach miners.
    pub aux_poll_interval: Duration,
    /// The commitment's nonce (it fixes each chain's slot; any value works).
    pub commitment_nonce: u32,
    /// Bounds the share floor: a share is worth at least this fraction of a parent
    /// block's work (see [`crate::coordinator::share_floor`]).
    pub max_shares_per_block: u64,
}

impl CoordinatorConfig {
    /// Defaults for everything but the nodes: long polling on, parent polled every
    /// 500 ms otherwise, aux nodes every 100 ms, at most 2^32 shares per parent block.
    pub fn new(parent: ParentConfig, aux: Vec<AuxConfig>) -> CoordinatorConfig {
        CoordinatorConfig {
            parent,
            aux,
            aux_poll_interval: Duration::from_millis(100),
            commitment_nonce: 0,
            max_shares_per_block: DEFAULT_MAX_SHARES_PER_BLOCK,
        }
    }
}
