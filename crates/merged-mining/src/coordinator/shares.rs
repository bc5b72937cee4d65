//! Checking a miner's share: its job, its fields, its proof of work against the
//! connection's share target (never easier than the job's share floor), then against
//! every chain's target, each solution going to the chain it solves.

use crate::coordinator::{Coordinator, FoundBlock, ShareKey, EXTRANONCE1_SIZE, EXTRANONCE2_SIZE};
use bitcoin::consensus::encode;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tracing::warn;
use venture_pow::{PowHash, Target};

/// A miner's `mining.submit`, with its connection's extranonce1.
#[derive(Debug, Clone, Copy)]
pub struct ShareSubmission<'a> {
    pub job_id: &'a str,
    pub extranonce1: [u8; EXTRANONCE1_SIZE],
    pub extranonce2: &'a [u8],
    pub ntime: u32,
    pub nonce: u32,
}

/// Why a share was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareRejection {
    /// Unknown job, or one superseded by a clean job.
    Stale,
    Duplicate,
    LowDifficulty,
    Invalid(String),
}

/// An accepted share and what it solved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareAccepted {
    pub pow_hash: PowHash,
    pub parent_block: bool,
    pub aux_blocks: usize,
}

impl Coordinator {
    /// Checks a share against its job and the connection's `share_target` (or the job's
    /// share floor when that is harder), and sends every chain it solves a block.
    pub fn check_share(
        &self,
        share: &ShareSubmission<'_>,
        share_target: &Target,
        received: Instant,
    ) -> Result<ShareAccepted, ShareRejection> {
        let result = self.check_share_inner(share, share_target, received);
        let counter = match &result {
            Ok(_) => &self.stats.shares_accepted,
            Err(ShareRejection::Stale) => &self.stats.shares_stale,
            Err(ShareRejection::Duplicate) => &self.stats.shares_duplicate,
            Err(ShareRejection::LowDifficulty) => &self.stats.shares_low_difficulty,
            Err(ShareRejection::Invalid(_)) => &self.stats.shares_invalid,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        result
    }

    fn check_share_inner(
        &self,
        share: &ShareSubmission<'_>,
        share_target: &Target,
        received: Instant,
    ) -> Result<ShareAccepted, ShareRejection> {
        let job = {
            let state = self.state();
            let job = state
                .jobs
                .iter()
                .rev()
                .find(|job| job.id == share.job_id)
                .cloned()
                .ok_or(ShareRejection::Stale)?;
            if job.epoch != state.epoch {
                return Err(ShareRejection::Stale);
            }
            job
        };
        let extranonce2: [u8; EXTRANONCE2_SIZE] = share.extranonce2.try_into().map_err(|_| {
            ShareRejection::Invalid(format!("extranonce2 must be {EXTRANONCE2_SIZE} bytes"))
        })?;
        if !job.ntime_ok(share.ntime) {
            return Err(ShareRejection::Invalid("ntime out of range".into()));
        }
        let key = ShareKey {
            extranonce1: share.extranonce1,
            extranonce2,
            ntime: share.ntime,
            nonce: share.nonce,
        };
        if job.was_seen(&key) {
            return Err(ShareRejection::Duplicate);
        }
        let coinbase = job.coinbase(&share.extranonce1, &extranonce2);
        let header = job.header(&coinbase, share.ntime, share.nonce);
        let header_bytes: [u8; 80] = encode::serialize(&header)
            .try_into()
            .map_err(|_| ShareRejection::Invalid("header is not 80 bytes".into()))?;
        let pow_hash = self.config.parent.pow.hash(&header_bytes);
        if !(*share_target).min(job.share_floor).is_met_by(&pow_hash) {
            return Err(ShareRejection::LowDifficulty);
        }
        if !job.first_seen(key) {
            return Err(ShareRejection::Duplicate);
        }

        let mut accepted = ShareAccepted {
            pow_hash,
            parent_block: false,
            aux_blocks: 0,
        };
        for work in job.aux.iter().filter(|w| w.target.is_met_by(&pow_hash)) {
            if !self.state().submitted_aux.insert(work.hash) {
                continue;
            }
            match job.auxpow(work, header, &coinbase) {
                Ok(auxpow) => {
                    accepted.aux_blocks += 1;
                    self.send_found(FoundBlock::Aux {
                        index: work.index,
                        chain_id: work.chain_id,
                        height: work.height,
                        hash: work.hash,
                        auxpow_hex: hex::encode(encode::serialize(&auxpow)),
                        share_received: received,
                    });
                }
                Err(e) => warn!(chain_id = work.chain_id, "cannot assemble an AuxPoW: {e}"),
            }
        }
        // Every parent solution goes out, even a second one on the same tip: it is a
        // distinct block (the node keeps it as a side block), and it is the parent
        // block of any AuxPoW made from the same share.
        if job.template.target.is_met_by(&pow_hash) {
            match job.block_bytes(&header, &coinbase) {
                Ok(block) => {
                    accepted.parent_block = true;
                    self.send_found(FoundBlock::Parent {
                        height: job.template.height,
                        hash: header.block_hash(),
                        prev_hash: job.template.prev_hash,
                        block_hex: hex::encode(block),
                        share_received: received,
                    });
                }
                Err(e) => {
                    self.stats
                        .parent_unbuildable
                        .fetch_add(1, Ordering::Relaxed);
                    warn!("parent solution not submitted: {e}");
                }
            }
        }
        Ok(accepted)
    }
}
