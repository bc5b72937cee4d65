//! The lab against the real vector set: everything must agree, and tampering with any
//! expectation must show up as a named mismatch.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::Value;
use venture_auxpow_lab::{decode_header_hex, verify, LabError};
use venture_pow::PowAlgorithm;

fn auxpow_dir() -> Option<PathBuf> {
    venture_testkit::vector_path("auxpow")
}

fn bulk_lines(path: &Path) -> Vec<String> {
    BufReader::new(GzDecoder::new(std::fs::File::open(path).unwrap()))
        .lines()
        .map(Result::unwrap)
        .collect()
}

fn json_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|entry| {
            entry
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "json")
        })
        .count()
}

#[test]
fn the_whole_vector_set_agrees() {
    let Some(dir) = auxpow_dir() else {
        return;
    };
    let report = verify(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(report.mismatches, Vec::<String>::new());

    let index: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("expected_index_vectors.json")).unwrap(),
    )
    .unwrap();
    let tuples: usize = index
        .as_object()
        .unwrap()
        .values()
        .filter_map(Value::as_array)
        .map(Vec::len)
        .sum();
    let mut headers = 0;
    for entry in std::fs::read_dir(dir.join("bulk")).unwrap() {
        headers += bulk_lines(&entry.unwrap().path())
            .iter()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .count();
    }
    let files = json_count(&dir.join("valid")) + json_count(&dir.join("negative"));
    assert_eq!(report.passed, files + tuples + headers);
    assert_eq!(
        report.summary_line(),
        format!("{} passed, 0 failed", files + tuples + headers)
    );
    eprintln!("{}", report.summary_line());
}

/// Copies a vector file into `dir`, changing its JSON with `edit`.
fn tampered_json(source: &Path, dir: &Path, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let mut json: Value = serde_json::from_str(&std::fs::read_to_string(source).unwrap()).unwrap();
    edit(&mut json);
    let target = dir.join(source.file_name().unwrap());
    std::fs::write(&target, serde_json::to_string(&json).unwrap()).unwrap();
    target
}

#[test]
fn tampered_expectations_are_reported() {
    let Some(dir) = auxpow_dir() else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let files = [
        tampered_json(
            &dir.join("valid/nmc_mainnet_19200.json"),
            scratch.path(),
            |json| {
                json["expected_hash"] = "00".repeat(32).into();
            },
        ),
        tampered_json(
            &dir.join("valid/doge_mainnet_371337.json"),
            scratch.path(),
            |json| {
                json["decoded"]["auxpow"]["chain_index"] = 5.into();
            },
        ),
        tampered_json(
            &dir.join("negative/nmc37174_chain_branch_32.json"),
            scratch.path(),
            |json| {
                json["reference_checker_result"] = "Aux POW wrong index".into();
            },
        ),
        tampered_json(
            &dir.join("valid/doge_mainnet_403931_auxpow_only.json"),
            scratch.path(),
            |json| {
                json["child_bits"] = "1a000001".into();
            },
        ),
        tampered_json(
            &dir.join("expected_index_vectors.json"),
            scratch.path(),
            |json| {
                let row = &mut json["libdohj"][0]["expected_index"];
                *row = (row.as_i64().unwrap() + 1).into();
            },
        ),
    ];

    // A bulk chunk with one header's hash changed.
    let chunk = dir.join("bulk/nmc_mainnet_chunk9_h18144-20159.tsv.gz");
    let mut lines = bulk_lines(&chunk);
    let victim = lines
        .iter()
        .position(|line| line.starts_with("19200\t"))
        .unwrap();
    let mut fields: Vec<String> = lines[victim].split('\t').map(str::to_owned).collect();
    fields[1] = "11".repeat(32);
    lines[victim] = fields.join("\t");
    let bulk = scratch.path().join("nmc_mainnet_tampered.tsv.gz");
    let mut encoder = GzEncoder::new(std::fs::File::create(&bulk).unwrap(), Default::default());
    encoder
        .write_all((lines.join("\n") + "\n").as_bytes())
        .unwrap();
    encoder.finish().unwrap();

    let mut paths = files.to_vec();
    paths.push(bulk);
    let report = verify(&paths).unwrap();
    for line in &report.mismatches {
        eprintln!("{line}");
    }
    // Every tampered JSON file fails once; the tampered bulk header fails, and so does
    // the next one, whose hashPrevBlock no longer matches the line before it.
    assert_eq!(report.failed, files.len() + 2, "{:#?}", report.mismatches);
    let mentions = |text: &str| report.mismatches.iter().any(|line| line.contains(text));
    assert!(mentions("nmc_mainnet_19200.json: block hash"));
    assert!(mentions(
        "doge_mainnet_371337.json: decoded.auxpow.chain_index"
    ));
    assert!(mentions(
        "nmc37174_chain_branch_32.json: check: ours Aux POW chain merkle branch too long"
    ));
    assert!(mentions(
        "doge_mainnet_403931_auxpow_only.json: check with parent proof of work"
    ));
    assert!(mentions("expected_index_vectors.json: libdohj[0]"));
    assert!(mentions(
        "nmc_mainnet_tampered.tsv.gz height 19200: block hash"
    ));
    assert!(mentions(
        "nmc_mainnet_tampered.tsv.gz height 19201: hashPrevBlock"
    ));
    assert!(report
        .summary_line()
        .ends_with(&format!("{} failed", files.len() + 2)));
}

