//! The node's metrics as Prometheus reads them: names, labels, values.

use super::*;
use prometheus_client::encoding::text::encode;

fn encoded(registry: &Registry) -> String {
    let mut text = String::new();
    encode(&mut text, registry).unwrap();
    text
}

fn snapshot() -> NodeSnapshot {
    NodeSnapshot {
        height: 120,
        headers: 130,
        peers_inbound: 2,
        peers_outbound: 3,
        banned: 1,
        mempool_transactions: 4,
        mempool_bytes: 900,
        mempool_min_fee_rate: 1_000,
        store_bytes: 5_000_000,
        recent_blocks: 100,
        recent_merge_mined: 73,
        allocation: Some(AllocationSnapshot {
            epochs_settled: 2,
            paid: 40,
            carried: 7,
            remaining: 60,
        }),
    }
}

#[test]
fn a_snapshot_is_exposed_under_the_venture_prefix() {
    let mut registry = Registry::default();
    let metrics = NodeMetrics::register(&mut registry, true);
    metrics.update(&snapshot());
    let text = encoded(&registry);
    for line in [
        "venture_chain_height 120",
        "venture_chain_headers 130",
        "venture_peers{direction=\"inbound\"} 2",
        "venture_peers{direction=\"outbound\"} 3",
        "venture_peers_banned 1",
        "venture_mempool_transactions 4",
        "venture_mempool_bytes 900",
        "venture_mempool_min_fee_rate_sat_per_kvb 1000",
        "venture_store_bytes 5000000",
        "venture_merge_mined_ratio 0.73",
        "venture_allocation_epochs_settled 2",
        "venture_allocation_paid_satoshis 40",
        "venture_allocation_carried_satoshis 7",
        "venture_allocation_remaining_satoshis 60",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing `{line}` in:\n{text}"
        );
    }
}

#[test]
fn connections_and_reorganisations_are_counted() {
    let mut registry = Registry::default();
    let metrics = NodeMetrics::register(&mut registry, false);
    metrics.block_connected(Duration::from_millis(3));
    metrics.block_connected(Duration::from_millis(40));
    metrics.reorganized(1);
    metrics.reorganized(6);
    let text = encoded(&registry);
    assert!(
        text.contains("venture_block_connect_seconds_count 2"),
        "{text}"
    );
    assert!(text.contains("venture_reorgs_total 2"), "{text}");
    assert!(text.contains("venture_reorg_depth_sum 7.0"), "{text}");
    // Depth 6 is above the bucket of 4 and within the bucket of 8.
    assert!(
        text.contains("venture_reorg_depth_bucket{le=\"4.0\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("venture_reorg_depth_bucket{le=\"8.0\"} 2"),
        "{text}"
    );
    // A chain without an allocation has no allocation metrics.
    assert!(!text.contains("allocation"), "{text}");
}

#[test]
fn no_blocks_yet_is_a_zero_share_not_a_division_by_zero() {
    let mut registry = Registry::default();
    let metrics = NodeMetrics::register(&mut registry, false);
    metrics.update(&NodeSnapshot::default());
    assert!(encoded(&registry)
        .lines()
        .any(|l| l == "venture_merge_mined_ratio 0.0"));
}
