//! A controller per block kind, as in Fractal's cadence mining: native and merge-mined
//! blocks each have their own difficulty, and each controller sees only the blocks of
//! its own kind (see [`crate::KindView`] for how they are numbered).
//!
//! The first block of a kind, which has no predecessor of its kind, carries the
//! genesis bits: the founder's statement of the difficulty a new chain starts from.
//! After that the kind's controller runs on the kind's own blocks, treating the first
//! of them as its genesis (an ASERT anchored at height 0 measures from it; an LWMA is
//! in its warm-up until it has `N + 1` blocks of its kind).

use crate::kind_view::KindView;
use crate::{Ancestry, BlockKind, DifficultyAlgorithm, DifficultyError, NextBlock};

/// One difficulty controller per [`BlockKind`].
#[derive(Debug)]
pub struct PerKind {
    pub native: Box<dyn DifficultyAlgorithm>,
    pub merge_mined: Box<dyn DifficultyAlgorithm>,
    /// Bits of the first block of each kind.
    pub genesis_bits: u32,
}

impl PerKind {
    fn controller(&self, kind: BlockKind) -> &dyn DifficultyAlgorithm {
        match kind {
            BlockKind::Native => self.native.as_ref(),
            BlockKind::MergeMined => self.merge_mined.as_ref(),
        }
    }
}

impl DifficultyAlgorithm for PerKind {
    fn name(&self) -> &'static str {
        "per_kind"
    }

    fn lookback(&self) -> Option<u32> {
        // The blocks of one kind may be spread arbitrarily far apart.
        None
    }

    fn next_bits(&self, chain: &dyn Ancestry, next: &NextBlock) -> Result<u32, DifficultyError> {
        match KindView::new(chain, next.kind)? {
            None => Ok(self.genesis_bits),
            Some(view) => self.controller(next.kind).next_bits(&view, next),
        }
    }
}
