//! Mutated vectors (`expected_check_error`): what Namecoin Core says about them, and
//! whether we say the same.
//!
//! The expected verdict is read as follows:
//! - `expected_valid: false`, or no `expected_valid` at all, means refused; a string
//!   `expected_valid` ("DEPENDS: ...") defers to the `namecoin` clause of
//!   `expected_check_error` (Namecoin Core accepts non-zero `nIndex`, Dogecoin does not,
//!   and we follow Namecoin).
//! - A refused vector passes when we refuse it. Its reason is compared only when it is
//!   one we know (see [`crate::reasons`]): `reference_checker_result`, else
//!   `expected_check_error`, else a quoted phrase in it. A whole reason must be ours
//!   exactly (our full header check may instead fail on the parent's proof of work,
//!   which Namecoin checks first); the start of a detailed reason must begin ours.
//!   "structural check passes" means the structure must pass while the parent's proof
//!   of work fails. Any other reason is not compared, and the pass carries a note.

use bitcoin::consensus::encode::{deserialize, deserialize_partial};
use bitcoin::BlockHash;
use serde_json::Value;
use venture_auxpow::{
    check_header_pow, check_merge_mined, AuxHeader, AuxPow, AuxPowError, AuxPowParams,
};
use venture_pow::{check_proof_of_work, PowError};

use crate::chains::params_of_json;
use crate::decode::outcome;
use crate::reasons::{known, Known};
use crate::valid::{bits_field, decode_exact, display_hash, text};

/// What Namecoin Core says about a mutated vector.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Accepted,
    /// Refused with exactly this structural reason.
    Refused(String),
    /// Refused, with a reason containing this phrase.
    RefusedMentioning(String),
    /// The structure is fine; the parent's proof of work is not.
    RefusedForParentPow,
    /// Refused for a reason we do not know, so any refusal will do.
    RefusedOtherwise(String),
}

fn verdict(json: &Value) -> Result<Verdict, String> {
    let described = text(json, "expected_check_error")?;
    let accepted = match json.get("expected_valid") {
        Some(Value::Bool(valid)) => *valid,
        Some(Value::String(_)) => namecoin_accepts(described)
            .ok_or_else(|| format!("no Namecoin verdict in `{described}`"))?,
        None => false,
        Some(other) => {
            return Err(format!(
                "field `expected_valid`: {other} is not true, false or a DEPENDS note"
            ))
        }
    };
    if accepted {
        return Ok(Verdict::Accepted);
    }
    let reference = json.get("reference_checker_result").and_then(Value::as_str);
    for reason in reference.into_iter().chain([described]) {
        match known(reason) {
            Some(Known::Exact(reason)) => return Ok(Verdict::Refused(reason)),
            Some(Known::Start(start)) => return Ok(Verdict::RefusedMentioning(start)),
            None => {}
        }
    }
    if let Some(phrase) = described.split('"').nth(1) {
        if let Some(Known::Exact(reason) | Known::Start(reason)) = known(phrase) {
            return Ok(Verdict::RefusedMentioning(reason));
        }
    }
    if described.contains("structural check passes") {
        return Ok(Verdict::RefusedForParentPow);
    }
    Ok(Verdict::RefusedOtherwise(
        reference.unwrap_or(described).to_string(),
    ))
}

/// The `namecoin...: ...` clause of a "chain: verdict; chain: verdict" description.
fn namecoin_accepts(described: &str) -> Option<bool> {
    let clause = described
        .split(';')
        .map(str::trim)
        .find(|clause| clause.to_ascii_lowercase().starts_with("namecoin"))?;
    let (_, said) = clause.split_once(':')?;
    let said = said.trim().to_ascii_lowercase();
    Some(said.contains("valid") && !said.contains("invalid"))
}

/// Checks one mutated vector; every disagreement is one problem. The second list holds
/// notes on a vector that passed without its reason being compared.
pub(crate) fn negative_vector(json: &Value, file_name: &str) -> (Vec<String>, Vec<String>) {
    match run(json, file_name) {
        Ok(problems) => {
            let notes = match verdict(json) {
                Ok(Verdict::RefusedOtherwise(reason)) if problems.is_empty() => vec![format!(
                    "refused as expected; its reason `{reason}` is not one we know, so it was \
                     not compared"
                )],
                _ => vec![],
            };
            (problems, notes)
        }
        Err(problem) => (vec![problem], vec![]),
    }
}

