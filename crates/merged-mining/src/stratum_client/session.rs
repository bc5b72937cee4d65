//! The miner's connection: (re)connect with back-off, subscribe and authorize, then turn
//! notifications into work for the hashing threads and count share replies.

use crate::coordinator::Backoff;
use crate::stratum::difficulty::target_for_difficulty;
use crate::stratum::encoding::{prevhash_from_stratum, u32_from_hex};
use crate::stratum::protocol::{self, Message};
use crate::stratum_client::lines::{read_line, MAX_SERVER_LINE};
use crate::stratum_client::{nap, Shared, Work};
use bitcoin::hashes::Hash;
use serde_json::{json, Value};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tracing::{debug, info, warn};

/// A server that says nothing for this long is presumed gone.
const READ_TIMEOUT: Duration = Duration::from_secs(600);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const SUBSCRIBE_ID: u64 = 1;
const AUTHORIZE_ID: u64 = 2;
const CONFIGURE_ID: u64 = 3;
const EXTRANONCE_SUBSCRIBE_ID: u64 = 4;

/// The last `mining.notify`, kept to rebuild work when the difficulty changes.
#[derive(Debug, Clone)]
struct Notified {
    job_id: String,
    prev_hash: [u8; 32],
    coinb1: Vec<u8>,
    coinb2: Vec<u8>,
    branch: Vec<[u8; 32]>,
    version: u32,
    bits: u32,
    ntime: u32,
}

/// What the pool has told this connection so far.
#[derive(Debug)]
pub(super) struct Connection {
    extranonce1: Option<Vec<u8>>,
    extranonce2_size: usize,
    /// A `mining.set_extranonce` (extranonce1, extranonce2 size) waiting for the next
    /// `mining.notify`: shares of the jobs before it still use the old extranonce1.
    pending_extranonce: Option<(Vec<u8>, Option<usize>)>,
    difficulty: f64,
    job: Option<Notified>,
    /// The version-rolling mask granted (or set since), if any.
    version_mask: Option<u32>,
}

impl Connection {
    pub(super) fn new() -> Connection {
        Connection {
            extranonce1: None,
            extranonce2_size: 4,
            pending_extranonce: None,
            difficulty: 1.0,
            job: None,
            version_mask: None,
        }
    }
}

pub(super) fn run(shared: &Shared) {
    let server = shared.config.server.clone();
    let mut backoff = Backoff::new(Duration::from_millis(250), Duration::from_secs(5));
    let mut reported_down = false;
    while !shared.stopping() {
        match connect(&server) {
            Ok(stream) => {
                backoff.reset();
                reported_down = false;
                shared.stats.connections.fetch_add(1, Ordering::Relaxed);
                info!(%server, "connected to the Stratum server");
                let result = converse(shared, stream);
                shared.set_work(None);
                if let Ok(mut writer) = shared.writer.lock() {
                    writer.take();
                }
                if shared.stopping() {
                    break;
                }
                match result {
                    Ok(()) => {
                        warn!(%server, "the Stratum server closed the connection; reconnecting")
                    }
                    Err(e) => warn!(%server, "Stratum connection lost ({e}); reconnecting"),
                }
            }
            Err(e) => {
                if !reported_down {
                    warn!(%server, "cannot reach the Stratum server, retrying: {e}");
                    reported_down = true;
                }
            }
        }
        nap(shared, backoff.failed());
    }
}

fn connect(server: &str) -> io::Result<TcpStream> {
    let addr = server
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no address"))?;
    TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)
}

fn send(shared: &Shared, line: String) -> io::Result<()> {
    let mut writer = shared
        .writer
        .lock()
        .map_err(|_| io::Error::other("writer lock poisoned"))?;
    let stream = writer
        .as_mut()
        .ok_or_else(|| io::Error::from(io::ErrorKind::NotConnected))?;
    stream.write_all((line + "\n").as_bytes())
}

