//! Venture's peer-to-peer layer, on libp2p.
//!
//! [`NetworkService::start`] spawns one task that owns the libp2p swarm (TCP, Noise,
//! Yamux) and runs: gossipsub for new blocks (validated by the chain before they are
//! forwarded), a request-response protocol for headers-first sync with parallel block
//! download, identify and Kademlia for discovery (mDNS on development chains), and
//! misbehaviour scoring with bans. The node drives it through a cloneable
//! [`NetworkHandle`] and lets it reach the chain through the [`ChainAccess`] trait.
//!
//! Every protocol and topic name carries the genesis hash ([`protocol`]), so nodes of
//! different chains never become peers. No libp2p type appears in this API: peer ids
//! and addresses are the [`PeerId`] and [`Multiaddr`] newtypes.

mod bans;
mod behaviour;
mod chain;
mod codec;
mod config;
mod error;
mod gate;
mod handle;
mod info;
mod key;
pub mod limits;
mod message;
mod peers;
pub mod protocol;
pub mod scoring;
mod service;
mod sync;
mod transport;
mod types;
mod worker;

/// The wire types, for tools and tests that speak the protocols without running a
/// node (a scripted peer, a fuzzer): the sync messages and their codec, and the
/// gossip message id.
pub mod wire {
    pub use crate::behaviour::message_id as gossip_message_id;
    pub use crate::codec::{read_request, read_response, SyncCodec};
    pub use crate::message::{DecodeError, StatusMessage, SyncRequest, SyncResponse};
}

pub use chain::{
    Blame, BlockVerdict, ChainAccess, ChainStatus, HeadersNext, HeadersOutcome, Rejection,
    TxVerdict,
};
pub use config::NetworkConfig;
pub use error::NetworkError;
pub use handle::NetworkHandle;
pub use info::{AddNodeCommand, BanCommand, BanEntry, NetworkEvent, NetworkInfo, PeerInfo};
pub use key::{load_or_create_keypair, NodeKey};
pub use service::NetworkService;
pub use types::{Multiaddr, PeerId};
pub use venture_primitives::{Block, Header};
