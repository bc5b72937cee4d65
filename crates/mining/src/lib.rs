//! Mining for Venture nodes: block templates built on the current tip, proof-of-work
//! search over the 80-byte header, and the built-in multi-threaded CPU miner used by
//! devnets, tests and `generatetoaddress`.

mod auxblocks;
mod error;
mod generate;
mod miner;
mod solve;
mod template;

pub use auxblocks::{AuxBlockCache, AuxBlockInfo};
pub use error::MiningError;
pub use generate::generate_blocks;
pub use miner::{Miner, MinerConfig, MinerStats};
pub use solve::{solve_header, SolveOutcome};
pub use template::{
    BlockTemplate, COINBASE_RESERVED_SIGOPS, COINBASE_RESERVED_WEIGHT, COINBASE_TAG,
};
