//! Harness for end-to-end tests: real `ventured` processes on loopback, ports chosen at
//! run time, spoken to over HTTP JSON-RPC with cookie auth.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use venture_rpc_client::{ClientError, RpcClient};

pub mod auxpow;
pub mod blocks;
pub mod browser;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
pub use venture_rpc_client::RpcFailure;

/// The binary under test.
pub fn ventured() -> &'static str {
    env!("CARGO_BIN_EXE_ventured")
}

/// Runs `ventured ARGS` to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(ventured())
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("ventured runs")
}

/// A running node with its own data directory.
pub struct Node {
    child: Option<Child>,
    pub datadir: PathBuf,
    pub rpc: SocketAddr,
    client: Option<RpcClient>,
    _tmp: Option<tempfile::TempDir>,
    extra: Vec<String>,
}

impl Node {
    /// Starts `ventured run --rpc-port 0 --datadir <new temp dir> EXTRA`.
    pub fn start(extra: &[&str]) -> Node {
        let tmp = tempfile::tempdir().expect("temp dir");
        let datadir = tmp.path().to_path_buf();
        let mut node = Node::start_in(&datadir, extra);
        node._tmp = Some(tmp);
        node
    }

    /// Starts a node on an existing data directory.
    pub fn start_in(datadir: &Path, extra: &[&str]) -> Node {
        Node::start_in_with_env(datadir, extra, &[])
    }

    /// [`Node::start`] with `env` added to the process's environment.
    pub fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Node {
        let tmp = tempfile::tempdir().expect("temp dir");
        let datadir = tmp.path().to_path_buf();
        let mut node = Node::start_in_with_env(&datadir, extra, env);
        node._tmp = Some(tmp);
        node
    }

    fn start_in_with_env(datadir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Node {
        let mut args: Vec<String> = vec![
            "run".into(),
            "--datadir".into(),
            datadir.display().to_string(),
            "--rpc-port".into(),
            "0".into(),
        ];
        // Loopback on a free port, and no mDNS: concurrent tests' dev nodes must not
        // find each other. Tests that want peers connect them explicitly.
        if !extra.contains(&"--p2p-listen") {
            args.extend(["--p2p-listen".into(), "/ip4/127.0.0.1/tcp/0".into()]);
        }
        if !extra.contains(&"--mdns") {
            args.push("--no-mdns".into());
        }
        args.extend(extra.iter().map(|s| s.to_string()));
        let _ = std::fs::remove_file(datadir.join("rpc.addr"));
        let log = std::fs::File::create(datadir.with_extension("log")).expect("log file");
        let child = Command::new(ventured())
            .args(&args)
            .env("RUST_LOG", "info,libp2p_gossipsub=error")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("ventured starts");
        let mut node = Node {
            child: Some(child),
            datadir: datadir.to_path_buf(),
            rpc: "127.0.0.1:0".parse().unwrap(),
            client: None,
            _tmp: None,
            extra: extra.iter().map(|s| s.to_string()).collect(),
        };
        node.wait_ready();
        node
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("ventured exited early with {status}; log:\n{}", self.log());
            }
            let addr = std::fs::read_to_string(self.datadir.join("rpc.addr"));
            let cookie = std::fs::read_to_string(self.datadir.join(".cookie"));
            if let (Ok(addr), Ok(_)) = (addr, cookie) {
                if let Ok(addr) = addr.trim().parse() {
                    self.rpc = addr;
                    self.client =
                        RpcClient::with_cookie(addr.to_string(), &self.cookie_path()).ok();
                    if self.call("getblockcount", json!([])).is_ok() {
                        return;
                    }
                }
            }
            assert!(
                Instant::now() < deadline,
                "ventured did not become ready; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, |c| c.id())
    }

    /// The node's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.datadir.with_extension("log")).unwrap_or_default()
    }

    pub fn cookie_path(&self) -> PathBuf {
        self.datadir.join(".cookie")
    }

    /// Calls a method; panics on transport errors, returns RPC errors.
    pub fn call(&self, method: &str, params: Value) -> Result<Value, RpcFailure> {
        let client = self.client.as_ref().expect("node is ready");
        match client.call(method, params) {
            Ok(value) => Ok(value),
            Err(ClientError::Rpc(failure)) => Err(failure),
            Err(other) => panic!("{method}: {other}"),
        }
    }

    /// Calls a method that must succeed.
    pub fn rpc(&self, method: &str, params: Value) -> Value {
        self.call(method, params)
            .unwrap_or_else(|e| panic!("{method} failed: {e:?}"))
    }

    /// Posts a raw body logging in as `user:password`; returns (HTTP status, body).
    pub fn raw_post(&self, user: &str, password: &str, body: &str) -> (u16, String) {
        RpcClient::new(self.rpc.to_string(), user, password)
            .post(body)
            .expect("HTTP exchange")
    }

