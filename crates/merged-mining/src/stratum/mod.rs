//! The Stratum v1 server of `ventured mm`: newline-delimited JSON over TCP, one tokio
//! task per miner connection, work and share checks from the [`Coordinator`].
//!
//! Methods: `mining.subscribe` (extranonce1 of 4 bytes per connection, extranonce2 of 4
//! bytes), `mining.authorize` (any worker is accepted and recorded), `mining.submit`
//! (errors 20 other, 21 job not found / stale, 22 duplicate, 23 low difficulty,
//! 24 unauthorized, 25 not subscribed), `mining.suggest_difficulty`,
//! `mining.suggest_target`, `mining.extranonce.subscribe`, `mining.configure` (BIP310
//! version rolling over [`StratumConfig::version_rolling_mask`], see
//! [`version_rolling`]; every other extension declined). The server sends
//! `mining.set_difficulty` (vardiff, see [`vardiff`]) and `mining.notify` (byte orders
//! in [`encoding`]).
//!
//! What a miner can make the server hold is bounded (see [`limits`]): connections,
//! the time to subscribe and authorize, worker names per connection, and the length of
//! a line ([`MAX_LINE`]). What a share must cost is bounded too: whatever a miner
//! suggests, its difficulty never goes below the job's share floor
//! ([`crate::coordinator::share_floor`]).

pub mod difficulty;
pub mod encoding;
pub mod limits;
mod lines;
pub mod protocol;
mod session;
pub mod share_log;
pub mod vardiff;
pub mod version_rolling;

pub use limits::StratumLimits;
pub use lines::{LineBuffer, MAX_LINE};
pub use session::{notify, Session};
pub use vardiff::VardiffConfig;

use crate::coordinator::{Coordinator, EXTRANONCE1_SIZE};
use limits::{ConnectionSlots, Slot};
use lines::Received;
use protocol::StratumError;
use serde_json::Value;
use share_log::ShareLog;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::{TcpListener, TcpStream};
use tracing::{debug, info, warn};

/// Server settings.
#[derive(Debug, Clone, PartialEq)]
pub struct StratumConfig {
    pub listen: SocketAddr,
    pub vardiff: VardiffConfig,
    pub limits: StratumLimits,
    /// The header version bits miners may roll (BIP310); 0 refuses version rolling.
    /// [`version_rolling::DEFAULT_SERVER_MASK`] unless configured.
    pub version_rolling_mask: u32,
    /// Where each accepted share is logged for payouts, if anywhere.
    pub share_log: Option<PathBuf>,
}

/// A bound Stratum server.
pub struct StratumServer {
    listener: TcpListener,
    coordinator: Arc<Coordinator>,
    vardiff: VardiffConfig,
    limits: StratumLimits,
    version_rolling_mask: u32,
    share_log: Option<Arc<ShareLog>>,
    slots: Arc<ConnectionSlots>,
    /// Whether the refusals since the cap was last reached were logged already.
    full_reported: AtomicBool,
    next_extranonce1: AtomicU32,
}

