//! What RPC handlers can reach: the chain, the spec, and node-level controls.

use crate::RpcError;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::watch;
use venture_chain::{Chain, TipInfo};
use venture_chainspec::ChainParams;
use venture_mempool::{Mempool, SharedMempool};
use venture_mining::AuxBlockCache;
use venture_network::NetworkHandle;

/// The chain state shared between the RPC server, the miner and the network.
pub type SharedChain = Arc<Mutex<Chain>>;

/// Shared state of the RPC server.
pub struct RpcContext {
    pub chain: SharedChain,
    /// The best block as the chain publishes it: tip reads need no lock.
    pub tip: watch::Receiver<TipInfo>,
    pub mempool: SharedMempool,
    pub params: Arc<ChainParams>,
    pub started: Instant,
    /// Set to true to ask the node to shut down (`stop`).
    pub shutdown: watch::Sender<bool>,
    /// Raised at shutdown so long-running calls (`generatetoaddress`) end early.
    pub stopping: Arc<AtomicBool>,
    /// Miner counters, when the built-in miner runs: (threads, hashes per second).
    pub miner_status: Option<Arc<dyn Fn() -> (usize, f64) + Send + Sync>>,
    /// Blocks handed out for merged mining.
    pub aux_blocks: AuxBlockCache,
    /// Payout address of `getauxblock` without parameters (`--mine-address`).
    pub payout_address: Option<String>,
    /// The peer-to-peer layer, when running.
    pub network: Option<NetworkHandle>,
}

impl RpcContext {
    /// The network handle, or Bitcoin Core's "P2P disabled" error.
    pub fn network(&self) -> Result<&NetworkHandle, RpcError> {
        self.network.as_ref().ok_or_else(|| {
            RpcError::new(
                crate::codes::RPC_CLIENT_P2P_DISABLED,
                "Error: Peer-to-peer functionality missing or disabled",
            )
        })
    }

    /// Runs `f` with the chain locked, on a blocking thread (chain work does disk I/O).
    pub async fn with_chain<T, F>(self: &Arc<Self>, f: F) -> Result<T, RpcError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Chain) -> Result<T, RpcError> + Send + 'static,
    {
        let chain = self.chain.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = chain
                .lock()
                .map_err(|_| RpcError::internal("chain state lock poisoned"))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| RpcError::internal(format!("RPC task failed: {e}")))?
    }

    /// Runs `f` with the chain and the mempool locked (in that order) and the pool
    /// brought up to date with the chain.
    pub async fn with_chain_and_pool<T, F>(self: &Arc<Self>, f: F) -> Result<T, RpcError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Chain, &mut Mempool) -> Result<T, RpcError> + Send + 'static,
    {
        let pool = self.mempool.clone();
        self.with_chain(move |chain| {
            let mut pool = pool
                .lock()
                .map_err(|_| RpcError::internal("mempool lock poisoned"))?;
            pool.sync_with(chain);
            f(chain, &mut pool)
        })
        .await
    }
}
