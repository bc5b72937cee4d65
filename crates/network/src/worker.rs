//! Calls into [`ChainAccess`], off the event loop.
//!
//! Writes (headers, blocks, transactions, the initial-download flag) go to one worker
//! that runs them one at a time on the blocking pool, from four queues in order of
//! priority: gossiped blocks (news that peers wait for), then headers, then sync blocks
//! (history), then gossiped transactions in a bounded queue of their own, so a flood of
//! transactions never delays or drops a block. Headers go ahead of downloaded blocks
//! because the next headers request waits for their verdict, and the blocks to download
//! next are those the headers name: behind a queue of blocks, they would leave the
//! download with nothing to ask for once the queue drained, a round trip per batch. Reads (serving peers, locators, the
//! download queue) run as independent blocking tasks. Every result comes back to the
//! event loop as a [`ChainEvent`].

use crate::limits::{MAX_HEADERS_PER_RESPONSE, RESPONSE_SOFT_BYTES};
use crate::message::{StatusMessage, SyncRequest, SyncResponse};
use crate::{BlockVerdict, ChainAccess, ChainStatus, HeadersOutcome, Rejection};
use bitcoin::consensus::encode;
use bitcoin::BlockHash;
use libp2p::request_response::ResponseChannel;
use libp2p::{gossipsub::MessageId, PeerId};
use std::sync::Arc;
use tokio::sync::mpsc;
use tracing::error;
use venture_primitives::{Block, Header};

/// Where a block came from, so its verdict reaches the right place.
#[derive(Debug, Clone)]
pub(crate) enum Origin {
    Gossip {
        message_id: MessageId,
        source: PeerId,
    },
    Sync {
        peer: PeerId,
    },
}

#[derive(Debug)]
pub(crate) enum Job {
    Headers {
        peer: PeerId,
        headers: Vec<Header>,
    },
    Block {
        origin: Origin,
        hash: BlockHash,
        bytes: Vec<u8>,
    },
    SetInitialDownload(bool),
    Transaction {
        message_id: MessageId,
        source: PeerId,
        bytes: Vec<u8>,
    },
}

/// The chain's answer to a response of headers, with what the next request needs.
#[derive(Debug)]
pub(crate) struct HeadersReply {
    pub peer: PeerId,
    pub received: usize,
    /// As long as a response can be: the peer may have more.
    pub full: bool,
    pub last: Option<BlockHash>,
    pub result: Result<HeadersOutcome, Rejection>,
    pub status: ChainStatus,
    pub locator: Vec<BlockHash>,
}

/// A block's fate: the chain's verdict, or that its bytes were not a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    Chain(BlockVerdict),
    Undecodable(String),
}

#[derive(Debug)]
pub(crate) enum ChainEvent {
    HeadersDone(HeadersReply),
    BlockDone {
        origin: Origin,
        hash: BlockHash,
        size: usize,
        verdict: Verdict,
        status: ChainStatus,
    },
    Served {
        peer: PeerId,
        channel: ResponseChannel<SyncResponse>,
        response: SyncResponse,
    },
    Locator {
        peer: PeerId,
        locator: Vec<BlockHash>,
    },
    Missing(Vec<BlockHash>),
    Status(ChainStatus),
    TxDone {
        message_id: MessageId,
        source: PeerId,
        /// `None` when the bytes were not a transaction.
        verdict: Option<crate::TxVerdict>,
    },
}

pub(crate) fn status_message(status: &ChainStatus) -> StatusMessage {
    StatusMessage {
        genesis: status.genesis,
        best_hash: status.best_hash,
        best_height: status.best_height,
        best_work: status.best_work,
    }
}

/// The sender side of the write worker.
pub(crate) struct Worker {
    /// Gossiped blocks; full means validation is behind and the block is ignored.
    pub gossip: mpsc::Sender<Job>,
    /// Header responses: one open headers request at a time bounds it.
    pub headers: mpsc::UnboundedSender<Job>,
    pub sync: mpsc::UnboundedSender<Job>,
    /// Gossiped transactions; full means they are ignored until it drains.
    pub transactions: mpsc::Sender<Job>,
}

impl Worker {
    pub fn spawn(chain: Arc<dyn ChainAccess>, events: mpsc::UnboundedSender<ChainEvent>) -> Worker {
        let (gossip, gossip_rx) = mpsc::channel(crate::limits::MAX_GOSSIP_QUEUE);
        let (headers, headers_rx) = mpsc::unbounded_channel();
        let (sync, sync_rx) = mpsc::unbounded_channel();
        let (transactions, transactions_rx) = mpsc::channel(crate::limits::MAX_TX_QUEUE);
        let queues = Queues {
            gossip: gossip_rx,
            headers: headers_rx,
            sync: sync_rx,
            transactions: transactions_rx,
        };
        tokio::spawn(run(chain, queues, events));
        Worker {
            gossip,
            headers,
            sync,
            transactions,
        }
    }
}

/// The worker's receiving ends, highest priority first.
struct Queues {
    gossip: mpsc::Receiver<Job>,
    headers: mpsc::UnboundedReceiver<Job>,
    sync: mpsc::UnboundedReceiver<Job>,
    transactions: mpsc::Receiver<Job>,
}

