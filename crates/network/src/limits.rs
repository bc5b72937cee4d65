//! Protocol limits: the same for every node of every chain, so a request an honest
//! peer sends is never refused as abuse. Tunable limits (connection counts, byte caps
//! that follow the chain's block size) are in [`crate::NetworkConfig`].

use std::time::Duration;

/// Most headers in one response (Bitcoin's `MAX_HEADERS_RESULTS`).
pub const MAX_HEADERS_PER_RESPONSE: usize = 2_000;

/// Most hashes in a block locator (Bitcoin's `MAX_LOCATOR_SZ`).
pub const MAX_LOCATOR_HASHES: usize = 101;

/// Most block hashes in one request for blocks.
pub const MAX_BLOCKS_PER_REQUEST: usize = 128;

/// Largest request frame: a full locator or a full block request, with room to spare.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024;

/// Requests a peer may have open with us at once before further ones are refused
/// (and the peer penalised). Our own limit per peer is far below it.
pub const MAX_INBOUND_REQUESTS_PER_PEER: usize = 16;

/// Requests of all peers being answered at once; more are refused without penalty
/// (the answer would be late anyway). Each answer holds at most one response in
/// memory, so this bounds what serving can take.
pub const MAX_SERVING: usize = 32;

/// Answers computed at once; the other accepted requests wait their turn. Small, so
/// that peers asking for headers and blocks never take every core of a small machine
/// from validation and RPC.
pub const SERVING_THREADS: usize = 2;

/// Bytes after which a server stops adding blocks or headers to a response (it always
/// sends at least one). A response is therefore at most this plus one block: see
/// [`crate::NetworkConfig::max_response_bytes`].
pub const RESPONSE_SOFT_BYTES: usize = 2 * 1024 * 1024;

/// Bytes a gossip frame may carry beyond the block itself (signature, key, topic).
pub const GOSSIP_OVERHEAD_BYTES: usize = 64 * 1024;

/// Blocks queued for validation from gossip; more are ignored until the queue drains.
pub const MAX_GOSSIP_QUEUE: usize = 64;

/// Gossiped transactions queued for validation, apart from blocks; more are ignored
/// until the queue drains (peers offer them again, and they are not lost to the sender).
pub const MAX_TX_QUEUE: usize = 256;

/// Largest transaction relayed: Bitcoin Core's standard weight limit in bytes, the most
/// a 400,000-weight transaction can take.
pub const MAX_TX_BYTES: usize = 400_000;

/// Bytes of downloaded blocks waiting for validation before downloads pause.
pub const MAX_PENDING_BLOCK_BYTES: usize = 64 * 1024 * 1024;

/// How far ahead of the first missing block downloads may run, in blocks.
pub const DOWNLOAD_WINDOW: usize = 1_024;

/// How many blocks behind the best known peer the node must be to call itself in
/// initial download (a block or two behind is normal propagation, not syncing).
pub const INITIAL_DOWNLOAD_LAG: u32 = 6;

/// How long a peer may take to answer a header or block request before its request is
/// given to another peer and, if another can serve us, the peer is disconnected
/// (Bitcoin Core moves a stalled block download after 2 s and drops a header-sync peer
/// that stops delivering). A response carries about 2 MB, so this leaves room for a
/// slow honest link.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Header responses in a row that add nothing before a peer's claim of more work is
/// taken as false (the next request always continues after the last header sent, so an
/// honest peer adds something by the second).
pub const MAX_FRUITLESS_HEADER_RESPONSES: u32 = 2;
