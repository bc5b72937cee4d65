//! Reacting to the swarm: connections, identify (chain check), discovery and gossip.

use super::Service;
use crate::behaviour::BehaviourEvent;
use crate::scoring::Misbehaviour;
use crate::worker::{Job, Origin};
use crate::{protocol, NetworkEvent, PeerId as ApiPeerId};
use libp2p::gossipsub::{self, MessageAcceptance};
use libp2p::metrics::Recorder;
use libp2p::swarm::SwarmEvent;
use libp2p::{identify, kad, mdns, PeerId};
use tracing::{debug, info, warn};

impl Service {
    pub(super) fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        if let Some(metrics) = &self.metrics {
            metrics.record(&event);
            if let SwarmEvent::Behaviour(behaviour) = &event {
                match behaviour {
                    BehaviourEvent::Identify(e) => metrics.record(e),
                    BehaviourEvent::Kad(e) => metrics.record(e),
                    BehaviourEvent::Gossipsub(e) => metrics.record(e),
                    _ => {}
                }
            }
        }
        match event {
            SwarmEvent::Behaviour(event) => self.on_behaviour_event(event),
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                endpoint,
                ..
            } => {
                self.dialer.established(connection_id, peer_id);
                if self.peers.connected(peer_id, connection_id, &endpoint) {
                    debug!(peer = %peer_id, addr = %crate::peers::remote_addr(&endpoint), "connected");
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                ..
            } => {
                if let Some(peer) = self.peers.disconnected(&peer_id, connection_id) {
                    self.peer_gone(peer_id, peer);
                }
            }
            SwarmEvent::OutgoingConnectionError {
                connection_id,
                peer_id,
                error,
            } => {
                self.dialer.failed(connection_id);
                debug!(peer = ?peer_id, "dial failed: {error}");
            }
            SwarmEvent::IncomingConnectionError {
                send_back_addr,
                error,
                ..
            } => debug!(addr = %send_back_addr, "inbound connection failed: {error}"),
            SwarmEvent::NewListenAddr { address, .. } => info!(%address, "listening"),
            SwarmEvent::ExpiredListenAddr { address, .. } => {
                debug!(%address, "no longer listening")
            }
            SwarmEvent::ListenerError { error, .. } => warn!("listener error: {error}"),
            _ => {}
        }
    }

    fn on_behaviour_event(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Gate(never) | BehaviourEvent::Limits(never) => match never {},
            BehaviourEvent::Identify(event) => self.on_identify(event),
            BehaviourEvent::Kad(event) => self.on_kad(event),
            BehaviourEvent::Mdns(event) => self.on_mdns(event),
            BehaviourEvent::Gossipsub(event) => self.on_gossip(event),
            BehaviourEvent::Sync(event) => self.on_sync_event(event),
        }
    }

    fn on_identify(&mut self, event: identify::Event) {
        let (peer_id, info) = match event {
            identify::Event::Received { peer_id, info, .. }
            | identify::Event::Pushed { peer_id, info, .. } => (peer_id, info),
            identify::Event::Error { peer_id, error, .. } => {
                debug!(peer = %peer_id, "identify failed: {error}");
                return;
            }
            identify::Event::Sent { .. } => return,
        };
        if !protocol::is_same_chain(&self.config.genesis, &info.protocol_version) {
            info!(peer = %peer_id, protocol = %info.protocol_version, "dropping a node of another chain");
            self.swarm.behaviour_mut().gate.mark_foreign(peer_id);
            self.dialer.foreign(&peer_id);
            if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
                kad.remove_peer(&peer_id);
            }
            let _ = self.swarm.disconnect_peer_id(peer_id);
            self.emit(NetworkEvent::ForeignPeer {
                peer_id: ApiPeerId::from_libp2p(peer_id),
                protocol_version: info.protocol_version,
            });
            return;
        }
        if let Some(kad) = self.swarm.behaviour_mut().kad.as_mut() {
            for addr in &info.listen_addrs {
                kad.add_address(&peer_id, addr.clone());
            }
        }
        let agent = info.agent_version.chars().take(256).collect();
        if self.peers.make_ready(&peer_id, agent) {
            let inbound = self.peers.get(&peer_id).is_some_and(|p| p.inbound);
            info!(peer = %peer_id, agent = %info.agent_version, inbound, "peer connected");
            self.dialer.ready(&peer_id);
            self.emit(NetworkEvent::PeerConnected {
                peer_id: ApiPeerId::from_libp2p(peer_id),
                inbound,
            });
            self.request_status(peer_id);
        }
    }

    fn on_kad(&mut self, event: kad::Event) {
        match event {
            kad::Event::RoutingUpdated {
                peer, addresses, ..
            } => {
                self.dialer.discovered(peer, addresses.into_vec());
            }
            kad::Event::OutboundQueryProgressed {
                result: kad::QueryResult::GetClosestPeers(Ok(ok)),
                ..
            } => {
                for found in ok.peers {
                    self.dialer.discovered(found.peer_id, found.addrs);
                }
            }
            other => debug!("kademlia: {other:?}"),
        }
    }

    fn on_mdns(&mut self, event: mdns::Event) {
        match event {
            mdns::Event::Discovered(found) => {
                for (peer, addr) in found {
                    self.dialer.discovered(peer, vec![addr]);
                }
                self.dial_discovered();
            }
            mdns::Event::Expired(gone) => {
                for (peer, _) in gone {
                    self.dialer.forget(&peer);
                }
            }
        }
    }

    fn on_gossip(&mut self, event: gossipsub::Event) {
        match event {
            gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            } if message.topic == self.tx_topic => {
                self.on_gossip_tx(propagation_source, message_id, message)
            }
            gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            } => self.on_gossip_block(propagation_source, message_id, message),
            gossipsub::Event::Subscribed { peer_id, topic } if topic == self.topic => {
                if let Some(peer) = self.peers.get_mut(&peer_id) {
                    peer.relay_blocks = true;
                }
            }
            gossipsub::Event::Unsubscribed { peer_id, topic } if topic == self.topic => {
                if let Some(peer) = self.peers.get_mut(&peer_id) {
                    peer.relay_blocks = false;
                }
            }
            _ => {}
        }
    }

    fn on_gossip_block(
        &mut self,
        source: PeerId,
        message_id: gossipsub::MessageId,
        message: gossipsub::Message,
    ) {
        let report = |service: &mut Service, acceptance| {
            service
                .swarm
                .behaviour_mut()
                .gossipsub
                .report_message_validation_result(&message_id, &source, acceptance);
        };
        if message.topic != self.topic {
            report(self, MessageAcceptance::Ignore);
            return;
        }
        let bytes = message.data;
        let Some(hash) = crate::service::blocks::block_hash_of(&bytes) else {
            report(self, MessageAcceptance::Reject);
            self.misbehave(source, Misbehaviour::Undecodable);
            return;
        };
        if bytes.len() > self.config.max_block_bytes {
            report(self, MessageAcceptance::Reject);
            self.misbehave(source, Misbehaviour::Undecodable);
            return;
        }
        let job = Job::Block {
            origin: Origin::Gossip {
                message_id: message_id.clone(),
                source,
            },
            hash,
            bytes,
        };
        if self.worker.gossip.try_send(job).is_err() {
            // Validation is backed up; peers will offer the block again or sync has it.
            debug!(%hash, "gossip queue full; ignoring block");
            report(self, MessageAcceptance::Ignore);
        }
    }
}
