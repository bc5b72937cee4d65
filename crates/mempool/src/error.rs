use thiserror::Error;

/// Why a transaction is not in the pool. `reason` is Bitcoin Core's reject string
/// (`min relay fee not met`, `txn-mempool-conflict`, `bad-txns-inputs-missingorspent`,
/// …); `detail` says more.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{reason}{}", if detail.is_empty() { String::new() } else { format!(", {detail}") })]
pub struct MempoolError {
    pub reason: String,
    pub detail: String,
}

impl MempoolError {
    pub fn new(reason: impl Into<String>, detail: impl Into<String>) -> MempoolError {
        MempoolError {
            reason: reason.into(),
            detail: detail.into(),
        }
    }

    /// The transaction's inputs are missing or spent (Bitcoin Core answers these with a
    /// different RPC code than other rejections).
    pub fn is_missing_inputs(&self) -> bool {
        self.reason == "bad-txns-inputs-missingorspent"
    }

    /// The transaction is already confirmed.
    pub fn is_already_known(&self) -> bool {
        self.reason == "txn-already-known"
    }
}

impl From<venture_chain::BlockError> for MempoolError {
    fn from(e: venture_chain::BlockError) -> MempoolError {
        MempoolError::new(e.kind.code(), e.detail)
    }
}
