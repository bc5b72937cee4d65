//! Merged mining for pools and miners (`ventured mm`, `ventured miner`): the coordinator
//! that turns a parent node's block template and the aux nodes' `createauxblock` blocks
//! into Stratum jobs and every solution into blocks for the chains it solves, its
//! Stratum v1 server, a CPU Stratum client, and the coordinator's configuration (a TOML
//! file and command-line settings resolved into the configs below), and the status file
//! it keeps for scripts.
//!
//! Nothing here reads a chain database: the coordinator talks to nodes over JSON-RPC,
//! so the node's own crates (and its RPC server) never build Stratum code.

pub mod config;
pub mod coordinator;
pub mod metrics;
mod status_file;
pub mod stratum;
pub mod stratum_client;

pub use config::{ConfigError, MmConfig, MmSettings};
pub use coordinator::{Coordinator, CoordinatorConfig, MmError};
pub use status_file::{log_summary, write_status_file, StatusFileError};
pub use stratum::{StratumConfig, StratumServer};
pub use stratum_client::{StratumMiner, StratumMinerConfig, StratumMinerStats};
