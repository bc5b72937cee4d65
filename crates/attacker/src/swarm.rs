//! The attacker's swarm: the node's protocols, none of its manners. Runs as one task
//! that takes [`Command`]s and answers the node's requests with the test's script.

use crate::{Answer, AttackError, Command, Topic};
use bitcoin::BlockHash;
use futures::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::request_response::{self, Message, OutboundRequestId, ResponseChannel};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{gossipsub, identify, identity, noise, tcp, yamux, Multiaddr, PeerId, StreamProtocol};
use libp2p::{Swarm, SwarmBuilder};
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use venture_network::protocol;
use venture_network::wire::{gossip_message_id, SyncCodec, SyncRequest, SyncResponse};

/// Larger than any limit a node applies, so the node's limits are what is tested.
const MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(NetworkBehaviour)]
struct Behaviour {
    identify: identify::Behaviour,
    gossipsub: gossipsub::Behaviour,
    sync: request_response::Behaviour<SyncCodec>,
}

fn setup(error: impl std::fmt::Display) -> AttackError {
    AttackError::Setup(error.to_string())
}

fn behaviour(key: &identity::Keypair, genesis: &BlockHash) -> Result<Behaviour, AttackError> {
    let identify = identify::Behaviour::new(identify::Config::new(
        protocol::identify_protocol_version(genesis),
        key.public(),
    ));
    let config = gossipsub::ConfigBuilder::default()
        .protocol_id_prefix(protocol::gossip_protocol_prefix(genesis))
        .validation_mode(gossipsub::ValidationMode::Strict)
        .message_id_fn(gossip_message_id)
        .max_transmit_size(MAX_BYTES)
        .heartbeat_interval(Duration::from_secs(1))
        .build()
        .map_err(setup)?;
    let mut gossipsub =
        gossipsub::Behaviour::new(gossipsub::MessageAuthenticity::Signed(key.clone()), config)
            .map_err(setup)?;
    for topic in [
        protocol::blocks_topic(genesis),
        protocol::txs_topic(genesis),
    ] {
        gossipsub
            .subscribe(&gossipsub::IdentTopic::new(topic))
            .map_err(setup)?;
    }
    let sync_protocol =
        StreamProtocol::try_from_owned(protocol::sync_protocol(genesis)).map_err(setup)?;
    let sync = request_response::Behaviour::with_codec(
        SyncCodec {
            max_response_bytes: MAX_BYTES,
        },
        [(sync_protocol, request_response::ProtocolSupport::Full)],
        request_response::Config::default()
            .with_request_timeout(Duration::from_secs(600))
            .with_max_concurrent_streams(1024),
    );
    Ok(Behaviour {
        identify,
        gossipsub,
        sync,
    })
}

/// Builds the swarm, dials `node` and starts the task; returns the attacker's peer id.
/// `ready` fires once the node has identified itself and subscribed to both topics.
pub(crate) fn spawn(
    genesis: BlockHash,
    node: &str,
    answer: Answer,
    commands: mpsc::UnboundedReceiver<Command>,
    ready: oneshot::Sender<()>,
) -> Result<String, AttackError> {
    let key = identity::Keypair::generate_ed25519();
    let peer_id = key.public().to_peer_id();
    let behaviour = behaviour(&key, &genesis)?;
    let mut swarm = SwarmBuilder::with_existing_identity(key)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(setup)?
        .with_behaviour(|_| behaviour)
        .map_err(setup)?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(600)))
        .build();
    let addr: Multiaddr = node.parse().map_err(setup)?;
    let target = addr
        .iter()
        .find_map(|p| match p {
            Protocol::P2p(id) => Some(id),
            _ => None,
        })
        .ok_or_else(|| setup(format!("{node} does not end in /p2p/<peer id>")))?;
    swarm.dial(addr).map_err(setup)?;
    let task = Task {
        swarm,
        node: target,
        genesis,
        answer,
        ready: Some(ready),
        identified: false,
        subscribed: HashSet::new(),
        pending: HashMap::new(),
        hanging: Vec::new(),
    };
    tokio::spawn(task.run(commands));
    Ok(peer_id.to_string())
}

struct Task {
    swarm: Swarm<Behaviour>,
    node: PeerId,
    genesis: BlockHash,
    answer: Answer,
    ready: Option<oneshot::Sender<()>>,
    identified: bool,
    subscribed: HashSet<gossipsub::TopicHash>,
    pending: HashMap<OutboundRequestId, oneshot::Sender<Result<SyncResponse, AttackError>>>,
    /// Requests left unanswered on purpose: holding the channel keeps the stream open.
    hanging: Vec<ResponseChannel<SyncResponse>>,
}

impl Task {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_event(event),
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command),
                    None => break,
                },
            }
            if self.identified && self.subscribed.len() == 2 {
                if let Some(ready) = self.ready.take() {
                    let _ = ready.send(());
                }
            }
        }
    }

    fn on_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                peer_id,
                ..
            })) if peer_id == self.node => self.identified = true,
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(gossipsub::Event::Subscribed {
                peer_id,
                topic,
            })) if peer_id == self.node => {
                self.subscribed.insert(topic);
            }
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => self.on_sync(event),
            _ => {}
        }
    }

    fn on_sync(&mut self, event: request_response::Event<SyncRequest, SyncResponse>) {
        match event {
            request_response::Event::Message {
                message:
                    Message::Request {
                        request, channel, ..
                    },
                ..
            } => match (self.answer)(&request) {
                Some(response) => {
                    let _ = self
                        .swarm
                        .behaviour_mut()
                        .sync
                        .send_response(channel, response);
                }
                None => self.hanging.push(channel),
            },
            request_response::Event::Message {
                message:
                    Message::Response {
                        request_id,
                        response,
                    },
                ..
            } => {
                if let Some(reply) = self.pending.remove(&request_id) {
                    let _ = reply.send(Ok(response));
                }
            }
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => {
                if let Some(reply) = self.pending.remove(&request_id) {
                    let _ = reply.send(Err(AttackError::Request(error.to_string())));
                }
            }
            _ => {}
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Publish { topic, data, done } => {
                let name = match topic {
                    Topic::Blocks => protocol::blocks_topic(&self.genesis),
                    Topic::Transactions => protocol::txs_topic(&self.genesis),
                };
                let result = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .publish(gossipsub::IdentTopic::new(name), data)
                    .map(|_| ())
                    .map_err(|e| AttackError::Publish(e.to_string()));
                let _ = done.send(result);
            }
            Command::Request { request, reply } => {
                let id = self
                    .swarm
                    .behaviour_mut()
                    .sync
                    .send_request(&self.node, request);
                self.pending.insert(id, reply);
            }
            Command::IsConnected(reply) => {
                let _ = reply.send(self.swarm.is_connected(&self.node));
            }
        }
    }
}
