//! Vectors of real data that must be accepted: headers (and full blocks), AuxPoWs without
//! their child header, merkle branches, and `getExpectedIndex` tuples.

use std::str::FromStr;

use bitcoin::consensus::encode::{deserialize, deserialize_partial, serialize, Decodable};
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, Transaction, TxMerkleNode};
use serde_json::Value;
use venture_auxpow::{
    check_merge_mined, check_merkle_branch, get_expected_index, merkle_root, AuxHeader, AuxPow,
};
use venture_pow::PowAlgorithm;

use crate::chains::params_of_json;
use crate::decode::{describe_header, outcome};
use crate::VerifyReport;

/// A required string field, or a problem naming it.
pub(crate) fn text<'a>(json: &'a Value, key: &str) -> Result<&'a str, String> {
    json.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("field `{key}` is missing or not a string"))
}

/// Hex of a whole object of type `T`: the value and the bytes it came from.
pub(crate) fn decode_exact<T: Decodable>(
    hex_text: &str,
    what: &str,
) -> Result<(T, Vec<u8>), String> {
    let bytes = hex::decode(hex_text).map_err(|err| format!("{what} is not hex: {err}"))?;
    let value = deserialize(&bytes).map_err(|err| format!("{what} does not decode: {err}"))?;
    Ok((value, bytes))
}

/// A hash written in display order.
pub(crate) fn display_hash<T: FromStr>(json: &Value, key: &str) -> Result<T, String> {
    let value = text(json, key)?;
    value
        .parse()
        .map_err(|_| format!("`{key}` is not a 32-byte hash: {value}"))
}

/// Compact bits written as hex (`"1b00b269"` or `"0x1b00b269"`).
pub(crate) fn bits_field(json: &Value, key: &str) -> Result<u32, String> {
    let value = text(json, key)?;
    u32::from_str_radix(value.trim_start_matches("0x"), 16)
        .map_err(|_| format!("`{key}` is not compact bits: {value}"))
}

fn compare(problems: &mut Vec<String>, what: &str, ours: impl ToString, theirs: impl ToString) {
    let (ours, theirs) = (ours.to_string(), theirs.to_string());
    if ours != theirs {
        problems.push(format!("{what}: ours {ours}, vector {theirs}"));
    }
}

/// Compares every field of the vector's `expected` object with ours, recursively.
fn compare_fields(problems: &mut Vec<String>, path: &str, theirs: &Value, ours: &Value) {
    let Some(fields) = theirs.as_object() else {
        return;
    };
    for (key, expected) in fields {
        let at = format!("{path}.{key}");
        match ours.get(key) {
            None => problems.push(format!("{at}: not produced by the decoder")),
            Some(actual) if expected.is_object() => compare_fields(problems, &at, expected, actual),
            Some(actual) if actual != expected => {
                problems.push(format!("{at}: ours {actual}, vector {expected}"));
            }
            Some(_) => {}
        }
    }
}

/// A real header (`header_with_auxpow_hex`), possibly with its full block.
pub(crate) fn header_vector(json: &Value, file_name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let params = match params_of_json(json, file_name) {
        Ok(params) => params,
        Err(problem) => return vec![problem],
    };
    let (header, bytes) = match text(json, "header_with_auxpow_hex")
        .and_then(|hex_text| decode_exact::<AuxHeader>(hex_text, "header"))
    {
        Ok(decoded) => decoded,
        Err(problem) => return vec![problem],
    };
    if serialize(&header) != bytes {
        problems.push("re-encoding differs from the input bytes".into());
    }
    if let Ok(expected) = text(json, "expected_hash") {
        compare(&mut problems, "block hash", header.block_hash(), expected);
    }
    if let Ok(expected) = text(json, "prev_hash") {
        compare(
            &mut problems,
            "prev hash",
            header.pure.prev_blockhash,
            expected,
        );
    }

    let described = describe_header(&header, &params);
    if let Some(decoded) = json.get("decoded") {
        compare_fields(&mut problems, "decoded", decoded, &described);
    }
    let verdict = described["check_result"].as_str().unwrap_or_default();
    match json.get("expected_valid").and_then(Value::as_bool) {
        Some(true) if verdict != "ok" => problems.push(format!("full check fails: {verdict}")),
        Some(false) if verdict == "ok" => {
            problems.push("full check passes an invalid header".into())
        }
        Some(_) => {}
        None => problems.push("field `expected_valid` is missing".into()),
    }

    if let Ok(block_hex) = text(json, "full_block_hex") {
        full_block(&mut problems, json, &header, block_hex);
    }
    problems
}

