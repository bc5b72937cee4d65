//! The consensus state of a Venture node.
//!
//! [`Chain`] validates blocks (proof of work, difficulty, timestamps, merkle root,
//! coinbase, transactions against the UTXO set), stores them, keeps the best chain by
//! total work, and reorganises with undo data when a heavier branch appears. Side
//! branches and orphans are kept (bounded); blocks relayed unasked are stored only when
//! they add work, and peers' headers only once they prove enough work
//! ([`header_sync`]). It knows nothing of sockets: the RPC server, the miner and the
//! network hand it blocks and read its state.

mod activation;
mod chain;
mod checks;
mod clock;
mod contextual;
mod error;
mod events;
mod header_pow;
pub mod header_sync;
mod index;
mod locks;
mod observer;
mod orphans;
mod queries;
mod reject;
mod scripts;
mod startup;
mod utxo;
mod utxo_stats;
pub mod venture;
mod witness;

pub use chain::{BlockContext, Chain, ProcessOutcome, TipInfo, MAX_SIDE_HEADERS};
pub use checks::check_transaction;
pub use clock::Clock;
pub use contextual::is_final;
pub use error::{BlockError, ChainError};
pub use events::{ChainEvent, ChainEvents};
pub use header_sync::{HeadersNext, HeadersProgress, PeerHeaderSync};
pub use index::{BlockIndex, IndexEntry};
pub use locks::{sequence_locks_satisfied, sigop_cost};
pub use observer::ChainObserver;
pub use queries::{headers_of, VentureTotals};
pub use reject::Reject;
pub use scripts::verify_transaction;
pub use utxo::is_unspendable;
pub use utxo_stats::UtxoStats;
pub use venture_store::{BlockStatus, Coin, SettlementRecord};
pub use witness::{
    add_witness_commitment, commitment_position, witness_commitment, witness_commitment_output,
    WITNESS_COMMITMENT_MAGIC, WITNESS_RESERVED_VALUE,
};
