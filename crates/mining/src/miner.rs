//! The built-in CPU miner: worker threads mining on the tip until stopped.

use crate::{solve_header, BlockTemplate, SolveOutcome};
use bitcoin::ScriptBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tracing::{info, warn};
use venture_chain::{Chain, ProcessOutcome};
use venture_difficulty::BlockKind;
use venture_mempool::SharedMempool;

/// Nonces tried between checks for a new tip.
const NONCES_PER_ROUND: u64 = 200_000;

/// How the miner runs.
#[derive(Debug, Clone)]
pub struct MinerConfig {
    pub payout: ScriptBuf,
    pub threads: usize,
    /// Minimum pause between the previous tip and the next block (paces devnets).
    pub block_interval: Duration,
}

/// Counters the miner keeps, readable while it runs.
#[derive(Debug, Default)]
pub struct MinerStats {
    pub hashes: AtomicU64,
    pub blocks_found: AtomicU64,
}

/// A running miner; dropping it stops the threads.
pub struct Miner {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
    stats: Arc<MinerStats>,
    started: Instant,
    config: MinerConfig,
}

impl Miner {
    /// Starts `config.threads` mining threads on `chain`.
    pub fn start(chain: Arc<Mutex<Chain>>, mempool: SharedMempool, config: MinerConfig) -> Miner {
        let stop = Arc::new(AtomicBool::new(false));
        let stats = Arc::new(MinerStats::default());
        let threads = (0..config.threads.max(1))
            .map(|id| {
                let worker = Worker {
                    id: id as u64,
                    chain: chain.clone(),
                    mempool: mempool.clone(),
                    config: config.clone(),
                    stop: stop.clone(),
                    stats: stats.clone(),
                };
                std::thread::Builder::new()
                    .name(format!("miner-{id}"))
                    .spawn(move || worker.run())
            })
            .filter_map(|spawned| {
                spawned
                    .map_err(|e| warn!("cannot start a miner thread: {e}"))
                    .ok()
            })
            .collect();
        info!(threads = config.threads, "miner started");
        Miner {
            stop,
            threads,
            stats,
            started: Instant::now(),
            config,
        }
    }

    pub fn stats(&self) -> &MinerStats {
        &self.stats
    }

    pub fn threads(&self) -> usize {
        self.config.threads
    }

    /// Average hashes per second since start.
    pub fn hashrate(&self) -> f64 {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        self.stats.hashes.load(Ordering::Relaxed) as f64 / secs
    }

    /// Stops and joins the threads.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Miner {
    fn drop(&mut self) {
        self.halt();
    }
}

struct Worker {
    id: u64,
    chain: Arc<Mutex<Chain>>,
    mempool: SharedMempool,
    config: MinerConfig,
    stop: Arc<AtomicBool>,
    stats: Arc<MinerStats>,
}

impl Worker {
    /// The pause before mining on a new tip: the configured interval plus a random
    /// part of it, so that several paced miners on a devnet do not all find a block at
    /// the same instant and fork the chain at every height.
    fn paced_interval(&self) -> Duration {
        let interval = self.config.block_interval;
        if interval.is_zero() {
            return interval;
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
            ^ (self.id as u32).wrapping_mul(0x9e37_79b9);
        interval + interval.mul_f64(f64::from(nanos % 1000) / 1000.0)
    }

    fn run(self) {
        // Each thread owns a disjoint extra-nonce range, so no two threads hash the same
        // coinbase.
        let mut extra_nonce = self.id << 48;
        let mut tips = match self.chain.lock() {
            Ok(chain) => chain.subscribe(),
            Err(_) => return,
        };
        let mut tip_seen_at = Instant::now();
        let mut pause = self.paced_interval();
        while !self.stop.load(Ordering::Relaxed) {
            if tips.has_changed().unwrap_or(false) {
                tips.borrow_and_update();
                tip_seen_at = Instant::now();
                pause = self.paced_interval();
            }
            let wait = pause.saturating_sub(tip_seen_at.elapsed());
            if !wait.is_zero() {
                std::thread::sleep(wait.min(Duration::from_millis(100)));
                continue;
            }
            let (template, pow) = {
                let Ok(mut chain) = self.chain.lock() else {
                    return;
                };
                let Ok(mut mempool) = self.mempool.lock() else {
                    return;
                };
                match BlockTemplate::from_pool(
                    &mut chain,
                    &mut mempool,
                    self.config.payout.clone(),
                    BlockKind::Native,
                ) {
                    Ok(t) => (t, chain.params().spec.consensus.pow),
                    Err(e) => {
                        warn!("miner cannot build a template: {e}");
                        drop(mempool);
                        drop(chain);
                        std::thread::sleep(Duration::from_secs(1));
                        continue;
                    }
                }
            };
            extra_nonce += 1;
            let mut block = template.block(extra_nonce);
            let (outcome, hashes) = solve_header(
                &mut block.header.pure,
                pow,
                &template.context.target,
                NONCES_PER_ROUND,
                &self.stop,
            );
            self.stats.hashes.fetch_add(hashes, Ordering::Relaxed);
            if outcome != SolveOutcome::Found {
                continue;
            }
            let hash = block.block_hash();
            let Ok(mut chain) = self.chain.lock() else {
                return;
            };
            match chain.process_block(block, false) {
                Ok(ProcessOutcome::Connected) => {
                    self.stats.blocks_found.fetch_add(1, Ordering::Relaxed);
                    info!(height = template.context.height, %hash, "mined block");
                }
                Ok(_) => {}
                Err(e) => warn!(%hash, "mined block rejected: {e}"),
            }
        }
    }
}
