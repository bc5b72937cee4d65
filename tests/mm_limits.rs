//! End to end: `ventured mm`'s bounds on miners, set from its command line and its TOML
//! file, hold on its real Stratum port. No parent node is needed: connections, the
//! handshake and worker names are bounded before any work exists.

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `ventured mm`, killed on drop.
struct Mm {
    child: Child,
    status: PathBuf,
    log: PathBuf,
}

impl Mm {
    fn start(dir: &Path, args: &[&str]) -> Mm {
        let status = dir.join("status.json");
        let log = dir.join("mm.log");
        let child = Command::new(common::ventured())
            .arg("mm")
            .args(["--stratum-listen", "127.0.0.1:0"])
            .arg("--status-file")
            .arg(&status)
            .args(["--parent-url", "127.0.0.1:1", "--parent-user", "u"])
            .args(["--parent-address-script", "51"])
            .args(args)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("ventured mm starts");
        let mut mm = Mm { child, status, log };
        let deadline = Instant::now() + Duration::from_secs(60);
        while mm.read_status().is_none() {
            if let Ok(Some(code)) = mm.child.try_wait() {
                panic!("ventured mm exited with {code}:\n{}", mm.log());
            }
            assert!(Instant::now() < deadline, "no status file:\n{}", mm.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        mm
    }

    fn read_status(&self) -> Option<Value> {
        serde_json::from_str(&std::fs::read_to_string(&self.status).ok()?).ok()
    }

    fn stratum(&self) -> String {
        self.read_status().expect("status")["stratum"]
            .as_str()
            .expect("stratum address")
            .to_string()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Mm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One miner connection speaking line by line.
struct Line {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Line {
    fn connect(addr: &str) -> Line {
        let stream = TcpStream::connect(addr).expect("connect");
        // A guard against a hang, not a timing check.
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        Line {
            reader: BufReader::new(stream.try_clone().unwrap()),
            writer: stream,
        }
    }

    fn call(&mut self, id: u64, method: &str, params: Value) -> Option<Value> {
        let line = json!({"id": id, "method": method, "params": params}).to_string() + "\n";
        self.writer.write_all(line.as_bytes()).ok()?;
        loop {
            let message = self.next()?;
            if message["id"] == json!(id) {
                return Some(message);
            }
        }
    }

    /// The next line, or `None` once the server closed the connection.
    fn next(&mut self) -> Option<Value> {
        let mut line = String::new();
        match self.reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => Some(serde_json::from_str(&line).expect("JSON line")),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => None,
            Err(e) => panic!("reading from ventured mm: {e}"),
        }
    }
}

#[test]
fn bounds_on_miners_come_from_flags_and_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("mm.toml");
    std::fs::write(&config, "[limits]\nmax_workers_per_connection = 2\n").unwrap();
    let mm = Mm::start(
        dir.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "--max-connections",
            "1",
            "--handshake-timeout",
            "1",
        ],
    );
    let addr = mm.stratum();

    let mut miner = Line::connect(&addr);
    let subscribed = miner.call(1, "mining.subscribe", json!(["e2e/1"]));
    assert!(subscribed.expect("subscribed")["result"].is_array());
    for (id, worker) in [(2, "a"), (3, "b")] {
        let reply = miner.call(id, "mining.authorize", json!([worker, "x"]));
        assert_eq!(reply.expect("authorized")["result"], true);
    }
    let third = miner
        .call(4, "mining.authorize", json!(["c", "x"]))
        .expect("a reply");
    assert_eq!(third["error"][0], 20, "{third}");

    // The cap of one: a second connection is told why and closed.
    let mut refused = Line::connect(&addr);
    let said = refused.next().expect("a reason");
    assert_eq!(said["error"][1], "too many connections (1); try later");
    assert!(refused.next().is_none());

    // Once the miner leaves, a newcomer gets the slot, and is closed when it does not
    // authorize (the read returns when the server closes; it times nothing).
    drop(miner);
    let mut attempts = 0;
    let mut newcomer = loop {
        let mut line = Line::connect(&addr);
        if line.call(1, "mining.subscribe", json!(["e2e/1"])).is_some() {
            break line;
        }
        attempts += 1;
        assert!(attempts < 1_200, "the slot was never freed:\n{}", mm.log());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(newcomer.next().is_none());
    assert!(
        mm.log().contains("Stratum connection limit reached"),
        "{}",
        mm.log()
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while mm.read_status().expect("status")["stats"]["connections_refused"]
        .as_u64()
        .unwrap_or(0)
        == 0
    {
        assert!(
            Instant::now() < deadline,
            "connections_refused never counted"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn bounds_that_would_turn_every_miner_away_are_refused() {
    for (flag, message) in [
        ("--max-connections", "max_connections must be at least 1"),
        (
            "--max-workers-per-connection",
            "max_workers_per_connection must be at least 1",
        ),
        (
            "--max-shares-per-block",
            "max_shares_per_block must be at least 1",
        ),
        (
            "--handshake-timeout",
            "the handshake timeout must be a positive",
        ),
    ] {
        let out = common::run(&[
            "mm",
            "--stratum-listen",
            "127.0.0.1:0",
            "--parent-url",
            "127.0.0.1:1",
            "--parent-user",
            "u",
            "--parent-address-script",
            "51",
            flag,
            "0",
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{flag} 0 was taken");
        assert!(stderr.contains(message), "{flag}: {stderr}");
    }
}
