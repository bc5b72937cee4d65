//! Shared helpers: starting services on loopback and waiting for conditions.

#![allow(dead_code)]

pub mod chain;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use venture_network::{ChainAccess, Multiaddr, NetworkConfig, NetworkHandle, NodeKey, PeerId};

/// Generous: the machine running the tests may be slow and busy.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub struct Node {
    pub handle: NetworkHandle,
    /// Our listen address with `/p2p/<peer id>`: what others take as a bootnode.
    pub addr: Multiaddr,
    pub peer_id: PeerId,
}

pub fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_test_writer()
        .try_init();
}

/// A config for loopback tests: a free port, no mDNS, small blocks.
pub fn test_config(chain: &dyn ChainAccess, bootnodes: &[&Node]) -> NetworkConfig {
    let mut config = NetworkConfig::new(chain.status().genesis, NodeKey::generate());
    config.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.bootnodes = bootnodes.iter().map(|n| n.addr.clone()).collect();
    config.max_block_bytes = 500_000;
    config.user_agent = "/venture-test:0.1.0/".into();
    config
}

pub async fn start(chain: Arc<dyn ChainAccess>, config: NetworkConfig) -> Node {
    let (handle, _task) = venture_network::NetworkService::start(config, chain)
        .await
        .unwrap();
    let peer_id = handle.local_peer_id();
    let listen = handle.listen_addrs().await.unwrap();
    let addr = listen
        .first()
        .expect("a listen address")
        .with_peer_id(&peer_id);
    Node {
        handle,
        addr,
        peer_id,
    }
}

pub async fn start_with(
    chain: Arc<dyn ChainAccess>,
    bootnodes: &[&Node],
    tweak: impl FnOnce(&mut NetworkConfig),
) -> Node {
    let mut config = test_config(chain.as_ref(), bootnodes);
    tweak(&mut config);
    start(chain, config).await
}

/// Polls `check` until it is true; panics with `what` after [`DEADLINE`].
pub async fn wait_for<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn peer_ids(node: &Node) -> Vec<String> {
    node.handle
        .peers()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.peer_id)
        .collect()
}

pub async fn is_peer(node: &Node, other: &Node) -> bool {
    peer_ids(node).await.contains(&other.peer_id.to_string())
}

pub async fn is_banned(node: &Node, other: &Node) -> bool {
    node.handle
        .list_banned()
        .await
        .unwrap()
        .iter()
        .any(|b| b.address == other.peer_id.to_string())
}
