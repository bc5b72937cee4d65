//! What counts as a finding, and how its input is kept: `<crash dir>/<target>/<sha256>`.

use crate::guard::hash_name;
use crate::FuzzError;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Why an input is a finding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Finding {
    #[error("panic: {0}")]
    Panic(String),
    /// A round trip or another property the format promises did not hold.
    #[error("broken promise: {0}")]
    Oracle(String),
    #[error("slow input: one execution took {0:?}")]
    Slow(Duration),
    #[error("a single allocation of {size} bytes exceeds the target's bound of {bound} for a {len}-byte input")]
    LargeAllocation {
        size: usize,
        bound: usize,
        len: usize,
    },
    #[error(
        "{live} bytes live at once exceed the target's bound of {bound} for a {len}-byte input"
    )]
    LiveMemory {
        live: usize,
        bound: usize,
        len: usize,
    },
    #[error("an allocation of {0} bytes was refused")]
    Refused(usize),
}

/// Writes `input` under `crash_dir/target/` and returns the error that reports it.
pub fn record(crash_dir: &Path, target: &str, input: &[u8], finding: Finding) -> FuzzError {
    let dir = crash_dir.join(target);
    let path = dir.join(String::from_utf8_lossy(&hash_name(input)).as_ref());
    let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
    match written {
        Ok(()) => FuzzError::Finding {
            target: target.to_string(),
            finding,
            path,
        },
        Err(source) => {
            // The finding matters more than the file: report both.
            eprintln!("FINDING in target `{target}`: {finding}");
            FuzzError::Write { path, source }
        }
    }
}

/// The default crash directory, `fuzz/crashes` at the workspace root.
pub fn default_crash_dir() -> PathBuf {
    venture_testkit::workspace_root()
        .join("fuzz")
        .join("crashes")
}
