use thiserror::Error;
use venture_chain::Reject;

/// What kind of rule a transaction broke: one of the chain's consensus rules (judged
/// against the next block) or this node's relay policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxReject {
    /// A consensus rule, with the kind blocks are refused for.
    Consensus(Reject),
    /// A relay-policy rule.
    Policy(Policy),
    /// The store could not be read; says nothing about the transaction.
    Storage,
}

/// Relay-policy refusals, with Bitcoin Core's reject strings. None of them is proof of a
/// dishonest sender: another node's policy, a race or the passage of time explains each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Policy {
    /// A coinbase is only valid in a block.
    Coinbase,
    /// A transaction version other than 1 or 2.
    Version,
    /// Above the standard transaction weight.
    TxSize,
    /// An output type this chain does not relay, or an oversized `OP_RETURN`.
    ScriptPubkey,
    /// An output worth less than spending it would cost.
    Dust,
    /// More than one `OP_RETURN` output.
    MultiOpReturn,
    /// The same transaction is already pooled.
    AlreadyInMempool,
    /// An input is already spent by a pooled transaction (no replacement).
    MempoolConflict,
    /// The pool is full of transactions paying better.
    MempoolFull,
    /// The fee is below the minimum relay fee.
    MinRelayFee,
    /// The sigop cost is above the standard limit.
    TooManySigops,
    /// Not final in the next block (lock time).
    NonFinal,
    /// A BIP68 relative lock time not yet met in the next block.
    NonBip68Final,
    /// The transaction is already confirmed.
    AlreadyKnown,
}

impl Policy {
    /// Bitcoin Core's reject string for the same refusal.
    pub const fn code(self) -> &'static str {
        match self {
            Policy::Coinbase => "coinbase",
            Policy::Version => "version",
            Policy::TxSize => "tx-size",
            Policy::ScriptPubkey => "scriptpubkey",
            Policy::Dust => "dust",
            Policy::MultiOpReturn => "multi-op-return",
            Policy::AlreadyInMempool => "txn-already-in-mempool",
            Policy::MempoolConflict => "txn-mempool-conflict",
            Policy::MempoolFull => "mempool full",
            Policy::MinRelayFee => "min relay fee not met",
            Policy::TooManySigops => "bad-txns-too-many-sigops",
            Policy::NonFinal => "non-final",
            Policy::NonBip68Final => "non-BIP68-final",
            Policy::AlreadyKnown => "txn-already-known",
        }
    }
}

impl TxReject {
    /// Bitcoin Core's reject string (`testmempoolaccept`'s `reject-reason`).
    pub const fn code(self) -> &'static str {
        match self {
            TxReject::Consensus(kind) => kind.code(),
            TxReject::Policy(policy) => policy.code(),
            TxReject::Storage => "database-error",
        }
    }

    /// Whether the peer that relayed the transaction is to blame, as Bitcoin Core's
    /// `MaybePunishNodeForTx`: only consensus failures, and not those an honest peer can
    /// relay because its chain differs from ours (inputs it has and we do not, a coin
    /// that matures or unlocks a block later on its tip).
    pub const fn blames_sender(self) -> bool {
        match self {
            TxReject::Consensus(kind) => {
                kind.blames_sender()
                    && !matches!(
                        kind,
                        Reject::BadTxnsInputsMissingOrSpent
                            | Reject::BadTxnsPrematureSpendOfCoinbase
                            | Reject::VentureOutputLocked
                    )
            }
            TxReject::Policy(_) | TxReject::Storage => false,
        }
    }
}

impl From<Policy> for TxReject {
    fn from(policy: Policy) -> TxReject {
        TxReject::Policy(policy)
    }
}

impl From<Reject> for TxReject {
    fn from(kind: Reject) -> TxReject {
        TxReject::Consensus(kind)
    }
}

/// Why a transaction is not in the pool: the rule it broke and what exactly was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", self.reject_reason())]
pub struct MempoolError {
    pub kind: TxReject,
    pub detail: String,
}

impl MempoolError {
    pub fn new(kind: impl Into<TxReject>, detail: impl Into<String>) -> MempoolError {
        MempoolError {
            kind: kind.into(),
            detail: detail.into(),
        }
    }

    /// The reason as Bitcoin Core words it: the code, and for script failures the
    /// interpreter's words in parentheses (`mandatory-script-verify-flag-failed (…)`);
    /// other details follow a comma.
    pub fn reject_reason(&self) -> String {
        let code = self.kind.code();
        match (self.kind, self.detail.is_empty()) {
            (_, true) => code.to_string(),
            (TxReject::Consensus(Reject::ScriptVerifyFailed), false) => {
                format!("{code} ({})", self.detail)
            }
            (_, false) => format!("{code}, {}", self.detail),
        }
    }

    /// The transaction's inputs are missing or spent (Bitcoin Core answers these with a
    /// different RPC code than other rejections).
    pub fn is_missing_inputs(&self) -> bool {
        self.kind == TxReject::Consensus(Reject::BadTxnsInputsMissingOrSpent)
    }

    /// The transaction is already confirmed.
    pub fn is_already_known(&self) -> bool {
        self.kind == TxReject::Policy(Policy::AlreadyKnown)
    }
}

impl From<venture_chain::BlockError> for MempoolError {
    fn from(e: venture_chain::BlockError) -> MempoolError {
        MempoolError::new(e.kind, e.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_consensus_failures_an_honest_peer_cannot_relay_blame_it() {
        assert!(TxReject::Consensus(Reject::ScriptVerifyFailed).blames_sender());
        assert!(TxReject::Consensus(Reject::BadTxnsInBelowOut).blames_sender());
        assert!(!TxReject::Consensus(Reject::BadTxnsInputsMissingOrSpent).blames_sender());
        assert!(!TxReject::Consensus(Reject::VentureOutputLocked).blames_sender());
        assert!(!TxReject::Policy(Policy::MinRelayFee).blames_sender());
        assert!(!TxReject::Storage.blames_sender());
    }

    #[test]
    fn reasons_read_as_bitcoin_core_words_them() {
        let script = MempoolError::new(Reject::ScriptVerifyFailed, "input 0: bad signature");
        assert_eq!(
            script.to_string(),
            "mandatory-script-verify-flag-failed (input 0: bad signature)"
        );
        let fee = MempoolError::new(Policy::MinRelayFee, "100 < 141");
        assert_eq!(fee.to_string(), "min relay fee not met, 100 < 141");
        assert_eq!(
            MempoolError::new(Policy::NonFinal, "").to_string(),
            "non-final"
        );
    }
}
