//! The simulated chain as an [`Ancestry`], with per-kind counts kept as a block index
//! would keep them.

use venture_difficulty::{Ancestry, BlockKind, BlockMeta, DifficultyError};

#[derive(Debug, Default)]
pub(crate) struct SimChain {
    blocks: Vec<BlockMeta>,
    /// Native and merge-mined blocks in `0..=height`.
    counts: Vec<(u32, u32)>,
}

impl SimChain {
    pub fn push(&mut self, block: BlockMeta) {
        let (mut native, mut merged) = self.counts.last().copied().unwrap_or_default();
        match block.kind {
            BlockKind::Native => native += 1,
            BlockKind::MergeMined => merged += 1,
        }
        self.blocks.push(block);
        self.counts.push((native, merged));
    }

    /// Bitcoin's median time past of the last eleven blocks.
    pub fn median_time_past(&self) -> u32 {
        let start = self.blocks.len().saturating_sub(11);
        let mut times: Vec<u32> = self
            .blocks
            .get(start..)
            .unwrap_or_default()
            .iter()
            .map(|b| b.time)
            .collect();
        times.sort_unstable();
        times.get(times.len() / 2).copied().unwrap_or_default()
    }
}

impl Ancestry for SimChain {
    fn tip(&self) -> BlockMeta {
        // The simulation pushes genesis before it asks for anything.
        self.blocks.last().copied().unwrap_or(BlockMeta {
            height: 0,
            time: 0,
            bits: 0,
            kind: BlockKind::Native,
        })
    }

    fn ancestor(&self, height: u32) -> Option<BlockMeta> {
        self.blocks.get(height as usize).copied()
    }

    fn kind_count(&self, height: u32, kind: BlockKind) -> Result<u32, DifficultyError> {
        let (native, merged) = self
            .counts
            .get(height as usize)
            .copied()
            .ok_or(DifficultyError::MissingAncestor(height))?;
        Ok(match kind {
            BlockKind::Native => native,
            BlockKind::MergeMined => merged,
        })
    }
}
