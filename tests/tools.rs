//! The vector tools on the command line: `difficulty replay`, `difficulty simulate`,
//! `auxpow verify`.

mod common;

use common::run;

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn last_line(out: &std::process::Output) -> String {
    stdout_of(out)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn difficulty_replay_passes_every_published_vector_and_reports_tampering() {
    let Some(dir) = venture_testkit::vector_path("daa") else {
        return;
    };
    let out = run(&["difficulty", "replay", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stdout_of(&out));
    let summary = last_line(&out);
    assert!(summary.ends_with(" passed, 0 failed"), "{summary}");
    let passed: u64 = summary.split_whitespace().next().unwrap().parse().unwrap();
    assert!(passed > 3000, "{summary}");

    // One altered expectation is one mismatch line and a failing exit.
    let work = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(dir.join("dogecoin_vectors.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&original).unwrap();
    let expected = value["vectors"][0]["expected_bits"]
        .as_str()
        .unwrap()
        .to_string();
    let tampered = original.replacen(&expected, "0x1d00ffff", 1);
    assert_ne!(tampered, original);
    let path = work.path().join("dogecoin_vectors.json");
    std::fs::write(&path, tampered).unwrap();
    let out = run(&["difficulty", "replay", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        last_line(&out).ends_with(" 1 failed"),
        "{}",
        stdout_of(&out)
    );

    let out = run(&["difficulty", "replay", "/nonexistent/vectors.json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/vectors.json"));
}

#[test]
fn difficulty_simulate_writes_csv_and_svg() {
    let work = tempfile::tempdir().unwrap();
    let prefix = work.path().join("asert");
    let out = run(&[
        "difficulty",
        "simulate",
        "--algorithm",
        "asert",
        "--param",
        "half_life=3600",
        "--scenario",
        "on-off",
        "--blocks",
        "400",
        "--seed",
        "7",
        "--out",
        prefix.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(prefix.with_extension("csv")).unwrap();
    assert_eq!(csv.lines().count(), 401, "a header line and 400 blocks");
    let svg = std::fs::read_to_string(prefix.with_extension("svg")).unwrap();
    assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
    // Seeded: the same run gives the same numbers.
    let again = run(&[
        "difficulty",
        "simulate",
        "--algorithm",
        "asert",
        "--param",
        "half_life=3600",
        "--scenario",
        "on-off",
        "--blocks",
        "400",
        "--seed",
        "7",
        "--out",
        prefix.to_str().unwrap(),
    ]);
    assert_eq!(out.stdout, again.stdout);
    let bad = run(&[
        "difficulty",
        "simulate",
        "--algorithm",
        "asert",
        "--param",
        "half_life=0",
        "--out",
        prefix.to_str().unwrap(),
    ]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("half_life"));
}

#[test]
fn auxpow_verify_passes_every_published_vector() {
    let Some(dir) = venture_testkit::vector_path("auxpow") else {
        return;
    };
    let out = run(&["auxpow", "verify", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stdout_of(&out));
    let summary = last_line(&out);
    assert!(summary.ends_with(" passed, 0 failed"), "{summary}");

    let vector: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("valid/nmc_mainnet_19200.json")).unwrap(),
    )
    .unwrap();
    let hex = vector["header_with_auxpow_hex"].as_str().unwrap();
    let out = run(&[
        "auxpow",
        "verify",
        "--hex",
        hex,
        "--chain-id",
        "1",
        "--parent-pow",
        "sha256d",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(decoded["hash"], vector["expected_hash"]);
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The repository's own ASERT run fixtures, in the format Bitcoin Cash Node publishes.
fn asert_fixture(name: &str) -> std::path::PathBuf {
    venture_testkit::workspace_root()
        .join("crates/difficulty-lab/tests/data/asert")
        .join(name)
}

#[test]
fn difficulty_replay_reads_published_run_formats_and_names_what_it_cannot_read() {
    let high = asert_fixture("high_heights");
    let falling = asert_fixture("falling_times");
    let out = run(&[
        "difficulty",
        "replay",
        high.to_str().unwrap(),
        falling.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}{}",
        stdout_of(&out),
        stderr_of(&out)
    );
    assert_eq!(last_line(&out), "26 passed, 0 failed");

    let work = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&high).unwrap();
    let tampered = work.path().join("run10");
    std::fs::write(&tampered, text.replace("0x1b083b41\n", "0x1b083b40\n")).unwrap();
    let out = run(&["difficulty", "replay", tampered.to_str().unwrap()]);
    assert!(!out.status.success());
    let stdout = stdout_of(&out);
    assert!(
        stdout.contains("(height 9223372036854775810): expected 0x1b083b40"),
        "{stdout}"
    );
    assert!(
        stdout.contains("(height 9223372036854775811): expected 0x1b083b40"),
        "{stdout}"
    );
    assert_eq!(last_line(&out), "10 passed, 2 failed");

    let unreadable = work.path().join("run11");
    std::fs::write(&unreadable, text.replace("anchor nBits", "anchor target")).unwrap();
    let out = run(&["difficulty", "replay", unreadable.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("run11: line 4: unknown header key `anchor target`"),
        "{stderr}"
    );

    let subset = work.path().join("compact.json");
    std::fs::write(
        &subset,
        r#"{"get_compact": [{"value_hex": "1234560000", "compact": "0x05123456"}]}"#,
    )
    .unwrap();
    let out = run(&["difficulty", "replay", subset.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}{}",
        stdout_of(&out),
        stderr_of(&out)
    );
    assert_eq!(last_line(&out), "1 passed, 0 failed");
    std::fs::write(
        &subset,
        r#"{"get_compact": [{"value_hex": "1234560000", "compact": "0x05123456"},
                             {"value_hex": 5, "compact": "0x05123456"}]}"#,
    )
    .unwrap();
    let out = run(&["difficulty", "replay", subset.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(
            "compact.json: get_compact[1]: `value_hex`: expected a string, got a number (5)"
        ),
        "{stderr}"
    );
}

#[test]
fn auxpow_verify_checks_a_chain_it_has_no_entry_for() {
    use bitcoin::block::{Header, Version};
    use bitcoin::hashes::Hash;
    use bitcoin::{BlockHash, CompactTarget, TxMerkleNode};

    let child = Header {
        version: Version::from_consensus((42 << 16) | 0x100 | 4),
        prev_blockhash: BlockHash::from_byte_array([0x22; 32]),
        merkle_root: TxMerkleNode::from_byte_array([0x33; 32]),
        time: 1_700_000_000,
        bits: CompactTarget::from_consensus(0x207fffff),
        nonce: 0,
    };
    let target = venture_pow::decode_compact(0x207fffff).value;
    let info = serde_json::json!({
        "hash": child.block_hash().to_string(),
        "chainid": 42,
        "_target": hex::encode(target.to_le_bytes::<32>()),
    });
    let header = venture_auxpow::AuxHeader::with_auxpow(child, common::auxpow::auxpow_for(&info));
    let header_hex = hex::encode(bitcoin::consensus::encode::serialize(&header));
    let vector = |extra: serde_json::Value| {
        let mut vector = serde_json::json!({
            "chain": "examplecoin",
            "our_chain_id": 42,
            "parent_pow": "sha256d",
            "header_with_auxpow_hex": header_hex,
        });
        for (key, value) in extra.as_object().unwrap() {
            vector[key] = value.clone();
        }
        vector.to_string()
    };
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    std::fs::write(
        dir.join("valid.json"),
        vector(serde_json::json!({"expected_valid": true,
                                  "expected_hash": header.block_hash().to_string()})),
    )
    .unwrap();
    std::fs::write(
        dir.join("wrong_chain.json"),
        vector(
            serde_json::json!({"our_chain_id": 43, "expected_valid": false,
                                  "expected_check_error": "bad-aux-chain-id"}),
        ),
    )
    .unwrap();
    let out = run(&["auxpow", "verify", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}{}",
        stdout_of(&out),
        stderr_of(&out)
    );
    let stdout = stdout_of(&out);
    assert!(
        stdout.contains("/wrong_chain.json: refused as expected; its reason `bad-aux-chain-id` is not one we know"),
        "{stdout}"
    );
    assert_eq!(last_line(&out), "2 passed, 0 failed");

    // A must-reject vector we accept is a failure.
    std::fs::write(
        dir.join("wrong_chain.json"),
        vector(serde_json::json!({"expected_valid": false, "expected_check_error": "bad-aux-chain-id"})),
    )
    .unwrap();
    let out = run(&["auxpow", "verify", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_eq!(last_line(&out), "1 passed, 1 failed");
}
