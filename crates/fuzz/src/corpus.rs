//! The seed corpus: `fuzz/corpus/<target>/`, one input per file, read in name order so
//! that a run depends only on the files and the PRNG seed.

use crate::FuzzError;
use std::path::{Path, PathBuf};

/// The committed seeds, `fuzz/corpus` at the workspace root.
pub fn default_corpus_dir() -> PathBuf {
    venture_testkit::workspace_root()
        .join("fuzz")
        .join("corpus")
}

/// Every file of `dir`, sorted by name.
pub fn load(dir: &Path) -> Result<Vec<Vec<u8>>, FuzzError> {
    let read_error = |source| FuzzError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_error)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    let seeds = paths
        .iter()
        .map(|path| {
            std::fs::read(path).map_err(|source| FuzzError::Read {
                path: path.clone(),
                source,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if seeds.is_empty() {
        return Err(FuzzError::EmptyCorpus(dir.to_path_buf()));
    }
    Ok(seeds)
}
