//! Misbehaviour, bans and the end of a peer's connection.

use super::{Service, HANDSHAKE_TIMEOUT};
use crate::bans::{ip_of, unix_now, BanTarget};
use crate::peers::Peer;
use crate::scoring::{Misbehaviour, BAN_THRESHOLD};
use crate::{NetworkEvent, PeerId as ApiPeerId};
use libp2p::PeerId;
use tracing::{debug, info, warn};

impl Service {
    /// Adds misbehaviour points; at the threshold the peer is banned.
    pub(super) fn misbehave(&mut self, peer: PeerId, what: Misbehaviour) {
        let points = what.points();
        let score = match self.peers.get_mut(&peer) {
            Some(entry) => {
                entry.misbehavior = entry.misbehavior.saturating_add(points);
                entry.misbehavior
            }
            // Gone already (its verdict came late): judge the act alone.
            None => points,
        };
        warn!(%peer, points, score, "peer misbehaved: {}", what.describe());
        if score >= BAN_THRESHOLD {
            self.ban_peer(peer, what.describe());
        }
    }

    /// Bans a peer by id, and by IP unless that is a loopback or unspecified address
    /// (several honest nodes may share one; Bitcoin Core spares local peers too), then
    /// disconnects it.
    pub(super) fn ban_peer(&mut self, peer: PeerId, reason: &str) {
        let now = unix_now();
        let until = now.saturating_add(self.config.ban_duration.as_secs());
        let ip = self
            .peers
            .get(&peer)
            .and_then(|p| ip_of(&p.addr))
            .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
        let gate = &mut self.swarm.behaviour_mut().gate;
        let new = gate.bans.insert(BanTarget::Peer(peer), now, until, reason);
        if let Some(ip) = ip {
            gate.bans
                .insert(BanTarget::single_ip(ip), now, until, reason);
        }
        let _ = self.swarm.disconnect_peer_id(peer);
        if !new {
            // Several verdicts against one peer can land after its ban.
            return;
        }
        self.save_bans();
        info!(%peer, ip = ?ip, reason, "peer banned");
        self.emit(NetworkEvent::Banned {
            target: peer.to_string(),
            reason: reason.to_string(),
        });
    }

    /// Disconnects connected peers that the ban list now covers.
    pub(super) fn enforce_bans(&mut self) {
        let gate = &self.swarm.behaviour().gate;
        let doomed: Vec<PeerId> = self
            .peers
            .peers
            .iter()
            .filter(|(id, p)| gate.check_peer(id).is_err() || gate.check_addr(&p.addr).is_err())
            .map(|(id, _)| *id)
            .collect();
        for peer in doomed {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
    }

    /// Cleans up after a peer's last connection closed.
    pub(super) fn peer_gone(&mut self, peer_id: PeerId, peer: Peer) {
        let open: Vec<_> = self
            .sync
            .requests
            .iter()
            .filter(|(_, open)| open.peer == peer_id)
            .map(|(id, _)| *id)
            .collect();
        for id in open {
            self.request_failed(id);
        }
        if self.sync.header_peer == Some(peer_id) {
            self.sync.header_peer = None;
        }
        if peer.ready {
            info!(peer = %peer_id, "peer disconnected");
            self.emit(NetworkEvent::PeerDisconnected {
                peer_id: ApiPeerId::from_libp2p(peer_id),
            });
        }
        self.after_chain_change();
    }

    /// Disconnects peers that never confirmed they follow our chain.
    pub(super) fn drop_stalled_handshakes(&mut self) {
        let stalled: Vec<PeerId> = self
            .peers
            .peers
            .iter()
            .filter(|(_, p)| !p.ready && p.connected_at.elapsed() > HANDSHAKE_TIMEOUT)
            .map(|(id, _)| *id)
            .collect();
        for peer in stalled {
            debug!(%peer, "no identify in time; disconnecting");
            let _ = self.swarm.disconnect_peer_id(peer);
        }
    }

    /// The best height claimed by a peer with more work than our tip.
    pub(super) fn best_peer_height(&self) -> u32 {
        self.peers
            .ready()
            .filter(|(_, p)| p.claims_more_work_than(&self.sync.local.best_work))
            .filter_map(|(_, p)| p.status.as_ref().map(|s| s.best_height))
            .max()
            .unwrap_or(0)
    }
}
