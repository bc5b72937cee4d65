//! What the service knows about each connected peer.

use crate::bans::{ip_of, unix_now};
use crate::message::StatusMessage;
use crate::PeerInfo;
use libp2p::core::ConnectedPoint;
use libp2p::swarm::ConnectionId;
use libp2p::{Multiaddr, PeerId};
use std::collections::HashMap;
use std::time::Instant;

#[derive(Debug)]
pub(crate) struct Peer {
    /// Core-style number, given when the peer becomes ready.
    pub number: u64,
    pub connections: Vec<ConnectionId>,
    /// Direction and remote address of the first connection.
    pub inbound: bool,
    pub addr: Multiaddr,
    pub connected_at: Instant,
    pub conntime: u64,
    /// Identify confirmed the peer follows our chain.
    pub ready: bool,
    pub agent: String,
    pub status: Option<StatusMessage>,
    pub last_status_at: Option<Instant>,
    pub starting_height: Option<u32>,
    pub synced_headers: Option<u32>,
    pub synced_blocks: Option<u32>,
    pub misbehavior: u32,
    pub relay_blocks: bool,
    /// Our requests open with the peer (all kinds).
    pub requests_out: usize,
    pub status_in_flight: bool,
    /// Its requests we are answering.
    pub serving: usize,
    /// The peer answered a block request with nothing: not asked for blocks until then.
    pub no_blocks_until: Option<Instant>,
    /// The work the peer claimed when a header request to it brought nothing new: its
    /// claim is not chased again until it claims more.
    pub exhausted_work: Option<[u8; 32]>,
}

impl Peer {
    /// Whether the peer's latest status claims more work than `work`, and that claim has
    /// not already come to nothing.
    pub fn claims_more_work_than(&self, work: &[u8; 32]) -> bool {
        match &self.status {
            Some(status) => {
                status.best_work > *work
                    && self
                        .exhausted_work
                        .is_none_or(|seen| status.best_work > seen)
            }
            None => false,
        }
    }

    /// Takes in a status the peer sent. Statuses cross on the wire (the status inside a
    /// peer's own request is what it knew a moment before), so one claiming less work
    /// than a status already taken in is older news: the best claim stays, as Bitcoin
    /// Core keeps each peer's best known block. A peer that really lost work is caught
    /// by `exhausted_work` when its headers bring nothing.
    pub fn record_status(&mut self, status: StatusMessage) {
        self.starting_height.get_or_insert(status.best_height);
        self.last_status_at = Some(Instant::now());
        let older = self
            .status
            .as_ref()
            .is_some_and(|known| known.best_work > status.best_work);
        if !older {
            self.status = Some(status);
        }
    }

    pub fn info(&self, peer: &PeerId) -> PeerInfo {
        let height = |h: Option<u32>| h.map_or(-1, i64::from);
        PeerInfo {
            id: self.number,
            peer_id: peer.to_string(),
            addr: host_port(&self.addr).unwrap_or_else(|| self.addr.to_string()),
            multiaddr: self.addr.to_string(),
            inbound: self.inbound,
            conntime: self.conntime,
            startingheight: height(self.starting_height),
            best_height: height(self.status.as_ref().map(|s| s.best_height)),
            synced_headers: height(self.synced_headers),
            synced_blocks: height(self.synced_blocks),
            inflight: self.requests_out,
            subver: self.agent.clone(),
            relayblocks: self.relay_blocks,
            misbehavior: self.misbehavior,
        }
    }
}

/// `ip:port` (`[ip]:port` for IPv6) of a TCP multiaddr.
pub(crate) fn host_port(addr: &Multiaddr) -> Option<String> {
    let ip = ip_of(addr)?;
    let port = addr.iter().find_map(|p| match p {
        libp2p::multiaddr::Protocol::Tcp(port) => Some(port),
        _ => None,
    })?;
    Some(std::net::SocketAddr::new(ip, port).to_string())
}

pub(crate) fn remote_addr(endpoint: &ConnectedPoint) -> &Multiaddr {
    match endpoint {
        ConnectedPoint::Dialer { address, .. } => address,
        ConnectedPoint::Listener { send_back_addr, .. } => send_back_addr,
    }
}

#[derive(Debug, Default)]
pub(crate) struct PeerTable {
    pub peers: HashMap<PeerId, Peer>,
    next_number: u64,
}

