//! Every file of `auxpow/valid/`: real Namecoin and Dogecoin headers, AuxPoWs and merkle
//! branches must decode, re-encode byte for byte, hash to the published block hash, agree
//! with the published decoded fields, and pass the full check.

mod common;

use bitcoin::consensus::encode::{deserialize, deserialize_partial, serialize};
use bitcoin::hashes::Hash;
use bitcoin::{BlockHash, TxMerkleNode};
use common::*;
use serde_json::Value;
use std::path::Path;
use venture_auxpow::{
    check_header_pow, check_merge_mined, check_merkle_branch, header_bytes, version, AuxHeader,
    AuxPow,
};
use venture_pow::{check_proof_of_work, PowAlgorithm};

#[test]
fn every_valid_vector_passes() {
    let Some(dir) = vector_path("auxpow/valid") else {
        return;
    };
    let files = json_files(&dir);
    assert!(
        files.len() >= 50,
        "expected the full valid set, found {}",
        files.len()
    );
    let (mut headers, mut auxpows, mut branches) = (0, 0, 0);
    for path in &files {
        let json = load_json(path);
        if json.get("header_with_auxpow_hex").is_some() {
            check_header_vector(&json, path);
            headers += 1;
        } else if json.get("auxpow_hex").is_some() {
            check_auxpow_only_vector(&json, path);
            auxpows += 1;
        } else if json.get("serialized_hex").is_some() {
            check_branch_vector(&json, path);
            branches += 1;
        } else {
            panic!("{}: unknown vector format", path.display());
        }
    }
    eprintln!("valid: {headers} headers, {auxpows} auxpow-only, {branches} merkle branches");
    assert_eq!(headers + auxpows + branches, files.len());
}

fn check_header_vector(json: &Value, path: &Path) {
    let name = path.display();
    let hex_text = str_field(json, "header_with_auxpow_hex").unwrap();
    let raw = bytes(hex_text);
    let header: AuxHeader =
        deserialize(&raw).unwrap_or_else(|err| panic!("{name}: does not decode: {err}"));
    assert_eq!(serialize(&header), raw, "{name}: re-encoding differs");
    assert_eq!(
        header.block_hash().to_string(),
        str_field(json, "expected_hash").unwrap(),
        "{name}: block hash"
    );
    if let Some(prev) = str_field(json, "prev_hash") {
        assert_eq!(
            header.pure.prev_blockhash.to_string(),
            prev,
            "{name}: prev hash"
        );
    }

    let params = params_for(json, path);
    let result = check_header_pow(&header, &params);
    assert_eq!(json["expected_valid"], Value::Bool(true), "{name}");
    assert_eq!(result, Ok(()), "{name}: full check");

    if let Some(decoded) = json.get("decoded") {
        compare_decoded(&header, decoded, &params, path);
    }

    if let Some(block_hex) = str_field(json, "full_block_hex") {
        // The block starts with the header and its AuxPoW; the transactions that follow
        // belong to the block crate's tests.
        let (prefix, consumed): (AuxHeader, usize) =
            deserialize_partial(&bytes(block_hex)).unwrap();
        assert_eq!(prefix, header, "{name}: block prefix");
        assert_eq!(consumed, raw.len(), "{name}: block prefix length");
    }
}

