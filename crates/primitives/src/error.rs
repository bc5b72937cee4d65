use thiserror::Error;

/// Why a value could not be decoded or built.
#[derive(Debug, Error)]
pub enum PrimitivesError {
    #[error("invalid address `{address}`: {reason}")]
    InvalidAddress { address: String, reason: String },
    #[error("address `{address}` is for the `{found}` network, expected `{expected}`")]
    WrongNetwork {
        address: String,
        found: String,
        expected: String,
    },
    #[error("invalid address prefix `{0}`: {1}")]
    InvalidHrp(String, String),
}
