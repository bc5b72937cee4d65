//! Recognising a vector file from its content, not its name.

use serde_json::Value;

/// The vector formats the lab replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VectorFormat {
    /// BCHN's ASERT run: `## key: value` headers, then `iteration height time 0xBITS`.
    AsertRun,
    /// BCHN's `calculate_asert_test` edge cases.
    AsertCalculate,
    /// The ASERT constants and anchors.
    AsertParams,
    /// Bitcoin Core's retarget, compact bits, block proof and proof-of-work checks.
    Bitcoin,
    /// Dogecoin's DigiShield and earlier retarget.
    Dogecoin,
    /// LWMA-1 chains with expected steps.
    Lwma,
    /// Zcash's averaging DigiShield.
    Zcash,
}

impl VectorFormat {
    pub fn name(self) -> &'static str {
        match self {
            VectorFormat::AsertRun => "asert run",
            VectorFormat::AsertCalculate => "asert calculate",
            VectorFormat::AsertParams => "asert params",
            VectorFormat::Bitcoin => "bitcoin",
            VectorFormat::Dogecoin => "dogecoin",
            VectorFormat::Lwma => "lwma",
            VectorFormat::Zcash => "zcash",
        }
    }
}

/// The format of `text`, with its parsed JSON when it is JSON.
pub(crate) fn detect(text: &str) -> Option<(VectorFormat, Option<Value>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if is_asert_run(text) {
        return Some((VectorFormat::AsertRun, None));
    }
    let doc: Value = serde_json::from_str(text).ok()?;
    let first_vector = doc
        .get("vectors")
        .and_then(Value::as_array)
        .and_then(|v| v.first());
    let has = |key: &str| doc.get(key).is_some();
    let vector_has = |key: &str| first_vector.is_some_and(|v| v.get(key).is_some());
    let format = if vector_has("ref_target") && vector_has("halflife") {
        VectorFormat::AsertCalculate
    } else if has("integer_steps") && has("constants") {
        VectorFormat::AsertParams
    } else if is_bitcoin(&doc) {
        VectorFormat::Bitcoin
    } else if vector_has("digishield") && vector_has("last_bits") {
        VectorFormat::Dogecoin
    } else if vector_has("bn_avg_bits") {
        VectorFormat::Zcash
    } else if doc
        .get("cases")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .is_some_and(|c| c.get("chain").is_some() && c.get("steps").is_some())
    {
        VectorFormat::Lwma
    } else {
        return None;
    };
    Some((format, Some(doc)))
}

/// Text (not JSON) with an `## anchor height: ...` header line, wherever it is: a BCHN
/// run file, even with comments before its headers. Markdown's `## Title` is not one.
fn is_asert_run(text: &str) -> bool {
    !text.trim_start().starts_with('{')
        && text.lines().any(|line| {
            line.trim()
                .strip_prefix("##")
                .and_then(|header| header.split_once(':'))
                .is_some_and(|(key, _)| key.trim().eq_ignore_ascii_case("anchor height"))
        })
}

/// Any of Bitcoin Core's sections, or only a `params` of networks with a pow limit (a
/// file whose sections are all misspelled is still read, and refused by name).
fn is_bitcoin(doc: &Value) -> bool {
    let networks_only = doc
        .get("params")
        .and_then(Value::as_object)
        .is_some_and(|networks| {
            !networks.is_empty() && networks.values().all(|n| n.get("pow_limit").is_some())
        });
    super::bitcoin::SECTIONS
        .iter()
        .any(|section| doc.get(section).is_some())
        || networks_only
}
