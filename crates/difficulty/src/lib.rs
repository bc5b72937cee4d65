//! Difficulty adjustment algorithms for Venture chains.
//!
//! An algorithm is a pure function from the ancestors of a new block (their height,
//! time, bits and block kind) to the bits the new block must carry. The chain supplies
//! ancestors through [`Ancestry`]; nothing here touches storage. Each algorithm is
//! checked bit for bit against the published vectors of the chain it comes from:
//! Bitcoin's retarget, Bitcoin Cash's aserti3-2d, zawy12's LWMA-1 (Bitcoin Gold and
//! Susucoin variants), Dogecoin's DigiShield v3 and its earlier retarget, Zcash's
//! averaging DigiShield, and a per-block-kind wrapper for hybrid (native plus
//! merge-mined) cadences. A spec picks one with [`DifficultyConfig`].

mod ancestry;
pub mod asert;
mod bitcoin_retarget;
mod build;
mod common;
mod config;
mod dogecoin;
mod error;
mod fixed;
mod kind_view;
mod lwma;
mod per_kind;
mod zcash;

pub use ancestry::{Ancestry, BlockKind, BlockMeta, NextBlock, SliceAncestry};
pub use asert::{Asert, AsertAnchor, AsertAnchorSource, AsertParams};
pub use bitcoin_retarget::{BitcoinRetarget, BitcoinRetargetParams};
pub use common::{median_time_past, MEDIAN_TIME_SPAN};
pub use config::{ConsensusContext, DifficultyConfig};
pub use dogecoin::{dogecoin_next_bits, DigiShield, DogecoinRetarget, DogecoinRule};
pub use error::DifficultyError;
pub use fixed::FixedDifficulty;
pub use kind_view::KindView;
pub use lwma::{Lwma, LwmaParams, LwmaWeight};
pub use per_kind::PerKind;
pub use zcash::{zcash_next_bits, ZcashDigiShield, ZcashParams};

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
