//! LWMA-1 as Bitcoin Gold and Susucoin ship it (`daa/lwma_vectors.json`), plus the
//! vector file's derived (not upstream) canonical ±6T evaluation of the same chain.

mod common;

use common::{bits, int, json, list, u256};
use serde_json::Value;
use venture_difficulty::{
    BlockKind, BlockMeta, DifficultyAlgorithm, Lwma, LwmaParams, LwmaWeight, NextBlock,
    SliceAncestry,
};
use venture_pow::Target;

fn chain_of(case: &Value) -> Vec<BlockMeta> {
    list(case, "chain")
        .iter()
        .map(|row| BlockMeta {
            height: int(&row[0]) as u32,
            time: int(&row[1]) as u32,
            bits: bits(&row[2]),
            kind: BlockKind::Native,
        })
        .collect()
}

fn case<'a>(doc: &'a Value, variant: &str) -> &'a Value {
    list(doc, "cases")
        .iter()
        .find(|c| c["variant"] == variant)
        .unwrap_or_else(|| panic!("no {variant} case"))
}

/// Runs `lwma` at each `(tip_height, expected_bits)` step over the case's chain.
fn check_steps(lwma: &Lwma, chain: &[BlockMeta], steps: &[(u32, u32)], label: &str) {
    assert!(!steps.is_empty());
    for &(tip, expected) in steps {
        let upto = chain.iter().position(|b| b.height == tip).unwrap();
        let view = SliceAncestry::new(&chain[..=upto]).unwrap();
        let next = NextBlock {
            time: chain[upto].time + 1,
            kind: BlockKind::Native,
        };
        assert_eq!(
            lwma.next_bits(&view, &next).unwrap(),
            expected,
            "{label}: tip {tip}: got {:#010x}, want {expected:#010x}",
            lwma.next_bits(&view, &next).unwrap()
        );
    }
}

fn steps(case: &Value, key: &str, field: &str) -> Vec<(u32, u32)> {
    list(case, key)
        .iter()
        .map(|s| (int(&s["tip_height"]) as u32, bits(&s[field])))
        .collect()
}

#[test]
fn bitcoin_gold() {
    let Some(doc) = json("daa/lwma_vectors.json") else {
        return;
    };
    let case = case(&doc, "btg");
    let p = &case["params"];
    assert_eq!(p["limit_solvetime_6T"], true);
    let t = int(&p["T"]);
    let lwma = Lwma::new(LwmaParams {
        window: int(&p["N"]) as u32,
        target_spacing: t,
        weight: LwmaWeight::Explicit(int(&p["k"]) as u64),
        min_t_divisor: int(&p["dnorm"]),
        max_solvetime: 6 * t,
        min_solvetime: None,
        pow_limit_cap: Some(Target(u256(&p["pow_limit"]))),
        warmup_bits: 0,
    })
    .unwrap();
    check_steps(
        &lwma,
        &chain_of(case),
        &steps(case, "steps", "expected_bits"),
        "btg",
    );
}

fn susucoin(case: &Value, min_solvetime: i64, cap: bool) -> Lwma {
    let p = &case["params"];
    let t = int(&p["T"]);
    Lwma::new(LwmaParams {
        window: int(&p["N"]) as u32,
        target_spacing: t,
        weight: LwmaWeight::Canonical,
        min_t_divisor: 10,
        max_solvetime: 6 * t,
        min_solvetime: Some(min_solvetime),
        pow_limit_cap: cap.then(|| Target(u256(&p["pow_limit"]))),
        warmup_bits: 0,
    })
    .unwrap()
}

#[test]
fn susucoin_ftl_clamp_without_cap() {
    let Some(doc) = json("daa/lwma_vectors.json") else {
        return;
    };
    let case = case(&doc, "lwma1_ftl_clamp");
    let ftl = int(&case["params"]["FTL"]);
    let lwma = susucoin(case, -ftl, false);
    check_steps(
        &lwma,
        &chain_of(case),
        &steps(case, "steps", "expected_bits"),
        "susucoin",
    );
}

/// Not an upstream vector: the same chain under zawy's ±6T clamp, as the file derives
/// it. It checks that the lower clamp is a parameter, not a constant.
#[test]
fn canonical_six_t_clamp_derived() {
    let Some(doc) = json("daa/lwma_vectors.json") else {
        return;
    };
    let case = case(&doc, "lwma1_ftl_clamp");
    let t = int(&case["params"]["T"]);
    let lwma = susucoin(case, -6 * t, false);
    let derived = &case["derived_not_published"];
    check_steps(
        &lwma,
        &chain_of(case),
        &steps(derived, "steps", "lwma1_minus6T_bits"),
        "derived",
    );
}
