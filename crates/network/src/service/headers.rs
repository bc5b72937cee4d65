//! Headers-first sync.
//!
//! Status messages tell us each peer's best work. When a peer has more than our best
//! header, we ask it (one peer at a time) for headers after our locator, hand them to
//! the chain, and repeat from the last one received until it has nothing more. A claim
//! is only a reason to ask: a peer that answers with nothing new, or not in time
//! (`drop_stalled_requests`), is not asked again until it claims more.

use super::Service;
use crate::limits::{MAX_FRUITLESS_HEADER_RESPONSES, MAX_HEADERS_PER_RESPONSE, MAX_LOCATOR_HASHES};
use crate::message::SyncRequest;
use crate::scoring::Misbehaviour;
use crate::sync::Outstanding;
use crate::worker::{self, ChainEvent, HeadersReply, Job};
use crate::{Blame, HeadersNext};
use bitcoin::BlockHash;
use libp2p::PeerId;
use tracing::debug;

impl Service {
    /// Re-evaluates everything that depends on our chain or peers' claims.
    pub(super) fn after_chain_change(&mut self) {
        self.maybe_start_header_sync();
        self.schedule_downloads();
        self.update_initial_download();
    }

    fn maybe_start_header_sync(&mut self) {
        if self.sync.header_peer.is_some() {
            return;
        }
        let ours = self.sync.local.header_work;
        let best = self
            .peers
            .ready()
            .filter(|(_, p)| p.claims_more_work_than(&ours))
            .filter_map(|(id, p)| p.status.as_ref().map(|s| (s.best_work, *id)))
            .max();
        let Some((_, peer)) = best else { return };
        self.sync.header_peer = Some(peer);
        self.sync.fruitless_headers = 0;
        debug!(%peer, "starting header sync");
        worker::query(&self.chain, &self.chain_tx, move |chain| {
            ChainEvent::Locator {
                peer,
                locator: chain.locator(),
            }
        });
    }

    /// Sends a header request, if `peer` is still the one we sync headers from.
    pub(super) fn request_headers(&mut self, peer: PeerId, mut locator: Vec<BlockHash>) {
        if self.sync.header_peer != Some(peer) || !self.peers.get(&peer).is_some_and(|p| p.ready) {
            if self.sync.header_peer == Some(peer) {
                self.sync.header_peer = None;
            }
            return;
        }
        locator.truncate(MAX_LOCATOR_HASHES);
        let request = SyncRequest::GetHeaders {
            locator,
            max: MAX_HEADERS_PER_RESPONSE as u32,
        };
        self.send(peer, request, Outstanding::Headers);
    }

    pub(super) fn on_headers(&mut self, peer: PeerId, headers: Vec<crate::Header>) {
        if headers.is_empty() {
            // Nothing after our locator: its claim of more work is stale (or false).
            if let Some(entry) = self.peers.get_mut(&peer) {
                entry.exhausted_work = entry.status.as_ref().map(|s| s.best_work);
            }
            if self.sync.header_peer == Some(peer) {
                self.sync.header_peer = None;
            }
            self.after_chain_change();
            return;
        }
        // The worker's headers queue keeps submissions in order (ahead of downloaded
        // blocks); the next request waits for the verdict, whose locator continues
        // from the last header.
        let _ = self.worker.headers.send(Job::Headers { peer, headers });
    }

    pub(super) fn on_headers_done(&mut self, reply: HeadersReply) {
        let HeadersReply {
            peer,
            received,
            full,
            last,
            result,
            status,
            locator,
        } = reply;
        self.sync.local = status;
        let syncing_from_peer = self.sync.header_peer == Some(peer);
        match result {
            Ok(outcome) => {
                debug!(%peer, received, added = outcome.added, checked = outcome.checked, height = self.sync.local.header_height, "headers taken in");
                let header_height = self.sync.local.header_height;
                let claimed = match self.peers.get_mut(&peer) {
                    Some(entry) => {
                        let claim = entry.status.as_ref().map(|s| (s.best_height, s.best_work));
                        entry.synced_headers =
                            Some(claim.map_or(header_height, |(h, _)| h.min(header_height)));
                        claim.map(|(_, work)| work)
                    }
                    None => None,
                };
                // A peer whose answers bring nothing, or whose chain proves too little
                // work, is not followed further, whatever it claims: a claim is not a
                // fact.
                self.sync.fruitless_headers = match outcome.checked {
                    0 => self.sync.fruitless_headers + 1,
                    _ => 0,
                };
                let given_up = outcome.next == HeadersNext::Done
                    || self.sync.fruitless_headers >= MAX_FRUITLESS_HEADER_RESPONSES;
                if given_up {
                    if let Some(entry) = self.peers.get_mut(&peer) {
                        entry.exhausted_work = entry.status.as_ref().map(|s| s.best_work);
                    }
                }
                let next = match outcome.next {
                    _ if given_up || !syncing_from_peer => None,
                    HeadersNext::Restart(locator) => Some(locator),
                    HeadersNext::Continue | HeadersNext::Done => {
                        let more =
                            full || claimed.is_some_and(|work| work > self.sync.local.header_work);
                        // Continue from what it sent, so a fork lighter than our best
                        // header is still followed to its end.
                        more.then(|| last.into_iter().chain(locator).collect())
                    }
                };
                match next {
                    Some(locator) => self.request_headers(peer, locator),
                    None if syncing_from_peer => self.sync.header_peer = None,
                    None => {}
                }
                self.request_missing();
            }
            Err(rejection) => {
                if syncing_from_peer {
                    self.sync.header_peer = None;
                }
                if let Some(entry) = self.peers.get_mut(&peer) {
                    entry.exhausted_work = entry.status.as_ref().map(|s| s.best_work);
                }
                match rejection.blame {
                    Blame::Sender => self.misbehave(peer, Misbehaviour::InvalidHeaders),
                    Blame::Unconnected => {
                        self.misbehave(peer, Misbehaviour::UnconnectedHeaders);
                    }
                    Blame::Nobody => {
                        debug!(%peer, reason = %rejection.reason, "headers not accepted");
                    }
                }
            }
        }
        self.after_chain_change();
    }
}
