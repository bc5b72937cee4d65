//! Headers from a peer, stored only once they prove enough work.
//!
//! A header costs its proof of work, which at a chain's launch is next to nothing; a
//! peer could otherwise fill the block index with a long cheap fork. Bitcoin Core's
//! answer (headers pre-sync, v24) is adapted here. A header chain is stored only when
//! its work reaches the anti-DoS threshold ([`Chain::anti_dos_work_threshold`]: the
//! spec's `min_chain_work`, or within 144 blocks' work of our tip). A full response
//! below it starts a *pre-sync*: the peer's headers are checked for linkage and proof
//! of work and their work summed, keeping only the hash of every
//! [`COMMITMENT_INTERVAL`]th header. Once the sum reaches the threshold the peer is
//! asked for the same headers again (*redownload*); each is checked against the kept
//! hashes, and a segment is stored only when its last header matches one, which proves
//! (every header commits to its parent) that the whole segment is the chain whose work
//! was counted. Memory stays at one hash per interval plus one segment, whatever the
//! peer sends; a peer that changes its headers between the two passes is caught.

use crate::header_pow::PowAhead;
use crate::{BlockError, Chain, ChainError, Reject};
use bitcoin::BlockHash;
use venture_pow::Work;
use venture_primitives::Header;

/// Headers between two kept hashes of a pre-synced chain: the most a redownload holds
/// in memory before it can store them (plus one response).
pub const COMMITMENT_INTERVAL: u32 = 250;

/// Blocks' worth of work below our tip that a header chain may end at and still be
/// stored without pre-sync (Core's `GetAntiDoSWorkThreshold` uses 144).
pub const NEAR_TIP_BLOCKS: u32 = 144;

/// What to ask the peer for next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadersNext {
    /// Headers after the last one it sent.
    Continue,
    /// Headers after this locator (a pre-sync reached the threshold: send them again).
    Restart(Vec<BlockHash>),
    /// Nothing: its chain ends below the threshold, so none of it was stored.
    Done,
}

/// What became of a response of headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadersProgress {
    /// Headers newly stored in the index.
    pub added: usize,
    /// Headers newly taken in: stored now or counted by a pre-sync (known ones are
    /// not), so zero means the response brought nothing new.
    pub checked: usize,
    pub next: HeadersNext,
}

/// One peer's header sync: empty unless a pre-sync or redownload is under way.
#[derive(Debug, Default)]
pub struct PeerHeaderSync {
    presync: Option<Presync>,
}

#[derive(Debug)]
struct Presync {
    /// The header we hold that the peer's chain builds on.
    fork: BlockHash,
    fork_height: u32,
    /// The last header counted, its height, and the chain work up to it.
    last: BlockHash,
    height: u32,
    work: Work,
    /// Hashes at `fork_height + k × COMMITMENT_INTERVAL`, k = 1, 2, …
    commitments: Vec<BlockHash>,
    redownload: Option<Redownload>,
    /// The redownload reached the last pre-synced header: all of it is stored.
    complete: bool,
}

#[derive(Debug)]
struct Redownload {
    /// The last header received again, its height, and those not yet stored.
    last: BlockHash,
    height: u32,
    pending: Vec<Header>,
}

impl PeerHeaderSync {
    /// Whether a pre-sync or redownload is under way.
    pub fn in_progress(&self) -> bool {
        self.presync.is_some()
    }
}

impl Chain {
    /// The work a header chain must reach to be stored without pre-sync: the spec's
    /// `min_chain_work`, or our tip's work less [`NEAR_TIP_BLOCKS`] blocks at the tip's
    /// difficulty, whichever is more.
    pub fn anti_dos_work_threshold(&self) -> Work {
        let tip = self.tip();
        let block = self.index.get(&tip.hash).map_or(Work::ZERO, |e| {
            Work::from_bits(e.header.bits.to_consensus())
        });
        let margin = Work(
            block
                .0
                .saturating_mul(venture_pow::U256::from(NEAR_TIP_BLOCKS)),
        );
        let near_tip = tip.chain_work - margin;
        near_tip.max(self.params.spec.consensus.min_chain_work)
    }

    /// Takes in a response of headers from the peer whose header-sync state is `sync`;
    /// `full` says whether the response was as long as a response can be (so the
    /// peer has more). Stores what proves enough work (see the module docs).
    pub fn process_peer_headers(
        &mut self,
        sync: &mut PeerHeaderSync,
        headers: &[Header],
        full: bool,
    ) -> Result<HeadersProgress, ChainError> {
        match sync.presync.take() {
            None => self
                .headers_from_our_chain(headers, full)
                .map(|(progress, presync)| {
                    sync.presync = presync;
                    progress
                }),
            Some(mut presync) => {
                let result = match presync.redownload.is_some() {
                    false => self.presync_headers(&mut presync, headers, full),
                    true => self.redownload_headers(&mut presync, headers, full),
                };
                // Kept only while it has a future; any error ends it.
                if !presync.complete && matches!(result, Ok(ref p) if p.next != HeadersNext::Done) {
                    sync.presync = Some(presync);
                }
                result
            }
        }
    }

