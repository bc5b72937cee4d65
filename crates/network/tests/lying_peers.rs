//! Peers whose words and deeds differ: a claim of work never delivered, a download
//! left hanging. Neither may hold a node in initial download or stall its sync while
//! an honest peer is connected.

mod common;

use common::chain::{build_chain, genesis, HostileChain, Lie, MemChain};
use common::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A peer claiming maximal work and height (and serving only its real, shorter chain)
/// neither keeps a syncing node in initial download nor pushes a synced one into it;
/// the honest peer connected at the same time brings the node to the real tip.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_of_work_never_delivered_holds_no_node_in_initial_download() {
    init_logs();
    let genesis = genesis(21);
    let blocks = build_chain(genesis.block_hash(), 0, 600, 21);
    let tip = blocks.last().unwrap().block_hash();
    let honest = Arc::new(MemChain::with_blocks(&genesis, &blocks));
    let liar = Arc::new(HostileChain {
        inner: MemChain::with_blocks(&genesis, &blocks[..50]),
        lie: Lie::InflatedClaims,
    });
    let honest_node = start_with(honest, &[], |c| c.enable_kademlia = false).await;
    let liar_node = start_with(liar, &[], |c| c.enable_kademlia = false).await;

    let late_chain = Arc::new(MemChain::new(&genesis));
    let late = start_with(late_chain.clone(), &[&liar_node, &honest_node], |c| {
        c.enable_kademlia = false
    })
    .await;
    wait_for("the syncing node reaches the honest tip", || {
        let chain = late_chain.clone();
        async move { chain.tip() == tip }
    })
    .await;
    wait_for(
        "and leaves initial download with the liar still connected",
        || {
            let handle = late.handle.clone();
            async move { !handle.network_info().await.unwrap().initial_download }
        },
    )
    .await;
    assert!(is_peer(&late, &liar_node).await);

    // A node already at the tip: the liar's claim does not make it think it is behind.
    let synced_chain = Arc::new(MemChain::with_blocks(&genesis, &blocks));
    let synced = start_with(synced_chain.clone(), &[&liar_node], |c| {
        c.enable_kademlia = false
    })
    .await;
    wait_for("the synced node has the liar's status", || {
        let handle = synced.handle.clone();
        async move {
            let peers = handle.peers().await.unwrap();
            peers.iter().any(|p| p.best_height == i64::from(u32::MAX))
        }
    })
    .await;
    // Give the claim a few status rounds to do harm.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(synced_chain.counters.ibd_on.load(Ordering::Relaxed), 0);
    assert!(!synced.handle.network_info().await.unwrap().initial_download);

    for node in [&late, &synced, &honest_node, &liar_node] {
        node.handle.shutdown().await;
    }
}

/// A peer that stops answering mid-download (its process frozen, its connection open)
/// loses its requests to the other peer long before the request timeout; the node
/// finishes its sync from the other peer, and does not ban the slow one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_left_hanging_moves_to_another_peer() {
    init_logs();
    let genesis = genesis(22);
    let blocks = build_chain(genesis.block_hash(), 0, 3_000, 22);
    let tip = blocks.last().unwrap().block_hash();
    let frozen = Arc::new(AtomicBool::new(false));
    let freezing = Arc::new(HostileChain {
        inner: MemChain::with_blocks(&genesis, &blocks),
        lie: Lie::Frozen(frozen.clone()),
    });
    let steady = Arc::new(MemChain::with_blocks(&genesis, &blocks));
    let freezing_node = start_with(freezing, &[], |c| c.enable_kademlia = false).await;
    let steady_node = start_with(steady, &[], |c| c.enable_kademlia = false).await;

    let late_chain = Arc::new(MemChain::new(&genesis));
    let late = start_with(late_chain.clone(), &[&freezing_node, &steady_node], |c| {
        c.enable_kademlia = false;
        // Far beyond the test's deadline: only stall detection can save the sync.
        c.request_timeout = Duration::from_secs(600);
    })
    .await;
    wait_for("the download is under way", || {
        let chain = late_chain.clone();
        async move { chain.height() >= 240 }
    })
    .await;
    frozen.store(true, Ordering::Relaxed);
    let _thaw = Thaw(frozen.clone());
    let frozen_at = Instant::now();
    wait_for("the sync finishes from the steady peer", || {
        let chain = late_chain.clone();
        async move { chain.tip() == tip }
    })
    .await;
    eprintln!(
        "sync finished {:.1} s after a peer froze",
        frozen_at.elapsed().as_secs_f64()
    );
    assert!(
        !is_banned(&late, &freezing_node).await,
        "slowness is not banned"
    );
    for node in [&late, &steady_node, &freezing_node] {
        node.handle.shutdown().await;
    }
}

/// Unfreezes the frozen peer when the test ends, passed or failed, so its held answers
/// return and the runtime can shut down.
struct Thaw(Arc<AtomicBool>);

impl Drop for Thaw {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}