async fn run(
    chain: Arc<dyn ChainAccess>,
    mut queues: Queues,
    events: mpsc::UnboundedSender<ChainEvent>,
) {
    loop {
        let job = tokio::select! {
            biased;
            Some(job) = queues.gossip.recv() => job,
            Some(job) = queues.headers.recv() => job,
            Some(job) = queues.sync.recv() => job,
            Some(job) = queues.transactions.recv() => job,
            else => break,
        };
        let chain = chain.clone();
        match tokio::task::spawn_blocking(move || execute(chain.as_ref(), job)).await {
            Ok(Some(event)) => {
                if events.send(event).is_err() {
                    break;
                }
            }
            Ok(None) => {}
            Err(e) => error!("chain call failed: {e}"),
        }
    }
}

fn execute(chain: &dyn ChainAccess, job: Job) -> Option<ChainEvent> {
    match job {
        Job::Headers { peer, headers } => {
            let received = headers.len();
            let last = headers.last().map(Header::block_hash);
            let full = is_full_headers_response(&headers);
            let result = chain.submit_headers(crate::PeerId::from_libp2p(peer), headers, full);
            Some(ChainEvent::HeadersDone(HeadersReply {
                peer,
                received,
                full,
                last,
                result,
                status: chain.status(),
                locator: chain.locator(),
            }))
        }
        Job::Block {
            origin,
            hash,
            bytes,
        } => {
            let size = bytes.len();
            let verdict = match encode::deserialize::<Block>(&bytes) {
                Ok(block) => {
                    let requested = matches!(origin, Origin::Sync { .. });
                    Verdict::Chain(chain.submit_block(block, requested))
                }
                Err(e) => Verdict::Undecodable(e.to_string()),
            };
            Some(ChainEvent::BlockDone {
                origin,
                hash,
                size,
                verdict,
                status: chain.status(),
            })
        }
        Job::SetInitialDownload(value) => {
            chain.set_initial_download(value);
            None
        }
        Job::Transaction {
            message_id,
            source,
            bytes,
        } => {
            let verdict = venture_primitives::deserialize_transaction(&bytes)
                .ok()
                .map(|tx| chain.submit_transaction(crate::PeerId::from_libp2p(source), tx));
            Some(ChainEvent::TxDone {
                message_id,
                source,
                verdict,
            })
        }
    }
}

/// Runs a read on the blocking pool and sends its event back.
pub(crate) fn query<F>(
    chain: &Arc<dyn ChainAccess>,
    events: &mpsc::UnboundedSender<ChainEvent>,
    read: F,
) where
    F: FnOnce(&dyn ChainAccess) -> ChainEvent + Send + 'static,
{
    spawn_read(None, chain, events, read);
}

/// [`query`] for answering a peer: waits for one of `permits` first, so that however
/// many peers ask at once, answering them takes at most that many threads.
pub(crate) fn serve_query<F>(
    permits: &Arc<tokio::sync::Semaphore>,
    chain: &Arc<dyn ChainAccess>,
    events: &mpsc::UnboundedSender<ChainEvent>,
    read: F,
) where
    F: FnOnce(&dyn ChainAccess) -> ChainEvent + Send + 'static,
{
    spawn_read(Some(permits.clone()), chain, events, read);
}

fn spawn_read<F>(
    permits: Option<Arc<tokio::sync::Semaphore>>,
    chain: &Arc<dyn ChainAccess>,
    events: &mpsc::UnboundedSender<ChainEvent>,
    read: F,
) where
    F: FnOnce(&dyn ChainAccess) -> ChainEvent + Send + 'static,
{
    let chain = chain.clone();
    let events = events.clone();
    tokio::spawn(async move {
        let _permit = match permits {
            Some(permits) => match permits.acquire_owned().await {
                Ok(permit) => Some(permit),
                Err(_) => return,
            },
            None => None,
        };
        match tokio::task::spawn_blocking(move || read(chain.as_ref())).await {
            Ok(event) => {
                let _ = events.send(event);
            }
            Err(e) => error!("chain read failed: {e}"),
        }
    });
}

/// Whether a headers response is as long as [`serve`] makes one (by count or by bytes),
/// so the peer may have more after it.
fn is_full_headers_response(headers: &[Header]) -> bool {
    headers.len() >= MAX_HEADERS_PER_RESPONSE
        || headers
            .iter()
            .map(|header| encode::serialize(header).len())
            .sum::<usize>()
            >= RESPONSE_SOFT_BYTES
}

/// The answer to a peer's request.
pub(crate) fn serve(chain: &dyn ChainAccess, request: SyncRequest) -> SyncResponse {
    match request {
        SyncRequest::Status(_) => SyncResponse::Status(status_message(&chain.status())),
        SyncRequest::GetHeaders { locator, max } => {
            let max = (max as usize).min(MAX_HEADERS_PER_RESPONSE);
            let mut headers = chain.headers_after(&locator, max);
            headers.truncate(max);
            let mut total = 0;
            let keep = headers
                .iter()
                .take_while(|header| {
                    let fits = total < RESPONSE_SOFT_BYTES;
                    total += encode::serialize(*header).len();
                    fits
                })
                .count();
            headers.truncate(keep);
            SyncResponse::Headers(headers)
        }
        SyncRequest::GetBlocks(hashes) => {
            let mut blocks = Vec::new();
            let mut total = 0;
            for hash in hashes {
                if total >= RESPONSE_SOFT_BYTES {
                    break;
                }
                let Some(bytes) = chain.block_bytes(&hash) else {
                    break;
                };
                total += bytes.len();
                blocks.push(bytes);
            }
            SyncResponse::Blocks(blocks)
        }
    }
}
