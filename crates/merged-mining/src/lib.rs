//! Merged mining for pools and miners (`ventured mm`, `ventured miner`): the coordinator
//! that turns a parent node's block template and the aux nodes' `createauxblock` blocks
//! into Stratum jobs and every solution into blocks for the chains it solves, its
//! Stratum v1 server and a CPU Stratum client.
//!
//! Nothing here reads a chain database: the coordinator talks to nodes over JSON-RPC,
//! so the node's own crates (and its RPC server) never build Stratum code.

pub mod coordinator;
pub mod stratum;
pub mod stratum_client;

pub use coordinator::{Coordinator, CoordinatorConfig, MmError};
pub use stratum::{StratumConfig, StratumServer};
pub use stratum_client::{StratumMiner, StratumMinerConfig, StratumMinerStats};
