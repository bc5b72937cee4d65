//! The sync protocol's frames, as a peer's stream delivers them to the request-response
//! codec: a 4-byte big-endian length checked against the limit, then the payload (status,
//! locators, block requests; status, headers with AuxPoW, blocks). What decodes must
//! re-encode to exactly the frame it came from.
//!
//! Gossip carries bare block and transaction bytes, which the `block` and `transaction`
//! targets cover.

use super::consensus::CONSENSUS_BOUNDS;
use super::{error_class, fingerprint, same_bytes, Bounds, InputKind, Mismatch, Target};
use bitcoin::hashes::Hash;
use std::sync::OnceLock;
use venture_network::limits::MAX_REQUEST_BYTES;
use venture_network::wire::{read_request, read_response, SyncResponse};
use venture_network::{NetworkConfig, NodeKey};

pub const REQUEST: Target = Target {
    name: "sync-request",
    about: "a sync request frame from a peer (status, get-headers locator, get-blocks)",
    kind: InputKind::Binary,
    max_len: MAX_REQUEST_BYTES + 64,
    // The frame buffer is the largest request (the codec allocates the claimed length,
    // at most the cap, before reading it); decoded hashes and the re-encoding take as
    // much again.
    bounds: Bounds {
        single_base: MAX_REQUEST_BYTES,
        single_per_byte: 0,
        live_base: 4 * MAX_REQUEST_BYTES,
        live_per_byte: 0,
    },
    run: request,
};

pub const RESPONSE: Target = Target {
    name: "sync-response",
    about: "a sync response frame from a peer (status, headers with AuxPoW, blocks), with a default node's response limit",
    kind: InputKind::Binary,
    max_len: 64 * 1024,
    // The frame buffer may be a whole response (allocated from the claimed length before
    // it is read), and the headers in it decode like the `header` target's.
    bounds: Bounds {
        single_base: RESPONSE_LIMIT_BOUND,
        single_per_byte: CONSENSUS_BOUNDS.single_per_byte,
        live_base: RESPONSE_LIMIT_BOUND + CONSENSUS_BOUNDS.live_base,
        live_per_byte: CONSENSUS_BOUNDS.live_per_byte,
    },
    run: response,
};

/// Above any default response limit (2 MiB of soft limit, a 4 MB block, 64 KiB of
/// overhead): the bound does not depend on the value read at run time.
const RESPONSE_LIMIT_BOUND: usize = 8 * 1024 * 1024;

/// A default node's response limit (Bitcoin's 4 MB blocks).
pub fn max_response_bytes() -> usize {
    static LIMIT: OnceLock<usize> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        NetworkConfig::new(bitcoin::BlockHash::all_zeros(), NodeKey::generate())
            .max_response_bytes()
    })
}

fn request(data: &[u8]) -> Result<u64, Mismatch> {
    match read_request(data) {
        Ok(request) => {
            same_frame("request", data, &request.encode())?;
            Ok(fingerprint(("request", std::mem::discriminant(&request))))
        }
        Err(e) => Ok(error_class("request", &e)),
    }
}

fn response(data: &[u8]) -> Result<u64, Mismatch> {
    match read_response(data, max_response_bytes()) {
        Ok(response) => {
            same_frame("response", data, &response.encode())?;
            let shape = match &response {
                SyncResponse::Status(_) => (0, 0),
                SyncResponse::Headers(headers) => (
                    1,
                    headers.iter().filter(|h| h.auxpow.is_some()).count().min(3),
                ),
                SyncResponse::Blocks(blocks) => (2, blocks.len().min(3)),
            };
            Ok(fingerprint(("response", shape)))
        }
        Err(e) => Ok(error_class("response", &e)),
    }
}

/// The frame at the start of `data` must be exactly the length prefix and `payload`.
fn same_frame(what: &str, data: &[u8], payload: &[u8]) -> Result<(), Mismatch> {
    let len = u32::try_from(payload.len())
        .map_err(|_| Mismatch(format!("{what} payload longer than a frame can say")))?;
    let Some((prefix, rest)) = data.split_first_chunk::<4>() else {
        return Err(Mismatch(format!(
            "{what} decoded from less than a length prefix"
        )));
    };
    if *prefix != len.to_be_bytes() {
        return Err(Mismatch(format!(
            "{what} re-encodes to {len} bytes, but its frame said {}",
            u32::from_be_bytes(*prefix)
        )));
    }
    let framed = rest.get(..payload.len()).unwrap_or(rest);
    same_bytes(what, framed, payload)
}
