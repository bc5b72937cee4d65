//! Merged mining with Namecoin's semantics: `createauxblock ADDRESS`,
//! `submitauxblock HASH AUXPOW`, and `getauxblock` (no parameters: create for the node's
//! payout address; `HASH AUXPOW`: submit).
//!
//! The blocks handed out keep room for an AuxPoW of up to
//! [`venture_auxpow::MAX_AUXPOW_BYTES`]; a bigger one is refused at submission, since a
//! full block carrying it could exceed the block weight.

use super::blockchain::parse_block_hash;
use super::Methods;
use crate::method::{missing_parameter, ArgSpec, ArgType, Category, MethodSpec, RpcMethod};
use crate::{codes, Params, RpcContext, RpcError};
use bitcoin::consensus::encode;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use venture_auxpow::{check_auxpow_size, MAX_AUXPOW_BYTES};
use venture_mining::AuxBlockInfo;
use venture_primitives::{address_to_script, AuxPow};

pub fn register(methods: &mut Methods) {
    methods.add::<CreateAuxBlock>();
    methods.add::<SubmitAuxBlock>();
    methods.add::<GetAuxBlock>();
}

const ADDRESS_ARG: ArgSpec = ArgSpec::required(
    "address",
    ArgType::String,
    "The address the block's coinbase pays",
);
const HASH_ARG: ArgSpec = ArgSpec::required(
    "hash",
    ArgType::String,
    "The hash of the block, as createauxblock returned it",
);
const AUXPOW_ARG: ArgSpec = ArgSpec::required(
    "auxpow",
    ArgType::String,
    "The serialized AuxPoW proving the parent chain's work, hex",
);
const AUX_BLOCK_RESULT: &str = "{ \"hash\", \"chainid\", \"previousblockhash\", \"coinbasevalue\", \"bits\", \"height\", \"_target\", \"target\" }    (the targets little-endian hex, as Namecoin)";
const SUBMIT_RESULT: &str =
    "true|false    (boolean) whether the block was accepted (the reason for a refusal is logged)";

/// `createauxblock "address"`: a block to merge-mine.
pub struct CreateAuxBlock;

#[derive(Debug, Deserialize)]
pub struct CreateAuxBlockParams {
    pub address: String,
}

impl RpcMethod for CreateAuxBlock {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[ADDRESS_ARG],
        result: AUX_BLOCK_RESULT,
        usage_note: Some(create_usage_note),
        ..MethodSpec::new(
            "createauxblock",
            Category::Mining,
            "Creates a block to merge-mine, paying the address; it is kept until the tip changes.",
        )
    };
    type Params = CreateAuxBlockParams;
    type Output = AuxBlock;

    async fn handle(
        ctx: Arc<RpcContext>,
        params: CreateAuxBlockParams,
    ) -> Result<AuxBlock, RpcError> {
        create(&ctx, &params.address).await
    }
}

/// `createauxblock`'s usage states the AuxPoW allowance its blocks leave room for.
fn create_usage_note() -> String {
    format!(
        "(the block leaves room for an AuxPoW of up to {MAX_AUXPOW_BYTES} bytes; submitauxblock refuses bigger ones)"
    )
}

/// `submitauxblock "hash" "auxpow"`: a block created for merged mining, with its proof.
pub struct SubmitAuxBlock;

#[derive(Debug, Deserialize)]
pub struct SubmitAuxBlockParams {
    pub hash: String,
    pub auxpow: String,
}

impl RpcMethod for SubmitAuxBlock {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[HASH_ARG, AUXPOW_ARG],
        result: SUBMIT_RESULT,
        ..MethodSpec::new(
            "submitauxblock",
            Category::Mining,
            "Submits a solved AuxPoW for a block createauxblock handed out.",
        )
    };
    type Params = SubmitAuxBlockParams;
    type Output = bool;

    async fn handle(ctx: Arc<RpcContext>, params: SubmitAuxBlockParams) -> Result<bool, RpcError> {
        submit(&ctx, &params.hash, &params.auxpow).await
    }
}

/// `getauxblock ( "hash" "auxpow" )`: Namecoin's older interface, both in one method.
pub struct GetAuxBlock;

/// None (create) or both (submit); [`GetAuxBlock::decode`] refuses anything else.
#[derive(Debug, Deserialize)]
pub struct GetAuxBlockParams {
    pub hash: Option<String>,
    pub auxpow: Option<String>,
}

/// What `getauxblock` answers: a block, or whether the submitted one was accepted.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum GetAuxBlockOutput {
    Created(AuxBlock),
    Submitted(bool),
}

impl RpcMethod for GetAuxBlock {
    const SPEC: &'static MethodSpec = &MethodSpec {
        args: &[HASH_ARG.as_optional(), AUXPOW_ARG.as_optional()],
        result: "without arguments, as createauxblock; with both, as submitauxblock",
        ..MethodSpec::new(
            "getauxblock",
            Category::Mining,
            "Without arguments, createauxblock for the node's --mine-address; with both, submitauxblock.",
        )
    };
    type Params = GetAuxBlockParams;
    type Output = GetAuxBlockOutput;

    /// Namecoin's arity: no parameters or both, checked in order.
    fn decode(params: &Params) -> Result<GetAuxBlockParams, RpcError> {
        match params.len() {
            0 => Ok(GetAuxBlockParams {
                hash: None,
                auxpow: None,
            }),
            2 => {
                if params.get(0).is_none() {
                    return Err(missing_parameter(Self::SPEC, "hash"));
                }
                let decoded: GetAuxBlockParams = crate::params::decode(Self::SPEC, params)?;
                if decoded.auxpow.is_none() {
                    return Err(missing_parameter(Self::SPEC, "auxpow"));
                }
                Ok(decoded)
            }
            _ => Err(RpcError::misc(format!(
                "wrong number of parameters; usage: {}",
                Self::SPEC.usage()
            ))),
        }
    }

    async fn handle(
        ctx: Arc<RpcContext>,
        params: GetAuxBlockParams,
    ) -> Result<GetAuxBlockOutput, RpcError> {
        match (params.hash, params.auxpow) {
            (Some(hash), Some(auxpow)) => submit(&ctx, &hash, &auxpow)
                .await
                .map(GetAuxBlockOutput::Submitted),
            (None, None) => {
                let address = ctx.payout_address.clone().ok_or_else(|| {
                    RpcError::misc("getauxblock without parameters needs a payout address: start the node with --mine-address (or use createauxblock ADDRESS)")
                })?;
                create(&ctx, &address).await.map(GetAuxBlockOutput::Created)
            }
            (None, Some(_)) => Err(missing_parameter(Self::SPEC, "hash")),
            (Some(_), None) => Err(missing_parameter(Self::SPEC, "auxpow")),
        }
    }
}

