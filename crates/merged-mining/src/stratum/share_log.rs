//! The share log a pool pays from: one JSON line per accepted share, appended and
//! flushed as the share is accepted, so that a crash loses at most the share being
//! written. Each line says who (worker, peer), how much (the difficulty credited, the
//! unit of PPS and PPLNS payouts), for what (job, proof-of-work hash) and what it
//! solved (a parent block, the aux chains by chain id).

use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// One accepted share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShareRecord<'a> {
    /// Milliseconds since the Unix epoch.
    pub time_ms: u64,
    pub worker: &'a str,
    pub peer: SocketAddr,
    /// The difficulty credited for it.
    pub difficulty: f64,
    pub job: &'a str,
    /// Its proof-of-work hash, in the parent's display order.
    pub pow_hash: String,
    /// It was a parent block.
    pub parent_block: bool,
    /// The aux chains it was a block for.
    pub aux_chain_ids: &'a [i32],
}

/// An open share log.
#[derive(Debug)]
pub struct ShareLog {
    file: Mutex<File>,
}

impl ShareLog {
    /// Opens `path` for appending, creating it if needed.
    pub fn open(path: &Path) -> io::Result<ShareLog> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| io::Error::new(e.kind(), format!("share log {}: {e}", path.display())))?;
        Ok(ShareLog {
            file: Mutex::new(file),
        })
    }

    /// Appends `record` as one line. A line is written with a single `write` on a file
    /// opened for appending, so concurrent sessions never interleave within a line.
    pub fn append(&self, record: &ShareRecord<'_>) -> io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
        line.push(b'\n');
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("share log lock poisoned"))?;
        file.write_all(&line)
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_share_is_one_json_line_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shares.jsonl");
        std::fs::write(&path, "{\"earlier\":true}\n").unwrap();
        let log = ShareLog::open(&path).unwrap();
        let record = ShareRecord {
            time_ms: 1_700_000_000_123,
            worker: "alice.rig1",
            peer: "127.0.0.1:4000".parse().unwrap(),
            difficulty: 2048.0,
            job: "1f",
            pow_hash: "00ff".into(),
            parent_block: true,
            aux_chain_ids: &[0x5645, 0x0001],
        };
        log.append(&record).unwrap();
        log.append(&ShareRecord {
            worker: "bob",
            parent_block: false,
            aux_chain_ids: &[],
            ..record.clone()
        })
        .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "appended after what was there");
        assert_eq!(
            lines[1],
            serde_json::json!({"time_ms": 1_700_000_000_123u64, "worker": "alice.rig1",
                "peer": "127.0.0.1:4000", "difficulty": 2048.0, "job": "1f", "pow_hash": "00ff",
                "parent_block": true, "aux_chain_ids": [0x5645, 1]})
        );
        assert_eq!(lines[2]["worker"], "bob");
        assert_eq!(lines[2]["aux_chain_ids"], serde_json::json!([]));
    }

    #[test]
    fn an_unwritable_path_is_named() {
        let error = ShareLog::open(Path::new("/nonexistent-dir/shares.jsonl")).unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent-dir/shares.jsonl"),
            "{error}"
        );
    }
}
