//! Mining for Venture nodes: block templates built on the current tip, proof-of-work
//! search over the 80-byte header, and the built-in multi-threaded CPU miner used by
//! devnets, tests and `generatetoaddress`; and the `createauxblock` cache.
//!
//! The merged-mining coordinator and its Stratum server and client are in
//! `venture-merged-mining`: nothing here speaks Stratum.

mod auxblocks;
mod error;
mod generate;
mod miner;
mod reserve;
mod solve;
mod template;

pub use auxblocks::{AuxBlockCache, AuxBlockInfo};
pub use error::MiningError;
pub use generate::generate_blocks;
pub use miner::{Miner, MinerConfig, MinerStats};
pub use reserve::{Reservation, MIN_RESERVED_SIGOPS, MIN_RESERVED_WEIGHT};
pub use solve::{solve_header, SolveOutcome};
pub use template::{BlockTemplate, COINBASE_TAG};
