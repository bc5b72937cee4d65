//! Replaying the published vectors through the lab, and what it says about files it
//! cannot use or cases that do not match.

use serde_json::Value;
use std::path::{Path, PathBuf};
use venture_difficulty_lab::{replay, LabError};

fn daa() -> Option<PathBuf> {
    venture_testkit::vector_path("daa")
}

fn json_cases(path: &Path, keys: &[&str]) -> usize {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    keys.iter()
        .map(|k| doc[*k].as_array().map_or(0, Vec::len))
        .sum()
}

#[test]
fn every_published_vector_passes() {
    let Some(dir) = daa() else { return };
    let report = replay(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(report.failed, 0, "{report}");
    assert!(report.mismatches.is_empty());
    // Every file under daa/ was recognised (the directory holds nothing else).
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .chain(std::fs::read_dir(dir.join("asert")).unwrap())
        .filter(|e| e.as_ref().unwrap().path().is_file())
        .count();
    assert_eq!(report.files.len(), files, "{report}");
    assert_eq!(
        report.summary_line(),
        format!("{} passed, 0 failed", report.passed)
    );

    let count = |name: &str| {
        report
            .files
            .iter()
            .find(|f| f.file.ends_with(name))
            .map(|f| f.passed)
            .unwrap()
    };
    // Cases the files hold, counted independently of the lab.
    let zcash = json_cases(&dir.join("zcash_vectors.json"), &["vectors"]);
    assert_eq!(count("zcash_vectors.json"), zcash);
    assert_eq!(
        count("dogecoin_vectors.json"),
        json_cases(&dir.join("dogecoin_vectors.json"), &["vectors"])
    );
    assert_eq!(
        count("calculate_asert_test.json"),
        json_cases(&dir.join("asert/calculate_asert_test.json"), &["vectors"])
    );
    let bitcoin_path = dir.join("bitcoin_vectors.json");
    let bitcoin: Value =
        serde_json::from_str(&std::fs::read_to_string(&bitcoin_path).unwrap()).unwrap();
    let permitted: usize = bitcoin["retarget"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["permitted"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        count("bitcoin_vectors.json"),
        json_cases(
            &bitcoin_path,
            &[
                "retarget",
                "set_compact",
                "get_compact",
                "block_proof",
                "check_proof_of_work"
            ]
        ) + permitted
    );
    let lwma: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("lwma_vectors.json")).unwrap())
            .unwrap();
    let steps: usize = lwma["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["steps"].as_array().unwrap().len()
                + c["derived_not_published"]["steps"]
                    .as_array()
                    .map_or(0, Vec::len)
        })
        .sum();
    assert_eq!(count("lwma_vectors.json"), steps);
    // A run file: one case per line, plus the iteration count and the start height and
    // time its header gives.
    let run01 = std::fs::read_to_string(dir.join("asert/run01")).unwrap();
    let lines = run01
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .count();
    assert_eq!(count("run01"), lines + 2);
}

fn scratch(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn a_changed_expected_value_is_one_failure_with_a_description() {
    let Some(dir) = daa() else { return };
    let text = std::fs::read_to_string(dir.join("dogecoin_vectors.json")).unwrap();
    let tampered = text.replacen(
        "\"expected_bits\": \"0x1b671062\"",
        "\"expected_bits\": \"0x1b671063\"",
        1,
    );
    assert_ne!(
        text, tampered,
        "the vector file changed; pick another value to alter"
    );
    let (_keep, path) = scratch("doge.json", &tampered);
    let report = replay(&[path]).unwrap();
    assert_eq!(report.failed, 1, "{report}");
    assert_eq!(report.mismatches.len(), 1);
    let line = &report.mismatches[0];
    assert!(line.contains("get_next_work_digishield"), "{line}");
    assert!(
        line.contains("expected 0x1b671063, got 0x1b671062"),
        "{line}"
    );
    assert!(!line.contains('\n'));
    assert!(report.summary_line().ends_with("passed, 1 failed"));

    let run = std::fs::read_to_string(dir.join("asert/run02")).unwrap();
    let tampered = run.replacen("3 4 2400 0x1a2b3c4d", "3 4 2400 0x1a2b3c4e", 1);
    assert_ne!(run, tampered);
    let (_keep, path) = scratch("run02", &tampered);
    let report = replay(&[path]).unwrap();
    assert_eq!(report.failed, 1, "{report}");
    assert!(
        report.mismatches[0].contains("height 4"),
        "{}",
        report.mismatches[0]
    );
}

#[test]
fn unknown_and_unreadable_files_are_errors_naming_the_file() {
    let (_keep, path) = scratch("notes.json", "{\"hello\": 1}");
    match replay(std::slice::from_ref(&path)) {
        Err(e @ LabError::UnknownFormat { .. }) => {
            assert!(e.to_string().contains("notes.json"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    let (_keep, path) = scratch("garbage.txt", "not json at all");
    assert!(matches!(
        replay(&[path]),
        Err(LabError::UnknownFormat { .. })
    ));
    let missing = PathBuf::from("no-such-dir/no-such-file.json");
    match replay(&[missing]) {
        Err(e @ LabError::Read { .. }) => {
            assert!(e.to_string().contains("no-such-file.json"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    // Recognised, but a field it needs is missing: malformed, with the field named.
    let (_keep, path) = scratch(
        "zcash.json",
        "{\"vectors\": [{\"bn_avg_bits\": \"0x1d00ffff\"}]}",
    );
    match replay(&[path]) {
        Err(e @ LabError::Malformed { .. }) => assert!(e.to_string().contains("params"), "{e}"),
        other => panic!("{other:?}"),
    }
}
