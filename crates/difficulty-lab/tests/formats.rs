//! The file formats the replay accepts, on fixtures kept in the repository: ASERT runs
//! as Bitcoin Cash Node publishes them (64-bit heights, `anchor parent time`, any header
//! order, CRLF) and Bitcoin Core vectors holding any subset of their sections.
//!
//! The runs' expected nBits come from `tests/data/asert/derive.py`, an exact-integer
//! rendering of the spec's arithmetic that also agrees with the published run01..run08.

use std::path::{Path, PathBuf};
use venture_difficulty_lab::{replay, LabError, ReplayReport};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/asert")
        .join(name)
}

fn scratch(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn replay_text(name: &str, text: &str) -> Result<ReplayReport, LabError> {
    let (_keep, path) = scratch(name, text);
    replay(&[path])
}

fn malformed(name: &str, text: &str) -> String {
    match replay_text(name, text) {
        Err(e @ LabError::Malformed { .. }) => e.to_string(),
        other => panic!("{name}: expected a malformed-file error, got {other:?}"),
    }
}

#[test]
fn runs_past_64_bit_heights_and_with_falling_times_pass() {
    let report = replay(&[fixture("high_heights"), fixture("falling_times")]).unwrap();
    assert_eq!(report.failed, 0, "{report}");
    // Each block line, plus the iteration count and the start height and time.
    assert_eq!(report.files[0].passed, 10 + 2, "{report}");
    assert_eq!(report.files[1].passed, 12 + 2, "{report}");
    assert!(report.files.iter().all(|f| f.format == "asert run"));
}

#[test]
fn a_changed_line_past_2_63_fails_with_its_height() {
    let text = std::fs::read_to_string(fixture("high_heights")).unwrap();
    let line = "9 9223372036854775810 4295147026 0x1b083b41";
    assert!(
        text.contains(line),
        "the fixture changed; pick another line"
    );
    let report = replay_text("run", &text.replace(line, &line.replace("3b41", "3b42"))).unwrap();
    assert_eq!(report.failed, 1, "{report}");
    assert!(
        report.mismatches[0]
            .contains("line 17 (height 9223372036854775810): expected 0x1b083b42, got 0x1b083b41"),
        "{report}"
    );
    // A dropped line breaks the numbering and the count, each once.
    let report = replay_text("run", &text.replace(&format!("{line}\n"), "")).unwrap();
    assert_eq!(report.failed, 2, "{report}");
    assert!(
        report.mismatches[0].contains("iteration 10, expected 9"),
        "{report}"
    );
    assert!(report.mismatches[1].contains("header says 10 iterations, file has 9 lines"));
}

#[test]
fn differences_beyond_the_references_64_bits_fail_their_line() {
    let text = "##   anchor height: 0\n##   anchor parent time: 0\n##   anchor nBits: 0x1d00ffff\n\
                ##   iterations: 2\n1 18446744073709551615 0 0x1d00ffff\n2 5 3600 0x1d00ffff\n";
    let report = replay_text("run", text).unwrap();
    assert_eq!(report.failed, 1, "{report}");
    assert!(report.mismatches[0].contains("beyond the reference's 64-bit arithmetic"));
}

#[test]
fn a_run_file_it_cannot_use_names_the_file_line_and_field() {
    let text = std::fs::read_to_string(fixture("falling_times")).unwrap();
    let error = malformed("run12", &text.replace("anchor nBits", "anchor bits"));
    assert!(
        error.contains("run12: line 3: unknown header key `anchor bits`"),
        "{error}"
    );
    let error = malformed("run12", &text.replace("3 4 10003", "3 4 10O03"));
    assert!(
        error.contains("run12: line 12: time: `10O03` is not an integer"),
        "{error}"
    );
}

const BITCOIN_PARAMS: &str = r#""params": {"main": {"pow_limit": "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "pow_target_timespan": 1209600, "pow_target_spacing": 600, "interval": 2016}}"#;

/// Bitcoin's retarget at height 32255 (Bitcoin Core's `get_next_work` test).
const RETARGET: &str = r#"{"network": "main", "last_height": 32255, "last_time": 1262152739,
    "first_time": 1261130161, "last_bits": "0x1d00ffff", "expected_bits": "0x1d00d86a"}"#;

