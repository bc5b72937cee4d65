//! The node's metrics: what operators of Bitcoin Core–family nodes chart (tip,
//! headers, peers, bans, mempool, block connection time, reorganisations, disk) and
//! what a Venture launch adds (the merge-mined share, the venture allocation).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::AtomicU64;
use std::time::Duration;

/// Blocks over which the merge-mined share is measured.
pub const MERGE_MINED_WINDOW: u32 = 100;

/// What the node holds when a scrape arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeSnapshot {
    pub height: u32,
    /// Height of the best header known (ahead of `height` while syncing).
    pub headers: u32,
    pub peers_inbound: usize,
    pub peers_outbound: usize,
    pub banned: usize,
    pub mempool_transactions: usize,
    pub mempool_bytes: u64,
    /// Fee rate below which a transaction would not get in now, satoshis per kvB.
    pub mempool_min_fee_rate: u64,
    pub store_bytes: u64,
    /// Of the last [`MERGE_MINED_WINDOW`] blocks: how many there are, how many were
    /// merge-mined.
    pub recent_blocks: u32,
    pub recent_merge_mined: u32,
    /// The venture allocation, on chains that have one.
    pub allocation: Option<AllocationSnapshot>,
}

/// The venture allocation's totals, in satoshis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllocationSnapshot {
    pub epochs_settled: u32,
    pub paid: u64,
    pub carried: u64,
    pub remaining: u64,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Direction {
    direction: &'static str,
}

/// The node's metrics, registered under the `venture_` prefix.
#[derive(Debug, Clone)]
pub struct NodeMetrics {
    height: Gauge,
    headers: Gauge,
    peers: Family<Direction, Gauge>,
    banned: Gauge,
    mempool_transactions: Gauge,
    mempool_bytes: Gauge,
    mempool_min_fee_rate: Gauge,
    store_bytes: Gauge,
    merge_mined_ratio: Gauge<f64, AtomicU64>,
    block_connect: Histogram,
    reorgs: Counter,
    reorg_depth: Histogram,
    allocation_epochs_settled: Gauge,
    allocation_paid: Gauge,
    allocation_carried: Gauge,
    allocation_remaining: Gauge,
}

impl NodeMetrics {
    /// Creates the metrics and registers them in `registry` under `venture_`.
    /// The allocation's metrics are registered only when `has_allocation`.
    pub fn register(registry: &mut Registry, has_allocation: bool) -> NodeMetrics {
        let metrics = NodeMetrics {
            height: Gauge::default(),
            headers: Gauge::default(),
            peers: Family::default(),
            banned: Gauge::default(),
            mempool_transactions: Gauge::default(),
            mempool_bytes: Gauge::default(),
            mempool_min_fee_rate: Gauge::default(),
            store_bytes: Gauge::default(),
            merge_mined_ratio: Gauge::default(),
            // 0.5 ms to about 4 s.
            block_connect: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
            reorgs: Counter::default(),
            // 1 to 512 blocks.
            reorg_depth: Histogram::new(exponential_buckets(1.0, 2.0, 10)),
            allocation_epochs_settled: Gauge::default(),
            allocation_paid: Gauge::default(),
            allocation_carried: Gauge::default(),
            allocation_remaining: Gauge::default(),
        };
        let r = registry.sub_registry_with_prefix("venture");
        r.register(
            "chain_height",
            "Height of the active chain's tip",
            metrics.height.clone(),
        );
        r.register(
            "chain_headers",
            "Height of the best header known",
            metrics.headers.clone(),
        );
        r.register(
            "peers",
            "Connected peers by direction",
            metrics.peers.clone(),
        );
        r.register(
            "peers_banned",
            "Peers and addresses banned",
            metrics.banned.clone(),
        );
        r.register(
            "mempool_transactions",
            "Transactions in the mempool",
            metrics.mempool_transactions.clone(),
        );
        r.register_with_unit(
            "mempool",
            "Virtual size of the mempool's transactions",
            Unit::Bytes,
            metrics.mempool_bytes.clone(),
        );
        r.register(
            "mempool_min_fee_rate_sat_per_kvb",
            "Fee rate below which a transaction would not enter the mempool now",
            metrics.mempool_min_fee_rate.clone(),
        );
        r.register_with_unit(
            "store",
            "Size of the chain database on disk",
            Unit::Bytes,
            metrics.store_bytes.clone(),
        );
        r.register(
            "merge_mined_ratio",
            "Share of the last 100 blocks that were merge-mined",
            metrics.merge_mined_ratio.clone(),
        );
        r.register_with_unit(
            "block_connect",
            "Time to validate and write a block that becomes the tip",
            Unit::Seconds,
            metrics.block_connect.clone(),
        );
        r.register(
            "reorgs",
            "Reorganisations of the active chain",
            metrics.reorgs.clone(),
        );
        r.register(
            "reorg_depth",
            "Blocks left by each reorganisation",
            metrics.reorg_depth.clone(),
        );
        if has_allocation {
            r.register(
                "allocation_epochs_settled",
                "Venture allocation epochs settled",
                metrics.allocation_epochs_settled.clone(),
            );
            r.register(
                "allocation_paid_satoshis",
                "Venture allocation paid by all settlements so far",
                metrics.allocation_paid.clone(),
            );
            r.register(
                "allocation_carried_satoshis",
                "Venture allocation carried into the next epoch",
                metrics.allocation_carried.clone(),
            );
            r.register(
                "allocation_remaining_satoshis",
                "Venture allocation not paid yet",
                metrics.allocation_remaining.clone(),
            );
        }
        metrics
    }

    /// Sets the values read on demand.
    pub fn update(&self, snapshot: &NodeSnapshot) {
        self.height.set(i64::from(snapshot.height));
        self.headers.set(i64::from(snapshot.headers));
        for (direction, count) in [
            ("inbound", snapshot.peers_inbound),
            ("outbound", snapshot.peers_outbound),
        ] {
            self.peers
                .get_or_create(&Direction { direction })
                .set(saturating_i64(count as u64));
        }
        self.banned.set(saturating_i64(snapshot.banned as u64));
        self.mempool_transactions
            .set(saturating_i64(snapshot.mempool_transactions as u64));
        self.mempool_bytes
            .set(saturating_i64(snapshot.mempool_bytes));
        self.mempool_min_fee_rate
            .set(saturating_i64(snapshot.mempool_min_fee_rate));
        self.store_bytes.set(saturating_i64(snapshot.store_bytes));
        let ratio = match snapshot.recent_blocks {
            0 => 0.0,
            n => f64::from(snapshot.recent_merge_mined) / f64::from(n),
        };
        self.merge_mined_ratio.set(ratio);
        if let Some(allocation) = snapshot.allocation {
            self.allocation_epochs_settled
                .set(i64::from(allocation.epochs_settled));
            self.allocation_paid.set(saturating_i64(allocation.paid));
            self.allocation_carried
                .set(saturating_i64(allocation.carried));
            self.allocation_remaining
                .set(saturating_i64(allocation.remaining));
        }
    }

    /// A block became the tip after `elapsed`.
    pub fn block_connected(&self, elapsed: Duration) {
        self.block_connect.observe(elapsed.as_secs_f64());
    }

    /// The active chain left `depth` blocks for a heavier branch.
    pub fn reorganized(&self, depth: u32) {
        self.reorgs.inc();
        self.reorg_depth.observe(f64::from(depth));
    }
}

fn saturating_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
