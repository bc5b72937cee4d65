//! Helpers for tests that run a real Stratum server on loopback for a coordinator fed by
//! hand (no nodes), and talk to it over raw TCP connections.
#![allow(dead_code)]

use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, ScriptBuf};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use venture_merged_mining::coordinator::{
    AuxBlock, AuxConfig, FoundBlock, Mweb, NodeAuth, NodeEndpoint, ParentConfig, ParentTemplate,
};
use venture_merged_mining::stratum::version_rolling::DEFAULT_SERVER_MASK;
use venture_merged_mining::stratum::{StratumLimits, VardiffConfig};
use venture_merged_mining::stratum_client::FULL_NONCE_RANGE;
use venture_merged_mining::{
    Coordinator, CoordinatorConfig, StratumConfig, StratumMinerConfig, StratumServer,
};
use venture_pow::{PowAlgorithm, Target, U256};

fn endpoint() -> NodeEndpoint {
    NodeEndpoint::new(
        "127.0.0.1:1",
        NodeAuth::UserPassword {
            user: "u".into(),
            password: "p".into(),
        },
    )
}

/// A coordinator configuration with two aux chains (no node behind any of them).
pub fn config(pow: PowAlgorithm) -> CoordinatorConfig {
    let parent = ParentConfig {
        endpoint: endpoint(),
        pow,
        rules: vec!["segwit".into()],
        payout_script: ScriptBuf::from_bytes(vec![0x51]),
        longpoll: true,
        poll_interval: Duration::from_millis(500),
    };
    let aux = (0..2)
        .map(|_| AuxConfig {
            endpoint: endpoint(),
            address: "addr".into(),
        })
        .collect();
    CoordinatorConfig::new(parent, aux)
}

/// A regtest-like template (bits `0x207fffff`) on tip `[prev; 32]`.
pub fn template(prev: u8, target: Target) -> ParentTemplate {
    ParentTemplate {
        version: 0x2000_0000,
        prev_hash: BlockHash::from_byte_array([prev; 32]),
        bits: 0x207f_ffff,
        target,
        height: 10,
        curtime: 1_700_000_000,
        mintime: 1_699_990_000,
        coinbase_value: 5_000_000_000,
        required_outputs: Vec::new(),
        transactions: Vec::new(),
        coinbase_branch: Vec::new(),
        witness_commitment: None,
        longpollid: None,
        mweb: Mweb::Absent,
    }
}

pub fn aux_block(chain_id: i32, byte: u8) -> AuxBlock {
    AuxBlock {
        hash: BlockHash::from_byte_array([byte; 32]),
        chain_id,
        previous_block_hash: BlockHash::from_byte_array([byte ^ 0xff; 32]),
        height: 3,
        target: Target(U256::MAX >> 1usize),
    }
}

/// A SHA-256d coordinator on the harness template with `parent_target`, served with
/// [`easy_vardiff`]: the coordinator, where its solutions arrive, the server's address.
pub fn sha256d_server(
    parent_target: Target,
) -> (Arc<Coordinator>, mpsc::Receiver<FoundBlock>, SocketAddr) {
    let (coordinator, found) = Coordinator::detached(config(PowAlgorithm::Sha256d));
    coordinator.update_parent(template(1, parent_target), Instant::now());
    let addr = serve(coordinator.clone(), easy_vardiff());
    (coordinator, found, addr)
}

/// A one-thread CPU miner's settings for `server`: worker `worker`, no version rolling.
pub fn miner_config(server: String, pow: PowAlgorithm) -> StratumMinerConfig {
    StratumMinerConfig {
        server,
        user: "worker".into(),
        password: "x".into(),
        threads: 1,
        pow,
        job_log: None,
        version_rolling_mask: None,
        nonces_per_version: FULL_NONCE_RANGE,
        extranonce_subscribe: true,
    }
}

/// Starts a server with the default limits; returns its address.
pub fn serve(coordinator: Arc<Coordinator>, vardiff: VardiffConfig) -> SocketAddr {
    serve_limited(coordinator, vardiff, StratumLimits::default())
}

/// Starts a server for `coordinator` on a background runtime; returns its address.
pub fn serve_limited(
    coordinator: Arc<Coordinator>,
    vardiff: VardiffConfig,
    limits: StratumLimits,
) -> SocketAddr {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let server = StratumServer::bind(
                StratumConfig {
                    listen: "127.0.0.1:0".parse().unwrap(),
                    vardiff,
                    limits,
                    version_rolling_mask: DEFAULT_SERVER_MASK,
                    share_log: None,
                },
                coordinator,
            )
            .await
            .unwrap();
            tx.send(server.local_addr().unwrap()).unwrap();
            server.run().await;
        });
    });
    rx.recv().unwrap()
}

pub fn easy_vardiff() -> VardiffConfig {
    VardiffConfig {
        start: 1e-6,
        min: 1e-6,
        max: 1e-6,
        share_interval: Duration::from_secs(5),
    }
}

/// A raw Stratum connection.
pub struct Raw {
    reader: BufReader<TcpStream>,
    pub writer: TcpStream,
    next_id: u64,
}

impl Raw {
    pub fn connect(addr: SocketAddr) -> Raw {
        let stream = TcpStream::connect(addr).unwrap();
        // A guard against a hang, not a timing check.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        Raw {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
            next_id: 1,
        }
    }

    pub fn send(&mut self, method: &str, params: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let line = json!({"id": id, "method": method, "params": params}).to_string() + "\n";
        self.writer.write_all(line.as_bytes()).unwrap();
        id
    }

    pub fn read(&mut self) -> Value {
        self.read_or_closed()
            .expect("a line before the connection closed")
    }

    /// The next line, or `None` when the server closed the connection (a reset counts:
    /// the server closed with our bytes unread).
    pub fn read_or_closed(&mut self) -> Option<Value> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => {
                Some(serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line:?}")))
            }
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => None,
            Err(e) => panic!("reading from the server: {e}"),
        }
    }

    /// Reads until the server closes the connection; returns what came before.
    pub fn read_until_closed(&mut self) -> Vec<Value> {
        std::iter::from_fn(|| self.read_or_closed()).collect()
    }

    /// Sends a request and returns its reply, collecting notifications on the way.
    pub fn request(&mut self, method: &str, params: Value, notes: &mut Vec<Value>) -> Value {
        let id = self.send(method, params);
        loop {
            let message = self.read();
            if message["id"] == json!(id) {
                return message;
            }
            notes.push(message);
        }
    }

    pub fn notification(&mut self, method: &str, notes: &mut Vec<Value>) -> Value {
        if let Some(i) = notes.iter().position(|n| n["method"] == method) {
            return notes.remove(i);
        }
        loop {
            let message = self.read();
            if message["method"] == method {
                return message;
            }
            notes.push(message);
        }
    }
}

pub fn error_code(reply: &Value) -> i64 {
    reply["error"][0]
        .as_i64()
        .unwrap_or_else(|| panic!("no error: {reply}"))
}

/// The AuxPoW of a found aux block, decoded and checked against the block's hash and
/// chain id as the aux node would check it.
pub fn checked_auxpow(hash: BlockHash, chain_id: i32, auxpow_hex: &str) -> venture_auxpow::AuxPow {
    let auxpow: venture_auxpow::AuxPow =
        bitcoin::consensus::encode::deserialize(&hex::decode(auxpow_hex).unwrap()).unwrap();
    auxpow.check(hash, chain_id, true).unwrap();
    auxpow
}
