//! The coordinator's counters for Prometheus: shares by result, blocks per chain and
//! what became of them, nodes up or down, connections, jobs, latencies and each
//! worker's accepted shares. Read from [`Stats`] at each scrape, so nothing is
//! counted twice.

use crate::coordinator::{ChainStats, Latencies, Stats};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;
use prometheus_client::registry::Registry;
use std::fmt::Error;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Registers the coordinator's metrics in `registry`, under `venture_mm_`.
pub fn register(registry: &mut Registry, stats: Arc<Stats>) {
    registry.register_collector(Box::new(StatsCollector(stats)));
}

#[derive(Debug)]
struct StatsCollector(Arc<Stats>);

fn load(counter: &AtomicU64) -> u64 {
    counter.load(Ordering::Relaxed)
}

fn counter(e: &mut DescriptorEncoder<'_>, name: &str, help: &str, value: u64) -> Result<(), Error> {
    let metric = ConstCounter::new(value);
    metric.encode(e.encode_descriptor(name, help, None, metric.metric_type())?)
}

fn gauge(e: &mut DescriptorEncoder<'_>, name: &str, help: &str, value: i64) -> Result<(), Error> {
    let metric = ConstGauge::new(value);
    metric.encode(e.encode_descriptor(name, help, None, metric.metric_type())?)
}

/// The chains by label: `parent`, then `aux0`, `aux1`, … in configuration order.
fn chains(stats: &Stats) -> Vec<(String, &ChainStats)> {
    std::iter::once(("parent".to_string(), &stats.parent))
        .chain(
            stats
                .aux
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("aux{i}"), s)),
        )
        .collect()
}

impl Collector for StatsCollector {
    fn encode(&self, mut e: DescriptorEncoder<'_>) -> Result<(), Error> {
        let stats = &self.0;
        gauge(
            &mut e,
            "venture_mm_connections",
            "Stratum connections open",
            stats.connections.load(Ordering::Relaxed),
        )?;
        counter(
            &mut e,
            "venture_mm_connections_refused",
            "Stratum connections closed on arrival at the connection cap",
            load(&stats.connections_refused),
        )?;
        counter(
            &mut e,
            "venture_mm_jobs",
            "Jobs published",
            load(&stats.jobs),
        )?;
        counter(
            &mut e,
            "venture_mm_parent_unbuildable",
            "Parent solutions withheld because the template cannot make a valid block",
            load(&stats.parent_unbuildable),
        )?;
        let template_error = stats
            .parent_template_error
            .lock()
            .map(|e| e.is_some())
            .unwrap_or(false);
        gauge(
            &mut e,
            "venture_mm_parent_template_unusable",
            "1 while the parent's template cannot make a valid block (see the log)",
            i64::from(template_error),
        )?;
        counter(
            &mut e,
            "venture_mm_clean_jobs",
            "Jobs published that made miners drop their work",
            load(&stats.clean_jobs),
        )?;

        let mut shares = e.encode_descriptor(
            "venture_mm_shares",
            "Shares by result",
            None,
            MetricType::Counter,
        )?;
        for (result, value) in [
            ("accepted", &stats.shares_accepted),
            ("stale", &stats.shares_stale),
            ("duplicate", &stats.shares_duplicate),
            ("low_difficulty", &stats.shares_low_difficulty),
            ("invalid", &stats.shares_invalid),
        ] {
            ConstCounter::new(load(value)).encode(shares.encode_family(&[("result", result)])?)?;
        }

        let chains = chains(stats);
        let mut up = e.encode_descriptor(
            "venture_mm_node_up",
            "Whether the chain's node answered its last poll (1) or not (0)",
            None,
            MetricType::Gauge,
        )?;
        for (chain, s) in &chains {
            let value = i64::from(s.up.load(Ordering::Relaxed));
            ConstGauge::new(value).encode(up.encode_family(&[("chain", chain.as_str())])?)?;
        }
        let mut height = e.encode_descriptor(
            "venture_mm_chain_height",
            "Height of the block being mined on each chain",
            None,
            MetricType::Gauge,
        )?;
        for (chain, s) in &chains {
            ConstGauge::new(load(&s.height))
                .encode(height.encode_family(&[("chain", chain.as_str())])?)?;
        }
        let mut blocks = e.encode_descriptor(
            "venture_mm_blocks",
            "Blocks submitted to each chain, and what the node made of them",
            None,
            MetricType::Counter,
        )?;
        for (chain, s) in &chains {
            for (result, value) in [
                ("submitted", &s.submitted),
                ("accepted", &s.accepted),
                ("stale", &s.stale),
                ("rejected", &s.rejected),
                ("error", &s.errors),
            ] {
                ConstCounter::new(load(value)).encode(
                    blocks.encode_family(&[("chain", chain.as_str()), ("result", result)])?,
                )?;
            }
        }

        for (name, help, latencies) in [
            (
                "venture_mm_job_latency_seconds",
                "From a poll showing new work to the job published (recent samples)",
                &stats.job_latency,
            ),
            (
                "venture_mm_share_to_parent_block_seconds",
                "From a share's arrival to the parent accepting its block (recent samples)",
                &stats.share_to_parent_block,
            ),
            (
                "venture_mm_share_to_aux_block_seconds",
                "From a share's arrival to an aux chain accepting its block (recent samples)",
                &stats.share_to_aux_block,
            ),
        ] {
            encode_quantiles(&mut e, name, help, latencies)?;
        }

        let workers: Vec<(String, u64, f64)> = stats
            .workers
            .lock()
            .map(|w| {
                w.iter()
                    .map(|(name, s)| (name.clone(), s.shares, s.difficulty))
                    .collect()
            })
            .unwrap_or_default();
        let mut worker_shares = e.encode_descriptor(
            "venture_mm_worker_shares",
            "Accepted shares per worker",
            None,
            MetricType::Counter,
        )?;
        for (worker, shares, _) in &workers {
            ConstCounter::new(*shares)
                .encode(worker_shares.encode_family(&[("worker", worker.as_str())])?)?;
        }
        let mut worker_difficulty = e.encode_descriptor(
            "venture_mm_worker_difficulty",
            "Sum of the difficulties of each worker's accepted shares (what pools pay by)",
            None,
            MetricType::Counter,
        )?;
        for (worker, _, difficulty) in &workers {
            ConstCounter::new(*difficulty)
                .encode(worker_difficulty.encode_family(&[("worker", worker.as_str())])?)?;
        }
        Ok(())
    }
}

/// A latency series as gauges per quantile over the kept samples, in seconds.
fn encode_quantiles(
    e: &mut DescriptorEncoder<'_>,
    name: &str,
    help: &str,
    latencies: &Latencies,
) -> Result<(), Error> {
    let mut family = e.encode_descriptor(name, help, None, MetricType::Gauge)?;
    for (label, q) in [("0.5", 0.5), ("0.9", 0.9), ("0.99", 0.99)] {
        if let Some(ms) = latencies.percentile_ms(q) {
            ConstGauge::new(ms / 1e3).encode(family.encode_family(&[("quantile", label)])?)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
