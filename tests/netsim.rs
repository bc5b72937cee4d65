//! The network simulator's smoke run (`scripts/netsim/smoke.sh`): five nodes of this
//! build, each in its own network namespace, every connection through a latency relay;
//! every node must get every block, and `down` must leave nothing behind. It asserts no
//! timing. Network namespaces need root: elsewhere it is skipped, except under CI=true.

use std::process::Command;

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

#[test]
fn five_nodes_behind_latency_relays_get_every_block_and_leave_nothing_behind() {
    if !is_root() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true requires root for network namespaces"
        );
        eprintln!("skipping: network namespaces need root");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/netsim/smoke.sh");
    let out = Command::new("sh")
        .arg(script)
        .env("VENTURED", env!("CARGO_BIN_EXE_ventured"))
        .output()
        .expect("smoke.sh runs");
    assert!(
        out.status.success(),
        "netsim smoke failed\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
