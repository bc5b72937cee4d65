//! Mining: `getmininginfo`, `getblocktemplate` (BIP22/23 subset), `submitblock` (BIP22
//! result strings) and `generatetoaddress` (where the spec allows it).

use super::Methods;
use crate::json::difficulty_of_bits;
use crate::method::{ArgSpec, ArgType, Category, MethodSpec, NoParams, RpcMethod};
use crate::{codes, RpcContext, RpcError};
use bitcoin::consensus::encode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use venture_chain::{ChainError, ProcessOutcome};
use venture_difficulty::BlockKind;
use venture_mining::{generate_blocks, BlockTemplate};
use venture_primitives::{address_to_script, Block};

/// How long a long-poll `getblocktemplate` waits for a new tip.
const LONGPOLL_TIMEOUT: Duration = Duration::from_secs(60);

pub fn register(methods: &mut Methods) {
    methods.add::<GetMiningInfo>();
    methods.add::<GetBlockTemplate>();
    methods.add::<SubmitBlock>();
    methods.add::<GenerateToAddress>();
}

/// `getmininginfo`: the chain's difficulty and hash rate, and the built-in miner's state.
pub struct GetMiningInfo;

#[derive(Debug, Clone, Serialize)]
pub struct MiningInfo {
    pub blocks: u32,
    pub difficulty: f64,
    pub networkhashps: f64,
    pub pooledtx: usize,
    pub chain: String,
    /// Whether the built-in miner runs.
    pub generate: bool,
    /// The built-in miner's threads.
    pub genproclimit: usize,
    pub hashespersec: f64,
    pub warnings: String,
}

impl RpcMethod for GetMiningInfo {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "{ \"blocks\", \"difficulty\", \"networkhashps\", \"pooledtx\", \"chain\", \"generate\", \"genproclimit\", \"hashespersec\", \"warnings\" }",
        ..MethodSpec::new(
            "getmininginfo",
            Category::Mining,
            "Returns mining-related information: difficulty, the network's hash rate over the last 120 blocks, and the built-in miner's threads and speed.",
        )
    };
    type Params = NoParams;
    type Output = MiningInfo;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<MiningInfo, RpcError> {
        let miner = ctx.miner_status.as_ref().map(|f| f());
        ctx.with_chain_and_pool(move |chain, pool| {
            let bits = chain
                .index()
                .tip()
                .map(|e| e.header.bits.to_consensus())
                .unwrap_or(0);
            Ok(MiningInfo {
                blocks: chain.height(),
                difficulty: difficulty_of_bits(bits),
                networkhashps: network_hashps(chain),
                pooledtx: pool.len(),
                chain: chain.params().spec.id.clone(),
                generate: miner.is_some(),
                genproclimit: miner.map(|m| m.0).unwrap_or(0),
                hashespersec: miner.map(|m| m.1).unwrap_or(0.0),
                warnings: String::new(),
            })
        })
        .await
    }
}

/// `getblocktemplate ( "template_request" )`: BIP22/23 templates (template mode only),
/// with the outputs a venture settlement block's coinbase must start with
/// (`coinbase_required_outputs`, see `docs/mining.md`).
pub struct GetBlockTemplate;

#[derive(Debug, Deserialize)]
pub struct GetBlockTemplateParams {
    /// Kept as JSON: a request that is not an object gets Bitcoin Core's own message,
    /// and its keys are read as BIP22/23 define them (see [`TemplateRequest`]).
    pub template_request: Option<Value>,
}

/// The keys of a template request this node reads; others are ignored.
#[derive(Debug, Default, Deserialize)]
pub struct TemplateRequest {
    pub mode: Option<Value>,
    pub longpollid: Option<Value>,
}

/// An empty JSON object (`vbavailable`, `coinbaseaux`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EmptyObject {}

