//! The in-memory block index: every header the node accepted, the active chain, and
//! the candidates for a better tip.

use bitcoin::block::Header as PureHeader;
use bitcoin::BlockHash;
use std::collections::{HashMap, HashSet};
use venture_difficulty::{Ancestry, BlockKind, BlockMeta, DifficultyError};
use venture_pow::Work;
use venture_store::{BlockIndexRecord, BlockStatus};

/// One accepted header and what is known about its block.
#[derive(Debug, Clone)]
pub struct IndexEntry {
    pub hash: BlockHash,
    pub header: PureHeader,
    pub height: u32,
    pub chain_work: Work,
    pub status: BlockStatus,
    pub sequence: u64,
    /// Merge-mined blocks from genesis up to and including this one.
    pub merge_mined_count: u32,
    /// This block's data and all its ancestors' data are stored (Bitcoin Core's
    /// `nChainTx != 0`): only such blocks can become the tip. Derived, not stored.
    pub linked: bool,
    /// An ancestor further back (Bitcoin Core's `pskip`), so that any ancestor is found
    /// in O(log n) steps. Set by [`BlockIndex::insert`]; derived, not stored.
    pub(crate) skip: Option<BlockHash>,
}

impl IndexEntry {
    pub fn from_record(hash: BlockHash, record: BlockIndexRecord) -> IndexEntry {
        IndexEntry {
            hash,
            header: record.header,
            height: record.height,
            chain_work: record.chain_work,
            status: record.status,
            sequence: record.sequence,
            merge_mined_count: record.merge_mined_count,
            linked: false,
            skip: None,
        }
    }

    pub fn to_record(&self) -> BlockIndexRecord {
        BlockIndexRecord {
            header: self.header,
            height: self.height,
            chain_work: self.chain_work,
            status: self.status,
            sequence: self.sequence,
            merge_mined_count: self.merge_mined_count,
        }
    }

    pub fn kind(&self) -> BlockKind {
        if self.status.has(BlockStatus::MERGE_MINED) {
            BlockKind::MergeMined
        } else {
            BlockKind::Native
        }
    }

    pub fn meta(&self) -> BlockMeta {
        BlockMeta {
            height: self.height,
            time: self.header.time,
            bits: self.header.bits.to_consensus(),
            kind: self.kind(),
        }
    }

    pub fn prev(&self) -> BlockHash {
        self.header.prev_blockhash
    }
}

/// All known headers, with the active chain as a height-indexed vector.
#[derive(Debug, Default)]
pub struct BlockIndex {
    entries: HashMap<BlockHash, IndexEntry>,
    children: HashMap<BlockHash, Vec<BlockHash>>,
    active: Vec<BlockHash>,
    /// Blocks whose data and ancestors' data are all present and not failed, with at
    /// least as much work as the tip had when they were added.
    pub(crate) candidates: HashSet<BlockHash>,
    /// The valid header with the most work, whether or not its block data is here:
    /// what the node is syncing towards.
    best_header: Option<BlockHash>,
    next_sequence: u64,
}

impl BlockIndex {
    pub fn get(&self, hash: &BlockHash) -> Option<&IndexEntry> {
        self.entries.get(hash)
    }

    pub(crate) fn get_mut(&mut self, hash: &BlockHash) -> Option<&mut IndexEntry> {
        self.entries.get_mut(hash)
    }

