//! Difficulty adjustment algorithms for Venture chains.
//!
//! An algorithm is a pure function from the ancestors of a new block (their height,
//! time, bits and block kind) to the bits the new block must carry. The chain supplies
//! ancestors through [`Ancestry`]; nothing here touches storage. Each algorithm is
//! checked bit for bit against the published vectors of the chain it comes from.

mod ancestry;
mod bitcoin_retarget;
mod config;
mod error;
mod fixed;

pub use ancestry::{Ancestry, BlockKind, BlockMeta, NextBlock, SliceAncestry};
pub use bitcoin_retarget::{BitcoinRetarget, BitcoinRetargetParams};
pub use config::{ConsensusContext, DifficultyConfig};
pub use error::DifficultyError;
pub use fixed::FixedDifficulty;

/// Computes the bits the block after `chain.tip()` must carry.
///
/// Implementations must be deterministic and depend only on what `chain` and `next`
/// reveal, so every node computes the same answer.
pub trait DifficultyAlgorithm: Send + Sync + std::fmt::Debug {
    /// Short name, e.g. `"bitcoin"` or `"asert"`.
    fn name(&self) -> &'static str;

    /// How many ancestors (counting the tip) the algorithm may read; callers use it to
    /// size caches. `None` means it may read arbitrarily far back (e.g. an anchor).
    fn lookback(&self) -> Option<u32>;

    /// The required bits for the block that follows `chain.tip()`.
    fn next_bits(&self, chain: &dyn Ancestry, next: &NextBlock) -> Result<u32, DifficultyError>;
}
