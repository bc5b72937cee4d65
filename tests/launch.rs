//! Founders' tools: `launch new` scaffolds a spec that validates and runs; `launch
//! manifest` announces it; `launch verify` catches any difference.

mod common;

use common::{run, Node};
use serde_json::Value;

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn a_scaffolded_chain_runs_and_its_manifest_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("acme.toml");
    let spec_arg = spec.to_str().unwrap();
    ok(&run(&[
        "launch",
        "new",
        "--name",
        "Acme Coin",
        "--ticker",
        "ACME",
        "--out",
        spec_arg,
    ]));
    let text = std::fs::read_to_string(&spec).unwrap();
    assert!(text.contains("address_hrp = \"acme\""));
    let parsed: toml::Value = toml::from_str(&text).unwrap();
    let chain_id = parsed["consensus"]["chain_id"].as_integer().unwrap();
    assert!(
        ![1, 0x62, 0x1000, 0x2024].contains(&chain_id),
        "chain id {chain_id:#x} collides"
    );
    // Refuses to overwrite.
    assert!(!run(&[
        "launch",
        "new",
        "--name",
        "Acme Coin",
        "--ticker",
        "ACME",
        "--out",
        spec_arg
    ])
    .status
    .success());

    let manifest = dir.path().join("acme-manifest.json");
    let summary = ok(&run(&[
        "launch",
        "manifest",
        "--chain",
        spec_arg,
        "--out",
        manifest.to_str().unwrap(),
    ]));
    assert!(summary.contains("10.00 % of supply"), "{summary}");
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
    assert_eq!(json["venture"]["eligible"], "merge_mined");
    assert_eq!(json["venture"]["vesting"]["tranches"], 6);
    assert_eq!(json["binary"]["sha256"].as_str().unwrap().len(), 64);

    // The spec runs as is, and the running node matches the manifest.
    let mut node = Node::start(&["--chain", spec_arg]);
    let verified = ok(&run(&[
        "launch",
        "verify",
        manifest.to_str().unwrap(),
        "--chain",
        spec_arg,
        "--datadir",
        node.datadir.to_str().unwrap(),
    ]));
    assert!(verified.contains("matches"), "{verified}");
    node.stop();

    // Any change to the terms is caught.
    std::fs::write(
        &spec,
        text.replace("cliff_blocks = 26280", "cliff_blocks = 10"),
    )
    .unwrap();
    let out = run(&[
        "launch",
        "verify",
        manifest.to_str().unwrap(),
        "--chain",
        spec_arg,
    ]);
    assert!(!out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("MISMATCH spec_hash") && report.contains("MISMATCH venture"),
        "{report}"
    );
}
