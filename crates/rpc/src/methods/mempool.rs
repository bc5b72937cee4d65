//! The mempool's state: `getmempoolinfo`, `getrawmempool`, `getmempoolentry`,
//! `estimatesmartfee`.

use super::rawtx::{parse_txid, Fees};
use super::Methods;
use crate::json::coins;
use crate::method::{ArgSpec, ArgType, Category, MethodSpec, NoParams, RpcMethod};
use crate::{codes, RpcContext, RpcError};
use bitcoin::Amount;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use venture_mempool::MempoolEntry;

pub fn register(methods: &mut Methods) {
    methods.add::<GetMempoolInfo>();
    methods.add::<GetRawMempool>();
    methods.add::<GetMempoolEntry>();
    methods.add::<EstimateSmartFee>();
}

/// `getmempoolinfo`: the pool's size, fees and limits.
pub struct GetMempoolInfo;

#[derive(Debug, Clone, Serialize)]
pub struct MempoolInfoView {
    pub loaded: bool,
    pub size: usize,
    pub bytes: u64,
    pub usage: u64,
    pub total_fee: f64,
    pub maxmempool: u64,
    pub mempoolminfee: f64,
    pub minrelaytxfee: f64,
    pub fullrbf: bool,
}

impl RpcMethod for GetMempoolInfo {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "{ \"loaded\", \"size\", \"bytes\", \"usage\", \"total_fee\", \"maxmempool\", \"mempoolminfee\", \"minrelaytxfee\", \"fullrbf\" }",
        ..MethodSpec::new(
            "getmempoolinfo",
            Category::Blockchain,
            "Returns the mempool's size, total fee, limit and minimum fee rates.",
        )
    };
    type Params = NoParams;
    type Output = MempoolInfoView;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<MempoolInfoView, RpcError> {
        ctx.with_chain_and_pool(|_, pool| {
            let info = pool.info();
            Ok(MempoolInfoView {
                loaded: true,
                size: info.size,
                bytes: info.bytes,
                usage: info.bytes,
                total_fee: coins(info.total_fee),
                maxmempool: info.max_vbytes,
                mempoolminfee: coins(Amount::from_sat(info.min_fee_rate)),
                minrelaytxfee: coins(Amount::from_sat(info.min_relay_fee_rate)),
                fullrbf: false,
            })
        })
        .await
    }
}

/// `getrawmempool ( verbose )`.
pub struct GetRawMempool;

#[derive(Debug, Deserialize)]
pub struct GetRawMempoolParams {
    #[serde(default)]
    pub verbose: bool,
    /// Bitcoin Core's `mempool_sequence`: accepted and ignored.
    #[allow(dead_code)]
    mempool_sequence: Option<Value>,
}

/// Txids, or entries by txid.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum RawMempoolOutput {
    Txids(Vec<String>),
    Entries(BTreeMap<String, MempoolEntryView>),
}

impl RpcMethod for GetRawMempool {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::optional(
                "verbose",
                ArgType::Boolean,
                "true for entries by txid, false for txids",
            )
            .default("false"),
            ArgSpec::optional("mempool_sequence", ArgType::Boolean, "Ignored").hidden(),
        ],
        result: "[ \"txid\", ... ], or { \"txid\": { entry as getmempoolentry }, ... }",
        ..MethodSpec::new(
            "getrawmempool",
            Category::Blockchain,
            "Returns the transactions in the mempool.",
        )
    };
    type Params = GetRawMempoolParams;
    type Output = RawMempoolOutput;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GetRawMempoolParams,
    ) -> Result<RawMempoolOutput, RpcError> {
        ctx.with_chain_and_pool(move |_, pool| {
            Ok(if params.verbose {
                RawMempoolOutput::Entries(
                    pool.entries()
                        .map(|e| (e.txid.to_string(), MempoolEntryView::from(e)))
                        .collect(),
                )
            } else {
                RawMempoolOutput::Txids(pool.entries().map(|e| e.txid.to_string()).collect())
            })
        })
        .await
    }
}