#[derive(Debug, Clone, Serialize)]
pub struct BlockTemplateView {
    pub version: i32,
    /// BIP9 rules; `!venture-settlement` (the `!`: a client that does not know the rule
    /// must not use the template) whenever `coinbase_required_outputs` is not empty.
    pub rules: Vec<&'static str>,
    pub vbavailable: EmptyObject,
    pub vbrequired: u32,
    pub previousblockhash: String,
    pub transactions: Vec<TemplateTransaction>,
    pub coinbaseaux: EmptyObject,
    /// What the coinbase may pay the pool: subsidy and fees. The required outputs are
    /// paid on top of it (they are the allocation's own issuance).
    pub coinbasevalue: u64,
    /// Outputs the coinbase must start with, exactly and in this order, before any of
    /// the pool's own: a venture settlement. Empty at other heights.
    pub coinbase_required_outputs: Vec<RequiredOutput>,
    pub longpollid: String,
    /// Big-endian hex.
    pub target: String,
    pub mintime: u32,
    pub mutable: [&'static str; 3],
    pub noncerange: &'static str,
    pub sigoplimit: u32,
    pub sizelimit: u64,
    pub weightlimit: u64,
    pub curtime: u32,
    pub bits: String,
    pub height: u32,
    pub chain_id: u32,
    /// The coinbase output committing to the witnesses, when a transaction has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_witness_commitment: Option<String>,
}

/// One output the coinbase must carry.
#[derive(Debug, Clone, Serialize)]
pub struct RequiredOutput {
    /// The output script, hex.
    pub script: String,
    /// Its value in base units.
    pub amount: u64,
}

/// The rule a template names when its coinbase has required outputs.
pub const SETTLEMENT_RULE: &str = "!venture-settlement";

#[derive(Debug, Clone, Serialize)]
pub struct TemplateTransaction {
    pub data: String,
    pub txid: String,
    pub hash: String,
    /// 1-based positions of the transactions this one spends from.
    pub depends: Vec<usize>,
    pub fee: u64,
    pub sigops: u64,
    pub weight: u64,
}

impl RpcMethod for GetBlockTemplate {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[ArgSpec::optional(
            "template_request",
            ArgType::Object,
            "{\"mode\": \"template\", \"rules\": [...], \"longpollid\": \"id\"}; a long poll waits up to 60 s for a new tip",
        )
        .default("{}")],
        result: "{ \"version\", \"rules\", \"previousblockhash\", \"transactions\", \"coinbasevalue\", \"coinbase_required_outputs\": [{\"script\", \"amount\"}, ...] (the coinbase's first outputs, paid on top of coinbasevalue), \"longpollid\", \"target\", \"mintime\", \"curtime\", \"bits\", \"height\", \"chain_id\", \"default_witness_commitment\", ... }",
        ..MethodSpec::new(
            "getblocktemplate",
            Category::Mining,
            "Returns a block template to mine on (BIP22/23; proposals are not supported, use submitblock).",
        )
    };
    type Params = GetBlockTemplateParams;
    type Output = BlockTemplateView;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GetBlockTemplateParams,
    ) -> Result<BlockTemplateView, RpcError> {
        get_block_template(ctx, params.template_request).await
    }
}

/// `submitblock "hexdata" ( "dummy" )`: BIP22's result strings.
pub struct SubmitBlock;

#[derive(Debug, Deserialize)]
pub struct SubmitBlockParams {
    pub hexdata: String,
    /// Ignored, as in Bitcoin Core.
    #[allow(dead_code)]
    dummy: Option<Value>,
}

impl RpcMethod for SubmitBlock {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("hexdata", ArgType::String, "The hex-encoded block"),
            ArgSpec::optional("dummy", ArgType::String, "Ignored").default("ignored"),
        ],
        result: "null when the block joins the best chain, else \"duplicate\", \"inconclusive\" (a side branch) or the rule it broke",
        ..MethodSpec::new(
            "submitblock",
            Category::Mining,
            "Submits a new block to the node.",
        )
    };
    type Params = SubmitBlockParams;
    type Output = Option<String>;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: SubmitBlockParams,
    ) -> Result<Option<String>, RpcError> {
        let block = decode_block(&params.hexdata)?;
        ctx.with_chain(move |chain| Ok(bip22_result(chain.process_block(block, false))))
            .await
    }
}

/// `generatetoaddress nblocks "address" ( maxtries )`, on chains whose spec allows it.
pub struct GenerateToAddress;

#[derive(Debug, Deserialize)]
pub struct GenerateToAddressParams {
    pub nblocks: i64,
    pub address: String,
    #[serde(default = "default_max_tries")]
    pub maxtries: u64,
}

fn default_max_tries() -> u64 {
    1_000_000
}

