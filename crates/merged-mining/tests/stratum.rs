//! The Stratum server and the CPU Stratum miner against a coordinator fed by hand (no
//! nodes): the miner's shares come back as a parent block and AuxPoWs that check, and
//! the server answers bad shares with the usual error codes.

mod stratum_harness;

use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::BlockHash;
use serde_json::json;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};
use stratum_harness::{
    aux_block, checked_auxpow, config, easy_vardiff, error_code, miner_config, serve,
    sha256d_server, template, Raw,
};
use venture_merged_mining::coordinator::FoundBlock;
use venture_merged_mining::{Coordinator, StratumMiner};
use venture_pow::{PowAlgorithm, Target, U256};

fn next_found(found: &Receiver<FoundBlock>) -> FoundBlock {
    found
        .recv_timeout(Duration::from_secs(60))
        .expect("a solution within a minute")
}

#[test]
fn miner_shares_become_a_parent_block_and_auxpows() {
    for pow in [PowAlgorithm::Sha256d, PowAlgorithm::Scrypt] {
        let (coordinator, found) = Coordinator::detached(config(pow));
        let chains = [aux_block(0x5645, 0xaa), aux_block(0x5646, 0xbb)];
        coordinator.update_parent(template(1, Target(U256::MAX >> 1usize)), Instant::now());
        coordinator.update_aux(0, Some(chains[0].clone()), Instant::now());
        coordinator.update_aux(1, Some(chains[1].clone()), Instant::now());
        let addr = serve(coordinator.clone(), easy_vardiff());
        let miner = StratumMiner::start(miner_config(addr.to_string(), pow)).unwrap();

        let mut parent_seen = false;
        let mut aux_seen = [false, false];
        while !(parent_seen && aux_seen == [true, true]) {
            match next_found(&found) {
                FoundBlock::Parent {
                    block_hex,
                    prev_hash,
                    ..
                } => {
                    let block: bitcoin::Block =
                        encode::deserialize(&hex::decode(block_hex).unwrap()).unwrap();
                    assert_eq!(prev_hash, BlockHash::from_byte_array([1; 32]));
                    assert_eq!(block.header.prev_blockhash, prev_hash);
                    assert!(block.check_merkle_root());
                    let header: [u8; 80] = encode::serialize(&block.header).try_into().unwrap();
                    assert!(Target(U256::MAX >> 1usize).is_met_by(&pow.hash(&header)));
                    parent_seen = true;
                }
                FoundBlock::Aux {
                    index,
                    chain_id,
                    hash,
                    auxpow_hex,
                    ..
                } => {
                    assert_eq!(hash, chains[index].hash);
                    let auxpow = checked_auxpow(hash, chain_id, &auxpow_hex);
                    assert!(chains[index].target.is_met_by(&auxpow.parent_pow_hash(pow)));
                    aux_seen[index] = true;
                }
            }
        }
        // One proof per aux block, however many shares meet its target (every parent
        // solution is a distinct block and goes out).
        std::thread::sleep(Duration::from_millis(300));
        assert!(!found
            .try_iter()
            .any(|f| matches!(f, FoundBlock::Aux { .. })));

        // A new parent tip is new work; the miner's solutions move to it (shares in
        // flight may still finish the old work first).
        coordinator.update_parent(template(2, Target(U256::MAX >> 1usize)), Instant::now());
        let new_tip = BlockHash::from_byte_array([2; 32]);
        while !matches!(next_found(&found), FoundBlock::Parent { prev_hash, .. } if prev_hash == new_tip)
        {
        }
        let stats = coordinator.stats_json();
        assert!(
            stats["shares"]["accepted"].as_u64().unwrap() >= 2,
            "{stats}"
        );
        assert!(
            miner
                .stats()
                .shares_accepted
                .load(std::sync::atomic::Ordering::Relaxed)
                >= 2
        );
        miner.stop();
    }
}

#[test]
fn bad_shares_get_the_usual_error_codes() {
    // A parent target no share meets, so shares stay shares.
    let (coordinator, _found, addr) = sha256d_server(Target(U256::ZERO));
    let mut raw = Raw::connect(addr);
    let mut notes = Vec::new();

    let early = raw.request(
        "mining.submit",
        json!(["w", "1", "00000000", "6553f100", "00000000"]),
        &mut notes,
    );
    assert_eq!(error_code(&early), 25);
    let subscribed = raw.request("mining.subscribe", json!(["test/1"]), &mut notes);
    assert_eq!(subscribed["result"][1].as_str().unwrap().len(), 8);
    assert_eq!(subscribed["result"][2], 4);
    let unauthorized = raw.request(
        "mining.submit",
        json!(["w", "1", "00000000", "6553f100", "00000000"]),
        &mut notes,
    );
    assert_eq!(error_code(&unauthorized), 24);
    assert_eq!(
        raw.request("mining.authorize", json!(["w", "x"]), &mut notes)["result"],
        true
    );
    let difficulty = raw.notification("mining.set_difficulty", &mut notes);
    assert_eq!(difficulty["params"][0], 1e-6);
    let notify = raw.notification("mining.notify", &mut notes);
    let params = &notify["params"];
    assert_eq!(params[1], "01010101".repeat(8));
    assert_eq!(params[5], "20000000");
    assert_eq!(params[6], "207fffff");
    assert_eq!(params[7], "6553f100");
    assert_eq!(params[8], true);
    let job = params[0].as_str().unwrap().to_string();

    // At difficulty 1e-6 about one hash in 4,300 is a share: look for one.
    let share = |nonce: u32| json!(["w", job, "00000001", "6553f100", format!("{nonce:08x}")]);
    let (mut good, mut low) = (None, None);
    for nonce in 0..1_000_000u32 {
        let reply = raw.request("mining.submit", share(nonce), &mut notes);
        match reply["result"] == json!(true) {
            true => good = Some(nonce),
            false => {
                assert_eq!(error_code(&reply), 23, "{reply}");
                low = Some(nonce);
            }
        }
        if good.is_some() && low.is_some() {
            break;
        }
    }
    let good = good.expect("a share");
    assert_eq!(
        error_code(&raw.request("mining.submit", share(good), &mut notes)),
        22
    );
    let unknown = raw.request(
        "mining.submit",
        json!(["w", "ffff", "00000001", "6553f100", "00000000"]),
        &mut notes,
    );
    assert_eq!(error_code(&unknown), 21);
    let short = raw.request(
        "mining.submit",
        json!(["w", job, "0001", "6553f100", "00000000"]),
        &mut notes,
    );
    assert_eq!(error_code(&short), 20);
    let early_time = raw.request(
        "mining.submit",
        json!(["w", job, "00000001", "00000001", "00000000"]),
        &mut notes,
    );
    assert_eq!(error_code(&early_time), 20);

    // A new parent tip: a clean job, and the old job's shares are stale.
    coordinator.update_parent(template(2, Target(U256::ZERO)), Instant::now());
    let notify = raw.notification("mining.notify", &mut notes);
    assert_eq!(notify["params"][8], true);
    assert_ne!(notify["params"][0].as_str().unwrap(), job);
    let stale = raw.request("mining.submit", share(good.wrapping_add(1)), &mut notes);
    assert_eq!(error_code(&stale), 21);
    let stats = coordinator.stats_json();
    assert_eq!(stats["shares"]["duplicate"], 1);
    assert!(stats["shares"]["stale"].as_u64().unwrap() >= 2);
}
