//! The block explorer and launch dashboard a Venture node serves (`ventured run --http
//! ADDR`): the tip and recent blocks with their parent chain, charts of difficulty per
//! block kind, block intervals and the merge-mined share, block, transaction and
//! address pages, the venture allocation (terms, epochs, contributors, vesting) and the
//! network.
//!
//! Pages are server-rendered HTML with inline SVG charts and one inline style sheet: no
//! script, no external asset, so they work offline and a Content-Security-Policy can
//! forbid scripts outright. Numbers come from the same RPC methods `ventured` answers
//! (called in-process through the method table), so a page and `getblockchaininfo`
//! never disagree; lists and chart series are read from the chain's index directly.
//!
//! Read-only and without login, so everything a visitor can make the node do is
//! bounded: connections ([`MAX_CONNECTIONS`], idle ones giving way, each with
//! [`CONNECTION_TIMEOUT`]), a few pages rendering at once ([`MAX_CONCURRENT_PAGES`],
//! beyond it 503) each within [`PAGE_TIMEOUT`], capped chart windows and lists, and an
//! address lookup (a walk over the UTXO set, since the node keeps no address index)
//! that runs one at a time without holding the chain's lock.

mod html;
mod pages;
mod source;
mod svg;

pub use source::Site;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use source::Explorer;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use venture_rpc::{Methods, RpcContext};

/// Pages rendered at once; more requests meanwhile get 503 at once rather than queue.
pub const MAX_CONCURRENT_PAGES: usize = 8;
/// Longest a page may take before the request is answered with 503.
pub const PAGE_TIMEOUT: Duration = Duration::from_secs(10);
/// Characters of an error message shown; the rest is cut.
const MAX_ERROR_CHARS: usize = 300;
/// Connections open at once: a browser opens a few per visitor.
pub const MAX_CONNECTIONS: usize = 64;
/// From a connection's arrival to the end of its one response: a page's time and the
/// time to send it.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(15);

/// A page that could not be shown, with what the visitor should know.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("the node is busy: {0}; try again in a moment")]
    Busy(&'static str),
    #[error("the node could not answer: {0}")]
    Node(String),
}

impl From<venture_rpc::RpcError> for PageError {
    fn from(e: venture_rpc::RpcError) -> PageError {
        PageError::Node(e.message)
    }
}

/// Serves the explorer on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    ctx: Arc<RpcContext>,
    methods: Methods,
    site: Site,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let explorer = Arc::new(Explorer::new(ctx, methods, site));
    let permits = Arc::new(Semaphore::new(MAX_CONCURRENT_PAGES));
    let app = Router::new()
        .route("/", get(pages::home::page))
        .route("/charts", get(pages::charts::page))
        .route("/block/{id}", get(pages::block::page))
        .route("/tx/{txid}", get(pages::tx::page))
        .route("/address/{address}", get(pages::address::page))
        .route("/venture", get(pages::venture::page))
        .route("/network", get(pages::network::page))
        .route("/search", get(pages::search::page))
        .fallback(not_found)
        .with_state(explorer)
        .layer(middleware::from_fn_with_state(permits, bounded));
    let limits = venture_http::Limits {
        max_connections: MAX_CONNECTIONS,
        request_timeout: CONNECTION_TIMEOUT,
    };
    tokio::select! {
        () = venture_http::serve(listener, app, limits, "explorer") => {}
        () = shutdown => {}
    }
}

/// Admits a request if a render slot is free, bounds its time, and adds the headers
/// that keep pages inert: no script may run, no frame may embed them.
async fn bounded(State(permits): State<Arc<Semaphore>>, request: Request, next: Next) -> Response {
    let Ok(_permit) = permits.try_acquire() else {
        return PageError::Busy("too many pages are being served").into_response();
    };
    let mut response = match tokio::time::timeout(PAGE_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => PageError::Busy("the page took too long").into_response(),
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn not_found() -> Response {
    PageError::NotFound("no such page".into()).into_response()
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = match &self {
            PageError::NotFound(_) => StatusCode::NOT_FOUND,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Node(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        // Messages quote what the visitor sent (a path, a search): cut, so that a long
        // request does not come back as a long answer.
        let message = self.to_string();
        let shown = match message.char_indices().nth(MAX_ERROR_CHARS) {
            Some((cut, _)) => format!("{}…", &message[..cut]),
            None => message,
        };
        let body = format!(
            "<p class=\"error\" id=\"error\">{}</p><p><a href=\"/\">Back to the chain</a></p>",
            html::esc(&shown)
        );
        let title = status.canonical_reason().unwrap_or("Error");
        (status, html_response(html::frame("Venture", title, &body))).into_response()
    }
}

/// A rendered page with its content type.
fn html_response(page: String) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page)
}

/// What every page handler returns.
type PageResult = Result<Response, PageError>;

/// A page of this chain's site: its title and body in the frame.
fn render_page(explorer: &Explorer, title: &str, body: &str) -> PageResult {
    Ok(html_response(html::frame(&explorer.chain_name(), title, body)).into_response())
}
