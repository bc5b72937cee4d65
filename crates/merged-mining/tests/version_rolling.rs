//! Version rolling (BIP310 over BIP320's bits) through the real Stratum server: what
//! `mining.configure` answers, how a submit's `version_bits` is checked, and that a
//! rolling CPU miner's shares come back as parent blocks and AuxPoWs whose headers carry
//! the rolled versions that were hashed.

mod stratum_harness;

use bitcoin::consensus::encode;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use stratum_harness::{
    aux_block, checked_auxpow, config, easy_vardiff, error_code, miner_config, serve,
    sha256d_server, template, Raw,
};
use venture_merged_mining::coordinator::FoundBlock;
use venture_merged_mining::stratum::version_rolling::DEFAULT_SERVER_MASK;
use venture_merged_mining::{Coordinator, StratumMiner, StratumMinerConfig};
use venture_pow::{PowAlgorithm, Target, U256};

/// The harness template's version.
const JOB_VERSION: u32 = 0x2000_0000;

fn error_message(reply: &Value) -> String {
    reply["error"][1].as_str().unwrap_or_default().to_string()
}

/// Subscribes and authorizes `raw` as worker `w`; returns the job id.
fn start(raw: &mut Raw, notes: &mut Vec<Value>) -> String {
    raw.request("mining.subscribe", json!(["test/1"]), notes);
    assert_eq!(
        raw.request("mining.authorize", json!(["w", "x"]), notes)["result"],
        true
    );
    let notify = raw.notification("mining.notify", notes);
    assert_eq!(notify["params"][5], "20000000");
    notify["params"][0].as_str().unwrap().to_string()
}

#[test]
fn configure_negotiates_the_mask_and_submits_follow_it() {
    // Every hash meets the parent target: each accepted share is a parent block.
    let (_coordinator, found, addr) = sha256d_server(Target(U256::MAX));
    let mut raw = Raw::connect(addr);
    let mut notes = Vec::new();

    let configured = raw.request(
        "mining.configure",
        json!([
            ["version-rolling", "minimum-difficulty"],
            {"version-rolling.mask": "ffffffff", "version-rolling.min-bit-count": 2,
             "minimum-difficulty.value": 2048}
        ]),
        &mut notes,
    );
    assert_eq!(
        configured["result"],
        json!({"version-rolling": true, "version-rolling.mask": "1fffe000", "minimum-difficulty": false}),
        "{configured}"
    );
    let job = start(&mut raw, &mut notes);
    let submit = |nonce: u32, bits: &str| {
        json!([
            "w",
            job,
            "00000001",
            "6553f100",
            format!("{nonce:08x}"),
            bits
        ])
    };

    let outside = raw.request("mining.submit", submit(0, "20002000"), &mut notes);
    assert_eq!(error_code(&outside), 20);
    assert!(
        error_message(&outside).starts_with("Invalid version mask"),
        "{outside}"
    );
    assert!(error_message(&outside).contains("1fffe000"), "{outside}");
    let malformed = raw.request("mining.submit", submit(0, "2000"), &mut notes);
    assert_eq!(error_code(&malformed), 20);
    assert!(
        error_message(&malformed).contains("8 hex digits"),
        "{malformed}"
    );
    assert!(found.try_recv().is_err(), "a refused share made a block");

    // A share at difficulty 1e-6 (one hash in about 4,300) under rolled bits 00006000.
    let mut accepted = None;
    for nonce in 0..1_000_000u32 {
        let reply = raw.request("mining.submit", submit(nonce, "00006000"), &mut notes);
        if reply["result"] == json!(true) {
            accepted = Some(nonce);
            break;
        }
        assert_eq!(error_code(&reply), 23, "{reply}");
    }
    let nonce = accepted.expect("a share");
    let FoundBlock::Parent { block_hex, .. } = found.recv_timeout(Duration::from_secs(10)).unwrap()
    else {
        panic!("expected a parent block");
    };
    let block: bitcoin::Block = encode::deserialize(&hex::decode(block_hex).unwrap()).unwrap();
    assert_eq!(block.header.version.to_consensus() as u32, 0x2000_6000);
    assert_eq!(block.header.nonce, nonce);
    assert!(block.check_merkle_root());
    // The same version again is a duplicate; the same nonce under the job's own
    // version is another header, hashed as such (at this difficulty, most likely low).
    let again = raw.request("mining.submit", submit(nonce, "00006000"), &mut notes);
    assert_eq!(error_code(&again), 22);
    let other = raw.request("mining.submit", submit(nonce, "00000000"), &mut notes);
    assert_ne!(error_code_or_ok(&other), 22, "{other}");
    // Leaving version_bits out hashes the job's version, as without negotiation.
    let plain = raw.request(
        "mining.submit",
        json!(["w", job, "00000001", "6553f100", format!("{nonce:08x}")]),
        &mut notes,
    );
    assert_ne!(error_code_or_ok(&plain), 20, "{plain}");
}

