//! Hooks for whoever watches the chain work (metrics): told of each block connected,
//! with the time it took, and of each reorganisation, with its depth. The chain calls
//! them under its own lock, so an observer only records numbers.

use std::time::Duration;

/// Receives what the chain does as it does it.
pub trait ChainObserver: Send + Sync {
    /// A block became the tip; `elapsed` is its validation and database write.
    fn block_connected(&self, elapsed: Duration);
    /// The active chain left `depth` blocks for a heavier branch.
    fn reorganized(&self, depth: u32);
}
