//! Blockchain queries: `getblockchaininfo`, `getblockcount`, `getbestblockhash`,
//! `getdifficulty`, `getblockhash`, `getblockheader`, `getblock`, `gettxout`,
//! `gettxoutsetinfo`.

use super::Methods;
use crate::json::{coins, difficulty_of_bits, BlockView, HeaderView, ScriptView};
use crate::method::{ArgSpec, ArgType, Category, MethodSpec, NoParams, RpcMethod};
use crate::{codes, RpcContext, RpcError};
use bitcoin::consensus::encode;
use bitcoin::{BlockHash, OutPoint, Txid};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::str::FromStr;
use std::sync::Arc;
use venture_chain::{BlockStatus, Chain, IndexEntry};

pub fn register(methods: &mut Methods) {
    methods.add::<GetBlockchainInfo>();
    methods.add::<GetBlockCount>();
    methods.add::<GetBestBlockHash>();
    methods.add::<GetDifficulty>();
    methods.add::<GetBlockHash>();
    methods.add::<GetBlockHeader>();
    methods.add::<GetBlock>();
    methods.add::<GetTxOut>();
    methods.add::<GetTxOutSetInfo>();
}

/// `getblockchaininfo`: the state of the best chain.
pub struct GetBlockchainInfo;

#[derive(Debug, Clone, Serialize)]
pub struct BlockchainInfo {
    /// The chain spec's id.
    pub chain: String,
    pub blocks: u32,
    pub headers: u32,
    pub bestblockhash: String,
    pub bits: String,
    pub difficulty: f64,
    pub time: u32,
    pub mediantime: u32,
    pub verificationprogress: f64,
    pub initialblockdownload: bool,
    pub chainwork: String,
    pub size_on_disk: u64,
    pub pruned: bool,
    pub genesis_hash: String,
    pub spec_hash: String,
    pub warnings: String,
}

impl RpcMethod for GetBlockchainInfo {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "{ \"chain\", \"blocks\", \"headers\", \"bestblockhash\", \"bits\", \"difficulty\", \"time\", \"mediantime\", \"verificationprogress\", \"initialblockdownload\", \"chainwork\", \"size_on_disk\", \"pruned\", \"genesis_hash\", \"spec_hash\", \"warnings\" }",
        ..MethodSpec::new(
            "getblockchaininfo",
            Category::Blockchain,
            "Returns the state of the best chain: its spec, height, tip, difficulty and work.",
        )
    };
    type Params = NoParams;
    type Output = BlockchainInfo;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<BlockchainInfo, RpcError> {
        ctx.with_chain(|chain| Ok(blockchain_info(chain))).await
    }
}

fn blockchain_info(chain: &Chain) -> BlockchainInfo {
    let tip = chain.index().tip().cloned();
    let params = chain.params();
    let (bits, time, work) = tip
        .as_ref()
        .map(|e| {
            (
                e.header.bits.to_consensus(),
                e.header.time,
                e.chain_work.to_string(),
            )
        })
        .unwrap_or_default();
    let tip_hash = chain.tip().hash;
    let headers = chain
        .index()
        .best_header()
        .map_or(chain.height(), |e| e.height);
    BlockchainInfo {
        chain: params.spec.id.clone(),
        blocks: chain.height(),
        headers,
        bestblockhash: tip_hash.to_string(),
        bits: format!("{bits:08x}"),
        difficulty: difficulty_of_bits(bits),
        time,
        mediantime: chain.index().median_time_past(&tip_hash).unwrap_or(time),
        verificationprogress: if headers == 0 {
            1.0
        } else {
            f64::from(chain.height()) / f64::from(headers)
        },
        initialblockdownload: chain.is_initial_download(),
        chainwork: work,
        size_on_disk: chain.store().stats().map(|s| s.disk_bytes).unwrap_or(0),
        pruned: false,
        genesis_hash: params.genesis_hash.to_string(),
        spec_hash: params.spec_hash().to_string(),
        warnings: String::new(),
    }
}

/// `getblockcount`: the height of the best block.
pub struct GetBlockCount;

impl RpcMethod for GetBlockCount {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "n    (numeric) The height of the best block",
        ..MethodSpec::new(
            "getblockcount",
            Category::Blockchain,
            "Returns the height of the best block (the genesis block is at height 0).",
        )
    };
    type Params = NoParams;
    type Output = u32;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<u32, RpcError> {
        Ok(ctx.tip.borrow().height)
    }
}

