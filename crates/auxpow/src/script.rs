//! The merged-mining data inside a parent coinbase script: `fa be 6d 6d`, the chain merkle
//! root in display byte order, the tree size and the nonce (both little-endian `u32`).

use bitcoin::hashes::Hash;
use bitcoin::TxMerkleNode;

/// Namecoin's `pchMergedMiningHeader`: the bytes that announce the chain merkle root.
pub const MERGED_MINING_MAGIC: [u8; 4] = [0xfa, 0xbe, b'm', b'm'];

/// Where a chain merkle root sits in a coinbase script, and what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoinbaseCommitment {
    /// Offset of the first `fa be 6d 6d`, if the script has one (legacy coinbases don't).
    pub magic_offset: Option<usize>,
    /// Offset of the first occurrence of the root (display byte order).
    pub root_offset: usize,
    /// The little-endian `u32` right after the root: the chain merkle tree size.
    pub tree_size: Option<u32>,
    /// The little-endian `u32` after the tree size: the nonce that picks each chain's slot.
    pub nonce: Option<u32>,
}

/// Finds `chain_root` in `script` the way `CAuxPow::check` looks for it (first
/// occurrences, no validation); `None` when the root is absent.
///
/// For inspection tools; [`crate::AuxPow::check`] applies Namecoin's rules.
pub fn locate_commitment(script: &[u8], chain_root: &TxMerkleNode) -> Option<CoinbaseCommitment> {
    let root = root_in_script_order(chain_root);
    let root_offset = find(script, &root)?;
    let tail = script.get(root_offset + root.len()..).unwrap_or_default();
    Some(CoinbaseCommitment {
        magic_offset: find(script, &MERGED_MINING_MAGIC),
        root_offset,
        tree_size: read_le32(tail, 0),
        nonce: read_le32(tail, 4),
    })
}

/// The chain merkle root as it appears in a coinbase: its bytes reversed (display order).
pub(crate) fn root_in_script_order(chain_root: &TxMerkleNode) -> [u8; 32] {
    let mut bytes = chain_root.to_byte_array();
    bytes.reverse();
    bytes
}

/// Offset of the first occurrence of `needle` in `haystack` (`std::search`).
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut offset = 0;
    while let Some(rest) = haystack.get(offset..) {
        let candidate = offset + rest.iter().position(|&byte| byte == first)?;
        if haystack
            .get(candidate..candidate + needle.len())
            .is_some_and(|window| window == needle)
        {
            return Some(candidate);
        }
        offset = candidate + 1;
    }
    None
}

/// The little-endian `u32` at `offset`, if four bytes are there.
pub(crate) fn read_le32(bytes: &[u8], offset: usize) -> Option<u32> {
    let word: [u8; 4] = bytes.get(offset..offset + 4)?.try_into().ok()?;
    Some(u32::from_le_bytes(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_matches_std_search() {
        let hay = b"xxfabfabexfabe";
        assert_eq!(find(hay, b"fabe"), Some(5));
        assert_eq!(find(hay, b"zz"), None);
        assert_eq!(find(b"ab", b"abc"), None);
        assert_eq!(find(b"abc", b"c"), Some(2));
    }

    #[test]
    fn locates_root_size_and_nonce() {
        let root = TxMerkleNode::from_byte_array([0x11; 32]);
        let mut script = vec![0x03, 0x01, 0x02, 0x03];
        script.extend_from_slice(&MERGED_MINING_MAGIC);
        script.extend_from_slice(&root_in_script_order(&root));
        script.extend_from_slice(&8u32.to_le_bytes());
        script.extend_from_slice(&7u32.to_le_bytes());
        let found = locate_commitment(&script, &root).unwrap();
        assert_eq!(found.magic_offset, Some(4));
        assert_eq!(found.root_offset, 8);
        assert_eq!(found.tree_size, Some(8));
        assert_eq!(found.nonce, Some(7));
        script.truncate(script.len() - 2);
        assert_eq!(locate_commitment(&script, &root).unwrap().nonce, None);
    }
}
