//! The sync protocol's messages and their binary form.
//!
//! Every request and response is one frame: a 4-byte big-endian payload length, then
//! the payload: one tag byte and the body in Bitcoin's consensus encoding (hashes in
//! internal byte order, compact-size counts). Headers travel with their AuxPoW; blocks
//! travel as their consensus bytes, decoded only by the validation worker. A payload
//! with trailing bytes, an unknown tag or a count over its limit is undecodable.
//!
//! The types are public so that tests and fuzzing can reach the decoders a peer's
//! bytes reach; see also [`crate::wire::read_request`] and
//! [`crate::wire::read_response`].

use crate::limits::{MAX_BLOCKS_PER_REQUEST, MAX_HEADERS_PER_RESPONSE, MAX_LOCATOR_HASHES};
use bitcoin::consensus::encode::{Decodable, Encodable, VarInt};
use bitcoin::BlockHash;
use venture_primitives::Header;

const TAG_STATUS: u8 = 0;
const TAG_HEADERS: u8 = 1;
const TAG_BLOCKS: u8 = 2;

/// A node's chain summary, exchanged on connect and periodically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusMessage {
    pub genesis: BlockHash,
    pub best_hash: BlockHash,
    pub best_height: u32,
    /// Big-endian total work of the best chain.
    pub best_work: [u8; 32],
}

/// A request of the sync protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncRequest {
    /// "Here is my status; what is yours?"
    Status(StatusMessage),
    /// Headers after the first locator hash on the responder's active chain.
    GetHeaders { locator: Vec<BlockHash>, max: u32 },
    /// Blocks by hash, answered in order until one is unknown or the byte cap is hit.
    GetBlocks(Vec<BlockHash>),
}

/// A response of the sync protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncResponse {
    Status(StatusMessage),
    /// Headers with their AuxPoW, in chain order.
    Headers(Vec<Header>),
    /// Blocks as consensus bytes, not decoded here (the validation worker does).
    Blocks(Vec<Vec<u8>>),
}

/// Why a payload does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl SyncRequest {
    /// The payload (tag and body, without the frame's length prefix).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            SyncRequest::Status(status) => {
                out.push(TAG_STATUS);
                encode_status(status, &mut out);
            }
            SyncRequest::GetHeaders { locator, max } => {
                out.push(TAG_HEADERS);
                encode_hashes(locator, &mut out);
                put(max, &mut out);
            }
            SyncRequest::GetBlocks(hashes) => {
                out.push(TAG_BLOCKS);
                encode_hashes(hashes, &mut out);
            }
        }
        out
    }

    /// Reads a payload; the exact inverse of [`SyncRequest::encode`].
    pub fn decode(payload: &[u8]) -> Result<SyncRequest, DecodeError> {
        let (tag, mut body) = payload
            .split_first()
            .ok_or_else(|| DecodeError("empty request".into()))?;
        let request = match *tag {
            TAG_STATUS => SyncRequest::Status(decode_status(&mut body)?),
            TAG_HEADERS => {
                let locator = decode_hashes(&mut body, MAX_LOCATOR_HASHES, "locator")?;
                let max = get::<u32>(&mut body)?;
                SyncRequest::GetHeaders { locator, max }
            }
            TAG_BLOCKS => SyncRequest::GetBlocks(decode_hashes(
                &mut body,
                MAX_BLOCKS_PER_REQUEST,
                "block request",
            )?),
            other => return Err(DecodeError(format!("unknown request tag {other}"))),
        };
        finish(body)?;
        Ok(request)
    }
}

impl SyncResponse {
    /// The payload (tag and body, without the frame's length prefix).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            SyncResponse::Status(status) => {
                out.push(TAG_STATUS);
                encode_status(status, &mut out);
            }
            SyncResponse::Headers(headers) => {
                out.push(TAG_HEADERS);
                put(&VarInt(headers.len() as u64), &mut out);
                for header in headers {
                    put(header, &mut out);
                }
            }
            SyncResponse::Blocks(blocks) => {
                out.push(TAG_BLOCKS);
                put(&VarInt(blocks.len() as u64), &mut out);
                for block in blocks {
                    put(&VarInt(block.len() as u64), &mut out);
                    out.extend_from_slice(block);
                }
            }
        }
        out
    }

    /// Reads a payload; the exact inverse of [`SyncResponse::encode`].
    pub fn decode(payload: &[u8]) -> Result<SyncResponse, DecodeError> {
        let (tag, mut body) = payload
            .split_first()
            .ok_or_else(|| DecodeError("empty response".into()))?;
        let response = match *tag {
            TAG_STATUS => SyncResponse::Status(decode_status(&mut body)?),
            TAG_HEADERS => {
                let count = count(&mut body, MAX_HEADERS_PER_RESPONSE, "headers")?;
                let mut headers = Vec::with_capacity(count);
                for _ in 0..count {
                    let header = Header::consensus_decode_from_finite_reader(&mut body)
                        .map_err(|e| DecodeError(format!("header: {e}")))?;
                    headers.push(header);
                }
                SyncResponse::Headers(headers)
            }
            TAG_BLOCKS => {
                let count = count(&mut body, MAX_BLOCKS_PER_REQUEST, "blocks")?;
                let mut blocks = Vec::with_capacity(count);
                for _ in 0..count {
                    let len = get::<VarInt>(&mut body)?.0;
                    let len = usize::try_from(len)
                        .ok()
                        .filter(|len| *len <= body.len())
                        .ok_or_else(|| DecodeError("block length beyond the frame".into()))?;
                    let (block, rest) = body.split_at(len);
                    blocks.push(block.to_vec());
                    body = rest;
                }
                SyncResponse::Blocks(blocks)
            }
            other => return Err(DecodeError(format!("unknown response tag {other}"))),
        };
        finish(body)?;
        Ok(response)
    }
}

