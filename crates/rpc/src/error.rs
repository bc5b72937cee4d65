//! Errors returned to RPC callers, with Bitcoin Core's numeric codes.

use serde_json::{json, Value};
use thiserror::Error;

/// Bitcoin Core's RPC error codes (`src/rpc/protocol.h`).
pub mod codes {
    pub const RPC_INVALID_REQUEST: i32 = -32600;
    pub const RPC_METHOD_NOT_FOUND: i32 = -32601;
    pub const RPC_INVALID_PARAMS: i32 = -32602;
    pub const RPC_INTERNAL_ERROR: i32 = -32603;
    pub const RPC_PARSE_ERROR: i32 = -32700;
    pub const RPC_MISC_ERROR: i32 = -1;
    pub const RPC_TYPE_ERROR: i32 = -3;
    pub const RPC_INVALID_ADDRESS_OR_KEY: i32 = -5;
    pub const RPC_OUT_OF_MEMORY: i32 = -7;
    pub const RPC_INVALID_PARAMETER: i32 = -8;
    pub const RPC_CLIENT_NOT_CONNECTED: i32 = -9;
    pub const RPC_CLIENT_IN_INITIAL_DOWNLOAD: i32 = -10;
    pub const RPC_CLIENT_P2P_DISABLED: i32 = -31;
    pub const RPC_CLIENT_NODE_ALREADY_ADDED: i32 = -23;
    pub const RPC_CLIENT_NODE_NOT_ADDED: i32 = -24;
    pub const RPC_CLIENT_NODE_NOT_CONNECTED: i32 = -29;
    pub const RPC_CLIENT_INVALID_IP_OR_SUBNET: i32 = -30;
    pub const RPC_DATABASE_ERROR: i32 = -20;
    pub const RPC_DESERIALIZATION_ERROR: i32 = -22;
    pub const RPC_VERIFY_ERROR: i32 = -25;
    pub const RPC_VERIFY_REJECTED: i32 = -26;
    pub const RPC_VERIFY_ALREADY_IN_CHAIN: i32 = -27;
    pub const RPC_IN_WARMUP: i32 = -28;
    pub const RPC_WALLET_ERROR: i32 = -4;
}

/// An error as the caller sees it: `{"code": …, "message": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message} (code {code})")]
pub struct RpcError {
    pub code: i32,
    pub message: String,
}

impl RpcError {
    pub fn new(code: i32, message: impl Into<String>) -> RpcError {
        RpcError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid_parameter(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_INVALID_PARAMETER, message)
    }

    pub fn type_error(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_TYPE_ERROR, message)
    }

    pub fn misc(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_MISC_ERROR, message)
    }

    pub fn internal(message: impl Into<String>) -> RpcError {
        RpcError::new(codes::RPC_INTERNAL_ERROR, message)
    }

    pub fn method_not_found() -> RpcError {
        RpcError::new(codes::RPC_METHOD_NOT_FOUND, "Method not found")
    }

    pub fn to_json(&self) -> Value {
        json!({ "code": self.code, "message": self.message })
    }
}

impl From<venture_chain::ChainError> for RpcError {
    fn from(e: venture_chain::ChainError) -> RpcError {
        RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string())
    }
}
