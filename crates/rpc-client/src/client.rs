//! The client.

use crate::ClientError;
use base64::Engine;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::Path;
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

/// A connection target and credentials; each call opens a new connection.
#[derive(Debug, Clone)]
pub struct RpcClient {
    addr: String,
    auth: String,
    timeout: Duration,
}

impl RpcClient {
    /// A client for `addr` (`host:port`) logging in as `user:password`.
    pub fn new(addr: impl Into<String>, user: &str, password: &str) -> RpcClient {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        RpcClient {
            addr: addr.into(),
            auth: format!("Basic {token}"),
            timeout: Duration::from_secs(300),
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

    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Calls `method`; node errors come back as [`ClientError::Rpc`].
    pub fn call(&self, method: &str, params: Value) -> Result<Value, ClientError> {
        let body = json!({ "method": method, "params": params, "id": 1 }).to_string();
        let (status, reply) = self.post(&body)?;
        if status == 401 {
            return Err(ClientError::Unauthorized);
        }
        let reply: Value = serde_json::from_str(&reply).map_err(|_| ClientError::BadReply {
            status,
            body: reply.chars().take(200).collect(),
        })?;
        match reply.get("error") {
            Some(error) if !error.is_null() => Err(ClientError::Rpc(RpcFailure {
                http_status: status,
                code: error["code"].as_i64().unwrap_or(0),
                message: error["message"].as_str().unwrap_or_default().to_string(),
            })),
            _ => Ok(reply.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Posts a raw body; returns the HTTP status and body.
    pub fn post(&self, body: &str) -> Result<(u16, String), ClientError> {
        let target = self
            .addr
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| ClientError::Connect {
                addr: self.addr.clone(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a host:port"),
            })?;
        let mut stream =
            TcpStream::connect_timeout(&target, Duration::from_secs(10)).map_err(|source| {
                ClientError::Connect {
                    addr: self.addr.clone(),
                    source,
                }
            })?;
        stream.set_read_timeout(Some(self.timeout))?;
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            self.auth,
            body.len()
        );
        stream.write_all(request.as_bytes())?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response)?;
        Ok(parse_response(&response))
    }
}

fn parse_response(response: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(response);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_replies() {
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse_response(plain), (200, "{}".to_string()));
        let chunked = b"HTTP/1.1 500 Internal\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), (500, "abcde".to_string()));
    }
}
