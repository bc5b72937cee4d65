//! End to end: `ventured mm`'s bounds on miners, set from its command line and its TOML
//! file, hold on its real Stratum port. No parent node is needed: connections, the
//! handshake and worker names are bounded before any work exists. Bounds on what a
//! parent's templates may hold are tried with a parent played by the test.

mod common;
#[path = "common/fake_parent.rs"]
mod fake_parent;

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
        // No parent node unless the test names one.
        let parent: &[&str] = match args.contains(&"--parent-url") {
            true => &[],
            false => &["--parent-url", "127.0.0.1:1", "--parent-user", "u"],
        };
        let child = Command::new(common::ventured())
            .arg("mm")
            .args(["--stratum-listen", "127.0.0.1:0"])
            .arg("--status-file")
            .arg(&status)
            .args(parent)
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
        let out = run_mm_without_nodes(&["--parent-address-script", "51", flag, "0"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{flag} 0 was taken");
        assert!(stderr.contains(message), "{flag}: {stderr}");
    }
}

/// `ventured mm` with a parent nobody listens at and `extra`, for settings refused
/// before anything is dialled.
fn run_mm_without_nodes(extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "mm",
        "--stratum-listen",
        "127.0.0.1:0",
        "--parent-url",
        "127.0.0.1:1",
        "--parent-user",
        "u",
    ];
    args.extend_from_slice(extra);
    common::run(&args)
}

/// Waits for the status to satisfy `done`; the status, for further checks.
fn wait_for_status(mm: &Mm, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = mm.read_status().filter(|s| done(s)) {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {:?}\n{}",
            mm.read_status(),
            mm.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A parent's template holding more than any real parent's block (too many
/// transactions, too many bytes of them, a required output script past Bitcoin's
/// script limit, required outputs too large for an AuxPoW's coinbase, an extension
/// block past Litecoin's) is refused or kept from parent blocks with its reason named
/// in the status and logged once; the work in hand is unchanged, and the next honest
/// template is taken.
#[test]
fn parent_templates_beyond_a_real_block_are_refused_by_name() {
    let parent = fake_parent::FakeParent::start(fake_parent::template(1));
    let dir = tempfile::tempdir().unwrap();
    let url = parent.addr.to_string();
    let mm = Mm::start(
        dir.path(),
        &[
            "--parent-url",
            &url,
            "--parent-user",
            "u",
            "--parent-password",
            "p",
            "--no-longpoll",
            "--parent-poll-ms",
            "100",
        ],
    );
    let first = wait_for_status(&mm, "a first job", |s| s["stats"]["jobs"] == 1);
    assert_eq!(first["stats"]["parent"]["template_error"], Value::Null);

    let with = |field: &str, value: Value| {
        let mut template = fake_parent::template(2);
        template[field] = value;
        template
    };
    let output = |bytes: usize| json!({"script": "51".repeat(bytes), "amount": 1});
    let refused = [
        (
            with("transactions", json!(vec![json!({"data": "00"}); 16_667])),
            "lists 16667 transactions, more than the 16666 a block of weight 4000000 can hold",
        ),
        (
            with("transactions", json!([{"data": "00".repeat(4_000_001)}])),
            "hold more than 4000000 bytes of data, more than a block of weight 4000000 can carry",
        ),
        (
            with("coinbase_required_outputs", json!([output(10_001)])),
            "a script of 10001 bytes, longer than Bitcoin's 10000-byte script limit",
        ),
        (
            with(
                "coinbase_required_outputs",
                json!([output(5_000), output(5_000)]),
            ),
            "takes more than 9000 bytes: the parent coinbase could not carry an AuxPoW",
        ),
    ];
    for (template, reason) in refused {
        parent.set(template);
        let status = wait_for_status(&mm, reason, |s| {
            s["stats"]["parent"]["template_error"]
                .as_str()
                .is_some_and(|e| e.contains(reason))
        });
        // Refused: the job in hand stays, and the node counts as up.
        assert_eq!(status["stats"]["jobs"], 1, "{reason}");
        assert_eq!(status["stats"]["parent"]["up"], true, "{reason}");
    }
    // Polled ten times a second, each reason was logged once, and never as an outage.
    let log = mm.log();
    assert_eq!(
        log.matches("longer than Bitcoin's 10000-byte").count(),
        1,
        "{log}"
    );
    assert!(!log.contains("parent node unavailable"), "{log}");

    // An extension block past Litecoin's: the template is taken for the aux chains but
    // makes no parent block.
    let mweb = "00".repeat(21_800_196);
    parent.set(with("mweb", json!(mweb)));
    let status = wait_for_status(&mm, "the MWEB bound", |s| {
        s["stats"]["parent"]["template_error"]
            .as_str()
            .is_some_and(|e| e.contains("`mweb` holds 21800196 bytes, more than Litecoin's largest extension block (21800195 bytes)"))
    });
    assert_eq!(status["stats"]["jobs"], 2);

    parent.set(fake_parent::template(3));
    wait_for_status(&mm, "the honest template", |s| {
        s["stats"]["jobs"] == 3 && s["stats"]["parent"]["template_error"].is_null()
    });
    assert!(mm
        .log()
        .contains("parent templates make parent blocks again"));
}

/// A payout script no parent coinbase could carry in an AuxPoW, or none at all, is
/// refused on the command line with the reason, before anything starts.
#[test]
fn payout_scripts_no_coinbase_could_carry_are_refused() {
    let long = "51".repeat(501);
    for (script, message) in [
        ("", "the parent payout script is empty"),
        (
            long.as_str(),
            "the parent payout script is 501 bytes, longer than 500",
        ),
        ("5", "the parent payout script is not hex"),
    ] {
        let out = run_mm_without_nodes(&["--parent-address-script", script]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{script:?} was taken");
        assert!(stderr.contains(message), "{script:?}: {stderr}");
    }
}
