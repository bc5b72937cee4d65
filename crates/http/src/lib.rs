//! Serving an open HTTP endpoint (Prometheus metrics, the explorer): anyone who reaches
//! the port can connect, so what connections hold is bounded.
//!
//! At most [`Limits::max_connections`] at once, each serving one request (no
//! keep-alive) within [`Limits::request_timeout`] of its arrival. A connection beyond
//! the cap takes the place of the oldest one that has not sent a whole request head yet
//! (a real client sends its head at once; an idle or slow connection has not), or, when
//! every one is busy with a request, is answered 503 and closed. So idle connections
//! neither pile up nor keep a real client out.

mod slots;

use axum::body::Body;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use slots::Slots;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tower_service::Service;
use tracing::{debug, warn};

/// How much an endpoint lets its visitors hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    /// From a connection's arrival to the end of its response.
    pub request_timeout: Duration,
}

/// The answer to a connection beyond the cap when every slot is busy.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 29\r\nConnection: close\r\n\r\ntoo many connections; retry\n";

/// Serves `app` on `listener` within `limits`, until the task is dropped; `name` names
/// the endpoint in log lines.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, name: &'static str) {
    let mut slots = Slots::new(limits.max_connections);
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors, or a connection reset before it was taken:
                // neither ends the server.
                debug!("{name}: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let started = Arc::new(AtomicBool::new(false));
        if !slots.make_room() {
            warn!(%peer, "{name}: {} connections busy, refusing one", limits.max_connections);
            tokio::spawn(refuse(stream));
            continue;
        }
        let task = tokio::spawn(connection(
            stream,
            app.clone(),
            limits,
            started.clone(),
            name,
        ));
        slots.insert(started, task.abort_handle());
    }
}

/// Serves one request on `stream` within the time limit; `started` is set once its head
/// has arrived.
async fn connection(
    stream: TcpStream,
    app: Router,
    limits: Limits,
    started: Arc<AtomicBool>,
    name: &'static str,
) {
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        started.store(true, Ordering::Relaxed);
        app.clone().call(request.map(Body::new))
    });
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.request_timeout)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), service);
    match tokio::time::timeout(limits.request_timeout, served).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => debug!("{name} connection: {e}"),
        Err(_) => debug!(
            "{name} connection closed after {:?}",
            limits.request_timeout
        ),
    }
}

async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY)).await;
}
