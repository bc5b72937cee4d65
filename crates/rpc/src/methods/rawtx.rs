//! Raw transactions: `sendrawtransaction`, `testmempoolaccept`, `getrawtransaction`,
//! `decoderawtransaction`, `scantxoutset`. The pool's own state is in [`super::mempool`].

use super::Methods;
use crate::json::{coins, TxView};
use crate::method::{missing_parameter, ArgSpec, ArgType, Category, MethodSpec, RpcMethod};
use crate::{codes, RpcContext, RpcError};
use bitcoin::consensus::encode;
use bitcoin::{Amount, ScriptBuf, Transaction, Txid};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;
use venture_mempool::MempoolError;
use venture_primitives::address_to_script;

/// Bitcoin Core's default `maxfeerate`: 0.10 coin per kvB.
const DEFAULT_MAX_FEE_RATE: f64 = 0.10;

/// A `maxfeerate` argument read as Bitcoin Core reads it: a whole number of satoshis
/// per kvB, below one coin per kvB; zero means no limit. Kept in satoshis so a small
/// rate stays a small limit instead of rounding away.
#[derive(Debug, Clone, Copy)]
struct MaxFeeRate {
    sat_per_kvb: u64,
}

impl MaxFeeRate {
    fn parse(coins_per_kvb: f64) -> Result<MaxFeeRate, RpcError> {
        if !coins_per_kvb.is_finite() || coins_per_kvb < 0.0 {
            return Err(RpcError::type_error("Amount out of range"));
        }
        let per_kvb =
            Amount::from_btc(coins_per_kvb).map_err(|_| RpcError::type_error("Invalid amount"))?;
        if per_kvb >= Amount::ONE_BTC {
            return Err(RpcError::invalid_parameter(
                "Fee rates larger than or equal to 1 coin/kvB are not accepted",
            ));
        }
        Ok(MaxFeeRate {
            sat_per_kvb: per_kvb.to_sat(),
        })
    }

    /// Whether `fee` for `vsize` virtual bytes is above the limit. The limit for a size
    /// is Core's `CFeeRate::GetFee`: rounded down, but at least one satoshi.
    fn exceeded_by(self, fee: Amount, vsize: u64) -> bool {
        if self.sat_per_kvb == 0 {
            return false;
        }
        let limit = (u128::from(self.sat_per_kvb) * u128::from(vsize) / 1000).max(1);
        u128::from(fee.to_sat()) > limit
    }
}

pub fn register(methods: &mut Methods) {
    methods.add::<SendRawTransaction>();
    methods.add::<TestMempoolAccept>();
    methods.add::<DecodeRawTransaction>();
    methods.add::<GetRawTransaction>();
    methods.add::<ScanTxOutSet>();
}

/// `sendrawtransaction "hexstring" ( maxfeerate )`: into the pool, then to peers.
pub struct SendRawTransaction;

#[derive(Debug, Deserialize)]
pub struct SendRawTransactionParams {
    pub hexstring: String,
    #[serde(default = "default_max_fee_rate")]
    pub maxfeerate: f64,
}

fn default_max_fee_rate() -> f64 {
    DEFAULT_MAX_FEE_RATE
}

