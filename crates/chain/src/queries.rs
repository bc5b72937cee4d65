//! Reads of the chain state: headers and blocks for peers, the download queue, the
//! transaction index, venture settlements, and what the next block must carry.

use crate::venture::{EpochCredits, EpochSchedule, Settlement};
use crate::{BlockContext, Chain, ChainError, UtxoStats};
use bitcoin::BlockHash;
use tracing::info;
use venture_difficulty::{BlockKind, NextBlock};
use venture_pow::Target;
use venture_primitives::Header;
use venture_store::{BlockStatus, HeaderRecord, SettlementRecord, Store};

/// The headers of stored blocks, in order, from their header records.
pub fn headers_of(store: &Store, hashes: &[BlockHash]) -> Result<Vec<Header>, ChainError> {
    hashes
        .iter()
        .map(|hash| {
            header_record(store, hash)?
                .map(|record| record.header)
                .ok_or_else(|| ChainError::Inconsistent(format!("block {hash} is missing")))
        })
        .collect()
}

/// A block's header record. Databases written before header records existed fall back
/// to the block's own bytes.
fn header_record(store: &Store, hash: &BlockHash) -> Result<Option<HeaderRecord>, ChainError> {
    if let Some(record) = store.header(hash)? {
        return Ok(Some(record));
    }
    let Some(bytes) = store.block_bytes(hash)? else {
        return Ok(None);
    };
    // A stored block starts with its header, then its transaction count.
    let corrupt = |e: bitcoin::consensus::encode::Error| {
        ChainError::Inconsistent(format!("stored block {hash} does not decode: {e}"))
    };
    let (header, used) =
        bitcoin::consensus::encode::deserialize_partial::<Header>(&bytes).map_err(corrupt)?;
    let (count, _) =
        bitcoin::consensus::encode::deserialize_partial::<bitcoin::VarInt>(&bytes[used..])
            .map_err(corrupt)?;
    Ok(Some(HeaderRecord {
        header,
        tx_count: u32::try_from(count.0).unwrap_or(u32::MAX),
    }))
}

impl Chain {
    /// Statistics and a digest of the whole UTXO set.
    pub fn utxo_stats(&self) -> Result<UtxoStats, ChainError> {
        UtxoStats::compute(&self.store, self.tip())
    }

    /// What the next block on the tip must carry, for block templates and miners.
    pub fn next_block_context(&self, kind: BlockKind) -> Result<BlockContext, ChainError> {
        let tip = self
            .index
            .tip()
            .ok_or_else(|| ChainError::Inconsistent("no tip".into()))?;
        let median_time_past = self.index.median_time_past(&tip.hash).unwrap_or(0);
        let min_time = median_time_past.saturating_add(1);
        let now = u32::try_from(self.clock.now()).unwrap_or(u32::MAX);
        let time = now.max(min_time);
        let bits = self
            .params
            .difficulty
            .next_bits(&self.index.ancestry(tip), &NextBlock { time, kind })
            .map_err(|e| ChainError::Inconsistent(format!("difficulty: {e}")))?;
        let target = Target::from_bits(bits, &self.params.pow_limit)
            .map_err(|e| ChainError::Inconsistent(format!("difficulty algorithm produced {e}")))?;
        Ok(BlockContext {
            prev_hash: tip.hash,
            height: tip.height + 1,
            bits,
            target,
            median_time_past,
            min_time,
            time,
            subsidy: self.params.subsidy(tip.height + 1),
        })
    }

    /// Headers of the active chain after the first locator hash it contains (or after
    /// genesis), at most `max`, with their AuxPoWs: what a syncing peer asks for.
    pub fn headers_after(
        &self,
        locator: &[BlockHash],
        max: usize,
    ) -> Result<Vec<Header>, ChainError> {
        headers_of(&self.store, &self.active_hashes_after(locator, max))
    }

