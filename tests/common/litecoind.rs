//! Real `litecoind` regtest nodes as a parent chain: loopback only, temporary data
//! directories, MWEB kept inactive (`-vbparams=mweb:4000000000:4000000001`), killed on
//! drop. Its `getblocktemplate` refuses to run without a peer, so [`pair`] starts two
//! connected nodes and leaves initial block download with one block.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use venture_rpc_client::{ClientError, RpcClient};

/// Whether `litecoind` and `litecoin-cli` are installed; under CI=true they must be.
pub fn available() -> bool {
    let found = ["litecoind", "litecoin-cli"].iter().all(|tool| {
        Command::new(tool)
            .arg("-version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    if found {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("litecoind is not installed; CI=true requires it (apt-get install litecoind)");
    }
    eprintln!("skipping: litecoind is not installed (apt-get install litecoind)");
    false
}

/// A free loopback port (free when asked; litecoind cannot pick its own).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// One running `litecoind -regtest`.
pub struct Litecoind {
    child: Option<Child>,
    dir: tempfile::TempDir,
    pub rpc_port: u16,
    pub p2p_port: u16,
}

impl Litecoind {
    pub fn start() -> Litecoind {
        let dir = tempfile::tempdir().expect("temp dir");
        let rpc_port = free_port();
        let p2p_port = free_port();
        let log = std::fs::File::create(dir.path().join("stdout.log")).expect("log file");
        let child = Command::new("litecoind")
            .args([
                "-regtest",
                "-server",
                "-rpcbind=127.0.0.1",
                "-rpcallowip=127.0.0.1",
                "-listen=1",
                "-bind=127.0.0.1",
                "-dnsseed=0",
                "-discover=0",
                "-upnp=0",
                "-vbparams=mweb:4000000000:4000000001",
            ])
            .arg(format!("-port={p2p_port}"))
            .arg(format!("-rpcport={rpc_port}"))
            .arg(format!("-datadir={}", dir.path().display()))
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()
            .expect("litecoind starts");
        let mut node = Litecoind {
            child: Some(child),
            dir,
            rpc_port,
            p2p_port,
        };
        node.wait_ready();
        node
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("litecoind exited early with {status}: {}", self.log());
            }
            if let Ok(client) = RpcClient::with_cookie(self.rpc_url(), &self.cookie_path()) {
                if client.call("getblockchaininfo", json!([])).is_ok() {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "litecoind not ready: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn datadir(&self) -> &Path {
        self.dir.path()
    }

    pub fn cookie_path(&self) -> PathBuf {
        self.dir.path().join("regtest").join(".cookie")
    }

    pub fn rpc_url(&self) -> String {
        format!("127.0.0.1:{}", self.rpc_port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("regtest").join("debug.log"))
            .map(|log| {
                let lines: Vec<&str> = log.lines().collect();
                lines[lines.len().saturating_sub(40)..].join("\n")
            })
            .unwrap_or_default()
    }

    /// Calls a method; RPC errors come back as the node's error.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        RpcClient::with_cookie(self.rpc_url(), &self.cookie_path())?.call(method, params)
    }

    pub fn rpc(&self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("litecoind {method}: {e}"))
    }

    pub fn height(&self) -> u64 {
        self.rpc("getblockcount", json!([]))
            .as_u64()
            .expect("a height")
    }

    /// `litecoin-cli` against this node (its own data directory, so no other
    /// configuration is read).
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new("litecoin-cli")
            .arg("-regtest")
            .arg(format!("-datadir={}", self.dir.path().display()))
            .arg(format!("-rpcport={}", self.rpc_port))
            .args(args)
            .output()
            .expect("litecoin-cli runs")
    }

    /// Mines `n` blocks paying OP_TRUE.
    pub fn generate(&self, n: u32) -> Value {
        self.rpc("generatetodescriptor", json!([n, "raw(51)"]))
    }
}

impl Drop for Litecoind {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Two connected nodes, the first one out of initial block download (one block mined
/// and seen by the second).
pub fn pair() -> (Litecoind, Litecoind) {
    let first = Litecoind::start();
    let second = Litecoind::start();
    first.rpc(
        "addnode",
        json!([format!("127.0.0.1:{}", second.p2p_port), "onetry"]),
    );
    first.generate(1);
    let deadline = Instant::now() + Duration::from_secs(60);
    while first.rpc("getconnectioncount", json!([])).as_u64() == Some(0) || second.height() < 1 {
        assert!(
            Instant::now() < deadline,
            "litecoind nodes did not connect: {}",
            first.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (first, second)
}
