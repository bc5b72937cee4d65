//! A scripted attacker against a real `ventured` over loopback: one test per attack a
//! hostile peer can mount cheaply at a chain's launch. The attacker speaks the node's
//! libp2p protocols through the network crate's wire types and sends exactly what each
//! test scripts; an honest node connected at the same time shows the victim still
//! serves and follows the real chain.

mod common;

use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::{
    absolute, transaction, Amount, BlockHash, OutPoint, ScriptBuf, Sequence, Transaction, TxIn,
    TxOut, Txid, Witness,
};
use common::blocks::{coinbase_with_script, solve, Template};
use common::Node;
use serde_json::json;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use venture_attacker::{Answer, Attacker, Topic};
use venture_network::wire::{StatusMessage, SyncRequest, SyncResponse};
use venture_primitives::{coinbase_script, Block, Header};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn genesis(node: &Node) -> BlockHash {
    BlockHash::from_str(node.rpc("getblockhash", json!([0])).as_str().unwrap()).unwrap()
}

fn wait_until(secs: u64, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn is_banned(node: &Node, peer_id: &str) -> bool {
    node.rpc("listbanned", json!([]))
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["address"] == peer_id)
}

fn knows_header(node: &Node, hash: &BlockHash) -> bool {
    node.call("getblockheader", json!([hash.to_string()]))
        .is_ok()
}

