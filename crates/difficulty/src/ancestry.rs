//! What an algorithm may know about the chain: the tip and its ancestors by height.

use crate::DifficultyError;
use serde::{Deserialize, Serialize};

/// How a block proved its work. Chains with a hybrid cadence give each kind its own
/// difficulty controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Mined directly: the header itself meets the target.
    Native,
    /// Merge-mined: a parent chain's header carries the proof (AuxPoW).
    MergeMined,
}

/// The fields of a block header a difficulty algorithm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockMeta {
    pub height: u32,
    pub time: u32,
    pub bits: u32,
    pub kind: BlockKind,
}

/// The block being built or checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextBlock {
    /// Its header time (some rules, e.g. testnet minimum difficulty, read it).
    pub time: u32,
    pub kind: BlockKind,
}

/// A view of one chain: its tip and every ancestor of the tip by height.
pub trait Ancestry {
    /// The block the next one builds on.
    fn tip(&self) -> BlockMeta;

    /// The ancestor of the tip at `height` (`height <= tip().height`), if known.
    fn ancestor(&self, height: u32) -> Option<BlockMeta>;

    /// Like [`Ancestry::ancestor`], but a missing ancestor is an error.
    fn require(&self, height: u32) -> Result<BlockMeta, DifficultyError> {
        self.ancestor(height)
            .ok_or(DifficultyError::MissingAncestor(height))
    }

    /// How many blocks of `kind` the chain holds from genesis up to and including
    /// `height`. Only the per-kind controller asks, to number the blocks of one kind.
    ///
    /// The default walks back to genesis, which is correct but costs O(height); a block
    /// index should store the two running counts beside its chain work and answer in
    /// O(1).
    fn kind_count(&self, height: u32, kind: BlockKind) -> Result<u32, DifficultyError> {
        let mut count = 0u32;
        for h in (0..=height).rev() {
            if self.require(h)?.kind == kind {
                count += 1;
            }
        }
        Ok(count)
    }
}

/// An [`Ancestry`] over a contiguous run of blocks ordered by height, the last being
/// the tip. Used by replay tools, simulations and tests.
#[derive(Debug, Clone)]
pub struct SliceAncestry<'a> {
    blocks: &'a [BlockMeta],
}

impl<'a> SliceAncestry<'a> {
    /// `blocks` must be non-empty with consecutive heights.
    pub fn new(blocks: &'a [BlockMeta]) -> Option<Self> {
        let first = blocks.first()?;
        let consecutive = blocks
            .iter()
            .enumerate()
            .all(|(i, b)| b.height as u64 == first.height as u64 + i as u64);
        consecutive.then_some(SliceAncestry { blocks })
    }
}

impl Ancestry for SliceAncestry<'_> {
    fn tip(&self) -> BlockMeta {
        self.blocks[self.blocks.len() - 1]
    }

    fn ancestor(&self, height: u32) -> Option<BlockMeta> {
        let first = self.blocks.first()?.height;
        let index = height.checked_sub(first)? as usize;
        self.blocks.get(index).copied()
    }
}