fn error_code_or_ok(reply: &Value) -> i64 {
    reply["error"][0].as_i64().unwrap_or(0)
}

#[test]
fn without_negotiation_version_bits_are_refused() {
    let (_coordinator, found, addr) = sha256d_server(Target(U256::MAX));

    // Never configured.
    let mut raw = Raw::connect(addr);
    let mut notes = Vec::new();
    let job = start(&mut raw, &mut notes);
    let rolled = raw.request(
        "mining.submit",
        json!(["w", job, "00000001", "6553f100", "00000000", "00002000"]),
        &mut notes,
    );
    assert_eq!(error_code(&rolled), 20);
    assert!(
        error_message(&rolled).contains("not negotiated"),
        "{rolled}"
    );

    // Configured with a mask that is not 8 hex digits: refused, with the reason as the
    // extension's result, and rolling stays off.
    let mut bad = Raw::connect(addr);
    let refused = bad.request(
        "mining.configure",
        json!([["version-rolling"], {"version-rolling.mask": "1fffe0"}]),
        &mut notes,
    );
    let reason = refused["result"]["version-rolling"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("8 hex digits"), "{refused}");
    assert!(
        refused["result"].get("version-rolling.mask").is_none(),
        "{refused}"
    );
    let job = start(&mut bad, &mut notes);
    let rolled = bad.request(
        "mining.submit",
        json!(["w", job, "00000001", "6553f100", "00000000", "00002000"]),
        &mut notes,
    );
    assert!(
        error_message(&rolled).contains("not negotiated"),
        "{rolled}"
    );

    // More bits wanted than the server offers: granted anyway (BIP310's degraded mode),
    // and the connection stays open.
    let mut greedy = Raw::connect(addr);
    let granted = greedy.request(
        "mining.configure",
        json!([["version-rolling"], {"version-rolling.mask": "1fffe000", "version-rolling.min-bit-count": 20}]),
        &mut notes,
    );
    assert_eq!(
        granted["result"],
        json!({"version-rolling": true, "version-rolling.mask": "1fffe000"})
    );
    start(&mut greedy, &mut notes);
    assert!(found.try_recv().is_err());
}

