//! `GET /metrics`: refreshes what is read on demand, then encodes the registry.
//!
//! Anyone who reaches the port can connect, so what connections hold is bounded: at
//! most [`MAX_CONNECTIONS`] at once, each serving one request (no keep-alive) within
//! [`REQUEST_TIMEOUT`] from its arrival. A connection beyond the cap takes the place of
//! the oldest one that has not sent a whole request head yet (a scraper sends its head
//! at once, an idle or slow connection has not), or, when every one is busy with a
//! request, is answered 503 and closed. So idle connections cannot keep a scrape out.

use crate::slots::Slots;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::future::BoxFuture;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tracing::{debug, warn};

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
/// The answer to a connection beyond the cap when every slot is busy.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 36\r\nConnection: close\r\n\r\ntoo many metrics connections; retry\n";

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
    let scrape = Scrape { registry, refresh };
    let mut slots = Slots::new(MAX_CONNECTIONS);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it was taken:
                // neither ends the server.
                debug!("metrics: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let started = Arc::new(AtomicBool::new(false));
        if !slots.make_room() {
            warn!(%peer, "metrics: {MAX_CONNECTIONS} connections busy, refusing one");
            tokio::spawn(refuse(stream));
            continue;
        }
        let task = tokio::spawn(connection(stream, scrape.clone(), started.clone()));
        slots.insert(started, task.abort_handle());
    }
}

/// Serves one request on `stream`, within [`REQUEST_TIMEOUT`]; `started` is set once its
/// head has arrived.
async fn connection(stream: TcpStream, scrape: Scrape, started: Arc<AtomicBool>) {
    let service = service_fn(move |request: Request<Incoming>| {
        started.store(true, Ordering::Relaxed);
        let scrape = scrape.clone();
        async move { Ok::<_, Infallible>(route(request, scrape).await) }
    });
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(REQUEST_TIMEOUT)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    match tokio::time::timeout(REQUEST_TIMEOUT, served).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => debug!("metrics connection: {e}"),
        Err(_) => debug!("metrics connection closed after {REQUEST_TIMEOUT:?}"),
    }
}

async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY)).await;
}

async fn route(request: Request<Incoming>, scrape: Scrape) -> Response {
    let readable = matches!(*request.method(), Method::GET | Method::HEAD);
    match (readable, request.uri().path()) {
        (true, "/metrics") => metrics(scrape).await,
        (false, "/metrics") => StatusCode::METHOD_NOT_ALLOWED.into_response(),
        _ => (
            StatusCode::NOT_FOUND,
            Body::from("not found; try /metrics\n"),
        )
            .into_response(),
    }
}

async fn metrics(scrape: Scrape) -> Response {
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
