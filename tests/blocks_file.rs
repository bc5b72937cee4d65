//! `export-blocks` → `import-blocks` into a fresh data directory gives the same chain.

mod common;

use common::{run, Node};
use serde_json::json;

#[test]
fn export_then_import_into_a_fresh_datadir_gives_the_same_tip_and_utxo_set() {
    let mut source = Node::start(&["--chain", "dev"]);
    source.generate(300);
    let tip = source.rpc("getbestblockhash", json!([]));
    let utxo = source.rpc("gettxoutsetinfo", json!([]))["hash_serialized_sha256"].clone();
    source.stop();

    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("blocks.dat");
    let source_dir = source.datadir.display().to_string();
    let out = run(&[
        "export-blocks",
        file.to_str().unwrap(),
        "--chain",
        "dev",
        "--datadir",
        &source_dir,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let target = work.path().join("imported");
    let target_dir = target.display().to_string();
    let out = run(&[
        "import-blocks",
        file.to_str().unwrap(),
        "--chain",
        "dev",
        "--datadir",
        &target_dir,
        "--quiet",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("300 connected"), "{stdout}");

    // Importing again changes nothing: every block is already known.
    let out = run(&[
        "import-blocks",
        file.to_str().unwrap(),
        "--chain",
        "dev",
        "--datadir",
        &target_dir,
        "--quiet",
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("300 already known"));

    // A damaged file is refused with the position of the bad block.
    let mut bytes = std::fs::read(&file).unwrap();
    let len = bytes.len();
    bytes[len - 40] ^= 0xff;
    let damaged = work.path().join("damaged.dat");
    std::fs::write(&damaged, bytes).unwrap();
    let fresh = work.path().join("fresh").display().to_string();
    let out = run(&[
        "import-blocks",
        damaged.to_str().unwrap(),
        "--chain",
        "dev",
        "--datadir",
        &fresh,
        "--quiet",
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("block 300"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut imported = Node::start_in(&target, &["--chain", "dev"]);
    assert_eq!(imported.rpc("getbestblockhash", json!([])), tip);
    assert_eq!(
        imported.rpc("gettxoutsetinfo", json!([]))["hash_serialized_sha256"],
        utxo
    );
    imported.stop();
}
