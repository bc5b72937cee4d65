//! A connection gate: refuses connections from and to banned peer ids, banned IP
//! subnets and nodes recently found to follow another chain, at the earliest point
//! libp2p lets a behaviour decide (before the handshake where the IP is enough).

use crate::bans::{ip_of, unix_now, BanList};
use libp2p::core::{transport::PortUse, Endpoint, Multiaddr};
use libp2p::swarm::{
    dummy, ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent,
    THandlerOutEvent, ToSwarm,
};
use libp2p::PeerId;
use std::collections::HashMap;
use std::convert::Infallible;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// How long a node of another chain is not dialled or accepted again.
pub(crate) const FOREIGN_COOLDOWN: Duration = Duration::from_secs(60 * 60);

#[derive(Debug)]
struct Refused(&'static str);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for Refused {}

#[derive(Debug, Default)]
pub(crate) struct Gate {
    pub bans: BanList,
    foreign: HashMap<PeerId, Instant>,
}

impl Gate {
    pub fn new(bans: BanList) -> Gate {
        Gate {
            bans,
            foreign: HashMap::new(),
        }
    }

    pub fn mark_foreign(&mut self, peer: PeerId) {
        self.foreign.insert(peer, Instant::now() + FOREIGN_COOLDOWN);
    }

    pub fn is_foreign(&self, peer: &PeerId) -> bool {
        self.foreign
            .get(peer)
            .is_some_and(|until| *until > Instant::now())
    }

    /// Forgets cooldowns that ran out.
    pub fn expire(&mut self) {
        let now = Instant::now();
        self.foreign.retain(|_, until| *until > now);
    }

    pub fn check_peer(&self, peer: &PeerId) -> Result<(), ConnectionDenied> {
        if self.bans.is_peer_banned(peer, unix_now()) {
            return Err(ConnectionDenied::new(Refused("peer is banned")));
        }
        if self.is_foreign(peer) {
            return Err(ConnectionDenied::new(Refused("peer follows another chain")));
        }
        Ok(())
    }

    pub fn check_addr(&self, addr: &Multiaddr) -> Result<(), ConnectionDenied> {
        match ip_of(addr) {
            Some(ip) if self.bans.is_ip_banned(&ip, unix_now()) => {
                Err(ConnectionDenied::new(Refused("address is banned")))
            }
            _ => Ok(()),
        }
    }
}

impl NetworkBehaviour for Gate {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        self.check_addr(remote_addr)
    }

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.check_peer(&peer)?;
        self.check_addr(remote_addr)?;
        Ok(dummy::ConnectionHandler)
    }

    fn handle_pending_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: Option<PeerId>,
        _: &[Multiaddr],
        _: Endpoint,
    ) -> Result<Vec<Multiaddr>, ConnectionDenied> {
        if let Some(peer) = peer {
            self.check_peer(&peer)?;
        }
        Ok(Vec::new())
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        addr: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.check_peer(&peer)?;
        self.check_addr(addr)?;
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, _: FromSwarm<'_>) {}

    fn on_connection_handler_event(
        &mut self,
        _: PeerId,
        _: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        libp2p::core::util::unreachable(event)
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}
