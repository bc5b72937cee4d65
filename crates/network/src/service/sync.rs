//! The sync protocol's plumbing: our requests and their bookkeeping, peers' requests,
//! and status exchange. Headers-first sync is in `headers`, block download in
//! `blocks`.

use super::Service;
use crate::codec::is_bad_data;
use crate::limits::{MAX_INBOUND_REQUESTS_PER_PEER, MAX_SERVING, STALL_TIMEOUT};
use crate::message::{StatusMessage, SyncRequest, SyncResponse};
use crate::scoring::Misbehaviour;
use crate::sync::{OpenRequest, Outstanding};
use crate::worker::{self, status_message, ChainEvent};
use libp2p::request_response::{self, OutboundRequestId};
use libp2p::PeerId;
use tracing::debug;

impl Service {
    pub(super) fn send(
        &mut self,
        peer: PeerId,
        request: SyncRequest,
        what: Outstanding,
    ) -> OutboundRequestId {
        let id = self.swarm.behaviour_mut().sync.send_request(&peer, request);
        let sent = std::time::Instant::now();
        self.sync
            .requests
            .insert(id, OpenRequest { peer, what, sent });
        if let Some(entry) = self.peers.get_mut(&peer) {
            entry.requests_out += 1;
        }
        id
    }

    /// Removes an open request; returns what it was for.
    fn close_request(&mut self, id: OutboundRequestId) -> Option<(PeerId, Outstanding)> {
        let OpenRequest { peer, what, .. } = self.sync.requests.remove(&id)?;
        if let Some(entry) = self.peers.get_mut(&peer) {
            entry.requests_out = entry.requests_out.saturating_sub(1);
            if matches!(what, Outstanding::Status) {
                entry.status_in_flight = false;
            }
        }
        Some((peer, what))
    }

    /// A request ended without a usable answer: give its work to others.
    pub(super) fn request_failed(&mut self, id: OutboundRequestId) {
        match self.close_request(id) {
            Some((_, Outstanding::Blocks(hashes))) => self.sync.requeue(&hashes),
            Some((peer, Outstanding::Headers)) if self.sync.header_peer == Some(peer) => {
                self.sync.header_peer = None;
            }
            _ => {}
        }
    }

    /// Takes back header and block requests a peer has left unanswered past
    /// [`STALL_TIMEOUT`]: its blocks go to other peers, its claim of more work is no
    /// longer chased, and, when another peer can serve us, it is disconnected (as Core
    /// disconnects a stalling peer). A late answer finds no open request and is dropped.
    pub(super) fn drop_stalled_requests(&mut self) {
        let stalled: Vec<(OutboundRequestId, PeerId)> = self
            .sync
            .requests
            .iter()
            .filter(|(_, open)| !matches!(open.what, Outstanding::Status))
            .filter(|(_, open)| open.sent.elapsed() > STALL_TIMEOUT)
            .map(|(id, open)| (*id, open.peer))
            .collect();
        if stalled.is_empty() {
            return;
        }
        let mut stallers = Vec::new();
        for (id, peer) in stalled {
            self.request_failed(id);
            if let Some(entry) = self.peers.get_mut(&peer) {
                entry.exhausted_work = entry.status.as_ref().map(|s| s.best_work);
                entry.no_blocks_until = Some(std::time::Instant::now() + STALL_TIMEOUT);
            }
            if !stallers.contains(&peer) {
                stallers.push(peer);
            }
        }
        for peer in stallers {
            let others = self.peers.ready().filter(|(id, _)| **id != peer).count();
            debug!(%peer, others, "peer stalled a sync request");
            if others > 0 {
                let _ = self.swarm.disconnect_peer_id(peer);
            }
        }
        self.after_chain_change();
    }

    pub(super) fn request_status(&mut self, peer: PeerId) {
        let Some(entry) = self.peers.get_mut(&peer) else {
            return;
        };
        if !entry.ready || entry.status_in_flight {
            return;
        }
        entry.status_in_flight = true;
        let status = status_message(&self.sync.local);
        self.send(peer, SyncRequest::Status(status), Outstanding::Status);
    }

