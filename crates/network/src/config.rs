//! [`NetworkConfig`]: what the node chooses (from the chain spec and the command line).

use crate::limits::GOSSIP_OVERHEAD_BYTES;
use crate::{Multiaddr, NetworkError, NodeKey};
use bitcoin::BlockHash;
use std::path::PathBuf;
use std::time::Duration;

/// The service's configuration. [`NetworkConfig::new`] fills in defaults; the node
/// overrides what its spec and flags say.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// The chain's genesis hash: every protocol and topic name carries it.
    pub genesis: BlockHash,
    /// Our identity (see [`crate::load_or_create_keypair`]).
    pub node_key: NodeKey,
    /// Where to listen, e.g. `/ip4/0.0.0.0/tcp/30333` (port 0 picks a free port).
    pub listen: Vec<Multiaddr>,
    /// Nodes to dial at start and to redial with back-off whenever the connection is
    /// lost, with or without a trailing `/p2p/<peer id>`.
    pub bootnodes: Vec<Multiaddr>,
    /// Our user agent, shown as peers' `subver`, e.g. `/ventured:0.1.0/`.
    pub user_agent: String,
    /// Local-network discovery (the node turns it on for development chains).
    pub enable_mdns: bool,
    /// The chain's Kademlia DHT, to find peers beyond the bootnodes.
    pub enable_kademlia: bool,
    /// Most inbound connections.
    pub max_inbound: u32,
    /// Most outbound connections (bootnodes and added nodes included).
    pub max_outbound: u32,
    /// Outbound connections the service keeps by dialling discovered peers.
    pub target_outbound: u32,
    /// Largest serialized block the chain allows (from its weight limit), bytes: bounds
    /// gossip messages.
    pub max_block_bytes: usize,
    /// Blocks asked for in one request.
    pub blocks_per_request: usize,
    /// Our requests open with one peer at once.
    pub max_requests_per_peer: usize,
    /// How long a misbehaving peer stays banned (and the default for `setban`).
    pub ban_duration: Duration,
    /// Where bans are saved so that they survive a restart; none keeps them in memory.
    pub banlist_path: Option<PathBuf>,
    /// How often peers' status is asked again.
    pub status_interval: Duration,
    /// How long a request may wait for its response.
    pub request_timeout: Duration,
    /// How long a connection with nothing to do stays open.
    pub idle_connection_timeout: Duration,
}

impl NetworkConfig {
    /// Defaults: listen on all IPv4 interfaces on a free port, Kademlia on, mDNS off,
    /// Bitcoin's 4 MB block limit.
    pub fn new(genesis: BlockHash, node_key: NodeKey) -> NetworkConfig {
        NetworkConfig {
            genesis,
            node_key,
            listen: vec![Multiaddr::from_libp2p(
                "/ip4/0.0.0.0/tcp/0"
                    .parse()
                    .unwrap_or_else(|_| libp2p::Multiaddr::empty()),
            )],
            bootnodes: Vec::new(),
            user_agent: format!("/venture-network:{}/", env!("CARGO_PKG_VERSION")),
            enable_mdns: false,
            enable_kademlia: true,
            max_inbound: 64,
            max_outbound: 16,
            target_outbound: 8,
            max_block_bytes: 4_000_000,
            blocks_per_request: 64,
            max_requests_per_peer: 4,
            ban_duration: Duration::from_secs(24 * 60 * 60),
            banlist_path: None,
            status_interval: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            idle_connection_timeout: Duration::from_secs(600),
        }
    }

    /// The gossipsub frame limit: a largest block plus the envelope.
    pub fn max_gossip_bytes(&self) -> usize {
        self.max_block_bytes.saturating_add(GOSSIP_OVERHEAD_BYTES)
    }

    /// The hard limit on a sync response: what a server packs before it stops adding
    /// blocks or headers, plus one largest block, plus framing. Derived from the chain's
    /// block size, never configured, so two nodes of one chain always agree on it.
    pub fn max_response_bytes(&self) -> usize {
        crate::limits::RESPONSE_SOFT_BYTES
            .saturating_add(self.max_block_bytes)
            .saturating_add(GOSSIP_OVERHEAD_BYTES)
    }

    pub(crate) fn validate(&self) -> Result<(), NetworkError> {
        let fail = |reason: String| Err(NetworkError::Config(reason));
        if self.max_block_bytes == 0 {
            return fail("max_block_bytes must be positive".into());
        }
        if self.max_block_bytes > 256 * 1024 * 1024 {
            return fail("max_block_bytes must not exceed 256 MiB".into());
        }
        if self.blocks_per_request == 0
            || self.blocks_per_request > crate::limits::MAX_BLOCKS_PER_REQUEST
        {
            return fail(format!(
                "blocks_per_request must be 1..={}",
                crate::limits::MAX_BLOCKS_PER_REQUEST
            ));
        }
        // Our peers refuse more than this many concurrent requests; keep headroom for
        // the status and header requests that run beside block downloads.
        if self.max_requests_per_peer == 0
            || self.max_requests_per_peer + 2 > crate::limits::MAX_INBOUND_REQUESTS_PER_PEER
        {
            return fail(format!(
                "max_requests_per_peer must be 1..={}",
                crate::limits::MAX_INBOUND_REQUESTS_PER_PEER - 2
            ));
        }
        if self.target_outbound > self.max_outbound {
            return fail("target_outbound must not exceed max_outbound".into());
        }
        if self.status_interval.is_zero() || self.request_timeout.is_zero() {
            return fail("intervals and timeouts must be positive".into());
        }
        Ok(())
    }
}
