//! A header's proof of work, merge-mined or not: Namecoin's
//! `CheckProofOfWork(const CBlockHeader&, const Consensus::Params&)`, in its order.

use bitcoin::BlockHash;
use venture_pow::check_proof_of_work;

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

    let Some(auxpow) = &header.auxpow else {
        if is_auxpow(version) {
            return Err(AuxPowError::NoAuxPowOnAuxPowVersion);
        }
        let hash = params.native_pow.hash(&header.pure_bytes());
        return check_proof_of_work(&hash, header.pure.bits.to_consensus(), &params.pow_limit)
            .map_err(AuxPowError::NonAuxPowFailed);
    };

    if !is_auxpow(version) {
        return Err(AuxPowError::AuxPowOnNonAuxPowVersion);
    }
    check_merge_mined(
        auxpow,
        header.block_hash(),
        block_chain_id,
        header.pure.bits.to_consensus(),
        params,
    )
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
    // Namecoin's "temporary" rule for compatibility with its old client.
    if is_auxpow(auxpow.parent_header.version.to_consensus()) {
        return Err(AuxPowError::ParentHasAuxPowVersion);
    }
    let parent_pow_hash = params.parent_pow.hash(&header_bytes(&auxpow.parent_header));
    check_proof_of_work(&parent_pow_hash, bits, &params.pow_limit)
        .map_err(AuxPowError::AuxPowFailed)?;
    auxpow.check(block_hash, chain_id, params.strict_chain_id)
}