impl RpcMethod for SendRawTransaction {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("hexstring", ArgType::String, "The hex-encoded transaction"),
            ArgSpec::optional(
                "maxfeerate",
                ArgType::Numeric,
                "Refuse a fee rate above this, in coins per kvB (0: no limit)",
            )
            .default("0.10"),
        ],
        result: "\"hex\"    (string) The transaction id",
        ..MethodSpec::new(
            "sendrawtransaction",
            Category::Rawtransactions,
            "Submits a transaction to the mempool and relays it to peers.",
        )
    };
    type Params = SendRawTransactionParams;
    type Output = String;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: SendRawTransactionParams,
    ) -> Result<String, RpcError> {
        let tx = decode_tx(&params.hexstring)?;
        let max_fee_rate = MaxFeeRate::parse(params.maxfeerate)?;
        let raw = encode::serialize(&tx);
        let txid = ctx
            .with_chain_and_pool(move |chain, pool| {
                let txid = tx.compute_txid();
                if pool.contains(&txid) {
                    return Ok(txid.to_string());
                }
                let (fee, vsize) = pool.test_accept(&tx, chain).map_err(reject)?;
                if max_fee_rate.exceeded_by(fee, vsize) {
                    return Err(RpcError::new(
                        codes::RPC_VERIFY_ERROR,
                        "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)",
                    ));
                }
                let now = u64::try_from(chain.clock().now()).unwrap_or(0);
                let accepted = pool.accept(tx, chain, now).map_err(reject)?;
                Ok(accepted.txid.to_string())
            })
            .await?;
        if let Some(network) = &ctx.network {
            if let Err(e) = network.publish_transaction(raw).await {
                tracing::warn!("cannot relay transaction {txid}: {e}");
            }
        }
        Ok(txid)
    }
}

/// `testmempoolaccept ["rawtx",...] ( maxfeerate )`: whether the pool would take each.
pub struct TestMempoolAccept;

#[derive(Debug, Deserialize)]
pub struct TestMempoolAcceptParams {
    pub rawtxs: Vec<String>,
    #[serde(default = "default_max_fee_rate")]
    pub maxfeerate: f64,
}

/// One transaction's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct AcceptResult {
    pub txid: String,
    pub wtxid: String,
    pub allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vsize: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fees: Option<Fees>,
    #[serde(rename = "reject-reason", skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
}

/// Bitcoin Core's `fees` object.
#[derive(Debug, Clone, Serialize)]
pub struct Fees {
    pub base: f64,
}

impl RpcMethod for TestMempoolAccept {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("rawtxs", ArgType::Array, "Hex-encoded transactions")
                .shown_as("[\"rawtx\",...]"),
            ArgSpec::optional(
                "maxfeerate",
                ArgType::Numeric,
                "Report a fee rate above this, in coins per kvB, as max-fee-exceeded (0: no limit)",
            )
            .default("0.10"),
        ],
        result: "[ { \"txid\", \"wtxid\", \"allowed\", \"vsize\", \"fees\": { \"base\" } | \"reject-reason\" }, ... ]",
        ..MethodSpec::new(
            "testmempoolaccept",
            Category::Rawtransactions,
            "Returns whether the mempool would accept each transaction, without adding it.",
        )
    };
    type Params = TestMempoolAcceptParams;
    type Output = Vec<AcceptResult>;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: TestMempoolAcceptParams,
    ) -> Result<Vec<AcceptResult>, RpcError> {
        let txs = params
            .rawtxs
            .iter()
            .map(|h| decode_tx(h))
            .collect::<Result<Vec<_>, _>>()?;
        let max_fee_rate = MaxFeeRate::parse(params.maxfeerate)?;
        ctx.with_chain_and_pool(move |chain, pool| {
            Ok(txs
                .iter()
                .map(|tx| {
                    let verdict = pool
                        .test_accept(tx, chain)
                        .map_err(|e| e.reject_reason())
                        .and_then(|(fee, vsize)| {
                            if max_fee_rate.exceeded_by(fee, vsize) {
                                Err("max-fee-exceeded".to_string())
                            } else {
                                Ok((fee, vsize))
                            }
                        });
                    AcceptResult {
                        txid: tx.compute_txid().to_string(),
                        wtxid: tx.compute_wtxid().to_string(),
                        allowed: verdict.is_ok(),
                        vsize: verdict.as_ref().ok().map(|(_, vsize)| *vsize),
                        fees: verdict
                            .as_ref()
                            .ok()
                            .map(|(fee, _)| Fees { base: coins(*fee) }),
                        reject_reason: verdict.err(),
                    }
                })
                .collect())
        })
        .await
    }
}

/// `decoderawtransaction "hexstring"`.
pub struct DecodeRawTransaction;

