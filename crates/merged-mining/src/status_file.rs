//! The status file `ventured mm --status-file` rewrites every second: the bound Stratum
//! address (so that scripts can listen on port 0 and read what was bound), the process
//! id and the coordinator's counters.

use crate::Coordinator;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use thiserror::Error;
use tracing::info;

#[derive(Debug, Error)]
#[error("cannot write {}", path.display())]
pub struct StatusFileError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Writes the status through a temporary file renamed over `path`, so that a reader
/// never sees half a file.
pub fn write_status_file(
    path: &Path,
    stratum: SocketAddr,
    coordinator: &Coordinator,
) -> Result<(), StatusFileError> {
    let status = serde_json::json!({
        "stratum": stratum.to_string(),
        "pid": std::process::id(),
        "stats": coordinator.stats_json(),
    });
    let partial = path.with_extension("tmp");
    // A JSON value always serializes: its keys are strings.
    let bytes = serde_json::to_vec_pretty(&status).expect("JSON values serialize");
    std::fs::write(&partial, bytes).map_err(|source| StatusFileError {
        path: partial.clone(),
        source,
    })?;
    std::fs::rename(&partial, path).map_err(|source| StatusFileError {
        path: path.to_path_buf(),
        source,
    })
}

/// Logs one line of counters (the node calls it every minute).
pub fn log_summary(coordinator: &Coordinator) {
    let stats = coordinator.stats();
    let aux: Vec<String> = stats
        .aux
        .iter()
        .map(|chain| {
            format!(
                "{:#x}:{}",
                chain.chain_id.load(Ordering::Relaxed),
                chain.accepted.load(Ordering::Relaxed)
            )
        })
        .collect();
    info!(
        miners = stats.connections.load(Ordering::Relaxed),
        shares = stats.shares_accepted.load(Ordering::Relaxed),
        parent_blocks = stats.parent.accepted.load(Ordering::Relaxed),
        aux_blocks = %aux.join(" "),
        "merged mining"
    );
}
