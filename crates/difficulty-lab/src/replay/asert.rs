//! ASERT vectors: BCHN's run files, `calculate_asert_test`, and the parameter file.

use super::json::{self, label, parse_bits, Field};
use super::report::Tally;
use serde_json::Value;
use venture_difficulty::asert::{next_target, AsertParams};
use venture_difficulty::{
    Asert, AsertAnchor, AsertAnchorSource, BlockKind, BlockMeta, DifficultyAlgorithm, NextBlock,
    SliceAncestry,
};
use venture_pow::{decode_compact, encode_compact, Bits};

/// The constants BCHN's run files are generated with (their headers do not repeat
/// them): 600-second blocks, a two-day half-life, Bitcoin's pow limit.
const RUN_SPACING: i64 = 600;
const RUN_HALF_LIFE: i64 = 172_800;
const RUN_POW_LIMIT_BITS: u32 = 0x1d00ffff;

/// The value of the `## key: value` header named `key`.
fn header<'a>(text: &'a str, key: &str) -> Field<&'a str> {
    text.lines()
        .filter_map(|l| l.strip_prefix("##"))
        .filter_map(|l| l.trim().strip_prefix(key))
        .filter_map(|rest| rest.trim_start().strip_prefix(':'))
        .map(str::trim)
        .next()
        .ok_or_else(|| format!("missing `## {key}:` header"))
}

fn header_int(text: &str, key: &str) -> Field<i64> {
    let value = header(text, key)?;
    value
        .parse()
        .map_err(|_| format!("`## {key}: {value}` is not an integer"))
}

/// Each line `iteration height time 0xBITS`: the bits the block after one at `height`
/// and `time` must carry, recomputed through [`Asert::next_bits`] with the anchor the
/// headers give.
pub fn replay_run(text: &str, tally: &mut Tally) -> Field<()> {
    let anchor = AsertAnchor {
        height: u32::try_from(header_int(text, "anchor height")?)
            .map_err(|_| "anchor height out of range".to_string())?,
        bits: Bits(parse_bits(header(text, "anchor nBits")?)?),
        parent_time: header_int(text, "anchor ancestor time")?,
    };
    let iterations = header_int(text, "iterations")?;
    let params = AsertParams {
        target_spacing: RUN_SPACING,
        half_life: RUN_HALF_LIFE,
        pow_limit: decode_compact(RUN_POW_LIMIT_BITS).value,
    };
    let asert = Asert::new(params, AsertAnchorSource::Fixed(anchor)).map_err(|e| e.to_string())?;
    let mut lines = 0i64;
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        lines += 1;
        let name = format!("line {}", number + 1);
        match parse_run_line(line) {
            Ok((height, time, expected)) => {
                let tip = [BlockMeta {
                    height,
                    time,
                    bits: expected,
                    kind: BlockKind::Native,
                }];
                let outcome = SliceAncestry::new(&tip)
                    .ok_or_else(|| "empty chain".to_string())
                    .and_then(|chain| {
                        let next = NextBlock {
                            time: time.saturating_add(RUN_SPACING as u32),
                            kind: BlockKind::Native,
                        };
                        asert.next_bits(&chain, &next).map_err(|e| e.to_string())
                    });
                match outcome {
                    Ok(got) => tally.bits(&format!("{name} (height {height})"), expected, got),
                    Err(e) => tally.case(&name, Err(e)),
                }
            }
            Err(e) => tally.case(&name, Err(e)),
        }
    }
    let count = if lines == iterations {
        Ok(())
    } else {
        Err(format!(
            "header says {iterations} iterations, file has {lines} lines"
        ))
    };
    tally.case("iteration count", count);
    Ok(())
}

fn parse_run_line(line: &str) -> Field<(u32, u32, u32)> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [_, height, time, bits] = fields.as_slice() else {
        return Err(format!(
            "expected `iteration height time 0xBITS`, got `{line}`"
        ));
    };
    let height = height
        .parse()
        .map_err(|_| format!("bad height `{height}`"))?;
    let time = time.parse().map_err(|_| format!("bad time `{time}`"))?;
    Ok((height, time, parse_bits(bits)?))
}

/// `calculate_asert_test`: targets, including overflow to the limit and underflow to 1.
pub fn replay_calculate(doc: &Value, tally: &mut Tally) -> Field<()> {
    for (index, case) in json::array(doc, "vectors")?.iter().enumerate() {
        let name = label(case, index);
        let outcome = (|| -> Field<Result<(), String>> {
            let params = AsertParams {
                target_spacing: json::int(case, "target_spacing")?,
                half_life: json::int(case, "halflife")?,
                pow_limit: json::u256(case, "pow_limit")?,
            };
            let target = next_target(
                json::u256(case, "ref_target")?,
                json::int(case, "time_diff")?,
                json::int(case, "height_diff")?,
                &params,
            );
            let expected = json::u256(case, "expected_target")?;
            let expected_bits = json::bits(case, "expected_nbits")?;
            let bits = encode_compact(target, false);
            Ok(if target != expected {
                Err(format!("expected target {expected:#x}, got {target:#x}"))
            } else if bits != expected_bits {
                Err(format!("expected {expected_bits:#010x}, got {bits:#010x}"))
            } else {
                Ok(())
            })
        })();
        tally.case(&name, outcome.and_then(|inner| inner));
    }
    Ok(())
}

/// The parameter file has one checkable value: `max_bits` is the compact form of the
/// pow limit. Its anchors are inputs, not expected values.
pub fn replay_params(doc: &Value, tally: &mut Tally) -> Field<()> {
    let constants = json::get(doc, "constants")?;
    let limit = json::u256(constants, "pow_limit")?;
    let expected = json::bits(constants, "max_bits")?;
    tally.bits(
        "max_bits = GetCompact(pow_limit)",
        expected,
        encode_compact(limit, false),
    );
    Ok(())
}
