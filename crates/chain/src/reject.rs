//! Every way a block, header or transaction can break a consensus rule, as one enum.
//!
//! Each kind carries the short code Bitcoin Core uses for the same rule (the BIP22
//! `submitblock` result, the `reject` reason of `testmempoolaccept`), whether it condemns
//! the block's hash for good, and whether the peer that sent the data is to blame. Other
//! crates match on the kind, never on its string.

/// Why a block, header or transaction was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reject {
    // The header's proof of work and its place in the chain.
    /// The native proof of work does not meet the header's target.
    HighHash,
    /// The header's bits are not what the difficulty algorithm requires.
    BadDiffbits,
    /// The difficulty algorithm could not judge the header (missing ancestry).
    DifficultyUnavailable,
    /// The version's chain id is not this chain's.
    BadChainId,
    /// The AuxPoW is malformed or does not prove the work (a peer can mangle it).
    BadAuxpow,
    /// A merge-mined block below the AuxPoW activation height.
    AuxpowInactive,
    /// A native block where only merge-mined blocks are valid.
    NativeBlockRefused,
    /// The time is not after the median time past.
    TimeTooOld,
    /// The time is too far ahead of ours (time may cure it).
    TimeTooNew,
    /// The parent is unknown.
    PrevBlkNotFound,
    /// The parent is known to be invalid.
    BadPrevblk,
    /// The block or header is known to be invalid.
    DuplicateInvalid,

    // The block's structure.
    /// The block has no transactions.
    BadBlkLength,
    /// The block's weight is above the limit.
    BadBlkWeight,
    /// The transactions do not match the header's merkle root.
    BadTxnMrklRoot,
    /// Two transactions share a txid (CVE-2012-2459 mutation).
    BadTxnsDuplicate,
    /// The coinbase witness is not a single 32-byte reserved value.
    BadWitnessNonceSize,
    /// The witness commitment does not match the witnesses.
    BadWitnessMerkleMatch,
    /// Witness data in a block without a witness commitment.
    UnexpectedWitness,
    /// The first transaction is not a coinbase.
    BadCbMissing,
    /// More than one coinbase.
    BadCbMultiple,
    /// The coinbase scriptSig is not 2 to 100 bytes.
    BadCbLength,
    /// The coinbase does not start with the block's height (BIP34).
    BadCbHeight,
    /// The sigop cost of the block is above the limit.
    BadBlkSigops,
    /// The coinbase pays more than the subsidy and fees.
    BadCbAmount,

    // Transactions.
    /// A transaction without inputs.
    BadTxnsVinEmpty,
    /// A transaction without outputs.
    BadTxnsVoutEmpty,
    /// A transaction larger than a block.
    BadTxnsOversize,
    /// An output above the supply limit.
    BadTxnsVoutTooLarge,
    /// Outputs summing above the supply limit.
    BadTxnsTxoutTotalTooLarge,
    /// An outpoint spent twice by one transaction.
    BadTxnsInputsDuplicate,
    /// A non-coinbase input spending the null outpoint.
    BadTxnsPrevoutNull,
    /// A transaction not final at the block's height and time (lock time or BIP68).
    BadTxnsNonfinal,
    /// An input whose coin is missing or already spent.
    BadTxnsInputsMissingOrSpent,
    /// A spend of a coinbase output before its maturity.
    BadTxnsPrematureSpendOfCoinbase,
    /// Input values above the supply limit.
    BadTxnsInputValuesOutOfRange,
    /// Outputs worth more than the inputs.
    BadTxnsInBelowOut,
    /// The block's fees sum above the supply limit.
    BadTxnsAccumulatedFeeOutOfRange,
    /// A script or signature fails.
    ScriptVerifyFailed,

    // The venture allocation.
    /// A spend of an output still vesting.
    VentureOutputLocked,
    /// The settlement block does not start its coinbase with the settlement outputs.
    VentureSettlementMissing,
    /// The settlement outputs are all there but in another order.
    VentureSettlementReordered,
    /// The settlement pays more than is due.
    VentureSettlementOverpaid,
    /// The settlement outputs differ from the work credited.
    VentureSettlementWrong,
}

