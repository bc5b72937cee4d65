//! Real `litecoind` regtest nodes as a parent chain: loopback only, temporary data
//! directories, killed on drop. MWEB is kept inactive
//! (`-vbparams=mweb:4000000000:4000000001`) unless asked for: [`mweb_pair`] activates it
//! as on Litecoin's main network. Its `getblocktemplate` refuses to run without a peer,
//! so [`pair`] starts two connected nodes and leaves initial block download with one
//! block.
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
    mweb: bool,
}

impl Litecoind {
    /// A node with MWEB kept inactive.
    pub fn start() -> Litecoind {
        Litecoind::start_with(false)
    }

    /// A node on which MWEB activates at regtest height 432 if `mweb`.
    pub fn start_with(mweb: bool) -> Litecoind {
        let mut node = Litecoind {
            child: None,
            dir: tempfile::tempdir().expect("temp dir"),
            rpc_port: free_port(),
            p2p_port: free_port(),
            mweb,
        };
        node.spawn();
        node
    }

    fn spawn(&mut self) {
        let log = std::fs::File::create(self.dir.path().join("stdout.log")).expect("log file");
        let mut command = Command::new("litecoind");
        command.args([
            "-regtest",
            "-server",
            "-rpcbind=127.0.0.1",
            "-rpcallowip=127.0.0.1",
            "-listen=1",
            "-bind=127.0.0.1",
            "-dnsseed=0",
            "-discover=0",
            "-upnp=0",
        ]);
        if !self.mweb {
            command.arg("-vbparams=mweb:4000000000:4000000001");
        }
        let child = command
            .arg(format!("-port={}", self.p2p_port))
            .arg(format!("-rpcport={}", self.rpc_port))
            .arg(format!("-datadir={}", self.dir.path().display()))
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()
            .expect("litecoind starts");
        self.child = Some(child);
        self.wait_ready();
    }

    /// Kills the node (no clean shutdown) and starts it again on the same data
    /// directory and ports.
    pub fn restart(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.spawn();
    }

    /// Connects to `peer` and waits until the connection is up.
    pub fn connect(&self, peer: &Litecoind) {
        self.rpc(
            "addnode",
            json!([format!("127.0.0.1:{}", peer.p2p_port), "onetry"]),
        );
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.rpc("getconnectioncount", json!([])).as_u64() == Some(0) {
            assert!(
                Instant::now() < deadline,
                "litecoind nodes did not connect: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
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
    pair_with(false)
}

fn pair_with(mweb: bool) -> (Litecoind, Litecoind) {
    let first = Litecoind::start_with(mweb);
    let second = Litecoind::start_with(mweb);
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

/// A wallet's RPC on `node`, through `litecoin-cli -rpcwallet` (arguments as the command
/// line gives them); the reply as JSON, or as a string when it is not JSON.
pub fn wallet(node: &Litecoind, name: &str, args: &[&str]) -> Value {
    let wallet = format!("-rpcwallet={name}");
    let out = node.cli(&[&[wallet.as_str()], args].concat());
    assert!(
        out.status.success(),
        "litecoin-cli {wallet} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// A string reply.
fn text(value: Value) -> String {
    value.as_str().expect("a string reply").to_string()
}

/// Two connected nodes with MWEB active, as on Litecoin's main network: the first holds
/// wallet `miner` (ordinary coins only, mined at heights 2..=431) and wallet `mweb`
/// (MWEB coins only, from the peg-in that the first MWEB block, 432, needs), and its
/// tip is 433, past activation. Sending from `miner` to an MWEB address is a peg-in,
/// from `mweb` to an ordinary address a peg-out.
pub fn mweb_pair() -> (Litecoind, Litecoind) {
    let (first, second) = pair_with(true);
    first.rpc("createwallet", json!(["miner"]));
    first.rpc("createwallet", json!(["mweb"]));
    let miner = text(wallet(&first, "miner", &["getnewaddress"]));
    first.rpc("generatetoaddress", json!([430, miner]));
    let mweb = text(wallet(&first, "mweb", &["getnewaddress", "", "mweb"]));
    wallet(&first, "miner", &["sendtoaddress", &mweb, "100"]);
    first.rpc("generatetoaddress", json!([2, miner]));
    (first, second)
}

/// Whether MWEB is active on `node`'s next block.
pub fn mweb_active(node: &Litecoind) -> bool {
    node.rpc("getblocktemplate", json!([{ "rules": ["mweb", "segwit"] }]))["mweb"].is_string()
}
