//! Why an AuxPoW or a header's proof of work is refused, or a commitment cannot be built.
//!
//! The structural reasons print exactly the strings Namecoin Core logs in `CAuxPow::check`,
//! and the header-level reasons reuse the text of its `CheckProofOfWork`, with the details
//! it logs alongside.

use thiserror::Error;
use venture_pow::PowError;

/// Everything this crate refuses.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuxPowError {
    // --- CAuxPow::check, in the order Namecoin checks them ---
    #[error("Aux POW parent has our chain ID")]
    ParentHasOurChainId,
    #[error("Aux POW chain merkle branch too long")]
    ChainBranchTooLong,
    #[error("Aux POW merkle root incorrect")]
    MerkleRootIncorrect,
    #[error("Aux POW coinbase has no inputs")]
    CoinbaseHasNoInputs,
    #[error("Aux POW missing chain merkle root in parent coinbase")]
    MissingChainMerkleRoot,
    #[error("Multiple merged mining headers in coinbase")]
    MultipleMergedMiningHeaders,
    #[error("Merged mining header is not just before chain merkle root")]
    HeaderNotJustBeforeRoot,
    #[error("Aux POW chain merkle root must start in the first 20 bytes of the parent coinbase")]
    RootTooLateInCoinbase,
    #[error("Aux POW missing chain merkle tree size and nonce in parent coinbase")]
    MissingTreeSizeAndNonce,
    #[error("Aux POW merkle branch size does not match parent coinbase")]
    BranchSizeMismatch,
    #[error("Aux POW wrong index")]
    WrongIndex,

    // --- CheckProofOfWork(const CBlockHeader&) ---
    #[error("block does not have our chain ID (got {got}, expected {expected}, full nVersion {version})")]
    WrongChainId {
        got: i32,
        expected: i32,
        version: i32,
    },
    #[error("no auxpow on block with auxpow version")]
    NoAuxPowOnAuxPowVersion,
    #[error("non-AUX proof of work failed: {0}")]
    NonAuxPowFailed(#[source] PowError),
    #[error("auxpow on block with non-auxpow version")]
    AuxPowOnNonAuxPowVersion,
    #[error("auxpow parent block has auxpow version")]
    ParentHasAuxPowVersion,
    #[error("AUX proof of work failed: {0}")]
    AuxPowFailed(#[source] PowError),

    // --- building a merged-mining commitment ---
    #[error("no aux chains to commit to")]
    NoAuxChains,
    #[error("chain id {0} is listed more than once")]
    DuplicateChainId(i32),
    #[error("no chain merkle tree of height up to 30 gives each of these chain ids its own slot")]
    NoCollisionFreeTree,
    #[error("chain id {0} is not part of this commitment")]
    ChainNotCommitted(i32),

    // --- node policy: the AuxPoW allowance of merge-mined templates ---
    #[error("AuxPoW of {size} bytes exceeds the {max}-byte allowance (parent coinbase up to {coinbase} bytes, coinbase branch up to {coinbase_branch} hashes, chain branch up to {chain_branch} hashes)", coinbase = crate::MAX_PARENT_COINBASE_BYTES, coinbase_branch = crate::MAX_COINBASE_BRANCH_LEN, chain_branch = crate::MAX_CHAIN_BRANCH_LEN)]
    AuxPowTooLarge { size: usize, max: usize },
}

/// The error of [`crate::check_header_pow`]: the same enum, since a header check fails
/// either for a header-level reason or for one of the AuxPoW's structural reasons.
pub type HeaderPowError = AuxPowError;

impl AuxPowError {
    /// Whether the fault lies in the AuxPoW data attached to a header rather than in the
    /// 80 bytes that the block hash covers.
    ///
    /// A peer can strip or mangle an AuxPoW without changing the block hash, so a block
    /// refused for such a reason must not be remembered as permanently invalid (Namecoin's
    /// `auxpow_invalidpow` behaviour); a correct AuxPoW for the same hash may still arrive.
    pub fn is_auxpow_fault(&self) -> bool {
        match self {
            AuxPowError::WrongChainId { .. }
            | AuxPowError::NonAuxPowFailed(_)
            | AuxPowError::AuxPowOnNonAuxPowVersion => false,
            // Bits that encode no valid target are the header's own fault; a parent hash
            // above a valid target is the AuxPoW's.
            AuxPowError::AuxPowFailed(pow) => matches!(pow, PowError::HashAboveTarget(_)),
            AuxPowError::NoAuxChains
            | AuxPowError::DuplicateChainId(_)
            | AuxPowError::NoCollisionFreeTree
            | AuxPowError::ChainNotCommitted(_) => false,
            // A policy bound on what the node accepts over RPC, not a consensus fault.
            AuxPowError::AuxPowTooLarge { .. } => false,
            _ => true,
        }
    }
}
