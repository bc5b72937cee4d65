//! ASERT vectors: BCHN's run files, `calculate_asert_test`, and the parameter file.

use super::json::{self, label, Field};
use super::report::Tally;
use super::run_file::{parse_runs, Run, RunHeader, RunLine};
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

/// Every run in a BCHN run file (see [`super::run_file`]): each block line is one case,
/// and each run adds one for its iteration count and, when its header gives them, one
/// for its start height and time.
pub fn replay_run(text: &str, tally: &mut Tally) -> Field<()> {
    let params = AsertParams {
        target_spacing: RUN_SPACING,
        half_life: RUN_HALF_LIFE,
        pow_limit: decode_compact(RUN_POW_LIMIT_BITS).value,
    };
    let runs = parse_runs(text)?;
    let several = runs.len() > 1;
    for (index, run) in runs.iter().enumerate() {
        let prefix = if several {
            format!("run {}: ", index + 1)
        } else {
            String::new()
        };
        replay_one_run(run, &params, &prefix, tally)?;
    }
    Ok(())
}

fn replay_one_run(run: &Run, params: &AsertParams, prefix: &str, tally: &mut Tally) -> Field<()> {
    let header = &run.header;
    let anchor = decode_compact(header.anchor_bits);
    if anchor.negative
        || anchor.overflow
        || anchor.value.is_zero()
        || anchor.value > params.pow_limit
    {
        return Err(format!(
            "`anchor nBits` {:#010x} is not a target within the pow limit",
            header.anchor_bits
        ));
    }
    let chain = chain_algorithm(header, params);
    let mut expected_iteration = 1;
    for line in &run.lines {
        let name = format!("{prefix}line {} (height {})", line.number, line.height);
        let outcome = if line.iteration != expected_iteration {
            Err(format!(
                "iteration {}, expected {expected_iteration}",
                line.iteration
            ))
        } else {
            replay_line(header, line, anchor.value, params, chain.as_ref())
        };
        expected_iteration = line.iteration + 1;
        tally.case(&name, outcome);
    }
    let count = run.lines.len() as i128;
    tally.case(
        &format!("{prefix}iteration count"),
        if count == header.iterations {
            Ok(())
        } else {
            Err(format!(
                "header says {} iterations, file has {count} lines",
                header.iterations
            ))
        },
    );
    if header.start_height.is_some() || header.start_time.is_some() {
        let first = run.lines.first().map(|l| (l.height, l.time));
        let starts = |value: Option<i128>, got: Option<i128>| value.is_none() || value == got;
        let outcome = match first {
            Some((height, time))
                if starts(header.start_height, Some(height))
                    && starts(header.start_time, Some(time)) =>
            {
                Ok(())
            }
            _ => Err(format!(
                "header starts at height {:?}, time {:?}; first line has {first:?}",
                header.start_height, header.start_time
            )),
        };
        tally.case(&format!("{prefix}start height and time"), outcome);
    }
    Ok(())
}

/// The bits for the block after one at this line's height and time, by the formula on
/// exact differences; and, when the heights and times fit a Venture chain's u32 fields,
/// through [`Asert::next_bits`] as well, which must agree.
fn replay_line(
    header: &RunHeader,
    line: &RunLine,
    anchor_target: venture_pow::U256,
    params: &AsertParams,
    chain: Option<&Asert>,
) -> Field<()> {
    let height_diff = line.height - header.anchor_height;
    let time_diff = line.time - header.anchor_parent_time;
    if height_diff < 0 {
        return Err(format!(
            "height below the anchor's ({})",
            header.anchor_height
        ));
    }
    // The reference computes in int64; every published run stays inside it.
    let (Ok(height_diff), Ok(time_diff)) = (i64::try_from(height_diff), i64::try_from(time_diff))
    else {
        return Err(format!(
            "height difference {height_diff} or time difference {time_diff} is beyond the \
             reference's 64-bit arithmetic"
        ));
    };
    let got = encode_compact(
        next_target(anchor_target, time_diff, height_diff, params),
        false,
    );
    if got != line.bits {
        return Err(format!("expected {:#010x}, got {got:#010x}", line.bits));
    }
    let (Some(asert), Ok(height), Ok(time)) =
        (chain, u32::try_from(line.height), u32::try_from(line.time))
    else {
        return Ok(());
    };
    let tip = [BlockMeta {
        height,
        time,
        bits: line.bits,
        kind: BlockKind::Native,
    }];
    let ancestry = SliceAncestry::new(&tip).ok_or_else(|| "empty chain".to_string())?;
    let next = NextBlock {
        time: time.saturating_add(RUN_SPACING as u32),
        kind: BlockKind::Native,
    };
    match asert.next_bits(&ancestry, &next) {
        Ok(bits) if bits == got => Ok(()),
        Ok(bits) => Err(format!(
            "the chain's Asert gives {bits:#010x}, the formula {got:#010x}"
        )),
        Err(e) => Err(format!("the chain's Asert refuses: {e}")),
    }
}

/// The chain-facing algorithm for a run whose anchor fits a chain's fields, else `None`.
fn chain_algorithm(header: &RunHeader, params: &AsertParams) -> Option<Asert> {
    let anchor = AsertAnchor {
        height: u32::try_from(header.anchor_height).ok()?,
        bits: Bits(header.anchor_bits),
        parent_time: i64::try_from(header.anchor_parent_time).ok()?,
    };
    Asert::new(*params, AsertAnchorSource::Fixed(anchor)).ok()
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