fn put<T: Encodable + ?Sized>(value: &T, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail.
    let _ = value.consensus_encode(out);
}

fn get<T: Decodable>(body: &mut &[u8]) -> Result<T, DecodeError> {
    T::consensus_decode_from_finite_reader(body).map_err(|e| DecodeError(e.to_string()))
}

fn finish(body: &[u8]) -> Result<(), DecodeError> {
    if body.is_empty() {
        Ok(())
    } else {
        Err(DecodeError(format!("{} trailing bytes", body.len())))
    }
}

fn count(body: &mut &[u8], max: usize, what: &str) -> Result<usize, DecodeError> {
    let n = get::<VarInt>(body)?.0;
    usize::try_from(n)
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| DecodeError(format!("{n} {what} exceed the limit of {max}")))
}

fn encode_status(status: &StatusMessage, out: &mut Vec<u8>) {
    put(&status.genesis, out);
    put(&status.best_hash, out);
    put(&status.best_height, out);
    out.extend_from_slice(&status.best_work);
}

fn decode_status(body: &mut &[u8]) -> Result<StatusMessage, DecodeError> {
    Ok(StatusMessage {
        genesis: get(body)?,
        best_hash: get(body)?,
        best_height: get(body)?,
        best_work: get(body)?,
    })
}

fn encode_hashes(hashes: &[BlockHash], out: &mut Vec<u8>) {
    put(&VarInt(hashes.len() as u64), out);
    for hash in hashes {
        put(hash, out);
    }
}

fn decode_hashes(body: &mut &[u8], max: usize, what: &str) -> Result<Vec<BlockHash>, DecodeError> {
    let n = count(body, max, what)?;
    (0..n).map(|_| get::<BlockHash>(body)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitcoin::hashes::Hash;

    fn status() -> StatusMessage {
        StatusMessage {
            genesis: BlockHash::from_byte_array([1; 32]),
            best_hash: BlockHash::from_byte_array([2; 32]),
            best_height: 77,
            best_work: [3; 32],
        }
    }

    fn header(nonce: u32) -> Header {
        Header::new(bitcoin::block::Header {
            version: bitcoin::block::Version::from_consensus(1),
            prev_blockhash: BlockHash::from_byte_array([9; 32]),
            merkle_root: bitcoin::TxMerkleNode::from_byte_array([4; 32]),
            time: 1_700_000_000,
            bits: bitcoin::CompactTarget::from_consensus(0x207fffff),
            nonce,
        })
    }

    #[test]
    fn requests_round_trip() {
        for request in [
            SyncRequest::Status(status()),
            SyncRequest::GetHeaders {
                locator: vec![BlockHash::from_byte_array([5; 32]); 3],
                max: 2000,
            },
            SyncRequest::GetBlocks(vec![BlockHash::from_byte_array([6; 32]); 16]),
        ] {
            assert_eq!(SyncRequest::decode(&request.encode()).unwrap(), request);
        }
    }

    #[test]
    fn responses_round_trip() {
        for response in [
            SyncResponse::Status(status()),
            SyncResponse::Headers(vec![header(1), header(2)]),
            SyncResponse::Blocks(vec![vec![1, 2, 3], vec![], vec![7; 300]]),
        ] {
            assert_eq!(SyncResponse::decode(&response.encode()).unwrap(), response);
        }
    }

    #[test]
    fn garbage_and_excess_are_refused() {
        assert!(SyncRequest::decode(&[]).is_err());
        assert!(SyncRequest::decode(&[9, 1, 2]).is_err());
        let mut trailing = SyncRequest::Status(status()).encode();
        trailing.push(0);
        assert!(SyncRequest::decode(&trailing).is_err());
        let too_many =
            SyncRequest::GetBlocks(vec![BlockHash::all_zeros(); MAX_BLOCKS_PER_REQUEST + 1]);
        assert!(SyncRequest::decode(&too_many.encode()).is_err());
        let long_locator = SyncRequest::GetHeaders {
            locator: vec![BlockHash::all_zeros(); MAX_LOCATOR_HASHES + 1],
            max: 1,
        };
        assert!(SyncRequest::decode(&long_locator.encode()).is_err());
        // A block length pointing past the frame.
        assert!(SyncResponse::decode(&[TAG_BLOCKS, 1, 0xfd, 0xff, 0xff, 1]).is_err());
        // A truncated header.
        let mut headers = SyncResponse::Headers(vec![header(1)]).encode();
        headers.truncate(headers.len() - 1);
        assert!(SyncResponse::decode(&headers).is_err());
        // A huge count with nothing behind it must not allocate.
        assert!(SyncResponse::decode(&[
            TAG_HEADERS,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff,
            0xff
        ])
        .is_err());
    }
}
