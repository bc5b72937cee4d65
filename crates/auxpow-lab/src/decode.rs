//! One header, with its AuxPoW, as readable JSON.
//!
//! Field names follow the `decoded` sections of the published vectors, so that the
//! verifier can compare our reading of a header with theirs field by field. Hashes are in
//! display order (reversed), bits and versions in hex.

use bitcoin::consensus::encode::{deserialize, serialize};
use serde_json::{json, Map, Value};
use venture_auxpow::{
    check_header_pow, check_merge_mined, header_bytes, version, AuxHeader, AuxPow, AuxPowParams,
    LegacyRule,
};
use venture_pow::{check_proof_of_work, PowAlgorithm, Target, U256};

use crate::LabError;

/// Decodes one serialized header (80 bytes, plus an AuxPoW when the version says so) and
/// describes it as JSON, including the result of the full check.
///
/// The check uses Namecoin's rules with `chain_id` as our strict chain id, `parent_pow` for
/// the parent block and also for a plain header's own proof of work (true of Namecoin,
/// sha256d, and Dogecoin, scrypt), and no proof-of-work limit beyond what nBits can encode,
/// since the chain's limit is not known here. For a chain's exact rules, use
/// [`describe_header`] with its parameters (for example
/// [`crate::ReferenceChain::params`]).
pub fn decode_header_hex(
    hex_text: &str,
    chain_id: i32,
    parent_pow: PowAlgorithm,
) -> Result<Value, LabError> {
    let bytes = hex::decode(hex_text.trim())?;
    let header: AuxHeader = deserialize(&bytes)?;
    let params = AuxPowParams {
        chain_id,
        strict_chain_id: true,
        legacy: LegacyRule::Namecoin,
        native_pow: parent_pow,
        parent_pow,
        pow_limit: Target(U256::MAX),
    };
    Ok(describe_header(&header, &params))
}

/// Describes a decoded header as JSON and checks it with `params`.
pub fn describe_header(header: &AuxHeader, params: &AuxPowParams) -> Value {
    let pure = &header.pure;
    let bits = pure.bits.to_consensus();
    let mut fields = Map::new();
    fields.insert("hash".into(), json!(header.block_hash().to_string()));
    fields.insert(
        "computed_hash".into(),
        json!(header.block_hash().to_string()),
    );
    fields.insert(
        "version".into(),
        json!(format!("{:#010x}", header.version())),
    );
    fields.insert("chain_id_from_version".into(), json!(header.chain_id()));
    fields.insert("auxpow_flag".into(), json!(header.has_auxpow_flag()));
    fields.insert("prev_hash".into(), json!(pure.prev_blockhash.to_string()));
    fields.insert("merkle_root".into(), json!(pure.merkle_root.to_string()));
    fields.insert("time".into(), json!(pure.time));
    fields.insert("bits".into(), json!(format!("{bits:08x}")));
    fields.insert("nonce".into(), json!(pure.nonce));
    match &header.auxpow {
        Some(auxpow) => {
            fields.insert("auxpow".into(), describe_auxpow(header, auxpow, params));
        }
        None => {
            let pow = params.native_pow.hash(&header.pure_bytes());
            let meets = check_proof_of_work(&pow, bits, &params.pow_limit).is_ok();
            fields.insert("pow_hash".into(), json!(pow.to_display_hex()));
            fields.insert("pow_meets_bits".into(), json!(meets));
        }
    }
    fields.insert(
        "check_result".into(),
        json!(outcome(check_header_pow(header, params))),
    );
    Value::Object(fields)
}

fn describe_auxpow(header: &AuxHeader, auxpow: &AuxPow, params: &AuxPowParams) -> Value {
    let block_hash = header.block_hash();
    let bits = header.pure.bits.to_consensus();
    let coinbase = &auxpow.coinbase_tx;
    let script = coinbase
        .input
        .first()
        .map(|input| hex::encode(input.script_sig.as_bytes()));
    let commitment = auxpow.locate_commitment(block_hash);
    let parent = &auxpow.parent_header;
    let parent_version = parent.version.to_consensus();
    let parent_pow = auxpow.parent_pow_hash(params.parent_pow);
    let merge_mined = check_merge_mined(auxpow, block_hash, header.chain_id(), bits, params);
    json!({
        "auxpow_offset": 80,
        "auxpow_len": serialize(auxpow).len(),
        "parent_coinbase_txid": auxpow.coinbase_txid().to_string(),
        "parent_coinbase_hex": hex::encode(auxpow.coinbase_bytes()),
        "parent_coinbase_segwit_serialized":
            coinbase.input.iter().any(|input| !input.witness.is_empty()),
        "parent_coinbase_nvout": coinbase.output.len(),
        "parent_coinbase_scriptsig": script,
        "hashBlock": auxpow.hash_block.to_string(),
        "coinbase_merkle_branch": display_all(&auxpow.coinbase_branch),
        "nIndex": auxpow.coinbase_index,
        "chain_merkle_branch": display_all(&auxpow.chain_branch),
        "chain_index": auxpow.chain_index,
        "chain_merkle_root_in_coinbase": auxpow.chain_merkle_root(block_hash).to_string(),
        "root_offset_in_scriptsig": commitment.map(|found| found.root_offset),
        "magic_offset_in_scriptsig":
            commitment.map(|found| found.magic_offset.map_or(-1, |offset| offset as i64)),
        "mm_tree_size": commitment.and_then(|found| found.tree_size),
        "mm_nonce": commitment.and_then(|found| found.nonce),
        "parent_hash": auxpow.parent_hash().to_string(),
        "parent_header_hex": hex::encode(header_bytes(parent)),
        "parent_version": format!("{parent_version:#010x}"),
        "parent_chain_id_from_version": version::chain_id(parent_version),
        "parent_prev_hash": parent.prev_blockhash.to_string(),
        "parent_merkle_root": parent.merkle_root.to_string(),
        "parent_time": parent.time,
        "parent_bits": format!("{:08x}", parent.bits.to_consensus()),
        "parent_nonce": parent.nonce,
        "parent_sha256d_hash": auxpow.parent_hash().to_string(),
        "parent_pow_algorithm": params.parent_pow.name(),
        "parent_pow_hash": parent_pow.to_display_hex(),
        "parent_pow_meets_child_bits":
            check_proof_of_work(&parent_pow, bits, &params.pow_limit).is_ok(),
        "structure_check_result":
            outcome(auxpow.check(block_hash, header.chain_id(), params.strict_chain_id)),
        "check_result": outcome(merge_mined),
    })
}

fn display_all<T: ToString>(items: &[T]) -> Vec<String> {
    items.iter().map(ToString::to_string).collect()
}

/// `"ok"`, or the reason the check failed.
pub(crate) fn outcome<E: ToString>(result: Result<(), E>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(err) => err.to_string(),
    }
}
