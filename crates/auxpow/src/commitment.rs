//! Merge-mining several aux chains at once: the chain merkle tree a parent coinbase commits
//! to, each chain's slot and branch in it, and the AuxPoW each chain gets once the parent
//! block is found.
//!
//! Each chain must sit at the slot `getExpectedIndex(nonce, chain_id, height)`. That slot is
//! `((r + chain_id) * A + B) mod 2^height` with `r` fixed by the nonce and `A` odd, so two
//! chains collide exactly when their ids are equal modulo `2^height`, whatever the nonce.
//! The builder therefore takes the nonce as given and grows the tree until the ids
//! separate; ids that differ by less than `2^16` (all ids a version can carry) always
//! separate by height 16.

use std::collections::BTreeMap;

use bitcoin::block::Header;
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, Transaction, TxMerkleNode};

use crate::limits::MAX_CHAIN_BRANCH_LEN;
use crate::merkle::{get_expected_index, hash_pair};
use crate::script::{root_in_script_order, MERGED_MINING_MAGIC};
use crate::{AuxPow, AuxPowError};

/// One aux chain to merge-mine: its chain id and the hash of the block to be mined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuxChain {
    pub chain_id: i32,
    pub block_hash: BlockHash,
}

/// An aux chain's place in the chain merkle tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSlot {
    pub chain_id: i32,
    pub block_hash: BlockHash,
    /// The AuxPoW's `nChainIndex`.
    pub chain_index: i32,
    /// The AuxPoW's chain merkle branch from `block_hash` to the root.
    pub chain_branch: Vec<TxMerkleNode>,
}

/// What a parent coinbase must commit to so that every listed chain can accept the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedMiningCommitment {
    /// Height of the chain merkle tree (its size is `2^tree_height`).
    pub tree_height: u32,
    /// The nonce written after the tree size; it fixes each chain's slot.
    pub nonce: u32,
    /// The root of the chain merkle tree (internal byte order).
    pub chain_root: TxMerkleNode,
    /// One slot per chain, in the order the chains were given.
    pub slots: Vec<ChainSlot>,
}

impl MergedMiningCommitment {
    /// Builds the smallest chain merkle tree (height at most 30) in which every chain gets
    /// its expected slot for `nonce`. Unused slots hold the all-zero hash.
    pub fn build(chains: &[AuxChain], nonce: u32) -> Result<MergedMiningCommitment, AuxPowError> {
        if chains.is_empty() {
            return Err(AuxPowError::NoAuxChains);
        }
        let mut ids: Vec<i32> = chains.iter().map(|chain| chain.chain_id).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(AuxPowError::DuplicateChainId(pair[0]));
        }

        for height in 0..=MAX_CHAIN_BRANCH_LEN as u32 {
            if (1u64 << height) < chains.len() as u64 {
                continue;
            }
            let indices: Vec<u32> = chains
                .iter()
                .map(|chain| get_expected_index(nonce, chain.chain_id, height))
                .collect();
            let mut sorted = indices.clone();
            sorted.sort_unstable();
            if sorted.windows(2).any(|pair| pair[0] == pair[1]) {
                continue;
            }
            return Ok(Self::with_slots(chains, &indices, height, nonce));
        }
        Err(AuxPowError::NoCollisionFreeTree)
    }

    /// The tree size written into the coinbase (`2^tree_height`).
    pub fn tree_size(&self) -> u32 {
        1u32 << self.tree_height
    }

    /// The 44 bytes to place in the parent coinbase's first input script: the magic, the
    /// root in display byte order, the tree size and the nonce (little-endian). They can go
    /// anywhere in the script (usually as one push after the height), once.
    pub fn script_bytes(&self) -> [u8; 44] {
        let mut bytes = [0u8; 44];
        bytes[0..4].copy_from_slice(&MERGED_MINING_MAGIC);
        bytes[4..36].copy_from_slice(&root_in_script_order(&self.chain_root));
        bytes[36..40].copy_from_slice(&self.tree_size().to_le_bytes());
        bytes[40..44].copy_from_slice(&self.nonce.to_le_bytes());
        bytes
    }

    /// The slot of `chain_id`, if it is part of this commitment.
    pub fn slot(&self, chain_id: i32) -> Option<&ChainSlot> {
        self.slots.iter().find(|slot| slot.chain_id == chain_id)
    }

    /// The AuxPoW for `chain_id` once a parent block containing the commitment is found:
    /// its coinbase, the coinbase's merkle branch in the parent block, and its header.
    pub fn assemble(
        &self,
        chain_id: i32,
        coinbase_tx: Transaction,
        coinbase_branch: Vec<TxMerkleNode>,
        parent_header: Header,
    ) -> Result<AuxPow, AuxPowError> {
        let slot = self
            .slot(chain_id)
            .ok_or(AuxPowError::ChainNotCommitted(chain_id))?;
        Ok(AuxPow::new(
            coinbase_tx,
            coinbase_branch,
            slot.chain_branch.clone(),
            slot.chain_index,
            parent_header,
        ))
    }

    /// Builds the sparse tree: only nodes above a used slot are computed, the rest are the
    /// hashes of all-zero subtrees, so a tall tree costs `chains * height` hashes.
    fn with_slots(chains: &[AuxChain], indices: &[u32], height: u32, nonce: u32) -> Self {
        // empty[level]: the root of an all-zero subtree of that height.
        let mut empty = Vec::with_capacity(height as usize);
        let mut subtree = TxMerkleNode::all_zeros();
        for _ in 0..height {
            empty.push(subtree);
            subtree = hash_pair(&subtree, &subtree);
        }

        let mut levels: Vec<BTreeMap<u32, TxMerkleNode>> = Vec::new();
        let mut current: BTreeMap<u32, TxMerkleNode> = chains
            .iter()
            .zip(indices)
            .map(|(chain, &index)| {
                (
                    index,
                    TxMerkleNode::from_byte_array(chain.block_hash.to_byte_array()),
                )
            })
            .collect();
        for &empty_below in &empty {
            let mut parents = BTreeMap::new();
            for &index in current.keys() {
                let left_index = index & !1;
                let left = current.get(&left_index).copied().unwrap_or(empty_below);
                let right = current
                    .get(&(left_index | 1))
                    .copied()
                    .unwrap_or(empty_below);
                parents.insert(index >> 1, hash_pair(&left, &right));
            }
            levels.push(std::mem::replace(&mut current, parents));
        }
        let chain_root = current
            .values()
            .next()
            .copied()
            .unwrap_or(TxMerkleNode::all_zeros());

        let slots = chains
            .iter()
            .zip(indices)
            .map(|(chain, &index)| {
                let chain_branch = levels
                    .iter()
                    .zip(&empty)
                    .enumerate()
                    .map(|(level, (nodes, empty_here))| {
                        let sibling = (index >> level) ^ 1;
                        nodes.get(&sibling).copied().unwrap_or(*empty_here)
                    })
                    .collect();
                ChainSlot {
                    chain_id: chain.chain_id,
                    block_hash: chain.block_hash,
                    // At most 2^30 - 1, so it fits.
                    chain_index: index as i32,
                    chain_branch,
                }
            })
            .collect();

        MergedMiningCommitment {
            tree_height: height,
            nonce,
            chain_root,
            slots,
        }
    }
}