fn compare_decoded(
    header: &AuxHeader,
    decoded: &Value,
    params: &venture_auxpow::AuxPowParams,
    path: &Path,
) {
    let name = path.display();
    let pure = &header.pure;
    assert_eq!(
        decoded["version"],
        format!("{:#010x}", header.version()),
        "{name}"
    );
    assert_eq!(
        decoded["chain_id_from_version"],
        header.chain_id(),
        "{name}"
    );
    assert_eq!(decoded["auxpow_flag"], header.has_auxpow_flag(), "{name}");
    assert_eq!(
        decoded["prev_hash"],
        pure.prev_blockhash.to_string(),
        "{name}"
    );
    assert_eq!(
        decoded["merkle_root"],
        pure.merkle_root.to_string(),
        "{name}"
    );
    assert_eq!(decoded["time"], pure.time, "{name}");
    assert_eq!(
        decoded["bits"],
        format!("{:08x}", pure.bits.to_consensus()),
        "{name}"
    );
    assert_eq!(decoded["nonce"], pure.nonce, "{name}");
    assert_eq!(
        decoded["computed_hash"],
        header.block_hash().to_string(),
        "{name}"
    );

    let Some(auxpow) = &header.auxpow else {
        assert!(decoded.get("auxpow").is_none(), "{name}: auxpow expected");
        let pow = params.native_pow.hash(&header.pure_bytes());
        assert_eq!(
            decoded["pow_hash"],
            pow.to_display_hex(),
            "{name}: pow hash"
        );
        return;
    };
    let expected = &decoded["auxpow"];
    assert_eq!(
        expected["auxpow_len"],
        serialize(auxpow.as_ref()).len(),
        "{name}"
    );
    assert_eq!(
        expected["parent_coinbase_txid"],
        auxpow.coinbase_txid().to_string(),
        "{name}"
    );
    let has_witness = auxpow
        .coinbase_tx
        .input
        .iter()
        .any(|i| !i.witness.is_empty());
    assert_eq!(
        expected["parent_coinbase_segwit_serialized"], has_witness,
        "{name}"
    );
    assert_eq!(
        expected["parent_coinbase_nvout"],
        auxpow.coinbase_tx.output.len(),
        "{name}"
    );
    let script = auxpow.coinbase_tx.input[0].script_sig.as_bytes();
    assert_eq!(
        expected["parent_coinbase_scriptsig"],
        hex::encode(script),
        "{name}"
    );
    assert_eq!(
        expected["hashBlock"],
        auxpow.hash_block.to_string(),
        "{name}"
    );
    assert_eq!(
        expected["coinbase_merkle_branch"],
        display_list(&auxpow.coinbase_branch),
        "{name}"
    );
    assert_eq!(expected["nIndex"], auxpow.coinbase_index, "{name}");
    assert_eq!(
        expected["chain_merkle_branch"],
        display_list(&auxpow.chain_branch),
        "{name}"
    );
    assert_eq!(expected["chain_index"], auxpow.chain_index, "{name}");
    let root = auxpow.chain_merkle_root(header.block_hash());
    assert_eq!(
        expected["chain_merkle_root_in_coinbase"],
        root.to_string(),
        "{name}"
    );
    let found = auxpow.locate_commitment(header.block_hash()).unwrap();
    assert_eq!(
        expected["root_offset_in_scriptsig"], found.root_offset,
        "{name}"
    );
    let magic = found.magic_offset.map_or(-1, |offset| offset as i64);
    assert_eq!(expected["magic_offset_in_scriptsig"], magic, "{name}");
    assert_eq!(expected["mm_tree_size"], found.tree_size.unwrap(), "{name}");
    assert_eq!(expected["mm_nonce"], found.nonce.unwrap(), "{name}");
    let parent = &auxpow.parent_header;
    assert_eq!(
        expected["parent_header_hex"],
        hex::encode(header_bytes(parent)),
        "{name}"
    );
    assert_eq!(
        expected["parent_version"],
        format!("{:#010x}", parent.version.to_consensus()),
        "{name}"
    );
    assert_eq!(
        expected["parent_chain_id_from_version"],
        version::chain_id(parent.version.to_consensus()),
        "{name}"
    );
    assert_eq!(
        expected["parent_sha256d_hash"],
        auxpow.parent_hash().to_string(),
        "{name}"
    );
    let parent_pow = auxpow.parent_pow_hash(params.parent_pow);
    assert_eq!(
        expected["parent_pow_hash"],
        parent_pow.to_display_hex(),
        "{name}"
    );
    assert_eq!(expected["check_result"], "ok", "{name}");
}

fn display_list(nodes: &[TxMerkleNode]) -> Value {
    nodes
        .iter()
        .map(|node| Value::from(node.to_string()))
        .collect()
}

