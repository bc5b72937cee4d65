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
