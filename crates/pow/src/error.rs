use thiserror::Error;

/// Why a proof of work or a compact target is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PowError {
    #[error("nBits {0:#010x} encodes a negative target")]
    NegativeTarget(u32),
    #[error("nBits {0:#010x} encodes a target that overflows 256 bits")]
    OverflowTarget(u32),
    #[error("nBits {0:#010x} encodes a zero target")]
    ZeroTarget(u32),
    #[error("nBits {0:#010x} encodes a target above the chain's proof-of-work limit")]
    AboveLimit(u32),
    #[error("proof-of-work hash does not meet the target of nBits {0:#010x}")]
    HashAboveTarget(u32),
}
