use thiserror::Error;

/// Why a call did not produce a result.
#[derive(Debug, Error)]
pub enum ClientError {
    #[error("cannot reach the node at {addr}: {source}")]
    Connect {
        addr: String,
        source: std::io::Error,
    },
    #[error("I/O error talking to the node: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot read the RPC cookie {path}: {source}")]
    Cookie {
        path: String,
        source: std::io::Error,
    },
    #[error("the node refused the credentials (HTTP 401)")]
    Unauthorized,
    #[error("unexpected reply (HTTP {status}): {body}")]
    BadReply { status: u16, body: String },
    #[error("{0}")]
    Rpc(crate::RpcFailure),
}
