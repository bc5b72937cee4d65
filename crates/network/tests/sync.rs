//! Headers-first sync between real services on loopback.

mod common;

use common::chain::{build_chain, genesis, HostileChain, Lie, MemChain};
use common::*;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// A node that joins late downloads thousands of headers and blocks, from several
/// peers at once, and leaves initial download once caught up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_node_syncs_from_several_peers() {
    init_logs();
    let genesis = genesis(1);
    let blocks = build_chain(genesis.block_hash(), 0, 3_000, 1);
    let tip = blocks.last().unwrap().block_hash();
    let mut seeds = Vec::new();
    let mut seed_chains = Vec::new();
    for _ in 0..3 {
        let chain = Arc::new(MemChain::with_blocks(&genesis, &blocks));
        let bootnodes: Vec<&Node> = seeds.iter().collect();
        let node = start_with(chain.clone(), &bootnodes, |c| c.enable_kademlia = false).await;
        seeds.push(node);
        seed_chains.push(chain);
    }
    let late_chain = Arc::new(MemChain::new(&genesis));
    let bootnodes: Vec<&Node> = seeds.iter().collect();
    let late = start_with(late_chain.clone(), &bootnodes, |c| {
        c.enable_kademlia = false
    })
    .await;

    wait_for("the late node reaches the seeds' tip", || {
        let chain = late_chain.clone();
        async move { chain.tip() == tip }
    })
    .await;
    assert_eq!(late_chain.height(), 3_000);

    let serving: Vec<usize> = seed_chains
        .iter()
        .map(|c| c.counters.blocks_served.load(Ordering::Relaxed))
        .collect();
    assert!(
        serving.iter().filter(|n| **n > 0).count() >= 2,
        "blocks should come from several peers, served: {serving:?}"
    );
    assert!(
        serving.iter().sum::<usize>() >= 3_000,
        "served: {serving:?}"
    );

    wait_for("initial download ends", || {
        let chain = late_chain.clone();
        let handle = late.handle.clone();
        async move {
            chain.counters.ibd_off.load(Ordering::Relaxed) >= 1
                && !handle.network_info().await.unwrap().initial_download
        }
    })
    .await;
    assert_eq!(late_chain.counters.ibd_on.load(Ordering::Relaxed), 1);
    let peers = late.handle.peers().await.unwrap();
    assert_eq!(peers.len(), 3);
    assert!(
        peers
            .iter()
            .all(|p| p.startingheight == 3_000 && p.misbehavior == 0),
        "{peers:?}"
    );
    for node in seeds.iter().chain([&late]) {
        node.handle.shutdown().await;
    }
}

/// Two nodes on forks of a common chain: the lighter one follows the heavier fork
/// from the fork point (the locator finds it); the heavier one stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn heavier_fork_is_followed_from_the_fork_point() {
    init_logs();
    let genesis = genesis(2);
    let common = build_chain(genesis.block_hash(), 0, 50, 2);
    let fork_point = common.last().unwrap().block_hash();
    let light_fork = build_chain(fork_point, 50, 20, 3);
    let heavy_fork = build_chain(fork_point, 50, 30, 4);
    let light = Arc::new(MemChain::with_blocks(
        &genesis,
        &[common.clone(), light_fork].concat(),
    ));
    let heavy = Arc::new(MemChain::with_blocks(
        &genesis,
        &[common, heavy_fork.clone()].concat(),
    ));
    let heavy_tip = heavy.tip();

    let heavy_node = start_with(heavy.clone(), &[], |_| {}).await;
    let light_node = start_with(light.clone(), &[&heavy_node], |_| {}).await;
    wait_for("the light node reorganises to the heavy fork", || {
        let chain = light.clone();
        async move { chain.tip() == heavy_tip }
    })
    .await;
    assert_eq!(light.height(), 80);
    assert_eq!(heavy.tip(), heavy_tip, "the heavier node keeps its chain");
    light_node.handle.shutdown().await;
    heavy_node.handle.shutdown().await;
}

/// A peer serving blocks that do not match their headers is banned; the honest peer
/// finishes the sync.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peer_serving_invalid_blocks_is_banned_and_sync_continues() {
    init_logs();
    let genesis = genesis(5);
    let blocks = build_chain(genesis.block_hash(), 0, 1_500, 5);
    let tip = blocks.last().unwrap().block_hash();
    let honest = Arc::new(MemChain::with_blocks(&genesis, &blocks));
    let hostile = Arc::new(HostileChain {
        inner: MemChain::with_blocks(&genesis, &blocks),
        lie: Lie::MutatedBlocks,
    });
    let honest_node = start_with(honest.clone(), &[], |c| c.enable_kademlia = false).await;
    let hostile_node = start_with(hostile.clone(), &[], |c| c.enable_kademlia = false).await;
    let late_chain = Arc::new(MemChain::new(&genesis));
    let late = start_with(late_chain.clone(), &[&hostile_node, &honest_node], |c| {
        c.enable_kademlia = false
    })
    .await;

    wait_for("the hostile peer is banned", || {
        is_banned(&late, &hostile_node)
    })
    .await;
    wait_for("sync completes from the honest peer", || {
        let chain = late_chain.clone();
        async move { chain.tip() == tip }
    })
    .await;
    assert!(!is_peer(&late, &hostile_node).await);
    assert!(is_peer(&late, &honest_node).await);
    let bans = late.handle.list_banned().await.unwrap();
    let ban = bans
        .iter()
        .find(|b| b.address == hostile_node.peer_id.to_string())
        .unwrap();
    assert_eq!(ban.reason, "invalid block");
    assert_eq!(ban.ban_duration, 24 * 60 * 60);
    // Loopback addresses are shared by honest nodes: only the peer id is banned.
    assert_eq!(bans.len(), 1, "{bans:?}");
    for node in [&late, &honest_node, &hostile_node] {
        node.handle.shutdown().await;
    }
}

/// A response over the size limit gets its sender banned; sync goes on without it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_response_gets_the_sender_banned() {
    init_logs();
    let genesis = genesis(6);
    let blocks = build_chain(genesis.block_hash(), 0, 300, 6);
    let tip = blocks.last().unwrap().block_hash();
    let honest = Arc::new(MemChain::with_blocks(&genesis, &blocks));
    let hostile = Arc::new(HostileChain {
        inner: MemChain::with_blocks(&genesis, &blocks),
        lie: Lie::Oversized(4 * 1024 * 1024),
    });
    let honest_node = start_with(honest.clone(), &[], |c| c.enable_kademlia = false).await;
    let hostile_node = start_with(hostile.clone(), &[], |c| c.enable_kademlia = false).await;
    let late_chain = Arc::new(MemChain::new(&genesis));
    let late = start_with(late_chain.clone(), &[&hostile_node, &honest_node], |c| {
        c.enable_kademlia = false
    })
    .await;
    wait_for("the oversized sender is banned", || {
        is_banned(&late, &hostile_node)
    })
    .await;
    wait_for("sync completes", || {
        let chain = late_chain.clone();
        async move { chain.tip() == tip }
    })
    .await;
    let bans = late.handle.list_banned().await.unwrap();
    assert!(
        bans.iter()
            .any(|b| b.reason == "undecodable or oversized message"),
        "{bans:?}"
    );
    for node in [&late, &honest_node, &hostile_node] {
        node.handle.shutdown().await;
    }
}
