//! Test support shared by Venture's crates.
//!
//! Reference vectors from real chains live outside the repository, in
//! `../shared/vectors` beside the checkout (or wherever `VENTURE_VECTORS` points). A test
//! that needs them and cannot find them skips with a message, except under `CI=true`,
//! where a missing directory is a failure: CI must never pass by testing nothing.

use std::path::{Path, PathBuf};

/// The reference-vector directory, or `None` (after saying so on stderr) when it is
/// absent outside CI.
///
/// # Panics
/// Under `CI=true` when the directory is missing, so that CI fails loudly.
pub fn vectors_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("VENTURE_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => beside_checkout(),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    let message = format!(
        "reference vectors not found at {} (set VENTURE_VECTORS=DIR)",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}; CI=true requires them");
    }
    eprintln!("skipping: {message}");
    None
}

/// `shared/vectors` beside the checkout, or beside one of its parent directories (a
/// checkout nested one level deeper, as CI clones may be, still finds them).
fn beside_checkout() -> PathBuf {
    let root = workspace_root();
    let default = root.join("..").join("shared").join("vectors");
    root.ancestors()
        .skip(1)
        .map(|dir| dir.join("shared").join("vectors"))
        .find(|candidate| candidate.is_dir())
        .unwrap_or(default)
}

/// A file or directory under the vector directory, with the same skip/fail rule.
pub fn vector_path(relative: &str) -> Option<PathBuf> {
    let path = vectors_dir()?.join(relative);
    assert!(path.exists(), "vector file {} is missing", path.display());
    Some(path)
}

/// The workspace root (this crate lives in `crates/testkit`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}
