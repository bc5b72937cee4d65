//! Walks the given files and directories and verifies every vector in them.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::valid::{auxpow_vector, branch_vector, header_vector, index_vectors, is_index_file};
use crate::{bulk, negative, LabError, VerifyReport};

/// Verifies the vectors in `paths` (files, or directories searched recursively for
/// `*.json` and `*.tsv.gz`), in the formats of the reference-vector set's `auxpow/`
/// directory.
///
/// Each JSON vector file, each bulk header and each `getExpectedIndex` tuple counts once.
/// Each is run through the full check with the parameters of the chain it comes from
/// (see [`crate::ReferenceChain`] for how that is inferred) and compared with the
/// expected outcome, hash and reason. A file that cannot be read, is not JSON, or has no
/// known vector layout is an error naming it.
pub fn verify(paths: &[PathBuf]) -> Result<VerifyReport, LabError> {
    let mut files = Vec::new();
    for path in paths {
        collect(path, true, &mut files)?;
    }
    let mut report = VerifyReport::default();
    for file in &files {
        let label = label_of(file);
        if is_bulk(file) {
            bulk::bulk_file(file, &label, &mut report)?;
        } else {
            json_file(file, &label, &mut report)?;
        }
    }
    Ok(report)
}

fn is_bulk(path: &Path) -> bool {
    path.to_string_lossy().ends_with(".tsv.gz")
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "json")
}

fn collect(path: &Path, named: bool, files: &mut Vec<PathBuf>) -> Result<(), LabError> {
    let read_error = |source| LabError::Read {
        path: path.to_path_buf(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if metadata.is_dir() {
        let mut entries = std::fs::read_dir(path)
            .map_err(read_error)?
            .map(|entry| entry.map(|entry| entry.path()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(read_error)?;
        entries.sort();
        for entry in entries {
            collect(&entry, false, files)?;
        }
    } else if is_json(path) || is_bulk(path) {
        files.push(path.to_path_buf());
    } else if named {
        return Err(LabError::Format {
            path: path.to_path_buf(),
            reason: "not a vector file (expected .json or .tsv.gz)".into(),
        });
    }
    Ok(())
}

/// The last two components of a path (`negative/nmc37174_flag_cleared.json`): short, and
/// unambiguous within a vector set.
fn label_of(path: &Path) -> String {
    let mut parts: Vec<String> = path
        .components()
        .rev()
        .take(2)
        .map(|part| part.as_os_str().to_string_lossy().to_string())
        .collect();
    parts.reverse();
    parts.join("/")
}

fn json_file(path: &Path, label: &str, report: &mut VerifyReport) -> Result<(), LabError> {
    let text = std::fs::read_to_string(path).map_err(|source| LabError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let json: Value = serde_json::from_str(&text).map_err(|source| LabError::Json {
        path: path.to_path_buf(),
        source,
    })?;
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_default();
    let has = |key: &str| json.get(key).is_some();
    let problems = if is_index_file(&json) {
        index_vectors(&json, label, report);
        return Ok(());
    } else if has("expected_check_error") {
        let (problems, notes) = negative::negative_vector(&json, &file_name);
        report.note(label, notes);
        problems
    } else if has("header_with_auxpow_hex") {
        header_vector(&json, &file_name)
    } else if has("auxpow_hex") {
        auxpow_vector(&json, &file_name)
    } else if has("serialized_hex") {
        branch_vector(&json)
    } else {
        return Err(LabError::Format {
            path: path.to_path_buf(),
            reason: "no known vector layout (header, auxpow, merkle branch, negative, index)"
                .into(),
        });
    };
    report.record(label, problems);
    Ok(())
}