    /// One scrape of the node's Prometheus endpoint (started with `--metrics`).
    pub fn metrics(&self) -> String {
        let addr = std::fs::read_to_string(self.datadir.join("metrics.addr"))
            .expect("the node serves metrics");
        ureq::get(&format!("http://{}/metrics", addr.trim()))
            .call()
            .expect("metrics scrape")
            .body_mut()
            .read_to_string()
            .expect("metrics body")
    }

    /// The value of the sample named `sample` (with its labels) in one scrape.
    pub fn metric(&self, sample: &str) -> f64 {
        let text = self.metrics();
        text.lines()
            .find_map(|line| line.strip_prefix(sample)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no sample `{sample}` in:\n{text}"))
            .parse()
            .expect("a number")
    }

    pub fn height(&self) -> u64 {
        self.rpc("getblockcount", json!([])).as_u64().unwrap()
    }

    /// Mines `n` blocks to `address` (default: a fixed test address) and returns hashes.
    pub fn generate(&self, n: u32) -> Vec<String> {
        let reply = self.rpc("generatetoaddress", json!([n, TEST_ADDRESS]));
        reply
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    /// Stops over RPC and waits for the process to exit.
    pub fn stop(&mut self) {
        // The node may already be stopping (e.g. a client sent `stop`).
        if let Some(client) = &self.client {
            let _ = client.call("stop", json!([]));
        }
        if let Some(mut child) = self.child.take() {
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if child.try_wait().ok().flatten().is_some() {
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("ventured did not stop within 30 s; log:\n{}", self.log());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// The node's peer-to-peer address with its peer id, for `--bootnode`/`addnode`.
    pub fn p2p_addr(&self) -> String {
        let info = self.rpc("getnetworkinfo", json!([]));
        let addr = info["listen_addresses"][0]
            .as_str()
            .expect("a listen address");
        format!(
            "{addr}/p2p/{}",
            info["local_peer_id"].as_str().expect("a peer id")
        )
    }

    /// Stops, then starts again on the same data directory with the same arguments.
    pub fn restart(&mut self) {
        self.stop();
        let extra = self.extra.clone();
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let fresh = Node::start_in(&self.datadir.clone(), &extra);
        self.rpc = fresh.rpc;
        self.client = fresh.client.clone();
        self.child = fresh.child_take();
    }

    fn child_take(mut self) -> Option<Child> {
        self.child.take()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A valid dev-chain address (P2WPKH of 20 0x11 bytes).
pub const TEST_ADDRESS: &str = "vdev1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg37qjmne";

/// Resident memory of a process, in kB.
pub fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A venture allocation small enough to settle in a test: 10 coins over heights 1..=10
/// in epochs of 5 blocks, merge-mined blocks only, locked 2 blocks after settlement.
pub const SMALL_VENTURE: &str = "start_height = 1\nend_height = 10\ntotal = 1_000_000_000\nepoch_length = 5\neligible = \"merge_mined\"\n\n[venture.vesting]\ncliff_blocks = 2\n";

/// The dev chain's spec, renamed, with `venture` as its `[venture]` table, written to
/// `dir`; returns the file's path.
pub fn dev_spec_with_venture(dir: &Path, venture: &str) -> String {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../chainspec/dev.toml"
    ))
    .unwrap()
    .replace("id = \"dev\"", "id = \"venture-e2e\"")
        + "\n[venture]\n"
        + venture;
    let path = dir.join("venture.toml");
    std::fs::write(&path, spec).unwrap();
    path.display().to_string()
}

/// `count` connections to `addr` that never finish a request: every other one sends
/// half a request head for `path`, the rest nothing.
pub fn idle_connections(addr: &str, count: usize, path: &str) -> Vec<std::net::TcpStream> {
    use std::io::Write;
    (0..count)
        .map(|i| {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            if i % 2 == 1 {
                write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n").unwrap();
            }
            stream
        })
        .collect()
}

/// Waits for each of `idle` to be closed by the server without an answer.
pub fn assert_closed_unanswered(idle: &mut [std::net::TcpStream]) {
    use std::io::Read;
    for (i, stream) in idle.iter_mut().enumerate() {
        // A guard against a hang, not a timing check: servers close them within 15 s.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut rest = Vec::new();
        match stream.read_to_end(&mut rest) {
            Ok(_) => assert!(rest.is_empty(), "connection {i} got {rest:?}"),
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{i}: {e}"),
        }
    }
}

/// The HTTP status of `GET url`.
pub fn status_of(url: &str) -> u16 {
    match ureq::get(url).call() {
        Ok(reply) => reply.status().as_u16(),
        Err(ureq::Error::StatusCode(code)) => code,
        Err(e) => panic!("{url}: {e}"),
    }
}
