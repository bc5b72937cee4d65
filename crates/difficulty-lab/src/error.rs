//! The crate's one error type.

use std::path::PathBuf;
use thiserror::Error;

/// Why a replay or a simulation could not run. Every file error names the file.
#[derive(Debug, Error)]
pub enum LabError {
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error(
        "{path}: not a difficulty vector file this lab knows (expected a BCHN ASERT run, \
         calculate_asert_test.json, asert_params.json, bitcoin_vectors.json, \
         dogecoin_vectors.json, lwma_vectors.json or zcash_vectors.json)"
    )]
    UnknownFormat { path: PathBuf },
    #[error("{path}: {reason}")]
    Malformed { path: PathBuf, reason: String },
    #[error("simulation: {0}")]
    Simulation(String),
    #[error("cannot write {what}: {reason}")]
    Write { what: String, reason: String },
}
