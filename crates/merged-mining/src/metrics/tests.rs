//! The coordinator's counters as Prometheus reads them.

use super::*;
use prometheus_client::encoding::text::encode;
use std::time::Duration;

fn scrape(stats: &Arc<Stats>) -> String {
    let mut registry = Registry::default();
    register(&mut registry, stats.clone());
    let mut text = String::new();
    encode(&mut text, &registry).unwrap();
    text
}

fn has(text: &str, line: &str) -> bool {
    text.lines().any(|l| l == line)
}

#[test]
fn shares_blocks_nodes_and_workers_are_exposed() {
    let stats = Arc::new(Stats::new(2));
    stats.shares_accepted.store(7, Ordering::Relaxed);
    stats.shares_stale.store(2, Ordering::Relaxed);
    stats.parent.up.store(true, Ordering::Relaxed);
    stats.parent.submitted.store(3, Ordering::Relaxed);
    stats.parent.accepted.store(2, Ordering::Relaxed);
    stats.aux[1].height.store(42, Ordering::Relaxed);
    stats.aux[1].rejected.store(1, Ordering::Relaxed);
    stats.credit_worker("alice.rig1", 1024.0);
    stats.credit_worker("alice.rig1", 512.0);
    let text = scrape(&stats);
    for line in [
        "venture_mm_shares_total{result=\"accepted\"} 7",
        "venture_mm_shares_total{result=\"stale\"} 2",
        "venture_mm_shares_total{result=\"invalid\"} 0",
        "venture_mm_node_up{chain=\"parent\"} 1",
        "venture_mm_node_up{chain=\"aux0\"} 0",
        "venture_mm_chain_height{chain=\"aux1\"} 42",
        "venture_mm_blocks_total{chain=\"parent\",result=\"submitted\"} 3",
        "venture_mm_blocks_total{chain=\"parent\",result=\"accepted\"} 2",
        "venture_mm_blocks_total{chain=\"aux1\",result=\"rejected\"} 1",
        "venture_mm_worker_shares_total{worker=\"alice.rig1\"} 2",
        "venture_mm_worker_difficulty_total{worker=\"alice.rig1\"} 1536.0",
        "venture_mm_parent_template_unusable 0",
        "venture_mm_parent_unbuildable_total 0",
    ] {
        assert!(has(&text, line), "missing `{line}` in:\n{text}");
    }
    // No samples yet: no quantile is made up.
    assert!(!text.contains("venture_mm_job_latency_seconds{"), "{text}");
}

#[test]
fn latencies_are_quantiles_in_seconds() {
    let stats = Arc::new(Stats::new(0));
    for ms in 1..=100 {
        stats.job_latency.record(Duration::from_millis(ms));
    }
    let text = scrape(&stats);
    // Nearest rank over 100 samples of 1..=100 ms: 0.5 → the 51st, 0.9 → the 90th.
    assert!(
        has(
            &text,
            "venture_mm_job_latency_seconds{quantile=\"0.5\"} 0.051"
        ),
        "{text}"
    );
    assert!(
        has(
            &text,
            "venture_mm_job_latency_seconds{quantile=\"0.9\"} 0.09"
        ),
        "{text}"
    );
}