fn converse(shared: &Shared, stream: TcpStream) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    if let Ok(mut writer) = shared.writer.lock() {
        *writer = Some(stream.try_clone()?);
    }
    let agent = concat!("venture-miner/", env!("CARGO_PKG_VERSION"));
    if let Some(mask) = shared.config.version_rolling_mask {
        // BIP310 wants the configure first; a server that does not know it answers
        // with an error, and the miner then hashes the job's version only.
        send(
            shared,
            protocol::call(
                json!(CONFIGURE_ID),
                "mining.configure",
                json!([
                    ["version-rolling"],
                    {"version-rolling.mask": format!("{mask:08x}"), "version-rolling.min-bit-count": 1}
                ]),
            ),
        )?;
    }
    send(
        shared,
        protocol::call(json!(SUBSCRIBE_ID), "mining.subscribe", json!([agent])),
    )?;
    if shared.config.extranonce_subscribe {
        // NiceHash's extension: the pool may then change extranonce1 without a
        // reconnection (mining.set_extranonce).
        send(
            shared,
            protocol::call(
                json!(EXTRANONCE_SUBSCRIBE_ID),
                "mining.extranonce.subscribe",
                json!([]),
            ),
        )?;
    }
    send(
        shared,
        protocol::call(
            json!(AUTHORIZE_ID),
            "mining.authorize",
            json!([shared.config.user, shared.config.password]),
        ),
    )?;
    follow(shared, &mut Connection::new(), BufReader::new(stream))
}

/// Reads the pool's lines and acts on each until the pool closes the stream (or the
/// miner stops).
pub(super) fn follow(
    shared: &Shared,
    connection: &mut Connection,
    mut reader: impl BufRead,
) -> io::Result<()> {
    let mut bytes = Vec::new();
    while read_line(&mut reader, MAX_SERVER_LINE, &mut bytes)? {
        let line = String::from_utf8_lossy(&bytes);
        if shared.stopping() {
            break;
        }
        match protocol::parse(&line) {
            Some(Message::Call { method, params, .. }) => {
                on_call(shared, connection, &method, &params)
            }
            Some(Message::Reply { id, result, error }) => {
                on_reply(shared, connection, &id, &result, &error)?
            }
            None => debug!("ignoring a line that is not Stratum: {line}"),
        }
    }
    Ok(())
}

fn on_reply(
    shared: &Shared,
    connection: &mut Connection,
    id: &Value,
    result: &Value,
    error: &Value,
) -> io::Result<()> {
    match id.as_u64() {
        Some(SUBSCRIBE_ID) => {
            let extranonce1 = result
                .get(1)
                .and_then(Value::as_str)
                .and_then(|text| hex::decode(text).ok());
            let size = result.get(2).and_then(Value::as_u64);
            let (Some(extranonce1), Some(size)) = (extranonce1, size) else {
                return Err(io::Error::other(format!("subscribe refused: {error}")));
            };
            connection.extranonce1 = Some(extranonce1);
            connection.extranonce2_size = usize::try_from(size).unwrap_or(4).min(32);
            publish(shared, connection);
        }
        Some(CONFIGURE_ID) => {
            let granted = result.get("version-rolling") == Some(&json!(true));
            let mask = result
                .get("version-rolling.mask")
                .and_then(Value::as_str)
                .and_then(u32_from_hex);
            match (granted, mask) {
                (true, Some(mask)) => match usable_mask(shared, mask) {
                    Ok(mask) => {
                        info!(mask = format!("{mask:08x}"), "version rolling granted");
                        connection.version_mask = Some(mask);
                        publish(shared, connection);
                    }
                    Err(why) => warn!("{why}: version rolling stays off"),
                },
                _ => warn!(
                    "the server refused version rolling: {}",
                    result.get("version-rolling").unwrap_or(error)
                ),
            }
        }
        Some(EXTRANONCE_SUBSCRIBE_ID) => {
            // Nothing depends on the answer: a pool that does not know the method
            // simply never changes the extranonce.
            debug!(%result, %error, "extranonce subscription answered");
        }
        Some(AUTHORIZE_ID) => {
            if result != &json!(true) {
                warn!(user = %shared.config.user, "the server refused the worker: {error}");
            }
        }
        _ => {
            if result == &json!(true) {
                shared.stats.shares_accepted.fetch_add(1, Ordering::Relaxed);
            } else {
                shared.stats.shares_rejected.fetch_add(1, Ordering::Relaxed);
                debug!("share rejected: {error}");
            }
        }
    }
    Ok(())
}

