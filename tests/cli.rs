//! The command line: specs, data directories, the dev node.

mod common;

use common::{run, Node};
use serde_json::json;
use std::time::{Duration, Instant};

fn dev_spec() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../chainspec/dev.toml"
    ))
    .unwrap()
}

#[test]
fn build_spec_is_deterministic_and_fills_in_the_genesis() {
    let first = run(&["build-spec", "--chain", "dev"]);
    assert!(first.status.success());
    let second = run(&["build-spec", "--chain", "dev"]);
    assert_eq!(first.stdout, second.stdout);
    let text = String::from_utf8(first.stdout).unwrap();
    let resolved: toml::Value = toml::from_str(&text).unwrap();
    let hash = resolved["genesis"]["hash"].as_str().unwrap();
    assert_eq!(hash.len(), 64);
    assert!(resolved["genesis"]["nonce"].as_integer().is_some());

    // The resolved spec is itself a valid spec that builds the same genesis.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("resolved.toml");
    std::fs::write(&path, &text).unwrap();
    let again = run(&["build-spec", "--chain", path.to_str().unwrap()]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
}

#[test]
fn bad_specs_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            dev_spec().replace("[network]", "[network]\nsurprise = 1"),
            "surprise",
        ),
        (
            dev_spec().replace("target_spacing = 10", "target_spacing = 0"),
            "consensus.target_spacing",
        ),
        (
            dev_spec().replace("target_spacing = 10", "target_spacing = \"ten\""),
            "target_spacing",
        ),
        (
            dev_spec().replace("algorithm = \"fixed\"", "algorithm = \"magic\""),
            "magic",
        ),
        (
            dev_spec().replace("chain_id = 0x5645", "chain_id = 0x10000"),
            "consensus.chain_id",
        ),
        (
            dev_spec().replace("initial = 5_000_000_000", "initial = 3_000_000_000_000_000"),
            "consensus.subsidy.initial",
        ),
    ];
    for (i, (spec, field)) in cases.iter().enumerate() {
        let path = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&path, spec).unwrap();
        let out = run(&["build-spec", "--chain", path.to_str().unwrap()]);
        assert!(!out.status.success(), "case {i} accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(field),
            "case {i}: `{field}` not named in: {stderr}"
        );
    }
    let out = run(&["build-spec", "--chain", "/nonexistent/spec.toml"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/spec.toml"));
}

#[test]
fn a_datadir_is_pinned_to_its_spec_and_can_be_purged() {
    let dir = tempfile::tempdir().unwrap();
    let datadir = dir.path().join("data");
    let datadir_arg = datadir.display().to_string();
    let out = run(&["init", "--chain", "dev", "--datadir", &datadir_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let other = dir.path().join("other.toml");
    std::fs::write(
        &other,
        dev_spec().replace("merge-mined from day one", "another chain"),
    )
    .unwrap();
    let out = run(&[
        "init",
        "--chain",
        other.to_str().unwrap(),
        "--datadir",
        &datadir_arg,
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("spec hash"));

    let out = run(&[
        "purge-chain",
        "-y",
        "--chain",
        "dev",
        "--datadir",
        &datadir_arg,
    ]);
    assert!(out.status.success());
    assert!(!datadir.join("chaindata").exists());
    let out = run(&[
        "init",
        "--chain",
        other.to_str().unwrap(),
        "--datadir",
        &datadir_arg,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_dev_node_mines_within_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let mut node = Node::start_in(dir.path(), &["--dev"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while node.height() < 3 {
        assert!(
            Instant::now() < deadline,
            "no blocks mined; log:\n{}",
            node.log()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let info = node.rpc("getmininginfo", json!([]));
    assert_eq!(info["generate"], true);
    node.stop();
}

/// `--block-notify`: the command runs for each new tip, with `%s` as its hash.
#[test]
fn block_notify_runs_the_command_for_each_new_tip() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("tips.txt");
    let command = format!("echo %s >> '{}'", record.display());
    let mut node = Node::start(&["--chain", "dev", "--block-notify", &command]);
    let recorded = || std::fs::read_to_string(&record).unwrap_or_default();
    let mut mined = Vec::new();
    // One block at a time: tips that come faster than the node wakes are coalesced.
    for _ in 0..3 {
        let hash = node.generate(1).remove(0);
        let deadline = Instant::now() + Duration::from_secs(60);
        while !recorded().contains(&hash) {
            assert!(
                Instant::now() < deadline,
                "no notification for {hash}; recorded:\n{}\nlog:\n{}",
                recorded(),
                node.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        mined.push(hash);
    }
    assert_eq!(recorded().lines().collect::<Vec<_>>(), mined);
    node.stop();
}

/// `run`'s flags go after `run` or with no command at all; before another command they
/// are refused by name, not silently dropped in favour of that command's defaults.
#[test]
fn run_flags_before_another_command_are_refused_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let datadir = dir.path().to_str().unwrap();
    let out = run(&["--datadir", datadir, "wallet", "balance"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--datadir"), "{stderr}");
    assert!(stderr.contains("wallet"), "{stderr}");
    // Where they belong they still work: the same flag after the command.
    let out = run(&["build-spec", "--chain", "dev"]);
    assert!(out.status.success());
}

/// `--log-format json` writes one JSON object per log line, for log shippers; `-q`
/// leaves the informational lines out.
#[test]
fn log_lines_can_be_json_and_quieted() {
    let dir = tempfile::tempdir().unwrap();
    let datadir = dir.path().join("a");
    // Without RUST_LOG, which would win over the flags.
    let run = |args: &[&str]| {
        std::process::Command::new(common::ventured())
            .args(args)
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    };
    let out = run(&[
        "--log-format",
        "json",
        "init",
        "--chain",
        "dev",
        "--datadir",
        datadir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["level"] == "INFO"
            && l["fields"]["message"] == "initialised chain with its genesis block"),
        "{stderr}"
    );
    let quiet = run(&[
        "-q",
        "init",
        "--chain",
        "dev",
        "--datadir",
        dir.path().join("b").to_str().unwrap(),
    ]);
    assert!(quiet.status.success());
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("INFO"));
}

/// Shell completions and the manual page come from the same command tree as the
/// parser, so they cannot drift from it.
#[test]
fn completions_and_the_manual_page_cover_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        for command in ["wallet", "mm", "miner", "build-spec", "completions"] {
            assert!(
                script.contains(command),
                "{shell} completion lacks {command}"
            );
        }
        if shell == "bash" {
            // The script must at least parse as bash.
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("ventured.bash");
            std::fs::write(&path, &script).unwrap();
            let check = std::process::Command::new("bash")
                .arg("-n")
                .arg(&path)
                .status()
                .unwrap();
            assert!(check.success());
        }
    }
    let out = run(&["manpage"]);
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH ventured 1"), "{page}");
    assert!(
        page.contains("build\\-spec") || page.contains("build-spec"),
        "{page}"
    );
    assert!(run(&["completions", "tcsh"]).status.code() == Some(2));
}