fn run(json: &Value, file_name: &str) -> Result<Vec<String>, String> {
    let expected = verdict(json)?;
    let params = params_of_json(json, file_name)?;
    let mut problems = Vec::new();
    let mut checked = false;

    if json.get("auxpow_hex").is_some() {
        let (auxpow, _) = decode_exact::<AuxPow>(text(json, "auxpow_hex")?, "auxpow")?;
        let aux_hash: BlockHash = display_hash(json, "aux_block_hash")?;
        let structure = auxpow.check(aux_hash, params.chain_id, params.strict_chain_id);
        let parent_pow = match json.get("child_bits") {
            Some(_) => {
                let bits = bits_field(json, "child_bits")?;
                Some(check_merge_mined(
                    &auxpow,
                    aux_hash,
                    params.chain_id,
                    bits,
                    &params,
                ))
            }
            None => None,
        };
        judge_auxpow(&mut problems, &expected, &structure, parent_pow.as_ref());
        checked = true;
    }
    if json.get("header_with_auxpow_hex").is_some() {
        let (header, _) =
            decode_exact::<AuxHeader>(text(json, "header_with_auxpow_hex")?, "header")?;
        judge_header(&mut problems, &expected, &header, &params, "full check");
        checked = true;
    }
    if json.get("header_hex").is_some() {
        let (header, bytes) = decode_exact::<AuxHeader>(text(json, "header_hex")?, "header")?;
        judge_header(&mut problems, &expected, &header, &params, "header alone");
        if let Ok(trailing) = text(json, "trailing_auxpow_hex") {
            trailing_bytes_stay_outside(&mut problems, &header, bytes, trailing)?;
        }
        checked = true;
    }
    if !checked {
        return Err("no auxpow_hex, header_with_auxpow_hex or header_hex to check".into());
    }
    Ok(problems)
}

fn judge_auxpow(
    problems: &mut Vec<String>,
    expected: &Verdict,
    structure: &Result<(), AuxPowError>,
    parent_pow: Option<&Result<(), AuxPowError>>,
) {
    let structure_text = outcome(structure.clone());
    match expected {
        Verdict::Accepted => {
            if structure.is_err() {
                problems.push(format!(
                    "check refuses an accepted auxpow: {structure_text}"
                ));
            }
            if let Some(Err(err)) = parent_pow {
                problems.push(format!("check with parent proof of work refuses: {err}"));
            }
        }
        Verdict::Refused(reason) => {
            if &structure_text != reason {
                problems.push(format!("check: ours {structure_text}, Namecoin {reason}"));
            }
            if let Some(Ok(())) = parent_pow {
                problems.push("check with parent proof of work passes a refused auxpow".into());
            }
        }
        Verdict::RefusedMentioning(phrase) => {
            if !structure_text.contains(phrase.as_str()) {
                problems.push(format!(
                    "check: ours {structure_text}, expected a reason with `{phrase}`"
                ));
            }
            if let Some(Ok(())) = parent_pow {
                problems.push("check with parent proof of work passes a refused auxpow".into());
            }
        }
        Verdict::RefusedOtherwise(_) => {
            let refused = structure.is_err() || matches!(parent_pow, Some(Err(_)));
            if !refused {
                problems.push("check passes an auxpow that must be refused".into());
            }
        }
        Verdict::RefusedForParentPow => {
            if structure.is_err() {
                problems.push(format!("structural check should pass: {structure_text}"));
            }
            match parent_pow {
                Some(Err(AuxPowError::AuxPowFailed(_))) => {}
                Some(other) => problems.push(format!(
                    "parent proof of work should fail: {}",
                    outcome(other.clone())
                )),
                None => problems.push("field `child_bits` is missing".into()),
            }
        }
    }
}

