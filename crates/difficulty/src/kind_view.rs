//! The chain as one block kind sees it: only its own blocks, numbered densely.
//!
//! **Heights in the view.** The block with view height `h` is the `h`-th block of the
//! kind counted from genesis (0-based): the first merge-mined block has view height 0
//! whatever its real height. Dense numbering is what the algorithms assume (LWMA's
//! window, Bitcoin's `height % interval`, ASERT's block count since its anchor all
//! count blocks *of this controller*), so each controller behaves exactly as it would
//! on a chain of its own kind alone, with that chain's first block as its genesis.
//! Times and bits are the blocks' real ones.

use crate::{Ancestry, BlockKind, BlockMeta, DifficultyError};
use std::cell::Cell;

/// Real blocks walked back from the last lookup before a view lookup switches to a
/// binary search over [`Ancestry::kind_count`].
const WALK_LIMIT: u32 = 256;

/// An [`Ancestry`] over the blocks of one kind.
pub struct KindView<'a> {
    chain: &'a dyn Ancestry,
    kind: BlockKind,
    tip: BlockMeta,
    /// Last lookup: (view height, real height), where walks back start.
    cursor: Cell<(u32, u32)>,
}

impl<'a> KindView<'a> {
    /// The view of `kind` at `chain`'s tip, or `None` if no block of that kind exists.
    pub fn new(chain: &'a dyn Ancestry, kind: BlockKind) -> Result<Option<Self>, DifficultyError> {
        let real_tip = chain.tip();
        let count = chain.kind_count(real_tip.height, kind)?;
        let Some(view_height) = count.checked_sub(1) else {
            return Ok(None);
        };
        let last = find_last_of_kind(chain, kind, real_tip.height, count)?;
        let tip = BlockMeta {
            height: view_height,
            ..last
        };
        Ok(Some(KindView {
            chain,
            kind,
            tip,
            cursor: Cell::new((view_height, last.height)),
        }))
    }

    /// The real height of the block at `view_height`.
    fn real_height(&self, view_height: u32) -> Result<Option<u32>, DifficultyError> {
        if view_height > self.tip.height {
            return Ok(None);
        }
        let (cursor_view, cursor_real) = self.cursor.get();
        if view_height == cursor_view {
            return Ok(Some(cursor_real));
        }
        if view_height < cursor_view {
            // Walk back a little: windows are read newest to oldest or oldest to newest
            // in small steps, and this needs no counts.
            let mut view = cursor_view;
            let mut real = cursor_real;
            let stop = cursor_real.saturating_sub(WALK_LIMIT);
            while real > stop {
                real -= 1;
                if self.chain.require(real)?.kind == self.kind {
                    view -= 1;
                    if view == view_height {
                        return Ok(Some(real));
                    }
                }
            }
        }
        // Otherwise: the lowest real height holding view_height + 1 blocks of the kind.
        let wanted = view_height + 1;
        let (mut lo, mut hi) = (0u32, cursor_real.max(view_height));
        if view_height > cursor_view {
            hi = self.chain.tip().height;
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.chain.kind_count(mid, self.kind)? >= wanted {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok(Some(lo))
    }
}

/// The highest block of `kind` at or below `height`, given that `count` blocks of the
/// kind exist up to there (`count >= 1`).
fn find_last_of_kind(
    chain: &dyn Ancestry,
    kind: BlockKind,
    height: u32,
    count: u32,
) -> Result<BlockMeta, DifficultyError> {
    let stop = height.saturating_sub(WALK_LIMIT);
    let mut real = height;
    loop {
        let block = chain.require(real)?;
        if block.kind == kind {
            return Ok(block);
        }
        if real == stop || real == 0 {
            break;
        }
        real -= 1;
    }
    // A long run of the other kind: binary search for the count's first height.
    let (mut lo, mut hi) = (0u32, real);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if chain.kind_count(mid, kind)? >= count {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    chain.require(lo)
}

impl Ancestry for KindView<'_> {
    fn tip(&self) -> BlockMeta {
        self.tip
    }

    fn ancestor(&self, height: u32) -> Option<BlockMeta> {
        let real = self.real_height(height).ok().flatten()?;
        let block = self.chain.ancestor(real)?;
        if block.kind != self.kind {
            return None;
        }
        self.cursor.set((height, real));
        Some(BlockMeta { height, ..block })
    }

    fn kind_count(&self, height: u32, kind: BlockKind) -> Result<u32, DifficultyError> {
        // Every block of the view is of its kind.
        Ok(if kind == self.kind {
            height.min(self.tip.height) + 1
        } else {
            0
        })
    }
}