impl RpcMethod for GenerateToAddress {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("nblocks", ArgType::Numeric, "How many blocks to mine (up to 100000)"),
            ArgSpec::required("address", ArgType::String, "The address the coinbases pay"),
            ArgSpec::optional("maxtries", ArgType::Numeric, "How many nonces to try per block")
                .default("1000000"),
        ],
        result: "[ \"blockhash\", ... ]    the hashes of the blocks mined",
        ..MethodSpec::new(
            "generatetoaddress",
            Category::Mining,
            "Mines blocks at once to an address (only on chains whose spec sets mining.allow_generate).",
        )
    };
    type Params = GenerateToAddressParams;
    type Output = Vec<String>;

    /// Chains that do not allow it answer as if the method did not exist.
    fn available(ctx: &RpcContext) -> Result<(), RpcError> {
        if ctx.params.spec.mining.allow_generate {
            return Ok(());
        }
        Err(RpcError::new(
            codes::RPC_METHOD_NOT_FOUND,
            "generatetoaddress is disabled on this chain (its spec sets mining.allow_generate = false)",
        ))
    }

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GenerateToAddressParams,
    ) -> Result<Vec<String>, RpcError> {
        generate_to_address(ctx, params).await
    }
}

/// Decodes a hex block, refusing trailing bytes.
pub(crate) fn decode_block(hex_data: &str) -> Result<Block, RpcError> {
    let bytes = hex::decode(hex_data.trim())
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "Block decode failed"))?;
    encode::deserialize::<Block>(&bytes)
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "Block decode failed"))
}

/// BIP22: null when accepted onto the best chain, else a short reason string.
pub(crate) fn bip22_result(result: Result<ProcessOutcome, ChainError>) -> Option<String> {
    match result {
        Ok(ProcessOutcome::Connected) => None,
        Ok(ProcessOutcome::Duplicate) => Some("duplicate".into()),
        Ok(ProcessOutcome::SideChain | ProcessOutcome::Orphan | ProcessOutcome::LowWork) => {
            Some("inconclusive".into())
        }
        Err(ChainError::Block(e)) => Some(e.kind.code().to_string()),
        Err(other) => Some(format!("rejected: {other}")),
    }
}

/// Estimated hashes per second over the last 120 blocks, as Bitcoin Core's
/// `getnetworkhashps` with its defaults.
fn network_hashps(chain: &venture_chain::Chain) -> f64 {
    let index = chain.index();
    let Some(tip) = index.tip() else { return 0.0 };
    let lookback = tip.height.min(120);
    if lookback == 0 {
        return 0.0;
    }
    let Some(first) = index.ancestor(&tip.hash, tip.height - lookback) else {
        return 0.0;
    };
    let span = i64::from(tip.header.time) - i64::from(first.header.time);
    if span <= 0 {
        return 0.0;
    }
    let work = (tip.chain_work - first.chain_work).0;
    f64::from(work) / span as f64
}

