//! Bitcoin Core's vectors: retarget and permitted transitions, compact bits, block
//! proof, and `CheckProofOfWork`.

use super::json::{self, label, Field};
use super::report::Tally;
use serde_json::Value;
use venture_difficulty::{BitcoinRetarget, BitcoinRetargetParams};
use venture_pow::{check_proof_of_work, decode_compact, encode_compact, PowHash, Target, Work};

pub fn replay(doc: &Value, tally: &mut Tally) -> Field<()> {
    retarget(doc, tally)?;
    set_compact(doc, tally)?;
    for (index, case) in json::array(doc, "get_compact")?.iter().enumerate() {
        let outcome = (|| {
            let value = json::u256(case, "value_hex")?;
            Ok(compare(
                json::bits(case, "compact")?,
                encode_compact(value, false),
            ))
        })();
        tally.case(
            &format!("get_compact {index}"),
            outcome.and_then(|r: Field<()>| r),
        );
    }
    for case in json::array(doc, "block_proof")? {
        let name = format!("block_proof {}", json::string(case, "bits").unwrap_or("?"));
        let outcome = (|| {
            let bits = json::bits(case, "bits")?;
            let expected = json::u256(case, "work_hex")?;
            let got = Work::from_bits(bits).0;
            Ok(if got == expected {
                Ok(())
            } else {
                Err(format!("expected work {expected:#x}, got {got:#x}"))
            })
        })();
        tally.case(&name, outcome.and_then(|r: Field<()>| r));
    }
    let limit = Target(json::u256(
        json::get(json::get(doc, "params")?, "main")?,
        "pow_limit",
    )?);
    for (index, case) in json::array(doc, "check_proof_of_work")?.iter().enumerate() {
        let name = format!("check_proof_of_work {}", label(case, index));
        let outcome = (|| {
            let bits = json::bits(case, "bits")?;
            // Written as a big-endian number; a PowHash is little-endian bytes.
            let hash = PowHash(json::u256(case, "hash_hex")?.to_le_bytes());
            let expected = json::boolean(case, "expected")?;
            let got = check_proof_of_work(&hash, bits, &limit);
            Ok(match (expected, got) {
                (true, Ok(())) | (false, Err(_)) => Ok(()),
                (true, Err(e)) => Err(format!("expected valid, got `{e}`")),
                (false, Ok(())) => Err("expected invalid, got valid".to_string()),
            })
        })();
        tally.case(&name, outcome.and_then(|r: Field<()>| r));
    }
    Ok(())
}

fn compare(expected: u32, got: u32) -> Field<()> {
    if expected == got {
        Ok(())
    } else {
        Err(format!("expected {expected:#010x}, got {got:#010x}"))
    }
}

fn retarget_for(doc: &Value, network: &str) -> Field<BitcoinRetarget> {
    let p = json::get(json::get(doc, "params")?, network)?;
    let int32 = |key: &str| -> Field<u32> {
        u32::try_from(json::int(p, key)?).map_err(|_| format!("`{key}` out of range"))
    };
    BitcoinRetarget::new(BitcoinRetargetParams {
        interval: int32("interval")?,
        target_timespan: int32("pow_target_timespan")?,
        target_spacing: int32("pow_target_spacing")?,
        pow_limit: Target(json::u256(p, "pow_limit")?),
        allow_min_difficulty_blocks: false,
        no_retargeting: false,
    })
    .map_err(|e| e.to_string())
}

fn retarget(doc: &Value, tally: &mut Tally) -> Field<()> {
    for (index, case) in json::array(doc, "retarget")?.iter().enumerate() {
        let name = label(case, index);
        let checked = (|| -> Field<Vec<(String, Field<()>)>> {
            let retarget = retarget_for(doc, json::string(case, "network")?)?;
            let last_bits = json::bits(case, "last_bits")?;
            let got = retarget.calculate(
                last_bits,
                json::int(case, "first_time")?,
                json::int(case, "last_time")?,
            );
            let mut results = vec![(
                name.clone(),
                compare(json::bits(case, "expected_bits")?, got),
            )];
            let height = u32::try_from(json::int(case, "last_height")? + 1)
                .map_err(|_| "`last_height` out of range".to_string())?;
            for permitted in json::array(case, "permitted")? {
                let new_bits = json::bits(permitted, "new_bits")?;
                let expected = json::boolean(permitted, "expected")?;
                let got = retarget.permitted_transition(height, last_bits, new_bits);
                let outcome = if got == expected {
                    Ok(())
                } else {
                    Err(format!("expected permitted={expected}, got {got}"))
                };
                results.push((
                    format!("{name} permitted {last_bits:#010x} -> {new_bits:#010x}"),
                    outcome,
                ));
            }
            Ok(results)
        })();
        match checked {
            Ok(results) => results.into_iter().for_each(|(n, o)| tally.case(&n, o)),
            Err(e) => tally.case(&name, Err(e)),
        }
    }
    Ok(())
}

fn set_compact(doc: &Value, tally: &mut Tally) -> Field<()> {
    for (index, case) in json::array(doc, "set_compact")?.iter().enumerate() {
        let name = format!(
            "set_compact {}",
            json::string(case, "compact").unwrap_or(&index.to_string())
        );
        let outcome = (|| -> Field<Field<()>> {
            let compact = json::bits(case, "compact")?;
            let decoded = decode_compact(compact);
            let negative = json::boolean(case, "negative")?;
            let overflow = json::boolean(case, "overflow")?;
            if decoded.negative != negative || decoded.overflow != overflow {
                return Ok(Err(format!(
                    "expected negative={negative} overflow={overflow}, got negative={} overflow={}",
                    decoded.negative, decoded.overflow
                )));
            }
            if case.get("value_hex").is_some() {
                let value = json::u256(case, "value_hex")?;
                if decoded.value != value {
                    return Ok(Err(format!(
                        "expected value {value:#x}, got {:#x}",
                        decoded.value
                    )));
                }
            }
            if case.get("get_compact").is_some() {
                let negative = case
                    .get("get_compact_negative")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                return Ok(compare(
                    json::bits(case, "get_compact")?,
                    encode_compact(decoded.value, negative),
                ));
            }
            Ok(Ok(()))
        })();
        tally.case(&name, outcome.and_then(|r| r));
    }
    Ok(())
}
