//! Bitcoin Core's vectors: retarget and permitted transitions, compact bits, block
//! proof, and `CheckProofOfWork`.
//!
//! A file may hold any of the five sections (`retarget`, `set_compact`, `get_compact`,
//! `block_proof`, `check_proof_of_work`) and needs `params` only for the sections that
//! read it: `retarget` (the entry's `network`) and `check_proof_of_work` (`main`). A
//! retarget entry's `permitted` checks are optional. Every entry is read in full before
//! anything is replayed, so a missing, mistyped or unknown field stops the file with the
//! entry and the field named.

use super::entry::Entry;
use super::json::Field;
use super::report::Tally;
use serde_json::Value;
use venture_difficulty::{BitcoinRetarget, BitcoinRetargetParams};
use venture_pow::{check_proof_of_work, decode_compact, encode_compact, PowHash, Target, Work};

/// The sections this reader knows, in the order they are replayed.
pub const SECTIONS: [&str; 5] = [
    "retarget",
    "set_compact",
    "get_compact",
    "block_proof",
    "check_proof_of_work",
];

pub fn replay(doc: &Value, tally: &mut Tally) -> Field<()> {
    let top = Entry::new(doc, "the document")?;
    let mut known = vec!["params"];
    known.extend(SECTIONS);
    top.only(&known)?;
    if !SECTIONS.iter().any(|section| top.has(section)) {
        return Err(format!(
            "none of the known sections ({}) is present",
            SECTIONS.join(", ")
        ));
    }
    let checks = [
        retarget as Section,
        set_compact,
        get_compact,
        block_proof,
        check_pow,
    ];
    for (name, check) in SECTIONS.into_iter().zip(checks) {
        if !top.has(name) {
            continue;
        }
        let mut cases = Vec::new();
        for (index, value) in top.array(name)?.iter().enumerate() {
            let at = format!("{name}[{index}]");
            let entry = Entry::new(value, &at)?;
            check(doc, &entry, &mut cases)?;
        }
        for (case, outcome) in cases {
            tally.case(&case, outcome);
        }
    }
    Ok(())
}

/// Reads one entry and appends its cases (name, outcome). `Err` is a field it cannot use.
type Section = fn(&Value, &Entry<'_>, &mut Vec<(String, Field<()>)>) -> Field<()>;

fn compare(expected: u32, got: u32) -> Field<()> {
    if expected == got {
        Ok(())
    } else {
        Err(format!("expected {expected:#010x}, got {got:#010x}"))
    }
}

/// `params.NETWORK`, for the entry at `at`.
fn network<'a>(doc: &'a Value, name: &str, at: &str) -> Field<&'a Value> {
    let params = doc
        .get("params")
        .ok_or_else(|| format!("{at}: needs `params`, which the file does not have"))?;
    params
        .get(name)
        .ok_or_else(|| format!("{at}: network `{name}` is not in `params`"))
}

fn retarget_for(doc: &Value, name: &str, at: &str) -> Field<BitcoinRetarget> {
    let place = format!("params.{name}");
    let p = Entry::new(network(doc, name, at)?, &place)?;
    p.only(&[
        "pow_limit",
        "pow_target_timespan",
        "pow_target_spacing",
        "interval",
        "no_retargeting",
        "allow_min_difficulty_blocks",
    ])?;
    let int32 = |key: &str| -> Field<u32> {
        u32::try_from(p.int(key)?).map_err(|_| format!("{place}: `{key}` out of range"))
    };
    BitcoinRetarget::new(BitcoinRetargetParams {
        interval: int32("interval")?,
        target_timespan: int32("pow_target_timespan")?,
        target_spacing: int32("pow_target_spacing")?,
        pow_limit: Target(p.u256("pow_limit")?),
        allow_min_difficulty_blocks: p.flag("allow_min_difficulty_blocks")?,
        no_retargeting: p.flag("no_retargeting")?,
    })
    .map_err(|e| format!("{place}: {e}"))
}

