//! Block download and verdicts.
//!
//! Missing bodies of the best header chain are fetched in batches from every peer whose
//! chain is at least as heavy as our best header, several requests per peer, and handed
//! to the chain as they arrive. Verdicts on downloaded and gossiped blocks come back
//! here, as does the initial-download flag.

use super::Service;
use crate::limits::{DOWNLOAD_WINDOW, INITIAL_DOWNLOAD_LAG, MAX_PENDING_BLOCK_BYTES};
use crate::message::SyncRequest;
use crate::scoring::Misbehaviour;
use crate::sync::Outstanding;
use crate::worker::{self, ChainEvent, Job, Origin, Verdict};
use crate::{BlockVerdict, ChainStatus, NetworkEvent};
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::BlockHash;
use libp2p::gossipsub::MessageAcceptance;
use libp2p::PeerId;
use std::time::{Duration, Instant};
use tracing::{debug, info};

/// How long a peer that had none of the blocks we asked for is not asked again.
const NO_BLOCKS_PAUSE: Duration = Duration::from_secs(10);

/// The hash of a block or header from its first 80 bytes, without decoding the rest.
pub(super) fn block_hash_of(bytes: &[u8]) -> Option<BlockHash> {
    let header = bytes.get(..80)?;
    Some(BlockHash::from_raw_hash(sha256d::Hash::hash(header)))
}

impl Service {
    /// Asks the chain for the download queue, unless already asking.
    pub(super) fn request_missing(&mut self) {
        if self.sync.missing_query {
            return;
        }
        self.sync.missing_query = true;
        worker::query(&self.chain, &self.chain_tx, |chain| {
            ChainEvent::Missing(chain.missing_blocks(DOWNLOAD_WINDOW))
        });
    }

    /// Hands out block requests to peers with room for more.
    pub(super) fn schedule_downloads(&mut self) {
        if !self.sync.blocks_missing() {
            self.sync.queue.clear();
            return;
        }
        if self.sync.queue.is_empty() {
            // Ask again once half the window is done with (connected, not merely
            // downloaded): each answer walks the window, and asking after every block
            // while validation is behind cost a walk per block for nothing new.
            if self.sync.in_flight.len() + self.sync.pending.len() < DOWNLOAD_WINDOW / 2 {
                self.request_missing();
            }
            return;
        }
        let header_work = self.sync.local.header_work;
        let limit = self.config.max_requests_per_peer;
        let now = Instant::now();
        let mut candidates: Vec<(usize, PeerId)> = self
            .peers
            .ready()
            .filter(|(_, p)| {
                p.status
                    .as_ref()
                    .is_some_and(|s| s.best_work >= header_work)
            })
            .filter(|(_, p)| p.no_blocks_until.is_none_or(|until| until <= now))
            .filter(|(_, p)| p.requests_out < limit)
            .map(|(id, p)| (p.requests_out, *id))
            .collect();
        // Least busy first, so the load spreads over all peers.
        candidates.sort();
        let mut progress = true;
        while progress {
            progress = false;
            for (_, peer) in &candidates {
                if self.sync.pending_bytes >= MAX_PENDING_BLOCK_BYTES {
                    return;
                }
                let busy = self.peers.get(peer).map_or(limit, |p| p.requests_out);
                if busy >= limit {
                    continue;
                }
                let batch = self.sync.take_batch(self.config.blocks_per_request);
                if batch.is_empty() {
                    return;
                }
                for hash in &batch {
                    self.sync.in_flight.insert(*hash, *peer);
                }
                self.send(
                    *peer,
                    SyncRequest::GetBlocks(batch.clone()),
                    Outstanding::Blocks(batch),
                );
                progress = true;
            }
        }
    }

    pub(super) fn on_blocks(&mut self, peer: PeerId, asked: Vec<BlockHash>, blocks: Vec<Vec<u8>>) {
        if blocks.is_empty() {
            if let Some(entry) = self.peers.get_mut(&peer) {
                entry.no_blocks_until = Some(Instant::now() + NO_BLOCKS_PAUSE);
            }
        }
        let mut delivered = 0;
        for (i, bytes) in blocks.into_iter().enumerate() {
            let expected = asked.get(i).copied();
            let Some(hash) = block_hash_of(&bytes) else {
                self.sync.requeue(asked.get(delivered..).unwrap_or(&[]));
                self.misbehave(peer, Misbehaviour::Undecodable);
                return;
            };
            if expected != Some(hash) {
                self.sync.requeue(asked.get(delivered..).unwrap_or(&[]));
                self.misbehave(peer, Misbehaviour::UnrequestedBlock);
                self.schedule_downloads();
                return;
            }
            self.sync.in_flight.remove(&hash);
            self.sync.add_pending(hash, bytes.len());
            let job = Job::Block {
                origin: Origin::Sync { peer },
                hash,
                bytes,
            };
            let _ = self.worker.sync.send(job);
            delivered += 1;
        }
        self.sync.requeue(asked.get(delivered..).unwrap_or(&[]));
        self.schedule_downloads();
    }

