//! [`Chain`]: accepting blocks, choosing the best chain and reorganising to it.

use crate::checks::{check_block, check_header_pow};
use crate::contextual::{check_block_context, check_header_context};
use crate::events::EventQueue;
use crate::index::{BlockIndex, IndexEntry};
use crate::orphans::OrphanPool;
use crate::utxo::{connect_block, disconnect_block, is_unspendable};
use crate::venture::{credits_for_epoch, expected_settlement, Credit, Settlement};
use crate::{BlockError, ChainError, ChainEvent, ChainEvents, Clock, UtxoStats};
use bitcoin::hashes::Hash;
use bitcoin::ScriptBuf;
use bitcoin::{Amount, BlockHash, OutPoint};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::watch;
use tracing::{debug, info, warn};
use venture_chainspec::ChainParams;
use venture_difficulty::{BlockKind, NextBlock};
use venture_pow::{Target, Work};
use venture_primitives::{Block, Header};
use venture_store::{BlockStatus, BlockUndo, Coin, SettlementRecord, Store};

/// The best block, as published to subscribers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TipInfo {
    pub hash: BlockHash,
    pub height: u32,
    pub time: u32,
    pub chain_work: Work,
}

/// What became of a block handed to [`Chain::process_block`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessOutcome {
    /// Valid and on the active chain (possibly after a reorganisation).
    Connected,
    /// Stored on a branch with no more work than the active chain.
    SideChain,
    /// Its parent is unknown; kept until the parent arrives.
    Orphan,
    /// Already known.
    Duplicate,
}

/// What a block built on the current tip must carry.
#[derive(Debug, Clone)]
pub struct BlockContext {
    pub prev_hash: BlockHash,
    pub height: u32,
    pub bits: u32,
    pub target: Target,
    pub median_time_past: u32,
    /// Earliest valid time (median time past + 1).
    pub min_time: u32,
    /// Suggested time: now, or `min_time` if that is later.
    pub time: u32,
    pub subsidy: Amount,
}

/// The consensus state: store, block index, orphans and the active chain.
pub struct Chain {
    params: Arc<ChainParams>,
    store: Store,
    index: BlockIndex,
    orphans: OrphanPool,
    clock: Clock,
    tip_tx: watch::Sender<TipInfo>,
    initial_download: bool,
    events: EventQueue,
    /// Whether the transaction index is kept.
    tx_index: bool,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("chain", &self.params.spec.id)
            .field("height", &self.index.height())
            .finish()
    }
}

impl Chain {
    /// Opens the chain database at `path`, creating it with the genesis block of
    /// `params` if empty. A database made for another spec is refused.
    pub fn open(params: Arc<ChainParams>, path: &Path, clock: Clock) -> Result<Chain, ChainError> {
        let store = Store::open(path)?;
        let expected = params.spec_hash().to_byte_array();
        match store.spec_hash()? {
            Some(found) if found != expected => {
                return Err(ChainError::SpecMismatch(format!(
                    "the data directory holds a chain with spec hash {}, but this spec (`{}`) has spec hash {}; use another data directory or purge this one",
                    hex_of(&found),
                    params.spec.id,
                    hex_of(&expected)
                )));
            }
            Some(_) => {}
            None => init_genesis(&store, &params)?,
        }
        let index = load_index(&store, &params)?;
        let tip = index
            .tip()
            .map(tip_info)
            .ok_or_else(|| ChainError::Inconsistent("empty active chain".into()))?;
        let (tip_tx, _) = watch::channel(tip);
        let mut chain = Chain {
            params,
            store,
            index,
            orphans: OrphanPool::default(),
            clock,
            tip_tx,
            initial_download: false,
            events: EventQueue::default(),
            tx_index: false,
        };
        // A crash between two steps of a reorganisation leaves a valid but lighter tip;
        // finish the job.
        chain.activate_best_chain()?;
        Ok(chain)
    }

