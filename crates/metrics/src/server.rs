//! `GET /metrics`: refreshes what is read on demand, then encodes the registry. The
//! port is open to whoever reaches it, so connections are bounded (`venture-http`).

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::future::BoxFuture;
use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use venture_http::Limits;

/// Called before each scrape to bring the on-demand values up to date.
pub type Refresh = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// The OpenMetrics text format, which prometheus-client writes.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Connections served at once: a few scrapers (Prometheus, a second one, a person with
/// curl) need a handful; 32 leaves room while bounding tasks and sockets.
pub const MAX_CONNECTIONS: usize = 32;
/// From a connection's arrival to the end of its response: a scrape takes milliseconds,
/// and Prometheus's own scrape timeout defaults to 10 s.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Clone)]
struct Scrape {
    registry: Arc<Registry>,
    refresh: Refresh,
}

/// Serves `registry` at `/metrics` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, registry: Arc<Registry>, refresh: Refresh) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found; try /metrics\n") })
        .with_state(Scrape { registry, refresh });
    let limits = Limits {
        max_connections: MAX_CONNECTIONS,
        request_timeout: REQUEST_TIMEOUT,
    };
    venture_http::serve(listener, app, limits, "metrics").await;
}

async fn metrics(State(scrape): State<Scrape>) -> Response {
    (scrape.refresh)().await;
    let mut body = String::new();
    match encode(&mut body, &scrape.registry) {
        Ok(()) => ([(header::CONTENT_TYPE, CONTENT_TYPE)], body).into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode metrics: {e}"),
        )
            .into_response(),
    }
}
