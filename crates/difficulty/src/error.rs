//! The crate's one error type.

use thiserror::Error;

/// Why the next bits could not be computed, or why a configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DifficultyError {
    /// The chain does not reach back to an ancestor the algorithm needs.
    #[error("ancestor at height {0} is not available")]
    MissingAncestor(u32),
    /// An ancestor carries bits that do not decode to a usable target.
    #[error("ancestor at height {height} has invalid bits {bits:#010x}")]
    InvalidBits { height: u32, bits: u32 },
    /// A parameter is out of its domain.
    #[error("invalid difficulty parameter `{field}`: {reason}")]
    InvalidParameter { field: &'static str, reason: String },
    /// An anchored algorithm (ASERT) was asked for a block before its anchor.
    #[error("the tip at height {tip} is below the difficulty anchor at height {anchor}")]
    BeforeAnchor { tip: u32, anchor: u32 },
}

/// Shorthand for [`DifficultyError::InvalidParameter`].
pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> DifficultyError {
    DifficultyError::InvalidParameter {
        field,
        reason: reason.into(),
    }
}
