//! Bulk chunks: gzip-compressed runs of consecutive real headers, one per line as
//! `height<TAB>expected_hash<TAB>hash_source<TAB>header_with_auxpow_hex`, after a `#`
//! comment line.

use std::io::{BufRead, BufReader};
use std::path::Path;

use bitcoin::consensus::encode::serialize;
use flate2::read::GzDecoder;
use venture_auxpow::{check_header_pow, AuxHeader, AuxPowParams};

use crate::chains::ReferenceChain;
use crate::decode::outcome;
use crate::valid::decode_exact;
use crate::{LabError, VerifyReport};

/// Replays one bulk file: each header is one vector.
pub(crate) fn bulk_file(
    path: &Path,
    label: &str,
    report: &mut VerifyReport,
) -> Result<(), LabError> {
    let read_error = |source| LabError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut lines = BufReader::new(GzDecoder::new(file)).lines();
    let file_name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_string())
        .unwrap_or_default();

    let mut params: Option<AuxPowParams> =
        ReferenceChain::of_bulk(&file_name, "").map(ReferenceChain::params);
    let mut previous: Option<(u64, String)> = None;
    for line in lines.by_ref() {
        let line = line.map_err(read_error)?;
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with('#') {
            if params.is_none() {
                params = ReferenceChain::of_bulk(&file_name, &line).map(ReferenceChain::params);
            }
            continue;
        }
        let Some(params) = params else {
            return Err(LabError::Format {
                path: path.to_path_buf(),
                reason: "cannot tell which chain these headers are from".into(),
            });
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let [height, expected_hash, _source, hex_text] = fields.as_slice() else {
            report.record(
                label,
                vec![format!("malformed line (expected 4 columns): {line}")],
            );
            continue;
        };
        let case = format!("{label} height {height}");
        let problems = check_line(height, expected_hash, hex_text, previous.as_ref(), &params);
        report.record(&case, problems);
        previous = height
            .parse()
            .ok()
            .map(|height| (height, expected_hash.to_string()));
    }
    Ok(())
}

fn check_line(
    height: &str,
    expected_hash: &str,
    hex_text: &str,
    previous: Option<&(u64, String)>,
    params: &AuxPowParams,
) -> Vec<String> {
    let mut problems = Vec::new();
    let height: Option<u64> = height.parse().ok();
    if height.is_none() {
        problems.push("height is not a number".into());
    }
    if let (Some(height), Some((previous_height, _))) = (height, previous) {
        if height != previous_height + 1 {
            problems.push(format!("follows height {previous_height}"));
        }
    }
    let (header, bytes) = match decode_exact::<AuxHeader>(hex_text, "header") {
        Ok(decoded) => decoded,
        Err(problem) => {
            problems.push(problem);
            return problems;
        }
    };
    if serialize(&header) != bytes {
        problems.push("re-encoding differs from the input bytes".into());
    }
    let hash = header.block_hash().to_string();
    if hash != expected_hash {
        problems.push(format!("block hash: ours {hash}, vector {expected_hash}"));
    }
    if let Some((_, previous_hash)) = previous {
        let prev = header.pure.prev_blockhash.to_string();
        if &prev != previous_hash {
            problems.push(format!(
                "hashPrevBlock {prev} is not the previous line's {previous_hash}"
            ));
        }
    }
    let result = outcome(check_header_pow(&header, params));
    if result != "ok" {
        problems.push(format!("full check fails: {result}"));
    }
    problems
}
