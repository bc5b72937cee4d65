//! aserti3-2d: BCHN's `calculate_asert_test` edge cases and the official run01..run08
//! schedules (`daa/asert/`).

mod common;

use common::{bits, block, int, json, list, u256, SparseChain};
use venture_difficulty::asert::{next_target, AsertParams};
use venture_difficulty::{
    Asert, AsertAnchor, AsertAnchorSource, BlockKind, DifficultyAlgorithm, NextBlock,
};
use venture_pow::{decode_compact, encode_compact, Bits, U256};

#[test]
fn calculate_asert_edge_cases() {
    let Some(doc) = json("daa/asert/calculate_asert_test.json") else {
        return;
    };
    for (i, case) in list(&doc, "vectors").iter().enumerate() {
        let params = AsertParams {
            target_spacing: int(&case["target_spacing"]),
            half_life: int(&case["halflife"]),
            pow_limit: u256(&case["pow_limit"]),
        };
        let target = next_target(
            u256(&case["ref_target"]),
            int(&case["time_diff"]),
            int(&case["height_diff"]),
            &params,
        );
        assert_eq!(target, u256(&case["expected_target"]), "case {i}");
        assert_eq!(
            encode_compact(target, false),
            bits(&case["expected_nbits"]),
            "case {i}"
        );
    }
}

/// One BCHN run file: its header and its `(height, time, bits)` lines.
struct Run {
    anchor_height: u32,
    anchor_parent_time: i64,
    anchor_bits: u32,
    iterations: usize,
    lines: Vec<(u32, u32, u32)>,
}

fn parse_run(text: &str) -> Run {
    let header = |key: &str| -> String {
        text.lines()
            .filter_map(|l| l.strip_prefix("##"))
            .filter_map(|l| l.trim().strip_prefix(key))
            .filter_map(|rest| rest.trim().strip_prefix(':'))
            .map(|v| v.trim().to_string())
            .next()
            .unwrap_or_else(|| panic!("no `{key}` header"))
    };
    let lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 4, "bad line {l}");
            (
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                u32::from_str_radix(f[3].trim_start_matches("0x"), 16).unwrap(),
            )
        })
        .collect();
    Run {
        anchor_height: header("anchor height").parse().unwrap(),
        anchor_parent_time: header("anchor ancestor time").parse().unwrap(),
        anchor_bits: u32::from_str_radix(header("anchor nBits").trim_start_matches("0x"), 16)
            .unwrap(),
        iterations: header("iterations").parse().unwrap(),
        lines,
    }
}

fn runs() -> Vec<(String, Run)> {
    let Some(dir) = venture_testkit::vector_path("daa/asert") else {
        return Vec::new();
    };
    (1..=8)
        .map(|n| {
            let name = format!("run{n:02}");
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            (name, parse_run(&text))
        })
        .collect()
}

fn bchn_params() -> AsertParams {
    AsertParams {
        target_spacing: 600,
        half_life: 172_800,
        pow_limit: decode_compact(0x1d00ffff).value,
    }
}

#[test]
fn runs_through_the_pure_function() {
    let runs = runs();
    for (name, run) in &runs {
        assert_eq!(run.lines.len(), run.iterations, "{name}");
        let anchor = decode_compact(run.anchor_bits).value;
        for &(height, time, expected) in &run.lines {
            let target = next_target(
                anchor,
                time as i64 - run.anchor_parent_time,
                (height - run.anchor_height) as i64,
                &bchn_params(),
            );
            assert_eq!(
                encode_compact(target, false),
                expected,
                "{name} height {height}"
            );
        }
    }
}

/// The runs through `next_bits`, once with the anchor written in the config and once
/// read from the chain (block 0 at the anchor's parent time, block 1 the anchor).
#[test]
fn runs_through_the_trait() {
    for (name, run) in &runs() {
        let fixed = Asert::new(
            bchn_params(),
            AsertAnchorSource::Fixed(AsertAnchor {
                height: run.anchor_height,
                bits: Bits(run.anchor_bits),
                parent_time: run.anchor_parent_time,
            }),
        )
        .unwrap();
        let from_chain = Asert::new(bchn_params(), AsertAnchorSource::Chain { height: 1 }).unwrap();
        assert_eq!(
            run.anchor_height, 1,
            "{name}: the chain case assumes anchor height 1"
        );
        for &(height, time, expected) in &run.lines {
            let chain = SparseChain::new([
                block(0, run.anchor_parent_time as u32, 0x1d00ffff),
                block(1, run.anchor_parent_time as u32 + 600, run.anchor_bits),
                block(height, time, 0x1d00ffff),
            ]);
            let next = NextBlock {
                time: time + 600,
                kind: BlockKind::Native,
            };
            assert_eq!(
                fixed.next_bits(&chain, &next).unwrap(),
                expected,
                "{name} {height}"
            );
            assert_eq!(
                from_chain.next_bits(&chain, &next).unwrap(),
                expected,
                "{name} {height}"
            );
        }
    }
}

/// The parameter file spells out the mainnet anchor; the formula at the anchor's own
/// schedule point must give back the anchor's bits.
#[test]
fn mainnet_anchor_is_a_fixed_point_of_its_schedule() {
    let Some(doc) = json("daa/asert/asert_params.json") else {
        return;
    };
    let anchor = &doc["mainnet_anchor"];
    let constants = &doc["constants"];
    let params = AsertParams {
        target_spacing: int(&constants["ideal_block_time"]),
        half_life: int(&constants["halflife_mainnet"]),
        pow_limit: u256(&constants["pow_limit"]),
    };
    let anchor_bits = bits(&anchor["nBits"]);
    // The anchor block mined exactly one spacing after its parent.
    let target = next_target(
        decode_compact(anchor_bits).value,
        params.target_spacing,
        0,
        &params,
    );
    assert_eq!(encode_compact(target, false), anchor_bits);
    assert_eq!(
        encode_compact(params.pow_limit, false),
        bits(&constants["max_bits"])
    );
    // One half-life behind schedule doubles the target.
    let doubled = next_target(
        U256::from(1u64 << 40),
        params.target_spacing + params.half_life,
        0,
        &params,
    );
    assert_eq!(doubled, U256::from(1u64 << 41));
}
