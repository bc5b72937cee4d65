//! A real Bitcoin Core–family client drives our node: Debian's `litecoin-cli`.

mod common;

use common::{Node, TEST_ADDRESS};
use serde_json::Value;
use std::process::Command;

/// `litecoin-cli` if installed; under CI=true it must be.
fn litecoin_cli() -> Option<&'static str> {
    let found = Command::new("litecoin-cli")
        .arg("-version")
        .output()
        .is_ok();
    if found {
        return Some("litecoin-cli");
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("litecoin-cli is not installed; CI=true requires it (apt-get install litecoind)");
    }
    eprintln!("skipping: litecoin-cli is not installed (apt-get install litecoind)");
    None
}

fn cli(node: &Node, args: &[&str]) -> std::process::Output {
    Command::new("litecoin-cli")
        // Its own data directory, so no litecoin.conf of the machine's user (which may
        // set rpcuser/rpcpassword and override the cookie) is read.
        .arg(format!("-datadir={}", node.datadir.display()))
        .arg("-rpcconnect=127.0.0.1")
        .arg(format!("-rpcport={}", node.rpc.port()))
        .arg(format!("-rpccookiefile={}", node.cookie_path().display()))
        .args(args)
        .output()
        .expect("litecoin-cli runs")
}

fn cli_ok(node: &Node, args: &[&str]) -> String {
    let out = cli(node, args);
    assert!(
        out.status.success(),
        "litecoin-cli {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn litecoin_cli_drives_the_node() {
    if litecoin_cli().is_none() {
        return;
    }
    let mut node = Node::start(&["--chain", "dev"]);
    let info: Value = serde_json::from_str(&cli_ok(&node, &["getblockchaininfo"])).unwrap();
    assert_eq!(info["chain"], "dev");
    assert_eq!(info["blocks"], 0);

    let hashes: Value =
        serde_json::from_str(&cli_ok(&node, &["generatetoaddress", "5", TEST_ADDRESS])).unwrap();
    assert_eq!(hashes.as_array().unwrap().len(), 5);
    assert_eq!(cli_ok(&node, &["getblockcount"]), "5");
    let hash = cli_ok(&node, &["getblockhash", "5"]);
    assert_eq!(hash, hashes[4].as_str().unwrap());
    assert_eq!(cli_ok(&node, &["getbestblockhash"]), hash);
    let block: Value = serde_json::from_str(&cli_ok(&node, &["getblock", &hash])).unwrap();
    assert_eq!(block["height"], 5);
    let header_hex = cli_ok(&node, &["getblockheader", &hash, "false"]);
    assert_eq!(header_hex.len(), 160);
    // Named arguments go through the client's own conversion table.
    let named = cli_ok(
        &node,
        &[
            "-named",
            "getblock",
            &format!("blockhash={hash}"),
            "verbosity=0",
        ],
    );
    assert!(named.starts_with(&header_hex));

    // Errors come back with Bitcoin Core's codes, as the client prints them.
    let out = cli(&node, &["getblockhash", "1000"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error code: -8"), "{stderr}");
    let out = cli(&node, &["nosuchmethod"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("error code: -32601"));

    assert!(cli_ok(&node, &["stop"]).contains("stopping"));
    node.stop();
}
