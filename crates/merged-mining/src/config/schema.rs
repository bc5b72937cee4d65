//! The TOML configuration of `ventured mm`, which the command line fills as well: every
//! setting is optional here, defaults are applied when resolving.

use serde::Deserialize;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The whole file (or the command line's settings).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MmSettings {
    pub stratum_listen: Option<SocketAddr>,
    pub status_file: Option<PathBuf>,
    /// Append one JSON line per accepted share to this file (what a pool pays from).
    pub share_log: Option<PathBuf>,
    /// Serve Prometheus metrics at `http://ADDR/metrics`.
    pub metrics: Option<SocketAddr>,
    pub aux_poll_ms: Option<u64>,
    /// The header version bits miners may roll (BIP310), 8 hex digits; `"00000000"`
    /// refuses version rolling. Default: BIP320's `"1fffe000"`.
    pub version_rolling_mask: Option<String>,
    #[serde(default)]
    pub parent: ParentSettings,
    #[serde(default)]
    pub aux: Vec<AuxNodeSettings>,
    #[serde(default)]
    pub vardiff: VardiffSettings,
    #[serde(default)]
    pub limits: LimitsSettings,
}

/// `[parent]`: the node whose `getblocktemplate` is mined.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParentSettings {
    pub url: Option<String>,
    /// A Venture node by its data directory, instead of `url` and credentials.
    pub datadir: Option<PathBuf>,
    pub cookie: Option<PathBuf>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// `sha256d` or `scrypt`.
    pub pow: Option<String>,
    pub rules: Option<Vec<String>>,
    /// The payout script as hex; wins over `address`.
    pub address_script: Option<String>,
    /// The payout as a segwit address of the parent chain.
    pub address: Option<String>,
    pub longpoll: Option<bool>,
    pub poll_ms: Option<u64>,
}

/// `[[aux]]`: one aux node (`--aux url=…,cookie=…,address=…` on the command line).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuxNodeSettings {
    pub url: Option<String>,
    /// A Venture node by its data directory, instead of `url` and credentials.
    pub datadir: Option<PathBuf>,
    pub cookie: Option<PathBuf>,
    pub user: Option<String>,
    pub password: Option<String>,
    /// The payout address given to `createauxblock`.
    pub address: String,
}

/// `[vardiff]`: share difficulty per connection.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VardiffSettings {
    pub start: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub share_interval_s: Option<f64>,
}

/// `[limits]`: bounds on what miners can make the coordinator hold and do.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSettings {
    pub max_connections: Option<usize>,
    pub handshake_timeout_s: Option<f64>,
    pub max_workers_per_connection: Option<usize>,
    pub max_shares_per_block: Option<u64>,
}
