//! A blocking JSON-RPC client for Venture nodes (and any Bitcoin Core–family node):
//! HTTP through ureq's agent, which keeps connections alive between calls, and basic
//! auth from a cookie file or a user and password. Used by the wallet commands, the
//! merged-mining coordinator and the tests.

mod client;
mod error;

pub use client::{RpcClient, RpcFailure};
pub use error::ClientError;
