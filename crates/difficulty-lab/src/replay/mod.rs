//! Replaying published difficulty vectors: each file's format is recognised from its
//! content, every expected value in it is recomputed through `venture-difficulty`
//! (or `venture-pow` for compact bits and work), and each case passes or fails with a
//! one-line description.

mod asert;
mod bitcoin;
mod dogecoin;
mod entry;
mod format;
mod json;
mod lwma;
mod report;
mod run_file;
mod zcash;

pub use format::VectorFormat;
pub use report::{FileReport, ReplayReport};

use crate::LabError;
use format::detect;
use report::Tally;
use std::path::{Path, PathBuf};

/// Replays every file in `paths` (directories are walked, in name order) and adds up
/// the results. A file that cannot be read, or whose format is not recognised, stops
/// the replay with an error naming it; a case that does not match is a failure in the
/// report, not an error.
pub fn replay(paths: &[PathBuf]) -> Result<ReplayReport, LabError> {
    let mut report = ReplayReport::default();
    for path in expand(paths)? {
        replay_file(&path)?.into_report(&mut report);
    }
    Ok(report)
}

/// Replays one file's text; `name` is used in messages.
fn replay_file(path: &Path) -> Result<Tally, LabError> {
    let text = std::fs::read_to_string(path).map_err(|e| LabError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let name = path.display().to_string();
    let (format, doc) = detect(&text).ok_or_else(|| LabError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    let mut tally = Tally::new(name, format.name());
    let outcome = match (format, doc) {
        (VectorFormat::AsertRun, _) => asert::replay_run(&text, &mut tally),
        (VectorFormat::AsertCalculate, Some(doc)) => asert::replay_calculate(&doc, &mut tally),
        (VectorFormat::AsertParams, Some(doc)) => asert::replay_params(&doc, &mut tally),
        (VectorFormat::Bitcoin, Some(doc)) => bitcoin::replay(&doc, &mut tally),
        (VectorFormat::Dogecoin, Some(doc)) => dogecoin::replay(&doc, &mut tally),
        (VectorFormat::Lwma, Some(doc)) => lwma::replay(&doc, &mut tally),
        (VectorFormat::Zcash, Some(doc)) => zcash::replay(&doc, &mut tally),
        (_, None) => Err("no JSON document".to_string()),
    };
    outcome.map_err(|reason| LabError::Malformed {
        path: path.to_path_buf(),
        reason,
    })?;
    Ok(tally)
}

/// Files as given, directories replaced by the files below them, sorted by name.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LabError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| LabError::Read {
                    path: path.clone(),
                    reason: e.to_string(),
                })?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .collect();
            entries.sort();
            files.extend(expand(&entries)?);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}