#[derive(Debug, Deserialize)]
pub struct DecodeRawTransactionParams {
    pub hexstring: String,
    /// Bitcoin Core's hidden `iswitness`: accepted and ignored (both forms are tried).
    #[allow(dead_code)]
    iswitness: Option<Value>,
}

impl RpcMethod for DecodeRawTransaction {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("hexstring", ArgType::String, "The hex-encoded transaction"),
            ArgSpec::optional("iswitness", ArgType::Boolean, "Ignored").hidden(),
        ],
        result: "{ \"txid\", \"hash\", \"version\", \"size\", \"vsize\", \"weight\", \"locktime\", \"vin\", \"vout\", \"hex\" }",
        ..MethodSpec::new(
            "decoderawtransaction",
            Category::Rawtransactions,
            "Decodes a hex-encoded transaction; addresses use the chain's prefix.",
        )
    };
    type Params = DecodeRawTransactionParams;
    type Output = TxView;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: DecodeRawTransactionParams,
    ) -> Result<TxView, RpcError> {
        let tx = decode_tx(&params.hexstring)?;
        Ok(TxView::new(&tx, &ctx.params.hrp))
    }
}

/// `getrawtransaction "txid" ( verbose "blockhash" )`.
pub struct GetRawTransaction;

#[derive(Debug, Deserialize)]
pub struct GetRawTransactionParams {
    pub txid: String,
    /// Kept as JSON: Bitcoin Core takes a boolean or a number (above 0: verbose).
    pub verbose: Option<Value>,
    pub blockhash: Option<String>,
}

/// A transaction as hex, or decoded with where it was found.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum RawTransactionOutput {
    Hex(String),
    Verbose(Box<RawTransactionView>),
}

#[derive(Debug, Clone, Serialize)]
pub struct RawTransactionView {
    #[serde(flatten)]
    pub tx: TxView,
    /// The block it was found in (absent for a mempool transaction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blockhash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_active_chain: Option<bool>,
    /// Only for blocks on the best chain, like `time` and `blocktime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmations: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocktime: Option<u32>,
}

impl RpcMethod for GetRawTransaction {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("txid", ArgType::String, "The transaction id"),
            ArgSpec::optional(
                "verbose",
                ArgType::Boolean,
                "false for hex, true for the decoded transaction",
            )
            .default("false"),
            ArgSpec::optional(
                "blockhash",
                ArgType::String,
                "The block to look in (otherwise the mempool, then --txindex)",
            ),
        ],
        result: "\"hex\", or the decoded transaction with \"blockhash\", \"in_active_chain\", \"confirmations\", \"time\", \"blocktime\"",
        ..MethodSpec::new(
            "getrawtransaction",
            Category::Rawtransactions,
            "Returns a transaction from the mempool, a given block, or (with --txindex) any block.",
        )
    };
    type Params = GetRawTransactionParams;
    type Output = RawTransactionOutput;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GetRawTransactionParams,
    ) -> Result<RawTransactionOutput, RpcError> {
        get_raw_transaction(ctx, params).await
    }
}

