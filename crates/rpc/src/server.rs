//! The HTTP server: authentication, JSON-RPC envelopes, batches, status codes.
//!
//! Bounds: the login is checked before the body is read, so a caller without
//! credentials makes the node buffer nothing; a body may be [`MAX_BODY_BYTES`] long
//! (HTTP 413 beyond); a batch may hold [`MAX_BATCH_CALLS`] calls (beyond, one error and
//! no call run).

use crate::{codes, Credentials, Methods, Params, RpcContext, RpcError};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tracing::{debug, info};

/// Largest request accepted: a hex-encoded block at the weight limit, with room.
pub const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// Most calls one batch may hold. Calls in a batch run one after the other and their
/// replies are held until the last is done, so a batch is bounded in count as a body is
/// in bytes; a thousand is more than clients that batch (block explorers fetching
/// ranges, pool software) send at once.
pub const MAX_BATCH_CALLS: usize = 1_000;
/// Pause before answering a failed login, to slow down password guessing.
const AUTH_FAILURE_DELAY: Duration = Duration::from_millis(250);

/// How to run the server.
#[derive(Clone)]
pub struct RpcServerConfig {
    pub credentials: Credentials,
    pub methods: Methods,
}

struct ServerState {
    ctx: Arc<RpcContext>,
    config: RpcServerConfig,
}

/// Serves JSON-RPC on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    ctx: Arc<RpcContext>,
    config: RpcServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr: Option<SocketAddr> = listener.local_addr().ok();
    let state = Arc::new(ServerState { ctx, config });
    let app = Router::new()
        .route("/", post(handle))
        .route("/{*path}", post(handle))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Outermost: runs before the handler's body extractor reads anything.
        .layer(middleware::from_fn_with_state(state.clone(), admit))
        .with_state(state);
    if let Some(addr) = addr {
        info!(%addr, "JSON-RPC server listening");
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Admits a request before any of its body is read: without valid credentials it gets
/// 401, and with a declared length over [`MAX_BODY_BYTES`] 413. (A body that grows past
/// the limit without declaring its length is cut off while being read: 413 as well.)
async fn admit(State(state): State<Arc<ServerState>>, request: Request, next: Next) -> Response {
    let auth = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !state.config.credentials.check(auth) {
        tokio::time::sleep(AUTH_FAILURE_DELAY).await;
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"jsonrpc\"")],
        )
            .into_response();
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body over {MAX_BODY_BYTES} bytes\n"),
        )
            .into_response();
    }
    next.run(request).await
}

async fn handle(State(state): State<Arc<ServerState>>, body: Bytes) -> Response {
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(_) => {
            let error = RpcError::new(codes::RPC_PARSE_ERROR, "Parse error");
            return json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                legacy_reply(Value::Null, Err(error)),
            );
        }
    };
    match request {
        Value::Array(calls) if calls.len() > MAX_BATCH_CALLS => {
            let error = RpcError::new(
                codes::RPC_INVALID_REQUEST,
                format!(
                    "batch of {} calls exceeds the maximum of {MAX_BATCH_CALLS}",
                    calls.len()
                ),
            );
            json_response(
                StatusCode::BAD_REQUEST,
                legacy_reply(Value::Null, Err(error)),
            )
        }
        Value::Array(calls) => {
            let mut replies = Vec::with_capacity(calls.len());
            for call in calls {
                let (_, reply) = handle_call(&state, call).await;
                if let Some(reply) = reply {
                    replies.push(reply);
                }
            }
            json_response(StatusCode::OK, Value::Array(replies))
        }
        call => {
            let (status, reply) = handle_call(&state, call).await;
            match reply {
                Some(reply) => json_response(status, reply),
                None => StatusCode::NO_CONTENT.into_response(),
            }
        }
    }
}

/// Runs one call. Returns the HTTP status a single call would get and the reply
/// (`None` for a JSON-RPC 2.0 notification).
async fn handle_call(state: &ServerState, call: Value) -> (StatusCode, Option<Value>) {
    let Value::Object(mut call) = call else {
        let error = RpcError::new(codes::RPC_INVALID_REQUEST, "Invalid Request object");
        return (
            StatusCode::BAD_REQUEST,
            Some(legacy_reply(Value::Null, Err(error))),
        );
    };
    let v2 = call.get("jsonrpc").and_then(Value::as_str) == Some("2.0");
    let id = call.remove("id");
    let is_notification = v2 && id.is_none();
    let id = id.unwrap_or(Value::Null);
    let result = run_call(state, &mut call).await;
    if let Err(e) = &result {
        debug!(code = e.code, "RPC error: {}", e.message);
    }
    if v2 {
        if is_notification {
            return (StatusCode::NO_CONTENT, None);
        }
        let mut reply = Map::new();
        reply.insert("jsonrpc".into(), json!("2.0"));
        match result {
            Ok(v) => reply.insert("result".into(), v),
            Err(e) => reply.insert("error".into(), e.to_json()),
        };
        reply.insert("id".into(), id);
        return (StatusCode::OK, Some(Value::Object(reply)));
    }
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(e) if e.code == codes::RPC_INVALID_REQUEST => StatusCode::BAD_REQUEST,
        Err(e) if e.code == codes::RPC_METHOD_NOT_FOUND => StatusCode::NOT_FOUND,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, Some(legacy_reply(id, result)))
}

async fn run_call(state: &ServerState, call: &mut Map<String, Value>) -> Result<Value, RpcError> {
    let method = match call.get("method") {
        Some(Value::String(m)) => m.clone(),
        None => return Err(RpcError::new(codes::RPC_INVALID_REQUEST, "Missing method")),
        Some(_) => {
            return Err(RpcError::new(
                codes::RPC_INVALID_REQUEST,
                "Method must be a string",
            ))
        }
    };
    let (spec, handler) = state
        .config
        .methods
        .get(&method)
        .ok_or_else(RpcError::method_not_found)?;
    let params = Params::from_request(call.remove("params"), spec)?;
    handler(state.ctx.clone(), params).await
}

/// Bitcoin Core's JSON-RPC 1.0 reply: both `result` and `error`, one of them null.
fn legacy_reply(id: Value, result: Result<Value, RpcError>) -> Value {
    match result {
        Ok(v) => json!({ "result": v, "error": Value::Null, "id": id }),
        Err(e) => json!({ "result": Value::Null, "error": e.to_json(), "id": id }),
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    let mut text = body.to_string();
    text.push('\n');
    (status, [(header::CONTENT_TYPE, "application/json")], text).into_response()
}
