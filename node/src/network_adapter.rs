//! The network's view of the chain: `venture_network::ChainAccess` over the shared
//! `Chain` (Grin's adapter pattern: the network crate knows nothing of consensus).

use bitcoin::BlockHash;
use bitcoin::Transaction;
use std::sync::{Arc, Mutex, MutexGuard};
use tracing::warn;
use venture_chain::{Chain, ChainError, PeerHeaderSync, ProcessOutcome, Reject};
use venture_mempool::{PeerTag, Relayed, SharedMempool};
use venture_network::{
    Blame, BlockVerdict, ChainAccess, ChainStatus, HeadersNext, HeadersOutcome, PeerId, Rejection,
    TxVerdict,
};
use venture_primitives::{Block, Header};
use venture_store::Store;

pub struct ChainAdapter {
    chain: Arc<Mutex<Chain>>,
    /// The chain's store, read without its lock when serving peers.
    store: Arc<Store>,
    mempool: SharedMempool,
    /// The header-sync peer's pre-sync, if one is under way.
    header_syncs: Mutex<Option<(PeerId, PeerHeaderSync)>>,
}

impl ChainAdapter {
    pub fn new(chain: Arc<Mutex<Chain>>, mempool: SharedMempool) -> ChainAdapter {
        let store = chain
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .shared_store();
        ChainAdapter {
            chain,
            store,
            mempool,
            header_syncs: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Chain> {
        // A poisoned lock means a panic elsewhere already broke the node; keep serving
        // what the state says rather than panicking the network task too.
        self.chain
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// What a refusal of a peer's headers or block says about the peer: the rule's own
/// verdict ([`Reject::blames_sender`]), with unknown parents counted apart.
fn rejection(error: ChainError) -> Rejection {
    match error {
        ChainError::Block(error) => {
            let blame = match error.kind {
                Reject::PrevBlkNotFound => Blame::Unconnected,
                kind if kind.blames_sender() => Blame::Sender,
                _ => Blame::Nobody,
            };
            Rejection::new(error.to_string(), blame)
        }
        ChainError::HeadersChanged(detail) => Rejection::new(detail, Blame::Sender),
        other => {
            warn!("chain error while handling peer data: {other}");
            Rejection::new(other.to_string(), Blame::Nobody)
        }
    }
}

impl ChainAccess for ChainAdapter {
    fn status(&self) -> ChainStatus {
        let chain = self.lock();
        let tip = chain.tip();
        let best_header = chain.index().best_header();
        ChainStatus {
            genesis: chain.params().genesis_hash,
            best_hash: tip.hash,
            best_height: tip.height,
            best_work: tip.chain_work.to_be_bytes(),
            header_height: best_header.map_or(tip.height, |e| e.height),
            header_work: best_header
                .map_or(tip.chain_work, |e| e.chain_work)
                .to_be_bytes(),
            below_min_work: tip.chain_work < chain.params().spec.consensus.min_chain_work,
        }
    }

    fn locator(&self) -> Vec<BlockHash> {
        let chain = self.lock();
        let from = chain
            .index()
            .best_header()
            .map(|e| e.hash)
            .unwrap_or(chain.tip().hash);
        chain.index().locator(&from)
    }

    /// Only the hashes are looked up under the chain's lock; the records are read
    /// after it, so peers asking for headers never hold up validation or RPC.
    fn headers_after(&self, locator: &[BlockHash], max: usize) -> Vec<Header> {
        let hashes = self.lock().active_hashes_after(locator, max);
        venture_chain::headers_of(&self.store, &hashes).unwrap_or_else(|e| {
            warn!("cannot serve headers: {e}");
            Vec::new()
        })
    }

    /// Read without the chain's lock: a stored block never changes.
    fn block_bytes(&self, hash: &BlockHash) -> Option<Vec<u8>> {
        self.store.block_bytes(hash).ok().flatten()
    }

    fn submit_headers(
        &self,
        peer: PeerId,
        headers: Vec<Header>,
        full: bool,
    ) -> Result<HeadersOutcome, Rejection> {
        let mut chain = self.lock();
        let mut syncs = self
            .header_syncs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // One peer at a time is asked for headers; a new one starts afresh.
        if syncs.as_ref().is_none_or(|(current, _)| *current != peer) {
            *syncs = Some((peer, PeerHeaderSync::default()));
        }
        let (_, sync) = syncs.as_mut().expect("set above");
        let progress = chain
            .process_peer_headers(sync, &headers, full)
            .map_err(rejection)?;
        Ok(HeadersOutcome {
            added: progress.added,
            checked: progress.checked,
            next: match progress.next {
                venture_chain::HeadersNext::Continue => HeadersNext::Continue,
                venture_chain::HeadersNext::Restart(locator) => HeadersNext::Restart(locator),
                venture_chain::HeadersNext::Done => HeadersNext::Done,
            },
        })
    }

    fn submit_block(&self, block: Block, requested: bool) -> BlockVerdict {
        let mut chain = self.lock();
        let outcome = if requested {
            chain.process_block(block, true)
        } else {
            chain.process_relayed_block(block)
        };
        match outcome {
            Ok(ProcessOutcome::Connected) => BlockVerdict::NewTip,
            Ok(ProcessOutcome::SideChain) => BlockVerdict::SideChain,
            Ok(ProcessOutcome::Orphan) => BlockVerdict::Orphan,
            Ok(ProcessOutcome::Duplicate) => BlockVerdict::Duplicate,
            Ok(ProcessOutcome::LowWork) => BlockVerdict::LowWork,
            Err(e) => BlockVerdict::Rejected(rejection(e)),
        }
    }

    fn missing_blocks(&self, max: usize) -> Vec<BlockHash> {
        self.lock().missing_blocks(max)
    }

    fn set_initial_download(&self, value: bool) {
        self.lock().set_initial_download(value);
    }

    fn submit_transaction(&self, from: PeerId, tx: Transaction) -> TxVerdict {
        let mut chain = self.lock();
        if chain.is_initial_download() {
            return TxVerdict::Ignored;
        }
        let mut pool = self
            .mempool
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        pool.sync_with(&mut chain);
        let now = u64::try_from(chain.clock().now()).unwrap_or(0);
        match pool.accept_relayed(tx, &chain, now, peer_tag(&from)) {
            Ok(Relayed::Accepted(_)) => TxVerdict::Accepted,
            Ok(Relayed::Orphan) => TxVerdict::Ignored,
            Ok(Relayed::OrphanFlood) => TxVerdict::Rejected(Rejection::new(
                "too many transactions with unknown inputs",
                Blame::Sender,
            )),
            Err(e) if e.kind.blames_sender() => {
                TxVerdict::Rejected(Rejection::new(e.to_string(), Blame::Sender))
            }
            Err(_) => TxVerdict::Ignored,
        }
    }
}

/// A peer's id as the mempool's orphanage tells peers apart.
fn peer_tag(peer: &PeerId) -> PeerTag {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    peer.hash(&mut hasher);
    hasher.finish()
}
