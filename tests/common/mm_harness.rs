//! Harness of the merged-mining end-to-end tests (`tests/mm.rs`): `ventured mm` and
//! `ventured miner` as child processes, aux chain specs, the coordinator's arguments for
//! each kind of parent, and waiting on what the nodes report.
#![allow(dead_code)]

use crate::common::{self, Node, TEST_ADDRESS};
use crate::litecoind;
use bitcoin::consensus::encode;
use bitcoin::hashes::{sha256d, Hash};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Generous: the machine may be busy with other tests; nothing here is a timing check.
pub const DEADLINE: Duration = Duration::from_secs(240);
/// The coinbase tag of the coordinator's parent blocks, `/venture-mm/`, in hex.
pub const MM_TAG_HEX: &str = "2f76656e747572652d6d6d2f";
/// P2WPKH of twenty 0x11 bytes: `TEST_ADDRESS` on a dev-derived chain.
pub const PARENT_PAYOUT_SCRIPT: &str = "00141111111111111111111111111111111111111111";

/// A child process killed on drop, its output in a log file.
pub struct Process {
    child: Child,
    log: PathBuf,
}

impl Process {
    pub fn spawn(args: &[String], log: PathBuf) -> Process {
        let file = std::fs::File::create(&log).expect("log file");
        let child = Command::new(common::ventured())
            .args(args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("ventured starts");
        Process { child, log }
    }

    pub fn log(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(60)..].join("\n")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ventured mm` on a free port, with its status file.
pub struct Coordinator {
    process: Process,
    status: PathBuf,
}

impl Coordinator {
    pub fn start(dir: &Path, args: &[String]) -> Coordinator {
        let status = dir.join("mm-status.json");
        let mut all: Vec<String> = vec![
            "mm".into(),
            "--stratum-listen".into(),
            "127.0.0.1:0".into(),
            "--status-file".into(),
            status.display().to_string(),
        ];
        all.extend(args.iter().cloned());
        let mut coordinator = Coordinator {
            process: Process::spawn(&all, dir.join("mm.log")),
            status,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while coordinator.read_status().is_none() {
            if let Ok(Some(code)) = coordinator.process.child.try_wait() {
                panic!(
                    "ventured mm exited with {code}:\n{}",
                    coordinator.process.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no status file:\n{}",
                coordinator.process.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        coordinator
    }

    pub fn read_status(&self) -> Option<Value> {
        let text = std::fs::read_to_string(&self.status).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn status(&self) -> Value {
        self.read_status().expect("status file")
    }

    pub fn stratum(&self) -> String {
        self.status()["stratum"]
            .as_str()
            .expect("stratum address")
            .to_string()
    }

    /// The coordinator's status and log and a miner's log, for a failing wait.
    pub fn diagnostics(&self, miner: &Process) -> String {
        format!(
            "mm status: {}\nmm log:\n{}\nminer log:\n{}",
            self.read_status().unwrap_or_default(),
            self.process.log(),
            miner.log()
        )
    }

    /// A CPU miner on this coordinator.
    pub fn miner(&self, dir: &Path, pow: &str) -> Process {
        self.miner_with(dir, pow, &[])
    }

    /// A CPU miner on this coordinator, with `extra` flags.
    pub fn miner_with(&self, dir: &Path, pow: &str, extra: &[&str]) -> Process {
        let args: Vec<String> = [
            "miner",
            "--stratum",
            &self.stratum(),
            "--user",
            "e2e-worker",
            "--threads",
            "1",
            "--pow",
            pow,
        ]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect();
        Process::spawn(&args, dir.join(format!("miner-{pow}.log")))
    }
}

/// A dev-derived chain spec with its own id and chain id, merge-mined by `parent_pow`
/// parents. Like dev, its merge-mined bits are the trivial 0x207fffff.
pub fn aux_spec(dir: &Path, id: &str, chain_id: u32, parent_pow: &str) -> PathBuf {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../chainspec/dev.toml"
    ))
    .expect("dev spec")
    .replace("id = \"dev\"", &format!("id = \"{id}\""))
    .replace("chain_id = 0x5645", &format!("chain_id = {chain_id:#x}"))
    .replace(
        "parent_pow = \"sha256d\"",
        &format!("parent_pow = \"{parent_pow}\""),
    );
    let path = dir.join(format!("{id}.toml"));
    std::fs::write(&path, spec).expect("spec written");
    path
}

/// Flags for litecoind as the parent: scrypt, `mweb` and `segwit` rules, paying
/// `OP_TRUE`.
pub fn litecoin_parent(ltc: &litecoind::Litecoind) -> Vec<String> {
    vec![
        "--parent-url".into(),
        ltc.rpc_url(),
        "--parent-cookie".into(),
        ltc.cookie_path().display().to_string(),
        "--parent-pow".into(),
        "scrypt".into(),
        "--parent-rules".into(),
        "mweb,segwit".into(),
        "--parent-address-script".into(),
        "51".into(),
    ]
}

/// Flags for a Venture node as a SHA-256d parent, reached by its RPC address.
pub fn venture_parent(parent: &Node) -> Vec<String> {
    vec![
        "--parent-url".into(),
        parent.rpc.to_string(),
        "--parent-cookie".into(),
        parent.cookie_path().display().to_string(),
        "--parent-pow".into(),
        "sha256d".into(),
        "--parent-rules".into(),
        "segwit".into(),
        "--parent-address-script".into(),
        PARENT_PAYOUT_SCRIPT.into(),
    ]
}

/// `ventured mm` flags: the parent's, each aux node, and a start difficulty low enough
/// for a CPU miner's shares to come at once.
pub fn mm_args(parent: Vec<String>, aux: &[String], start_difficulty: &str) -> Vec<String> {
    let mut args = parent;
    for spec in aux {
        args.extend(["--aux".into(), spec.clone()]);
    }
    args.extend([
        "--start-difficulty".into(),
        start_difficulty.into(),
        "--share-interval".into(),
        "1".into(),
    ]);
    args
}

pub fn start_aux(spec: &Path) -> Node {
    Node::start(&["--chain", spec.to_str().expect("utf-8 path")])
}

pub fn aux_by_url(node: &Node) -> String {
    format!(
        "url={},cookie={},address={TEST_ADDRESS}",
        node.rpc,
        node.cookie_path().display()
    )
}

pub fn wait_until(what: &str, diagnostics: impl Fn() -> String, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}\n{}",
            diagnostics()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The parent block hashes (explorer order) of an aux chain's blocks at heights
/// `1..=height`, each checked to be merge-mined.
pub fn parent_hashes(aux: &Node, height: u64) -> Vec<String> {
    (1..=height)
        .map(|h| {
            let hash = aux.rpc("getblockhash", json!([h]));
            let block = aux.rpc("getblock", json!([hash, 1]));
            assert_eq!(block["merge_mined"], true, "aux block {h}: {block}");
            let parent = hex::decode(block["auxpow"]["parentblock"].as_str().expect("parent"))
                .expect("parent header hex");
            assert_eq!(parent.len(), 80);
            let header: bitcoin::block::Header = encode::deserialize(&parent).expect("header");
            assert_eq!(
                header.block_hash().to_string(),
                sha256d::Hash::hash(&parent).to_string()
            );
            header.block_hash().to_string()
        })
        .collect()
}

/// `ventured mm` between litecoind and `aux`, at the tests' start difficulty, with one
/// scrypt miner.
pub fn mine_on_litecoind(
    dir: &Path,
    ltc: &litecoind::Litecoind,
    aux: &[&Node],
) -> (Coordinator, Process) {
    let aux: Vec<String> = aux.iter().map(|node| aux_by_url(node)).collect();
    let mm = Coordinator::start(dir, &mm_args(litecoin_parent(ltc), &aux, "0.002"));
    let miner = mm.miner(dir, "scrypt");
    (mm, miner)
}
