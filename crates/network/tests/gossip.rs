//! Block gossip, chain separation and listen addresses, between real services.

mod common;

use common::chain::{build_chain, genesis, MemChain};
use common::*;
use std::sync::Arc;
use std::time::Duration;
use venture_network::{NetworkEvent, NodeKey};

/// Bound ports are reported, not the port 0 that was asked for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_addrs_report_real_ports() {
    init_logs();
    let chain = Arc::new(MemChain::new(&genesis(10)));
    let key = NodeKey::generate();
    let expected_peer = key.peer_id();
    let mut config = test_config(chain.as_ref(), &[]);
    config.node_key = key;
    config.listen = vec![
        "/ip4/127.0.0.1/tcp/0".parse().unwrap(),
        "/ip4/127.0.0.1/tcp/0".parse().unwrap(),
    ];
    let node = start(chain, config).await;
    assert_eq!(node.peer_id, expected_peer);
    let addrs = node.handle.listen_addrs().await.unwrap();
    assert_eq!(addrs.len(), 2, "{addrs:?}");
    let ports: Vec<u16> = addrs.iter().map(|a| a.tcp_port().unwrap()).collect();
    assert!(ports.iter().all(|p| *p != 0), "{ports:?}");
    assert_ne!(ports[0], ports[1]);
    let info = node.handle.network_info().await.unwrap();
    assert_eq!(info.local_peer_id, expected_peer.to_string());
    assert_eq!(info.listen_addresses.len(), 2);
    assert_eq!(info.connections, 0);
    assert!(info
        .protocol_version
        .contains(&genesis(10).block_hash().to_string()));
    node.handle.shutdown().await;
    assert!(
        node.handle.peers().await.is_err(),
        "a stopped service answers nothing"
    );
}

/// A block published at one end of a line of four nodes reaches the other end: each
/// node validates it before forwarding. Sync is slowed to a crawl so only gossip can
/// deliver it in time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gossip_reaches_every_node() {
    init_logs();
    let genesis = genesis(11);
    let blocks = build_chain(genesis.block_hash(), 0, 5, 11);
    let chains: Vec<Arc<MemChain>> = (0..4)
        .map(|_| Arc::new(MemChain::with_blocks(&genesis, &blocks)))
        .collect();
    let mut nodes: Vec<Node> = Vec::new();
    for chain in &chains {
        let previous: Vec<&Node> = nodes.last().into_iter().collect();
        let node = start_with(chain.clone(), &previous, |c| {
            c.enable_kademlia = false;
            c.status_interval = Duration::from_secs(3600);
        })
        .await;
        nodes.push(node);
    }
    for pair in nodes.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        wait_for("neighbours connect and subscribe", || async {
            let sees = |n: &Node, other: &Node| {
                let handle = n.handle.clone();
                let id = other.peer_id.to_string();
                async move {
                    handle
                        .peers()
                        .await
                        .unwrap()
                        .iter()
                        .any(|p| p.peer_id == id && p.relayblocks)
                }
            };
            sees(a, b).await && sees(b, a).await
        })
        .await;
    }

    let first = chains[0].mine(11);
    let first_hash = chains[0].tip();
    nodes[0].handle.publish_block(first.clone()).await.unwrap();
    wait_for("the block reaches every node", || {
        let chains = chains.clone();
        async move { chains.iter().all(|c| c.tip() == first_hash) }
    })
    .await;
    // Publishing it again (as the node does on every new tip) is harmless.
    nodes[0].handle.publish_block(first.clone()).await.unwrap();
    nodes[2].handle.publish_block(first).await.unwrap();

    let second = chains[3].mine(12);
    let second_hash = chains[3].tip();
    nodes[3].handle.publish_block(second).await.unwrap();
    wait_for("a block from the other end arrives too", || {
        let chains = chains.clone();
        async move { chains.iter().all(|c| c.tip() == second_hash) }
    })
    .await;
    assert!(chains.iter().all(|c| c.height() == 7));

    let too_big = vec![0u8; 600_000];
    assert!(nodes[0].handle.publish_block(too_big).await.is_err());
    for node in &nodes {
        node.handle.shutdown().await;
    }
}

