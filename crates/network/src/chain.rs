//! [`ChainAccess`]: what the network needs from the chain, in our own types.
//!
//! The methods block (they take the chain's lock and may read the database). The
//! service never calls them on its event loop: reads run on tokio's blocking pool and
//! writes run one at a time, in arrival order, on a dedicated worker.

use crate::PeerId;
use bitcoin::BlockHash;
use venture_primitives::{Block, Header};

/// A snapshot of the local chain, sent to peers in status messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainStatus {
    pub genesis: BlockHash,
    /// The active chain's tip.
    pub best_hash: BlockHash,
    pub best_height: u32,
    /// Total work of the active chain, 32 bytes big-endian (so byte order is numeric
    /// order).
    pub best_work: [u8; 32],
    /// The valid header with the most work (ahead of `best_*` while blocks are missing).
    pub header_height: u32,
    pub header_work: [u8; 32],
    /// The active chain has less work than the chain spec's `min_chain_work`: it
    /// cannot be the real chain yet, so the node is catching up (as Core's
    /// `IsInitialBlockDownload`).
    pub below_min_work: bool,
}

/// Why headers, a block or a transaction were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Bitcoin Core's short reason code and the particulars, for logs and ban records.
    pub reason: String,
    /// What the refusal says about the peer that sent the data.
    pub blame: Blame,
}

/// Whether a refusal is the sender's fault. The chain decides (it knows the rules);
/// the network acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blame {
    /// The data breaks a rule or was mangled: penalise the sender.
    Sender,
    /// Headers that do not connect to any we know: honest peers send these when we are
    /// far behind, so they are counted, not condemned at once (Core's
    /// `MAX_NUM_UNCONNECTING_HEADERS_MSGS`).
    Unconnected,
    /// Something an honest peer can send (a time slightly ahead of our clock, a
    /// judgement our own state could not make): no penalty. A block refused this way is
    /// not downloaded again for a while.
    Nobody,
}

impl Rejection {
    pub fn new(reason: impl Into<String>, blame: Blame) -> Rejection {
        Rejection {
            reason: reason.into(),
            blame,
        }
    }

    /// Whether the sender is to be penalised.
    pub fn blames_sender(&self) -> bool {
        self.blame == Blame::Sender
    }
}

/// What became of a block handed to [`ChainAccess::submit_block`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockVerdict {
    /// Valid and now the tip of the active chain.
    NewTip,
    /// Valid and stored on a branch with no more work than the active chain (or its
    /// header was known and its ancestors' data is still missing).
    SideChain,
    /// Already known.
    Duplicate,
    /// Its parent is unknown; kept until the parent arrives.
    Orphan,
    /// Relayed unasked on a branch lighter than our tip: valid as far as checked, but
    /// not stored and not relayed further.
    LowWork,
    /// Refused.
    Rejected(Rejection),
}

/// What became of headers handed to [`ChainAccess::submit_headers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadersOutcome {
    /// Headers newly stored.
    pub added: usize,
    /// Headers newly taken in (stored, or counted towards the work the peer must
    /// show; known ones are not): zero means the response brought nothing new.
    pub checked: usize,
    pub next: HeadersNext,
}

/// What to ask the header-sync peer for next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadersNext {
    /// Headers after the last one it sent, while it has more.
    Continue,
    /// Headers after this locator.
    Restart(Vec<BlockHash>),
    /// Nothing more: its chain proves too little work to be worth following.
    Done,
}

/// What became of a transaction handed to [`ChainAccess::submit_transaction`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxVerdict {
    /// Valid and now in the mempool: relay it.
    Accepted,
    /// Already in the mempool or confirmed, or not relayable here (e.g. a missing
    /// parent): do not relay, do not blame.
    Ignored,
    /// Refused; `blame` says whether the sender is to blame.
    Rejected(Rejection),
}

/// The chain as the network sees it. Implemented by the node over `venture_chain::Chain`
/// (and by tests over an in-memory chain). Storage failures are the implementation's to
/// log; a read that fails answers as "nothing".
pub trait ChainAccess: Send + Sync + 'static {
    /// The current status.
    fn status(&self) -> ChainStatus;

    /// A block locator for the best header: hashes from it back to genesis, dense near
    /// the top and exponentially sparse below (Bitcoin's `CBlockLocator`).
    fn locator(&self) -> Vec<BlockHash>;

    /// Headers of the active chain after the first locator hash on it (or after genesis),
    /// at most `max`.
    fn headers_after(&self, locator: &[BlockHash], max: usize) -> Vec<Header>;

    /// The consensus-serialized block, if stored.
    fn block_bytes(&self, hash: &BlockHash) -> Option<Vec<u8>>;

    /// Takes in a response of headers from `peer` (the one header-sync peer); `full`
    /// says whether the response was as long as one can be. Headers before a bad one
    /// may be kept. The chain may decline to store headers that prove too little work,
    /// and says what to ask the peer next.
    fn submit_headers(
        &self,
        peer: PeerId,
        headers: Vec<Header>,
        full: bool,
    ) -> Result<HeadersOutcome, Rejection>;

    /// Validates and stores a block.
    fn submit_block(&self, block: Block, requested: bool) -> BlockVerdict;

    /// Blocks of the best header chain whose data is missing, lowest first, at most `max`.
    fn missing_blocks(&self, max: usize) -> Vec<BlockHash>;

    /// Tells the chain whether the node is catching up with the network.
    fn set_initial_download(&self, value: bool);

    /// Offers a transaction gossiped by `from` to the mempool. Nodes without a mempool
    /// ignore transactions, so they are neither relayed nor held against the sender.
    fn submit_transaction(&self, from: PeerId, tx: bitcoin::Transaction) -> TxVerdict {
        let _ = (from, tx);
        TxVerdict::Ignored
    }
}
