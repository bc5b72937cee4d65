//! A real RPC context over a temporary RocksDB chain, and calls through the method
//! table exactly as the server makes them (positional arrays or named objects).

#![allow(dead_code)]

use bitcoin::{BlockHash, ScriptBuf};
use serde_json::{Map, Value};
use std::str::FromStr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use venture_chain::{Chain, Clock};
use venture_chainspec::ChainParams;
use venture_mempool::{Mempool, MempoolConfig};
use venture_mining::AuxBlockCache;
use venture_primitives::script_to_address;
use venture_rpc::{core_methods, Methods, Params, RpcContext, RpcError};

/// The chain clock: block times come from it, so every run builds the same blocks.
pub const NOW: i64 = 1_900_000_000;

/// The dev chain with a small venture allocation: epochs of 5 blocks from height 1 to
/// 20, every block eligible, vesting after 10 blocks in 2 tranches 5 blocks apart.
pub fn venture_dev_params(edit: impl Fn(String) -> String) -> Arc<ChainParams> {
    let text = venture_chainspec::builtin_spec("dev").unwrap().to_string();
    let text = format!(
        "{}\n[venture]\nstart_height = 1\nend_height = 20\ntotal = 1_000_000_000_000\nepoch_length = 5\neligible = \"all\"\nmax_recipients = 10\n\n[venture.vesting]\ncliff_blocks = 10\ntranches = 2\ntranche_interval = 5\n",
        text.replace("id = \"dev\"", "id = \"rpc-test\"")
    );
    Arc::new(ChainParams::from_toml(&edit(text)).unwrap())
}

/// A node's RPC side: the context handlers get, over a chain in a temporary directory.
pub struct TestNode {
    pub ctx: Arc<RpcContext>,
    pub methods: Methods,
    _dir: tempfile::TempDir,
}

impl TestNode {
    pub fn new() -> TestNode {
        TestNode::with_params(venture_dev_params(|text| text))
    }

    pub fn with_params(params: Arc<ChainParams>) -> TestNode {
        TestNode::with(params, |_| {})
    }

    /// A node whose context `tweak` adjusts before it is shared.
    pub fn with(params: Arc<ChainParams>, tweak: impl FnOnce(&mut RpcContext)) -> TestNode {
        let dir = tempfile::tempdir().unwrap();
        let chain = Chain::open(params.clone(), dir.path(), Clock::from_fn(|| NOW)).unwrap();
        let mut ctx = RpcContext {
            tip: chain.subscribe(),
            chain: Arc::new(Mutex::new(chain)),
            mempool: Mempool::shared(MempoolConfig::default()),
            params,
            started: Instant::now(),
            shutdown: tokio::sync::watch::channel(false).0,
            stopping: Arc::new(AtomicBool::new(false)),
            miner_status: None,
            aux_blocks: AuxBlockCache::new(),
            payout_address: None,
            network: None,
        };
        tweak(&mut ctx);
        TestNode {
            ctx: Arc::new(ctx),
            methods: core_methods(),
            _dir: dir,
        }
    }

    /// Calls `method` with `params` (an array, an object or null) as the server does.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let (spec, handler) = self
            .methods
            .get(method)
            .unwrap_or_else(|| panic!("{method} is not registered"));
        let params = Params::from_request(Some(params), spec)?;
        handler(self.ctx.clone(), params).await
    }

    /// Calls `method` positionally and again with the same values named by its
    /// declared arguments; both must answer the same. Only for calls that change
    /// nothing.
    pub async fn call_both(&self, method: &str, positional: Vec<Value>) -> Result<Value, RpcError> {
        let by_position = self.call(method, Value::Array(positional.clone())).await;
        let (spec, _) = self.methods.get(method).unwrap();
        let named: Map<String, Value> = spec
            .args
            .iter()
            .zip(positional)
            .filter(|(_, value)| !value.is_null())
            .map(|(arg, value)| (arg.name.to_string(), value))
            .collect();
        let by_name = self.call(method, Value::Object(named)).await;
        assert_eq!(
            by_position, by_name,
            "{method}: positional and named calls differ"
        );
        by_position
    }

    /// Mines `count` blocks paying `script`, returning their hashes.
    pub async fn mine(&self, count: u32, script: &ScriptBuf) -> Vec<BlockHash> {
        let address = self.address(script);
        let hashes = self
            .call("generatetoaddress", serde_json::json!([count, address]))
            .await
            .unwrap();
        hashes
            .as_array()
            .unwrap()
            .iter()
            .map(|h| BlockHash::from_str(h.as_str().unwrap()).unwrap())
            .collect()
    }

    pub fn address(&self, script: &ScriptBuf) -> String {
        script_to_address(&self.ctx.params.hrp, script).unwrap()
    }

    pub fn chain(&self) -> std::sync::MutexGuard<'_, Chain> {
        self.ctx.chain.lock().unwrap()
    }
}

/// An amount in coins, as the RPC prints them.
pub fn coins(sats: u64) -> f64 {
    bitcoin::Amount::from_sat(sats).to_btc()
}
