//! The sync state: which peer we take headers from, the queue of blocks to download,
//! what is in flight and what awaits validation, and the initial-download flag. The
//! event loop (`service::sync`) drives it.

use crate::ChainStatus;
use bitcoin::BlockHash;
use libp2p::request_response::OutboundRequestId;
use libp2p::PeerId;
use std::collections::{HashMap, VecDeque};
use std::time::Instant;

/// An open request of ours: to whom, for what, since when.
#[derive(Debug, Clone)]
pub(crate) struct OpenRequest {
    pub peer: PeerId,
    pub what: Outstanding,
    pub sent: Instant,
}

/// What an open request of ours asked for.
#[derive(Debug, Clone)]
pub(crate) enum Outstanding {
    Status,
    Headers,
    Blocks(Vec<BlockHash>),
}

#[derive(Debug)]
pub(crate) struct SyncState {
    pub local: ChainStatus,
    /// The peer we download headers from, if any (one at a time, as Bitcoin Core does
    /// during initial download).
    pub header_peer: Option<PeerId>,
    pub requests: HashMap<OutboundRequestId, OpenRequest>,
    /// Header responses in a row from the header-sync peer that added nothing.
    pub fruitless_headers: u32,
    /// Missing blocks not yet asked for, lowest first.
    pub queue: VecDeque<BlockHash>,
    pub in_flight: HashMap<BlockHash, PeerId>,
    /// Downloaded blocks handed to the worker, with their sizes.
    pub pending: HashMap<BlockHash, usize>,
    pub pending_bytes: usize,
    pub missing_query: bool,
    /// Blocks the chain refused for a reason an honest peer can cause (a time too far
    /// ahead): not downloaded again until the pause ends.
    paused: HashMap<BlockHash, Instant>,
    pub initial_download: bool,
    progress: Progress,
}

/// How long a block refused without fault is not downloaded again.
const REFUSED_PAUSE: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Debug)]
struct Progress {
    at: Instant,
    height: u32,
}

impl SyncState {
    pub fn new(local: ChainStatus) -> SyncState {
        let height = local.best_height;
        SyncState {
            local,
            header_peer: None,
            requests: HashMap::new(),
            fruitless_headers: 0,
            queue: VecDeque::new(),
            in_flight: HashMap::new(),
            pending: HashMap::new(),
            pending_bytes: 0,
            missing_query: false,
            paused: HashMap::new(),
            initial_download: false,
            progress: Progress {
                at: Instant::now(),
                height,
            },
        }
    }

    /// Whether the best header is ahead of the best block.
    pub fn blocks_missing(&self) -> bool {
        self.local.header_work > self.local.best_work
    }

    /// Replaces the queue with the chain's list of missing blocks, minus those already
    /// asked for or awaiting validation.
    pub fn set_missing(&mut self, missing: Vec<BlockHash>) {
        self.missing_query = false;
        let now = Instant::now();
        self.paused.retain(|_, until| *until > now);
        self.queue = missing
            .into_iter()
            .filter(|h| !self.in_flight.contains_key(h) && !self.pending.contains_key(h))
            .filter(|h| !self.paused.contains_key(h))
            .collect();
    }

    /// Keeps a block refused without anyone's fault out of downloads for a while.
    pub fn pause(&mut self, hash: BlockHash) {
        self.paused.insert(hash, Instant::now() + REFUSED_PAUSE);
    }

    /// Takes up to `n` queued hashes for a request.
    pub fn take_batch(&mut self, n: usize) -> Vec<BlockHash> {
        let mut batch = Vec::with_capacity(n);
        while batch.len() < n {
            let Some(hash) = self.queue.pop_front() else {
                break;
            };
            if self.in_flight.contains_key(&hash) || self.pending.contains_key(&hash) {
                continue;
            }
            batch.push(hash);
        }
        batch
    }

