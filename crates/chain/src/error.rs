use thiserror::Error;
use venture_store::StoreError;

/// A block broke a rule. `reason` is the short code Bitcoin Core uses for the same rule
/// (BIP22 `submitblock` results such as `high-hash` or `bad-cb-amount`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{reason}: {detail}")]
pub struct BlockError {
    pub reason: &'static str,
    pub detail: String,
    /// Whether the block itself is invalid for good. False for failures a peer could
    /// cause by mangling data in transit (e.g. the proof of work), or that time can cure
    /// (a timestamp in the future): such a block may still arrive intact later.
    pub permanent: bool,
}

impl BlockError {
    /// A rule the block itself breaks; it is marked invalid.
    pub fn invalid(reason: &'static str, detail: impl Into<String>) -> BlockError {
        BlockError {
            reason,
            detail: detail.into(),
            permanent: true,
        }
    }

    /// A failure that does not condemn the block's hash.
    pub fn transient(reason: &'static str, detail: impl Into<String>) -> BlockError {
        BlockError {
            reason,
            detail: detail.into(),
            permanent: false,
        }
    }
}

/// Anything that can go wrong in the chain state.
#[derive(Debug, Error)]
pub enum ChainError {
    #[error(transparent)]
    Block(#[from] BlockError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    SpecMismatch(String),
    #[error("chain state is inconsistent: {0}")]
    Inconsistent(String),
}