#[test]
fn a_rolling_miner_s_blocks_and_auxpows_carry_the_versions_it_hashed() {
    let pow = PowAlgorithm::Sha256d;
    let (coordinator, found) = Coordinator::detached(config(pow));
    let parent_target = Target(U256::MAX >> 1usize);
    coordinator.update_parent(template(1, parent_target), Instant::now());
    let addr = serve(coordinator.clone(), easy_vardiff());
    let miner = StratumMiner::start(StratumMinerConfig {
        user: "roller".into(),
        version_rolling_mask: Some(DEFAULT_SERVER_MASK),
        // A new version after every nonce: most shares are rolled.
        nonces_per_version: 1,
        ..miner_config(addr.to_string(), pow)
    })
    .unwrap();

    let fixed = |version: u32| version & !DEFAULT_SERVER_MASK == JOB_VERSION & !DEFAULT_SERVER_MASK;
    let mut parent_versions = HashSet::new();
    let mut aux_rolled = [false, false];
    let mut round = 0u8;
    let deadline = Instant::now() + Duration::from_secs(120);
    while parent_versions.len() < 3 || aux_rolled != [true, true] {
        assert!(
            Instant::now() < deadline,
            "parent versions {parent_versions:x?}, aux {aux_rolled:?}"
        );
        if aux_rolled != [true, true] {
            // New aux blocks (each proven once) until both got a rolled proof; aux
            // targets of 1/16 make a proof at the job's own version unlikely.
            round += 1;
            for index in 0..2 {
                let mut block =
                    aux_block(0x5645 + index as i32, round.wrapping_mul(2) + index as u8);
                block.target = Target(U256::MAX >> 4usize);
                coordinator.update_aux(index, Some(block), Instant::now());
            }
        }
        let Ok(solution) = found.recv_timeout(Duration::from_secs(2)) else {
            continue;
        };
        match solution {
            FoundBlock::Parent { block_hex, .. } => {
                let block: bitcoin::Block =
                    encode::deserialize(&hex::decode(block_hex).unwrap()).unwrap();
                let version = block.header.version.to_consensus() as u32;
                assert!(fixed(version), "{version:08x}");
                let header: [u8; 80] = encode::serialize(&block.header).try_into().unwrap();
                assert!(parent_target.is_met_by(&pow.hash(&header)), "{version:08x}");
                assert!(block.check_merkle_root());
                parent_versions.insert(version);
            }
            FoundBlock::Aux {
                index,
                chain_id,
                hash,
                auxpow_hex,
                ..
            } => {
                let auxpow = checked_auxpow(hash, chain_id, &auxpow_hex);
                // The parent header in the AuxPoW is the one hashed: its proof of work
                // meets the aux target only with the rolled version in it.
                assert!(Target(U256::MAX >> 4usize).is_met_by(&auxpow.parent_pow_hash(pow)));
                let version = auxpow.parent_header.version.to_consensus() as u32;
                assert!(fixed(version), "{version:08x}");
                if version != JOB_VERSION {
                    aux_rolled[index] = true;
                }
            }
        }
    }
    assert!(parent_versions.iter().any(|v| *v != JOB_VERSION));
    // The miner counts the server's replies as they arrive.
    let stats = miner.stats();
    while stats.shares_accepted.load(Ordering::Relaxed) == 0 {
        assert!(
            Instant::now() < deadline,
            "no share reply reached the miner"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let rejected = stats.shares_rejected.load(Ordering::Relaxed);
    miner.stop();
    // Every refusal was a share for a job the test's new aux blocks had just replaced
    // (each round changes the aux tips, a clean job): none was judged wrong.
    let server = coordinator.stats();
    assert!(rejected <= server.shares_stale.load(Ordering::Relaxed));
    for wrong in [
        &server.shares_invalid,
        &server.shares_duplicate,
        &server.shares_low_difficulty,
    ] {
        assert_eq!(wrong.load(Ordering::Relaxed), 0);
    }
}

/// Every 8-digit field of a submit and of `mining.configure` is read by one function:
/// a sign, which Rust's integer parser would take, is no hex digit.
#[test]
fn signed_hex_fields_are_refused_by_name() {
    let (coordinator, found, addr) = sha256d_server(Target(U256::MAX));
    let mut raw = Raw::connect(addr);
    let mut notes = Vec::new();
    let signed_mask = raw.request(
        "mining.configure",
        json!([["version-rolling"], {"version-rolling.mask": "+fffe000"}]),
        &mut notes,
    );
    let reason = signed_mask["result"]["version-rolling"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("8 hex digits"), "{signed_mask}");
    let configured = raw.request(
        "mining.configure",
        json!([["version-rolling"], {"version-rolling.mask": "1fffe000"}]),
        &mut notes,
    );
    assert_eq!(
        configured["result"]["version-rolling"], true,
        "{configured}"
    );
    let job = start(&mut raw, &mut notes);
    for (ntime, nonce, bits, named) in [
        ("+553f100", "00000000", "00002000", "bad ntime"),
        ("6553f100", "+0000000", "00002000", "bad nonce"),
        ("6553f100", "-0000000", "00002000", "bad nonce"),
        ("6553f100", "00000000", "+0002000", "8 hex digits"),
    ] {
        let reply = raw.request(
            "mining.submit",
            json!(["w", job, "00000001", ntime, nonce, bits]),
            &mut notes,
        );
        assert_eq!(error_code(&reply), 20, "{reply}");
        assert!(error_message(&reply).contains(named), "{reply}");
    }
    // Every hash meets this parent target: a share taken would have been a block.
    assert!(found.try_recv().is_err(), "a signed field made a block");
    assert_eq!(coordinator.stats_json()["shares"]["accepted"], 0);
}

/// What a rolling CPU miner submits to a pool that answers `mining.configure` with
/// `grant` and, once shares arrive, sends `later` as `mining.set_version_mask`: the
/// `version_bits` of its submits from then on (`None` for a submit without them).
fn submits_to_a_pool_granting(grant: &str, later: Option<&str>) -> Vec<Option<u32>> {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let miner = StratumMiner::start(StratumMinerConfig {
        version_rolling_mask: Some(DEFAULT_SERVER_MASK),
        nonces_per_version: 1,
        ..miner_config(
            listener.local_addr().unwrap().to_string(),
            PowAlgorithm::Sha256d,
        )
    })
    .unwrap();
    let (stream, _) = listener.accept().unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut say = |line: Value| writer.write_all(format!("{line}\n").as_bytes()).unwrap();
    let notify = |job: &str| {
        json!({"id": null, "method": "mining.notify", "params": [
            job, "01".repeat(32), "01", "02", [], "20000000", "207fffff", "6553f100", true]})
    };
    let mut lines = BufReader::new(stream).lines();
    let mut submits = Vec::new();
    let mut told = later.is_none();
    // With a later mask, a second job follows it: that job's shares are all hashed
    // under the new mask.
    let counted = if later.is_some() { "j2" } else { "j1" };
    while submits.len() < 20 {
        let line = lines.next().expect("the miner's next line").unwrap();
        let message: Value = serde_json::from_str(&line).unwrap();
        let id = message["id"].clone();
        match message["method"].as_str().unwrap_or_default() {
            "mining.configure" => say(json!({"id": id, "error": null,
                "result": {"version-rolling": true, "version-rolling.mask": grant}})),
            "mining.subscribe" => say(json!({"id": id, "error": null,
                "result": [[["mining.notify", "1"]], "01020304", 4]})),
            "mining.authorize" => {
                say(json!({"id": id, "result": true, "error": null}));
                say(json!({"id": null, "method": "mining.set_difficulty", "params": [1e-9]}));
                say(notify("j1"));
            }
            "mining.submit" => {
                say(json!({"id": id, "result": true, "error": null}));
                if let (false, Some(mask)) = (told, later) {
                    say(json!({"id": null, "method": "mining.set_version_mask", "params": [mask]}));
                    say(notify("j2"));
                    told = true;
                }
                if message["params"][1] == counted {
                    let bits = message["params"]
                        .get(5)
                        .map(|bits| u32::from_str_radix(bits.as_str().unwrap(), 16).unwrap());
                    submits.push(bits);
                }
            }
            _ => say(json!({"id": id, "result": true, "error": null})),
        }
    }
    miner.stop();
    submits
}

/// BIP310: a miner rolls only bits of its own mask. A pool granting bits the miner did
/// not offer, or none, or later setting such a mask, leaves it hashing the job's
/// version, and its submits carry no `version_bits`.
#[test]
fn the_miner_rolls_only_bits_it_offered() {
    let honest = submits_to_a_pool_granting("00006000", None);
    assert!(
        honest
            .iter()
            .all(|bits| bits.is_some_and(|b| b & !0x6000 == 0)),
        "{honest:x?}"
    );
    assert!(honest.iter().any(|bits| *bits != Some(0)), "{honest:x?}");
    for grant in ["ffffffff", "e0000000", "00000000"] {
        let submits = submits_to_a_pool_granting(grant, None);
        assert!(submits.iter().all(Option::is_none), "{grant}: {submits:x?}");
    }
    for later in ["e0000000", "00000000"] {
        let submits = submits_to_a_pool_granting("00006000", Some(later));
        assert!(submits.iter().all(Option::is_none), "{later}: {submits:x?}");
    }
    // A narrower mask within the offer is followed.
    let narrower = submits_to_a_pool_granting("00006000", Some("00002000"));
    assert!(
        narrower
            .iter()
            .all(|bits| bits.is_some_and(|b| b & !0x2000 == 0)),
        "{narrower:x?}"
    );
}
