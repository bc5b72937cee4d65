//! Context-free checks: what a block or transaction must satisfy on its own
//! (Bitcoin Core's `CheckBlock`, `CheckTransaction`, `CheckProofOfWork`).

use crate::BlockError;
use crate::Reject;
use bitcoin::{Amount, Transaction};
use std::collections::HashSet;
use venture_auxpow::AuxPowError;
use venture_chainspec::ChainParams;
use venture_difficulty::BlockKind;
use venture_pow::{PowAlgorithm, PowError, PowHash};
use venture_primitives::{Block, Header};

/// Coinbase scriptSigs are 2 to 100 bytes (Bitcoin's `bad-cb-length`).
const COINBASE_SCRIPT_SIG_LEN: std::ops::RangeInclusive<usize> = 2..=100;

/// The header's proof of work as Namecoin checks it: our chain id in the version, then
/// either the header's own hash (native blocks) or the AuxPoW and the parent's hash
/// (merge-mined blocks) against the header's bits.
///
/// Failures are never permanent: a failed proof gets no index entry, and a peer can mangle
/// an AuxPoW without changing the block hash (Namecoin's `auxpow_invalidpow`).
pub fn check_header_pow(header: &Header, params: &ChainParams) -> Result<BlockKind, BlockError> {
    let (algorithm, bytes) = header_pow_input(header, params)?;
    check_header_pow_hash(header, params, &algorithm.hash(&bytes))
}

/// The checks of [`check_header_pow`] before its hash, and what to hash.
pub fn header_pow_input(
    header: &Header,
    params: &ChainParams,
) -> Result<(PowAlgorithm, [u8; 80]), BlockError> {
    if is_merge_mined(header) && params.spec.merged_mining.is_none() {
        return Err(BlockError::new(
            Reject::BadAuxpow,
            "merge-mined block on a chain without merged mining",
        ));
    }
    venture_auxpow::header_pow_input(header, &params.auxpow_params()).map_err(pow_error)
}

/// The checks of [`check_header_pow`] after its hash, given the hash of what
/// [`header_pow_input`] returned.
pub fn check_header_pow_hash(
    header: &Header,
    params: &ChainParams,
    pow_hash: &PowHash,
) -> Result<BlockKind, BlockError> {
    venture_auxpow::check_header_pow_hash(header, &params.auxpow_params(), pow_hash)
        .map_err(pow_error)?;
    Ok(if is_merge_mined(header) {
        BlockKind::MergeMined
    } else {
        BlockKind::Native
    })
}

fn is_merge_mined(header: &Header) -> bool {
    header.auxpow.is_some() || header.has_auxpow_flag()
}

fn pow_error(e: AuxPowError) -> BlockError {
    let kind = match &e {
        AuxPowError::WrongChainId { .. } => Reject::BadChainId,
        AuxPowError::NonAuxPowFailed(PowError::HashAboveTarget(_)) => Reject::HighHash,
        AuxPowError::NonAuxPowFailed(_) => Reject::BadDiffbits,
        _ => Reject::BadAuxpow,
    };
    BlockError::new(kind, e.to_string())
}

/// Structure of a block, independent of its place in the chain.
pub fn check_block(block: &Block, params: &ChainParams) -> Result<(), BlockError> {
    if block.txdata.is_empty() {
        return Err(BlockError::new(
            Reject::BadBlkLength,
            "block has no transactions",
        ));
    }
    // Checked before anything that could differ between honest and mangled copies:
    // a wrong merkle root means the transactions are not the ones the header commits
    // to, which a peer can cause, so it is not held against the header.
    if block.compute_merkle_root() != Some(block.header.pure.merkle_root) {
        return Err(BlockError::new(
            Reject::BadTxnMrklRoot,
            "transactions do not match the header's merkle root",
        ));
    }
    if block.has_duplicate_txids() {
        return Err(BlockError::new(
            Reject::BadTxnsDuplicate,
            "two transactions share a txid",
        ));
    }
    crate::witness::check_witness_commitment(block)?;
    // Weight only after the merkle root and the witness commitment: before them a peer
    // could pad an honest block's witnesses and have its hash condemned (Core checks the
    // weight in `ContextualCheckBlock`, after the commitment, for the same reason).
    let max_weight = params.spec.consensus.max_block_weight;
    let weight = block.weight().to_wu();
    if weight > max_weight {
        return Err(BlockError::new(
            Reject::BadBlkWeight,
            format!("weight {weight} exceeds the limit {max_weight}"),
        ));
    }
    if !block.txdata[0].is_coinbase() {
        return Err(BlockError::new(
            Reject::BadCbMissing,
            "first transaction is not a coinbase",
        ));
    }
    if block.txdata.iter().skip(1).any(Transaction::is_coinbase) {
        return Err(BlockError::new(
            Reject::BadCbMultiple,
            "more than one coinbase",
        ));
    }
    let max_money = params.max_supply();
    for tx in &block.txdata {
        check_transaction(tx, max_money, max_weight)?;
    }
    Ok(())
}

/// Bitcoin Core's `CheckTransaction`.
pub fn check_transaction(
    tx: &Transaction,
    max_money: Amount,
    max_weight: u64,
) -> Result<(), BlockError> {
    if tx.input.is_empty() {
        return Err(BlockError::new(
            Reject::BadTxnsVinEmpty,
            "transaction has no inputs",
        ));
    }
    if tx.output.is_empty() {
        return Err(BlockError::new(
            Reject::BadTxnsVoutEmpty,
            "transaction has no outputs",
        ));
    }
    if tx.base_size() as u64 * 4 > max_weight {
        return Err(BlockError::new(
            Reject::BadTxnsOversize,
            "transaction larger than a block",
        ));
    }
    let mut total = Amount::ZERO;
    for output in &tx.output {
        if output.value > max_money {
            return Err(BlockError::new(
                Reject::BadTxnsVoutTooLarge,
                format!("output of {} exceeds the supply limit", output.value),
            ));
        }
        total = total
            .checked_add(output.value)
            .filter(|t| *t <= max_money)
            .ok_or_else(|| {
                BlockError::new(
                    Reject::BadTxnsTxoutTotalTooLarge,
                    "outputs sum above the supply limit",
                )
            })?;
    }
    let mut seen = HashSet::with_capacity(tx.input.len());
    if !tx
        .input
        .iter()
        .all(|input| seen.insert(input.previous_output))
    {
        return Err(BlockError::new(
            Reject::BadTxnsInputsDuplicate,
            "an output is spent twice",
        ));
    }
    if tx.is_coinbase() {
        let len = tx.input[0].script_sig.len();
        if !COINBASE_SCRIPT_SIG_LEN.contains(&len) {
            return Err(BlockError::new(
                Reject::BadCbLength,
                format!("coinbase scriptSig is {len} bytes, must be 2 to 100"),
            ));
        }
    } else if tx.input.iter().any(|input| input.previous_output.is_null()) {
        return Err(BlockError::new(
            Reject::BadTxnsPrevoutNull,
            "input spends a null outpoint",
        ));
    }
    Ok(())
}
