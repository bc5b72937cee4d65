//! Where pages get their data: the node's RPC methods, called in-process, and reads of
//! the chain under its lock (taken on a blocking thread, as RPC handlers do).

use crate::PageError;
use bitcoin::{OutPoint, ScriptBuf};
use serde_json::Value;
use std::sync::Arc;
use tokio::sync::Semaphore;
use venture_chain::Chain;
use venture_rpc::{Methods, Params, RpcContext};
use venture_store::Coin;

/// What an address holds (see [`Explorer::coins_of`]).
#[derive(Debug, Default)]
pub struct AddressCoins {
    pub count: usize,
    /// In satoshis.
    pub total: u64,
    /// The newest coins, newest first.
    pub coins: Vec<(OutPoint, Coin)>,
}

fn newest_first(coins: &mut Vec<(OutPoint, Coin)>, max: usize) {
    coins.sort_by(|a, b| b.1.height.cmp(&a.1.height).then(a.0.cmp(&b.0)));
    coins.truncate(max);
}

/// What the node tells the explorer beyond its chain state.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// The launch manifest's hashes (label, value), shown on the venture page.
    pub manifest: Vec<(String, String)>,
}

/// The explorer's state: the RPC context and method table, and its own bounds.
pub struct Explorer {
    ctx: Arc<RpcContext>,
    methods: Methods,
    pub site: Site,
    /// One address lookup (a walk over the UTXO set) at a time.
    scans: Arc<Semaphore>,
}

impl Explorer {
    pub fn new(ctx: Arc<RpcContext>, methods: Methods, site: Site) -> Explorer {
        Explorer {
            ctx,
            methods,
            site,
            scans: Arc::new(Semaphore::new(1)),
        }
    }

    pub fn params(&self) -> &venture_chainspec::ChainParams {
        &self.ctx.params
    }

    pub fn chain_name(&self) -> String {
        self.ctx.params.spec.name.clone()
    }

    pub fn ticker(&self) -> &str {
        &self.ctx.params.spec.ticker
    }

    /// Calls RPC method `method` with positional `params`, as a client would.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, PageError> {
        let (spec, handler) = self
            .methods
            .get(method)
            .ok_or_else(|| PageError::Node(format!("the node has no method {method}")))?;
        let params = Params::from_request(Some(params), spec)?;
        Ok(handler(self.ctx.clone(), params).await?)
    }

    /// Like [`Explorer::call`], but an RPC error is the visitor's: "not found".
    pub async fn lookup(&self, method: &str, params: Value) -> Result<Value, PageError> {
        self.call(method, params).await.map_err(|e| match e {
            PageError::Node(message) => PageError::NotFound(message),
            other => other,
        })
    }

    /// Runs `read` with the chain locked, on a blocking thread.
    pub async fn with_chain<T, F>(&self, read: F) -> Result<T, PageError>
    where
        T: Send + 'static,
        F: FnOnce(&Chain) -> Result<T, PageError> + Send + 'static,
    {
        let chain = self.ctx.chain.clone();
        tokio::task::spawn_blocking(move || {
            let guard = chain
                .lock()
                .map_err(|_| PageError::Node("chain state lock poisoned".into()))?;
            read(&guard)
        })
        .await
        .map_err(|e| PageError::Node(format!("page task failed: {e}")))?
    }

    /// The unspent outputs paying `script`: their count and total, and the newest
    /// `max` of them. The UTXO set is walked on the store without the chain's lock (its
    /// iterator reads one consistent snapshot), so blocks keep being connected, and one
    /// walk runs at a time: a visitor cannot make the node walk it twice at once.
    pub async fn coins_of(&self, script: ScriptBuf, max: usize) -> Result<AddressCoins, PageError> {
        // The permit moves into the walk itself: a request that times out stops waiting,
        // but the walk runs to its end and holds the permit until then.
        let permit = self
            .scans
            .clone()
            .try_acquire_owned()
            .map_err(|_| PageError::Busy("another address lookup is running"))?;
        let store = self.with_chain(|chain| Ok(chain.shared_store())).await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut found = AddressCoins::default();
            store
                .for_each_coin(|outpoint, coin| {
                    if coin.output.script_pubkey != script {
                        return;
                    }
                    found.count += 1;
                    found.total += coin.output.value.to_sat();
                    found.coins.push((outpoint, coin));
                    // Keep the newest `max`, trimming now and then so memory stays
                    // bounded by `2 * max` whatever the address holds.
                    if found.coins.len() >= 2 * max.max(1) {
                        newest_first(&mut found.coins, max);
                    }
                })
                .map_err(|e| PageError::Node(e.to_string()))?;
            newest_first(&mut found.coins, max);
            Ok(found)
        })
        .await
        .map_err(|e| PageError::Node(format!("address lookup failed: {e}")))?
    }

    pub fn mempool(&self) -> &venture_mempool::SharedMempool {
        &self.ctx.mempool
    }
}
