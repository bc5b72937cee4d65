//! Size bounds of the AuxPoW format: Namecoin's consensus limit on the chain merkle
//! branch, and the allowance a node keeps free in its merge-mined templates and accepts
//! from pools.
//!
//! An AuxPoW travels with the header, so its bytes count in the block's weight. A node
//! building a block for pools (`createauxblock`) must leave room for the AuxPoW it will
//! be handed back, or a full block plus the AuxPoW exceeds the weight limit. The
//! allowance is a node policy, not consensus: a block whose bigger AuxPoW still fits the
//! block weight is valid; the node just neither reserves room for nor accepts one from
//! its own RPC callers.

use bitcoin::consensus::encode::VarInt;

use crate::AuxPowError;

/// Namecoin refuses chain merkle branches longer than this (a tree of 2^30 slots).
/// Consensus; the allowance takes it whole so that no valid chain branch is refused.
pub const MAX_CHAIN_BRANCH_LEN: usize = 30;

/// Largest serialized parent coinbase (with its witness) the allowance covers, in bytes.
///
/// Bitcoin and Litecoin pools' coinbases are usually under 1 kB; a few pools that pay
/// many outputs from the coinbase reach a few kB. 10 kB covers those with margin while
/// costing a merge-mined template 40,000 weight units (1% of a 4M-weight block).
pub const MAX_PARENT_COINBASE_BYTES: usize = 10_000;

/// Longest merkle branch from the parent coinbase to the parent header's merkle root.
///
/// A 4M-weight parent (Bitcoin, Litecoin) holds at most ~16,700 transactions of the
/// smallest possible weight (240), fewer than 2^15, so 15 levels. 20 levels cover
/// 2^20 transactions: a 32 MB parent (Bitcoin Cash-sized) of 60-byte transactions.
/// Each level costs 32 bytes.
pub const MAX_COINBASE_BRANCH_LEN: usize = 20;

/// Serialized size of a parent header.
const PARENT_HEADER_BYTES: usize = 80;
/// `CMerkleTx::hashBlock`.
const HASH_BLOCK_BYTES: usize = 32;
/// `nIndex` and `nChainIndex`, 4 bytes each.
const INDEX_BYTES: usize = 4;
/// One merkle branch node.
const NODE_BYTES: usize = 32;

/// The largest AuxPoW, in bytes, that a node reserves room for in its merge-mined
/// templates and accepts from pools: a parent coinbase of
/// [`MAX_PARENT_COINBASE_BYTES`], branches of [`MAX_COINBASE_BRANCH_LEN`] and
/// [`MAX_CHAIN_BRANCH_LEN`] nodes, and the 80-byte parent header (11,722 bytes).
pub const MAX_AUXPOW_BYTES: usize = max_auxpow_bytes(
    MAX_PARENT_COINBASE_BYTES,
    MAX_COINBASE_BRANCH_LEN,
    MAX_CHAIN_BRANCH_LEN,
);

/// The serialized size of an AuxPoW whose coinbase serializes to `coinbase_bytes` and
/// whose branches have the given lengths (fewer than 253 nodes each, so their count is
/// one byte, as every branch the format allows).
pub const fn max_auxpow_bytes(
    coinbase_bytes: usize,
    coinbase_branch_len: usize,
    chain_branch_len: usize,
) -> usize {
    coinbase_bytes
        + HASH_BLOCK_BYTES
        + branch_bytes(coinbase_branch_len)
        + INDEX_BYTES
        + branch_bytes(chain_branch_len)
        + INDEX_BYTES
        + PARENT_HEADER_BYTES
}

const fn branch_bytes(len: usize) -> usize {
    VarInt(len as u64).size() + len * NODE_BYTES
}

