//! The sync protocol's framing for libp2p's request-response: a 4-byte big-endian
//! length, then the payload of [`crate::message`]. The length is checked against the
//! cap before anything is read, so an oversized frame costs four bytes. Oversized and
//! undecodable frames fail with `InvalidData`, which the service (and only for that kind)
//! holds against the sender.

use crate::limits::MAX_REQUEST_BYTES;
use crate::message::{SyncRequest, SyncResponse};
use futures::prelude::*;
use libp2p::StreamProtocol;
use std::io;

/// The sync protocol's codec; `max_response_bytes` caps what it reads as a response.
#[derive(Debug, Clone)]
pub struct SyncCodec {
    pub max_response_bytes: usize,
}

/// Whether a request-response I/O error is the peer's fault (bad data) rather than the
/// connection's.
pub(crate) fn is_bad_data(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::InvalidData
}

async fn read_frame<T: AsyncRead + Unpin + Send>(io: &mut T, cap: usize) -> io::Result<Vec<u8>> {
    let mut prefix = [0u8; 4];
    io.read_exact(&mut prefix).await?;
    let len = u32::from_be_bytes(prefix) as usize;
    if len > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes exceeds the limit of {cap}"),
        ));
    }
    let mut payload = vec![0u8; len];
    io.read_exact(&mut payload).await?;
    Ok(payload)
}

async fn write_frame<T: AsyncWrite + Unpin + Send>(io: &mut T, payload: Vec<u8>) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    io.write_all(&len.to_be_bytes()).await?;
    io.write_all(&payload).await?;
    io.flush().await
}

/// Reads one request from the start of `bytes` exactly as the sync protocol reads it from
/// a peer's stream: the length prefix checked against [`MAX_REQUEST_BYTES`], then the
/// payload. Bytes after the frame are left unread, as on a stream. Public so that tests
/// and fuzzing drive the same code as a peer does, without a connection.
pub fn read_request(bytes: &[u8]) -> io::Result<SyncRequest> {
    let mut io = futures::io::Cursor::new(bytes);
    futures::executor::block_on(async {
        let payload = read_frame(&mut io, MAX_REQUEST_BYTES).await?;
        SyncRequest::decode(&payload).map_err(invalid)
    })
}

/// Reads one response from the start of `bytes` like [`read_request`], with the frame
/// limit of a node whose [`crate::NetworkConfig::max_response_bytes`] is
/// `max_response_bytes`.
pub fn read_response(bytes: &[u8], max_response_bytes: usize) -> io::Result<SyncResponse> {
    let mut io = futures::io::Cursor::new(bytes);
    futures::executor::block_on(async {
        let payload = read_frame(&mut io, max_response_bytes).await?;
        SyncResponse::decode(&payload).map_err(invalid)
    })
}

fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}

impl libp2p::request_response::Codec for SyncCodec {
    type Protocol = StreamProtocol;
    type Request = SyncRequest;
    type Response = SyncResponse;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<SyncRequest>
    where
        T: AsyncRead + Unpin + Send,
    {
        let payload = read_frame(io, MAX_REQUEST_BYTES).await?;
        SyncRequest::decode(&payload).map_err(invalid)
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<SyncResponse>
    where
        T: AsyncRead + Unpin + Send,
    {
        let payload = read_frame(io, self.max_response_bytes).await?;
        SyncResponse::decode(&payload).map_err(invalid)
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: SyncRequest,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, request.encode()).await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: SyncResponse,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, response.encode()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::io::Cursor;
    use libp2p::request_response::Codec;

    fn protocol() -> StreamProtocol {
        StreamProtocol::new("/test/1")
    }

    #[test]
    fn oversized_and_garbage_frames_are_bad_data() {
        futures::executor::block_on(async {
            let mut codec = SyncCodec {
                max_response_bytes: 100,
            };
            let mut big = Vec::new();
            write_frame(&mut big, SyncResponse::Blocks(vec![vec![0; 200]]).encode())
                .await
                .unwrap();
            let err = codec
                .read_response(&protocol(), &mut Cursor::new(big))
                .await
                .unwrap_err();
            assert!(is_bad_data(&err), "{err}");

            let mut garbage = Vec::new();
            write_frame(&mut garbage, vec![42, 1, 2, 3]).await.unwrap();
            let err = codec
                .read_request(&protocol(), &mut Cursor::new(garbage))
                .await
                .unwrap_err();
            assert!(is_bad_data(&err), "{err}");

            // A frame cut short is a connection problem, not bad data.
            let err = codec
                .read_request(&protocol(), &mut Cursor::new(vec![0, 0, 0, 10, 1]))
                .await
                .unwrap_err();
            assert!(!is_bad_data(&err), "{err}");

            let mut fine = Vec::new();
            let blocks = SyncResponse::Blocks(vec![vec![1; 20]]);
            codec
                .write_response(&protocol(), &mut fine, blocks.clone())
                .await
                .unwrap();
            let back = codec
                .read_response(&protocol(), &mut Cursor::new(fine))
                .await
                .unwrap();
            assert_eq!(back, blocks);
        });
    }
}
