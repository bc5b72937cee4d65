//! Checking a miner's share: its job, its fields, its proof of work against the
//! connection's share target (never easier than the job's share floor), then against
//! every chain's target, each solution going to the chain it solves.

use crate::coordinator::{
    Coordinator, FoundBlock, ShareKey, VersionRoll, EXTRANONCE1_SIZE, EXTRANONCE2_SIZE,
};
use bitcoin::consensus::encode;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tracing::{debug, warn};
use venture_pow::{PowHash, Target};

/// A miner's `mining.submit`, with its connection's extranonce1.
#[derive(Debug, Clone, Copy)]
pub struct ShareSubmission<'a> {
    pub job_id: &'a str,
    pub extranonce1: [u8; EXTRANONCE1_SIZE],
    pub extranonce2: &'a [u8],
    pub ntime: u32,
    pub nonce: u32,
    /// Rolled version bits (BIP310), already checked against the connection's mask;
    /// `None` hashes the job's version.
    pub version_roll: Option<VersionRoll>,
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
    /// The aux chains it was a block for, by chain id.
    pub aux_chain_ids: Vec<i32>,
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
        if let Some(roll) = share.version_roll {
            if roll.bits & !roll.mask != 0 {
                return Err(ShareRejection::Invalid(format!(
                    "Invalid version mask: version_bits {:08x} outside mask {:08x}",
                    roll.bits, roll.mask
                )));
            }
        }
        // The version hashed is the version of the parent block and of every AuxPoW's
        // parent header built from this share.
        let version = job.version(share.version_roll);
        let key = ShareKey {
            extranonce1: share.extranonce1,
            extranonce2,
            ntime: share.ntime,
            nonce: share.nonce,
            version,
        };
        if job.was_seen(&key) {
            return Err(ShareRejection::Duplicate);
        }
        let coinbase = job.coinbase(&share.extranonce1, &extranonce2);
        let header = job.header(&coinbase, version, share.ntime, share.nonce);
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
            aux_chain_ids: Vec::new(),
        };
        for work in job.aux.iter().filter(|w| w.target.is_met_by(&pow_hash)) {
            // Rolled bits 16 and up change the parent's chain id; Namecoin's strict
            // rule refuses a parent carrying the aux chain's own id, so such a share is
            // no proof for that chain (the next one will be).
            if venture_auxpow::version::chain_id(version as i32) == work.chain_id {
                debug!(
                    chain_id = work.chain_id,
                    "rolled parent version carries the aux chain id: no AuxPoW"
                );
                continue;
            }
            if !self.state().submitted_aux.insert(work.hash) {
                continue;
            }
            match job.auxpow(work, header, &coinbase) {
                Ok(auxpow) => {
                    accepted.aux_chain_ids.push(work.chain_id);
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
