//! The client: JSON-RPC 1.0 requests over HTTP, as Bitcoin Core's `bitcoin-cli` sends
//! them, through ureq's agent, which keeps connections alive between calls.

use crate::ClientError;
use base64::Engine;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// An error the node returned: Bitcoin Core's code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcFailure {
    pub http_status: u16,
    pub code: i64,
    pub message: String,
}

impl std::fmt::Display for RpcFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)
    }
}

/// Largest reply read: a verbose `getblock` of a full block is tens of megabytes.
const MAX_REPLY_BYTES: u64 = 256 * 1024 * 1024;

/// A node's address and credentials. Connections are kept open between calls, and
/// shared by all clients in the process (see [`agent`]).
#[derive(Debug, Clone)]
pub struct RpcClient {
    addr: String,
    auth: String,
    timeout: Duration,
    agent: ureq::Agent,
}

/// The agent for calls with `timeout`: one per timeout in the process, shared by every
/// client, so that a caller making a new client per call (the coordinator re-reads a
/// node's cookie and address each time) still reuses the open connection.
fn agent(timeout: Duration) -> ureq::Agent {
    static AGENTS: OnceLock<Mutex<HashMap<Duration, ureq::Agent>>> = OnceLock::new();
    let mut agents = AGENTS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    agents
        .entry(timeout)
        .or_insert_with(|| {
            ureq::Agent::config_builder()
                .timeout_global(Some(timeout))
                .timeout_connect(Some(Duration::from_secs(10)))
                // A node's error replies (HTTP 401, 404, 500 with a JSON-RPC error)
                // are answers to read, not transport failures.
                .http_status_as_error(false)
                .build()
                .new_agent()
        })
        .clone()
}

impl RpcClient {
    /// A client for `addr` (`host:port`) logging in as `user:password`.
    pub fn new(addr: impl Into<String>, user: &str, password: &str) -> RpcClient {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let timeout = Duration::from_secs(300);
        RpcClient {
            addr: addr.into(),
            auth: format!("Basic {token}"),
            timeout,
            agent: agent(timeout),
        }
    }

    /// A client using the `user:password` in a cookie file.
    pub fn with_cookie(addr: impl Into<String>, cookie: &Path) -> Result<RpcClient, ClientError> {
        let text = std::fs::read_to_string(cookie).map_err(|source| ClientError::Cookie {
            path: cookie.display().to_string(),
            source,
        })?;
        let (user, password) = text.trim().split_once(':').unwrap_or((text.trim(), ""));
        Ok(RpcClient::new(addr, user, password))
    }

    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// How long a call may take in all (a long poll needs more than the default).
    pub fn set_timeout(&mut self, timeout: Duration) {
        if timeout != self.timeout {
            self.timeout = timeout;
            self.agent = agent(timeout);
        }
    }

    /// Calls `method`; node errors come back as [`ClientError::Rpc`].
    pub fn call(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        let body = json!({ "method": method, "params": params, "id": 1 }).to_string();
        let (status, reply) = self.post(&body)?;
        if status == 401 {
            return Err(ClientError::Unauthorized);
        }
        let mut reply: Value = serde_json::from_str(&reply).map_err(|_| ClientError::BadReply {
            status,
            body: reply.chars().take(200).collect(),
        })?;
        if let Some(error) = reply.get("error").filter(|e| !e.is_null()) {
            return Err(ClientError::Rpc(RpcFailure {
                http_status: status,
                code: error["code"].as_i64().unwrap_or(0),
                message: error["message"].as_str().unwrap_or_default().to_string(),
            }));
        }
        // Taken out rather than cloned: a template reply can be megabytes.
        Ok(reply
            .get_mut("result")
            .map(Value::take)
            .unwrap_or(Value::Null))
    }

    /// Posts a raw body; returns the HTTP status and body.
    pub fn post(&self, body: &str) -> Result<(u16, String), ClientError> {
        let url = format!("http://{}/", self.addr);
        let mut response = self
            .agent
            .post(&url)
            .header("Authorization", &self.auth)
            .header("Content-Type", "application/json")
            .send(body)
            .map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_REPLY_BYTES)
            .read_to_string()
            .map_err(|e| self.transport_error(e))?;
        Ok((status, text))
    }

    /// A timeout stays an I/O timeout (callers that long-poll expect one); anything
    /// else means the node could not be reached or did not answer whole.
    fn transport_error(&self, error: ureq::Error) -> ClientError {
        match error {
            ureq::Error::Timeout(_) => ClientError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                error.to_string(),
            )),
            ureq::Error::Io(source) if source.kind() == std::io::ErrorKind::TimedOut => {
                ClientError::Io(source)
            }
            ureq::Error::Io(source) => ClientError::Connect {
                addr: self.addr.clone(),
                source,
            },
            other => ClientError::Connect {
                addr: self.addr.clone(),
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}
