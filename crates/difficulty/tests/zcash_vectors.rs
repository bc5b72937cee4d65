//! Zcash's averaging DigiShield (`daa/zcash_vectors.json`).

mod common;

use common::{bits, block, int, json, list, u256};
use venture_difficulty::{
    zcash_next_bits, BlockKind, BlockMeta, DifficultyAlgorithm, NextBlock, SliceAncestry,
    ZcashDigiShield, ZcashParams,
};
use venture_pow::{decode_compact, Target};

fn params(doc: &serde_json::Value, spacing: i64) -> ZcashParams {
    let p = &doc["params"];
    ZcashParams {
        window: int(&p["pow_averaging_window"]) as u32,
        target_spacing: spacing,
        max_adjust_up_pct: int(&p["pow_max_adjust_up_pct"]),
        max_adjust_down_pct: int(&p["pow_max_adjust_down_pct"]),
        pow_limit: Target(u256(&p["pow_limit"])),
        warmup_bits: 0,
    }
}

#[test]
fn calculate_next_work_required() {
    let Some(doc) = json("daa/zcash_vectors.json") else {
        return;
    };
    for case in list(&doc, "vectors") {
        let params = params(&doc, int(&case["spacing"]));
        let avg = decode_compact(bits(&case["bn_avg_bits"])).value;
        let got = zcash_next_bits(
            avg,
            int(&case["this_time"]),
            int(&case["last_retarget_time"]),
            &params,
        );
        assert_eq!(got, bits(&case["expected_bits"]), "{}", case["name"]);
    }
}

/// Through `next_bits`: every block of the window carries `bn_avg_bits` (so their mean
/// is exactly that target), the eleven blocks ending at the window's first block are
/// stamped `last_retarget_time` and the eleven ending at the tip `this_time`, so the
/// two medians of time past are exactly the vector's times.
#[test]
fn through_the_trait() {
    let Some(doc) = json("daa/zcash_vectors.json") else {
        return;
    };
    for case in list(&doc, "vectors") {
        let params = params(&doc, int(&case["spacing"]));
        let window = params.window;
        let avg_bits = bits(&case["bn_avg_bits"]);
        let first = 10u32; // room for the first block's ten ancestors
        let tip = first + window;
        let blocks: Vec<BlockMeta> = (0..=tip)
            .map(|h| {
                let time = if h <= first {
                    int(&case["last_retarget_time"])
                } else {
                    int(&case["this_time"])
                };
                block(h, time as u32, avg_bits)
            })
            .collect();
        let chain = SliceAncestry::new(&blocks).unwrap();
        let zcash = ZcashDigiShield::new(params).unwrap();
        let next = NextBlock {
            time: int(&case["this_time"]) as u32 + 1,
            kind: BlockKind::Native,
        };
        assert_eq!(
            zcash.next_bits(&chain, &next).unwrap(),
            bits(&case["expected_bits"]),
            "{}",
            case["name"]
        );
    }
}