async fn get_raw_transaction(
    ctx: Arc<RpcContext>,
    params: GetRawTransactionParams,
) -> Result<RawTransactionOutput, RpcError> {
    let txid = parse_txid(&params.txid)?;
    let verbose = match params.verbose {
        None => false,
        Some(Value::Bool(b)) => b,
        Some(Value::Number(n)) => n.as_u64().unwrap_or(0) > 0,
        Some(_) => {
            return Err(RpcError::type_error(
                "verbose must be a boolean or a number",
            ))
        }
    };
    let block_hash = match &params.blockhash {
        Some(text) => Some(super::blockchain::parse_block_hash(text)?),
        None => None,
    };
    ctx.with_chain_and_pool(move |chain, pool| {
        let found = match block_hash {
            Some(hash) => {
                let block = chain.block(&hash)?.ok_or_else(|| {
                    RpcError::new(codes::RPC_INVALID_ADDRESS_OR_KEY, "Block hash not found")
                })?;
                let tx = block
                    .txdata
                    .into_iter()
                    .find(|tx| tx.compute_txid() == txid)
                    .ok_or_else(|| {
                        RpcError::new(
                            codes::RPC_INVALID_ADDRESS_OR_KEY,
                            "No such transaction found in the provided block",
                        )
                    })?;
                Some((tx, Some(hash)))
            }
            None => match pool.get(&txid) {
                Some(entry) => Some(((*entry.tx).clone(), None)),
                None => chain
                    .find_transaction(&txid)?
                    .map(|(tx, hash)| (tx, Some(hash))),
            },
        };
        let (tx, in_block) = found.ok_or_else(|| {
            RpcError::new(
                codes::RPC_INVALID_ADDRESS_OR_KEY,
                "No such mempool or blockchain transaction. Use -txindex or provide a block hash to enable blockchain transaction queries.",
            )
        })?;
        if !verbose {
            return Ok(RawTransactionOutput::Hex(hex::encode(encode::serialize(&tx))));
        }
        let mut view = RawTransactionView {
            tx: TxView::new(&tx, &chain.params().hrp),
            blockhash: in_block.map(|hash| hash.to_string()),
            in_active_chain: None,
            confirmations: None,
            time: None,
            blocktime: None,
        };
        if let Some(entry) = in_block.and_then(|hash| chain.index().get(&hash)) {
            let active = chain.index().is_active(entry);
            view.in_active_chain = Some(active);
            if active {
                view.confirmations = Some(chain.height() - entry.height + 1);
                view.time = Some(entry.header.time);
                view.blocktime = Some(entry.header.time);
            }
        }
        Ok(RawTransactionOutput::Verbose(Box::new(view)))
    })
    .await
}

/// `scantxoutset "action" ( [scanobjects,...] )`.
pub struct ScanTxOutSet;

#[derive(Debug, Deserialize)]
pub struct ScanTxOutSetParams {
    pub action: String,
    /// Required for `start` only.
    pub scanobjects: Option<Vec<String>>,
}

/// A scan's result, or the answer to `status` (null: none running) or `abort` (false:
/// nothing to abort). Scans run to completion inside one call.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ScanOutput {
    Scanned(ScanResult),
    NoScanRunning,
    Aborted(bool),
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanResult {
    pub success: bool,
    pub txouts: usize,
    pub height: u32,
    pub bestblock: String,
    pub unspents: Vec<Unspent>,
    pub total_amount: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Unspent {
    pub txid: String,
    pub vout: u32,
    #[serde(rename = "scriptPubKey")]
    pub script_pub_key: String,
    pub desc: String,
    pub amount: f64,
    pub coinbase: bool,
    pub height: u32,
}

impl RpcMethod for ScanTxOutSet {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required(
                "action",
                ArgType::String,
                "\"start\" to scan, \"status\" or \"abort\" (there is never a scan running)",
            ),
            ArgSpec::optional(
                "scanobjects",
                ArgType::Array,
                "For start: addr(ADDRESS) and raw(HEX) descriptors",
            ),
        ],
        result: "{ \"success\", \"txouts\", \"height\", \"bestblock\", \"unspents\": [ { \"txid\", \"vout\", \"scriptPubKey\", \"desc\", \"amount\", \"coinbase\", \"height\" }, ... ], \"total_amount\" }",
        ..MethodSpec::new(
            "scantxoutset",
            Category::Blockchain,
            "Scans the unspent transaction output set for outputs matching descriptors.",
        )
    };
    type Params = ScanTxOutSetParams;
    type Output = ScanOutput;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: ScanTxOutSetParams,
    ) -> Result<ScanOutput, RpcError> {
        match params.action.as_str() {
            "start" => {}
            "status" => return Ok(ScanOutput::NoScanRunning),
            "abort" => return Ok(ScanOutput::Aborted(false)),
            _ => return Err(RpcError::invalid_parameter("Invalid action")),
        }
        let objects = params
            .scanobjects
            .ok_or_else(|| missing_parameter(Self::SPEC, "scanobjects"))?;
        let hrp = ctx.params.hrp.clone();
        let scripts = objects
            .iter()
            .map(|d| descriptor_script(d, &hrp))
            .collect::<Result<Vec<_>, _>>()?;
        ctx.with_chain(move |chain| scan(chain, &objects, &scripts))
            .await
            .map(ScanOutput::Scanned)
    }
}

