//! Mining for Venture nodes: block templates built on the current tip, proof-of-work
//! search over the 80-byte header, and the built-in multi-threaded CPU miner used by
//! devnets, tests and `generatetoaddress`.
//! Also the merged-mining coordinator with its Stratum v1 server (`ventured mm`) and a
//! CPU Stratum client (`ventured miner`).

mod auxblocks;
pub mod coordinator;
mod error;
mod generate;
mod miner;
mod reserve;
mod solve;
pub mod stratum;
pub mod stratum_client;
mod template;

pub use auxblocks::{AuxBlockCache, AuxBlockInfo};
pub use coordinator::{Coordinator, CoordinatorConfig, MmError};
pub use error::MiningError;
pub use generate::generate_blocks;
pub use miner::{Miner, MinerConfig, MinerStats};
pub use reserve::{Reservation, MIN_RESERVED_SIGOPS, MIN_RESERVED_WEIGHT};
pub use solve::{solve_header, SolveOutcome};
pub use stratum::{StratumConfig, StratumServer};
pub use stratum_client::{StratumMiner, StratumMinerConfig, StratumMinerStats};
pub use template::{BlockTemplate, COINBASE_TAG};