/// `getbestblockhash`: the hash of the best block.
pub struct GetBestBlockHash;

impl RpcMethod for GetBestBlockHash {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "\"hex\"    (string) The hash of the best block",
        ..MethodSpec::new(
            "getbestblockhash",
            Category::Blockchain,
            "Returns the hash of the best (tip) block of the most-work chain.",
        )
    };
    type Params = NoParams;
    type Output = String;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<String, RpcError> {
        Ok(ctx.tip.borrow().hash.to_string())
    }
}

/// `getdifficulty`: the best block's difficulty.
pub struct GetDifficulty;

impl RpcMethod for GetDifficulty {
    const SPEC: &'static MethodSpec = &MethodSpec {
        result: "n.nnn    (numeric) The difficulty, relative to Bitcoin's difficulty-1 target (bits 1d00ffff)",
        ..MethodSpec::new(
            "getdifficulty",
            Category::Blockchain,
            "Returns the proof-of-work difficulty of the best block as a multiple of the minimum difficulty.",
        )
    };
    type Params = NoParams;
    type Output = f64;

    async fn handle(ctx: Arc<RpcContext>, _: NoParams) -> Result<f64, RpcError> {
        ctx.with_chain(|chain| {
            let bits = chain
                .index()
                .tip()
                .map(|e| e.header.bits.to_consensus())
                .unwrap_or(0);
            Ok(difficulty_of_bits(bits))
        })
        .await
    }
}

/// `getblockhash height`: the hash of the best chain's block at a height.
pub struct GetBlockHash;

#[derive(Debug, Deserialize)]
pub struct GetBlockHashParams {
    pub height: i64,
}

impl RpcMethod for GetBlockHash {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[ArgSpec::required(
            "height",
            ArgType::Numeric,
            "The height index",
        )],
        result: "\"hex\"    (string) The block hash",
        ..MethodSpec::new(
            "getblockhash",
            Category::Blockchain,
            "Returns the hash of the block at the given height in the best chain.",
        )
    };
    type Params = GetBlockHashParams;
    type Output = String;

    async fn handle(ctx: Arc<RpcContext>, params: GetBlockHashParams) -> Result<String, RpcError> {
        ctx.with_chain(move |chain| {
            u32::try_from(params.height)
                .ok()
                .and_then(|h| chain.index().active_at(h))
                .map(|h| h.to_string())
                .ok_or_else(|| RpcError::invalid_parameter("Block height out of range"))
        })
        .await
    }
}

/// `getblockheader "blockhash" ( verbose )`.
pub struct GetBlockHeader;

#[derive(Debug, Deserialize)]
pub struct GetBlockHeaderParams {
    pub blockhash: String,
    #[serde(default = "yes")]
    pub verbose: bool,
}

fn yes() -> bool {
    true
}

/// A header as hex (`verbose` false) or its fields.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum HeaderOutput {
    Hex(String),
    Verbose(Box<HeaderView>),
}

impl RpcMethod for GetBlockHeader {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("blockhash", ArgType::String, "The block hash"),
            ArgSpec::optional(
                "verbose",
                ArgType::Boolean,
                "true for an object, false for the hex-encoded header (with its AuxPoW, if any)",
            )
            .default("true"),
        ],
        result: "{ \"hash\", \"confirmations\", \"height\", \"version\", \"versionHex\", \"merkleroot\", \"time\", \"mediantime\", \"nonce\", \"bits\", \"difficulty\", \"chainwork\", \"nTx\", \"previousblockhash\", \"nextblockhash\", \"merge_mined\" }, or \"hex\" when verbose is false",
        ..MethodSpec::new(
            "getblockheader",
            Category::Blockchain,
            "Returns the header of a block, as an object or as hex.",
        )
    };
    type Params = GetBlockHeaderParams;
    type Output = HeaderOutput;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GetBlockHeaderParams,
    ) -> Result<HeaderOutput, RpcError> {
        let hash = parse_block_hash(&params.blockhash)?;
        ctx.with_chain(move |chain| {
            let entry = find_entry(chain, &hash)?;
            // The header record, not the block: a header costs a small read.
            let record = chain.header_record(&hash)?;
            if !params.verbose {
                let header = match &record {
                    Some(record) => encode::serialize(&record.header),
                    None => encode::serialize(&entry.header),
                };
                return Ok(HeaderOutput::Hex(hex::encode(header)));
            }
            let tx_count = record
                .filter(|_| entry.status.has(BlockStatus::HAVE_DATA))
                .map(|r| r.tx_count as usize);
            Ok(HeaderOutput::Verbose(Box::new(HeaderView::new(
                chain, &entry, tx_count,
            ))))
        })
        .await
    }
}

