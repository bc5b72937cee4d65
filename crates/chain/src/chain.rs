//! [`Chain`]: accepting blocks, choosing the best chain and reorganising to it.

use crate::checks::check_block;
use crate::contextual::{check_block_context, check_header_context};
use crate::events::EventQueue;
use crate::header_pow::PowAhead;
use crate::index::{BlockIndex, IndexEntry};
use crate::orphans::OrphanPool;
use crate::venture::VentureLedger;
use crate::Reject;
use crate::{BlockError, ChainError, ChainEvents, ChainObserver, Clock};
use bitcoin::hashes::Hash;
use bitcoin::{Amount, BlockHash, OutPoint};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::watch;
use tracing::{debug, warn};
use venture_chainspec::ChainParams;
use venture_difficulty::BlockKind;
use venture_pow::{Target, Work};
use venture_primitives::{Block, Header};
use venture_store::{BlockStatus, Coin, HeaderRecord, Store};

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
    /// Not asked for and on a branch with no more work than the active chain: dropped
    /// without being stored (Bitcoin Core's `AcceptBlock` rule for unrequested blocks,
    /// without its allowance for equal work), so cheap branches cannot fill the disk.
    LowWork,
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
    pub(crate) params: Arc<ChainParams>,
    /// Shared so that readers (peers asking for headers and blocks) can read without
    /// the chain's lock; RocksDB is safe to read from any thread.
    pub(crate) store: Arc<Store>,
    pub(crate) index: BlockIndex,
    pub(crate) orphans: OrphanPool,
    pub(crate) clock: Clock,
    pub(crate) tip_tx: watch::Sender<TipInfo>,
    pub(crate) initial_download: bool,
    pub(crate) events: EventQueue,
    /// Whether the transaction index is kept.
    pub(crate) tx_index: bool,
    /// The venture credits of the active tip's epoch.
    pub(crate) ledger: VentureLedger,
    /// Headers taken in ahead of their blocks, oldest first: the candidates for
    /// eviction when side branches grow past [`MAX_SIDE_HEADERS`].
    pub(crate) header_arrivals: VecDeque<BlockHash>,
    /// Told of connections and reorganisations (metrics), when set.
    pub(crate) observer: Option<Arc<dyn ChainObserver>>,
}