fn scan(
    chain: &venture_chain::Chain,
    descriptors: &[String],
    scripts: &[ScriptBuf],
) -> Result<ScanResult, RpcError> {
    let wanted: HashSet<&ScriptBuf> = scripts.iter().collect();
    let mut unspents = Vec::new();
    let mut total = Amount::ZERO;
    chain
        .store()
        .for_each_coin(|outpoint, coin| {
            if !wanted.contains(&coin.output.script_pubkey) {
                return;
            }
            let desc = scripts
                .iter()
                .position(|s| *s == coin.output.script_pubkey)
                .map(|i| descriptors[i].clone())
                .unwrap_or_default();
            total += coin.output.value;
            unspents.push(Unspent {
                txid: outpoint.txid.to_string(),
                vout: outpoint.vout,
                script_pub_key: hex::encode(coin.output.script_pubkey.as_bytes()),
                desc,
                amount: coins(coin.output.value),
                coinbase: coin.is_coinbase,
                height: coin.height,
            });
        })
        .map_err(|e| RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string()))?;
    let tip = chain.tip();
    Ok(ScanResult {
        success: true,
        txouts: unspents.len(),
        height: tip.height,
        bestblock: tip.hash.to_string(),
        unspents,
        total_amount: coins(total),
    })
}

/// The output script of an `addr(ADDRESS)` or `raw(HEX)` descriptor.
fn descriptor_script(
    descriptor: &str,
    hrp: &venture_primitives::Hrp,
) -> Result<ScriptBuf, RpcError> {
    // A trailing checksum (`#xxxxxxxx`) is accepted and ignored.
    let body = descriptor.split('#').next().unwrap_or_default();
    if let Some(address) = body.strip_prefix("addr(").and_then(|s| s.strip_suffix(')')) {
        return address_to_script(hrp, address)
            .map_err(|e| RpcError::new(codes::RPC_INVALID_ADDRESS_OR_KEY, e.to_string()));
    }
    if let Some(raw) = body.strip_prefix("raw(").and_then(|s| s.strip_suffix(')')) {
        return hex::decode(raw)
            .map(ScriptBuf::from_bytes)
            .map_err(|_| RpcError::invalid_parameter(format!("raw() needs hex: {descriptor}")));
    }
    Err(RpcError::invalid_parameter(format!(
        "unsupported descriptor `{descriptor}`: use addr(ADDRESS) or raw(HEX)"
    )))
}

fn decode_tx(hex_text: &str) -> Result<Transaction, RpcError> {
    let bytes = hex::decode(hex_text.trim())
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "TX decode failed"))?;
    venture_primitives::deserialize_transaction(&bytes)
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "TX decode failed"))
}

pub(super) fn parse_txid(text: &str) -> Result<Txid, RpcError> {
    if text.len() != 64 {
        return Err(RpcError::invalid_parameter(format!(
            "txid must be of length 64 (not {}, for '{text}')",
            text.len()
        )));
    }
    Txid::from_str(text).map_err(|_| RpcError::invalid_parameter("txid must be hexadecimal string"))
}

/// Bitcoin Core's codes for refused transactions.
fn reject(e: MempoolError) -> RpcError {
    if e.is_missing_inputs() {
        RpcError::new(codes::RPC_VERIFY_ERROR, e.kind.code())
    } else if e.is_already_known() {
        RpcError::new(
            codes::RPC_VERIFY_ALREADY_IN_CHAIN,
            "Transaction already in block chain",
        )
    } else {
        RpcError::new(codes::RPC_VERIFY_REJECTED, e.to_string())
    }
}
