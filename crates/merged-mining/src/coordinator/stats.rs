//! Counters and latency samples of a running coordinator, for operators and benchmarks.

use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Samples kept per latency series (the most recent ones).
const MAX_SAMPLES: usize = 4_096;
/// Workers counted by name; any further names (any name is accepted) share one entry.
const MAX_WORKERS: usize = 10_000;
const OTHER_WORKERS: &str = "(other)";

/// A series of latencies, in milliseconds.
#[derive(Debug, Default)]
pub struct Latencies {
    samples: Mutex<VecDeque<f64>>,
    total: AtomicU64,
}

impl Latencies {
    pub fn record(&self, latency: Duration) {
        self.total.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut samples) = self.samples.lock() {
            if samples.len() == MAX_SAMPLES {
                samples.pop_front();
            }
            samples.push_back(latency.as_secs_f64() * 1e3);
        }
    }

    /// The kept samples, in order.
    fn sorted(&self) -> Vec<f64> {
        let mut samples: Vec<f64> = self
            .samples
            .lock()
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        samples.sort_by(f64::total_cmp);
        samples
    }

    /// The `p` quantile (0 to 1) of the kept samples, in ms; `None` without samples.
    pub fn percentile_ms(&self, p: f64) -> Option<f64> {
        nearest_rank(&self.sorted(), p)
    }

    /// Count, mean and percentiles (ms) of the kept samples.
    pub fn summary(&self) -> Value {
        let samples = self.sorted();
        let percentile = |p: f64| -> Value { json!(nearest_rank(&samples, p)) };
        let mean =
            (!samples.is_empty()).then(|| samples.iter().sum::<f64>() / samples.len() as f64);
        json!({
            "count": self.total.load(Ordering::Relaxed),
            "mean_ms": mean,
            "p50_ms": percentile(0.5),
            "p90_ms": percentile(0.9),
            "p99_ms": percentile(0.99),
            "max_ms": percentile(1.0),
        })
    }
}

/// The sample at rank `p` of sorted `samples`, rounded to the nearest.
fn nearest_rank(samples: &[f64], p: f64) -> Option<f64> {
    let rank = ((samples.len().checked_sub(1)?) as f64 * p).round() as usize;
    samples.get(rank).copied()
}

/// Per-chain counters (the parent, or one aux chain).
#[derive(Debug, Default)]
pub struct ChainStats {
    /// Whether the node answered its last poll.
    pub up: AtomicBool,
    /// The chain id (aux chains, once known).
    pub chain_id: AtomicI64,
    /// Height of the block currently being mined.
    pub height: AtomicU64,
    pub submitted: AtomicU64,
    pub accepted: AtomicU64,
    /// Not added because the node had moved on (a second block on a tip already
    /// extended, an aux block no longer current): normal in a race.
    pub stale: AtomicU64,
    /// Refused as invalid by the node: look at the coordinator's log.
    pub rejected: AtomicU64,
    /// Could not be delivered (node down).
    pub errors: AtomicU64,
    /// Distinct blocks (tips) the coordinator has mined on.
    pub updates: AtomicU64,
}

impl ChainStats {
    fn to_json(&self, url: &str) -> Value {
        json!({
            "url": url,
            "up": self.up.load(Ordering::Relaxed),
            "chain_id": self.chain_id.load(Ordering::Relaxed),
            "height": self.height.load(Ordering::Relaxed),
            "updates": self.updates.load(Ordering::Relaxed),
            "submitted": self.submitted.load(Ordering::Relaxed),
            "accepted": self.accepted.load(Ordering::Relaxed),
            "stale": self.stale.load(Ordering::Relaxed),
            "rejected": self.rejected.load(Ordering::Relaxed),
            "errors": self.errors.load(Ordering::Relaxed),
        })
    }
}

/// One worker's accepted shares.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct WorkerShares {
    pub shares: u64,
    /// The sum of the accepted shares' difficulties (what pools pay by).
    pub difficulty: f64,
}

/// Everything the coordinator counts.
#[derive(Debug)]
pub struct Stats {
    pub started: Instant,
    pub connections: AtomicI64,
    /// Connections closed on arrival because the server was at its connection cap.
    pub connections_refused: AtomicU64,
    pub shares_accepted: AtomicU64,
    pub shares_stale: AtomicU64,
    pub shares_duplicate: AtomicU64,
    pub shares_low_difficulty: AtomicU64,
    pub shares_invalid: AtomicU64,
    pub jobs: AtomicU64,
    pub clean_jobs: AtomicU64,
    pub parent: ChainStats,
    pub aux: Vec<ChainStats>,
    /// From a poll reply showing new work to the job being published.
    pub job_latency: Latencies,
    /// From a share's arrival to the parent accepting its block.
    pub share_to_parent_block: Latencies,
    /// From a share's arrival to an aux chain accepting its AuxPoW block.
    pub share_to_aux_block: Latencies,
    pub workers: Mutex<BTreeMap<String, WorkerShares>>,
    /// Why the parent's current template cannot make parent blocks (unusable MWEB data,
    /// or a reply that could not be read); `None` when it can.
    pub parent_template_error: Mutex<Option<String>>,
    /// Parent solutions not submitted because their template could not make a block.
    pub parent_unbuildable: AtomicU64,
}

