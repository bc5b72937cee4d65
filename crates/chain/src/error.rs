use crate::Reject;
use thiserror::Error;
use venture_store::StoreError;

/// A block, header or transaction broke a rule: which one ([`Reject`], with Bitcoin
/// Core's code) and the particulars.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind}: {detail}")]
pub struct BlockError {
    pub kind: Reject,
    pub detail: String,
}

impl BlockError {
    pub fn new(kind: Reject, detail: impl Into<String>) -> BlockError {
        BlockError {
            kind,
            detail: detail.into(),
        }
    }

    /// Whether the block's hash is invalid for good (see [`Reject::is_permanent`]).
    pub fn is_permanent(&self) -> bool {
        self.kind.is_permanent()
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
    /// A peer sent other headers the second time than the ones whose work it showed
    /// in a pre-sync: it lied.
    #[error("headers changed between pre-sync and redownload: {0}")]
    HeadersChanged(String),
}