/// A node of another chain is dropped on identify and never listed as a peer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_of_another_genesis_never_becomes_a_peer() {
    init_logs();
    let ours = Arc::new(MemChain::new(&genesis(20)));
    let theirs = Arc::new(MemChain::new(&genesis(21)));
    let node = start_with(ours.clone(), &[], |_| {}).await;
    let mut events = node.handle.events();
    let stranger = start_with(theirs, &[], |_| {}).await;
    let mut stranger_events = stranger.handle.events();
    // Dial only once both sides are listening for events.
    stranger
        .handle
        .add_node(node.addr.clone(), venture_network::AddNodeCommand::Add)
        .await
        .unwrap();
    // Also a node of our chain, to show the first one does accept peers.
    let friend = start_with(Arc::new(MemChain::new(&genesis(20))), &[&node], |_| {}).await;

    // Whichever side reads the other's identify first drops the connection.
    let saw_foreign = tokio::time::timeout(DEADLINE, async {
        loop {
            let (event, other_chain) = tokio::select! {
                event = events.recv() => (event, genesis(21).block_hash()),
                event = stranger_events.recv() => (event, genesis(20).block_hash()),
            };
            match event {
                Ok(NetworkEvent::ForeignPeer {
                    peer_id,
                    protocol_version,
                }) => {
                    assert!(peer_id == stranger.peer_id || peer_id == node.peer_id);
                    assert!(protocol_version.contains(&other_chain.to_string()));
                    return;
                }
                Ok(NetworkEvent::PeerConnected { peer_id, .. }) => {
                    assert!(
                        peer_id != stranger.peer_id && peer_id != node.peer_id,
                        "the two chains became peers"
                    );
                }
                Ok(_) => {}
                Err(e) => panic!("events: {e}"),
            }
        }
    })
    .await;
    assert!(
        saw_foreign.is_ok(),
        "neither side identified the other as foreign"
    );
    wait_for("the friend connects", || is_peer(&node, &friend)).await;

    // For a while after, neither side lists the other, whatever redials happen.
    for _ in 0..30 {
        assert!(!is_peer(&node, &stranger).await);
        assert!(!is_peer(&stranger, &node).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    while let Ok(event) = stranger_events.try_recv() {
        assert!(
            !matches!(event, NetworkEvent::PeerConnected { .. }),
            "the stranger took a peer of another chain: {event:?}"
        );
    }
    while let Ok(event) = events.try_recv() {
        if let NetworkEvent::PeerConnected { peer_id, .. } = event {
            assert_ne!(peer_id, stranger.peer_id, "the stranger became a peer");
        }
    }
    assert!(
        node.handle.list_banned().await.unwrap().is_empty(),
        "another chain is not misbehaviour"
    );
    for n in [&node, &stranger, &friend] {
        n.handle.shutdown().await;
    }
}

/// Garbage on the block topic gets its publisher banned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_gossip_gets_the_sender_banned() {
    init_logs();
    let genesis = genesis(30);
    let honest_chain = Arc::new(MemChain::new(&genesis));
    let honest = start_with(honest_chain.clone(), &[], |c| c.enable_kademlia = false).await;
    let liar = start_with(Arc::new(MemChain::new(&genesis)), &[&honest], |c| {
        c.enable_kademlia = false
    })
    .await;
    wait_for("they connect and subscribe", || async {
        honest
            .handle
            .peers()
            .await
            .unwrap()
            .iter()
            .any(|p| p.relayblocks)
    })
    .await;
    let deadline = tokio::time::Instant::now() + DEADLINE;
    let mut round = 0u8;
    while !is_banned(&honest, &liar).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the garbage publisher was not banned"
        );
        // Each round differs, so gossip does not drop it as a duplicate.
        round = round.wrapping_add(1);
        liar.handle.publish_block(vec![round; 200]).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_for("the liar is disconnected", || async {
        !is_peer(&honest, &liar).await
    })
    .await;
    let bans = honest.handle.list_banned().await.unwrap();
    assert!(
        bans.iter()
            .any(|b| b.reason == "undecodable or oversized message"),
        "{bans:?}"
    );
    assert_eq!(honest_chain.height(), 0);
    honest.handle.shutdown().await;
    liar.handle.shutdown().await;
}

/// Dropping every handle stops the service task; so does `shutdown`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_handles_stops_the_service() {
    init_logs();
    let chain = Arc::new(MemChain::new(&genesis(50)));
    let config = test_config(chain.as_ref(), &[]);
    let (handle, task) = venture_network::NetworkService::start(config, chain.clone())
        .await
        .unwrap();
    let clone = handle.clone();
    drop(handle);
    assert!(clone.peers().await.is_ok(), "one handle is left");
    drop(clone);
    tokio::time::timeout(DEADLINE, task).await.unwrap().unwrap();

    let config = test_config(chain.as_ref(), &[]);
    let (handle, task) = venture_network::NetworkService::start(config, chain)
        .await
        .unwrap();
    handle.shutdown().await;
    handle.shutdown().await;
    tokio::time::timeout(DEADLINE, task).await.unwrap().unwrap();
    assert!(matches!(
        handle.peers().await,
        Err(venture_network::NetworkError::Stopped)
    ));
}
