//! The crate's error type: what stops a run that is not a finding, and the finding
//! itself once its input is on disk.

use crate::Finding;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum FuzzError {
    #[error("unknown target `{0}` (see `venture-fuzz list`)")]
    UnknownTarget(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no seed in {0}: the corpus must hold at least one input")]
    EmptyCorpus(PathBuf),
    #[error("seed {path}: {reason}")]
    Seed { path: PathBuf, reason: String },
    #[error("FINDING in target `{target}`: {finding}\n  input written to {path}")]
    Finding {
        target: String,
        finding: Finding,
        path: PathBuf,
    },
}
