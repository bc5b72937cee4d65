//! A coordinator fed Litecoin templates with MWEB active, mined by the CPU Stratum miner:
//! with usable MWEB data every parent block ends with the HogEx as the node gave it, the
//! marker and the extension block; with unusable data the status says why, no parent
//! block goes out, and the aux chains keep getting AuxPoWs.

mod stratum_harness;

use serde_json::{json, Value};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};
use stratum_harness::{aux_block, checked_auxpow, config, easy_vardiff, miner_config, serve};
use venture_merged_mining::coordinator::{FoundBlock, ParentTemplate};
use venture_merged_mining::{Coordinator, StratumMiner};
use venture_pow::PowAlgorithm;

/// A HogEx from a litecoind 0.21.2.1 regtest template.
const HOGEX: &str = "02000000000801ffd4e68f1246443a4a4bbfb4b55f0c75390789db122891873f5813d63ea960590000000000ffffffff02a4cd8a4400000000225820688750b4a9981f113275930d8192850526b996400d241bc3530f1abfa4a4981500e1f50500000000160014b736d505a7194b5c900c0837cc6046c3e18fa3580000000000";
const HOGEX_TXID: &str = "44b11f12c87b7ebd167e8a9f401cd678a2261cb9a233cd827f6513e2647bb2aa";
/// Stands for the extension block, which the coordinator only carries.
const MWEB_DATA: &str = "0a0b0c0d0e0f";

/// A litecoind-shaped reply with MWEB active, every target easy.
fn reply(prev: u8, mweb: Value) -> Value {
    json!({
        "version": 0x2000_0000,
        "rules": ["csv", "!segwit", "taproot", "mweb"],
        "previousblockhash": hex::encode([prev; 32]),
        "transactions": [{ "data": HOGEX, "txid": HOGEX_TXID, "hash": HOGEX_TXID, "depends": [] }],
        "coinbasevalue": 5_000_000_000u64,
        "target": format!("7f{}", "ff".repeat(31)),
        "mintime": 1_699_990_000u32,
        "curtime": 1_700_000_000u32,
        "bits": "207fffff",
        "height": 500,
        "mweb": mweb,
    })
}

fn template(prev: u8, mweb: Value) -> ParentTemplate {
    ParentTemplate::from_json("ltc", &reply(prev, mweb)).expect("the template reads")
}

fn next_found(found: &Receiver<FoundBlock>) -> FoundBlock {
    found
        .recv_timeout(Duration::from_secs(60))
        .expect("a solution within a minute")
}

#[test]
fn mweb_templates_make_parent_blocks_or_say_why_not() {
    let pow = PowAlgorithm::Scrypt;
    let (coordinator, found) = Coordinator::detached(config(pow));
    let chains = [aux_block(0x5645, 0xaa), aux_block(0x5646, 0xbb)];
    coordinator.update_parent(template(1, json!("not hex")), Instant::now());
    coordinator.update_aux(0, Some(chains[0].clone()), Instant::now());
    coordinator.update_aux(1, Some(chains[1].clone()), Instant::now());
    let stats = coordinator.stats_json();
    let error = stats["parent"]["template_error"]
        .as_str()
        .unwrap_or_default();
    assert!(error.contains("`mweb` is not hex"), "{stats}");
    let addr = serve(coordinator.clone(), easy_vardiff());
    let miner = StratumMiner::start(miner_config(addr.to_string(), pow)).unwrap();

    // Unusable: the aux chains still get proofs, the parent gets nothing.
    let mut aux_seen = [false, false];
    while aux_seen != [true, true] {
        match next_found(&found) {
            FoundBlock::Aux {
                index,
                chain_id,
                hash,
                auxpow_hex,
                ..
            } => {
                checked_auxpow(hash, chain_id, &auxpow_hex);
                aux_seen[index] = true;
            }
            FoundBlock::Parent { .. } => panic!("a parent block from an unusable template"),
        }
    }
    let stats = coordinator.stats_json();
    assert!(
        stats["parent"]["unbuildable"].as_u64().unwrap() >= 1,
        "{stats}"
    );

    // Usable data on a new tip: parent blocks end with the HogEx, 0x01 and the data,
    // and the status no longer shows an error.
    coordinator.update_parent(template(2, json!(MWEB_DATA)), Instant::now());
    assert_eq!(
        coordinator.stats_json()["parent"]["template_error"],
        Value::Null
    );
    let tail = format!("{HOGEX}01{MWEB_DATA}");
    loop {
        if let FoundBlock::Parent {
            block_hex,
            prev_hash,
            ..
        } = next_found(&found)
        {
            if prev_hash.to_string() != hex::encode([2u8; 32]) {
                continue; // a share of the old work, still in flight
            }
            assert!(block_hex.ends_with(&tail), "{block_hex}");
            // Header, one-byte count (coinbase and HogEx), the coinbase: then the tail.
            assert_eq!(&block_hex[160..162], "02");
            break;
        }
    }
    miner.stop();
}
