//! One test per peer-to-peer method, on two real network services connected over
//! loopback. The services see a chain that stays at genesis: these methods manage
//! connections and bans, not sync.

mod common;

use bitcoin::BlockHash;
use common::{venture_dev_params, TestNode};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use venture_network::{
    BlockVerdict, ChainAccess, ChainStatus, Header, HeadersNext, HeadersOutcome, NetworkConfig,
    NetworkHandle, NetworkService, NodeKey, PeerId, Rejection,
};
use venture_primitives::Block;
use venture_rpc::codes;

/// A chain at its genesis block that takes nothing in.
struct GenesisOnly(BlockHash);

impl ChainAccess for GenesisOnly {
    fn status(&self) -> ChainStatus {
        ChainStatus {
            genesis: self.0,
            best_hash: self.0,
            best_height: 0,
            best_work: [0; 32],
            header_height: 0,
            header_work: [0; 32],
            below_min_work: false,
        }
    }
    fn locator(&self) -> Vec<BlockHash> {
        vec![self.0]
    }
    fn headers_after(&self, _: &[BlockHash], _: usize) -> Vec<Header> {
        Vec::new()
    }
    fn block_bytes(&self, _: &BlockHash) -> Option<Vec<u8>> {
        None
    }
    fn submit_headers(
        &self,
        _: PeerId,
        _: Vec<Header>,
        _: bool,
    ) -> Result<HeadersOutcome, Rejection> {
        Ok(HeadersOutcome {
            added: 0,
            checked: 0,
            next: HeadersNext::Done,
        })
    }
    fn submit_block(&self, _: Block, _: bool) -> BlockVerdict {
        BlockVerdict::Duplicate
    }
    fn missing_blocks(&self, _: usize) -> Vec<BlockHash> {
        Vec::new()
    }
    fn set_initial_download(&self, _: bool) {}
}

async fn start_service(genesis: BlockHash) -> NetworkHandle {
    let mut config = NetworkConfig::new(genesis, NodeKey::generate());
    config.listen = vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()];
    config.enable_mdns = false;
    config.enable_kademlia = false;
    config.user_agent = "/venture-rpc-test:0.1.0/".into();
    let (handle, _task) = NetworkService::start(config, Arc::new(GenesisOnly(genesis)))
        .await
        .unwrap();
    handle
}

/// A node whose RPC drives a running network service, and a second service (the
/// peer) it can connect to, with the peer's dialable address.
async fn node_and_peer() -> (TestNode, NetworkHandle, String) {
    let params = venture_dev_params(|t| t);
    let genesis = params.genesis_hash;
    let ours = start_service(genesis).await;
    let peer = start_service(genesis).await;
    let peer_addr = peer.listen_addrs().await.unwrap()[0]
        .with_peer_id(&peer.local_peer_id())
        .to_string();
    let node = TestNode::with(params, |ctx| ctx.network = Some(ours));
    (node, peer, peer_addr)
}

