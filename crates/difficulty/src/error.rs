use thiserror::Error;

/// Why the next bits could not be computed.
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
}