/// Refuses an AuxPoW of `size` serialized bytes above [`MAX_AUXPOW_BYTES`].
pub fn check_auxpow_size(size: usize) -> Result<(), AuxPowError> {
    if size > MAX_AUXPOW_BYTES {
        return Err(AuxPowError::AuxPowTooLarge {
            size,
            max: MAX_AUXPOW_BYTES,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{check_merkle_branch, AuxChain, AuxPow, MergedMiningCommitment};
    use bitcoin::block::{Header, Version};
    use bitcoin::hashes::Hash;
    use bitcoin::{
        absolute, transaction, Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence,
        Transaction, TxIn, TxMerkleNode, TxOut, Witness,
    };

    const CHAIN_ID: i32 = 0x5645;

    /// A parent coinbase committing to `commitment` whose serialization is exactly
    /// `bytes` long (an OP_RETURN output pads it).
    fn coinbase_of(commitment: &MergedMiningCommitment, bytes: usize) -> Transaction {
        let mut script = bitcoin::script::Builder::new()
            .push_int(840_000)
            .into_bytes();
        script.push(44);
        script.extend_from_slice(&commitment.script_bytes());
        let mut tx = Transaction {
            version: transaction::Version::ONE,
            lock_time: absolute::LockTime::ZERO,
            input: vec![TxIn {
                previous_output: OutPoint::null(),
                script_sig: ScriptBuf::from_bytes(script),
                sequence: Sequence::MAX,
                witness: Witness::new(),
            }],
            output: vec![TxOut {
                value: Amount::from_sat(312_500_000),
                script_pubkey: ScriptBuf::new(),
            }],
        };
        let size = |tx: &Transaction| bitcoin::consensus::encode::serialize(tx).len();
        // Grow the padding until the size is reached; the script length's own varint
        // may jump past it by up to two bytes, then shrink back.
        let mut padding = bytes.saturating_sub(size(&tx));
        loop {
            let mut script = vec![0x6a];
            script.resize(padding + 1, 0xab);
            tx.output[0].script_pubkey = ScriptBuf::from_bytes(script);
            match size(&tx) {
                s if s == bytes => return tx,
                s if s > bytes => padding -= 1,
                _ => padding += 1,
            }
        }
    }

    /// An AuxPoW at every bound of the allowance, with a coinbase of `coinbase_bytes`,
    /// that commits to `block` for [`CHAIN_ID`].
    fn maximal_auxpow(block: BlockHash, coinbase_bytes: usize) -> AuxPow {
        // Ids equal modulo 2^29 share a slot in every tree up to height 29, so the
        // builder needs the tallest tree Namecoin allows.
        let chains = [
            AuxChain {
                chain_id: CHAIN_ID,
                block_hash: block,
            },
            AuxChain {
                chain_id: CHAIN_ID + (1 << 29),
                block_hash: BlockHash::from_byte_array([7; 32]),
            },
        ];
        let commitment = MergedMiningCommitment::build(&chains, 0).unwrap();
        assert_eq!(commitment.tree_height as usize, MAX_CHAIN_BRANCH_LEN);
        let coinbase = coinbase_of(&commitment, coinbase_bytes);
        let branch: Vec<TxMerkleNode> = (0..MAX_COINBASE_BRANCH_LEN)
            .map(|i| TxMerkleNode::from_byte_array([i as u8 + 1; 32]))
            .collect();
        let leaf = TxMerkleNode::from_raw_hash(coinbase.compute_txid().to_raw_hash());
        let parent = Header {
            version: Version::from_consensus(0x2000_0000),
            prev_blockhash: BlockHash::all_zeros(),
            merkle_root: check_merkle_branch(leaf, &branch, 0),
            time: 1_700_000_000,
            bits: CompactTarget::from_consensus(0x1703_0ecd),
            nonce: 0,
        };
        commitment
            .assemble(CHAIN_ID, coinbase, branch, parent)
            .unwrap()
    }

    #[test]
    fn the_allowance_is_the_size_of_a_maximal_auxpow() {
        let block = BlockHash::from_byte_array([3; 32]);
        let auxpow = maximal_auxpow(block, MAX_PARENT_COINBASE_BYTES);
        assert_eq!(auxpow.coinbase_bytes().len(), MAX_PARENT_COINBASE_BYTES);
        assert_eq!(auxpow.coinbase_branch.len(), MAX_COINBASE_BRANCH_LEN);
        assert_eq!(auxpow.chain_branch.len(), MAX_CHAIN_BRANCH_LEN);
        // A real proof, valid by Namecoin's rules, not just bytes of the right length.
        auxpow.check(block, CHAIN_ID, true).unwrap();
        assert_eq!(auxpow.serialized_size(), MAX_AUXPOW_BYTES);
        assert_eq!(MAX_AUXPOW_BYTES, 11_722);
        assert_eq!(check_auxpow_size(auxpow.serialized_size()), Ok(()));

        let bigger = maximal_auxpow(block, MAX_PARENT_COINBASE_BYTES + 1);
        bigger.check(block, CHAIN_ID, true).unwrap();
        let error = check_auxpow_size(bigger.serialized_size()).unwrap_err();
        assert_eq!(
            error,
            AuxPowError::AuxPowTooLarge {
                size: MAX_AUXPOW_BYTES + 1,
                max: MAX_AUXPOW_BYTES
            }
        );
        assert!(error.to_string().contains("11722-byte allowance"));
    }
}
