//! An in-memory chain for network tests: real-format blocks, a trivial validity rule
//! (the merkle root must match the transactions, and a header whose nonce is
//! `BAD_NONCE` is invalid), work = one unit per block, most work wins.

use bitcoin::absolute::LockTime;
use bitcoin::block::Version;
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::transaction::Version as TxVersion;
use bitcoin::{
    Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, Transaction, TxIn,
    TxMerkleNode, TxOut, Witness,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use venture_network::{
    Blame, Block, BlockVerdict, ChainAccess, ChainStatus, Header, HeadersNext, HeadersOutcome,
    PeerId, Rejection,
};

pub const BAD_NONCE: u32 = 0xdead_beef;

/// A block on `prev` at `height`; `tag` makes forks differ.
pub fn make_block(prev: BlockHash, height: u32, tag: u8) -> Block {
    let mut script = vec![4];
    script.extend_from_slice(&height.to_le_bytes());
    script.push(1);
    script.push(tag);
    let coinbase = Transaction {
        version: TxVersion::ONE,
        lock_time: LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::null(),
            script_sig: ScriptBuf::from_bytes(script),
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(50_0000_0000),
            script_pubkey: ScriptBuf::new(),
        }],
    };
    let mut block = Block {
        header: Header::new(bitcoin::block::Header {
            version: Version::from_consensus(1),
            prev_blockhash: prev,
            merkle_root: TxMerkleNode::all_zeros(),
            time: 1_700_000_000 + height,
            bits: CompactTarget::from_consensus(0x207f_ffff),
            nonce: 0,
        }),
        txdata: vec![coinbase],
    };
    if let Some(root) = block.compute_merkle_root() {
        block.header.pure.merkle_root = root;
    }
    block
}

pub fn genesis(tag: u8) -> Block {
    make_block(BlockHash::all_zeros(), 0, tag)
}

/// `count` blocks on top of `parent` (at `height`).
pub fn build_chain(parent: BlockHash, height: u32, count: u32, tag: u8) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut prev = parent;
    for h in height + 1..=height + count {
        let block = make_block(prev, h, tag);
        prev = block.block_hash();
        blocks.push(block);
    }
    blocks
}

fn work(height: u32) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[24..].copy_from_slice(&(u64::from(height) + 1).to_be_bytes());
    bytes
}

struct Entry {
    header: Header,
    height: u32,
    block: Option<Vec<u8>>,
}

struct State {
    genesis: BlockHash,
    entries: HashMap<BlockHash, Entry>,
    children: HashMap<BlockHash, Vec<BlockHash>>,
    active: Vec<BlockHash>,
    best_header: BlockHash,
    orphans: HashMap<BlockHash, Vec<Block>>,
}

#[derive(Default)]
pub struct Counters {
    pub blocks_served: AtomicUsize,
    pub ibd_on: AtomicUsize,
    pub ibd_off: AtomicUsize,
}

pub struct MemChain {
    state: Mutex<State>,
    pub counters: Counters,
}

impl MemChain {
    pub fn new(genesis: &Block) -> MemChain {
        let hash = genesis.block_hash();
        let mut entries = HashMap::new();
        entries.insert(
            hash,
            Entry {
                header: genesis.header.clone(),
                height: 0,
                block: Some(encode::serialize(genesis)),
            },
        );
        MemChain {
            state: Mutex::new(State {
                genesis: hash,
                entries,
                children: HashMap::new(),
                active: vec![hash],
                best_header: hash,
                orphans: HashMap::new(),
            }),
            counters: Counters::default(),
        }
    }

    /// A chain holding `blocks` (in order) on top of `genesis`.
    pub fn with_blocks(genesis: &Block, blocks: &[Block]) -> MemChain {
        let chain = MemChain::new(genesis);
        for block in blocks {
            let verdict = chain.submit_block(block.clone(), true);
            assert!(
                matches!(verdict, BlockVerdict::NewTip | BlockVerdict::SideChain),
                "{verdict:?}"
            );
        }
        chain
    }

    pub fn height(&self) -> u32 {
        self.lock().active.len() as u32 - 1
    }

    pub fn tip(&self) -> BlockHash {
        *self.lock().active.last().unwrap()
    }

    pub fn genesis_hash(&self) -> BlockHash {
        self.lock().genesis
    }

    pub fn has_block(&self, hash: &BlockHash) -> bool {
        self.lock()
            .entries
            .get(hash)
            .is_some_and(|e| e.block.is_some())
    }

    /// Mines one block on the tip and returns its bytes.
    pub fn mine(&self, tag: u8) -> Vec<u8> {
        let (tip, height) = {
            let state = self.lock();
            (*state.active.last().unwrap(), state.active.len() as u32 - 1)
        };
        let block = make_block(tip, height + 1, tag);
        let bytes = encode::serialize(&block);
        assert_eq!(self.submit_block(block, true), BlockVerdict::NewTip);
        bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }
}