/// Polls `method` until `check` accepts its answer (a minute at most).
async fn wait_for(node: &TestNode, method: &str, check: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..600 {
        let answer = node.call(method, json!([])).await.unwrap();
        if check(&answer) {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{method} never answered as expected");
}

async fn connected(node: &TestNode, peer_addr: &str) {
    node.call("addnode", json!([peer_addr, "onetry"]))
        .await
        .unwrap();
    wait_for(node, "getconnectioncount", |n| *n == 1).await;
}

#[tokio::test]
async fn getpeerinfo_lists_the_connected_peer() {
    let (node, peer, peer_addr) = node_and_peer().await;
    assert_eq!(
        node.call_both("getpeerinfo", vec![]).await.unwrap(),
        json!([])
    );
    connected(&node, &peer_addr).await;
    let peers = wait_for(&node, "getpeerinfo", |p| {
        p[0]["subver"] == "/venture-rpc-test:0.1.0/"
    })
    .await;
    assert_eq!(peers[0]["peer_id"], peer.local_peer_id().to_string());
    assert_eq!(peers[0]["inbound"], false);
}

#[tokio::test]
async fn getconnectioncount_counts_connections() {
    let (node, _peer, peer_addr) = node_and_peer().await;
    assert_eq!(
        node.call_both("getconnectioncount", vec![]).await.unwrap(),
        0
    );
    connected(&node, &peer_addr).await;
    assert_eq!(
        node.call_both("getconnectioncount", vec![]).await.unwrap(),
        1
    );

    let offline = TestNode::new();
    let error = offline
        .call("getconnectioncount", json!([]))
        .await
        .unwrap_err();
    assert_eq!(
        (error.code, error.message.as_str()),
        (
            codes::RPC_CLIENT_P2P_DISABLED,
            "Error: Peer-to-peer functionality missing or disabled"
        )
    );
}

#[tokio::test]
async fn getnetworkinfo_describes_the_local_node() {
    let (node, _peer, _) = node_and_peer().await;
    let info = node.call_both("getnetworkinfo", vec![]).await.unwrap();
    let network = node.ctx.network.as_ref().unwrap();
    assert_eq!(info["local_peer_id"], network.local_peer_id().to_string());
    assert_eq!(info["subversion"], "/venture-rpc-test:0.1.0/");
    assert_eq!(info["connections"], 0);
    assert_eq!(info["version"], 10_000);
    assert_eq!(info["networkactive"], true);
    assert_eq!(info["relayfee"], 0.00001);
    let listening = network.listen_addrs().await.unwrap();
    assert_eq!(
        info["listen_addresses"].as_array().unwrap().len(),
        listening.len()
    );
}

#[tokio::test]
async fn addnode_connects_and_refuses_bad_commands() {
    let (node, _peer, peer_addr) = node_and_peer().await;
    let error = node
        .call("addnode", json!([peer_addr, "sometimes"]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "unknown command; usage: addnode \"node\" \"add|remove|onetry\""
    );
    let error = node
        .call("addnode", json!(["not a multiaddr", "add"]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_INVALID_PARAMETER);
    let added = node
        .call("addnode", json!({"node": peer_addr, "command": "add"}))
        .await
        .unwrap();
    assert_eq!(added, Value::Null);
    wait_for(&node, "getconnectioncount", |n| *n == 1).await;
    let error = node
        .call("addnode", json!([peer_addr, "add"]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_CLIENT_NODE_ALREADY_ADDED);
}

#[tokio::test]
async fn disconnectnode_drops_a_peer() {
    let (node, peer, peer_addr) = node_and_peer().await;
    connected(&node, &peer_addr).await;
    let peer_id = peer.local_peer_id().to_string();
    let error = node
        .call("disconnectnode", json!([peer_id, 1]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "Only one of address and nodeid should be provided."
    );
    let done = node
        .call("disconnectnode", json!({"address": peer_id}))
        .await
        .unwrap();
    assert_eq!(done, Value::Null);
    wait_for(&node, "getconnectioncount", |n| *n == 0).await;
    let error = node
        .call("disconnectnode", json!([peer_id]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_CLIENT_NODE_NOT_CONNECTED);
}

#[tokio::test]
async fn setban_bans_and_unbans() {
    let (node, _peer, _) = node_and_peer().await;
    let added = node
        .call("setban", json!(["10.1.2.0/24", "add", 3600]))
        .await
        .unwrap();
    assert_eq!(added, Value::Null);
    let bans = node.call("listbanned", json!([])).await.unwrap();
    assert_eq!(bans[0]["address"], "10.1.2.0/24");
    assert_eq!(bans[0]["ban_duration"], 3600);
    let error = node
        .call("setban", json!(["10.1.2.0/24", "add"]))
        .await
        .unwrap_err();
    assert_eq!(error.code, codes::RPC_CLIENT_NODE_ALREADY_ADDED);
    node.call(
        "setban",
        json!({"subnet": "10.1.2.0/24", "command": "remove"}),
    )
    .await
    .unwrap();
    assert_eq!(node.call("listbanned", json!([])).await.unwrap(), json!([]));
    let error = node
        .call("setban", json!(["10.1.2.0/24", "forever"]))
        .await
        .unwrap_err();
    assert_eq!(
        error.message,
        "unknown command; usage: setban \"subnet\" \"add|remove\" ( bantime absolute )"
    );
    let error = node
        .call("setban", json!(["10.1.2.0/24", "add", 1, true]))
        .await
        .unwrap_err();
    assert_eq!(error.message, "Error: Absolute timestamp is in the past");
}

#[tokio::test]
async fn listbanned_shows_each_ban() {
    let (node, peer, _) = node_and_peer().await;
    assert_eq!(
        node.call_both("listbanned", vec![]).await.unwrap(),
        json!([])
    );
    let peer_id = peer.local_peer_id().to_string();
    node.call("setban", json!([peer_id, "add"])).await.unwrap();
    node.call("setban", json!(["192.0.2.7", "add", 60]))
        .await
        .unwrap();
    let bans = node.call_both("listbanned", vec![]).await.unwrap();
    let mut addresses: Vec<&str> = bans
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["address"].as_str().unwrap())
        .collect();
    addresses.sort_unstable();
    let mut expected = vec![peer_id.as_str(), "192.0.2.7/32"];
    expected.sort_unstable();
    assert_eq!(addresses, expected);
}

#[tokio::test]
async fn clearbanned_lifts_every_ban() {
    let (node, _peer, _) = node_and_peer().await;
    node.call("setban", json!(["192.0.2.7", "add"]))
        .await
        .unwrap();
    node.call("setban", json!(["198.51.100.0/24", "add"]))
        .await
        .unwrap();
    assert_eq!(
        node.call("listbanned", json!([]))
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        node.call("clearbanned", json!([])).await.unwrap(),
        Value::Null
    );
    assert_eq!(node.call("listbanned", json!([])).await.unwrap(), json!([]));
}