impl StratumServer {
    /// Binds the listening socket (port 0 picks a free one; see [`Self::local_addr`]).
    pub async fn bind(
        config: StratumConfig,
        coordinator: Arc<Coordinator>,
    ) -> std::io::Result<StratumServer> {
        let share_log = match &config.share_log {
            Some(path) => Some(Arc::new(ShareLog::open(path)?)),
            None => None,
        };
        let listener = TcpListener::bind(config.listen).await?;
        // Different runs hand out different extranonce1 values, so a restarted
        // coordinator does not repeat coinbases of shares in flight.
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32).rotate_left(16))
            .unwrap_or(0);
        Ok(StratumServer {
            listener,
            coordinator,
            vardiff: config.vardiff,
            version_rolling_mask: config.version_rolling_mask,
            share_log,
            slots: ConnectionSlots::new(config.limits.max_connections),
            limits: config.limits,
            full_reported: AtomicBool::new(false),
            next_extranonce1: AtomicU32::new(seed),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts miners until the task is dropped.
    pub async fn run(self) {
        let server = Arc::new(self);
        if let Ok(addr) = server.listener.local_addr() {
            info!(%addr, "Stratum server listening");
        }
        loop {
            match server.listener.accept().await {
                Ok((stream, peer)) => match server.slots.take() {
                    Some(slot) => {
                        server.full_reported.store(false, Ordering::Relaxed);
                        let server = server.clone();
                        tokio::spawn(async move { server.serve(stream, peer, slot).await });
                    }
                    None => server.refuse(stream, peer),
                },
                Err(e) => {
                    // Out of descriptors and the like: pause rather than spin.
                    warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    /// Closes a connection beyond the cap at once: one line saying why, written only if
    /// the socket takes it without waiting, and no task, job or extranonce spent on it.
    fn refuse(&self, stream: TcpStream, peer: SocketAddr) {
        let stats = self.coordinator.stats();
        stats.connections_refused.fetch_add(1, Ordering::Relaxed);
        let max = self.slots.max();
        if !self.full_reported.swap(true, Ordering::Relaxed) {
            warn!(
                max,
                "Stratum connection limit reached: refusing new miners until one leaves"
            );
        }
        debug!(%peer, "miner refused: {max} connections already");
        farewell(
            &stream,
            StratumError::Other(format!("too many connections ({max}); try later")),
        );
    }

    async fn serve(&self, stream: TcpStream, peer: SocketAddr, _slot: Slot) {
        let stats = self.coordinator.stats().clone();
        stats.connections.fetch_add(1, Ordering::Relaxed);
        debug!(%peer, "miner connected");
        let extranonce1: [u8; EXTRANONCE1_SIZE] = self
            .next_extranonce1
            .fetch_add(1, Ordering::Relaxed)
            .to_be_bytes();
        match self.converse(&stream, peer, extranonce1).await {
            Ok(()) => debug!(%peer, "miner disconnected"),
            Err(e) => debug!(%peer, "miner connection closed: {e}"),
        }
        stats.connections.fetch_sub(1, Ordering::Relaxed);
    }

    async fn converse(
        &self,
        stream: &TcpStream,
        peer: SocketAddr,
        extranonce1: [u8; EXTRANONCE1_SIZE],
    ) -> std::io::Result<()> {
        let _ = stream.set_nodelay(true);
        let mut session = Session::new(
            self.coordinator.clone(),
            peer,
            extranonce1,
            self.vardiff.clone(),
            self.limits.max_workers,
            Instant::now(),
        )
        .with_version_rolling_mask(self.version_rolling_mask)
        .with_share_log(self.share_log.clone());
        let mut jobs = self.coordinator.jobs();
        jobs.borrow_and_update();
        let mut buffer = LineBuffer::default();
        let mut ticker = tokio::time::interval(Duration::from_secs(1));
        let handshake_deadline = tokio::time::Instant::now() + self.limits.handshake_timeout;
        loop {
            let out: Vec<String> = tokio::select! {
                ready = stream.readable() => {
                    ready?;
                    match buffer.read_from(stream)? {
                        Received::Closed => return Ok(()),
                        Received::Lines(lines) => lines
                            .iter()
                            .flat_map(|line| session.handle_line(line, Instant::now()))
                            .collect(),
                        Received::TooLong => {
                            warn!(%peer, "miner sent a line over {MAX_LINE} bytes: closing");
                            let why = format!("line longer than {MAX_LINE} bytes");
                            farewell(stream, StratumError::Other(why));
                            return Ok(());
                        }
                    }
                }
                _ = tokio::time::sleep_until(handshake_deadline), if !session.is_started() => {
                    let timeout = self.limits.handshake_timeout;
                    debug!(%peer, "no subscribe and authorize within {timeout:?}: closing");
                    return Ok(());
                }
                changed = jobs.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    let job = jobs.borrow_and_update().clone();
                    job.map(|job| session.on_job(&job, Instant::now())).unwrap_or_default()
                }
                _ = ticker.tick() => session.on_tick(Instant::now()),
            };
            if !out.is_empty() {
                let mut bytes = out.join("\n");
                bytes.push('\n');
                lines::write_all(stream, bytes.as_bytes()).await?;
            }
        }
    }
}

/// Tells a miner why its connection is being closed: one error line, written only if the
/// socket takes it at once, so a miner that does not read cannot hold the server up.
fn farewell(stream: &TcpStream, error: StratumError) {
    let line = protocol::reply_error(&Value::Null, &error) + "\n";
    let _ = stream.try_write(line.as_bytes());
}
