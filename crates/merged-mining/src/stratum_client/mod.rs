//! A CPU Stratum v1 miner (`ventured miner`): connects, subscribes, authorizes, follows
//! `mining.notify` and `mining.set_difficulty`, hashes with N threads (SHA-256d or
//! scrypt) and submits shares. It reconnects with back-off when the server goes away.
//!
//! With a version-rolling mask configured it asks for BIP310 version rolling
//! (`mining.configure` before subscribing) and, once granted, rolls the header version
//! within the negotiated mask (and any later `mining.set_version_mask`) each time it has
//! scanned [`StratumMinerConfig::nonces_per_version`] nonces, before taking the next
//! extranonce2, as ASICs roll versions to spare a coinbase hash.
//!
//! It subscribes to extranonce changes (`mining.extranonce.subscribe`) unless told not
//! to, and takes a `mining.set_extranonce` from the next `mining.notify` on, as NiceHash's
//! specification of the extension says.
//!
//! With zero threads it only follows jobs, which is how benchmarks time job delivery.
//! A server line longer than [`MAX_SERVER_LINE`] drops the connection (then the miner
//! reconnects) instead of being buffered.

mod hasher;
mod lines;
mod session;

pub use lines::MAX_SERVER_LINE;

use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tracing::warn;
use venture_pow::{PowAlgorithm, Target};

/// How the miner runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StratumMinerConfig {
    /// `host:port` of the Stratum server.
    pub server: String,
    pub user: String,
    pub password: String,
    pub threads: usize,
    pub pow: PowAlgorithm,
    /// Appends one line per `mining.notify`: receipt time (Unix ms), job id, previous
    /// block hash (explorer order), clean flag.
    pub job_log: Option<PathBuf>,
    /// The version bits this miner offers to roll (`None`: it never asks).
    pub version_rolling_mask: Option<u32>,
    /// Nonces scanned per header version when rolling: [`FULL_NONCE_RANGE`] rolls only
    /// once the nonce space is exhausted; fewer makes rolled shares common at once.
    pub nonces_per_version: u64,
    /// Sends `mining.extranonce.subscribe` (NiceHash's extension) after subscribing, so
    /// the pool may change extranonce1 with `mining.set_extranonce`; off for pools that
    /// drop connections on methods they do not know.
    pub extranonce_subscribe: bool,
}

/// Every nonce: 2^32.
pub const FULL_NONCE_RANGE: u64 = 1 << 32;

/// Counters, readable while the miner runs.
#[derive(Debug, Default)]
pub struct StratumMinerStats {
    pub hashes: AtomicU64,
    pub jobs: AtomicU64,
    pub shares_submitted: AtomicU64,
    pub shares_accepted: AtomicU64,
    pub shares_rejected: AtomicU64,
    pub connections: AtomicU64,
}

/// Work built from one notify at the current difficulty.
#[derive(Debug, Clone)]
struct Work {
    job_id: String,
    extranonce1: Vec<u8>,
    extranonce2_size: usize,
    coinb1: Vec<u8>,
    coinb2: Vec<u8>,
    branch: Vec<[u8; 32]>,
    version: u32,
    /// Header order (internal bytes).
    prev_hash: [u8; 32],
    bits: u32,
    ntime: u32,
    target: Target,
    /// The negotiated version-rolling mask, if version rolling is on.
    version_mask: Option<u32>,
}

/// What the connection and the hashing threads share.
struct Shared {
    config: StratumMinerConfig,
    stop: AtomicBool,
    /// The current work and its generation (bumped on every change).
    work: Mutex<Option<(u64, Arc<Work>)>>,
    generation: AtomicU64,
    writer: Mutex<Option<TcpStream>>,
    next_id: AtomicU64,
    stats: StratumMinerStats,
}

impl Shared {
    fn new(config: StratumMinerConfig) -> Shared {
        Shared {
            config,
            stop: AtomicBool::new(false),
            work: Mutex::new(None),
            generation: AtomicU64::new(0),
            writer: Mutex::new(None),
            next_id: AtomicU64::new(10),
            stats: StratumMinerStats::default(),
        }
    }