impl Stats {
    pub fn new(aux_chains: usize) -> Stats {
        Stats {
            started: Instant::now(),
            connections: AtomicI64::new(0),
            connections_refused: AtomicU64::new(0),
            shares_accepted: AtomicU64::new(0),
            shares_stale: AtomicU64::new(0),
            shares_duplicate: AtomicU64::new(0),
            shares_low_difficulty: AtomicU64::new(0),
            shares_invalid: AtomicU64::new(0),
            jobs: AtomicU64::new(0),
            clean_jobs: AtomicU64::new(0),
            parent: ChainStats::default(),
            aux: (0..aux_chains).map(|_| ChainStats::default()).collect(),
            job_latency: Latencies::default(),
            share_to_parent_block: Latencies::default(),
            share_to_aux_block: Latencies::default(),
            workers: Mutex::new(BTreeMap::new()),
            parent_template_error: Mutex::new(None),
            parent_unbuildable: AtomicU64::new(0),
        }
    }

    /// Sets why parent blocks cannot be built (`None`: they can); returns the previous
    /// reason.
    pub fn set_parent_template_error(&self, problem: Option<&str>) -> Option<String> {
        let mut current = self
            .parent_template_error
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::replace(&mut *current, problem.map(str::to_string))
    }

    /// Credits `worker` with an accepted share of `difficulty`.
    pub fn credit_worker(&self, worker: &str, difficulty: f64) {
        let Ok(mut workers) = self.workers.lock() else {
            return;
        };
        let name = if workers.len() < MAX_WORKERS || workers.contains_key(worker) {
            worker
        } else {
            OTHER_WORKERS
        };
        let entry = workers.entry(name.to_string()).or_default();
        entry.shares += 1;
        entry.difficulty += difficulty;
    }

    /// A JSON snapshot; `parent_url` and `aux_urls` label the chains.
    pub fn to_json(&self, parent_url: &str, aux_urls: &[String]) -> Value {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let mut parent = self.parent.to_json(parent_url);
        parent["template_error"] = json!(*self
            .parent_template_error
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()));
        parent["unbuildable"] = json!(load(&self.parent_unbuildable));
        json!({
            "uptime_s": self.started.elapsed().as_secs_f64(),
            "connections": self.connections.load(Ordering::Relaxed),
            "connections_refused": load(&self.connections_refused),
            "shares": {
                "accepted": load(&self.shares_accepted),
                "stale": load(&self.shares_stale),
                "duplicate": load(&self.shares_duplicate),
                "low_difficulty": load(&self.shares_low_difficulty),
                "invalid": load(&self.shares_invalid),
            },
            "jobs": load(&self.jobs),
            "clean_jobs": load(&self.clean_jobs),
            "parent": parent,
            "aux": self
                .aux
                .iter()
                .enumerate()
                .map(|(i, chain)| chain.to_json(aux_urls.get(i).map_or("", String::as_str)))
                .collect::<Vec<_>>(),
            "workers": self
                .workers
                .lock()
                .map(|workers| {
                    workers
                        .iter()
                        .map(|(name, w)| {
                            (name.clone(), json!({ "shares": w.shares, "difficulty": w.difficulty }))
                        })
                        .collect::<serde_json::Map<_, _>>()
                })
                .unwrap_or_default(),
            "latency": {
                "job_update": self.job_latency.summary(),
                "share_to_parent_block": self.share_to_parent_block.summary(),
                "share_to_aux_block": self.share_to_aux_block.summary(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reports_percentiles() {
        let latencies = Latencies::default();
        assert_eq!(latencies.summary()["p50_ms"], Value::Null);
        for ms in 1..=100 {
            latencies.record(Duration::from_millis(ms));
        }
        let summary = latencies.summary();
        assert_eq!(summary["count"], 100);
        assert_eq!(summary["p50_ms"], 51.0);
        assert_eq!(summary["max_ms"], 100.0);
    }

    #[test]
    fn workers_are_credited_by_name() {
        let stats = Stats::new(0);
        stats.credit_worker("alice", 0.5);
        stats.credit_worker("alice", 0.25);
        let json = stats.to_json("parent", &[]);
        assert_eq!(json["workers"]["alice"]["shares"], 2);
        assert_eq!(json["workers"]["alice"]["difficulty"], 0.75);
    }
}
