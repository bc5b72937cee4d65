//! Manual bans, their expiry, `clearbanned`, and the `addnode`/`disconnectnode` errors.

mod common;

use common::chain::{genesis, MemChain};
use common::*;
use std::sync::Arc;
use std::time::Duration;
use venture_network::{AddNodeCommand, BanCommand, NetworkError};

/// Asserts that `b` does not become `a`'s peer for a while, even when `b` dials.
async fn stays_apart(a: &Node, b: &Node) {
    for round in 0..20 {
        if round % 5 == 0 {
            // Refused connections are not errors at the dialler's end yet.
            let _ = b
                .handle
                .add_node(a.addr.clone(), AddNodeCommand::OneTry)
                .await;
        }
        assert!(!is_peer(a, b).await, "a banned node became a peer");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bans_last_their_duration_and_clear_banned_lifts_them() {
    init_logs();
    let genesis = genesis(40);
    let a = start_with(Arc::new(MemChain::new(&genesis)), &[], |c| {
        c.enable_kademlia = false
    })
    .await;
    // B keeps A as a bootnode, so it redials on its own.
    let b = start_with(Arc::new(MemChain::new(&genesis)), &[&a], |c| {
        c.enable_kademlia = false
    })
    .await;
    wait_for("b connects", || is_peer(&a, &b)).await;

    // A peer-id ban with a short duration.
    let target = b.peer_id.to_string();
    a.handle
        .set_ban(&target, BanCommand::Add, Some(Duration::from_secs(5)))
        .await
        .unwrap();
    assert!(matches!(
        a.handle.set_ban(&target, BanCommand::Add, None).await,
        Err(NetworkError::AlreadyBanned(_))
    ));
    let bans = a.handle.list_banned().await.unwrap();
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0].address, target);
    assert_eq!(bans[0].ban_duration, 5);
    assert!(bans[0].time_remaining <= 5);
    wait_for("b is disconnected", || async { !is_peer(&a, &b).await }).await;
    stays_apart(&a, &b).await;
    wait_for("the ban runs out", || async {
        a.handle.list_banned().await.unwrap().is_empty()
    })
    .await;
    wait_for("b is back after the ban", || async {
        let _ = b
            .handle
            .add_node(a.addr.clone(), AddNodeCommand::OneTry)
            .await;
        is_peer(&a, &b).await
    })
    .await;

    // An IP ban (loopback, so it covers b) lasts until cleared.
    a.handle
        .set_ban("127.0.0.1", BanCommand::Add, None)
        .await
        .unwrap();
    let bans = a.handle.list_banned().await.unwrap();
    assert_eq!(bans[0].address, "127.0.0.1/32");
    assert_eq!(bans[0].ban_duration, 24 * 60 * 60);
    wait_for("b is disconnected by the IP ban", || async {
        !is_peer(&a, &b).await
    })
    .await;
    stays_apart(&a, &b).await;
    a.handle.clear_banned().await.unwrap();
    assert!(a.handle.list_banned().await.unwrap().is_empty());
    wait_for("b is back after clearbanned", || async {
        let _ = b
            .handle
            .add_node(a.addr.clone(), AddNodeCommand::OneTry)
            .await;
        is_peer(&a, &b).await
    })
    .await;

    // setban remove.
    a.handle
        .set_ban("10.0.0.0/8", BanCommand::Add, None)
        .await
        .unwrap();
    a.handle
        .set_ban("10.1.2.3/8", BanCommand::Remove, None)
        .await
        .unwrap();
    assert!(matches!(
        a.handle
            .set_ban("10.0.0.0/8", BanCommand::Remove, None)
            .await,
        Err(NetworkError::NotBanned(_))
    ));
    assert!(matches!(
        a.handle.set_ban("not-an-ip", BanCommand::Add, None).await,
        Err(NetworkError::InvalidBanTarget(_))
    ));
    a.handle.shutdown().await;
    b.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bans_survive_a_restart_when_saved() {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("banlist.json");
    let chain = Arc::new(MemChain::new(&genesis(41)));
    let start_saving = |chain: Arc<MemChain>| {
        let path = path.clone();
        async move { start_with(chain, &[], move |c| c.banlist_path = Some(path)).await }
    };
    let node = start_saving(chain.clone()).await;
    node.handle
        .set_ban("192.0.2.0/24", BanCommand::Add, None)
        .await
        .unwrap();
    node.handle.shutdown().await;
    wait_for("the ban list is written", || {
        let path = path.clone();
        async move { std::fs::read_to_string(&path).is_ok_and(|t| t.contains("192.0.2.0/24")) }
    })
    .await;
    let again = start_saving(chain).await;
    let bans = again.handle.list_banned().await.unwrap();
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0].address, "192.0.2.0/24");
    again.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addnode_and_disconnectnode_follow_core() {
    init_logs();
    let genesis = genesis(42);
    let a = start_with(Arc::new(MemChain::new(&genesis)), &[], |c| {
        c.enable_kademlia = false
    })
    .await;
    let b = start_with(Arc::new(MemChain::new(&genesis)), &[], |c| {
        c.enable_kademlia = false
    })
    .await;

    a.handle
        .add_node(b.addr.clone(), AddNodeCommand::Add)
        .await
        .unwrap();
    assert!(matches!(
        a.handle.add_node(b.addr.clone(), AddNodeCommand::Add).await,
        Err(NetworkError::AlreadyAdded(_))
    ));
    wait_for("the added node connects", || is_peer(&a, &b)).await;
    let info = a.handle.network_info().await.unwrap();
    assert_eq!(
        (info.connections, info.connections_in, info.connections_out),
        (1, 0, 1)
    );
    let peer = a.handle.peers().await.unwrap().remove(0);
    assert!(!peer.inbound);
    assert!(peer.addr.starts_with("127.0.0.1:"), "{}", peer.addr);
    assert_eq!(peer.subver, "/venture-test:0.1.0/");
    assert_eq!(a.handle.connection_count().await.unwrap(), 1);

    // Removing it stops redials; disconnecting by `ip:port` then closes it for good.
    a.handle.remove_node(b.addr.clone()).await.unwrap();
    assert!(matches!(
        a.handle.remove_node(b.addr.clone()).await,
        Err(NetworkError::NotAdded(_))
    ));
    a.handle.disconnect_node(&peer.addr).await.unwrap();
    wait_for("b is disconnected", || async { !is_peer(&a, &b).await }).await;
    assert!(matches!(
        a.handle.disconnect_node(&b.peer_id.to_string()).await,
        Err(NetworkError::NotConnected(_))
    ));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(!is_peer(&a, &b).await, "a removed node is not redialled");

    // onetry, then disconnect by peer id.
    a.handle
        .add_node(b.addr.clone(), AddNodeCommand::OneTry)
        .await
        .unwrap();
    wait_for("onetry connects", || is_peer(&a, &b)).await;
    a.handle
        .disconnect_node(&b.peer_id.to_string())
        .await
        .unwrap();
    wait_for("disconnected by peer id", || async {
        !is_peer(&a, &b).await
    })
    .await;
    a.handle.shutdown().await;
    b.handle.shutdown().await;
}