    /// Asks every peer for its status once per status interval.
    pub(super) fn refresh_statuses(&mut self) {
        let interval = self.config.status_interval;
        let due: Vec<PeerId> = self
            .peers
            .ready()
            .filter(|(_, p)| !p.status_in_flight)
            .filter(|(_, p)| {
                p.status.is_none() || p.last_status_at.is_none_or(|at| at.elapsed() >= interval)
            })
            .map(|(id, _)| *id)
            .collect();
        for peer in due {
            self.request_status(peer);
        }
    }

    pub(super) fn on_sync_event(
        &mut self,
        event: request_response::Event<SyncRequest, SyncResponse>,
    ) {
        use request_response::{Event, Message};
        match event {
            Event::Message {
                peer,
                message:
                    Message::Request {
                        request, channel, ..
                    },
                ..
            } => self.on_request(peer, request, channel),
            Event::Message {
                peer,
                message:
                    Message::Response {
                        request_id,
                        response,
                    },
                ..
            } => self.on_response(peer, request_id, response),
            Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                debug!(%peer, "sync request failed: {error}");
                self.request_failed(request_id);
                if let request_response::OutboundFailure::Io(e) = &error {
                    if is_bad_data(e) {
                        self.misbehave(peer, Misbehaviour::Undecodable);
                    }
                }
                self.schedule_downloads();
            }
            Event::InboundFailure { peer, error, .. } => {
                debug!(%peer, "answering a sync request failed: {error}");
                if let request_response::InboundFailure::Io(e) = &error {
                    if is_bad_data(e) {
                        self.misbehave(peer, Misbehaviour::Undecodable);
                    }
                }
            }
            Event::ResponseSent { .. } => {}
        }
    }

    fn on_request(
        &mut self,
        peer: PeerId,
        request: SyncRequest,
        channel: request_response::ResponseChannel<SyncResponse>,
    ) {
        if let SyncRequest::Status(status) = &request {
            self.on_status(peer, status.clone());
        }
        let Some(entry) = self.peers.get_mut(&peer) else {
            return;
        };
        if entry.serving >= MAX_INBOUND_REQUESTS_PER_PEER {
            self.misbehave(peer, Misbehaviour::RequestFlood);
            return;
        }
        if self.serving >= MAX_SERVING {
            debug!(%peer, "too busy to answer a sync request");
            return;
        }
        entry.serving += 1;
        self.serving += 1;
        worker::serve_query(
            &self.serving_permits,
            &self.chain,
            &self.chain_tx,
            move |chain| ChainEvent::Served {
                peer,
                channel,
                response: worker::serve(chain, request),
            },
        );
    }

    fn on_response(&mut self, peer: PeerId, id: OutboundRequestId, response: SyncResponse) {
        let Some((_, what)) = self.close_request(id) else {
            return;
        };
        match (what, response) {
            (Outstanding::Status, SyncResponse::Status(status)) => self.on_status(peer, status),
            (Outstanding::Headers, SyncResponse::Headers(headers)) => {
                self.on_headers(peer, headers)
            }
            (Outstanding::Blocks(hashes), SyncResponse::Blocks(blocks)) => {
                self.on_blocks(peer, hashes, blocks)
            }
            (what, _) => {
                // An answer of the wrong kind: junk.
                if let Outstanding::Blocks(hashes) = &what {
                    self.sync.requeue(hashes);
                }
                if matches!(what, Outstanding::Headers) && self.sync.header_peer == Some(peer) {
                    self.sync.header_peer = None;
                }
                self.misbehave(peer, Misbehaviour::Undecodable);
            }
        }
    }

    pub(super) fn on_status(&mut self, peer: PeerId, status: StatusMessage) {
        if status.genesis != self.config.genesis {
            self.misbehave(peer, Misbehaviour::WrongGenesis);
            return;
        }
        let Some(entry) = self.peers.get_mut(&peer) else {
            return;
        };
        entry.record_status(status);
        self.after_chain_change();
    }
}
