//! Blocks whose parent has not arrived yet, bounded in count and bytes.

use bitcoin::BlockHash;
use std::collections::{HashMap, VecDeque};
use venture_primitives::Block;

/// At most this many orphan blocks are kept.
pub const MAX_ORPHANS: usize = 256;
/// And at most this many bytes of them.
pub const MAX_ORPHAN_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Default)]
pub struct OrphanPool {
    blocks: HashMap<BlockHash, (Block, usize)>,
    by_parent: HashMap<BlockHash, Vec<BlockHash>>,
    order: VecDeque<BlockHash>,
    bytes: usize,
}

impl OrphanPool {
    pub fn contains(&self, hash: &BlockHash) -> bool {
        self.blocks.contains_key(hash)
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Keeps `block`, evicting the oldest orphans beyond the limits.
    pub fn insert(&mut self, block: Block, size: usize) {
        let hash = block.block_hash();
        if self.blocks.contains_key(&hash) || size > MAX_ORPHAN_BYTES {
            return;
        }
        self.by_parent
            .entry(block.header.pure.prev_blockhash)
            .or_default()
            .push(hash);
        self.blocks.insert(hash, (block, size));
        self.order.push_back(hash);
        self.bytes += size;
        while self.blocks.len() > MAX_ORPHANS || self.bytes > MAX_ORPHAN_BYTES {
            match self.order.pop_front() {
                Some(oldest) => {
                    self.remove(&oldest);
                }
                None => break,
            }
        }
    }

    fn remove(&mut self, hash: &BlockHash) -> Option<Block> {
        let (block, size) = self.blocks.remove(hash)?;
        self.bytes -= size;
        let parent = block.header.pure.prev_blockhash;
        if let Some(siblings) = self.by_parent.get_mut(&parent) {
            siblings.retain(|h| h != hash);
            if siblings.is_empty() {
                self.by_parent.remove(&parent);
            }
        }
        self.order.retain(|h| h != hash);
        Some(block)
    }

    /// Removes and returns the orphans whose parent is `parent`.
    pub fn take_children(&mut self, parent: &BlockHash) -> Vec<Block> {
        let hashes = self.by_parent.remove(parent).unwrap_or_default();
        hashes.iter().filter_map(|h| self.remove(h)).collect()
    }
}