fn on_call(shared: &Shared, connection: &mut Connection, method: &str, params: &[Value]) {
    match method {
        "mining.notify" => match parse_notify(params) {
            Some((job, clean)) => {
                shared.stats.jobs.fetch_add(1, Ordering::Relaxed);
                log_job(shared, &job, clean);
                debug!(job = %job.job_id, clean, "new job");
                connection.job = Some(job);
                // A new extranonce1 takes effect with the first job after it (and
                // switches work even if that job's id is the same).
                if let Some((extranonce1, size)) = connection.pending_extranonce.take() {
                    connection.extranonce1 = Some(extranonce1);
                    if let Some(size) = size {
                        connection.extranonce2_size = size;
                    }
                }
                publish(shared, connection);
            }
            None => warn!("ignoring a malformed mining.notify"),
        },
        "mining.set_difficulty" => {
            if let Some(difficulty) = params.first().and_then(Value::as_f64).filter(|d| *d > 0.0) {
                debug!(difficulty, "new share difficulty");
                connection.difficulty = difficulty;
                publish(shared, connection);
            }
        }
        "mining.set_version_mask" => {
            // Valid at once (BIP310); ignored unless rolling was negotiated.
            let mask = params
                .first()
                .and_then(Value::as_str)
                .and_then(u32_from_hex);
            if let (Some(mask), Some(_)) = (mask, connection.version_mask) {
                match usable_mask(shared, mask) {
                    Ok(mask) => {
                        debug!(mask = format!("{mask:08x}"), "new version mask");
                        connection.version_mask = Some(mask);
                    }
                    Err(why) => {
                        warn!("{why}: version rolling is off for this connection");
                        connection.version_mask = None;
                    }
                }
                publish(shared, connection);
            }
        }
        "mining.set_extranonce" => {
            match params
                .first()
                .and_then(Value::as_str)
                .and_then(|text| hex::decode(text).ok())
            {
                Some(extranonce1) => {
                    let size = params
                        .get(1)
                        .and_then(Value::as_u64)
                        .map(|size| usize::try_from(size).unwrap_or(4).min(32));
                    debug!(extranonce1 = %hex::encode(&extranonce1), ?size, "new extranonce from the next job");
                    connection.pending_extranonce = Some((extranonce1, size));
                }
                None => warn!("ignoring a malformed mining.set_extranonce"),
            }
        }
        other => debug!(method = other, "ignoring a server call"),
    }
}

/// A mask the server grants (or sets later), if this miner may roll it: BIP310 lets a
/// miner roll only bits of its own mask, and an empty mask rolls nothing, so either is
/// a server's mistake, not a grant.
fn usable_mask(shared: &Shared, granted: u32) -> Result<u32, String> {
    let asked = shared.config.version_rolling_mask.unwrap_or(0);
    if granted == 0 {
        return Err("the server granted an empty version-rolling mask".into());
    }
    if granted & !asked != 0 {
        return Err(format!(
            "the server granted version-rolling mask {granted:08x}, with bits {:08x} outside the mask {asked:08x} this miner offered",
            granted & !asked
        ));
    }
    Ok(granted)
}

/// Hands the hashing threads work for the latest job at the latest difficulty.
fn publish(shared: &Shared, connection: &Connection) {
    let (Some(extranonce1), Some(job)) = (&connection.extranonce1, &connection.job) else {
        return;
    };
    shared.set_work(Some(Work {
        job_id: job.job_id.clone(),
        extranonce1: extranonce1.clone(),
        extranonce2_size: connection.extranonce2_size,
        coinb1: job.coinb1.clone(),
        coinb2: job.coinb2.clone(),
        branch: job.branch.clone(),
        version: job.version,
        prev_hash: job.prev_hash,
        bits: job.bits,
        ntime: job.ntime,
        target: target_for_difficulty(connection.difficulty, shared.config.pow),
        version_mask: connection.version_mask,
    }));
}

fn parse_notify(params: &[Value]) -> Option<(Notified, bool)> {
    let text = |i: usize| params.get(i).and_then(Value::as_str);
    let branch = params
        .get(4)?
        .as_array()?
        .iter()
        .map(|node| {
            hex::decode(node.as_str()?)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        })
        .collect::<Option<Vec<_>>>()?;
    let job = Notified {
        job_id: text(0)?.to_string(),
        prev_hash: prevhash_from_stratum(text(1)?)?.to_byte_array(),
        coinb1: hex::decode(text(2)?).ok()?,
        coinb2: hex::decode(text(3)?).ok()?,
        branch,
        version: u32_from_hex(text(5)?)?,
        bits: u32_from_hex(text(6)?)?,
        ntime: u32_from_hex(text(7)?)?,
    };
    let clean = params.get(8).and_then(Value::as_bool).unwrap_or(false);
    Some((job, clean))
}

fn log_job(shared: &Shared, job: &Notified, clean: bool) {
    let Some(path) = &shared.config.job_log else {
        return;
    };
    let now_ms = crate::stratum::share_log::now_ms();
    let prev = bitcoin::BlockHash::from_byte_array(job.prev_hash);
    let line = format!("{now_ms} {} {prev} {clean}\n", job.job_id);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(line.as_bytes()));
    if let Err(e) = written {
        debug!("cannot write the job log: {e}");
    }
}
