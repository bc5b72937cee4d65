//! Prometheus metrics for operators: the node's gauges, counters and histograms
//! ([`NodeMetrics`]) and the HTTP endpoint that serves a registry at `/metrics`
//! ([`serve`]) in the OpenMetrics text format Prometheus scrapes.
//!
//! Values a node already holds (tip, peers, mempool, store size, the venture
//! allocation) are read when a scrape arrives, through a refresh hook the caller
//! gives; events (blocks connected, reorganisations) are counted as they happen.
//! Nothing here knows the chain's types: the node fills a [`NodeSnapshot`]. The
//! endpoint bounds its connections and their time (see [`serve`]).

mod node;
mod server;

pub use node::{AllocationSnapshot, NodeMetrics, NodeSnapshot, MERGE_MINED_WINDOW};
pub use prometheus_client::registry::Registry;
pub use server::{serve, Refresh, MAX_CONNECTIONS, REQUEST_TIMEOUT};
