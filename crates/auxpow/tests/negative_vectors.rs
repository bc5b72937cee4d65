//! Every file of `auxpow/negative/`: mutations of real AuxPoWs must be refused for exactly
//! the reason Namecoin Core gives, except the two non-zero `nIndex` ones, which Namecoin
//! Core has accepted since 2019.

mod common;

use bitcoin::consensus::encode::{deserialize, deserialize_partial};
use common::*;
use serde_json::Value;
use std::path::Path;
use venture_auxpow::{check_header_pow, check_merge_mined, AuxHeader, AuxPow, AuxPowError};
use venture_pow::PowError;

#[test]
fn every_negative_vector_gets_namecoins_verdict() {
    let Some(dir) = vector_path("auxpow/negative") else {
        return;
    };
    let files = json_files(&dir);
    assert!(
        files.len() >= 20,
        "expected the full negative set, found {}",
        files.len()
    );
    for path in &files {
        let json = load_json(path);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.contains("nonzero_nIndex") {
            accepted_by_namecoin(&json, path);
        } else if let Some(reason) = str_field(&json, "reference_checker_result") {
            refused_with_reason(&json, path, reason);
        } else if name.ends_with("hash_above_target.json") {
            structure_passes_but_parent_pow_fails(&json, path);
        } else if name.ends_with("flag_cleared.json") {
            flag_cleared_header_fails_own_pow(&json, path);
        } else {
            panic!("{name}: no rule for this vector");
        }
    }
}

fn auxpow_of(json: &Value) -> AuxPow {
    decode(str_field(json, "auxpow_hex").unwrap())
}

fn refused_with_reason(json: &Value, path: &Path, reason: &str) {
    let name = path.display();
    assert_eq!(json["expected_valid"], Value::Bool(false), "{name}");
    assert_eq!(
        str_field(json, "expected_check_error"),
        Some(reason),
        "{name}"
    );
    let params = params_for(json, path);
    let aux_hash = block_hash(str_field(json, "aux_block_hash").unwrap());
    let err = auxpow_of(json)
        .check(aux_hash, params.chain_id, params.strict_chain_id)
        .unwrap_err();
    assert_eq!(err.to_string(), reason, "{name}");

    if let Some(hex_text) = str_field(json, "header_with_auxpow_hex") {
        // Namecoin checks the parent's proof of work before the structure, so a mutation
        // that also changed the parent header fails there first.
        let header: AuxHeader = decode(hex_text);
        assert_eq!(header.block_hash(), aux_hash, "{name}");
        let auxpow = header.auxpow.as_ref().unwrap();
        let parent_pow = auxpow.parent_pow_hash(params.parent_pow);
        let meets = venture_pow::check_proof_of_work(
            &parent_pow,
            header.pure.bits.to_consensus(),
            &params.pow_limit,
        )
        .is_ok();
        let err = check_header_pow(&header, &params).unwrap_err();
        if meets {
            assert_eq!(err.to_string(), reason, "{name}: full check");
        } else {
            assert!(
                matches!(err, AuxPowError::AuxPowFailed(PowError::HashAboveTarget(_))),
                "{name}: {err}"
            );
        }
        assert!(err.is_auxpow_fault(), "{name}: {err} blames the header");
    }
}

fn accepted_by_namecoin(json: &Value, path: &Path) {
    let name = path.display();
    let verdict = str_field(json, "expected_check_error").unwrap();
    assert!(
        verdict.contains("namecoin") && verdict.contains("valid"),
        "{name}: {verdict}"
    );
    let params = params_for(json, path);
    let aux_hash = block_hash(str_field(json, "aux_block_hash").unwrap());
    let auxpow = auxpow_of(json);
    assert_ne!(
        auxpow.coinbase_index, 0,
        "{name}: the mutation is a non-zero nIndex"
    );
    assert_eq!(
        auxpow.check(aux_hash, params.chain_id, params.strict_chain_id),
        Ok(()),
        "{name}"
    );
    if let Some(hex_text) = str_field(json, "header_with_auxpow_hex") {
        let header: AuxHeader = decode(hex_text);
        assert_eq!(
            check_header_pow(&header, &params),
            Ok(()),
            "{name}: full check"
        );
    }
}

fn structure_passes_but_parent_pow_fails(json: &Value, path: &Path) {
    let name = path.display();
    assert_eq!(json["expected_valid"], Value::Bool(false), "{name}");
    let params = params_for(json, path);
    let aux_hash = block_hash(str_field(json, "aux_block_hash").unwrap());
    let auxpow = auxpow_of(json);
    assert_eq!(
        auxpow.check(aux_hash, params.chain_id, params.strict_chain_id),
        Ok(()),
        "{name}"
    );
    let child_bits = bits(str_field(json, "child_bits").unwrap());
    let err =
        check_merge_mined(&auxpow, aux_hash, params.chain_id, child_bits, &params).unwrap_err();
    assert!(matches!(err, AuxPowError::AuxPowFailed(_)), "{name}: {err}");
    assert!(
        err.to_string().starts_with("AUX proof of work failed"),
        "{name}: {err}"
    );
}

fn flag_cleared_header_fails_own_pow(json: &Value, path: &Path) {
    let name = path.display();
    let params = params_for(json, path);
    let header_hex = str_field(json, "header_hex").unwrap();
    let header: AuxHeader = decode(header_hex);
    assert!(header.auxpow.is_none(), "{name}");
    let err = check_header_pow(&header, &params).unwrap_err();
    assert!(
        matches!(err, AuxPowError::NonAuxPowFailed(_)),
        "{name}: {err}"
    );
    assert!(
        err.to_string().starts_with("non-AUX proof of work failed"),
        "{name}: {err}"
    );
    assert!(!err.is_auxpow_fault(), "{name}");

    // With the flag cleared, the old AuxPoW bytes are trailing junk, not part of a header.
    let mut joined = bytes(header_hex);
    joined.extend(bytes(str_field(json, "trailing_auxpow_hex").unwrap()));
    assert!(deserialize::<AuxHeader>(&joined).is_err(), "{name}");
    let (prefix, used): (AuxHeader, usize) = deserialize_partial(&joined).unwrap();
    assert_eq!((prefix, used), (header, 80), "{name}");
}