    /// Headers that continue a chain we hold: stored if they reach the threshold,
    /// else the start of a pre-sync (a full response) or nothing (the chain ends low).
    fn headers_from_our_chain(
        &mut self,
        headers: &[Header],
        full: bool,
    ) -> Result<(HeadersProgress, Option<Presync>), ChainError> {
        let Some(first) = headers.first() else {
            return Ok((progress(0, 0, HeadersNext::Done), None));
        };
        let prev = first.pure.prev_blockhash;
        let Some(parent) = self.index.get(&prev).cloned() else {
            return Err(BlockError::new(
                Reject::PrevBlkNotFound,
                format!("headers do not connect: parent {prev} is unknown"),
            )
            .into());
        };
        let mut end_work = parent.chain_work;
        for header in headers {
            end_work += Work::from_bits(header.pure.bits.to_consensus());
        }
        if end_work >= self.anti_dos_work_threshold() {
            let added = self.process_headers(headers)?;
            return Ok((progress(added, added, HeadersNext::Continue), None));
        }
        if !full {
            return Ok((progress(0, headers.len(), HeadersNext::Done), None));
        }
        let mut presync = Presync {
            fork: parent.hash,
            fork_height: parent.height,
            last: parent.hash,
            height: parent.height,
            work: parent.chain_work,
            commitments: Vec::new(),
            redownload: None,
            complete: false,
        };
        let progress = self.presync_headers(&mut presync, headers, full)?;
        Ok((progress, Some(presync)))
    }

    /// Counts the work of headers that continue a pre-sync, keeping every
    /// [`COMMITMENT_INTERVAL`]th hash; at the threshold, asks for them all again.
    fn presync_headers(
        &mut self,
        presync: &mut Presync,
        headers: &[Header],
        full: bool,
    ) -> Result<HeadersProgress, ChainError> {
        let hashes: Vec<BlockHash> = headers.iter().map(Header::block_hash).collect();
        let mut ahead = PowAhead::new(headers, &hashes);
        for (at, (header, &hash)) in headers.iter().zip(&hashes).enumerate() {
            follow(presync.last, header)?;
            ahead.verdict(at, &self.params, true, |_| true)?;
            presync.last = hash;
            presync.height += 1;
            presync.work += Work::from_bits(header.pure.bits.to_consensus());
            if (presync.height - presync.fork_height).is_multiple_of(COMMITMENT_INTERVAL) {
                presync.commitments.push(hash);
            }
        }
        let next = if presync.work >= self.anti_dos_work_threshold() {
            presync.redownload = Some(Redownload {
                last: presync.fork,
                height: presync.fork_height,
                pending: Vec::new(),
            });
            HeadersNext::Restart(self.index.locator(&presync.fork))
        } else if full {
            HeadersNext::Continue
        } else {
            HeadersNext::Done
        };
        Ok(progress(0, headers.len(), next))
    }

    /// Takes the pre-synced headers again, storing each segment that ends at a kept
    /// hash (or at the pre-sync's last header); a header that differs from the kept
    /// hash means the peer changed its chain between the passes.
    fn redownload_headers(
        &mut self,
        presync: &mut Presync,
        headers: &[Header],
        full: bool,
    ) -> Result<HeadersProgress, ChainError> {
        let mut added = 0;
        let mut rest = headers;
        while let Some((header, tail)) = rest.split_first() {
            let redownload = presync.redownload.as_mut().expect("redownload under way");
            let hash = follow(redownload.last, header)?;
            redownload.last = hash;
            redownload.height += 1;
            redownload.pending.push(header.clone());
            rest = tail;
            let offset = redownload.height - presync.fork_height;
            let is_end = redownload.height == presync.height;
            let expected = if is_end {
                Some(presync.last)
            } else if offset.is_multiple_of(COMMITMENT_INTERVAL) {
                presync
                    .commitments
                    .get((offset / COMMITMENT_INTERVAL - 1) as usize)
                    .copied()
            } else {
                None
            };
            let Some(expected) = expected else { continue };
            if hash != expected {
                return Err(ChainError::HeadersChanged(format!(
                    "header {hash} at height {} is not the one pre-synced ({expected})",
                    redownload.height
                )));
            }
            let segment = std::mem::take(&mut redownload.pending);
            added += self.process_headers(&segment)?;
            if is_end {
                // Proven: what follows extends a chain above the threshold.
                presync.complete = true;
                added += self.process_headers(rest)?;
                return Ok(progress(added, headers.len(), HeadersNext::Continue));
            }
        }
        let next = if full {
            HeadersNext::Continue
        } else {
            // It stopped short of the chain it showed us: nothing more to gain.
            HeadersNext::Done
        };
        Ok(progress(added, headers.len(), next))
    }
}

/// The hash of `header` if it builds on `last`, else the error that says it does not.
fn follow(last: BlockHash, header: &Header) -> Result<BlockHash, BlockError> {
    if header.pure.prev_blockhash != last {
        return Err(BlockError::new(
            Reject::PrevBlkNotFound,
            format!(
                "header {} does not continue the headers before it ({last})",
                header.block_hash()
            ),
        ));
    }
    Ok(header.block_hash())
}

fn progress(added: usize, checked: usize, next: HeadersNext) -> HeadersProgress {
    HeadersProgress {
        added,
        checked,
        next,
    }
}