/// Bytes under a directory, recursively.
fn disk_usage(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => disk_usage(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// An answer that claims the most work there can be and serves nothing.
fn boundless_claims(genesis: BlockHash) -> Answer {
    let status = StatusMessage {
        genesis,
        best_hash: BlockHash::from_byte_array([0xee; 32]),
        best_height: u32::MAX,
        best_work: [0xff; 32],
    };
    Arc::new(move |request| match request {
        SyncRequest::Status(_) => Some(SyncResponse::Status(status.clone())),
        SyncRequest::GetHeaders { .. } => Some(SyncResponse::Headers(Vec::new())),
        SyncRequest::GetBlocks(_) => Some(SyncResponse::Blocks(Vec::new())),
    })
}

/// An attacker connected to `node` that claims endless work.
fn connect_liar(runtime: &tokio::runtime::Runtime, node: &Node) -> Attacker {
    let genesis = genesis(node);
    runtime
        .block_on(Attacker::connect(
            genesis,
            &node.p2p_addr(),
            boundless_claims(genesis),
        ))
        .unwrap()
}

/// A chain of `length` valid blocks on the template's parent, each at the easy dev
/// target: what the attacker's laptop makes in moments.
fn cheap_chain(template: &Template, length: usize, tag: u8) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::with_capacity(length);
    let mut next = template.clone();
    for _ in 0..length {
        let coinbase = coinbase_with_script(
            coinbase_script(next.height, &[&[tag; 4]]),
            next.coinbase_value,
        );
        let mut block = next.block_with(coinbase);
        solve(&mut block, &next.target);
        next.prev = block.block_hash();
        next.height += 1;
        next.time += 1;
        blocks.push(block);
    }
    blocks
}

/// `count` distinct children of the template's parent.
fn cheap_siblings(template: &Template, count: u32) -> Vec<Block> {
    (0..count)
        .map(|n| {
            let coinbase = coinbase_with_script(
                coinbase_script(template.height, &[&n.to_le_bytes()]),
                template.coinbase_value,
            );
            let mut block = template.block_with(coinbase);
            solve(&mut block, &template.target);
            block
        })
        .collect()
}

/// 10,000 gossiped side-chain blocks and a low-work header chain from genesis: the
/// node stores none of them, keeps its tip, and keeps relaying to an honest peer.
#[test]
fn cheap_side_chains_are_neither_stored_nor_relayed() {
    let victim = Node::start(&["--chain", "dev"]);
    let on_genesis = Template::from_json(&victim.rpc("getblocktemplate", json!([{}])));
    victim.generate(300);
    let honest = Node::start(&["--chain", "dev", "--bootnode", &victim.p2p_addr()]);
    wait_until(60, "the honest node syncs", || honest.height() == 300);
    let siblings = cheap_siblings(&on_genesis, 10_000);
    // 100 headers from genesis: far less work than the victim's 300 blocks.
    let headers: Vec<Header> = cheap_chain(&on_genesis, 100, 7)
        .into_iter()
        .map(|b| b.header)
        .collect();
    let tip = victim.rpc("getbestblockhash", json!([]));
    let disk_before = disk_usage(&victim.datadir);

    let genesis = genesis(&victim);
    let served = headers.clone();
    let claims = boundless_claims(genesis);
    let answer: Answer = Arc::new(move |request| match request {
        SyncRequest::GetHeaders { .. } => Some(SyncResponse::Headers(served.clone())),
        other => claims(other),
    });
    let runtime = runtime();
    let attacker = runtime
        .block_on(Attacker::connect(genesis, &victim.p2p_addr(), answer))
        .unwrap();
    let started = Instant::now();
    for (n, block) in siblings.iter().enumerate() {
        let bytes = encode::serialize(block);
        if runtime
            .block_on(attacker.publish(Topic::Blocks, bytes))
            .is_err()
        {
            break;
        }
        // Paced so that the node's validation queue takes them in, not drops them.
        if n % 50 == 49 {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    eprintln!(
        "published {} side-chain blocks in {:.1} s",
        siblings.len(),
        started.elapsed().as_secs_f64()
    );
    // The node judged what reached it; give the last of the queue a moment.
    std::thread::sleep(Duration::from_secs(3));

    let disk_after = disk_usage(&victim.datadir);
    eprintln!(
        "victim's data directory grew by {} bytes",
        disk_after.saturating_sub(disk_before)
    );
    assert_eq!(victim.rpc("getbestblockhash", json!([])), tip);
    for block in siblings.iter().step_by(997) {
        assert!(
            !knows_header(&victim, &block.block_hash()),
            "a side-chain block was stored"
        );
        assert!(
            !knows_header(&honest, &block.block_hash()),
            "a side-chain block was relayed"
        );
    }
    for header in headers.iter().step_by(97) {
        assert!(
            !knows_header(&victim, &header.block_hash()),
            "a low-work header was stored"
        );
    }
    // Still serving honest peers.
    let mined = victim.generate(1);
    wait_until(60, "the honest node gets the next block", || {
        honest.rpc("getbestblockhash", json!([])) == json!(mined[0])
    });
    drop(attacker);
}

/// A peer claiming endless work that it never delivers: the node syncs from the honest
/// peer, leaves initial download, and relays transactions and blocks as usual.
#[test]
fn a_claim_of_endless_work_holds_no_node_back() {
    let honest = Node::start(&["--chain", "dev"]);
    honest.generate(50);
    let victim = Node::start(&["--chain", "dev"]);
    let runtime = runtime();
    let attacker = connect_liar(&runtime, &victim);
    victim.rpc("addnode", json!([honest.p2p_addr(), "onetry"]));
    wait_until(60, "the victim syncs from the honest node", || {
        victim.height() == 50
    });
    wait_until(30, "the victim leaves initial download", || {
        victim.rpc("getblockchaininfo", json!([]))["initialblockdownload"] == json!(false)
    });
    assert!(runtime.block_on(attacker.is_connected()));
    // Merged mining works (it is refused during initial download).
    victim.rpc(
        "createauxblock",
        json!(["vdev1qfejh49aqtgv5d0gvrc6ep24slly54r5muhhx2y"]),
    );
}

/// A standard-looking transaction spending an output nobody has.
fn unfounded_transaction(n: u32) -> Transaction {
    let mut txid = [0u8; 32];
    txid[..4].copy_from_slice(&n.to_le_bytes());
    txid[4] = 0xab;
    Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint {
                txid: Txid::from_byte_array(txid),
                vout: 0,
            },
            script_sig: ScriptBuf::new(),
            sequence: Sequence::MAX,
            witness: Witness::from_slice(&[vec![0x30; 71], vec![0x02; 33]]),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(50_000),
            script_pubkey: ScriptBuf::from_bytes([&[0x00, 0x14][..], &[0x33; 20][..]].concat()),
        }],
    }
}

