//! `CAuxPow::check`: does this AuxPoW commit to a given block hash, by Namecoin's rules?
//!
//! The steps and their order are Namecoin Core's, so the first failing rule (and hence the
//! reason reported) is the same as Namecoin's. The parent block's proof of work is not
//! looked at here; see [`crate::check_merge_mined`].

use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, TxMerkleNode};

use crate::limits::MAX_CHAIN_BRANCH_LEN;
use crate::merkle::{check_merkle_branch, get_expected_index};
use crate::script::{find, read_le32, root_in_script_order, MERGED_MINING_MAGIC};
use crate::version::chain_id;
use crate::{AuxPow, AuxPowError};

/// Namecoin's backward-compatibility rule for coinbases without the magic: the root must
/// start within this many bytes, leaving room only for the height/extra nonce and nBits,
/// so that a second root cannot be smuggled in earlier.
const LEGACY_ROOT_MAX_OFFSET: usize = 20;

impl AuxPow {
    /// Checks that this AuxPoW commits to `aux_block_hash` for `chain_id_of_block` (the
    /// chain id in the merge-mined header's version), as Namecoin's `CAuxPow::check` does.
    ///
    /// `strict_chain_id` is Namecoin's `fStrictChainId`: when set, a parent block carrying
    /// the same chain id is refused. The coinbase's `nIndex` is ignored, as Namecoin Core
    /// has done since 2019 (Dogecoin still refuses a non-zero one).
    pub fn check(
        &self,
        aux_block_hash: BlockHash,
        chain_id_of_block: i32,
        strict_chain_id: bool,
    ) -> Result<(), AuxPowError> {
        if strict_chain_id
            && chain_id(self.parent_header.version.to_consensus()) == chain_id_of_block
        {
            return Err(AuxPowError::ParentHasOurChainId);
        }

        if self.chain_branch.len() > MAX_CHAIN_BRANCH_LEN {
            return Err(AuxPowError::ChainBranchTooLong);
        }

        let root = root_in_script_order(&self.chain_merkle_root(aux_block_hash));

        let txid = TxMerkleNode::from_byte_array(self.coinbase_txid().to_byte_array());
        if check_merkle_branch(txid, &self.coinbase_branch, 0) != self.parent_header.merkle_root {
            return Err(AuxPowError::MerkleRootIncorrect);
        }

        let script = match self.coinbase_tx.input.first() {
            Some(input) => input.script_sig.as_bytes(),
            None => return Err(AuxPowError::CoinbaseHasNoInputs),
        };

        let magic_at = find(script, &MERGED_MINING_MAGIC);
        let root_at = find(script, &root).ok_or(AuxPowError::MissingChainMerkleRoot)?;

        match magic_at {
            Some(magic_at) => {
                // Only one magic may appear, and it must sit right before the root, so a
                // coinbase cannot commit to two roots for the same chain.
                let after_magic = script.get(magic_at + 1..).unwrap_or_default();
                if find(after_magic, &MERGED_MINING_MAGIC).is_some() {
                    return Err(AuxPowError::MultipleMergedMiningHeaders);
                }
                if magic_at + MERGED_MINING_MAGIC.len() != root_at {
                    return Err(AuxPowError::HeaderNotJustBeforeRoot);
                }
            }
            None => {
                if root_at > LEGACY_ROOT_MAX_OFFSET {
                    return Err(AuxPowError::RootTooLateInCoinbase);
                }
            }
        }

        let after_root = root_at + root.len();
        let (Some(size), Some(nonce)) = (
            read_le32(script, after_root),
            read_le32(script, after_root + 4),
        ) else {
            return Err(AuxPowError::MissingTreeSizeAndNonce);
        };

        // At most 30 after the length check above, so the shift cannot overflow.
        let height = self.chain_branch.len() as u32;
        if size != 1u32 << height {
            return Err(AuxPowError::BranchSizeMismatch);
        }

        let expected = get_expected_index(nonce, chain_id_of_block, height);
        if i64::from(self.chain_index) != i64::from(expected) {
            return Err(AuxPowError::WrongIndex);
        }

        Ok(())
    }
}
