//! A constant target, for development chains and tests.

use crate::{Ancestry, DifficultyAlgorithm, DifficultyError, NextBlock};

/// Every block carries the same bits.
#[derive(Debug, Clone)]
pub struct FixedDifficulty {
    pub bits: u32,
}

impl DifficultyAlgorithm for FixedDifficulty {
    fn name(&self) -> &'static str {
        "fixed"
    }

    fn lookback(&self) -> Option<u32> {
        Some(0)
    }

    fn next_bits(&self, _chain: &dyn Ancestry, _next: &NextBlock) -> Result<u32, DifficultyError> {
        Ok(self.bits)
    }
}
