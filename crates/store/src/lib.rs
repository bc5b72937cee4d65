//! RocksDB storage for a Venture node.
//!
//! All column families are declared in [`schema`]; records have typed encodings in
//! [`records`]; every change a block makes (block data, index entry, UTXO changes, undo
//! data, the tip) goes into one [`StoreBatch`] written atomically, so a crash at any
//! moment leaves the last committed state. The store knows nothing of consensus rules.

mod batch;
mod error;
mod records;
pub mod schema;
mod store;
#[cfg(test)]
mod tests;

pub use batch::StoreBatch;
pub use error::StoreError;
pub use records::{BlockIndexRecord, BlockStatus, BlockUndo, Coin, HeaderRecord, SettlementRecord};
pub use store::{Store, StoreStats};