fn retarget(doc: &Value, e: &Entry<'_>, cases: &mut Vec<(String, Field<()>)>) -> Field<()> {
    e.only(&[
        "network",
        "last_height",
        "last_time",
        "first_time",
        "last_bits",
        "expected_bits",
        "permitted",
    ])?;
    let retarget = retarget_for(doc, e.string("network")?, e.at())?;
    let last_bits = e.bits("last_bits")?;
    let expected = e.bits("expected_bits")?;
    let (first_time, last_time) = (e.int("first_time")?, e.int("last_time")?);
    let height = e
        .int("last_height")?
        .checked_add(1)
        .and_then(|h| u32::try_from(h).ok())
        .ok_or_else(|| format!("{}: `last_height` out of range", e.at()))?;
    let name = e.label();
    let got = retarget.calculate(last_bits, first_time, last_time);
    cases.push((name.clone(), compare(expected, got)));
    if !e.has("permitted") {
        return Ok(());
    }
    for (index, value) in e.array("permitted")?.iter().enumerate() {
        let at = format!("{}.permitted[{index}]", e.at());
        let p = Entry::new(value, &at)?;
        p.only(&["new_bits", "expected"])?;
        let new_bits = p.bits("new_bits")?;
        let expected = p.boolean("expected")?;
        let got = retarget.permitted_transition(height, last_bits, new_bits);
        let outcome = if got == expected {
            Ok(())
        } else {
            Err(format!("expected permitted={expected}, got {got}"))
        };
        cases.push((
            format!("{name} permitted {last_bits:#010x} -> {new_bits:#010x}"),
            outcome,
        ));
    }
    Ok(())
}

fn set_compact(_: &Value, e: &Entry<'_>, cases: &mut Vec<(String, Field<()>)>) -> Field<()> {
    e.only(&[
        "compact",
        "negative",
        "overflow",
        "value_hex",
        "get_compact",
        "get_compact_negative",
    ])?;
    let decoded = decode_compact(e.bits("compact")?);
    let (negative, overflow) = (e.boolean("negative")?, e.boolean("overflow")?);
    let value = e
        .has("value_hex")
        .then(|| e.u256("value_hex"))
        .transpose()?;
    let get_compact = e
        .has("get_compact")
        .then(|| e.bits("get_compact"))
        .transpose()?;
    let get_compact_negative = e.flag("get_compact_negative")?;
    let outcome = if decoded.negative != negative || decoded.overflow != overflow {
        Err(format!(
            "expected negative={negative} overflow={overflow}, got negative={} overflow={}",
            decoded.negative, decoded.overflow
        ))
    } else if value.is_some_and(|value| value != decoded.value) {
        Err(format!(
            "expected value {:#x}, got {:#x}",
            value.unwrap_or_default(),
            decoded.value
        ))
    } else if let Some(expected) = get_compact {
        compare(
            expected,
            encode_compact(decoded.value, get_compact_negative),
        )
    } else {
        Ok(())
    };
    cases.push((e.label(), outcome));
    Ok(())
}

fn get_compact(_: &Value, e: &Entry<'_>, cases: &mut Vec<(String, Field<()>)>) -> Field<()> {
    e.only(&["value_hex", "compact"])?;
    let got = encode_compact(e.u256("value_hex")?, false);
    cases.push((e.label(), compare(e.bits("compact")?, got)));
    Ok(())
}

fn block_proof(_: &Value, e: &Entry<'_>, cases: &mut Vec<(String, Field<()>)>) -> Field<()> {
    e.only(&["bits", "work_hex"])?;
    let expected = e.u256("work_hex")?;
    let got = Work::from_bits(e.bits("bits")?).0;
    let outcome = if got == expected {
        Ok(())
    } else {
        Err(format!("expected work {expected:#x}, got {got:#x}"))
    };
    cases.push((e.label(), outcome));
    Ok(())
}

fn check_pow(doc: &Value, e: &Entry<'_>, cases: &mut Vec<(String, Field<()>)>) -> Field<()> {
    e.only(&["bits", "hash_hex", "expected"])?;
    let main = Entry::new(network(doc, "main", e.at())?, "params.main")?;
    let limit = Target(main.u256("pow_limit")?);
    let bits = e.bits("bits")?;
    // Written as a big-endian number; a PowHash is little-endian bytes.
    let hash = PowHash(e.u256("hash_hex")?.to_le_bytes());
    let expected = e.boolean("expected")?;
    let outcome = match (expected, check_proof_of_work(&hash, bits, &limit)) {
        (true, Ok(())) | (false, Err(_)) => Ok(()),
        (true, Err(err)) => Err(format!("expected valid, got `{err}`")),
        (false, Ok(())) => Err("expected invalid, got valid".to_string()),
    };
    cases.push((e.label(), outcome));
    Ok(())
}
