//! Plain, serializable answers for the node's RPC. Field names follow Bitcoin Core's
//! `getpeerinfo`, `getnetworkinfo` and `listbanned` where Core has the field.

use serde::{Deserialize, Serialize};

/// One connected peer of our chain (`getpeerinfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    /// A number for this peer, unique while the service runs (Core's `id`).
    pub id: u64,
    /// The libp2p peer id.
    pub peer_id: String,
    /// The remote address as `ip:port` when it has that form, else the multiaddr.
    pub addr: String,
    /// The remote multiaddr.
    pub multiaddr: String,
    /// Whether the peer dialled us.
    pub inbound: bool,
    /// When the connection was made, Unix seconds.
    pub conntime: u64,
    /// The peer's best height in its first status message (-1 before one arrived).
    pub startingheight: i64,
    /// The peer's best height in its latest status message (-1 before one arrived).
    pub best_height: i64,
    /// The height up to which we share headers with the peer (-1 if unknown).
    pub synced_headers: i64,
    /// The height up to which we share blocks with the peer (-1 if unknown).
    pub synced_blocks: i64,
    /// Sync requests to this peer awaiting an answer.
    pub inflight: usize,
    /// The peer's user agent, from identify.
    pub subver: String,
    /// Whether the peer takes our block gossip.
    pub relayblocks: bool,
    /// Misbehaviour points so far; the peer is banned at 100.
    pub misbehavior: u32,
}

/// The node's network (`getnetworkinfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInfo {
    pub local_peer_id: String,
    /// Our user agent (Core's `subversion`).
    pub subversion: String,
    /// The identify protocol version, which names the chain.
    pub protocol_version: String,
    pub listen_addresses: Vec<String>,
    pub connections: usize,
    pub connections_in: usize,
    pub connections_out: usize,
    /// Whether block download from peers is under way.
    pub initial_download: bool,
}

/// One ban (`listbanned`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BanEntry {
    /// A peer id or a subnet such as `1.2.3.4/32`.
    pub address: String,
    pub ban_created: u64,
    pub banned_until: u64,
    pub ban_duration: u64,
    pub time_remaining: u64,
    /// Why: the misbehaviour, or `manually added`.
    pub reason: String,
}

/// `addnode`'s command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AddNodeCommand {
    /// Keep a connection to the node, redialling with back-off when it is lost.
    Add,
    /// Stop redialling it (an open connection stays, as in Core).
    Remove,
    /// Dial once.
    OneTry,
}

/// `setban`'s command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BanCommand {
    Add,
    Remove,
}

/// What the service reports to subscribers (see `NetworkHandle::events`). Nothing
/// needs to consume these; they serve logs, metrics and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkEvent {
    /// A peer of our chain finished its handshake.
    PeerConnected {
        peer_id: crate::PeerId,
        inbound: bool,
    },
    /// A peer of our chain disconnected.
    PeerDisconnected { peer_id: crate::PeerId },
    /// A node of another chain (by identify) was dropped.
    ForeignPeer {
        peer_id: crate::PeerId,
        protocol_version: String,
    },
    /// A ban was added, by misbehaviour or by hand.
    Banned { target: String, reason: String },
    /// Initial block download started or ended.
    InitialDownload(bool),
}