impl Reject {
    /// Every kind, for exhaustive tests and documentation.
    pub const ALL: &'static [Reject] = &[
        Reject::HighHash,
        Reject::BadDiffbits,
        Reject::DifficultyUnavailable,
        Reject::BadChainId,
        Reject::BadAuxpow,
        Reject::AuxpowInactive,
        Reject::NativeBlockRefused,
        Reject::TimeTooOld,
        Reject::TimeTooNew,
        Reject::PrevBlkNotFound,
        Reject::BadPrevblk,
        Reject::DuplicateInvalid,
        Reject::BadBlkLength,
        Reject::BadBlkWeight,
        Reject::BadTxnMrklRoot,
        Reject::BadTxnsDuplicate,
        Reject::BadWitnessNonceSize,
        Reject::BadWitnessMerkleMatch,
        Reject::UnexpectedWitness,
        Reject::BadCbMissing,
        Reject::BadCbMultiple,
        Reject::BadCbLength,
        Reject::BadCbHeight,
        Reject::BadBlkSigops,
        Reject::BadCbAmount,
        Reject::BadTxnsVinEmpty,
        Reject::BadTxnsVoutEmpty,
        Reject::BadTxnsOversize,
        Reject::BadTxnsVoutTooLarge,
        Reject::BadTxnsTxoutTotalTooLarge,
        Reject::BadTxnsInputsDuplicate,
        Reject::BadTxnsPrevoutNull,
        Reject::BadTxnsNonfinal,
        Reject::BadTxnsInputsMissingOrSpent,
        Reject::BadTxnsPrematureSpendOfCoinbase,
        Reject::BadTxnsInputValuesOutOfRange,
        Reject::BadTxnsInBelowOut,
        Reject::BadTxnsAccumulatedFeeOutOfRange,
        Reject::ScriptVerifyFailed,
        Reject::VentureOutputLocked,
        Reject::VentureSettlementMissing,
        Reject::VentureSettlementReordered,
        Reject::VentureSettlementOverpaid,
        Reject::VentureSettlementWrong,
    ];

    /// Bitcoin Core's code for the rule (BIP22 result, mempool reject reason).
    pub const fn code(self) -> &'static str {
        match self {
            Reject::HighHash => "high-hash",
            Reject::BadDiffbits | Reject::DifficultyUnavailable => "bad-diffbits",
            Reject::BadChainId => "bad-chain-id",
            Reject::BadAuxpow => "bad-auxpow",
            Reject::AuxpowInactive => "bad-auxpow-inactive",
            Reject::NativeBlockRefused => "bad-native-block",
            Reject::TimeTooOld => "time-too-old",
            Reject::TimeTooNew => "time-too-new",
            Reject::PrevBlkNotFound => "prev-blk-not-found",
            Reject::BadPrevblk => "bad-prevblk",
            Reject::DuplicateInvalid => "duplicate-invalid",
            Reject::BadBlkLength => "bad-blk-length",
            Reject::BadBlkWeight => "bad-blk-weight",
            Reject::BadTxnMrklRoot => "bad-txnmrklroot",
            Reject::BadTxnsDuplicate => "bad-txns-duplicate",
            Reject::BadWitnessNonceSize => "bad-witness-nonce-size",
            Reject::BadWitnessMerkleMatch => "bad-witness-merkle-match",
            Reject::UnexpectedWitness => "unexpected-witness",
            Reject::BadCbMissing => "bad-cb-missing",
            Reject::BadCbMultiple => "bad-cb-multiple",
            Reject::BadCbLength => "bad-cb-length",
            Reject::BadCbHeight => "bad-cb-height",
            Reject::BadBlkSigops => "bad-blk-sigops",
            Reject::BadCbAmount => "bad-cb-amount",
            Reject::BadTxnsVinEmpty => "bad-txns-vin-empty",
            Reject::BadTxnsVoutEmpty => "bad-txns-vout-empty",
            Reject::BadTxnsOversize => "bad-txns-oversize",
            Reject::BadTxnsVoutTooLarge => "bad-txns-vout-toolarge",
            Reject::BadTxnsTxoutTotalTooLarge => "bad-txns-txouttotal-toolarge",
            Reject::BadTxnsInputsDuplicate => "bad-txns-inputs-duplicate",
            Reject::BadTxnsPrevoutNull => "bad-txns-prevout-null",
            Reject::BadTxnsNonfinal => "bad-txns-nonfinal",
            Reject::BadTxnsInputsMissingOrSpent => "bad-txns-inputs-missingorspent",
            Reject::BadTxnsPrematureSpendOfCoinbase => "bad-txns-premature-spend-of-coinbase",
            Reject::BadTxnsInputValuesOutOfRange => "bad-txns-inputvalues-outofrange",
            Reject::BadTxnsInBelowOut => "bad-txns-in-belowout",
            Reject::BadTxnsAccumulatedFeeOutOfRange => "bad-txns-accumulated-fee-outofrange",
            Reject::ScriptVerifyFailed => "mandatory-script-verify-flag-failed",
            Reject::VentureOutputLocked => "venture-output-locked",
            Reject::VentureSettlementMissing => "venture-settlement-missing",
            Reject::VentureSettlementReordered => "venture-settlement-reordered",
            Reject::VentureSettlementOverpaid => "venture-settlement-overpaid",
            Reject::VentureSettlementWrong => "venture-settlement-wrong",
        }
    }

    /// Whether the block's hash is invalid for good (marked failed in the index).
    ///
    /// False for what a peer can cause by mangling data in transit without changing the
    /// hash (the AuxPoW, the transactions against the merkle root or witness commitment:
    /// Namecoin's `auxpow_invalidpow`, Core's `BLOCK_MUTATED`), for what time can cure,
    /// and for what says nothing about the block itself (an unknown parent).
    pub const fn is_permanent(self) -> bool {
        !matches!(
            self,
            Reject::HighHash
                | Reject::BadChainId
                | Reject::BadAuxpow
                | Reject::DifficultyUnavailable
                | Reject::TimeTooNew
                | Reject::PrevBlkNotFound
                | Reject::BadTxnMrklRoot
                | Reject::BadTxnsDuplicate
                | Reject::BadWitnessNonceSize
                | Reject::BadWitnessMerkleMatch
                | Reject::UnexpectedWitness
        )
    }

    /// Whether a peer that sent a block or header refused for this reason is to blame.
    /// Only what an honest peer can send is excused: a block slightly ahead of our clock,
    /// or one whose parent we have not seen yet (the caller decides how to treat
    /// unconnected headers), or a judgement our own state could not make.
    pub const fn blames_sender(self) -> bool {
        !matches!(
            self,
            Reject::TimeTooNew | Reject::PrevBlkNotFound | Reject::DifficultyUnavailable
        )
    }

    /// The kind whose [`Reject::code`] is `code`, if any (for callers that receive
    /// Core-style codes, such as tests reading RPC replies).
    pub fn from_code(code: &str) -> Option<Reject> {
        Reject::ALL.iter().copied().find(|r| r.code() == code)
    }
}

impl std::fmt::Display for Reject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_except_the_shared_diffbits_code() {
        for kind in Reject::ALL {
            let back = Reject::from_code(kind.code()).unwrap();
            if *kind == Reject::DifficultyUnavailable {
                assert_eq!(back, Reject::BadDiffbits);
            } else {
                assert_eq!(back, *kind);
            }
        }
    }

    #[test]
    fn transient_kinds_never_condemn_a_hash() {
        for kind in [Reject::HighHash, Reject::BadAuxpow, Reject::TimeTooNew] {
            assert!(!kind.is_permanent());
        }
        assert!(Reject::BadCbAmount.is_permanent());
        assert!(!Reject::PrevBlkNotFound.blames_sender());
        assert!(Reject::BadAuxpow.blames_sender());
    }
}
