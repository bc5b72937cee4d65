//! What a hostile miner can make the Stratum server hold, tried against a real server on
//! loopback: connections beyond the cap, connections that never start mining, endless
//! worker names, endless lines. Each is refused with a Stratum error (or a close) and
//! the miners within the bounds keep being served.

mod stratum_harness;

use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};
use stratum_harness::{
    config, easy_vardiff, error_code, miner_config, serve, serve_limited, template, Raw,
};
use venture_merged_mining::stratum::difficulty::difficulty_for_target;
use venture_merged_mining::stratum::limits::MAX_WORKER_NAME;
use venture_merged_mining::stratum::{StratumLimits, VardiffConfig, MAX_LINE};
use venture_merged_mining::Coordinator;
use venture_pow::{PowAlgorithm, Target, U256};

fn coordinator() -> std::sync::Arc<Coordinator> {
    let (coordinator, _found) = Coordinator::detached(config(PowAlgorithm::Sha256d));
    coordinator.update_parent(template(1, Target(U256::ZERO)), Instant::now());
    coordinator
}

/// Subscribes and authorizes; returns once work (a notify) arrived.
fn start_mining(raw: &mut Raw, worker: &str) {
    let mut notes = Vec::new();
    raw.request("mining.subscribe", json!(["test/1"]), &mut notes);
    let authorized = raw.request("mining.authorize", json!([worker, "x"]), &mut notes);
    assert_eq!(authorized["result"], true, "{authorized}");
    raw.notification("mining.notify", &mut notes);
}

fn error_message(reply: &Value) -> String {
    reply["error"][1].as_str().unwrap_or_default().to_string()
}

#[test]
fn share_difficulty_never_goes_below_the_floor() {
    // A parent at Bitcoin's difficulty of block 840,000 (about 8.6e13).
    let bits = 0x1703_4219;
    let parent_target = Target::from_bits(bits, &Target(U256::MAX)).unwrap();
    let mut parent = template(1, parent_target);
    parent.bits = bits;
    let (coordinator, _found) = Coordinator::detached(config(PowAlgorithm::Sha256d));
    coordinator.update_parent(parent, Instant::now());
    // The default floor: 2^32 shares per parent block.
    let floor = difficulty_for_target(&Target(parent_target.0 << 32usize), PowAlgorithm::Sha256d);
    assert!((20_000.0..20_200.0).contains(&floor), "{floor}");
    // An operator's vardiff that would go as low as any miner likes.
    let anything = VardiffConfig {
        start: 1e-12,
        min: 1e-12,
        max: 1e15,
        share_interval: Duration::from_secs(5),
    };
    let addr = serve(coordinator.clone(), anything);
    let mut raw = Raw::connect(addr);
    let mut notes = Vec::new();
    raw.request("mining.subscribe", json!(["test/1"]), &mut notes);
    raw.request("mining.authorize", json!(["w", "x"]), &mut notes);
    let set = raw.notification("mining.set_difficulty", &mut notes);
    let given = set["params"][0].as_f64().unwrap();
    assert!((given - floor).abs() <= floor * 1e-9, "{given} vs {floor}");
    let job = raw.notification("mining.notify", &mut notes)["params"][0]
        .as_str()
        .unwrap()
        .to_string();

    // Suggestions below the floor are taken as the floor.
    let easiest = "ff".repeat(32);
    for (method, params) in [
        ("mining.suggest_difficulty", json!([1e-12])),
        ("mining.suggest_target", json!([easiest])),
    ] {
        let reply = raw.request(method, params, &mut notes);
        assert_eq!(reply["result"], true, "{method}: {reply}");
    }
    let reply = raw.request("mining.suggest_target", json!(["zz"]), &mut notes);
    assert_eq!(error_code(&reply), 20);
    for note in notes
        .iter()
        .filter(|n| n["method"] == "mining.set_difficulty")
    {
        assert!(note["params"][0].as_f64().unwrap() >= given, "{note}");
    }

    // Random nonces are not shares: each would meet the floor with probability 2^-46.
    for nonce in 0..64u32 {
        let share = json!(["w", job, "00000001", "6553f100", format!("{nonce:08x}")]);
        let reply = raw.request("mining.submit", share, &mut notes);
        assert_eq!(error_code(&reply), 23, "{reply}");
    }
    let stats = coordinator.stats_json();
    assert_eq!(stats["shares"]["low_difficulty"], 64);
    assert_eq!(stats["shares"]["accepted"], 0);
}

