//! Bitcoin Core's retarget and `PermittedDifficultyTransition` vectors
//! (`daa/bitcoin_vectors.json`, `retarget[]`).

mod common;

use common::{bits, block, int, json, list, u256, SparseChain};
use venture_difficulty::{
    BitcoinRetarget, BitcoinRetargetParams, BlockKind, DifficultyAlgorithm, NextBlock,
};
use venture_pow::Target;

fn retarget_for(doc: &serde_json::Value, network: &str) -> BitcoinRetarget {
    let p = &doc["params"][network];
    BitcoinRetarget::new(BitcoinRetargetParams {
        interval: int(&p["interval"]) as u32,
        target_timespan: int(&p["pow_target_timespan"]) as u32,
        target_spacing: int(&p["pow_target_spacing"]) as u32,
        pow_limit: Target(u256(&p["pow_limit"])),
        allow_min_difficulty_blocks: false,
        no_retargeting: false,
    })
    .unwrap()
}

#[test]
fn calculate_next_work_required() {
    let Some(doc) = json("daa/bitcoin_vectors.json") else {
        return;
    };
    for case in list(&doc, "retarget") {
        let retarget = retarget_for(&doc, case["network"].as_str().unwrap());
        let got = retarget.calculate(
            bits(&case["last_bits"]),
            int(&case["first_time"]),
            int(&case["last_time"]),
        );
        assert_eq!(got, bits(&case["expected_bits"]), "{}", case["name"]);
    }
}

/// The same cases through `next_bits`: the tip at `last_height` and the first block of
/// its interval (`last_height - 2015`) are all the chain holds.
#[test]
fn get_next_work_required_through_the_trait() {
    let Some(doc) = json("daa/bitcoin_vectors.json") else {
        return;
    };
    for case in list(&doc, "retarget") {
        let retarget = retarget_for(&doc, case["network"].as_str().unwrap());
        let last_height = int(&case["last_height"]) as u32;
        let first_height = last_height + 1 - retarget.params.interval;
        let last_bits = bits(&case["last_bits"]);
        let chain = SparseChain::new([
            block(first_height, int(&case["first_time"]) as u32, last_bits),
            block(last_height, int(&case["last_time"]) as u32, last_bits),
        ]);
        let next = NextBlock {
            time: int(&case["last_time"]) as u32 + 600,
            kind: BlockKind::Native,
        };
        let got = retarget.next_bits(&chain, &next).unwrap();
        assert_eq!(got, bits(&case["expected_bits"]), "{}", case["name"]);
    }
}

#[test]
fn permitted_difficulty_transition() {
    let Some(doc) = json("daa/bitcoin_vectors.json") else {
        return;
    };
    let mut checked = 0;
    for case in list(&doc, "retarget") {
        let retarget = retarget_for(&doc, case["network"].as_str().unwrap());
        let height = int(&case["last_height"]) as u32 + 1;
        let old = bits(&case["last_bits"]);
        for permitted in case["permitted"].as_array().unwrap() {
            let new = bits(&permitted["new_bits"]);
            let expected = permitted["expected"].as_bool().unwrap();
            assert_eq!(
                retarget.permitted_transition(height, old, new),
                expected,
                "{}: {old:#010x} -> {new:#010x}",
                case["name"]
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
}