impl State {
    fn tip_height(&self) -> u32 {
        self.active.len() as u32 - 1
    }

    fn is_active(&self, hash: &BlockHash) -> bool {
        self.entries
            .get(hash)
            .is_some_and(|e| self.active.get(e.height as usize) == Some(hash))
    }

    /// Whether the block and all its ancestors have data.
    fn linked(&self, hash: &BlockHash) -> bool {
        let mut current = *hash;
        loop {
            if self.is_active(&current) {
                return true;
            }
            let Some(entry) = self.entries.get(&current) else {
                return false;
            };
            if entry.block.is_none() {
                return false;
            }
            current = entry.header.pure.prev_blockhash;
        }
    }

    /// The highest block with data reachable from `hash` through blocks with data.
    fn highest_descendant(&self, hash: BlockHash) -> BlockHash {
        let mut best = hash;
        let mut stack = vec![hash];
        while let Some(current) = stack.pop() {
            if self.entries[&current].height > self.entries[&best].height {
                best = current;
            }
            for child in self.children.get(&current).into_iter().flatten() {
                if self.entries.get(child).is_some_and(|e| e.block.is_some()) {
                    stack.push(*child);
                }
            }
        }
        best
    }

    fn set_active_to(&mut self, tip: BlockHash) {
        let mut path = Vec::new();
        let mut current = tip;
        while !self.is_active(&current) {
            path.push(current);
            current = self.entries[&current].header.pure.prev_blockhash;
        }
        let fork_height = self.entries[&current].height as usize;
        self.active.truncate(fork_height + 1);
        self.active.extend(path.into_iter().rev());
    }

    fn add_header(&mut self, header: Header) -> Result<bool, Rejection> {
        let hash = header.block_hash();
        if self.entries.contains_key(&hash) {
            return Ok(false);
        }
        if header.pure.nonce == BAD_NONCE {
            return Err(Rejection::new("high-hash", Blame::Sender));
        }
        let prev = header.pure.prev_blockhash;
        let Some(parent) = self.entries.get(&prev) else {
            return Err(Rejection::new("prev-blk-not-found", Blame::Unconnected));
        };
        let height = parent.height + 1;
        self.entries.insert(
            hash,
            Entry {
                header,
                height,
                block: None,
            },
        );
        self.children.entry(prev).or_default().push(hash);
        if height > self.entries[&self.best_header].height {
            self.best_header = hash;
        }
        Ok(true)
    }

    fn add_block(&mut self, block: Block) -> BlockVerdict {
        let hash = block.block_hash();
        if self.entries.get(&hash).is_some_and(|e| e.block.is_some()) {
            return BlockVerdict::Duplicate;
        }
        if block.compute_merkle_root() != Some(block.header.pure.merkle_root) {
            return BlockVerdict::Rejected(Rejection::new("bad-txnmrklroot", Blame::Sender));
        }
        let prev = block.header.pure.prev_blockhash;
        if !self.entries.contains_key(&prev) {
            self.orphans.entry(prev).or_default().push(block);
            return BlockVerdict::Orphan;
        }
        if let Err(rejection) = self.add_header(block.header.clone()) {
            return BlockVerdict::Rejected(rejection);
        }
        let bytes = encode::serialize(&block);
        if let Some(entry) = self.entries.get_mut(&hash) {
            entry.block = Some(bytes);
        }
        let mut verdict = BlockVerdict::SideChain;
        if self.linked(&hash) {
            let best = self.highest_descendant(hash);
            if self.entries[&best].height > self.tip_height() {
                self.set_active_to(best);
                if self.is_active(&hash) {
                    verdict = BlockVerdict::NewTip;
                }
            }
        }
        for orphan in self.orphans.remove(&hash).unwrap_or_default() {
            self.add_block(orphan);
        }
        verdict
    }
}

impl ChainAccess for MemChain {
    fn status(&self) -> ChainStatus {
        let state = self.lock();
        let tip = *state.active.last().unwrap();
        let header_height = state.entries[&state.best_header].height;
        ChainStatus {
            genesis: state.genesis,
            best_hash: tip,
            best_height: state.tip_height(),
            best_work: work(state.tip_height()),
            header_height,
            header_work: work(header_height),
            below_min_work: false,
        }
    }

    fn locator(&self) -> Vec<BlockHash> {
        let state = self.lock();
        let mut locator = Vec::new();
        let mut current = state.best_header;
        let mut step = 1;
        loop {
            locator.push(current);
            let height = state.entries[&current].height;
            if height == 0 {
                break;
            }
            if locator.len() >= 10 {
                step *= 2;
            }
            let target = height.saturating_sub(step);
            while state.entries[&current].height > target {
                current = state.entries[&current].header.pure.prev_blockhash;
            }
        }
        locator
    }