#[test]
fn connections_beyond_the_cap_are_closed_at_once_without_work() {
    let coordinator = coordinator();
    let limits = StratumLimits {
        max_connections: 2,
        ..StratumLimits::default()
    };
    let addr = serve_limited(coordinator.clone(), easy_vardiff(), limits);
    let mut first = Raw::connect(addr);
    start_mining(&mut first, "a");
    let mut second = Raw::connect(addr);
    start_mining(&mut second, "b");

    // The third gets one line saying why, then the server closes: no subscription,
    // no difficulty, no job.
    let mut third = Raw::connect(addr);
    let said = third.read_until_closed();
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(error_code(&said[0]), 20);
    assert!(
        error_message(&said[0]).contains("too many connections (2)"),
        "{said:?}"
    );
    assert_eq!(coordinator.stats_json()["connections_refused"], 1);

    // The miners within the cap are still served.
    let mut notes = Vec::new();
    let reply = second.request("mining.extranonce.subscribe", json!([]), &mut notes);
    assert_eq!(reply["result"], true);

    // A miner that leaves frees its slot for the next one.
    drop(first);
    let mut attempts = 0;
    loop {
        let mut next = Raw::connect(addr);
        next.send("mining.subscribe", json!(["test/1"]));
        match next.read_or_closed() {
            Some(reply) if reply["result"].is_array() => break,
            _ => {
                attempts += 1;
                assert!(attempts < 1_200, "the freed slot was never reused");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

#[test]
fn a_connection_that_never_starts_mining_is_dropped() {
    let limits = StratumLimits {
        handshake_timeout: Duration::from_secs(1),
        ..StratumLimits::default()
    };
    let addr = serve_limited(coordinator(), easy_vardiff(), limits);
    let mut miner = Raw::connect(addr);
    start_mining(&mut miner, "w");
    // Subscribed but never authorized, and silent: both are closed once the deadline
    // passes (the read returns when the server closes; it does not time anything).
    let mut half = Raw::connect(addr);
    let mut notes = Vec::new();
    half.request("mining.subscribe", json!(["test/1"]), &mut notes);
    let mut silent = Raw::connect(addr);
    assert!(half.read_until_closed().is_empty());
    assert!(silent.read_until_closed().is_empty());
    // The miner that started before them is past its deadline too, and still served.
    let reply = miner.request("mining.extranonce.subscribe", json!([]), &mut notes);
    assert_eq!(reply["result"], true);
}

#[test]
fn worker_names_per_connection_are_capped() {
    let coordinator = coordinator();
    let addr = serve(coordinator, easy_vardiff());
    let mut raw = Raw::connect(addr);
    let mut notes = Vec::new();
    raw.request("mining.subscribe", json!(["test/1"]), &mut notes);
    let max = StratumLimits::default().max_workers;
    let mut accepted = 0;
    for i in 0..max + 50 {
        let reply = raw.request(
            "mining.authorize",
            json!([format!("w{i}"), "x"]),
            &mut notes,
        );
        if reply["result"] == true {
            accepted += 1;
        } else {
            assert_eq!(error_code(&reply), 20);
            assert!(
                error_message(&reply).contains("too many workers"),
                "{reply}"
            );
        }
    }
    assert_eq!(accepted, max);
    // Names already taken are still welcome; refused ones cannot submit.
    let again = raw.request("mining.authorize", json!(["w0", "x"]), &mut notes);
    assert_eq!(again["result"], true);
    let refused = raw.request(
        "mining.submit",
        json!([format!("w{max}"), "1", "00000001", "6553f100", "00000000"]),
        &mut notes,
    );
    assert_eq!(error_code(&refused), 24);

    // A name over the length bound is refused on a fresh connection too.
    let mut other = Raw::connect(addr);
    other.request("mining.subscribe", json!(["test/1"]), &mut notes);
    let long = "n".repeat(MAX_WORKER_NAME + 1);
    let reply = other.request("mining.authorize", json!([long, "x"]), &mut notes);
    assert_eq!(error_code(&reply), 20);
    let fits = "n".repeat(MAX_WORKER_NAME);
    let reply = other.request("mining.authorize", json!([fits, "x"]), &mut notes);
    assert_eq!(reply["result"], true);
}

#[test]
fn an_endless_line_gets_an_error_and_closes_the_connection() {
    let addr = serve(coordinator(), easy_vardiff());
    // A request padded to the bound is still a request.
    let mut raw = Raw::connect(addr);
    let head = r#"{"id":1,"method":"mining.extranonce.subscribe","params":[],"pad":""#;
    let pad = "x".repeat(MAX_LINE - head.len() - 2);
    let line = format!("{head}{pad}\"}}\n");
    assert_eq!(line.len(), MAX_LINE + 1);
    raw.writer.write_all(line.as_bytes()).unwrap();
    assert_eq!(raw.read()["result"], true);

    // One byte more without a newline, and the server says why and closes.
    raw.writer.write_all(&vec![b'x'; MAX_LINE + 1]).unwrap();
    let said = raw.read_until_closed();
    let last = said.last().unwrap_or_else(|| panic!("no error line"));
    assert_eq!(error_code(last), 20);
    assert_eq!(
        error_message(last),
        format!("line longer than {MAX_LINE} bytes")
    );
}

#[test]
fn the_miner_drops_a_server_that_sends_an_endless_line() {
    use std::net::TcpListener;
    use std::sync::atomic::Ordering;
    use venture_merged_mining::{StratumMiner, StratumMinerConfig};

    // A hostile upstream: it answers the miner with one line that never ends.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let miner = StratumMiner::start(StratumMinerConfig {
        threads: 0,
        ..miner_config(
            listener.local_addr().unwrap().to_string(),
            PowAlgorithm::Sha256d,
        )
    })
    .unwrap();
    let (mut upstream, _) = listener.accept().unwrap();
    // Far more than the bound and than any socket buffers: a miner that buffered
    // without limit would take all of it; a bounded one closes, and writing fails.
    let chunk = vec![b'x'; 64 * 1024];
    let mut written = 0usize;
    let closed = loop {
        if written >= 64 * 1024 * 1024 {
            break false;
        }
        match upstream.write_all(&chunk) {
            Ok(()) => written += chunk.len(),
            Err(_) => break true,
        }
    };
    assert!(closed, "the miner took {written} bytes of one line");
    // It comes back, as after any lost connection.
    let (_again, _) = listener.accept().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while miner.stats().connections.load(Ordering::Relaxed) < 2 {
        assert!(Instant::now() < deadline, "no reconnection");
        std::thread::sleep(Duration::from_millis(20));
    }
    miner.stop();
}

/// One line of repeated extension names and a long mask once made the server negotiate
/// (and word a refusal quoting the whole mask) once per name. Each name is now answered
/// once, and what is quoted back is cut, so the reply stays a few hundred bytes.
#[test]
fn configure_answers_each_extension_once_with_short_reasons() {
    use venture_merged_mining::stratum::protocol::MAX_ECHO_CHARS;
    let addr = serve(coordinator(), easy_vardiff());
    let mut raw = Raw::connect(addr);
    let mut notes = Vec::new();
    let mask = "f".repeat(7_000);
    let names: Vec<&str> = std::iter::repeat_n("version-rolling", 480)
        .chain(["minimum-difficulty", "minimum-difficulty"])
        .collect();
    let params = json!([names, {"version-rolling.mask": mask}]);
    let line = json!({"id": 1, "method": "mining.configure", "params": params}).to_string();
    assert!(line.len() < MAX_LINE, "{} bytes", line.len());
    let id = raw.send("mining.configure", params);
    let reply = raw.read();
    assert_eq!(reply["id"], id);
    let result = reply["result"].as_object().expect("a result object");
    assert_eq!(result.len(), 2, "{reply}");
    assert_eq!(result["minimum-difficulty"], false);
    let reason = result["version-rolling"].as_str().expect("a reason");
    assert!(reason.contains("8 hex digits"), "{reason}");
    assert!(reason.ends_with('…'), "{reason}");
    assert!(
        reason.chars().count() < 100 + MAX_ECHO_CHARS,
        "a reason of {} characters",
        reason.chars().count()
    );
    assert!(reply.to_string().len() < 400, "{reply}");

    // The same for a method nobody knows, named at length.
    let method = "m".repeat(10_000);
    let unknown = raw.request(&method, json!([]), &mut notes);
    assert_eq!(error_code(&unknown), 20);
    let message = error_message(&unknown);
    assert!(message.starts_with("Unknown method mmm"), "{message}");
    assert!(message.chars().count() < 100, "{message}");
    // The connection still serves.
    start_mining(&mut raw, "w");
}
