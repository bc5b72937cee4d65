//! Dogecoin's DigiShield v3 and pre-DigiShield retarget (`daa/dogecoin_vectors.json`).

mod common;

use common::{bits, block, int, json, list, u256, SparseChain};
use venture_difficulty::{
    dogecoin_next_bits, BlockKind, DifficultyAlgorithm, DigiShield, DogecoinRetarget, DogecoinRule,
    NextBlock,
};
use venture_pow::Target;

struct Params {
    pow_limit: Target,
    spacing: i64,
    legacy_timespan: i64,
    legacy_interval: u32,
    digishield_timespan: i64,
}

fn params(doc: &serde_json::Value) -> Params {
    let p = &doc["params"];
    Params {
        pow_limit: Target(u256(&p["pow_limit"])),
        spacing: int(&p["pow_target_spacing"]),
        legacy_timespan: int(&p["pre_digishield"]["pow_target_timespan"]),
        legacy_interval: int(&p["pre_digishield"]["interval"]) as u32,
        digishield_timespan: int(&p["digishield"]["pow_target_timespan"]),
    }
}

#[test]
fn calculate_dogecoin_next_work_required() {
    let Some(doc) = json("daa/dogecoin_vectors.json") else {
        return;
    };
    let p = params(&doc);
    for case in list(&doc, "vectors") {
        let digishield = case["digishield"].as_bool().unwrap();
        let (rule, timespan) = if digishield {
            (DogecoinRule::DigiShield, p.digishield_timespan)
        } else {
            (DogecoinRule::Legacy, p.legacy_timespan)
        };
        let got = dogecoin_next_bits(
            rule,
            bits(&case["last_bits"]),
            int(&case["last_time"]),
            int(&case["first_time"]),
            int(&case["last_height"]) as u64 + 1,
            timespan,
            &p.pow_limit,
        );
        assert_eq!(got, bits(&case["expected_bits"]), "{}", case["name"]);
    }
}

/// Through `next_bits`: DigiShield reads the tip's parent; the legacy retarget reads
/// the first block of its interval (`interval - 1` back at the first retarget).
#[test]
fn through_the_trait() {
    let Some(doc) = json("daa/dogecoin_vectors.json") else {
        return;
    };
    let p = params(&doc);
    let digishield = DigiShield::new(p.spacing, p.pow_limit).unwrap();
    let legacy = DogecoinRetarget::new(p.legacy_interval, p.spacing, p.pow_limit).unwrap();
    assert_eq!(legacy.target_timespan, p.legacy_timespan);
    assert_eq!(p.digishield_timespan, p.spacing);
    for case in list(&doc, "vectors") {
        let last_height = int(&case["last_height"]) as u32;
        let last_time = int(&case["last_time"]) as u32;
        let last_bits = bits(&case["last_bits"]);
        let is_digishield = case["digishield"].as_bool().unwrap();
        let first_height = if is_digishield {
            last_height - 1
        } else if last_height + 1 == p.legacy_interval {
            last_height + 1 - p.legacy_interval
        } else {
            last_height - p.legacy_interval
        };
        let chain = SparseChain::new([
            block(first_height, int(&case["first_time"]) as u32, last_bits),
            block(last_height, last_time, last_bits),
        ]);
        let next = NextBlock {
            time: last_time + 60,
            kind: BlockKind::Native,
        };
        let algorithm: &dyn DifficultyAlgorithm = if is_digishield { &digishield } else { &legacy };
        assert_eq!(
            algorithm.next_bits(&chain, &next).unwrap(),
            bits(&case["expected_bits"]),
            "{}",
            case["name"]
        );
    }
}
