//! The room a template keeps free for everything but the pool's transactions: the
//! header, the transaction count, the coinbase (settlement outputs included) and, for a
//! merge-mined block, the AuxPoW a pool will attach.
//!
//! It is measured on the coinbase the template will really carry, at its largest, so a
//! block filled from a full pool stays within the consensus weight and sigop limits
//! however many settlement outputs the coinbase must start with.

use crate::BlockTemplate;
use bitcoin::consensus::encode::VarInt;
use bitcoin::{Weight, Witness};
use venture_auxpow::MAX_AUXPOW_BYTES;
use venture_chain::{sigop_cost, witness_commitment_output, WITNESS_RESERVED_VALUE};
use venture_difficulty::BlockKind;

/// The least weight kept free, whatever the coinbase measures: Bitcoin Core's default
/// (`-blockreservedweight`), so `getblocktemplate` callers, who build their own
/// coinbase, keep the room for it they expect from Core.
pub const MIN_RESERVED_WEIGHT: u64 = 4_000;
/// The least sigop cost kept free, for the same callers (Core's 400).
pub const MIN_RESERVED_SIGOPS: u64 = 400;

/// The serialized header without AuxPoW.
const HEADER_BYTES: u64 = 80;

/// Weight and sigop cost a template leaves free for its non-pool parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub weight: u64,
    pub sigops: u64,
}

impl BlockTemplate {
    /// What this template keeps free for its header, transaction count, coinbase and
    /// (merge-mined) AuxPoW, measured on its real coinbase at its largest.
    pub fn reservation(&self) -> Reservation {
        // The extra nonce is always eight bytes; the largest makes that plain. The
        // payout's value is eight bytes too, so the fees still to be chosen change
        // nothing.
        let mut coinbase = self.coinbase(u64::MAX);
        // Added by `block` once any chosen transaction has a witness: assume it will.
        coinbase.input[0].witness = Witness::from_slice(&[WITNESS_RESERVED_VALUE]);
        coinbase.output.push(witness_commitment_output(&[0; 32]));
        let auxpow = match self.kind {
            BlockKind::MergeMined => MAX_AUXPOW_BYTES as u64,
            BlockKind::Native => 0,
        };
        // The count's varint at its widest, rather than guessing the selection's size.
        let count = VarInt(u64::MAX).size() as u64;
        let weight =
            Weight::from_non_witness_data_size(HEADER_BYTES + auxpow + count) + coinbase.weight();
        Reservation {
            weight: weight.to_wu().max(MIN_RESERVED_WEIGHT),
            sigops: sigop_cost(&coinbase, &[]).max(MIN_RESERVED_SIGOPS),
        }
    }
}