async fn get_block_template(
    ctx: Arc<RpcContext>,
    request: Option<Value>,
) -> Result<BlockTemplateView, RpcError> {
    let request = match request {
        None => TemplateRequest::default(),
        Some(value @ Value::Object(_)) => serde_json::from_value(value)
            .map_err(|_| RpcError::type_error("template_request must be an object"))?,
        Some(_) => return Err(RpcError::type_error("template_request must be an object")),
    };
    match request.mode.as_ref().and_then(Value::as_str) {
        None | Some("template") => {}
        Some("proposal") => {
            return Err(RpcError::invalid_parameter(
                "proposal mode is not supported; use submitblock",
            ))
        }
        Some(_) => return Err(RpcError::invalid_parameter("Invalid mode")),
    }
    if let Some(longpoll) = request.longpollid.as_ref().and_then(Value::as_str) {
        wait_for_new_tip(&ctx, longpoll).await?;
    }
    ctx.with_chain_and_pool(|chain, pool| {
        // The payout goes in the coinbase the caller builds; the template's own
        // coinbase is not exposed, so any script will do.
        let template =
            BlockTemplate::from_pool(chain, pool, bitcoin::ScriptBuf::new(), BlockKind::Native)
                .map_err(|e| RpcError::internal(e.to_string()))?;
        let transactions = template
            .transactions
            .iter()
            .map(|tx| {
                let txid = tx.compute_txid();
                let entry = pool.get(&txid);
                let depends: Vec<usize> = entry
                    .map(|e| {
                        e.parents
                            .iter()
                            .filter_map(|p| {
                                template
                                    .transactions
                                    .iter()
                                    .position(|t| t.compute_txid() == *p)
                            })
                            .map(|i| i + 1)
                            .collect()
                    })
                    .unwrap_or_default();
                TemplateTransaction {
                    data: hex::encode(encode::serialize(tx)),
                    txid: txid.to_string(),
                    hash: tx.compute_wtxid().to_string(),
                    depends,
                    fee: entry.map(|e| e.fee.to_sat()).unwrap_or(0),
                    sigops: entry.map(|e| e.sigops).unwrap_or(0),
                    weight: tx.weight().to_wu(),
                }
            })
            .collect();
        let default_witness_commitment = template.has_witness().then(|| {
            let block = template.block(0);
            block.txdata[0]
                .output
                .last()
                .map(|o| hex::encode(o.script_pubkey.as_bytes()))
                .unwrap_or_default()
        });
        let c = &template.context;
        let consensus = &chain.params().spec.consensus;
        let coinbase_required_outputs: Vec<RequiredOutput> = template
            .settlement
            .iter()
            .map(|o| RequiredOutput {
                script: hex::encode(o.script_pubkey.as_bytes()),
                amount: o.value.to_sat(),
            })
            .collect();
        let mut rules = vec!["csv", "segwit", "taproot"];
        if !coinbase_required_outputs.is_empty() {
            rules.push(SETTLEMENT_RULE);
        }
        Ok(BlockTemplateView {
            version: template.version,
            rules,
            vbavailable: EmptyObject {},
            vbrequired: 0,
            previousblockhash: c.prev_hash.to_string(),
            transactions,
            coinbaseaux: EmptyObject {},
            coinbasevalue: template.coinbase_value().to_sat(),
            coinbase_required_outputs,
            longpollid: format!("{}{}", c.prev_hash, c.height),
            target: hex::encode(c.target.to_be_bytes()),
            mintime: c.min_time,
            mutable: ["time", "transactions", "prevblock"],
            noncerange: "00000000ffffffff",
            sigoplimit: 80_000,
            sizelimit: consensus.max_block_weight,
            weightlimit: consensus.max_block_weight,
            curtime: c.time,
            bits: format!("{:08x}", c.bits),
            height: c.height,
            chain_id: consensus.chain_id,
            default_witness_commitment,
        })
    })
    .await
}

/// Blocks until the tip differs from the one `longpollid` names, or a minute passes.
async fn wait_for_new_tip(ctx: &Arc<RpcContext>, longpollid: &str) -> Result<(), RpcError> {
    let mut tips = ctx.tip.clone();
    let current = tips.borrow_and_update().clone();
    if !longpollid.starts_with(&current.hash.to_string()) {
        return Ok(());
    }
    let _ = tokio::time::timeout(LONGPOLL_TIMEOUT, tips.changed()).await;
    Ok(())
}

async fn generate_to_address(
    ctx: Arc<RpcContext>,
    params: GenerateToAddressParams,
) -> Result<Vec<String>, RpcError> {
    let count = u32::try_from(params.nblocks)
        .ok()
        .filter(|n| *n <= 100_000)
        .ok_or_else(|| RpcError::invalid_parameter("nblocks must be between 0 and 100000"))?;
    let payout = address_to_script(&ctx.params.hrp, &params.address).map_err(|e| {
        RpcError::new(
            codes::RPC_INVALID_ADDRESS_OR_KEY,
            format!("Error: Invalid address: {e}"),
        )
    })?;
    let chain = ctx.chain.clone();
    let mempool = ctx.mempool.clone();
    let stopping = ctx.stopping.clone();
    let max_tries = params.maxtries;
    let hashes = tokio::task::spawn_blocking(move || {
        generate_blocks(&chain, &mempool, &payout, count, max_tries, &stopping)
    })
    .await
    .map_err(|e| RpcError::internal(e.to_string()))?
    .map_err(|e| RpcError::misc(e.to_string()))?;
    Ok(hashes.iter().map(|h| h.to_string()).collect())
}