    fn headers_after(&self, locator: &[BlockHash], max: usize) -> Vec<Header> {
        let state = self.lock();
        let start = locator
            .iter()
            .find(|h| state.is_active(h))
            .map_or(0, |h| state.entries[h].height as usize);
        state
            .active
            .iter()
            .skip(start + 1)
            .take(max)
            .map(|h| state.entries[h].header.clone())
            .collect()
    }

    fn block_bytes(&self, hash: &BlockHash) -> Option<Vec<u8>> {
        let bytes = self.lock().entries.get(hash).and_then(|e| e.block.clone());
        if bytes.is_some() {
            self.counters.blocks_served.fetch_add(1, Ordering::Relaxed);
        }
        bytes
    }

    /// Stores every connecting header: the work threshold and pre-sync are the
    /// chain's, tested in `venture-chain` and end to end.
    fn submit_headers(
        &self,
        _peer: PeerId,
        headers: Vec<Header>,
        _full: bool,
    ) -> Result<HeadersOutcome, Rejection> {
        let mut state = self.lock();
        let mut added = 0;
        for header in headers {
            if state.add_header(header)? {
                added += 1;
            }
        }
        Ok(HeadersOutcome {
            added,
            checked: added,
            next: HeadersNext::Continue,
        })
    }

    /// Keeps every valid block, asked for or not: the node's rule for unrequested
    /// low-work blocks is the chain's, tested in `venture-chain` and end to end.
    fn submit_block(&self, block: Block, _requested: bool) -> BlockVerdict {
        self.lock().add_block(block)
    }

    fn missing_blocks(&self, max: usize) -> Vec<BlockHash> {
        let state = self.lock();
        let mut missing = Vec::new();
        let mut current = state.best_header;
        while !state.is_active(&current) {
            let entry = &state.entries[&current];
            if entry.block.is_none() {
                missing.push(current);
            }
            current = entry.header.pure.prev_blockhash;
        }
        missing.reverse();
        missing.truncate(max);
        missing
    }

    fn set_initial_download(&self, value: bool) {
        let counter = if value {
            &self.counters.ibd_on
        } else {
            &self.counters.ibd_off
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// How a hostile node lies.
#[derive(Debug, Clone)]
pub enum Lie {
    /// Same header, different transactions: the merkle root no longer matches.
    MutatedBlocks,
    /// A response far over the size limit.
    Oversized(usize),
    /// Its status claims the most work and height there can be; everything it serves
    /// is its real, shorter chain.
    InflatedClaims,
    /// While the flag is set, header and block requests get no answer: a process
    /// stopped with its connection left open.
    Frozen(Arc<AtomicBool>),
}

/// A chain that tells the truth about everything but what its lie is about.
pub struct HostileChain {
    pub inner: MemChain,
    pub lie: Lie,
}

impl HostileChain {
    /// Holds the answer while the node is frozen (bounded, so a test's runtime can
    /// always shut down).
    fn wait_while_frozen(&self) {
        if let Lie::Frozen(frozen) = &self.lie {
            for _ in 0..600 {
                if !frozen.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
    }
}

impl ChainAccess for HostileChain {
    fn status(&self) -> ChainStatus {
        let mut status = self.inner.status();
        if let Lie::InflatedClaims = self.lie {
            status.best_height = u32::MAX;
            status.best_work = [0xff; 32];
            status.header_height = u32::MAX;
            status.header_work = [0xff; 32];
        }
        status
    }
    fn locator(&self) -> Vec<BlockHash> {
        self.inner.locator()
    }
    fn headers_after(&self, locator: &[BlockHash], max: usize) -> Vec<Header> {
        self.wait_while_frozen();
        self.inner.headers_after(locator, max)
    }
    fn block_bytes(&self, hash: &BlockHash) -> Option<Vec<u8>> {
        self.wait_while_frozen();
        let bytes = self.inner.block_bytes(hash)?;
        match &self.lie {
            Lie::MutatedBlocks => {
                let mut block: Block = encode::deserialize(&bytes).ok()?;
                block.txdata[0].output[0].value = Amount::from_sat(1);
                Some(encode::serialize(&block))
            }
            Lie::Oversized(size) => {
                let mut junk = bytes;
                junk.resize(*size, 0xab);
                Some(junk)
            }
            Lie::InflatedClaims | Lie::Frozen(_) => Some(bytes),
        }
    }
    fn submit_headers(
        &self,
        peer: PeerId,
        headers: Vec<Header>,
        full: bool,
    ) -> Result<HeadersOutcome, Rejection> {
        self.inner.submit_headers(peer, headers, full)
    }
    fn submit_block(&self, block: Block, requested: bool) -> BlockVerdict {
        self.inner.submit_block(block, requested)
    }
    fn missing_blocks(&self, max: usize) -> Vec<BlockHash> {
        self.inner.missing_blocks(max)
    }
    fn set_initial_download(&self, value: bool) {
        self.inner.set_initial_download(value)
    }
}