/// `getblock "blockhash" ( verbosity )`.
pub struct GetBlock;

#[derive(Debug, Deserialize)]
pub struct GetBlockParams {
    pub blockhash: String,
    /// Kept as JSON: Bitcoin Core takes a number or a boolean here, with its own
    /// messages for anything else (see [`verbosity`]).
    pub verbosity: Option<Value>,
}

/// A block as hex (verbosity 0) or its fields.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum BlockOutput {
    Hex(String),
    Verbose(Box<BlockView>),
}

impl RpcMethod for GetBlock {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("blockhash", ArgType::String, "The block hash"),
            ArgSpec::optional(
                "verbosity",
                ArgType::NumericOrBoolean,
                "0 for hex, 1 for an object with txids, 2 for an object with decoded transactions",
            )
            .default("1"),
        ],
        result: "\"hex\" (verbosity 0); the header's fields with \"size\", \"strippedsize\", \"weight\", \"tx\" (txids, or decoded at verbosity 2) and, for merge-mined blocks, \"auxpow\"",
        ..MethodSpec::new(
            "getblock",
            Category::Blockchain,
            "Returns a block, as hex or as an object.",
        )
    };
    type Params = GetBlockParams;
    type Output = BlockOutput;

    async fn handle(ctx: Arc<RpcContext>, params: GetBlockParams) -> Result<BlockOutput, RpcError> {
        let hash = parse_block_hash(&params.blockhash)?;
        let verbosity = verbosity(params.verbosity.as_ref())?;
        ctx.with_chain(move |chain| {
            let entry = find_entry(chain, &hash)?;
            if !entry.status.has(BlockStatus::HAVE_DATA) {
                return Err(RpcError::misc("Block not available (not fully downloaded)"));
            }
            if verbosity == 0 {
                let bytes = chain
                    .store()
                    .block_bytes(&hash)
                    .map_err(|e| RpcError::new(codes::RPC_DATABASE_ERROR, e.to_string()))?
                    .ok_or_else(|| RpcError::misc("Block not found on disk"))?;
                return Ok(BlockOutput::Hex(hex::encode(bytes)));
            }
            let block = chain
                .block(&hash)?
                .ok_or_else(|| RpcError::misc("Block not found on disk"))?;
            Ok(BlockOutput::Verbose(Box::new(BlockView::new(
                chain, &entry, &block, verbosity,
            ))))
        })
        .await
    }
}

/// `getblock`'s verbosity: absent is 1; Bitcoin Core accepts a boolean too (false = 0,
/// true = 1).
fn verbosity(value: Option<&Value>) -> Result<u8, RpcError> {
    match value {
        None => Ok(1),
        Some(Value::Bool(b)) => Ok(u8::from(*b)),
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|v| *v <= 3)
            .map(|v| v as u8)
            .ok_or_else(|| RpcError::invalid_parameter("verbosity must be 0, 1 or 2")),
        Some(_) => Err(RpcError::type_error("verbosity must be a number")),
    }
}

/// `gettxout "txid" n ( include_mempool )`.
pub struct GetTxOut;

#[derive(Debug, Deserialize)]
pub struct GetTxOutParams {
    pub txid: String,
    pub n: u32,
    #[serde(default = "yes")]
    pub include_mempool: bool,
}

/// An unspent output (null in the reply when spent or unknown).
#[derive(Debug, Clone, Serialize)]
pub struct TxOutInfo {
    pub bestblock: String,
    /// 0 for an output of a mempool transaction.
    pub confirmations: u32,
    pub value: f64,
    #[serde(rename = "scriptPubKey")]
    pub script_pub_key: ScriptView,
    pub coinbase: bool,
}

