//! Bitcoin Core's compact-bits, block-proof and proof-of-work vectors
//! (`daa/bitcoin_vectors.json`) through this crate.

use serde_json::Value;
use venture_pow::{
    check_proof_of_work, decode_compact, encode_compact, PowHash, Target, Work, U256,
};

fn vectors() -> Option<Value> {
    let path = venture_testkit::vector_path("daa/bitcoin_vectors.json")?;
    let text = std::fs::read_to_string(&path).unwrap();
    Some(serde_json::from_str(&text).unwrap())
}

fn bits(value: &Value) -> u32 {
    let text = value.as_str().unwrap();
    u32::from_str_radix(text.trim_start_matches("0x"), 16).unwrap()
}

fn u256(value: &Value) -> U256 {
    U256::from_str_radix(value.as_str().unwrap(), 16).unwrap()
}

fn cases<'a>(doc: &'a Value, key: &str) -> &'a Vec<Value> {
    let list = doc[key].as_array().unwrap();
    assert!(!list.is_empty(), "no `{key}` vectors");
    list
}

#[test]
fn set_compact_values_and_flags() {
    let Some(doc) = vectors() else { return };
    for case in cases(&doc, "set_compact") {
        let compact = bits(&case["compact"]);
        let decoded = decode_compact(compact);
        assert_eq!(
            decoded.negative,
            case["negative"].as_bool().unwrap(),
            "{compact:#010x} negative"
        );
        assert_eq!(
            decoded.overflow,
            case["overflow"].as_bool().unwrap(),
            "{compact:#010x} overflow"
        );
        if let Some(value) = case.get("value_hex") {
            assert_eq!(decoded.value, u256(value), "{compact:#010x} value");
        }
        if let Some(expected) = case.get("get_compact") {
            let negative = case
                .get("get_compact_negative")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            assert_eq!(
                encode_compact(decoded.value, negative),
                bits(expected),
                "{compact:#010x} round trip"
            );
        }
    }
}

#[test]
fn get_compact_never_sets_the_sign_bit() {
    let Some(doc) = vectors() else { return };
    for case in cases(&doc, "get_compact") {
        let value = u256(&case["value_hex"]);
        assert_eq!(
            encode_compact(value, false),
            bits(&case["compact"]),
            "{value:#x}"
        );
    }
}

#[test]
fn block_proof() {
    let Some(doc) = vectors() else { return };
    for case in cases(&doc, "block_proof") {
        let compact = bits(&case["bits"]);
        assert_eq!(
            Work::from_bits(compact).0,
            u256(&case["work_hex"]),
            "{compact:#010x}"
        );
    }
}

#[test]
fn check_proof_of_work_cases() {
    let Some(doc) = vectors() else { return };
    let limit = Target(u256(&doc["params"]["main"]["pow_limit"]));
    for case in cases(&doc, "check_proof_of_work") {
        let compact = bits(&case["bits"]);
        // The vector writes the hash as a big-endian number; PowHash holds it little-endian.
        let hash = PowHash(u256(&case["hash_hex"]).to_le_bytes());
        let expected = case["expected"].as_bool().unwrap();
        assert_eq!(
            check_proof_of_work(&hash, compact, &limit).is_ok(),
            expected,
            "{}",
            case["name"]
        );
    }
}

/// Bits shifted past 256 are dropped the way `arith_uint256::SetCompact` drops them
/// (the overflow flag is what callers must check): 0x21123456 is 0x123456 << 240,
/// of which 0x3456 << 240 survives in 256 bits.
#[test]
fn overflowing_compact_keeps_the_low_256_bits() {
    let decoded = decode_compact(0x2112_3456);
    assert!(decoded.overflow);
    assert_eq!(decoded.value, U256::from(0x3456u32) << 240);
    assert_eq!(decode_compact(0x2301_0000).value, U256::ZERO);
}