    pub fn contains(&self, hash: &BlockHash) -> bool {
        self.entries.contains_key(hash)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds an entry, or replaces the entry with the same hash. Its parent, if it has
    /// one, must already be in the index (its skip pointer is set from it).
    pub(crate) fn insert(&mut self, mut entry: IndexEntry) {
        entry.skip = match entry.height {
            0 => None,
            height => self
                .ancestor(&entry.prev(), skip_height(height))
                .map(|skip| skip.hash),
        };
        self.next_sequence = self.next_sequence.max(entry.sequence + 1);
        let is_new = !self.entries.contains_key(&entry.hash);
        if is_new && entry.height > 0 {
            self.children
                .entry(entry.prev())
                .or_default()
                .push(entry.hash);
        }
        let beats_best = self
            .best_header
            .and_then(|h| self.entries.get(&h))
            .is_none_or(|best| entry.chain_work > best.chain_work);
        if beats_best && !entry.status.is_failed() {
            self.best_header = Some(entry.hash);
        }
        self.entries.insert(entry.hash, entry);
    }

    /// The valid header with the most work.
    pub fn best_header(&self) -> Option<&IndexEntry> {
        self.best_header.and_then(|h| self.entries.get(&h))
    }

    /// Re-derives the best header after blocks were marked invalid.
    pub(crate) fn recompute_best_header(&mut self) {
        self.best_header = self
            .entries
            .values()
            .filter(|e| !e.status.is_failed())
            .max_by(|a, b| {
                a.chain_work
                    .cmp(&b.chain_work)
                    .then(b.sequence.cmp(&a.sequence))
            })
            .map(|e| e.hash);
    }

    /// A fresh arrival order number.
    pub(crate) fn take_sequence(&mut self) -> u64 {
        let seq = self.next_sequence;
        self.next_sequence += 1;
        seq
    }

    /// Removes `hash` and all its descendants, returning their hashes. For branches
    /// that hold no block data and no part of the active chain.
    pub(crate) fn remove_branch(&mut self, hash: &BlockHash) -> Vec<BlockHash> {
        let Some(entry) = self.entries.get(hash) else {
            return Vec::new();
        };
        if let Some(siblings) = self.children.get_mut(&entry.prev()) {
            siblings.retain(|child| child != hash);
        }
        let mut removed = Vec::new();
        let mut queue = vec![*hash];
        while let Some(current) = queue.pop() {
            if self.entries.remove(&current).is_some() {
                removed.push(current);
            }
            self.candidates.remove(&current);
            queue.extend(self.children.remove(&current).unwrap_or_default());
        }
        removed
    }

    /// Whether `hash` is `of` or one of its ancestors.
    pub fn is_ancestor_or_self(&self, hash: &BlockHash, of: &BlockHash) -> bool {
        let Some(entry) = self.entries.get(hash) else {
            return false;
        };
        self.ancestor(of, entry.height)
            .is_some_and(|ancestor| ancestor.hash == *hash)
    }

    /// Every header without a child: the tips of all known branches, the active one
    /// among them (Bitcoin Core's `getchaintips`). Walks the whole index.
    pub fn tips(&self) -> impl Iterator<Item = &IndexEntry> {
        self.entries
            .values()
            .filter(|entry| self.children(&entry.hash).is_empty())
    }

    pub fn children(&self, hash: &BlockHash) -> &[BlockHash] {
        self.children.get(hash).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The best block of the active chain.
    pub fn tip(&self) -> Option<&IndexEntry> {
        self.active.last().and_then(|h| self.entries.get(h))
    }

    pub fn height(&self) -> u32 {
        self.active.len().saturating_sub(1) as u32
    }

    /// The active chain's block hash at `height`.
    pub fn active_at(&self, height: u32) -> Option<BlockHash> {
        self.active.get(height as usize).copied()
    }

    pub fn is_active(&self, entry: &IndexEntry) -> bool {
        self.active_at(entry.height) == Some(entry.hash)
    }

    pub(crate) fn push_active(&mut self, hash: BlockHash) {
        self.active.push(hash);
    }

    pub(crate) fn pop_active(&mut self) -> Option<BlockHash> {
        self.active.pop()
    }

    pub(crate) fn set_active(&mut self, chain: Vec<BlockHash>) {
        self.active = chain;
    }

    /// The ancestor of `hash` at `height`: along skip pointers as Bitcoin Core's
    /// `GetAncestor`, in O(log n) steps, and at once where the active chain is met.
    pub fn ancestor(&self, hash: &BlockHash, height: u32) -> Option<&IndexEntry> {
        let mut entry = self.entries.get(hash)?;
        if height > entry.height {
            return None;
        }
        while entry.height > height {
            if self.is_active(entry) {
                return self.active_at(height).and_then(|h| self.entries.get(&h));
            }
            let here = entry.height;
            let jump = skip_height(here);
            let jump_from_prev = skip_height(here - 1);
            // Take the skip unless it overshoots, or unless the parent's skip would land
            // closer to the target without overshooting it (Core's rule).
            let take_skip = jump == height
                || (jump > height && !(jump_from_prev + 2 < jump && jump_from_prev >= height));
            let next = match entry.skip {
                Some(skip) if take_skip => skip,
                _ => entry.prev(),
            };
            entry = self.entries.get(&next)?;
        }
        Some(entry)
    }

    /// The last common ancestor of two known blocks.
    pub fn fork_point(&self, a: &BlockHash, b: &BlockHash) -> Option<&IndexEntry> {
        let height = self.entries.get(a)?.height.min(self.entries.get(b)?.height);
        let mut a = self.ancestor(a, height)?;
        let mut b = self.ancestor(b, height)?;
        while a.hash != b.hash {
            a = self.entries.get(&a.prev())?;
            b = self.entries.get(&b.prev())?;
        }
        Some(a)
    }

    /// Median of the times of `hash` and its ten predecessors (Bitcoin's
    /// median-time-past, which a child's time must exceed).
    pub fn median_time_past(&self, hash: &BlockHash) -> Option<u32> {
        let mut times = Vec::with_capacity(11);
        let mut current = self.entries.get(hash)?;
        loop {
            times.push(current.header.time);
            if times.len() == 11 || current.height == 0 {
                break;
            }
            current = self.entries.get(&current.prev())?;
        }
        times.sort_unstable();
        Some(times[times.len() / 2])
    }

    /// The difficulty algorithm's view of the chain ending at `tip`.
    pub fn ancestry<'a>(&'a self, tip: &'a IndexEntry) -> IndexAncestry<'a> {
        IndexAncestry { index: self, tip }
    }

    /// Block locator for `hash` (Bitcoin's exponentially spaced list back to genesis).
    pub fn locator(&self, hash: &BlockHash) -> Vec<BlockHash> {
        let Some(tip) = self.entries.get(hash) else {
            return Vec::new();
        };
        let mut heights = Vec::new();
        let mut step = 1u32;
        let mut height = tip.height as i64;
        while height > 0 {
            heights.push(height as u32);
            if heights.len() >= 10 {
                step = step.saturating_mul(2);
            }
            height -= step as i64;
        }
        heights.push(0);
        heights
            .into_iter()
            .filter_map(|h| self.ancestor(hash, h).map(|e| e.hash))
            .collect()
    }
}

/// The height a block's skip pointer leads to (Bitcoin Core's `GetSkipHeight`): clearing
/// low set bits of the height spreads the jumps so any ancestor is O(log n) jumps away.
fn skip_height(height: u32) -> u32 {
    fn clear_lowest_set_bit(n: u32) -> u32 {
        n & n.wrapping_sub(1)
    }
    if height < 2 {
        0
    } else if height & 1 == 1 {
        clear_lowest_set_bit(clear_lowest_set_bit(height - 1)) + 1
    } else {
        clear_lowest_set_bit(height)
    }
}

/// [`Ancestry`] over the index, for the difficulty algorithm.
pub struct IndexAncestry<'a> {
    index: &'a BlockIndex,
    tip: &'a IndexEntry,
}

impl Ancestry for IndexAncestry<'_> {
    fn tip(&self) -> BlockMeta {
        self.tip.meta()
    }