/// A full block: it starts with the header, and its transactions have the listed ids and
/// the header's merkle root.
fn full_block(problems: &mut Vec<String>, json: &Value, header: &AuxHeader, block_hex: &str) {
    let block = match hex::decode(block_hex) {
        Ok(block) => block,
        Err(err) => return problems.push(format!("full block is not hex: {err}")),
    };
    let (prefix, used) = match deserialize_partial::<AuxHeader>(&block) {
        Ok(decoded) => decoded,
        Err(err) => return problems.push(format!("full block's header does not decode: {err}")),
    };
    if &prefix != header {
        problems.push("full block starts with a different header".into());
    }
    let txs: Vec<Transaction> = match deserialize(block.get(used..).unwrap_or_default()) {
        Ok(txs) => txs,
        Err(err) => {
            return problems.push(format!("full block's transactions do not decode: {err}"))
        }
    };
    let txids: Vec<String> = txs.iter().map(|tx| tx.compute_txid().to_string()).collect();
    if let Some(expected) = json.get("expected_txids") {
        compare(problems, "txids", Value::from(txids.clone()), expected);
    }
    let leaves: Vec<TxMerkleNode> = txs
        .iter()
        .map(|tx| TxMerkleNode::from_byte_array(tx.compute_txid().to_byte_array()))
        .collect();
    match merkle_root(&leaves) {
        Some(root) => compare(problems, "block merkle root", root, header.pure.merkle_root),
        None => problems.push("full block has no transactions".into()),
    }
}

/// An AuxPoW without its child header (`auxpow_hex`, usually with `aux_block_hash`).
pub(crate) fn auxpow_vector(json: &Value, file_name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let (auxpow, bytes) = match text(json, "auxpow_hex")
        .and_then(|hex_text| decode_exact::<AuxPow>(hex_text, "auxpow"))
    {
        Ok(decoded) => decoded,
        Err(problem) => return vec![problem],
    };
    let must_round_trip = json
        .get("expected_roundtrip_byte_exact")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let round_trips = serialize(&auxpow) == bytes;
    if must_round_trip && !round_trips {
        problems.push("re-encoding differs from the input bytes".into());
    }

    let aux_hash = json
        .get("aux_block_hash")
        .map(|_| display_hash::<BlockHash>(json, "aux_block_hash"))
        .transpose();
    let aux_hash = match aux_hash {
        Ok(hash) => hash,
        Err(problem) => return vec![problem],
    };
    if let (Some(aux_hash), Ok(root)) = (aux_hash, text(json, "expected_chain_merkle_root_display"))
    {
        compare(
            &mut problems,
            "chain merkle root",
            auxpow.chain_merkle_root(aux_hash),
            root,
        );
    }
    if let (Some(aux_hash), Some(_)) = (aux_hash, json.get("our_chain_id")) {
        check_against_chain(&mut problems, json, file_name, &auxpow, aux_hash);
    }
    if let Some(expected) = json.get("expected") {
        compare_expected(&mut problems, &auxpow, round_trips, expected);
    }
    problems
}

fn check_against_chain(
    problems: &mut Vec<String>,
    json: &Value,
    file_name: &str,
    auxpow: &AuxPow,
    aux_hash: BlockHash,
) {
    let params = match params_of_json(json, file_name) {
        Ok(params) => params,
        Err(problem) => return problems.push(problem),
    };
    let expected = match json.get("check_result").and_then(Value::as_str) {
        Some(result) => result.to_string(),
        None if json.get("expected_valid") == Some(&Value::Bool(true)) => "ok".into(),
        None => return problems.push("cannot tell the expected check result".into()),
    };
    let structure = outcome(auxpow.check(aux_hash, params.chain_id, params.strict_chain_id));
    compare(problems, "check", &structure, &expected);
    if let Ok(child_bits) = bits_field(json, "child_bits") {
        let full = check_merge_mined(auxpow, aux_hash, params.chain_id, child_bits, &params);
        compare(
            problems,
            "check with parent proof of work",
            outcome(full),
            &expected,
        );
    }
}