    fn set_work(&self, work: Option<Work>) {
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        if let Ok(mut slot) = self.work.lock() {
            *slot = work.map(|w| (generation, Arc::new(w)));
        }
    }

    fn current(&self) -> Option<(u64, Arc<Work>)> {
        self.work.lock().ok().and_then(|w| w.clone())
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// A running miner; dropping it stops it.
pub struct StratumMiner {
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
    started: Instant,
}

impl StratumMiner {
    /// Starts the connection thread and `config.threads` hashing threads.
    pub fn start(config: StratumMinerConfig) -> std::io::Result<StratumMiner> {
        let threads = config.threads;
        let shared = Arc::new(Shared::new(config));
        let mut handles = Vec::new();
        let connection = shared.clone();
        handles.push(
            std::thread::Builder::new()
                .name("stratum-client".into())
                .spawn(move || session::run(&connection))?,
        );
        for index in 0..threads {
            let worker = shared.clone();
            handles.push(
                std::thread::Builder::new()
                    .name(format!("stratum-hash-{index}"))
                    .spawn(move || hasher::run(&worker, index))?,
            );
        }
        Ok(StratumMiner {
            shared,
            threads: handles,
            started: Instant::now(),
        })
    }

    pub fn stats(&self) -> &StratumMinerStats {
        &self.shared.stats
    }

    /// Average hashes per second since start.
    pub fn hashrate(&self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.shared.stats.hashes.load(Ordering::Relaxed) as f64 / secs
    }

    /// Stops and joins every thread.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        // Unblocks the connection thread's read.
        if let Ok(writer) = self.shared.writer.lock() {
            if let Some(stream) = writer.as_ref() {
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        }
        for handle in self.threads.drain(..) {
            if handle.join().is_err() {
                warn!("a miner thread panicked");
            }
        }
    }
}

impl Drop for StratumMiner {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Feeds `bytes`, as a pool would send them, through the miner's line framing and
/// message handling, with no socket and no hashing thread, and returns the 80-byte header
/// (nonce 0) the first hashing thread would start from for the resulting work, if any.
///
/// A pool's lines are untrusted input; this is how tests and fuzzing reach their
/// decoding without a server. An error is what would have closed the connection.
pub fn replay_pool_bytes(pow: PowAlgorithm, bytes: &[u8]) -> std::io::Result<Option<[u8; 80]>> {
    let shared = Shared::new(StratumMinerConfig {
        server: String::new(),
        user: "replay".into(),
        password: String::new(),
        threads: 0,
        pow,
        job_log: None,
        version_rolling_mask: None,
        nonces_per_version: FULL_NONCE_RANGE,
        extranonce_subscribe: true,
    });
    session::follow(&shared, &mut session::Connection::new(), bytes)?;
    Ok(shared.current().map(|(_, work)| {
        let extranonce2 = hasher::extranonce2(0, 0, work.extranonce2_size);
        hasher::header_bytes(&work, &extranonce2, work.version)
    }))
}

/// Sleeps up to `pause`, in slices, returning early when stopping.
fn nap(shared: &Shared, pause: Duration) {
    let until = Instant::now() + pause;
    while !shared.stopping() {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBSCRIBED: &str =
        r#"{"id":1,"result":[[["mining.notify","1"]],"00000001",4],"error":null}"#;
    const NOTIFY: &str = r#"{"id":null,"method":"mining.notify","params":["j1","0101010101010101010101010101010101010101010101010101010101010101","01","02",[],"20000000","207fffff","6553f100",true]}"#;

    /// The work a pool's bytes leave the miner with.
    fn work_after(bytes: &str) -> Option<Arc<Work>> {
        let shared = Shared::new(StratumMinerConfig {
            server: String::new(),
            user: "replay".into(),
            password: String::new(),
            threads: 0,
            pow: PowAlgorithm::Sha256d,
            job_log: None,
            version_rolling_mask: Some(0x1fff_e000),
            nonces_per_version: FULL_NONCE_RANGE,
            extranonce_subscribe: true,
        });
        session::follow(&shared, &mut session::Connection::new(), bytes.as_bytes()).unwrap();
        shared.current().map(|(_, work)| work)
    }

    fn mask_after(bytes: &str) -> Option<u32> {
        work_after(bytes).and_then(|work| work.version_mask)
    }

    #[test]
    fn a_new_extranonce_applies_from_the_next_job() {
        const SET: &str = r#"{"id":null,"method":"mining.set_extranonce","params":["0800000a",2]}"#;
        let session = |lines: &[&str]| lines.join("\n") + "\n";
        // The job in hand keeps the extranonce1 its shares were made for.
        let before = work_after(&session(&[SUBSCRIBED, NOTIFY, SET])).unwrap();
        assert_eq!(before.extranonce1, [0, 0, 0, 1]);
        assert_eq!(before.extranonce2_size, 4);
        // The next notify, even one repeating the job id, switches to the new one.
        let after = work_after(&session(&[SUBSCRIBED, NOTIFY, SET, NOTIFY])).unwrap();
        assert_eq!(after.extranonce1, [8, 0, 0, 0x0a]);
        assert_eq!(after.extranonce2_size, 2);
        assert_eq!(after.job_id, "j1");
        // A malformed one changes nothing.
        let bad = r#"{"id":null,"method":"mining.set_extranonce","params":["zz",2]}"#;
        let kept = work_after(&session(&[SUBSCRIBED, NOTIFY, bad, NOTIFY])).unwrap();
        assert_eq!(kept.extranonce1, [0, 0, 0, 1]);
    }

    #[test]
    fn version_rolling_follows_the_grant_and_later_masks() {
        const GRANTED: &str = r#"{"id":3,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"},"error":null}"#;
        const REFUSED: &str = r#"{"id":3,"result":{"version-rolling":false},"error":null}"#;
        const NEW_MASK: &str =
            r#"{"id":null,"method":"mining.set_version_mask","params":["00006000"]}"#;
        let session = |lines: &[&str]| lines.join("\n") + "\n";
        assert_eq!(
            mask_after(&session(&[GRANTED, SUBSCRIBED, NOTIFY])),
            Some(0x1fff_e000)
        );
        assert_eq!(
            mask_after(&session(&[GRANTED, SUBSCRIBED, NOTIFY, NEW_MASK])),
            Some(0x6000)
        );
        // Refused, or a mask notification without a grant: the job's version only.
        assert_eq!(mask_after(&session(&[REFUSED, SUBSCRIBED, NOTIFY])), None);
        assert_eq!(mask_after(&session(&[SUBSCRIBED, NOTIFY, NEW_MASK])), None);
        // Bits this miner did not offer, or none at all: not a grant, and a later mask
        // like that ends rolling.
        for bad in ["ffffffff", "00000000"] {
            let granted = GRANTED.replace("1fffe000", bad);
            assert_eq!(mask_after(&session(&[&granted, SUBSCRIBED, NOTIFY])), None);
            let later = NEW_MASK.replace("00006000", bad);
            assert_eq!(
                mask_after(&session(&[GRANTED, SUBSCRIBED, NOTIFY, &later])),
                None
            );
        }
    }

    #[test]
    fn a_pool_session_becomes_work() {
        let bytes = format!("{SUBSCRIBED}\r\n{NOTIFY}\n");
        let header = replay_pool_bytes(PowAlgorithm::Sha256d, bytes.as_bytes())
            .unwrap()
            .expect("work after subscribe and notify");
        assert_eq!(header[0..4], 0x2000_0000u32.to_le_bytes());
        assert_eq!(header[72..76], 0x207f_ffffu32.to_le_bytes());
        // Without a subscription there is no extranonce1, so no work.
        assert_eq!(
            replay_pool_bytes(PowAlgorithm::Sha256d, NOTIFY.as_bytes()).unwrap(),
            None
        );
        // A line past the limit ends the connection.
        let endless = vec![b'x'; MAX_SERVER_LINE + 1];
        assert!(replay_pool_bytes(PowAlgorithm::Sha256d, &endless).is_err());
    }
}