/// Transactions with unknown inputs, far past what any honest peer relays: the sender
/// is banned, and blocks keep propagating meanwhile.
#[test]
fn a_flood_of_transactions_with_unknown_inputs_gets_the_sender_banned() {
    let victim = Node::start(&["--chain", "dev"]);
    victim.generate(1);
    let honest = Node::start(&["--chain", "dev", "--bootnode", &victim.p2p_addr()]);
    wait_until(60, "the honest node syncs", || honest.height() == 1);
    let runtime = runtime();
    let attacker = connect_liar(&runtime, &victim);
    for n in 0..200 {
        let bytes = encode::serialize(&unfounded_transaction(n));
        if runtime
            .block_on(attacker.publish(Topic::Transactions, bytes))
            .is_err()
        {
            break;
        }
    }
    wait_until(60, "the flooder is banned", || {
        is_banned(&victim, attacker.peer_id())
    });
    let mined = victim.generate(1);
    wait_until(60, "blocks still propagate", || {
        honest.rpc("getbestblockhash", json!([])) == json!(mined[0])
    });
    assert_eq!(victim.rpc("getmempoolinfo", json!([]))["size"], json!(0));
}

/// `count` requests for every header from genesis, all sent at once.
async fn header_requests(attacker: &Attacker, genesis: BlockHash, count: usize) -> usize {
    let requests = (0..count).map(|_| {
        attacker.request(SyncRequest::GetHeaders {
            locator: vec![genesis],
            max: 2_000,
        })
    });
    let answers = futures::future::join_all(requests).await;
    answers.iter().filter(|a| a.is_ok()).count()
}

/// Latencies of `getblockchaininfo` calls (which read the chain under its lock) made
/// one after another until `done` says stop.
fn rpc_latencies(node: &Node, mut done: impl FnMut() -> bool) -> Vec<Duration> {
    let mut latencies = Vec::new();
    while !done() {
        let start = Instant::now();
        node.rpc("getblockchaininfo", json!([]));
        latencies.push(start.elapsed());
        std::thread::sleep(Duration::from_millis(5));
    }
    latencies
}

fn percentile(latencies: &mut [Duration], p: f64) -> Duration {
    latencies.sort();
    let index = ((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
    latencies.get(index).copied().unwrap_or_default()
}

/// Header requests beyond what any honest node has open at once: RPC keeps answering
/// throughout, and the flooder is banned.
#[test]
fn a_getheaders_flood_gets_the_sender_banned_while_rpc_answers() {
    let victim = Node::start(&["--chain", "dev"]);
    victim.generate(2_100);
    let genesis = genesis(&victim);
    let runtime = runtime();
    let attacker = connect_liar(&runtime, &victim);
    let banned = AtomicBool::new(false);
    let mut latencies = std::thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..40 {
                let answered = runtime.block_on(header_requests(&attacker, genesis, 64));
                if answered == 0 && !runtime.block_on(attacker.is_connected()) {
                    break;
                }
            }
            banned.store(true, Ordering::Relaxed);
        });
        rpc_latencies(&victim, || banned.load(Ordering::Relaxed))
    });
    assert!(is_banned(&victim, attacker.peer_id()));
    eprintln!(
        "getblockchaininfo during the flood: {} calls, p50 {:?}, p99 {:?}",
        latencies.len(),
        percentile(&mut latencies, 0.5),
        percentile(&mut latencies, 0.99)
    );
    assert_eq!(victim.height(), 2_100);
}

/// What one phase of the measurement saw on the victim.
struct Observed {
    rpc_p50: Duration,
    rpc_p99: Duration,
    worst_tip_lag: u64,
    rss_kb: u64,
    disk_growth: u64,
}