fn check_auxpow_only_vector(json: &Value, path: &Path) {
    let name = path.display();
    let raw = bytes(str_field(json, "auxpow_hex").unwrap());
    let auxpow: AuxPow = deserialize(&raw).unwrap_or_else(|err| panic!("{name}: {err}"));
    assert_eq!(serialize(&auxpow), raw, "{name}: re-encoding differs");

    let aux_hash = str_field(json, "aux_block_hash").map(block_hash);
    if let (Some(aux_hash), Some(root)) = (
        aux_hash,
        str_field(json, "expected_chain_merkle_root_display"),
    ) {
        assert_eq!(
            auxpow.chain_merkle_root(aux_hash).to_string(),
            root,
            "{name}: chain root"
        );
    }
    if json.get("our_chain_id").is_some() {
        let params = params_for(json, path);
        let aux_hash = aux_hash.unwrap();
        assert_eq!(json["expected_valid"], Value::Bool(true), "{name}");
        assert_eq!(
            auxpow.check(aux_hash, params.chain_id, params.strict_chain_id),
            Ok(()),
            "{name}"
        );
        let child_bits = bits(str_field(json, "child_bits").unwrap());
        let result = check_merge_mined(&auxpow, aux_hash, params.chain_id, child_bits, &params);
        assert_eq!(result, Ok(()), "{name}: with parent proof of work");
    }
    if let Some(expected) = json.get("expected") {
        assert_eq!(
            expected["coinbase_txid"],
            auxpow.coinbase_txid().to_string(),
            "{name}"
        );
        assert_eq!(
            expected["coinbase_branch_len"],
            auxpow.coinbase_branch.len(),
            "{name}"
        );
        assert_eq!(
            expected["chain_branch_len"],
            auxpow.chain_branch.len(),
            "{name}"
        );
        assert_eq!(expected["chain_index"], auxpow.chain_index, "{name}");
        assert_eq!(
            expected["parent_sha256d_hash"],
            auxpow.parent_hash().to_string(),
            "{name}"
        );
        assert_eq!(
            expected["parent_merkle_root"],
            auxpow.parent_header.merkle_root.to_string(),
            "{name}"
        );
        let scrypt = auxpow.parent_pow_hash(PowAlgorithm::Scrypt);
        assert_eq!(
            expected["parent_scrypt_pow_hash"],
            scrypt.to_display_hex(),
            "{name}"
        );
    }
}

fn check_branch_vector(json: &Value, path: &Path) {
    let name = path.display();
    let raw = bytes(str_field(json, "serialized_hex").unwrap());
    let (branch, used): (Vec<TxMerkleNode>, usize) = deserialize_partial(&raw).unwrap();
    let index: i32 = deserialize(&raw[used..]).unwrap();
    let mut reencoded = serialize(&branch);
    reencoded.extend(serialize(&index));
    assert_eq!(reencoded, raw, "{name}: re-encoding differs");
    assert_eq!(json["index"], index, "{name}");
    assert_eq!(json["branch_display"], display_list(&branch), "{name}");
    if let Some(expected) = json.get("expected_branch_display") {
        assert_eq!(*expected, display_list(&branch), "{name}");
    }
    if let (Some(aux), Some(root)) = (
        str_field(json, "aux_block_hash"),
        str_field(json, "expected_root_display"),
    ) {
        let leaf = TxMerkleNode::from_byte_array(block_hash(aux).to_byte_array());
        assert_eq!(
            check_merkle_branch(leaf, &branch, index).to_string(),
            root,
            "{name}"
        );
    }
}

/// The no-auxpow vectors whose own hash must meet their bits, checked against the bits
/// directly too, so a wrong native algorithm could not slip through the full check.
#[test]
fn plain_headers_meet_their_bits_with_the_native_algorithm() {
    let Some(dir) = vector_path("auxpow/valid") else {
        return;
    };
    let mut seen = 0;
    for path in json_files(&dir) {
        let json = load_json(&path);
        let Some(hex_text) = str_field(&json, "header_with_auxpow_hex") else {
            continue;
        };
        let header: AuxHeader = decode(hex_text);
        if header.auxpow.is_some() {
            continue;
        }
        let params = params_for(&json, &path);
        let hash = params.native_pow.hash(&header.pure_bytes());
        check_proof_of_work(&hash, header.pure.bits.to_consensus(), &params.pow_limit).unwrap();
        let other = match params.native_pow {
            PowAlgorithm::Sha256d => PowAlgorithm::Scrypt,
            PowAlgorithm::Scrypt => PowAlgorithm::Sha256d,
        };
        let wrong = other.hash(&header.pure_bytes());
        assert!(
            check_proof_of_work(&wrong, header.pure.bits.to_consensus(), &params.pow_limit)
                .is_err(),
            "{}: passes under the wrong algorithm too",
            path.display()
        );
        seen += 1;
    }
    assert!(seen >= 8, "expected the plain headers, saw {seen}");
}

/// A header decodes from the start of its full block and leaves the transactions.
#[test]
fn block_hash_ignores_the_auxpow() {
    let Some(path) = vector_path("auxpow/valid/nmc_mainnet_19200.json") else {
        return;
    };
    let json = load_json(&path);
    let mut header: AuxHeader = decode(str_field(&json, "header_with_auxpow_hex").unwrap());
    let hash: BlockHash = header.block_hash();
    header.auxpow.as_mut().unwrap().hash_block = BlockHash::all_zeros();
    assert_eq!(header.block_hash(), hash);
}