#[test]
fn unreadable_files_are_errors_naming_them() {
    let scratch = tempfile::tempdir().unwrap();
    let missing = scratch.path().join("nope.json");
    let err = verify(&[missing]).unwrap_err();
    assert!(matches!(err, LabError::Read { .. }));
    assert!(err.to_string().contains("nope.json"), "{err}");

    let broken = scratch.path().join("broken.json");
    std::fs::write(&broken, "{ not json").unwrap();
    let err = verify(&[broken]).unwrap_err();
    assert!(
        matches!(err, LabError::Json { .. }) && err.to_string().contains("broken.json"),
        "{err}"
    );

    let odd = scratch.path().join("odd.json");
    std::fs::write(&odd, r#"{"hello": "world"}"#).unwrap();
    let err = verify(&[odd]).unwrap_err();
    assert!(
        matches!(err, LabError::Format { .. }) && err.to_string().contains("odd.json"),
        "{err}"
    );

    let bad_gzip = scratch.path().join("nmc_mainnet_bad.tsv.gz");
    std::fs::write(&bad_gzip, b"this is not gzip").unwrap();
    let err = verify(&[bad_gzip]).unwrap_err();
    assert!(err.to_string().contains("nmc_mainnet_bad.tsv.gz"), "{err}");

    let text = scratch.path().join("notes.txt");
    std::fs::write(&text, "hi").unwrap();
    assert!(matches!(
        verify(&[text]).unwrap_err(),
        LabError::Format { .. }
    ));
}

#[test]
fn decodes_a_header_to_json() {
    let Some(dir) = auxpow_dir() else {
        return;
    };
    let vector: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("valid/nmc_mainnet_19200.json")).unwrap(),
    )
    .unwrap();
    let hex_text = vector["header_with_auxpow_hex"].as_str().unwrap();
    let json = decode_header_hex(hex_text, 1, PowAlgorithm::Sha256d).unwrap();
    assert_eq!(json["hash"], vector["expected_hash"]);
    assert_eq!(json["chain_id_from_version"], 1);
    assert_eq!(json["auxpow_flag"], true);
    assert_eq!(json["check_result"], "ok");
    let auxpow = &json["auxpow"];
    assert_eq!(
        auxpow["parent_coinbase_txid"],
        vector["decoded"]["auxpow"]["parent_coinbase_txid"]
    );
    assert_eq!(
        auxpow["parent_hash"],
        vector["decoded"]["auxpow"]["parent_sha256d_hash"]
    );
    assert_eq!(
        auxpow["coinbase_merkle_branch"].as_array().unwrap().len(),
        5
    );
    assert!(auxpow["parent_coinbase_hex"]
        .as_str()
        .unwrap()
        .starts_with("01000000010000"));

    let wrong_chain = decode_header_hex(hex_text, 2, PowAlgorithm::Sha256d).unwrap();
    assert!(wrong_chain["check_result"]
        .as_str()
        .unwrap()
        .starts_with("block does not have our chain ID (got 1, expected 2"));

    assert!(matches!(
        decode_header_hex("zz", 1, PowAlgorithm::Sha256d),
        Err(LabError::Hex(_))
    ));
    assert!(matches!(
        decode_header_hex(&hex_text[..200], 1, PowAlgorithm::Sha256d),
        Err(LabError::Decode(_))
    ));
}