/// Runs `attack` for `seconds` while the victim mines a block every half second:
/// measures the victim's RPC latency (`getblockchaininfo`, which needs the chain), how far its honest peer falls behind, the
/// victim's memory and the growth of its data directory.
fn observe(
    victim: &Node,
    honest: &Node,
    seconds: u64,
    attack: impl FnOnce(&AtomicBool) + Send,
) -> Observed {
    let stop = AtomicBool::new(false);
    let disk_before = disk_usage(&victim.datadir);
    let mut worst_tip_lag = 0;
    let mut latencies = std::thread::scope(|scope| {
        scope.spawn(|| attack(&stop));
        let end = Instant::now() + Duration::from_secs(seconds);
        let mut next_block = Instant::now();
        let latencies = rpc_latencies(victim, || {
            if Instant::now() >= next_block {
                victim.generate(1);
                next_block += Duration::from_millis(500);
                worst_tip_lag = worst_tip_lag.max(victim.height().saturating_sub(honest.height()));
            }
            Instant::now() >= end
        });
        stop.store(true, Ordering::Relaxed);
        latencies
    });
    Observed {
        rpc_p50: percentile(&mut latencies, 0.5),
        rpc_p99: percentile(&mut latencies, 0.99),
        worst_tip_lag,
        rss_kb: common::rss_kb(victim.pid()),
        disk_growth: disk_usage(&victim.datadir).saturating_sub(disk_before),
    }
}

/// The figures in docs/performance.md: the victim and its honest peer unattacked, then
/// under each attack in turn. Run by `scripts/bench/attacks.sh`.
#[test]
#[ignore = "a measurement, not a test: run by scripts/bench/attacks.sh"]
fn measure_a_node_under_attack() {
    let victim = Node::start(&["--chain", "dev"]);
    let on_genesis = Template::from_json(&victim.rpc("getblocktemplate", json!([{}])));
    victim.generate(2_100);
    let honest = Node::start(&["--chain", "dev", "--bootnode", &victim.p2p_addr()]);
    wait_until(120, "the honest node syncs", || honest.height() == 2_100);
    let genesis = genesis(&victim);
    let runtime = runtime();
    let mut rows = Vec::new();

    rows.push(("unattacked", observe(&victim, &honest, 10, |_| {})));

    let siblings = cheap_siblings(&on_genesis, 10_000);
    let spammer = connect_liar(&runtime, &victim);
    rows.push((
        "10,000 side-chain blocks gossiped",
        observe(&victim, &honest, 10, |stop| {
            for (n, block) in siblings.iter().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let _ = runtime.block_on(spammer.publish(Topic::Blocks, encode::serialize(block)));
                if n % 50 == 49 {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }),
    ));

    let reader = connect_liar(&runtime, &victim);
    rows.push((
        "GetHeaders flood, 16 requests of 2,000 headers always open",
        observe(&victim, &honest, 10, |stop| {
            while !stop.load(Ordering::Relaxed) {
                runtime.block_on(header_requests(&reader, genesis, 16));
            }
        }),
    ));

    let flooder = connect_liar(&runtime, &victim);
    rows.push((
        "transactions with unknown inputs until banned",
        observe(&victim, &honest, 10, |stop| {
            for n in 0..10_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let bytes = encode::serialize(&unfounded_transaction(n));
                if runtime
                    .block_on(flooder.publish(Topic::Transactions, bytes))
                    .is_err()
                {
                    break;
                }
            }
        }),
    ));

    println!();
    println!("| phase | getblockchaininfo p50 | p99 | honest peer's worst tip lag (blocks) | victim RSS | data directory growth |");
    println!("|---|---|---|---|---|---|");
    for (phase, o) in rows {
        println!(
            "| {phase} | {:.1} ms | {:.1} ms | {} | {} MB | {} kB |",
            o.rpc_p50.as_secs_f64() * 1e3,
            o.rpc_p99.as_secs_f64() * 1e3,
            o.worst_tip_lag,
            o.rss_kb / 1024,
            o.disk_growth / 1024
        );
    }
}