/// Most headers taken in ahead of their blocks that the node keeps track of; beyond
/// it, the oldest that lie off the best header chain are forgotten, with their
/// descendants. Near-tip forks pass the anti-DoS work threshold, and at a launch's
/// difficulty each costs its sender little: memory must not grow with them.
pub const MAX_SIDE_HEADERS: usize = 10_000;

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
        let store = Arc::new(Store::open(path)?);
        let expected = params.spec_hash().to_byte_array();
        match store.spec_hash()? {
            Some(found) if found != expected => {
                return Err(ChainError::SpecMismatch(format!(
                    "the data directory holds a chain with spec hash {}, but this spec (`{}`) has spec hash {}; use another data directory or purge this one",
                    crate::startup::hex_of(&found),
                    params.spec.id,
                    crate::startup::hex_of(&expected)
                )));
            }
            Some(_) => {}
            None => crate::startup::init_genesis(&store, &params)?,
        }
        let index = crate::startup::load_index(&store, &params)?;
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
            ledger: VentureLedger::default(),
            header_arrivals: VecDeque::new(),
            observer: None,
        };
        if let Some(tip) = chain.index.tip() {
            chain
                .ledger
                .rebuild(&chain.index, &chain.store, &chain.params, tip)?;
        }
        // A crash between two steps of a reorganisation leaves a valid but lighter tip;
        // finish the job.
        chain.activate_best_chain()?;
        Ok(chain)
    }

    /// Sets who is told of each connected block and reorganisation.
    pub fn set_observer(&mut self, observer: Arc<dyn ChainObserver>) {
        self.observer = Some(observer);
    }

    pub fn params(&self) -> &Arc<ChainParams> {
        &self.params
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store, to read from without holding the chain (blocks and header records
    /// never change once written under their hash).
    pub fn shared_store(&self) -> Arc<Store> {
        self.store.clone()
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

    /// Validates and stores `block`, then moves to the best chain. Blocks whose parent
    /// is unknown are kept as orphans when `keep_orphans` is set, else refused
    /// (`prev-blk-not-found`). A block that fails validation changes nothing. For
    /// blocks the node asked for or made itself; see [`Chain::process_relayed_block`].
    pub fn process_block(
        &mut self,
        block: Block,
        keep_orphans: bool,
    ) -> Result<ProcessOutcome, ChainError> {
        self.accept_block(block, keep_orphans, true)
    }

    /// [`Chain::process_block`] for a block a peer relayed without being asked: kept as
    /// an orphan if its parent is unknown, and not stored unless its branch has more
    /// work than the active chain ([`ProcessOutcome::LowWork`]).
    pub fn process_relayed_block(&mut self, block: Block) -> Result<ProcessOutcome, ChainError> {
        self.accept_block(block, true, false)
    }

    fn accept_block(
        &mut self,
        block: Block,
        keep_orphans: bool,
        requested: bool,
    ) -> Result<ProcessOutcome, ChainError> {
        let hash = block.block_hash();
        if let Some(entry) = self.index.get(&hash) {
            if entry.status.is_failed() {
                return Err(BlockError::new(
                    Reject::DuplicateInvalid,
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
        let kind = self.check_block_header_pow(&block.header, &hash)?;
        if let Err(error) = check_block(&block, &self.params) {
            self.condemn_if_permanent(&hash, &error)?;
            return Err(error.into());
        }
        let prev = block.header.pure.prev_blockhash;
        let Some(parent) = self.index.get(&prev).cloned() else {
            if keep_orphans {
                let size = block.serialized_size();
                debug!(%hash, %prev, "orphan block kept until its parent arrives");
                self.orphans.insert(block, size);
                return Ok(ProcessOutcome::Orphan);
            }
            return Err(BlockError::new(
                Reject::PrevBlkNotFound,
                format!("parent {prev} is unknown"),
            )
            .into());
        };
        self.check_header_in_context(&block.header, kind, &parent)?;
        let chain_work = parent.chain_work + Work::from_bits(block.header.pure.bits.to_consensus());
        // Stricter than Core, which also keeps an unrequested block of equal work: at
        // a launch's low difficulty, siblings of the tip (each up to a block's weight)
        // would cost an attacker next to nothing. A rival that is later built on comes
        // back through header sync, on request.
        if !requested && chain_work <= self.tip().chain_work {
            debug!(%hash, "unrequested block that adds no work: not stored");
            return Ok(ProcessOutcome::LowWork);
        }
        let height = parent.height + 1;
        let median = self.index.median_time_past(&parent.hash).unwrap_or(0);
        if let Err(error) = check_block_context(&block, height, median) {
            self.condemn_if_permanent(&hash, &error)?;
            return Err(error.into());
        }
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
            if let Err(e) = self.accept_block(orphan, true, false) {
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
        let hashes: Vec<BlockHash> = headers.iter().map(Header::block_hash).collect();
        let mut ahead = PowAhead::new(headers, &hashes);
        for (at, (header, &hash)) in headers.iter().zip(&hashes).enumerate() {
            if let Some(entry) = self.index.get(&hash) {
                if entry.status.is_failed() {
                    result = Err(BlockError::new(
                        Reject::DuplicateInvalid,
                        format!("header {hash} is known to be invalid"),
                    ));
                    break;
                }
                continue;
            }
            // Headers after this one are checked ahead only if this one can connect.
            let speculate = self.index.contains(&header.pure.prev_blockhash);
            let index = &self.index;
            let kind = match ahead.verdict(at, &self.params, speculate, |h| !index.contains(h)) {
                Ok(kind) => kind,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            let prev = header.pure.prev_blockhash;
            let Some(parent) = self.index.get(&prev).cloned() else {
                result = Err(BlockError::new(
                    Reject::PrevBlkNotFound,
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
            batch.put_header(
                &hash,
                &HeaderRecord {
                    header: header.clone(),
                    tx_count: 0,
                },
            );
            self.index.insert(entry);
            self.header_arrivals.push_back(hash);
            added += 1;
        }
        // The headers accepted before a bad one are kept: each was valid on its own.
        self.store.write(batch)?;
        self.forget_side_headers()?;
        result?;
        Ok(added)
    }

    /// Forgets the oldest header-only side branches while more than
    /// [`MAX_SIDE_HEADERS`] arrivals are tracked. An arrival that now has its block, or
    /// lies on the best header chain, stops being tracked; a branch holding any block
    /// data is kept.
    fn forget_side_headers(&mut self) -> Result<(), ChainError> {
        if self.header_arrivals.len() <= MAX_SIDE_HEADERS {
            return Ok(());
        }
        let best = self.index.best_header().map(|e| e.hash);
        let mut batch = self.store.batch();
        let mut forgotten = 0;
        while self.header_arrivals.len() > MAX_SIDE_HEADERS {
            let Some(hash) = self.header_arrivals.pop_front() else {
                break;
            };
            let Some(entry) = self.index.get(&hash) else {
                continue;
            };
            let on_best = best.is_some_and(|b| self.index.is_ancestor_or_self(&hash, &b));
            if on_best || self.index.is_active(entry) || self.branch_has_data(&hash) {
                continue;
            }
            for gone in self.index.remove_branch(&hash) {
                batch.delete_header_only(&gone);
                forgotten += 1;
            }
        }
        self.store.write(batch)?;
        if forgotten > 0 {
            debug!(forgotten, "side-branch headers forgotten");
        }
        Ok(())
    }

    fn branch_has_data(&self, hash: &BlockHash) -> bool {
        let mut queue = vec![*hash];
        while let Some(current) = queue.pop() {
            if self
                .index
                .get(&current)
                .is_some_and(|e| e.status.has(BlockStatus::HAVE_DATA))
            {
                return true;
            }
            queue.extend_from_slice(self.index.children(&current));
        }
        false
    }

    /// A block whose header we hold broke a rule for good: its hash (and every
    /// descendant) is marked invalid, as Core's `InvalidBlockFound`, so it is neither
    /// downloaded again nor built on. Failures a peer could have caused change nothing.
    fn condemn_if_permanent(
        &mut self,
        hash: &BlockHash,
        error: &BlockError,
    ) -> Result<(), ChainError> {
        if error.is_permanent() && self.index.contains(hash) {
            warn!(%hash, "block is invalid: {error}");
            self.mark_invalid(hash)?;
        }
        Ok(())
    }

    fn check_header_in_context(
        &self,
        header: &Header,
        kind: BlockKind,
        parent: &IndexEntry,
    ) -> Result<(), BlockError> {
        if parent.status.is_failed() {
            return Err(BlockError::new(
                Reject::BadPrevblk,
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
}

/// An index entry for a header on `parent`.
pub(crate) fn new_entry(
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
        skip: None,
    }
}

pub(crate) fn tip_info(entry: &IndexEntry) -> TipInfo {
    TipInfo {
        hash: entry.hash,
        height: entry.height,
        time: entry.header.time,
        chain_work: entry.chain_work,
    }
}