/// `getmempoolentry "txid"`.
pub struct GetMempoolEntry;

#[derive(Debug, Deserialize)]
pub struct GetMempoolEntryParams {
    pub txid: String,
}

/// A pool entry in Bitcoin Core's fields.
#[derive(Debug, Clone, Serialize)]
pub struct MempoolEntryView {
    pub vsize: u64,
    pub weight: u64,
    pub time: u64,
    pub height: u32,
    pub fees: Fees,
    pub depends: Vec<String>,
    pub wtxid: String,
}

impl From<&MempoolEntry> for MempoolEntryView {
    fn from(entry: &MempoolEntry) -> MempoolEntryView {
        MempoolEntryView {
            vsize: entry.vsize,
            weight: entry.weight,
            time: entry.time,
            height: entry.height,
            fees: Fees {
                base: coins(entry.fee),
            },
            depends: entry.parents.iter().map(|p| p.to_string()).collect(),
            wtxid: entry.tx.compute_wtxid().to_string(),
        }
    }
}

impl RpcMethod for GetMempoolEntry {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[ArgSpec::required(
            "txid",
            ArgType::String,
            "The transaction id (must be in the mempool)",
        )],
        result: "{ \"vsize\", \"weight\", \"time\", \"height\", \"fees\": { \"base\" }, \"depends\", \"wtxid\" }",
        ..MethodSpec::new(
            "getmempoolentry",
            Category::Blockchain,
            "Returns a mempool transaction's entry.",
        )
    };
    type Params = GetMempoolEntryParams;
    type Output = MempoolEntryView;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GetMempoolEntryParams,
    ) -> Result<MempoolEntryView, RpcError> {
        let txid = parse_txid(&params.txid)?;
        ctx.with_chain_and_pool(move |_, pool| {
            pool.get(&txid).map(MempoolEntryView::from).ok_or_else(|| {
                RpcError::new(
                    codes::RPC_INVALID_ADDRESS_OR_KEY,
                    "Transaction not in mempool",
                )
            })
        })
        .await
    }
}

/// `estimatesmartfee conf_target ( "estimate_mode" )`.
pub struct EstimateSmartFee;

#[derive(Debug, Deserialize)]
pub struct EstimateSmartFeeParams {
    pub conf_target: i64,
    /// Accepted for Bitcoin Core's clients; there is one estimate.
    #[allow(dead_code)]
    estimate_mode: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeeEstimate {
    /// Coins per kvB.
    pub feerate: f64,
    pub blocks: i64,
}

impl RpcMethod for EstimateSmartFee {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required(
                "conf_target",
                ArgType::Numeric,
                "Confirmation target in blocks (1 - 1008)",
            ),
            ArgSpec::optional("estimate_mode", ArgType::String, "Ignored").default("economical"),
        ],
        result: "{ \"feerate\" (coins per kvB), \"blocks\" }",
        ..MethodSpec::new(
            "estimatesmartfee",
            Category::Util,
            "Estimates the fee rate to confirm within the target: the rate at that depth of the pool, at least the minimum relay fee.",
        )
    };
    type Params = EstimateSmartFeeParams;
    type Output = FeeEstimate;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: EstimateSmartFeeParams,
    ) -> Result<FeeEstimate, RpcError> {
        let target = params.conf_target;
        if !(1..=1008).contains(&target) {
            return Err(RpcError::invalid_parameter(
                "Invalid conf_target, must be between 1 and 1008",
            ));
        }
        ctx.with_chain_and_pool(move |chain, pool| {
            let weight = chain.params().spec.consensus.max_block_weight;
            let rate = pool.estimate_fee_rate(target as u32, weight);
            Ok(FeeEstimate {
                feerate: coins(Amount::from_sat(rate)),
                blocks: target,
            })
        })
        .await
    }
}
