//! One miner connection's protocol state: subscribe, authorize, difficulty, jobs, and
//! share checking through the coordinator. No I/O here: lines in, lines out.

use crate::coordinator::{
    Coordinator, Job, ShareRejection, ShareSubmission, EXTRANONCE1_SIZE, EXTRANONCE2_SIZE,
};
use crate::stratum::difficulty::{difficulty_for_target, target_for_difficulty};
use crate::stratum::encoding::{prevhash_to_stratum, u32_from_hex, u32_to_hex};
use crate::stratum::limits::MAX_WORKER_NAME;
use crate::stratum::protocol::{self, Message, StratumError};
use crate::stratum::share_log::{now_ms, ShareLog, ShareRecord};
use crate::stratum::vardiff::{Vardiff, VardiffConfig};
use crate::stratum::version_rolling::{self, Negotiation, DEFAULT_SERVER_MASK};
use serde_json::{json, Map, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tracing::{debug, info, warn};
use venture_pow::{Target, U256};

/// A connection's state.
pub struct Session {
    coordinator: Arc<Coordinator>,
    peer: SocketAddr,
    extranonce1: [u8; EXTRANONCE1_SIZE],
    subscribed: bool,
    /// Worker names authorized on this connection, at most `max_workers`.
    workers: Vec<String>,
    max_workers: usize,
    vardiff: Vardiff,
    /// Whether difficulty and work were sent (after subscribe and authorize).
    started: bool,
    /// Epoch of the last job sent; a job of another epoch is sent with clean_jobs.
    last_epoch: Option<u64>,
    last_job: Option<String>,
    /// The version bits this server lets miners roll.
    server_version_mask: u32,
    /// The mask negotiated with `mining.configure`; `None` until then (and a
    /// `version_bits` in a submit is refused).
    version_mask: Option<u32>,
    share_log: Option<Arc<ShareLog>>,
}

impl Session {
    pub fn new(
        coordinator: Arc<Coordinator>,
        peer: SocketAddr,
        extranonce1: [u8; EXTRANONCE1_SIZE],
        vardiff: VardiffConfig,
        max_workers: usize,
        now: Instant,
    ) -> Session {
        Session {
            coordinator,
            peer,
            extranonce1,
            subscribed: false,
            workers: Vec::new(),
            max_workers,
            vardiff: Vardiff::new(vardiff, now),
            started: false,
            last_epoch: None,
            last_job: None,
            server_version_mask: DEFAULT_SERVER_MASK,
            version_mask: None,
            share_log: None,
        }
    }

    /// Logs each accepted share to `log` (see [`ShareLog`]).
    pub fn with_share_log(mut self, log: Option<Arc<ShareLog>>) -> Session {
        self.share_log = log;
        self
    }

    /// Offers `mask` to miners that ask to roll version bits instead of BIP320's
    /// [`DEFAULT_SERVER_MASK`] (0: version rolling is refused).
    pub fn with_version_rolling_mask(mut self, mask: u32) -> Session {
        self.server_version_mask = mask;
        self
    }

    /// The version-rolling mask negotiated on this connection, if any.
    pub fn version_mask(&self) -> Option<u32> {
        self.version_mask
    }

    /// Whether the miner subscribed and authorized, and was sent work.
    pub fn is_started(&self) -> bool {
        self.started
    }

    /// The current share difficulty.
    pub fn difficulty(&self) -> f64 {
        self.vardiff.difficulty()
    }

    /// Handles one line from the miner; returns the lines to send back.
    pub fn handle_line(&mut self, line: &str, now: Instant) -> Vec<String> {
        let Some(message) = protocol::parse(line) else {
            return vec![protocol::reply_error(
                &Value::Null,
                &StratumError::Other("invalid message".into()),
            )];
        };
        let Message::Call { id, method, params } = message else {
            // Replies to our notifications need no answer.
            return Vec::new();
        };
        let mut out = Vec::new();
        match method.as_str() {
            "mining.subscribe" => {
                self.subscribed = true;
                let subscription = hex::encode(self.extranonce1);
                out.push(protocol::reply(
                    &id,
                    json!([
                        [
                            ["mining.set_difficulty", subscription],
                            ["mining.notify", subscription]
                        ],
                        hex::encode(self.extranonce1),
                        EXTRANONCE2_SIZE
                    ]),
                ));
                out.extend(self.start(now));
            }
            "mining.authorize" => match self.authorize(&params) {
                Ok(()) => {
                    out.push(protocol::reply(&id, json!(true)));
                    out.extend(self.start(now));
                }
                Err(error) => out.push(protocol::reply_error(&id, &error)),
            },
            "mining.submit" => {
                let result = self.submit(&params, now);
                match result {
                    Ok(()) => {
                        out.push(protocol::reply(&id, json!(true)));
                        if let Some(difficulty) = self.vardiff.on_share(now) {
                            out.push(set_difficulty(difficulty));
                        }
                    }
                    Err(error) => out.push(protocol::reply_error(&id, &error)),
                }
            }
            "mining.extranonce.subscribe" => out.push(protocol::reply(&id, json!(true))),
            "mining.suggest_difficulty" => {
                let suggested = params.first().and_then(Value::as_f64).unwrap_or(0.0);
                out.push(protocol::reply(&id, json!(true)));
                out.extend(self.suggest(suggested, now));
            }
            "mining.suggest_target" => match params.first().and_then(parse_target) {
                Some(target) => {
                    out.push(protocol::reply(&id, json!(true)));
                    let pow = self.coordinator.config().parent.pow;
                    out.extend(self.suggest(difficulty_for_target(&target, pow), now));
                }
                None => out.push(protocol::reply_error(
                    &id,
                    &StratumError::Other("suggest_target needs a target of 64 hex digits".into()),
                )),
            },
            "mining.configure" => out.push(protocol::reply(&id, self.configure(&params))),
            _ => out.push(protocol::reply_error(
                &id,
                &StratumError::Other(format!("Unknown method {}", protocol::echo(&method))),
            )),
        }
        out
    }

    /// A new job from the coordinator: if the miner is ready for work, the notify line,
    /// after a new difficulty when the job's share floor is above the current one.
    pub fn on_job(&mut self, job: &Job, now: Instant) -> Vec<String> {
        if !self.started || self.last_job.as_deref() == Some(job.id.as_str()) {
            return Vec::new();
        }
        let clean = self.last_epoch != Some(job.epoch);
        self.last_epoch = Some(job.epoch);
        self.last_job = Some(job.id.clone());
        let mut out: Vec<String> = self
            .apply_floor(job, now)
            .map(set_difficulty)
            .into_iter()
            .collect();
        out.push(notify(job, clean));
        out
    }

    /// Takes a miner's suggested difficulty, within vardiff's bounds and the floor.
    fn suggest(&mut self, difficulty: f64, now: Instant) -> Option<String> {
        let changed = self.vardiff.suggest(difficulty, now)?;
        self.started.then(|| set_difficulty(changed))
    }

    /// Raises the difficulty to `job`'s share floor if it is below; the new difficulty.
    fn apply_floor(&mut self, job: &Job, now: Instant) -> Option<f64> {
        // No floor (a regtest parent) is no bound, not a tiny difficulty.
        let floor = if job.share_floor == Target(U256::MAX) {
            0.0
        } else {
            difficulty_for_target(&job.share_floor, self.coordinator.config().parent.pow)
        };
        self.vardiff.set_floor(floor, now)
    }

    /// Once a second: eases the difficulty of a miner that finds nothing.
    pub fn on_tick(&mut self, now: Instant) -> Vec<String> {
        if !self.started {
            return Vec::new();
        }
        self.vardiff
            .on_tick(now)
            .map(set_difficulty)
            .into_iter()
            .collect()
    }

    /// After subscribe and authorize: the difficulty (at least the current job's
    /// floor), then the current job.
    fn start(&mut self, now: Instant) -> Vec<String> {
        if self.started || !self.subscribed || self.workers.is_empty() {
            return Vec::new();
        }
        let job = self.coordinator.current_job();
        if let Some(job) = &job {
            self.apply_floor(job, now);
        }
        self.started = true;
        let mut out = vec![set_difficulty(self.vardiff.difficulty())];
        if let Some(job) = job {
            out.extend(self.on_job(&job, now));
        }
        out
    }

    /// Records the worker name, within the per-connection bounds; a name already
    /// recorded is accepted again.
    fn authorize(&mut self, params: &[Value]) -> Result<(), StratumError> {
        let Some(worker) = params.first().and_then(Value::as_str) else {
            return Err(StratumError::Other("authorize needs a worker name".into()));
        };
        if self.workers.iter().any(|w| w == worker) {
            return Ok(());
        }
        if worker.len() > MAX_WORKER_NAME {
            return Err(StratumError::Other(format!(
                "worker name longer than {MAX_WORKER_NAME} bytes"
            )));
        }
        if self.workers.len() >= self.max_workers {
            let held = self.workers.len();
            debug!(peer = %self.peer, worker, held, "worker refused: too many on one connection");
            return Err(StratumError::Other(format!(
                "too many workers on one connection ({}); open another connection",
                self.max_workers
            )));
        }
        info!(peer = %self.peer, worker, "miner authorized");
        self.workers.push(worker.to_string());
        Ok(())
    }

    /// `mining.configure` (BIP310): version rolling is negotiated; every other extension
    /// is declined, which lets firmware that asks first go on without it. A name given
    /// twice is answered once: a line repeating one would otherwise be negotiated (and
    /// its reason written) as many times as it fits.
    fn configure(&mut self, params: &[Value]) -> Value {
        let empty = Map::new();
        let parameters = params.get(1).and_then(Value::as_object).unwrap_or(&empty);
        let mut result = Map::new();
        let names = params.first().and_then(Value::as_array);
        for name in names.into_iter().flatten().filter_map(Value::as_str) {
            if result.contains_key(name) {
                continue;
            }
            if name != "version-rolling" {
                result.insert(name.to_string(), json!(false));
                continue;
            }
            match version_rolling::negotiate(self.server_version_mask, parameters) {
                Negotiation::Granted { mask, short_of } => {
                    if let Some(wanted) = short_of {
                        info!(peer = %self.peer, mask = format!("{mask:08x}"), wanted, "version rolling granted with fewer bits than the miner asked for");
                    }
                    self.version_mask = Some(mask);
                    result.insert(name.to_string(), json!(true));
                    result.insert("version-rolling.mask".into(), json!(format!("{mask:08x}")));
                }
                Negotiation::Refused(reason) => {
                    debug!(peer = %self.peer, %reason, "version rolling refused");
                    self.version_mask = None;
                    result.insert(name.to_string(), json!(reason));
                }
            }
        }
        Value::Object(result)
    }

    fn submit(&mut self, params: &[Value], now: Instant) -> Result<(), StratumError> {
        if !self.subscribed {
            return Err(StratumError::NotSubscribed);
        }
        let text = |i: usize| params.get(i).and_then(Value::as_str);
        let (Some(worker), Some(job_id), Some(extranonce2), Some(ntime), Some(nonce)) =
            (text(0), text(1), text(2), text(3), text(4))
        else {
            return Err(StratumError::Other(
                "submit needs worker, job id, extranonce2, ntime and nonce".into(),
            ));
        };
        if !self.workers.iter().any(|w| w == worker) {
            return Err(StratumError::Unauthorized);
        }
        let extranonce2 = hex::decode(extranonce2)
            .map_err(|_| StratumError::Other("extranonce2 is not hex".into()))?;
        let ntime = u32_from_hex(ntime).ok_or_else(|| StratumError::Other("bad ntime".into()))?;
        let nonce = u32_from_hex(nonce).ok_or_else(|| StratumError::Other("bad nonce".into()))?;
        let version_roll = version_rolling::check_version_bits(self.version_mask, params.get(5))
            .map_err(|e| StratumError::Other(e.message()))?;
        let share = ShareSubmission {
            job_id,
            extranonce1: self.extranonce1,
            extranonce2: &extranonce2,
            ntime,
            nonce,
            version_roll,
        };
        let pow = self.coordinator.config().parent.pow;
        let difficulty = self.vardiff.accepted_difficulty(now);
        let target = target_for_difficulty(difficulty, pow);
        match self.coordinator.check_share(&share, &target, now) {
            Ok(accepted) => {
                // Credit the current difficulty unless the share only met the previous
                // one (within the grace after a change).
                let current = self.vardiff.difficulty();
                let credited = if target_for_difficulty(current, pow).is_met_by(&accepted.pow_hash)
                {
                    current
                } else {
                    difficulty
                };
                self.coordinator.stats().credit_worker(worker, credited);
                debug!(peer = %self.peer, worker, job = job_id, parent = accepted.parent_block, aux = ?accepted.aux_chain_ids, "share accepted");
                if let Some(log) = &self.share_log {
                    let record = ShareRecord {
                        time_ms: now_ms(),
                        worker,
                        peer: self.peer,
                        difficulty: credited,
                        job: job_id,
                        pow_hash: accepted.pow_hash.to_display_hex(),
                        parent_block: accepted.parent_block,
                        aux_chain_ids: &accepted.aux_chain_ids,
                    };
                    if let Err(e) = log.append(&record) {
                        // The share stands (its blocks went out); the operator must
                        // know the log is short.
                        warn!("share not logged: {e}");
                    }
                }
                Ok(())
            }
            Err(rejection) => {
                debug!(peer = %self.peer, worker, job = job_id, ?rejection, "share rejected");
                Err(match rejection {
                    ShareRejection::Stale => StratumError::JobNotFound,
                    ShareRejection::Duplicate => StratumError::Duplicate,
                    ShareRejection::LowDifficulty => StratumError::LowDifficulty,
                    ShareRejection::Invalid(reason) => StratumError::Other(reason),
                })
            }
        }
    }
}

/// A target as 64 hex digits, big-endian (the order targets are written in).
fn parse_target(value: &Value) -> Option<Target> {
    let bytes = hex::decode(value.as_str()?).ok()?;
    Some(Target::from_be_bytes(bytes.try_into().ok()?))
}

fn set_difficulty(difficulty: f64) -> String {
    protocol::call(Value::Null, "mining.set_difficulty", json!([difficulty]))
}

/// `mining.notify`: job id, prevhash (word-swapped), coinb1, coinb2, merkle branch,
/// version, nbits, ntime (big-endian hex), clean_jobs.
pub fn notify(job: &Job, clean: bool) -> String {
    let branch: Vec<String> = job
        .template
        .coinbase_branch
        .iter()
        .map(|node| hex::encode(bitcoin::hashes::Hash::as_byte_array(node)))
        .collect();
    protocol::call(
        Value::Null,
        "mining.notify",
        json!([
            job.id,
            prevhash_to_stratum(&job.template.prev_hash),
            hex::encode(&job.coinb1),
            hex::encode(&job.coinb2),
            branch,
            u32_to_hex(job.template.version as u32),
            u32_to_hex(job.template.bits),
            u32_to_hex(job.template.curtime),
            clean
        ]),
    )
}
