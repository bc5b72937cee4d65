//! `--metrics ADDR`: the node's Prometheus endpoint. The chain reports connections and
//! reorganisations as they happen; the rest is read from the chain, the mempool, the
//! store and the network when Prometheus scrapes.

use crate::datadir;
use anyhow::{Context, Result};
use futures::FutureExt;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use venture_chain::ChainObserver;
use venture_mempool::SharedMempool;
use venture_metrics::{
    AllocationSnapshot, NodeMetrics, NodeSnapshot, Refresh, Registry, MERGE_MINED_WINDOW,
};
use venture_network::NetworkHandle;
use venture_rpc::SharedChain;

/// Scrapes closer together than this are answered with the values already read: a
/// flood of requests on the metrics port reads the chain, the mempool and the disk at
/// most this often. Events (blocks connected, reorganisations) are always current.
const MIN_REFRESH_INTERVAL: Duration = Duration::from_millis(500);

/// The chain's events, counted.
struct ChainCounters(NodeMetrics);

impl ChainObserver for ChainCounters {
    fn block_connected(&self, elapsed: Duration) {
        self.0.block_connected(elapsed);
    }

    fn reorganized(&self, depth: u32) {
        self.0.reorganized(depth);
    }
}

/// Binds `addr`, registers the node's metrics next to what `registry` holds (libp2p's),
/// hooks them into the chain and serves them until the runtime stops. Returns the bound
/// address, also written to the data directory.
pub async fn start(
    addr: SocketAddr,
    mut registry: Registry,
    dir: &Path,
    chain: SharedChain,
    mempool: SharedMempool,
    network: NetworkHandle,
) -> Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for metrics on {addr}"))?;
    let bound = listener.local_addr()?;
    std::fs::write(datadir::metrics_addr_file(dir), bound.to_string())?;
    let metrics = {
        let mut chain = chain
            .lock()
            .map_err(|_| anyhow::anyhow!("chain state lock poisoned"))?;
        let metrics = NodeMetrics::register(&mut registry, chain.params().spec.venture.is_some());
        chain.set_observer(Arc::new(ChainCounters(metrics.clone())));
        metrics
    };
    // When the values were last read. Held across a refresh, so that scrapes arriving
    // together read the node once.
    let last_read = Arc::new(tokio::sync::Mutex::new(None::<Instant>));
    let refresh: Refresh = Arc::new(move || {
        let (metrics, chain, mempool, network, last_read) = (
            metrics.clone(),
            chain.clone(),
            mempool.clone(),
            network.clone(),
            last_read.clone(),
        );
        async move {
            let mut last_read = last_read.lock().await;
            if last_read.is_some_and(|at| at.elapsed() < MIN_REFRESH_INTERVAL) {
                return;
            }
            match snapshot(chain, mempool, &network).await {
                Ok(snapshot) => metrics.update(&snapshot),
                Err(e) => tracing::warn!("metrics not refreshed: {e:#}"),
            }
            *last_read = Some(Instant::now());
        }
        .boxed()
    });
    tokio::spawn(venture_metrics::serve(
        listener,
        Arc::new(registry),
        refresh,
    ));
    Ok(bound)
}

/// What the node holds now. The chain's part is read on a blocking thread: it takes
/// the chain's lock and measures the database's files.
async fn snapshot(
    chain: SharedChain,
    mempool: SharedMempool,
    network: &NetworkHandle,
) -> Result<NodeSnapshot> {
    let mut snapshot = tokio::task::spawn_blocking(move || chain_snapshot(&chain, &mempool))
        .await
        .context("metrics reader stopped")??;
    let peers = network.peers().await?;
    snapshot.peers_inbound = peers.iter().filter(|p| p.inbound).count();
    snapshot.peers_outbound = peers.len() - snapshot.peers_inbound;
    snapshot.banned = network.list_banned().await?.len();
    Ok(snapshot)
}

fn chain_snapshot(chain: &SharedChain, mempool: &SharedMempool) -> Result<NodeSnapshot> {
    let pool = mempool
        .lock()
        .map_err(|_| anyhow::anyhow!("mempool lock poisoned"))?
        .info();
    let (mut snapshot, store) = {
        let chain = chain
            .lock()
            .map_err(|_| anyhow::anyhow!("chain state lock poisoned"))?;
        let (recent_blocks, recent_merge_mined) = chain.merge_mined_in_last(MERGE_MINED_WINDOW);
        let snapshot = NodeSnapshot {
            height: chain.height(),
            headers: chain
                .index()
                .best_header()
                .map_or(chain.height(), |e| e.height),
            recent_blocks,
            recent_merge_mined,
            allocation: chain.venture_totals()?.map(|t| AllocationSnapshot {
                epochs_settled: t.epochs_settled,
                paid: t.paid,
                carried: t.carried,
                remaining: t.remaining,
            }),
            ..NodeSnapshot::default()
        };
        (snapshot, chain.shared_store())
    };
    snapshot.mempool_transactions = pool.size;
    snapshot.mempool_bytes = pool.bytes;
    snapshot.mempool_min_fee_rate = pool.min_fee_rate;
    // Walking the database's files happens outside the chain's lock.
    snapshot.store_bytes = store.stats()?.disk_bytes;
    Ok(snapshot)
}
