//! The coordinator's view of one node: where it is, how to log in, and retry pacing.
//!
//! Credentials (and, for a Venture node given by its data directory, the address) are
//! read again for every call: a restarted node writes a new cookie and may listen on a
//! new port, and the coordinator must get back in without being restarted itself.

use crate::coordinator::MmError;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Duration;
use venture_rpc_client::{ClientError, RpcClient};

/// How to log in to a node's JSON-RPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeAuth {
    /// Bitcoin Core's cookie file (`user:password`, rewritten at each start).
    Cookie(PathBuf),
    UserPassword {
        user: String,
        password: String,
    },
}

/// A node's JSON-RPC address (`host:port`) and credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeEndpoint {
    /// `host:port`; with `addr_file`, only a label for logs.
    pub url: String,
    pub auth: NodeAuth,
    /// A file holding the current `host:port`, read before each call (a Venture node's
    /// `DATADIR/rpc.addr`, rewritten at each start).
    pub addr_file: Option<PathBuf>,
}

impl NodeEndpoint {
    /// A node at a fixed address.
    pub fn new(url: impl Into<String>, auth: NodeAuth) -> NodeEndpoint {
        NodeEndpoint {
            url: url.into(),
            auth,
            addr_file: None,
        }
    }

    /// A Venture node by its data directory: the address from `rpc.addr` and the
    /// cookie from `.cookie`, both read at every call.
    pub fn venture_datadir(datadir: &Path) -> NodeEndpoint {
        NodeEndpoint {
            url: datadir.display().to_string(),
            auth: NodeAuth::Cookie(datadir.join(".cookie")),
            addr_file: Some(datadir.join("rpc.addr")),
        }
    }

    /// Calls `method`, giving up after `timeout` without a reply.
    pub fn call(
        &self,
        method: &'static str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, MmError> {
        let rpc_error = |source| MmError::Rpc {
            node: self.url.clone(),
            method,
            source,
        };
        let url = match &self.addr_file {
            Some(path) => std::fs::read_to_string(path)
                .map(|text| text.trim().to_string())
                .map_err(|source| {
                    rpc_error(ClientError::Connect {
                        addr: format!("{} (from {})", self.url, path.display()),
                        source,
                    })
                })?,
            None => self.url.clone(),
        };
        let mut client = match &self.auth {
            NodeAuth::Cookie(path) => RpcClient::with_cookie(url, path).map_err(rpc_error)?,
            NodeAuth::UserPassword { user, password } => RpcClient::new(url, user, password),
        };
        client.set_timeout(timeout);
        client.call(method, params).map_err(rpc_error)
    }
}

/// Exponential back-off between retries of a node that is down.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    max: Duration,
    next: Duration,
}

impl Backoff {
    pub fn new(first: Duration, max: Duration) -> Backoff {
        Backoff {
            first,
            max,
            next: first,
        }
    }

    /// The pause before the next attempt; each failure doubles it up to the maximum.
    pub fn failed(&mut self) -> Duration {
        let pause = self.next;
        self.next = (self.next * 2).min(self.max);
        pause
    }

    pub fn reset(&mut self) {
        self.next = self.first;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_its_cap_and_resets() {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_millis(350));
        let pauses: Vec<_> = (0..4).map(|_| backoff.failed().as_millis()).collect();
        assert_eq!(pauses, [100, 200, 350, 350]);
        backoff.reset();
        assert_eq!(backoff.failed().as_millis(), 100);
    }
}
