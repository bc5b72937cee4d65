//! The transaction pool of a Venture node.
//!
//! Transactions are checked against the UTXO set (and against each other: a pool
//! transaction may spend another's outputs) with the chain's consensus rules plus relay
//! policy (standard outputs, dust, minimum relay fee), kept in fee-rate order within a
//! size limit, handed to block templates best fee rate first, dropped when a block
//! confirms or conflicts with them, and taken back when a reorganisation disconnects
//! their block. Conflicting spends are refused (no replacement by fee). Relayed
//! transactions whose parents are unknown wait in a bounded orphanage.

mod error;
pub mod orphans;
mod policy;
mod pool;
mod reorg;
mod select;
#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod test_chain;
#[cfg(test)]
mod test_entries;

pub use error::{MempoolError, Policy, TxReject};
pub use orphans::PeerTag;
pub use policy::{dust_threshold, MempoolConfig, MAX_STANDARD_TX_WEIGHT};
pub use pool::{Accepted, Mempool, MempoolEntry, MempoolInfo, Relayed, SharedMempool};
pub use select::Selection;
