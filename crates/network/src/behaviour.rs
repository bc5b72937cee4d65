//! The libp2p protocols the node runs, combined into one behaviour, and their setup.

use crate::codec::SyncCodec;
use crate::gate::Gate;
use crate::protocol;
use crate::{NetworkConfig, NetworkError};
use bitcoin::hashes::{sha256, Hash};
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::swarm::NetworkBehaviour;
use libp2p::{
    connection_limits, gossipsub, identify, identity, kad, mdns, request_response, StreamProtocol,
};
use std::time::Duration;

/// The protocols, in the order libp2p consults them for each connection: the gate and
/// the limits first, so refused connections never reach the others.
#[derive(NetworkBehaviour)]
pub(crate) struct Behaviour {
    pub gate: Gate,
    pub limits: connection_limits::Behaviour,
    pub identify: identify::Behaviour,
    pub kad: Toggle<kad::Behaviour<kad::store::MemoryStore>>,
    pub mdns: Toggle<mdns::tokio::Behaviour>,
    pub gossipsub: gossipsub::Behaviour,
    pub sync: request_response::Behaviour<SyncCodec>,
}

fn stream_protocol(name: String) -> Result<StreamProtocol, NetworkError> {
    StreamProtocol::try_from_owned(name).map_err(|e| NetworkError::Transport(e.to_string()))
}

/// Message ids are the SHA-256 of the payload: the same block published twice (by us
/// or anyone) is a duplicate, while a mangled copy of a block cannot shadow the real
/// one, as an id made from the header alone would let it.
pub fn message_id(message: &gossipsub::Message) -> gossipsub::MessageId {
    gossipsub::MessageId::from(sha256::Hash::hash(&message.data).to_byte_array().to_vec())
}

pub(crate) fn build(
    key: &identity::Keypair,
    config: &NetworkConfig,
    gate: Gate,
) -> Result<Behaviour, NetworkError> {
    let genesis = &config.genesis;
    let local = key.public().to_peer_id();

    let limits = connection_limits::ConnectionLimits::default()
        .with_max_established_incoming(Some(config.max_inbound))
        .with_max_established_outgoing(Some(config.max_outbound))
        .with_max_pending_incoming(Some(config.max_inbound.max(8)))
        .with_max_pending_outgoing(Some(config.max_outbound.max(8)))
        // Two, not one: when two nodes dial each other at once, each may keep a
        // different one of the two connections, and a limit of one would close both.
        .with_max_established_per_peer(Some(2));

    let identify = identify::Behaviour::new(
        identify::Config::new(protocol::identify_protocol_version(genesis), key.public())
            .with_agent_version(config.user_agent.clone())
            .with_push_listen_addr_updates(true),
    );

    let kad = if config.enable_kademlia {
        let mut kad_config = kad::Config::new(stream_protocol(protocol::kad_protocol(genesis))?);
        kad_config.set_query_timeout(Duration::from_secs(30));
        let mut kad =
            kad::Behaviour::with_config(local, kad::store::MemoryStore::new(local), kad_config);
        kad.set_mode(Some(kad::Mode::Server));
        Some(kad)
    } else {
        None
    };

    let mdns = if config.enable_mdns {
        Some(
            mdns::tokio::Behaviour::new(mdns::Config::default(), local)
                .map_err(|e| NetworkError::Transport(format!("mdns: {e}")))?,
        )
    } else {
        None
    };

    let gossip_config = gossipsub::ConfigBuilder::default()
        .protocol_id_prefix(protocol::gossip_protocol_prefix(genesis))
        // Strict: every message is signed by its author. With validate_messages, a
        // message is forwarded only after the chain accepted it.
        .validation_mode(gossipsub::ValidationMode::Strict)
        .validate_messages()
        .message_id_fn(message_id)
        .max_transmit_size(config.max_gossip_bytes())
        .heartbeat_interval(Duration::from_secs(1))
        // Validation queues behind block downloads at times; keep messages awaiting a
        // verdict long enough to forward them once it comes.
        .history_length(12)
        .build()
        .map_err(|e| NetworkError::Transport(format!("gossipsub: {e}")))?;
    let mut gossipsub = gossipsub::Behaviour::new(
        gossipsub::MessageAuthenticity::Signed(key.clone()),
        gossip_config,
    )
    .map_err(|e| NetworkError::Transport(format!("gossipsub: {e}")))?;
    gossipsub
        .subscribe(&gossipsub::IdentTopic::new(protocol::blocks_topic(genesis)))
        .map_err(|e| NetworkError::Transport(format!("gossipsub subscribe: {e}")))?;
    gossipsub
        .subscribe(&gossipsub::IdentTopic::new(protocol::txs_topic(genesis)))
        .map_err(|e| NetworkError::Transport(format!("gossipsub subscribe: {e}")))?;

    let sync = request_response::Behaviour::with_codec(
        SyncCodec {
            max_response_bytes: config.max_response_bytes(),
        },
        [(
            stream_protocol(protocol::sync_protocol(genesis))?,
            request_response::ProtocolSupport::Full,
        )],
        request_response::Config::default()
            .with_request_timeout(config.request_timeout)
            .with_max_concurrent_streams(
                crate::limits::MAX_INBOUND_REQUESTS_PER_PEER + config.max_requests_per_peer + 2,
            ),
    );

    Ok(Behaviour {
        gate,
        limits: connection_limits::Behaviour::new(limits),
        identify,
        kad: kad.into(),
        mdns: mdns.into(),
        gossipsub,
        sync,
    })
}
