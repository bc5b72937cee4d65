//! Why the lab could not do what it was asked (as opposed to a vector that failed).

use std::path::PathBuf;
use thiserror::Error;

/// A file that cannot be read or understood, or input that is not a header.
#[derive(Debug, Error)]
pub enum LabError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path}: {reason}")]
    Format { path: PathBuf, reason: String },
    #[error("not hex: {0}")]
    Hex(#[from] hex::FromHexError),
    #[error("not a header: {0}")]
    Decode(#[from] bitcoin::consensus::encode::Error),
}