    /// The hashes [`Chain::headers_after`] would serve: a caller that reads their
    /// records with [`headers_of`] need hold the chain only for this.
    pub fn active_hashes_after(&self, locator: &[BlockHash], max: usize) -> Vec<BlockHash> {
        let start = locator
            .iter()
            .filter_map(|h| self.index.get(h))
            .find(|e| self.index.is_active(e))
            .map_or(0, |e| e.height);
        (start + 1..=self.height())
            .take(max)
            .map_while(|height| self.index.active_at(height))
            .collect()
    }

    /// The full header (with AuxPoW) of a known block, from its header record: no
    /// block is read.
    pub fn header(&self, hash: &BlockHash) -> Result<Option<Header>, ChainError> {
        Ok(header_record(&self.store, hash)?.map(|record| record.header))
    }

    /// A known block's header record: its full header and transaction count (zero if
    /// only the header is here).
    pub fn header_record(&self, hash: &BlockHash) -> Result<Option<HeaderRecord>, ChainError> {
        header_record(&self.store, hash)
    }

    /// Blocks of the best header chain whose data is missing, lowest first, at most
    /// `max`, all within `max` heights above where the active chain and the best header
    /// chain part: the download queue of a syncing node.
    ///
    /// Like Bitcoin Core's `FindNextBlocksToDownload`, it looks at a window above the
    /// fork point (found along skip pointers) and walks only that window: the cost is
    /// the window's, not the distance to the best header. Walking down from the best
    /// header instead costs every header not yet downloaded, on each call, under the
    /// chain's lock: a node tens of thousands of headers behind spent most of its sync
    /// in that walk.
    pub fn missing_blocks(&self, max: usize) -> Vec<BlockHash> {
        let Some(best) = self.index.best_header() else {
            return Vec::new();
        };
        if best.linked || max == 0 {
            return Vec::new();
        }
        let Some(tip) = self.index.tip() else {
            return Vec::new();
        };
        let Some(fork) = self.index.fork_point(&tip.hash, &best.hash) else {
            return Vec::new();
        };
        let window = u32::try_from(max).unwrap_or(u32::MAX);
        let mut low = fork.height.saturating_add(1);
        // The first window normally holds the next missing block; the loop moves up
        // only past windows with nothing missing (stored blocks that are not active).
        while low <= best.height {
            let high = best.height.min(low.saturating_add(window - 1));
            let Some(mut current) = self.index.ancestor(&best.hash, high) else {
                break;
            };
            let mut missing = Vec::new();
            // A linked block's ancestors are all linked: nothing below it is missing.
            while !current.linked {
                if !current.status.has(BlockStatus::HAVE_DATA) {
                    missing.push(current.hash);
                }
                if current.height <= low {
                    break;
                }
                match self.index.get(&current.prev()) {
                    Some(parent) => current = parent,
                    None => break,
                }
            }
            if !missing.is_empty() {
                missing.reverse();
                missing.truncate(max);
                return missing;
            }
            low = high.saturating_add(1);
        }
        Vec::new()
    }

    /// Keeps (or stops keeping) the transaction index. Turning it on indexes the whole
    /// active chain first, which takes a while on a long chain.
    pub fn set_tx_index(&mut self, enabled: bool) -> Result<(), ChainError> {
        self.tx_index = enabled;
        let complete = self.store.tx_index_complete()?;
        if !enabled {
            if complete {
                let mut batch = self.store.batch();
                batch.set_tx_index_complete(false);
                self.store.write(batch)?;
            }
            return Ok(());
        }
        if complete {
            return Ok(());
        }
        info!(height = self.height(), "building the transaction index");
        let mut batch = self.store.batch();
        for height in 0..=self.height() {
            let Some(hash) = self.index.active_at(height) else {
                break;
            };
            let block = self
                .store
                .block(&hash)?
                .ok_or_else(|| ChainError::Inconsistent(format!("block {hash} is missing")))?;
            for tx in &block.txdata {
                batch.put_tx_location(&tx.compute_txid(), &hash);
            }
            if height % 10_000 == 9_999 {
                self.store
                    .write(std::mem::replace(&mut batch, self.store.batch()))?;
                info!(height, "transaction index progress");
            }
        }
        batch.set_tx_index_complete(true);
        self.store.write(batch)?;
        Ok(())
    }

