//! Added nodes (bootnodes and `addnode add`): dialled at start and redialled with
//! exponential back-off while not connected. Also dialling discovered peers up to the
//! outbound target.

use super::Service;
use crate::behaviour::Behaviour;
use crate::gate::FOREIGN_COOLDOWN;
use crate::{AddNodeCommand, Multiaddr, NetworkError};
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::ConnectionId;
use libp2p::{PeerId, Swarm};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tracing::debug;

const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Discovered peers remembered as dialling candidates.
const MAX_CANDIDATES: usize = 1_000;

#[derive(Debug)]
struct AddedNode {
    /// As given, possibly with `/p2p/<id>`.
    addr: Multiaddr,
    peer: Option<PeerId>,
    dialing: Option<ConnectionId>,
    next_attempt: Instant,
    backoff: Duration,
}

#[derive(Debug, Default)]
pub(super) struct Dialer {
    nodes: Vec<AddedNode>,
    /// Peers found by Kademlia or mDNS, with their addresses.
    candidates: HashMap<PeerId, Vec<libp2p::Multiaddr>>,
}

impl Dialer {
    pub fn new(bootnodes: &[Multiaddr]) -> Dialer {
        let mut dialer = Dialer::default();
        for addr in bootnodes {
            // Duplicates in the configuration are harmless.
            let _ = dialer.add(addr.clone());
        }
        dialer
    }

    pub fn add(&mut self, addr: Multiaddr) -> Result<(), NetworkError> {
        if self.nodes.iter().any(|n| n.addr == addr) {
            return Err(NetworkError::AlreadyAdded(addr.to_string()));
        }
        self.nodes.push(AddedNode {
            peer: addr.peer_id().map(|p| *p.as_libp2p()),
            addr,
            dialing: None,
            next_attempt: Instant::now(),
            backoff: FIRST_BACKOFF,
        });
        Ok(())
    }

    pub fn remove(&mut self, addr: &Multiaddr) -> Result<(), NetworkError> {
        let before = self.nodes.len();
        self.nodes.retain(|n| n.addr != *addr);
        if self.nodes.len() == before {
            return Err(NetworkError::NotAdded(addr.to_string()));
        }
        Ok(())
    }

    /// Dials every added node that is neither connected nor waiting out its back-off.
    pub fn dial_due(&mut self, swarm: &mut Swarm<Behaviour>) {
        let now = Instant::now();
        for node in &mut self.nodes {
            if node.dialing.is_some() || node.next_attempt > now {
                continue;
            }
            if node.peer.is_some_and(|p| swarm.is_connected(&p)) {
                continue;
            }
            let opts = dial_opts(&node.addr, node.peer);
            node.dialing = Some(opts.connection_id());
            node.next_attempt = now + node.backoff;
            node.backoff = (node.backoff * 2).min(MAX_BACKOFF);
            if let Err(e) = swarm.dial(opts) {
                debug!(addr = %node.addr, "dial refused: {e}");
                node.dialing = None;
            }
        }
    }

    /// A connection we dialled was established: learn the peer id of added nodes.
    pub fn established(&mut self, connection: ConnectionId, peer: PeerId) {
        for node in &mut self.nodes {
            if node.dialing == Some(connection) {
                node.dialing = None;
                node.peer.get_or_insert(peer);
            }
        }
    }

    pub fn failed(&mut self, connection: ConnectionId) {
        for node in &mut self.nodes {
            if node.dialing == Some(connection) {
                node.dialing = None;
            }
        }
    }

    /// The peer completed its handshake on our chain: the next loss is redialled soon.
    pub fn ready(&mut self, peer: &PeerId) {
        for node in &mut self.nodes {
            if node.peer.as_ref() == Some(peer) {
                node.backoff = FIRST_BACKOFF;
                node.next_attempt = Instant::now();
            }
        }
    }

    /// The peer follows another chain: leave it alone for a long while.
    pub fn foreign(&mut self, peer: &PeerId) {
        for node in &mut self.nodes {
            if node.peer.as_ref() == Some(peer) {
                node.next_attempt = Instant::now() + FOREIGN_COOLDOWN;
            }
        }
        self.candidates.remove(peer);
    }

    pub fn discovered(&mut self, peer: PeerId, addrs: Vec<libp2p::Multiaddr>) {
        if addrs.is_empty()
            || (self.candidates.len() >= MAX_CANDIDATES && !self.candidates.contains_key(&peer))
        {
            return;
        }
        self.candidates.insert(peer, addrs);
    }

    pub fn forget(&mut self, peer: &PeerId) {
        self.candidates.remove(peer);
    }

    /// Takes up to `n` candidates that pass `usable`.
    fn take_candidates(
        &mut self,
        n: usize,
        usable: impl Fn(&PeerId) -> bool,
    ) -> Vec<(PeerId, Vec<libp2p::Multiaddr>)> {
        let chosen: Vec<PeerId> = self
            .candidates
            .keys()
            .filter(|p| usable(p))
            .take(n)
            .copied()
            .collect();
        chosen
            .into_iter()
            .filter_map(|p| self.candidates.remove(&p).map(|a| (p, a)))
            .collect()
    }
}

fn dial_opts(addr: &Multiaddr, peer: Option<PeerId>) -> DialOpts {
    match peer {
        Some(peer) => DialOpts::peer_id(peer)
            .addresses(vec![addr.without_peer_id().as_libp2p().clone()])
            .condition(PeerCondition::DisconnectedAndNotDialing)
            .build(),
        None => DialOpts::unknown_peer_id()
            .address(addr.as_libp2p().clone())
            .build(),
    }
}

impl Service {
    pub(super) fn add_node(
        &mut self,
        addr: Multiaddr,
        command: AddNodeCommand,
    ) -> Result<(), NetworkError> {
        match command {
            AddNodeCommand::Add => {
                self.dialer.add(addr)?;
                self.dialer.dial_due(&mut self.swarm);
                Ok(())
            }
            AddNodeCommand::Remove => self.dialer.remove(&addr),
            AddNodeCommand::OneTry => {
                let opts = dial_opts(&addr, addr.peer_id().map(|p| *p.as_libp2p()));
                self.swarm
                    .dial(opts)
                    .map_err(|e| NetworkError::Transport(format!("cannot dial {addr}: {e}")))
            }
        }
    }

    /// Dials discovered peers while below the outbound target.
    pub(super) fn dial_discovered(&mut self) {
        let wanted = (self.config.target_outbound as usize).saturating_sub(self.peers.outbound());
        if wanted == 0 {
            return;
        }
        let local = *self.swarm.local_peer_id();
        let connected: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
        let gate = &self.swarm.behaviour().gate;
        let usable =
            |p: &PeerId| *p != local && !connected.contains(p) && gate.check_peer(p).is_ok();
        let chosen = self.dialer.take_candidates(wanted, usable);
        for (peer, addrs) in chosen {
            let opts = DialOpts::peer_id(peer)
                .addresses(addrs)
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build();
            if let Err(e) = self.swarm.dial(opts) {
                debug!(%peer, "dial refused: {e}");
            }
        }
    }
}
