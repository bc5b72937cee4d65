//! The crate's one error type.

use std::path::PathBuf;
use thiserror::Error;

/// Everything the network layer can refuse or fail at. The variants that answer RPC
/// calls are named after the situations Bitcoin Core reports, so the node can map them
/// to Core's error codes (noted on each).
#[derive(Debug, Error)]
pub enum NetworkError {
    /// A string that should be a multiaddr is not one.
    #[error("invalid multiaddr `{input}`: {reason}")]
    InvalidMultiaddr { input: String, reason: String },
    /// A string that should be a peer id is not one.
    #[error("invalid peer id `{0}`")]
    InvalidPeerId(String),
    /// `setban` target is neither an IP address, a subnet nor a peer id (Core: -30).
    #[error("invalid IP/subnet or peer id `{0}`")]
    InvalidBanTarget(String),
    /// `addnode add` for a node already in the list (Core: -23).
    #[error("node {0} is already added")]
    AlreadyAdded(String),
    /// `addnode remove` for a node not in the list (Core: -24).
    #[error("node {0} has not been added")]
    NotAdded(String),
    /// `disconnectnode` for a node we are not connected to (Core: -29).
    #[error("node {0} is not connected")]
    NotConnected(String),
    /// `setban add` for a target already banned (Core: -23).
    #[error("{0} is already banned")]
    AlreadyBanned(String),
    /// `setban remove` for a target not banned (Core: -30).
    #[error("unban failed: {0} was not banned")]
    NotBanned(String),
    /// A block to publish is larger than the gossip limit.
    #[error("message of {size} bytes exceeds the limit of {limit} bytes")]
    MessageTooLarge { size: usize, limit: usize },
    /// The configuration is inconsistent.
    #[error("invalid network configuration: {0}")]
    Config(String),
    /// The node key file could not be read or written.
    #[error("node key file {}: {source}", path.display())]
    KeyIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The node key file exists but does not hold a key.
    #[error("node key file {}: {reason}", path.display())]
    KeyFormat { path: PathBuf, reason: String },
    /// The ban list file could not be read or written.
    #[error("ban list {}: {reason}", path.display())]
    BanList { path: PathBuf, reason: String },
    /// Building the transport or a protocol failed.
    #[error("network transport: {0}")]
    Transport(String),
    /// Listening on an address failed.
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    /// The service task has stopped; the handle is useless.
    #[error("the network service has stopped")]
    Stopped,
}
