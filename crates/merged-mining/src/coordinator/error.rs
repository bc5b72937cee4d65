//! Errors of the merged-mining coordinator and its Stratum server.

use thiserror::Error;
use venture_rpc_client::ClientError;

/// Bitcoin Core's error while a node loads its chain after a start: not an answer yet.
const RPC_IN_WARMUP: i64 = -28;

#[derive(Debug, Error)]
pub enum MmError {
    /// A node could not be reached, refused the credentials, or returned an RPC error.
    #[error("{node}: {method}: {source}")]
    Rpc {
        node: String,
        method: &'static str,
        source: ClientError,
    },
    /// A node answered with something that is not what the method promises.
    #[error("{node}: unexpected {method} reply: {detail}")]
    BadReply {
        node: String,
        method: &'static str,
        detail: String,
    },
    #[error("invalid coordinator configuration: {0}")]
    Config(String),
    #[error("cannot build mining work: {0}")]
    Job(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl MmError {
    /// Whether the node itself is unreachable (as opposed to answering badly); a missing
    /// cookie file counts, since a node writes it only once it is up, and so does a node
    /// still loading its chain (a block sent then was not judged).
    pub fn is_unreachable(&self) -> bool {
        match self {
            MmError::Rpc {
                source:
                    ClientError::Connect { .. } | ClientError::Io(_) | ClientError::Cookie { .. },
                ..
            } => true,
            MmError::Rpc {
                source: ClientError::Rpc(failure),
                ..
            } => failure.code == RPC_IN_WARMUP,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use venture_rpc_client::RpcFailure;

    fn rpc(code: i64) -> MmError {
        MmError::Rpc {
            node: "parent".into(),
            method: "submitblock",
            source: ClientError::Rpc(RpcFailure {
                http_status: 500,
                code,
                message: "Loading block index...".into(),
            }),
        }
    }

    /// A restarted node answers -28 while it loads: a block sent then was not judged,
    /// so it is an outage, not a refusal.
    #[test]
    fn a_node_loading_its_chain_is_unreachable() {
        assert!(rpc(RPC_IN_WARMUP).is_unreachable());
        assert!(!rpc(-25).is_unreachable());
        assert!(!MmError::Job("x".into()).is_unreachable());
    }
}
