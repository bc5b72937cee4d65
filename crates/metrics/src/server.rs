//! `GET /metrics`: refreshes what is read on demand, then encodes the registry.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::future::BoxFuture;
use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Called before each scrape to bring the on-demand values up to date.
pub type Refresh = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// The OpenMetrics text format, which prometheus-client writes.
const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    #[error("the metrics server stopped: {0}")]
    Serve(#[from] std::io::Error),
}

#[derive(Clone)]
struct Scrape {
    registry: Arc<Registry>,
    refresh: Refresh,
}

/// Serves `registry` at `/metrics` on `listener` until the task is dropped.
pub async fn serve(
    listener: TcpListener,
    registry: Arc<Registry>,
    refresh: Refresh,
) -> Result<(), MetricsError> {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .with_state(Scrape { registry, refresh });
    axum::serve(listener, app).await?;
    Ok(())
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
