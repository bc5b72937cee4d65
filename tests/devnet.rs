//! `scripts/devnet.sh` in one command: a merge-mined devnet with a real litecoind
//! parent, `ventured mm` and a Stratum miner comes up, grows, reports itself in
//! `status`, and `down` stops every process it started.

mod common;
#[path = "common/litecoind.rs"]
mod litecoind;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn devnet(dir: &Path, args: &[&str]) -> Output {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/devnet.sh");
    let out = Command::new(script)
        .args(args)
        .arg("--dir")
        .arg(dir)
        .env("VENTURED", common::ventured())
        .output()
        .expect("devnet.sh runs");
    assert!(
        out.status.success(),
        "devnet.sh {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn pid_alive(pid: &str) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The numbers after `label` in `status` output, e.g. the parent's height.
fn number_after(text: &str, label: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(label))
        .and_then(|rest| {
            rest.split_whitespace()
                .next()?
                .trim_end_matches(',')
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

#[test]
fn a_merge_mined_devnet_comes_up_grows_and_goes_down_in_one_command_each() {
    if !litecoind::available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("devnet");
    let up = devnet(&dir, &["up", "2", "--miners", "1", "--parent", "litecoind"]);
    let printed = String::from_utf8_lossy(&up.stdout).to_string();
    assert!(
        printed.contains("coordinator metrics: http://127.0.0.1:"),
        "{printed}"
    );
    assert!(
        printed.contains("node1 metrics: http://127.0.0.1:"),
        "{printed}"
    );
    let dashboard = printed
        .lines()
        .find_map(|line| line.strip_prefix("dashboard: "))
        .unwrap_or_else(|| panic!("no dashboard URL in {printed}"));
    let home = ureq::get(dashboard)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(home.contains("id=\"tip-height\""), "{home}");
    let pids: Vec<String> = ["ltc0", "ltc1", "mm", "node0", "node1", "miner0"]
        .iter()
        .map(|p| {
            std::fs::read_to_string(dir.join(p).join("pid"))
                .unwrap()
                .trim()
                .to_string()
        })
        .collect();

    // Both nodes follow the merge-mined chain; the parent grows with the coordinator's
    // blocks.
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        let status = String::from_utf8_lossy(&devnet(&dir, &["status"]).stdout).to_string();
        let heights: Vec<u64> = status
            .lines()
            .filter(|l| l.starts_with("node0 ") || l.starts_with("node1 "))
            .filter_map(|l| l.split_whitespace().nth(2)?.parse().ok())
            .collect();
        let grown = heights.len() == 2 && heights.iter().all(|h| *h >= 3);
        if grown && number_after(&status, "parent (litecoind regtest) height: ") >= 4 {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the devnet did not grow:\n{status}"
        );
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(
        number_after(&status, "coordinator shares: accepted ") >= 3,
        "{status}"
    );
    assert!(status.contains("invalid 0"), "{status}");

    devnet(&dir, &["down"]);
    for pid in &pids {
        assert!(!pid_alive(pid), "process {pid} still running after down");
    }
}