fn judge_header(
    problems: &mut Vec<String>,
    expected: &Verdict,
    header: &AuxHeader,
    params: &AuxPowParams,
    what: &str,
) {
    let result = check_header_pow(header, params);
    let ours = outcome(result.clone());
    match expected {
        Verdict::Accepted => {
            if result.is_err() {
                problems.push(format!("{what} refuses an accepted header: {ours}"));
            }
        }
        Verdict::Refused(reason) => {
            // Namecoin checks the parent's proof of work before the AuxPoW's structure.
            let parent_meets = header.auxpow.as_ref().is_some_and(|auxpow| {
                let hash = auxpow.parent_pow_hash(params.parent_pow);
                check_proof_of_work(&hash, header.pure.bits.to_consensus(), &params.pow_limit)
                    .is_ok()
            });
            let acceptable = if parent_meets {
                &ours == reason
            } else {
                matches!(
                    result,
                    Err(AuxPowError::AuxPowFailed(PowError::HashAboveTarget(_)))
                )
            };
            if !acceptable {
                problems.push(format!("{what}: ours {ours}, Namecoin {reason}"));
            }
        }
        Verdict::RefusedMentioning(phrase) => {
            if !ours.contains(phrase.as_str()) {
                problems.push(format!(
                    "{what}: ours {ours}, expected a reason with `{phrase}`"
                ));
            }
        }
        Verdict::RefusedOtherwise(_) => {
            if result.is_ok() {
                problems.push(format!("{what} passes a header that must be refused"));
            }
        }
        Verdict::RefusedForParentPow => {
            if !matches!(result, Err(AuxPowError::AuxPowFailed(_))) {
                problems.push(format!(
                    "{what}: ours {ours}, expected a parent proof-of-work failure"
                ));
            }
        }
    }
}

/// A header without the AuxPoW flag ends after 80 bytes: what follows is not part of it.
fn trailing_bytes_stay_outside(
    problems: &mut Vec<String>,
    header: &AuxHeader,
    mut bytes: Vec<u8>,
    trailing_hex: &str,
) -> Result<(), String> {
    let header_len = bytes.len();
    bytes.extend(
        hex::decode(trailing_hex)
            .map_err(|err| format!("trailing_auxpow_hex is not hex: {err}"))?,
    );
    if deserialize::<AuxHeader>(&bytes).is_ok() {
        problems.push("header with trailing bytes decodes as one header".into());
    }
    match deserialize_partial::<AuxHeader>(&bytes) {
        Ok((prefix, used)) if &prefix == header && used == header_len => {}
        Ok((_, used)) => {
            problems.push(format!("header prefix took {used} bytes, not {header_len}"))
        }
        Err(err) => problems.push(format!("header prefix does not decode: {err}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_namecoin_clause() {
        assert_eq!(
            namecoin_accepts("dogecoin: AuxPow is not a generate; namecoin: none (valid)"),
            Some(true)
        );
        assert_eq!(
            namecoin_accepts("electrum-nmc: AuxPoWNotGenerateError; namecoin-core: valid"),
            Some(true)
        );
        assert_eq!(namecoin_accepts("namecoin: invalid"), Some(false));
        assert_eq!(namecoin_accepts("dogecoin: refused"), None);
    }

    #[test]
    fn reads_verdicts() {
        let exact = json!({"expected_valid": false, "expected_check_error": "Aux POW wrong index",
                           "reference_checker_result": "Aux POW wrong index"});
        assert_eq!(
            verdict(&exact),
            Ok(Verdict::Refused("Aux POW wrong index".into()))
        );
        let quoted = json!({"expected_valid": false,
                            "expected_check_error": "header alone -> \"non-AUX proof of work failed\" (...)"});
        assert_eq!(
            verdict(&quoted),
            Ok(Verdict::RefusedMentioning(
                "non-AUX proof of work failed".into()
            ))
        );
        let pow = json!({"expected_valid": false,
                         "expected_check_error": "structural check passes; parent hash above target",
                         "reference_checker_result": null});
        assert_eq!(verdict(&pow), Ok(Verdict::RefusedForParentPow));
        let unknown = json!({"expected_valid": false, "expected_check_error": "something"});
        assert_eq!(
            verdict(&unknown),
            Ok(Verdict::RefusedOtherwise("something".into()))
        );
        // Without `expected_valid`, a vector that names a check error must be refused.
        let implied = json!({"expected_check_error": "Aux POW wrong index"});
        assert_eq!(
            verdict(&implied),
            Ok(Verdict::Refused("Aux POW wrong index".into()))
        );
        let detailed = json!({"expected_valid": false,
                              "expected_check_error": "AUX proof of work failed: hash above target"});
        assert_eq!(
            verdict(&detailed),
            Ok(Verdict::RefusedMentioning(
                "AUX proof of work failed".into()
            ))
        );
        let bad = json!({"expected_valid": 0, "expected_check_error": "Aux POW wrong index"});
        assert!(verdict(&bad)
            .unwrap_err()
            .contains("field `expected_valid`"));
    }
}
