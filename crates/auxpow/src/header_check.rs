//! A header's proof of work, merge-mined or not: Namecoin's
//! `CheckProofOfWork(const CBlockHeader&, const Consensus::Params&)`, in its order.
//!
//! The check is split around its one expensive step, the proof-of-work hash:
//! [`header_pow_input`] runs the checks before it and says what to hash,
//! [`check_header_pow_hash`] runs the rest given the hash. Callers that check many
//! headers hash them together (on several cores, two at a time) between the halves;
//! [`check_header_pow`] is both halves around one hash.

use bitcoin::BlockHash;
use venture_pow::{check_proof_of_work, PowAlgorithm, PowHash};

use crate::header::header_bytes;
use crate::version::{chain_id, is_auxpow};
use crate::{AuxHeader, AuxPow, AuxPowError, AuxPowParams};

/// Checks a header's proof of work as Namecoin does.
///
/// 1. Unless the version is legacy, a strict chain must see its own chain id.
/// 2. Without an AuxPoW, the version must not claim one, and the header's own hash
///    (`native_pow`) must meet its bits.
/// 3. With an AuxPoW, the version must have the flag, and [`check_merge_mined`] decides.
///
/// When the AuxPoW's structure is wrong, the error is the structural reason itself (for
/// example "Aux POW wrong index"), which Namecoin logs just before "AUX POW is not valid".
pub fn check_header_pow(header: &AuxHeader, params: &AuxPowParams) -> Result<(), AuxPowError> {
    let (algorithm, bytes) = header_pow_input(header, params)?;
    check_header_pow_hash(header, params, &algorithm.hash(&bytes))
}

/// The checks of [`check_header_pow`] that come before its hash, and what that hash is
/// of: the header's own 80 bytes (`native_pow`) or its AuxPoW parent's (`parent_pow`).
pub fn header_pow_input(
    header: &AuxHeader,
    params: &AuxPowParams,
) -> Result<(PowAlgorithm, [u8; 80]), AuxPowError> {
    let version = header.version();
    let block_chain_id = chain_id(version);
    if !params.legacy.is_legacy(version)
        && params.strict_chain_id
        && block_chain_id != params.chain_id
    {
        return Err(AuxPowError::WrongChainId {
            got: block_chain_id,
            expected: params.chain_id,
            version,
        });
    }
    match &header.auxpow {
        None if is_auxpow(version) => Err(AuxPowError::NoAuxPowOnAuxPowVersion),
        None => Ok((params.native_pow, header.pure_bytes())),
        Some(_) if !is_auxpow(version) => Err(AuxPowError::AuxPowOnNonAuxPowVersion),
        Some(auxpow) => merge_mined_pow_input(auxpow, params),
    }
}

/// The checks of [`check_header_pow`] after its hash: `pow_hash` must be the hash of
/// what [`header_pow_input`] returned for this header (which must have passed).
pub fn check_header_pow_hash(
    header: &AuxHeader,
    params: &AuxPowParams,
    pow_hash: &PowHash,
) -> Result<(), AuxPowError> {
    let bits = header.pure.bits.to_consensus();
    match &header.auxpow {
        None => check_proof_of_work(pow_hash, bits, &params.pow_limit)
            .map_err(AuxPowError::NonAuxPowFailed),
        Some(auxpow) => finish_merge_mined(
            auxpow,
            header.block_hash(),
            chain_id(header.version()),
            bits,
            params,
            pow_hash,
        ),
    }
}

/// The merge-mined half of [`check_header_pow`], for callers that hold a block hash and an
/// AuxPoW separately (such as `submitauxblock`).
///
/// In Namecoin's order: the parent must not have the AuxPoW flag, the parent's proof-of-work
/// hash (`parent_pow`) must meet `bits` (the merge-mined block's own bits), then
/// [`AuxPow::check`] with `chain_id` (the chain id in the merge-mined block's version).
pub fn check_merge_mined(
    auxpow: &AuxPow,
    block_hash: BlockHash,
    chain_id: i32,
    bits: u32,
    params: &AuxPowParams,
) -> Result<(), AuxPowError> {
    let (algorithm, bytes) = merge_mined_pow_input(auxpow, params)?;
    let pow_hash = algorithm.hash(&bytes);
    finish_merge_mined(auxpow, block_hash, chain_id, bits, params, &pow_hash)
}

fn merge_mined_pow_input(
    auxpow: &AuxPow,
    params: &AuxPowParams,
) -> Result<(PowAlgorithm, [u8; 80]), AuxPowError> {
    // Namecoin's "temporary" rule for compatibility with its old client.
    if is_auxpow(auxpow.parent_header.version.to_consensus()) {
        return Err(AuxPowError::ParentHasAuxPowVersion);
    }
    Ok((params.parent_pow, header_bytes(&auxpow.parent_header)))
}

fn finish_merge_mined(
    auxpow: &AuxPow,
    block_hash: BlockHash,
    chain_id: i32,
    bits: u32,
    params: &AuxPowParams,
    parent_pow_hash: &PowHash,
) -> Result<(), AuxPowError> {
    check_proof_of_work(parent_pow_hash, bits, &params.pow_limit)
        .map_err(AuxPowError::AuxPowFailed)?;
    auxpow.check(block_hash, chain_id, params.strict_chain_id)
}
