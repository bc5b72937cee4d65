//! Answering [`crate::NetworkHandle`] calls.

use super::Service;
use crate::bans::{unix_now, BanTarget};
use crate::handle::Command;
use crate::peers::host_port;
use crate::{BanCommand, Multiaddr, NetworkError, NetworkEvent, NetworkInfo, PeerInfo};
use libp2p::gossipsub::PublishError;
use libp2p::PeerId;
use std::time::Duration;
use tracing::debug;

impl Service {
    pub(super) fn on_command(&mut self, command: Command) {
        // A caller that gave up waiting is no error.
        match command {
            Command::Peers(reply) => {
                let _ = reply.send(Ok(self.peer_infos()));
            }
            Command::NetworkInfo(reply) => {
                let _ = reply.send(Ok(self.network_info()));
            }
            Command::ListenAddrs(reply) => {
                let addrs = self
                    .swarm
                    .listeners()
                    .cloned()
                    .map(Multiaddr::from_libp2p)
                    .collect();
                let _ = reply.send(Ok(addrs));
            }
            Command::AddNode {
                addr,
                command,
                reply,
            } => {
                let _ = reply.send(self.add_node(addr, command));
            }
            Command::DisconnectNode { target, reply } => {
                let _ = reply.send(self.disconnect_node(&target));
            }
            Command::SetBan {
                target,
                command,
                duration,
                reply,
            } => {
                let _ = reply.send(self.set_ban(&target, command, duration));
            }
            Command::ListBanned(reply) => {
                let _ = reply.send(Ok(self.swarm.behaviour().gate.bans.list(unix_now())));
            }
            Command::ClearBanned(reply) => {
                self.swarm.behaviour_mut().gate.bans.clear();
                self.save_bans();
                let _ = reply.send(Ok(()));
            }
            Command::PublishBlock { bytes, reply } => {
                let _ = reply.send(self.publish_block(bytes));
            }
            Command::PublishTransaction { bytes, reply } => {
                let _ = reply.send(self.publish_transaction(bytes));
            }
            // Handled by the event loop.
            Command::Shutdown(_) => {}
        }
    }

    fn peer_infos(&self) -> Vec<PeerInfo> {
        let mut infos: Vec<PeerInfo> = self.peers.ready().map(|(id, p)| p.info(id)).collect();
        infos.sort_by_key(|p| p.id);
        infos
    }

    fn network_info(&self) -> NetworkInfo {
        let (connections, connections_in, connections_out) = self.peers.counts();
        NetworkInfo {
            local_peer_id: self.swarm.local_peer_id().to_string(),
            subversion: self.config.user_agent.clone(),
            protocol_version: crate::protocol::identify_protocol_version(&self.config.genesis),
            listen_addresses: self.swarm.listeners().map(ToString::to_string).collect(),
            connections,
            connections_in,
            connections_out,
            initial_download: self.sync.initial_download,
        }
    }

    /// Finds connected peers by peer id, Core-style number, `ip:port` or multiaddr.
    fn find_peers(&self, target: &str) -> Vec<PeerId> {
        let target = target.trim();
        if let Some(peer) = crate::types::parse_peer_id(target) {
            return self
                .peers
                .get(&peer)
                .map(|_| vec![peer])
                .unwrap_or_default();
        }
        if let Ok(number) = target.parse::<u64>() {
            return self
                .peers
                .ready()
                .filter(|(_, p)| p.number == number)
                .map(|(id, _)| *id)
                .collect();
        }
        let as_multiaddr = target.parse::<libp2p::Multiaddr>().ok();
        self.peers
            .peers
            .iter()
            .filter(|(id, p)| match &as_multiaddr {
                Some(addr) => {
                    let bare = Multiaddr::from_libp2p(addr.clone());
                    bare.peer_id().is_some_and(|want| want.as_libp2p() == *id)
                        || bare.without_peer_id().as_libp2p() == &p.addr
                }
                None => host_port(&p.addr).as_deref() == Some(target),
            })
            .map(|(id, _)| *id)
            .collect()
    }

    fn disconnect_node(&mut self, target: &str) -> Result<(), NetworkError> {
        let found = self.find_peers(target);
        if found.is_empty() {
            return Err(NetworkError::NotConnected(target.to_string()));
        }
        for peer in found {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        Ok(())
    }

    fn set_ban(
        &mut self,
        target: &str,
        command: BanCommand,
        duration: Option<Duration>,
    ) -> Result<(), NetworkError> {
        let parsed = BanTarget::parse(target)?;
        match command {
            BanCommand::Add => {
                let now = unix_now();
                let duration = duration
                    .filter(|d| !d.is_zero())
                    .unwrap_or(self.config.ban_duration);
                let until = now.saturating_add(duration.as_secs().max(1));
                let gate = &mut self.swarm.behaviour_mut().gate;
                if !gate.bans.insert(parsed, now, until, "manually added") {
                    return Err(NetworkError::AlreadyBanned(parsed.to_string()));
                }
                self.save_bans();
                self.emit(NetworkEvent::Banned {
                    target: parsed.to_string(),
                    reason: "manually added".into(),
                });
                self.enforce_bans();
                Ok(())
            }
            BanCommand::Remove => {
                if !self.swarm.behaviour_mut().gate.bans.remove(&parsed) {
                    return Err(NetworkError::NotBanned(parsed.to_string()));
                }
                self.save_bans();
                Ok(())
            }
        }
    }

    fn publish_block(&mut self, bytes: Vec<u8>) -> Result<(), NetworkError> {
        let limit = self.config.max_block_bytes;
        if bytes.len() > limit {
            return Err(NetworkError::MessageTooLarge {
                size: bytes.len(),
                limit,
            });
        }
        if self.sync.initial_download {
            // Peers have it, or will get it from where we did.
            debug!("not gossiping a block during initial download");
            return Ok(());
        }
        let topic = self.topic.clone();
        match self.swarm.behaviour_mut().gossipsub.publish(topic, bytes) {
            Ok(id) => {
                debug!(message = %id, "block published");
                Ok(())
            }
            Err(PublishError::Duplicate)
            | Err(PublishError::NoPeersSubscribedToTopic)
            | Err(PublishError::AllQueuesFull(_)) => {
                debug!("block not published: nothing to do");
                Ok(())
            }
            Err(PublishError::MessageTooLarge) => Err(NetworkError::MessageTooLarge {
                size: limit,
                limit: self.config.max_gossip_bytes(),
            }),
            Err(other) => Err(NetworkError::Transport(format!(
                "publishing failed: {other}"
            ))),
        }
    }
}