    pub(super) fn on_block_done(
        &mut self,
        origin: Origin,
        hash: BlockHash,
        size: usize,
        verdict: Verdict,
        status: ChainStatus,
    ) {
        let _ = size;
        self.sync.local = status;
        self.sync.finish_pending(&hash);
        match origin {
            Origin::Sync { peer } => {
                match &verdict {
                    Verdict::Chain(BlockVerdict::Rejected(rejection)) => {
                        debug!(%peer, %hash, reason = %rejection.reason, "downloaded block rejected");
                        if rejection.blames_sender() {
                            self.misbehave(peer, Misbehaviour::InvalidBlock);
                        } else {
                            // An honest peer could send it; asking again at once would
                            // only bring the same refusal.
                            self.sync.pause(hash);
                        }
                        // Whoever has the real block supplies it on the next pass.
                        self.request_missing();
                    }
                    Verdict::Undecodable(e) => {
                        debug!(%peer, %hash, "downloaded block does not decode: {e}");
                        self.misbehave(peer, Misbehaviour::Undecodable);
                        self.request_missing();
                    }
                    Verdict::Chain(_) => {
                        let height = self.sync.local.best_height;
                        if let Some(entry) = self.peers.get_mut(&peer) {
                            let theirs = entry.status.as_ref().map_or(height, |s| s.best_height);
                            entry.synced_blocks = Some(height.min(theirs));
                        }
                    }
                }
            }
            Origin::Gossip { message_id, source } => {
                let acceptance = match &verdict {
                    Verdict::Chain(BlockVerdict::NewTip) => MessageAcceptance::Accept,
                    // Only new tips are relayed (as Core announces only its active
                    // chain): a side branch spreads by header sync once it is the
                    // heavier one, never as gossip anyone can make cheaply.
                    Verdict::Chain(
                        BlockVerdict::Duplicate | BlockVerdict::SideChain | BlockVerdict::LowWork,
                    ) => MessageAcceptance::Ignore,
                    Verdict::Chain(BlockVerdict::Orphan) => {
                        // We lack its ancestors: the sender's status will start a sync.
                        self.request_status(source);
                        MessageAcceptance::Ignore
                    }
                    Verdict::Chain(BlockVerdict::Rejected(rejection))
                        if rejection.blames_sender() =>
                    {
                        self.misbehave(source, Misbehaviour::InvalidBlock);
                        MessageAcceptance::Reject
                    }
                    Verdict::Chain(BlockVerdict::Rejected(_)) => MessageAcceptance::Ignore,
                    Verdict::Undecodable(_) => {
                        self.misbehave(source, Misbehaviour::Undecodable);
                        MessageAcceptance::Reject
                    }
                };
                debug!(%hash, from = %source, ?verdict, "gossiped block");
                self.swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(&message_id, &source, acceptance);
            }
        }
        self.after_chain_change();
    }

    /// Enters initial download when our own validated headers are well ahead of our
    /// blocks, or our chain has less work than the spec's `min_chain_work`; leaves it
    /// once neither holds and nothing is left to fetch. Peers' claims play no part
    /// (Core's `IsInitialBlockDownload` reads only its own chain): a peer claiming a
    /// chain it never delivers cannot hold the node in initial download, where it would
    /// mine nothing and relay no transactions.
    pub(super) fn update_initial_download(&mut self) {
        let height = self.sync.local.best_height;
        let target = self.sync.local.header_height;
        let below_min_work = self.sync.local.below_min_work;
        if !self.sync.initial_download {
            if below_min_work || target > height.saturating_add(INITIAL_DOWNLOAD_LAG) {
                self.sync.initial_download = true;
                self.sync.reset_progress();
                info!(height, target, "initial block download started");
                let _ = self.worker.sync.send(Job::SetInitialDownload(true));
                self.emit(NetworkEvent::InitialDownload(true));
            }
            return;
        }
        let done = !below_min_work
            && self.sync.header_peer.is_none()
            && self.sync.in_flight.is_empty()
            && self.sync.pending.is_empty()
            && !self.sync.blocks_missing();
        if done {
            self.sync.initial_download = false;
            info!(height, "initial block download finished");
            let _ = self.worker.sync.send(Job::SetInitialDownload(false));
            self.emit(NetworkEvent::InitialDownload(false));
        }
    }
}
