//! Merkle branches as the AuxPoW uses them, and the slot a chain takes in the chain
//! merkle tree.
//!
//! Both trees an AuxPoW proves membership in (the parent block's transactions and the
//! tree of aux-chain block hashes) hash node pairs with double SHA-256 over their internal
//! byte order, like Bitcoin's block merkle tree.

use bitcoin::hashes::{Hash, HashEngine};
use bitcoin::TxMerkleNode;

/// The parent of two merkle nodes: `sha256d(left || right)`.
pub(crate) fn hash_pair(left: &TxMerkleNode, right: &TxMerkleNode) -> TxMerkleNode {
    let mut engine = TxMerkleNode::engine();
    engine.input(left.as_byte_array());
    engine.input(right.as_byte_array());
    TxMerkleNode::from_engine(engine)
}

/// The root reached from `leaf` through `branch` at position `index` (Namecoin's
/// `CAuxPow::CheckMerkleBranch`).
///
/// Bit `i` of `index` says whether the node at level `i` is a right child. As in Namecoin,
/// an index of -1 yields the all-zero hash, and other negative indices are shifted
/// arithmetically, so every input gives Namecoin's answer.
pub fn check_merkle_branch(
    leaf: TxMerkleNode,
    branch: &[TxMerkleNode],
    index: i32,
) -> TxMerkleNode {
    if index == -1 {
        return TxMerkleNode::all_zeros();
    }
    let mut hash = leaf;
    let mut index = index;
    for node in branch {
        hash = if index & 1 != 0 {
            hash_pair(node, &hash)
        } else {
            hash_pair(&hash, node)
        };
        index >>= 1;
    }
    hash
}

/// The slot in a chain merkle tree of height `tree_height` that a chain with `chain_id`
/// must occupy for the coinbase `nonce` (Namecoin's `CAuxPow::getExpectedIndex`).
///
/// A linear congruential step over the nonce, plus the chain id, then another step, taken
/// modulo the tree size. Namecoin reduces modulo `2^h` between the steps in 64-bit
/// arithmetic and Dogecoin wraps at 32 bits; because `2^h` divides `2^32`, both equal
/// this 32-bit wrapping form for every `h <= 30` (Namecoin's limit). Heights of 32 or more
/// return the full 32-bit value instead of overflowing the shift.
pub fn get_expected_index(nonce: u32, chain_id: i32, tree_height: u32) -> u32 {
    const MULTIPLIER: u32 = 1_103_515_245;
    const INCREMENT: u32 = 12_345;
    let mut rand = nonce.wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT);
    // A negative chain id converts to unsigned modulo 2^32, as the C++ addition does.
    rand = rand.wrapping_add(chain_id as u32);
    rand = rand.wrapping_mul(MULTIPLIER).wrapping_add(INCREMENT);
    match 1u32.checked_shl(tree_height) {
        Some(size) => rand & size.wrapping_sub(1),
        None => rand,
    }
}

/// Bitcoin's merkle root over `leaves` (the last node of an odd level is paired with
/// itself); `None` for no leaves.
pub fn merkle_root(leaves: &[TxMerkleNode]) -> Option<TxMerkleNode> {
    let mut level: Vec<TxMerkleNode> = leaves.to_vec();
    while level.len() > 1 {
        level = next_level(&level);
    }
    level.first().copied()
}

/// The branch proving `leaves[index]` under [`merkle_root`] of `leaves`, in the order
/// [`check_merkle_branch`] consumes it; `None` when `index` is out of range.
///
/// Pools use it for the coinbase (index 0) within the parent block, and the commitment
/// builder for each chain's slot in the chain merkle tree.
pub fn merkle_branch(leaves: &[TxMerkleNode], index: usize) -> Option<Vec<TxMerkleNode>> {
    leaves.get(index)?;
    let mut level: Vec<TxMerkleNode> = leaves.to_vec();
    let mut position = index;
    let mut branch = Vec::new();
    while level.len() > 1 {
        // The odd last node's sibling is itself, as in the root computation.
        let sibling = level
            .get(position ^ 1)
            .or_else(|| level.get(position))
            .copied()?;
        branch.push(sibling);
        level = next_level(&level);
        position >>= 1;
    }
    Some(branch)
}

fn next_level(level: &[TxMerkleNode]) -> Vec<TxMerkleNode> {
    let pairs = level.chunks_exact(2);
    let odd = pairs.remainder().first().map(|last| hash_pair(last, last));
    pairs
        .map(|pair| hash_pair(&pair[0], &pair[1]))
        .chain(odd)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(byte: u8) -> TxMerkleNode {
        TxMerkleNode::from_byte_array([byte; 32])
    }

    #[test]
    fn branch_reproduces_root_for_every_leaf() {
        for count in 1..=9usize {
            let leaves: Vec<_> = (0..count).map(|i| node(i as u8 + 1)).collect();
            let root = merkle_root(&leaves).unwrap();
            for (index, leaf) in leaves.iter().enumerate() {
                let branch = merkle_branch(&leaves, index).unwrap();
                let computed = check_merkle_branch(*leaf, &branch, index as i32);
                assert_eq!(computed, root, "{count} leaves, index {index}");
            }
            assert!(merkle_branch(&leaves, count).is_none());
        }
    }

    #[test]
    fn minus_one_index_gives_zero_hash() {
        assert_eq!(
            check_merkle_branch(node(7), &[node(1)], -1),
            TxMerkleNode::all_zeros()
        );
    }

    #[test]
    fn expected_index_matches_namecoin_u64_form() {
        // Namecoin's formulation, reducing modulo 2^h between steps in 64-bit arithmetic.
        fn namecoin(nonce: u32, chain_id: i32, h: u32) -> u64 {
            let modulus = 1u64 << h;
            let mut rand = u64::from(nonce);
            rand = rand.wrapping_mul(1_103_515_245).wrapping_add(12_345) % modulus;
            rand = rand.wrapping_add(chain_id as i64 as u64);
            rand = rand.wrapping_mul(1_103_515_245).wrapping_add(12_345) % modulus;
            rand
        }
        for h in 0..=30 {
            for (nonce, chain_id) in [(0, 1), (7, 0x62), (u32::MAX, -3), (2_677_055_472, 98)] {
                assert_eq!(
                    u64::from(get_expected_index(nonce, chain_id, h)),
                    namecoin(nonce, chain_id, h),
                    "h={h} nonce={nonce} chain={chain_id}"
                );
            }
        }
        assert_eq!(get_expected_index(5, 1, 40), get_expected_index(5, 1, 32));
    }
}