#[test]
fn bitcoin_files_with_any_subset_of_sections_pass() {
    let only_compact = r#"{"set_compact": [{"compact": "0x01003456", "negative": false, "overflow": false,
        "value_hex": "00", "get_compact": "0x00000000"}]}"#;
    let report = replay_text("compact.json", only_compact).unwrap();
    assert_eq!((report.passed, report.failed), (1, 0), "{report}");
    assert_eq!(report.files[0].format, "bitcoin");

    let without_permitted = format!(r#"{{{BITCOIN_PARAMS}, "retarget": [{RETARGET}]}}"#);
    let report = replay_text("retarget.json", &without_permitted).unwrap();
    assert_eq!((report.passed, report.failed), (1, 0), "{report}");

    let with_permitted = RETARGET.replace(
        "}",
        r#", "permitted": [{"new_bits": "0x1d00d86a", "expected": true},
            {"new_bits": "0x1d00ffff", "expected": true}, {"new_bits": "0x1c00ffff", "expected": false}]}"#,
    );
    let text =
        format!(r#"{{{BITCOIN_PARAMS}, "retarget": [{with_permitted}], "_doc": "comment"}}"#);
    let report = replay_text("retarget.json", &text).unwrap();
    assert_eq!((report.passed, report.failed), (4, 0), "{report}");
    // The expectations are read, not assumed: flip one.
    let flipped = text.replace(
        r#""0x1c00ffff", "expected": false"#,
        r#""0x1c00ffff", "expected": true"#,
    );
    assert_eq!(replay_text("retarget.json", &flipped).unwrap().failed, 1);
}

#[test]
fn a_bitcoin_file_it_cannot_use_names_the_entry_and_field() {
    let error = malformed("b.json", &format!("{{{BITCOIN_PARAMS}}}"));
    assert!(
        error.contains("b.json: none of the known sections (retarget, set_compact"),
        "{error}"
    );

    let unknown = format!(r#"{{{BITCOIN_PARAMS}, "retarget": [{RETARGET}], "retargets": []}}"#);
    let error = malformed("b.json", &unknown);
    assert!(
        error.contains("the document: unknown field `retargets`"),
        "{error}"
    );

    let extra = RETARGET.replace("\"network\"", "\"expected_work\": 1, \"network\"");
    let error = malformed(
        "b.json",
        &format!(r#"{{{BITCOIN_PARAMS}, "retarget": [{RETARGET}, {extra}]}}"#),
    );
    assert!(
        error.contains("retarget[1]: unknown field `expected_work`"),
        "{error}"
    );

    let mistyped = RETARGET.replace("1262152739", "\"1262152739\"");
    let error = malformed(
        "b.json",
        &format!(r#"{{{BITCOIN_PARAMS}, "retarget": [{mistyped}]}}"#),
    );
    assert!(
        error.contains(
            "retarget[0]: `last_time`: expected an integer, got a string (\"1262152739\")"
        ),
        "{error}"
    );

    let permitted = RETARGET.replace(
        "}",
        r#", "permitted": [{"new_bits": 7, "expected": true}]}"#,
    );
    let error = malformed(
        "b.json",
        &format!(r#"{{{BITCOIN_PARAMS}, "retarget": [{permitted}]}}"#),
    );
    assert!(
        error.contains("retarget[0].permitted[0]: `new_bits`: expected a string, got a number (7)"),
        "{error}"
    );

    let error = malformed("b.json", &format!(r#"{{"retarget": [{RETARGET}]}}"#));
    assert!(error.contains("retarget[0]: needs `params`"), "{error}");

    let error = malformed("b.json", r#"{"block_proof": [{"bits": "0x1d00ffff"}]}"#);
    assert!(
        error.contains("block_proof[0]: missing `work_hex`"),
        "{error}"
    );
}
