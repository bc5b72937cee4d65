//! JSON-RPC over HTTP for Venture nodes, following Bitcoin Core's conventions so that
//! Bitcoin-family clients (`bitcoin-cli`, `litecoin-cli`, pool software) work unchanged:
//! cookie or user/password basic auth, JSON-RPC 1.0 and 2.0 envelopes, batches, Bitcoin
//! Core's error codes, method names, parameters and result fields.
//!
//! Each method is declared once ([`RpcMethod`]: name, arguments, result, handler) and
//! added to a [`Methods`] table; the usage lines, `help`, named parameters and arity
//! checks are generated from the declarations.

mod auth;
mod context;
mod error;
pub mod json;
mod method;
mod methods;
mod params;
mod server;

pub use auth::{read_cookie, remove_cookie, write_cookie, Credentials, RpcAuthError, COOKIE_USER};
pub use context::{RpcContext, SharedChain};
pub use error::{codes, RpcError};
pub use method::{
    missing_parameter, too_many_parameters, ArgSpec, ArgType, Category, MethodSpec, NoParams,
    RpcMethod,
};
pub use methods::{core_methods, Handler, HandlerFuture, Methods};
pub use params::Params;
pub use server::{serve, RpcServerConfig, MAX_BATCH_CALLS, MAX_BODY_BYTES};