/// Namecoin's `auxMiningCheck`, the part that needs the network: a node with no peers
/// would mine on a tip nobody else sees (development chains mine alone on purpose).
async fn check_connected(ctx: &Arc<RpcContext>) -> Result<(), RpcError> {
    if ctx.params.is_development() {
        return Ok(());
    }
    let peers = match &ctx.network {
        Some(network) => network.connection_count().await.unwrap_or(0),
        None => 0,
    };
    if peers == 0 {
        return Err(RpcError::new(
            codes::RPC_CLIENT_NOT_CONNECTED,
            "Venture is not connected!",
        ));
    }
    Ok(())
}

/// The rest of `auxMiningCheck`: caught up, and merged mining active for the next block.
fn check_active(chain: &venture_chain::Chain) -> Result<(), RpcError> {
    if chain.is_initial_download() && !chain.params().is_development() {
        return Err(RpcError::new(
            codes::RPC_CLIENT_IN_INITIAL_DOWNLOAD,
            "Venture is downloading blocks...",
        ));
    }
    if !chain.params().merge_mining_active(chain.height() + 1) {
        return Err(RpcError::misc(
            "mining auxblock method is not yet available",
        ));
    }
    Ok(())
}

async fn create(ctx: &Arc<RpcContext>, address: &str) -> Result<AuxBlock, RpcError> {
    let payout = address_to_script(&ctx.params.hrp, address).map_err(|e| {
        RpcError::new(
            codes::RPC_INVALID_ADDRESS_OR_KEY,
            format!("Invalid coinbase payout address: {e}"),
        )
    })?;
    check_connected(ctx).await?;
    let inner = ctx.clone();
    let info = ctx
        .with_chain_and_pool(move |chain, pool| {
            check_active(chain)?;
            inner
                .aux_blocks
                .create(chain, pool, &payout)
                .map_err(|e| RpcError::internal(e.to_string()))
        })
        .await?;
    Ok(AuxBlock::from(&info))
}

/// A block to merge-mine, in Namecoin's fields, plus `target` (the same little-endian
/// hex as `_target`) for pools that read only that key.
#[derive(Debug, Clone, Serialize)]
pub struct AuxBlock {
    pub hash: String,
    pub chainid: u32,
    pub previousblockhash: String,
    pub coinbasevalue: u64,
    pub bits: String,
    pub height: u32,
    /// Namecoin's key.
    #[serde(rename = "_target")]
    pub target_le: String,
    pub target: String,
}

impl From<&AuxBlockInfo> for AuxBlock {
    fn from(info: &AuxBlockInfo) -> AuxBlock {
        let target = hex::encode(info.target.to_le_bytes());
        AuxBlock {
            hash: info.hash.to_string(),
            chainid: info.chain_id,
            previousblockhash: info.previous_block_hash.to_string(),
            coinbasevalue: info.coinbase_value,
            bits: format!("{:08x}", info.bits),
            height: info.height,
            target_le: target.clone(),
            target,
        }
    }
}

async fn submit(ctx: &Arc<RpcContext>, hash_hex: &str, auxpow_hex: &str) -> Result<bool, RpcError> {
    check_connected(ctx).await?;
    let hash = parse_block_hash(hash_hex)
        .map_err(|_| RpcError::invalid_parameter("invalid block hash hex"))?;
    let tip = ctx.with_chain(|chain| Ok(chain.tip().hash)).await?;
    let mut block = ctx
        .aux_blocks
        .lookup(&hash, &tip)
        .ok_or_else(|| RpcError::invalid_parameter("block hash unknown"))?;
    let bytes = hex::decode(auxpow_hex.trim())
        .map_err(|_| RpcError::new(codes::RPC_DESERIALIZATION_ERROR, "auxpow is not valid hex"))?;
    // The block was built with room for this much AuxPoW and no more: a bigger one could
    // push it over the block weight. Refused before decoding, so it changes nothing.
    check_auxpow_size(bytes.len()).map_err(|e| RpcError::invalid_parameter(e.to_string()))?;
    let auxpow: AuxPow = encode::deserialize(&bytes).map_err(|e| {
        RpcError::new(
            codes::RPC_DESERIALIZATION_ERROR,
            format!("auxpow decode failed: {e}"),
        )
    })?;
    block.header.auxpow = Some(Box::new(auxpow));
    ctx.with_chain(move |chain| {
        check_active(chain)?;
        // Namecoin returns whether the block was accepted (stored, on the best chain or
        // not), not why it was refused; the reason goes to the log.
        match chain.process_block(block, false) {
            Ok(_) => Ok(true),
            Err(e) => {
                tracing::info!(%hash, "submitauxblock rejected: {e}");
                Ok(false)
            }
        }
    })
    .await
}