impl RpcMethod for GetTxOut {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[
            ArgSpec::required("txid", ArgType::String, "The transaction id"),
            ArgSpec::required("n", ArgType::Numeric, "The output number"),
            ArgSpec::optional(
                "include_mempool",
                ArgType::Boolean,
                "Whether to include the mempool (an output spent there is not returned)",
            )
            .default("true"),
        ],
        result: "null when spent or unknown, else { \"bestblock\", \"confirmations\", \"value\", \"scriptPubKey\", \"coinbase\" }",
        ..MethodSpec::new(
            "gettxout",
            Category::Blockchain,
            "Returns details about an unspent transaction output.",
        )
    };
    type Params = GetTxOutParams;
    type Output = Option<TxOutInfo>;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GetTxOutParams,
    ) -> Result<Option<TxOutInfo>, RpcError> {
        let txid = Txid::from_str(&params.txid)
            .map_err(|_| RpcError::invalid_parameter("txid must be of length 64 (hex)"))?;
        let include_mempool = params.include_mempool;
        ctx.with_chain_and_pool(move |chain, pool| {
            let outpoint = OutPoint {
                txid,
                vout: params.n,
            };
            let hrp = &chain.params().hrp;
            if include_mempool && pool.spender(&outpoint).is_some() {
                return Ok(None);
            }
            let Some(coin) = chain.coin(&outpoint)? else {
                return Ok(pool
                    .output(&outpoint)
                    .filter(|_| include_mempool)
                    .map(|output| TxOutInfo {
                        bestblock: chain.tip().hash.to_string(),
                        confirmations: 0,
                        value: coins(output.value),
                        script_pub_key: ScriptView::new(&output.script_pubkey, hrp),
                        coinbase: false,
                    }));
            };
            let tip = chain.tip();
            Ok(Some(TxOutInfo {
                bestblock: tip.hash.to_string(),
                confirmations: tip.height - coin.height + 1,
                value: coins(coin.output.value),
                script_pub_key: ScriptView::new(&coin.output.script_pubkey, hrp),
                coinbase: coin.is_coinbase,
            }))
        })
        .await
    }
}

/// `gettxoutsetinfo ( "hash_type" )`: statistics of the UTXO set.
pub struct GetTxOutSetInfo;

#[derive(Debug, Deserialize)]
pub struct GetTxOutSetInfoParams {
    /// Accepted for Bitcoin Core's clients; the digest is always sha256.
    #[allow(dead_code)]
    hash_type: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TxOutSetInfo {
    pub height: u32,
    pub bestblock: String,
    pub txouts: u64,
    pub transactions: u64,
    pub total_amount: f64,
    pub hash_serialized_sha256: String,
    pub disk_size: u64,
}

impl RpcMethod for GetTxOutSetInfo {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[ArgSpec::optional(
            "hash_type",
            ArgType::String,
            "Ignored: the digest is always a sha256 over the set in key order",
        )],
        result: "{ \"height\", \"bestblock\", \"txouts\", \"transactions\", \"total_amount\", \"hash_serialized_sha256\", \"disk_size\" }",
        ..MethodSpec::new(
            "gettxoutsetinfo",
            Category::Blockchain,
            "Returns statistics about the unspent transaction output set; equal digests mean equal sets.",
        )
    };
    type Params = GetTxOutSetInfoParams;
    type Output = TxOutSetInfo;

    async fn handle(
        ctx: Arc<RpcContext>,
        _: GetTxOutSetInfoParams,
    ) -> Result<TxOutSetInfo, RpcError> {
        ctx.with_chain(|chain| {
            let stats = chain.utxo_stats()?;
            Ok(TxOutSetInfo {
                height: stats.height,
                bestblock: stats.best_block.to_string(),
                txouts: stats.outputs,
                transactions: stats.transactions,
                total_amount: coins(stats.total_amount),
                hash_serialized_sha256: stats.hash.to_string(),
                disk_size: chain.store().stats().map(|s| s.disk_bytes).unwrap_or(0),
            })
        })
        .await
    }
}

pub(crate) fn parse_block_hash(text: &str) -> Result<BlockHash, RpcError> {
    if text.len() != 64 || !text.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(RpcError::invalid_parameter(format!(
            "blockhash must be of length 64 (not {}, for '{text}')",
            text.len()
        )));
    }
    BlockHash::from_str(text)
        .map_err(|_| RpcError::invalid_parameter("blockhash must be hexadecimal"))
}

fn find_entry(chain: &Chain, hash: &BlockHash) -> Result<IndexEntry, RpcError> {
    chain
        .index()
        .get(hash)
        .cloned()
        .ok_or_else(|| RpcError::new(codes::RPC_INVALID_ADDRESS_OR_KEY, "Block not found"))
}