impl PeerTable {
    /// Records a connection; returns true for a peer's first one.
    pub fn connected(
        &mut self,
        peer: PeerId,
        connection: ConnectionId,
        endpoint: &ConnectedPoint,
    ) -> bool {
        if let Some(entry) = self.peers.get_mut(&peer) {
            entry.connections.push(connection);
            return false;
        }
        self.peers.insert(
            peer,
            Peer {
                number: 0,
                connections: vec![connection],
                inbound: endpoint.is_listener(),
                addr: remote_addr(endpoint).clone(),
                connected_at: Instant::now(),
                conntime: unix_now(),
                ready: false,
                agent: String::new(),
                status: None,
                last_status_at: None,
                starting_height: None,
                synced_headers: None,
                synced_blocks: None,
                misbehavior: 0,
                relay_blocks: false,
                requests_out: 0,
                status_in_flight: false,
                serving: 0,
                no_blocks_until: None,
                exhausted_work: None,
            },
        );
        true
    }

    /// Forgets a connection; returns the peer's entry when it was its last one.
    pub fn disconnected(&mut self, peer: &PeerId, connection: ConnectionId) -> Option<Peer> {
        let entry = self.peers.get_mut(peer)?;
        entry.connections.retain(|c| *c != connection);
        if entry.connections.is_empty() {
            self.peers.remove(peer)
        } else {
            None
        }
    }

    /// Marks the peer ready and numbers it; false if it was ready already or is unknown.
    pub fn make_ready(&mut self, peer: &PeerId, agent: String) -> bool {
        let Some(entry) = self.peers.get_mut(peer) else {
            return false;
        };
        entry.agent = agent;
        if entry.ready {
            return false;
        }
        self.next_number += 1;
        entry.number = self.next_number;
        entry.ready = true;
        true
    }

    pub fn get(&self, peer: &PeerId) -> Option<&Peer> {
        self.peers.get(peer)
    }

    pub fn get_mut(&mut self, peer: &PeerId) -> Option<&mut Peer> {
        self.peers.get_mut(peer)
    }

    pub fn ready(&self) -> impl Iterator<Item = (&PeerId, &Peer)> {
        self.peers.iter().filter(|(_, p)| p.ready)
    }

    /// (total, inbound, outbound) over ready peers.
    pub fn counts(&self) -> (usize, usize, usize) {
        let inbound = self.ready().filter(|(_, p)| p.inbound).count();
        let total = self.ready().count();
        (total, inbound, total - inbound)
    }

    /// Outbound peers, ready or still in their handshake (for the dialling target).
    pub fn outbound(&self) -> usize {
        self.peers.values().filter(|p| !p.inbound).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;
    use bitcoin::BlockHash;
    use libp2p::core::transport::PortUse;
    use libp2p::core::Endpoint;

    fn status(height: u32, work: u8) -> StatusMessage {
        StatusMessage {
            genesis: BlockHash::all_zeros(),
            best_hash: BlockHash::from_byte_array([height as u8; 32]),
            best_height: height,
            best_work: [work; 32],
        }
    }

    fn a_peer() -> (PeerTable, PeerId) {
        let mut table = PeerTable::default();
        let peer = PeerId::random();
        let endpoint = ConnectedPoint::Dialer {
            address: "/ip4/127.0.0.1/tcp/1".parse().unwrap(),
            role_override: Endpoint::Dialer,
            port_use: PortUse::Reuse,
        };
        assert!(table.connected(peer, ConnectionId::new_unchecked(1), &endpoint));
        (table, peer)
    }

    #[test]
    fn an_older_status_does_not_lower_a_peers_claim() {
        let (mut table, peer) = a_peer();
        let entry = table.get_mut(&peer).unwrap();
        entry.record_status(status(5000, 9));
        // Its request, sent before it mined the last blocks, arrives after its answer.
        entry.record_status(status(4000, 8));
        assert_eq!(entry.status.as_ref().unwrap().best_height, 5000);
        assert_eq!(entry.starting_height, Some(5000));
        assert!(entry.claims_more_work_than(&[8; 32]));

        entry.record_status(status(5001, 10));
        assert_eq!(entry.status.as_ref().unwrap().best_height, 5001);
    }
}