    /// A confirmed transaction and its block, from the transaction index (None when
    /// the index is off or does not know it).
    pub fn find_transaction(
        &self,
        txid: &bitcoin::Txid,
    ) -> Result<Option<(bitcoin::Transaction, BlockHash)>, ChainError> {
        if !self.tx_index {
            return Ok(None);
        }
        let Some(hash) = self.store.tx_location(txid)? else {
            return Ok(None);
        };
        let Some(block) = self.store.block(&hash)? else {
            return Ok(None);
        };
        Ok(block
            .txdata
            .into_iter()
            .find(|tx| tx.compute_txid() == *txid)
            .map(|tx| (tx, hash)))
    }

    /// The settlement the next block on the tip must carry, if it closes an epoch.
    pub fn next_settlement(&self) -> Result<Option<Settlement>, ChainError> {
        let tip = self.tip();
        Ok(self
            .ledger
            .expected_settlement(
                &self.index,
                &self.store,
                &self.params,
                &tip.hash,
                tip.height + 1,
            )?
            .map(|(settlement, _)| settlement))
    }

    /// Credits earned so far in `epoch` on the active chain.
    pub fn venture_credits(&self, epoch: u32) -> Result<EpochCredits, ChainError> {
        Ok(self
            .ledger
            .credits(
                &self.index,
                &self.store,
                &self.params,
                &self.tip().hash,
                epoch,
            )?
            .into_owned())
    }

    /// The settlement record of the active chain's block at `height`, if it closed an
    /// epoch.
    pub fn settlement_at(&self, height: u32) -> Result<Option<SettlementRecord>, ChainError> {
        match self.index.active_at(height) {
            Some(hash) => Ok(self.store.settlement(&hash)?),
            None => Ok(None),
        }
    }

    /// Where the venture allocation stands at the tip, or `None` on a chain without
    /// one: epochs settled, and what their settlements paid and carried.
    pub fn venture_totals(&self) -> Result<Option<VentureTotals>, ChainError> {
        let Some(spec) = &self.params.spec.venture else {
            return Ok(None);
        };
        let schedule = EpochSchedule::new(spec);
        let height = self.height();
        let settled = (0..schedule.epoch_count())
            .filter(|e| schedule.settlement_height(*e) <= height)
            .count() as u32;
        let last = match settled {
            0 => None,
            n => self.settlement_at(schedule.settlement_height(n - 1))?,
        };
        let paid = last.map_or(0, |r| r.paid_total);
        Ok(Some(VentureTotals {
            epochs_settled: settled,
            paid,
            carried: last.map_or(0, |r| r.carry),
            remaining: spec.total - paid,
        }))
    }

    /// Of the last `window` blocks of the active chain (fewer near genesis, which is
    /// not counted), how many there are and how many were merge-mined.
    pub fn merge_mined_in_last(&self, window: u32) -> (u32, u32) {
        let Some(tip) = self.index.tip() else {
            return (0, 0);
        };
        let blocks = window.min(tip.height);
        let before = self
            .index
            .active_at(tip.height - blocks)
            .and_then(|hash| self.index.get(&hash))
            .map_or(0, |entry| entry.merge_mined_count);
        (blocks, tip.merge_mined_count - before)
    }
}

/// The venture allocation's totals at the tip, in satoshis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VentureTotals {
    pub epochs_settled: u32,
    /// Paid by all settlements so far.
    pub paid: u64,
    /// Allocation not paid by the last settlement, carried into the next epoch.
    pub carried: u64,
    /// The allocation's total less what was paid.
    pub remaining: u64,
}