    pub fn params(&self) -> &Arc<ChainParams> {
        &self.params
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn index(&self) -> &BlockIndex {
        &self.index
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The best block.
    pub fn tip(&self) -> TipInfo {
        self.tip_tx.borrow().clone()
    }

    pub fn height(&self) -> u32 {
        self.index.height()
    }

    /// A receiver that sees every tip change.
    pub fn subscribe(&self) -> watch::Receiver<TipInfo> {
        self.tip_tx.subscribe()
    }

    pub fn orphan_count(&self) -> usize {
        self.orphans.len()
    }

    pub fn block(&self, hash: &BlockHash) -> Result<Option<Block>, ChainError> {
        Ok(self.store.block(hash)?)
    }

    pub fn coin(&self, outpoint: &OutPoint) -> Result<Option<Coin>, ChainError> {
        Ok(self.store.coin(outpoint)?)
    }

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

    /// Validates and stores `block`, then moves to the best chain. Blocks whose parent
    /// is unknown are kept as orphans when `keep_orphans` is set, else refused
    /// (`prev-blk-not-found`). A block that fails validation changes nothing.
    pub fn process_block(
        &mut self,
        block: Block,
        keep_orphans: bool,
    ) -> Result<ProcessOutcome, ChainError> {
        let hash = block.block_hash();
        if let Some(entry) = self.index.get(&hash) {
            if entry.status.is_failed() {
                return Err(BlockError::invalid(
                    "duplicate-invalid",
                    format!("block {hash} is known to be invalid"),
                )
                .into());
            }
            if entry.status.has(BlockStatus::HAVE_DATA) {
                return Ok(ProcessOutcome::Duplicate);
            }
        }
        if self.orphans.contains(&hash) {
            return Ok(ProcessOutcome::Duplicate);
        }
        let kind = check_header_pow(&block.header, &self.params)?;
        check_block(&block, &self.params)?;
        let prev = block.header.pure.prev_blockhash;
        let Some(parent) = self.index.get(&prev).cloned() else {
            if keep_orphans {
                let size = block.serialized_size();
                debug!(%hash, %prev, "orphan block kept until its parent arrives");
                self.orphans.insert(block, size);
                return Ok(ProcessOutcome::Orphan);
            }
            return Err(BlockError::transient(
                "prev-blk-not-found",
                format!("parent {prev} is unknown"),
            )
            .into());
        };
        self.check_header_in_context(&block.header, kind, &parent)?;
        let height = parent.height + 1;
        let median = self.index.median_time_past(&parent.hash).unwrap_or(0);
        check_block_context(&block, height, median)?;
        self.store_block(&block, &parent, kind)?;

        let failures = self.activate_best_chain()?;
        if let Some((_, error)) = failures.into_iter().find(|(h, _)| *h == hash) {
            return Err(error.into());
        }
        let outcome = match self.index.get(&hash) {
            Some(entry) if self.index.is_active(entry) => ProcessOutcome::Connected,
            _ => ProcessOutcome::SideChain,
        };
        for orphan in self.orphans.take_children(&hash) {
            let orphan_hash = orphan.block_hash();
            if let Err(e) = self.process_block(orphan, true) {
                warn!(%orphan_hash, "orphan block rejected: {e}");
            }
        }
        Ok(outcome)
    }

    /// Accepts headers ahead of their blocks (headers-first sync): each must connect to
    /// a known header and pass the proof-of-work and contextual header checks. Returns
    /// how many were new.
    pub fn process_headers(&mut self, headers: &[Header]) -> Result<usize, ChainError> {
        let mut added = 0;
        let mut batch = self.store.batch();
        let mut result = Ok(());
        for header in headers {
            let hash = header.block_hash();
            if let Some(entry) = self.index.get(&hash) {
                if entry.status.is_failed() {
                    result = Err(BlockError::invalid(
                        "duplicate-invalid",
                        format!("header {hash} is known to be invalid"),
                    ));
                    break;
                }
                continue;
            }
            let kind = match check_header_pow(header, &self.params) {
                Ok(kind) => kind,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            let prev = header.pure.prev_blockhash;
            let Some(parent) = self.index.get(&prev).cloned() else {
                result = Err(BlockError::transient(
                    "prev-blk-not-found",
                    format!("header {hash} does not connect: parent {prev} is unknown"),
                ));
                break;
            };
            if let Err(e) = self.check_header_in_context(header, kind, &parent) {
                result = Err(e);
                break;
            }
            let entry = new_entry(
                hash,
                &header.pure,
                &parent,
                kind,
                BlockStatus::default(),
                self.index.take_sequence(),
            );
            batch.put_index(&hash, &entry.to_record());
            self.index.insert(entry);
            added += 1;
        }
        // The headers accepted before a bad one are kept: each was valid on its own.
        self.store.write(batch)?;
        result?;
        Ok(added)
    }

    fn check_header_in_context(
        &self,
        header: &Header,
        kind: BlockKind,
        parent: &IndexEntry,
    ) -> Result<(), BlockError> {
        if parent.status.is_failed() {
            return Err(BlockError::invalid(
                "bad-prevblk",
                format!("parent {} is invalid", parent.hash),
            ));
        }
        check_header_context(
            header,
            kind,
            parent,
            &self.index,
            &self.params,
            self.clock.now(),
        )
    }

    /// Headers of the active chain after the first locator hash it contains (or after
    /// genesis), at most `max`, with their AuxPoWs: what a syncing peer asks for.
    pub fn headers_after(
        &self,
        locator: &[BlockHash],
        max: usize,
    ) -> Result<Vec<Header>, ChainError> {
        let start = locator
            .iter()
            .filter_map(|h| self.index.get(h))
            .find(|e| self.index.is_active(e))
            .map_or(0, |e| e.height);
        let mut headers = Vec::new();
        for height in start + 1..=self.height() {
            if headers.len() >= max {
                break;
            }
            let Some(hash) = self.index.active_at(height) else {
                break;
            };
            let header = self
                .header(&hash)?
                .ok_or_else(|| ChainError::Inconsistent(format!("block {hash} is missing")))?;
            headers.push(header);
        }
        Ok(headers)
    }

    /// The full header (with AuxPoW) of a stored block.
    pub fn header(&self, hash: &BlockHash) -> Result<Option<Header>, ChainError> {
        let Some(bytes) = self.store.block_bytes(hash)? else {
            return Ok(None);
        };
        // A stored block starts with its header: decode just that prefix.
        bitcoin::consensus::encode::deserialize_partial::<Header>(&bytes)
            .map(|(header, _)| Some(header))
            .map_err(|e| {
                ChainError::Inconsistent(format!("stored block {hash} does not decode: {e}"))
            })
    }

    /// Blocks of the best header chain whose data is missing, lowest first, at most
    /// `max`: the download queue of a syncing node.
    pub fn missing_blocks(&self, max: usize) -> Vec<BlockHash> {
        let Some(best) = self.index.best_header() else {
            return Vec::new();
        };
        let mut missing = Vec::new();
        let mut current = best;
        while !current.linked {
            if !current.status.has(BlockStatus::HAVE_DATA) {
                missing.push(current.hash);
            }
            match self.index.get(&current.prev()) {
                Some(parent) => current = parent,
                None => break,
            }
        }
        missing.reverse();
        missing.truncate(max);
        missing
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
        Ok(expected_settlement(
            &self.index,
            &self.store,
            &self.params,
            &tip.hash,
            tip.height + 1,
        )?
        .map(|(settlement, _)| settlement))
    }

    /// Credits earned so far in `epoch` on the active chain.
    pub fn venture_credits(&self, epoch: u32) -> Result<BTreeMap<ScriptBuf, Credit>, ChainError> {
        credits_for_epoch(
            &self.index,
            &self.store,
            &self.params,
            &self.tip().hash,
            epoch,
        )
    }

    /// The settlement record of the active chain's block at `height`, if it closed an
    /// epoch.
    pub fn settlement_at(&self, height: u32) -> Result<Option<SettlementRecord>, ChainError> {
        match self.index.active_at(height) {
            Some(hash) => Ok(self.store.settlement(&hash)?),
            None => Ok(None),
        }
    }

    /// The active-chain changes since the last call.
    pub fn drain_events(&mut self) -> ChainEvents {
        self.events.drain()
    }

    /// Whether the node is still catching up with the network (set by the syncer).
    pub fn is_initial_download(&self) -> bool {
        self.initial_download
    }

    pub fn set_initial_download(&mut self, value: bool) {
        self.initial_download = value;
    }

    fn store_block(
        &mut self,
        block: &Block,
        parent: &IndexEntry,
        kind: BlockKind,
    ) -> Result<(), ChainError> {
        let hash = block.block_hash();
        let sequence = self.index.take_sequence();
        let mut entry = match self.index.get(&hash) {
            Some(existing) => existing.clone(),
            None => new_entry(
                hash,
                &block.header.pure,
                parent,
                kind,
                BlockStatus::default(),
                sequence,
            ),
        };
        entry.status.set(BlockStatus::HAVE_DATA);
        entry.sequence = sequence;
        let mut batch = self.store.batch();
        batch.put_block(&hash, block);
        batch.put_index(&hash, &entry.to_record());
        self.store.write(batch)?;
        self.index.insert(entry);
        if parent.linked {
            self.link_from(hash);
        }
        Ok(())
    }

    /// Marks `hash` and every descendant whose data is present as linked, making those
    /// with more work than the tip candidates.
    fn link_from(&mut self, hash: BlockHash) {
        let tip_work = self.tip().chain_work;
        let mut queue = vec![hash];
        while let Some(current) = queue.pop() {
            let Some(entry) = self.index.get_mut(&current) else {
                continue;
            };
            if entry.linked || entry.status.is_failed() || !entry.status.has(BlockStatus::HAVE_DATA)
            {
                continue;
            }
            entry.linked = true;
            if entry.chain_work > tip_work {
                self.index.candidates.insert(current);
            }
            queue.extend_from_slice(self.index.children(&current));
        }
    }

    /// Moves the active chain to the candidate with the most work, block by block;
    /// blocks that fail to connect are marked invalid and the next best is tried.
    /// Returns the blocks that failed.
    fn activate_best_chain(&mut self) -> Result<Vec<(BlockHash, BlockError)>, ChainError> {
        let start = self.tip();
        let mut failures = Vec::new();
        while let Some(best) = self.best_candidate() {
            let tip_hash = self.tip().hash;
            let fork = self
                .index
                .fork_point(&tip_hash, &best)
                .map(|e| e.hash)
                .ok_or_else(|| ChainError::Inconsistent(format!("no fork point with {best}")))?;
            while self.tip().hash != fork {
                self.disconnect_tip()?;
            }
            for hash in self.path_from(&fork, &best)? {
                match self.connect_tip(&hash) {
                    Ok(()) => {}
                    Err(ChainError::Block(error)) => {
                        warn!(%hash, "block failed to connect: {error}");
                        self.mark_invalid(&hash)?;
                        failures.push((hash, error));
                        break;
                    }
                    Err(other) => return Err(other),
                }
            }
        }
        let end = self.tip();
        if end.hash != start.hash {
            debug!(height = end.height, hash = %end.hash, "new tip");
        }
        Ok(failures)
    }

    /// The candidate with the most work, if it beats the tip (ties: first seen).
    fn best_candidate(&mut self) -> Option<BlockHash> {
        let tip_work = self.tip().chain_work;
        self.index_candidates_retain(tip_work);
        index_best(&self.index, tip_work)
    }

    fn index_candidates_retain(&mut self, tip_work: Work) {
        let entries: Vec<BlockHash> = self.index.candidates.iter().copied().collect();
        for hash in entries {
            let keep = self
                .index
                .get(&hash)
                .is_some_and(|e| !e.status.is_failed() && e.chain_work > tip_work);
            if !keep {
                self.index.candidates.remove(&hash);
            }
        }
    }

    /// Hashes from just after `fork` up to `best`, in connection order.
    fn path_from(&self, fork: &BlockHash, best: &BlockHash) -> Result<Vec<BlockHash>, ChainError> {
        let mut path = Vec::new();
        let mut current = *best;
        while current != *fork {
            let entry = self.index.get(&current).ok_or_else(|| {
                ChainError::Inconsistent(format!("missing index entry {current}"))
            })?;
            path.push(current);
            current = entry.prev();
        }
        path.reverse();
        Ok(path)
    }

    fn connect_tip(&mut self, hash: &BlockHash) -> Result<(), ChainError> {
        let entry = self
            .index
            .get(hash)
            .cloned()
            .ok_or_else(|| ChainError::Inconsistent(format!("missing index entry {hash}")))?;
        let block = self
            .store
            .block(hash)?
            .ok_or_else(|| ChainError::Inconsistent(format!("block data of {hash} is missing")))?;
        let mut batch = self.store.batch();
        connect_block(
            &block,
            entry.height,
            &self.index,
            &self.params,
            &self.store,
            &mut batch,
        )?;
        batch.set_height(entry.height, hash);
        batch.set_tip(hash);
        if self.tx_index {
            for tx in &block.txdata {
                batch.put_tx_location(&tx.compute_txid(), hash);
            }
        }
        self.store.write(batch)?;
        self.index.push_active(*hash);
        self.events.push(ChainEvent::Connected(Arc::new(block)));
        self.tip_tx.send_replace(tip_info(&entry));
        Ok(())
    }

    fn disconnect_tip(&mut self) -> Result<(), ChainError> {
        let entry = self
            .index
            .tip()
            .cloned()
            .ok_or_else(|| ChainError::Inconsistent("no tip".into()))?;
        if entry.height == 0 {
            return Err(ChainError::Inconsistent(
                "cannot disconnect the genesis block".into(),
            ));
        }
        let block = self.store.block(&entry.hash)?.ok_or_else(|| {
            ChainError::Inconsistent(format!("block data of {} is missing", entry.hash))
        })?;
        let undo = self.store.undo(&entry.hash)?.ok_or_else(|| {
            ChainError::Inconsistent(format!("undo data of {} is missing", entry.hash))
        })?;
        let mut batch = self.store.batch();
        disconnect_block(&block, &undo, &mut batch)?;
        if self.tx_index {
            for tx in &block.txdata {
                batch.delete_tx_location(&tx.compute_txid());
            }
        }
        batch.clear_height(entry.height);
        batch.set_tip(&entry.prev());
        self.store.write(batch)?;
        self.index.pop_active();
        self.index.candidates.insert(entry.hash);
        self.events.push(ChainEvent::Disconnected(Arc::new(block)));
        let parent = self
            .index
            .get(&entry.prev())
            .ok_or_else(|| ChainError::Inconsistent("parent of tip missing".into()))?;
        self.tip_tx.send_replace(tip_info(parent));
        info!(height = entry.height, hash = %entry.hash, "disconnected block");
        Ok(())
    }

    /// Marks `hash` invalid and every descendant as having an invalid parent.
    fn mark_invalid(&mut self, hash: &BlockHash) -> Result<(), ChainError> {
        let mut batch = self.store.batch();
        let mut queue = vec![(*hash, BlockStatus::FAILED)];
        while let Some((current, flag)) = queue.pop() {
            let children = self.index.children(&current).to_vec();
            if let Some(entry) = self.index.get_mut(&current) {
                entry.status.set(flag);
                batch.put_index(&current, &entry.to_record());
            }
            self.index.candidates.remove(&current);
            queue.extend(
                children
                    .into_iter()
                    .map(|c| (c, BlockStatus::FAILED_PARENT)),
            );
        }
        self.store.write(batch)?;
        self.index.recompute_best_header();
        Ok(())
    }
}

fn index_best(index: &BlockIndex, tip_work: Work) -> Option<BlockHash> {
    index
        .candidates
        .iter()
        .filter_map(|h| index.get(h))
        .filter(|e| e.chain_work > tip_work)
        .max_by(|a, b| {
            a.chain_work
                .cmp(&b.chain_work)
                .then(b.sequence.cmp(&a.sequence))
        })
        .map(|e| e.hash)
}

/// An index entry for a header on `parent`.
fn new_entry(
    hash: BlockHash,
    header: &bitcoin::block::Header,
    parent: &IndexEntry,
    kind: BlockKind,
    mut status: BlockStatus,
    sequence: u64,
) -> IndexEntry {
    if kind == BlockKind::MergeMined {
        status.set(BlockStatus::MERGE_MINED);
    }
    IndexEntry {
        hash,
        header: *header,
        height: parent.height + 1,
        chain_work: parent.chain_work + Work::from_bits(header.bits.to_consensus()),
        status,
        sequence,
        merge_mined_count: parent.merge_mined_count + u32::from(kind == BlockKind::MergeMined),
        linked: false,
    }
}

fn tip_info(entry: &IndexEntry) -> TipInfo {
    TipInfo {
        hash: entry.hash,
        height: entry.height,
        time: entry.header.time,
        chain_work: entry.chain_work,
    }
}

fn hex_of(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the genesis block into an empty store, its spendable outputs into the UTXO
/// set (genesis allocations are spendable as declared, unlike Bitcoin's genesis).
fn init_genesis(store: &Store, params: &ChainParams) -> Result<(), ChainError> {
    if store.tip()?.is_some() {
        return Err(ChainError::Inconsistent(
            "the database has a tip but no spec hash".into(),
        ));
    }
    let genesis = &params.genesis;
    let hash = params.genesis_hash;
    let mut batch = store.batch();
    batch.set_spec_hash(&params.spec_hash().to_byte_array());
    batch.put_block(&hash, genesis);
    let entry = IndexEntry {
        hash,
        header: genesis.header.pure,
        height: 0,
        chain_work: Work::from_bits(genesis.header.pure.bits.to_consensus()),
        status: BlockStatus(BlockStatus::HAVE_DATA),
        sequence: 0,
        merge_mined_count: 0,
        linked: true,
    };
    batch.put_index(&hash, &entry.to_record());
    let unlock_heights: Vec<u32> = venture_chainspec::genesis_outputs(&params.spec, &params.hrp)
        .map_err(|e| ChainError::Inconsistent(e.to_string()))?
        .into_iter()
        .map(|(_, unlock)| unlock)
        .collect();
    for tx in &genesis.txdata {
        let txid = tx.compute_txid();
        for (vout, output) in tx.output.iter().enumerate() {
            if !is_unspendable(output) {
                let coin = Coin {
                    output: output.clone(),
                    height: 0,
                    is_coinbase: false,
                    unlock_height: unlock_heights.get(vout).copied().unwrap_or(0),
                };
                batch.put_coin(
                    &OutPoint {
                        txid,
                        vout: vout as u32,
                    },
                    &coin,
                );
            }
        }
    }
    batch.put_undo(&hash, &BlockUndo::default());
    batch.set_height(0, &hash);
    batch.set_tip(&hash);
    store.write(batch)?;
    info!(%hash, chain = %params.spec.id, "initialised chain with its genesis block");
    Ok(())
}

/// Builds the in-memory index from the store and the active chain from the tip back.
fn load_index(store: &Store, params: &ChainParams) -> Result<BlockIndex, ChainError> {
    let mut index = BlockIndex::default();
    for (hash, record) in store.load_index()? {
        index.insert(IndexEntry::from_record(hash, record));
    }
    let tip = store
        .tip()?
        .ok_or_else(|| ChainError::Inconsistent("the database has no tip".into()))?;
    let mut active = Vec::new();
    let mut current = index
        .get(&tip)
        .ok_or_else(|| ChainError::Inconsistent(format!("tip {tip} has no index entry")))?;
    loop {
        active.push(current.hash);
        if current.height == 0 {
            break;
        }
        current = index.get(&current.prev()).ok_or_else(|| {
            ChainError::Inconsistent(format!("ancestor of {} is missing", current.hash))
        })?;
    }
    active.reverse();
    if active.first() != Some(&params.genesis_hash) {
        return Err(ChainError::Inconsistent(
            "the active chain does not start at this spec's genesis".into(),
        ));
    }
    index.set_active(active);
    let tip_work = index.tip().map(|e| e.chain_work).unwrap_or_default();
    for hash in linked_entries(&index) {
        if let Some(entry) = index.get_mut(&hash) {
            entry.linked = true;
            if entry.chain_work > tip_work {
                index.candidates.insert(hash);
            }
        }
    }
    Ok(index)
}

/// Entries whose data, and all of whose ancestors' data, is stored and not failed.
fn linked_entries(index: &BlockIndex) -> Vec<BlockHash> {
    let mut linked = Vec::new();
    let Some(genesis) = index.active_at(0) else {
        return linked;
    };
    let mut queue = vec![genesis];
    while let Some(hash) = queue.pop() {
        let Some(entry) = index.get(&hash) else {
            continue;
        };
        if entry.status.is_failed() || !entry.status.has(BlockStatus::HAVE_DATA) {
            continue;
        }
        linked.push(hash);
        queue.extend_from_slice(index.children(&hash));
    }
    linked
}