/// The `expected` object of an AuxPoW-only vector.
fn compare_expected(
    problems: &mut Vec<String>,
    auxpow: &AuxPow,
    round_trips: bool,
    expected: &Value,
) {
    let ours = serde_json::json!({
        "coinbase_txid": auxpow.coinbase_txid().to_string(),
        "coinbase_branch_len": auxpow.coinbase_branch.len(),
        "chain_branch_len": auxpow.chain_branch.len(),
        "chain_index": auxpow.chain_index,
        "parent_sha256d_hash": auxpow.parent_hash().to_string(),
        "parent_merkle_root": auxpow.parent_header.merkle_root.to_string(),
        "parent_scrypt_pow_hash": auxpow.parent_pow_hash(PowAlgorithm::Scrypt).to_display_hex(),
        "serialize_roundtrip_byte_exact": round_trips,
    });
    compare_fields(problems, "expected", expected, &ours);
}

/// A serialized merkle branch (`serialized_hex`: count, hashes, index).
pub(crate) fn branch_vector(json: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let bytes = match text(json, "serialized_hex").and_then(|hex_text| {
        hex::decode(hex_text).map_err(|err| format!("serialized_hex is not hex: {err}"))
    }) {
        Ok(bytes) => bytes,
        Err(problem) => return vec![problem],
    };
    let decoded = deserialize_partial::<Vec<TxMerkleNode>>(&bytes).and_then(|(branch, used)| {
        deserialize::<i32>(bytes.get(used..).unwrap_or_default()).map(|index| (branch, index))
    });
    let (branch, index) = match decoded {
        Ok(decoded) => decoded,
        Err(err) => return vec![format!("branch does not decode: {err}")],
    };
    let mut reencoded = serialize(&branch);
    reencoded.extend(serialize(&index));
    if reencoded != bytes {
        problems.push("re-encoding differs from the input bytes".into());
    }
    let display: Vec<String> = branch.iter().map(ToString::to_string).collect();
    for key in ["branch_display", "expected_branch_display"] {
        if let Some(expected) = json.get(key) {
            compare(&mut problems, key, Value::from(display.clone()), expected);
        }
    }
    if let Some(expected) = json.get("index") {
        compare(&mut problems, "index", index, expected);
    }
    if json.get("aux_block_hash").is_some() {
        match display_hash::<BlockHash>(json, "aux_block_hash") {
            Ok(aux_hash) => {
                let leaf = TxMerkleNode::from_byte_array(aux_hash.to_byte_array());
                let root = check_merkle_branch(leaf, &branch, index);
                for key in ["expected_root_display", "expected_root_display_from_source"] {
                    if let Ok(expected) = text(json, key) {
                        compare(&mut problems, key, root, expected);
                    }
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    problems
}

/// Whether a JSON file holds `getExpectedIndex` tuples (arrays of objects with `nonce`,
/// `chain_id`, `merkle_height` and `expected_index`).
pub(crate) fn is_index_file(json: &Value) -> bool {
    json.as_object().is_some_and(|fields| {
        fields
            .values()
            .filter_map(Value::as_array)
            .flatten()
            .any(|row| row.get("expected_index").is_some())
    })
}

/// Each `getExpectedIndex` tuple is one vector.
pub(crate) fn index_vectors(json: &Value, label: &str, report: &mut VerifyReport) {
    let Some(fields) = json.as_object() else {
        return;
    };
    for (group, rows) in fields {
        let Some(rows) = rows.as_array() else {
            continue;
        };
        for (position, row) in rows.iter().enumerate() {
            if row.get("expected_index").is_none() {
                continue;
            }
            let problems = match index_row(row) {
                Ok(None) => vec![],
                Ok(Some(problem)) | Err(problem) => vec![problem],
            };
            report.record(&format!("{label}: {group}[{position}]"), problems);
        }
    }
}

fn index_row(row: &Value) -> Result<Option<String>, String> {
    let number = |key: &str| {
        row.get(key)
            .and_then(Value::as_i64)
            .ok_or_else(|| format!("field `{key}` is missing or not an integer"))
    };
    let out_of_range = |key: &str| format!("field `{key}` is out of range");
    let nonce = u32::try_from(number("nonce")?).map_err(|_| out_of_range("nonce"))?;
    let chain_id = i32::try_from(number("chain_id")?).map_err(|_| out_of_range("chain_id"))?;
    let height =
        u32::try_from(number("merkle_height")?).map_err(|_| out_of_range("merkle_height"))?;
    let expected = number("expected_index")?;
    let ours = i64::from(get_expected_index(nonce, chain_id, height));
    Ok((ours != expected).then(|| {
        format!("getExpectedIndex({nonce}, {chain_id}, {height}): ours {ours}, vector {expected}")
    }))
}