    /// Puts hashes that were asked for but not delivered back at the front.
    pub fn requeue(&mut self, hashes: &[BlockHash]) {
        for hash in hashes.iter().rev() {
            if self.in_flight.remove(hash).is_some() {
                self.queue.push_front(*hash);
            }
        }
    }

    pub fn add_pending(&mut self, hash: BlockHash, size: usize) {
        if self.pending.insert(hash, size).is_none() {
            self.pending_bytes += size;
        }
    }

    pub fn finish_pending(&mut self, hash: &BlockHash) {
        if let Some(size) = self.pending.remove(hash) {
            self.pending_bytes = self.pending_bytes.saturating_sub(size);
        }
    }

    /// The blocks-per-second figure since the last call, if `every` has passed.
    pub fn progress(&mut self, every: std::time::Duration) -> Option<f64> {
        let elapsed = self.progress.at.elapsed();
        if elapsed < every {
            return None;
        }
        let blocks = self.local.best_height.saturating_sub(self.progress.height);
        self.progress = Progress {
            at: Instant::now(),
            height: self.local.best_height,
        };
        Some(f64::from(blocks) / elapsed.as_secs_f64().max(0.001))
    }

    pub fn reset_progress(&mut self) {
        self.progress = Progress {
            at: Instant::now(),
            height: self.local.best_height,
        };
    }
}

/// How far a sync at `height` of `target` is, as a percentage, and the time left at
/// `rate` blocks per second (none while nothing moves).
pub fn sync_eta(height: u32, target: u32, rate: f64) -> (f64, Option<std::time::Duration>) {
    if target == 0 || height >= target {
        return (100.0, Some(std::time::Duration::ZERO));
    }
    let percent = f64::from(height) * 100.0 / f64::from(target);
    let left = f64::from(target - height);
    let eta = (rate > 0.0).then(|| std::time::Duration::from_secs_f64(left / rate));
    (percent, eta)
}

/// A duration for people: `2h 05m`, `3m 20s`, `45s`.
pub fn human_duration(duration: std::time::Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;

    #[test]
    fn progress_is_a_percentage_and_a_time_left() {
        use std::time::Duration;
        assert_eq!(
            sync_eta(250, 1000, 50.0),
            (25.0, Some(Duration::from_secs(15)))
        );
        assert_eq!(sync_eta(250, 1000, 0.0), (25.0, None));
        assert_eq!(sync_eta(1000, 1000, 0.0), (100.0, Some(Duration::ZERO)));
        assert_eq!(sync_eta(5, 0, 1.0).0, 100.0);
        assert_eq!(human_duration(Duration::from_secs(45)), "45s");
        assert_eq!(human_duration(Duration::from_secs(200)), "3m 20s");
        assert_eq!(human_duration(Duration::from_secs(7500)), "2h 05m");
    }

    fn hash(n: u8) -> BlockHash {
        BlockHash::from_byte_array([n; 32])
    }

    fn state() -> SyncState {
        SyncState::new(ChainStatus {
            genesis: hash(0),
            best_hash: hash(0),
            best_height: 0,
            best_work: [0; 32],
            header_height: 0,
            header_work: [0; 32],
            below_min_work: false,
        })
    }

    #[test]
    fn queue_skips_what_is_in_flight_or_pending() {
        let mut sync = state();
        let peer = PeerId::random();
        sync.in_flight.insert(hash(2), peer);
        sync.add_pending(hash(3), 10);
        sync.pause(hash(5));
        sync.set_missing((1..=6).map(hash).collect());
        assert_eq!(sync.queue, VecDeque::from(vec![hash(1), hash(4), hash(6)]));
        let batch = sync.take_batch(2);
        assert_eq!(batch, vec![hash(1), hash(4)]);
        for h in &batch {
            sync.in_flight.insert(*h, peer);
        }
        sync.requeue(&batch);
        assert_eq!(sync.queue.front(), Some(&hash(1)));
        assert_eq!(sync.pending_bytes, 10);
        sync.finish_pending(&hash(3));
        assert_eq!(sync.pending_bytes, 0);
    }
}