    fn ancestor(&self, height: u32) -> Option<BlockMeta> {
        self.index
            .ancestor(&self.tip.hash, height)
            .map(IndexEntry::meta)
    }

    /// O(1) from the running count every entry carries.
    fn kind_count(&self, height: u32, kind: BlockKind) -> Result<u32, DifficultyError> {
        let entry = self
            .index
            .ancestor(&self.tip.hash, height)
            .ok_or(DifficultyError::MissingAncestor(height))?;
        Ok(match kind {
            BlockKind::MergeMined => entry.merge_mined_count,
            BlockKind::Native => entry.height + 1 - entry.merge_mined_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;

    fn header(prev: BlockHash, nonce: u32) -> PureHeader {
        PureHeader {
            version: bitcoin::block::Version::from_consensus(1),
            prev_blockhash: prev,
            merkle_root: bitcoin::TxMerkleNode::all_zeros(),
            time: nonce,
            bits: bitcoin::CompactTarget::from_consensus(0x207f_ffff),
            nonce,
        }
    }

    fn entry(header: PureHeader, height: u32) -> IndexEntry {
        IndexEntry {
            hash: header.block_hash(),
            header,
            height,
            chain_work: Work::from_bits(0x207f_ffff),
            status: BlockStatus(BlockStatus::HAVE_DATA),
            sequence: u64::from(height),
            merge_mined_count: 0,
            linked: false,
            skip: None,
        }
    }

    /// A chain of `length` headers on `from`, none of them active, so lookups use skips.
    fn extend(index: &mut BlockIndex, from: &IndexEntry, length: u32, salt: u32) -> Vec<BlockHash> {
        let mut hashes = Vec::new();
        let mut prev = from.clone();
        for _ in 0..length {
            let next = entry(header(prev.hash, prev.height + 1 + salt), prev.height + 1);
            hashes.push(next.hash);
            index.insert(next.clone());
            prev = next;
        }
        hashes
    }

    #[test]
    fn skip_heights_match_bitcoin_core() {
        let expected = [
            (0, 0),
            (1, 0),
            (2, 0),
            (3, 1),
            (4, 0),
            (5, 1),
            (6, 4),
            (7, 1),
        ];
        for (height, skip) in expected {
            assert_eq!(skip_height(height), skip, "height {height}");
        }
        assert_eq!(skip_height(100), 96);
        assert_eq!(skip_height(101), 65);
        for height in 2..10_000 {
            assert!(skip_height(height) < height);
        }
    }

    #[test]
    fn every_ancestor_of_a_long_branch_is_found_through_skips() {
        let mut index = BlockIndex::default();
        let genesis = entry(header(BlockHash::all_zeros(), 0), 0);
        index.insert(genesis.clone());
        index.set_active(vec![genesis.hash]);
        let trunk = extend(&mut index, &genesis, 3_000, 0);
        let fork_base = index.get(&trunk[1_499]).unwrap().clone();
        let branch = extend(&mut index, &fork_base, 2_000, 7_000);
        let tip = *branch.last().unwrap();
        assert_eq!(index.ancestor(&tip, 0).unwrap().hash, genesis.hash);
        for height in 1..=1_500 {
            assert_eq!(
                index.ancestor(&tip, height).unwrap().hash,
                trunk[height as usize - 1]
            );
        }
        for height in 1_501..=3_500 {
            assert_eq!(
                index.ancestor(&tip, height).unwrap().hash,
                branch[height as usize - 1_501]
            );
        }
        assert!(index.ancestor(&tip, 3_501).is_none());
        let fork = index.fork_point(&tip, trunk.last().unwrap()).unwrap();
        assert_eq!(fork.hash, fork_base.hash);
    }
}
