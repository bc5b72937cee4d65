//! Properties over random chains: no capped algorithm ever answers above the pow
//! limit, and where an algorithm is monotone in solve time, a later tip never gives a
//! harder target.

use proptest::prelude::*;
use venture_difficulty::{
    asert, dogecoin_next_bits, zcash_next_bits, BitcoinRetarget, BitcoinRetargetParams, BlockKind,
    BlockMeta, ConsensusContext, DifficultyConfig, DogecoinRule, NextBlock, SliceAncestry,
    ZcashParams,
};
use venture_pow::{decode_compact, encode_compact, Target, U256};

const LIMIT_BITS: u32 = 0x1e0fffff;

fn limit() -> U256 {
    decode_compact(LIMIT_BITS).value
}

fn target(bits: u32) -> U256 {
    decode_compact(bits).value
}

/// Configs whose results are capped at the pow limit (every one but an uncapped LWMA).
const CAPPED: &[&str] = &[
    "algorithm = \"bitcoin\"\ninterval = 8",
    "algorithm = \"asert\"\nhalf_life = 600",
    "algorithm = \"lwma\"\nwindow = 10\nk = 300",
    "algorithm = \"lwma\"\nwindow = 12",
    "algorithm = \"digishield\"",
    "algorithm = \"dogecoin_retarget\"\ninterval = 6",
    "algorithm = \"zcash\"\nwindow = 5",
    "algorithm = \"per_kind\"\n[native]\nalgorithm = \"lwma\"\nwindow = 4\n[merge_mined]\nalgorithm = \"asert\"\nhalf_life = 900",
];

/// A chain from genesis: (solve time, bits as a fraction of the limit, kind) per block.
fn chain_strategy() -> impl Strategy<Value = Vec<BlockMeta>> {
    prop::collection::vec((-700i64..20_000, 0u32..0x0fffff, any::<bool>()), 1..60).prop_map(
        |rows| {
            let mut time = 1_600_000_000i64;
            rows.into_iter()
                .enumerate()
                .map(|(i, (solve, mantissa, merged))| {
                    time += solve;
                    BlockMeta {
                        height: i as u32,
                        time: time as u32,
                        // Anything from tiny to exactly the limit, all valid targets.
                        bits: if i == 0 {
                            LIMIT_BITS
                        } else {
                            0x1e00_0001 + mantissa
                        },
                        kind: if merged {
                            BlockKind::MergeMined
                        } else {
                            BlockKind::Native
                        },
                    }
                })
                .collect()
        },
    )
}

proptest! {
    #[test]
    fn capped_algorithms_never_exceed_the_pow_limit(chain in chain_strategy(), later in 0u32..100_000) {
        let ctx = ConsensusContext { pow_limit: Target(limit()), target_spacing: 120, genesis_bits: LIMIT_BITS };
        let view = SliceAncestry::new(&chain).unwrap();
        for text in CAPPED {
            let algorithm = toml::from_str::<DifficultyConfig>(text).unwrap().build(&ctx).unwrap();
            for kind in [BlockKind::Native, BlockKind::MergeMined] {
                let next = NextBlock { time: chain[chain.len() - 1].time + later, kind };
                let bits = algorithm.next_bits(&view, &next).unwrap();
                prop_assert!(target(bits) <= limit(), "{text}: {bits:#010x}");
                prop_assert!(!target(bits).is_zero(), "{text}: zero target");
            }
        }
    }

    #[test]
    fn asert_is_monotone_in_time(
        anchor in 1u64..u64::MAX,
        t1 in -10_000_000i64..10_000_000,
        dt in 0i64..1_000_000,
        height in 0i64..100_000,
    ) {
        let params = asert::AsertParams { target_spacing: 600, half_life: 3_600, pow_limit: limit() };
        let anchor = U256::from(anchor) << 100;
        let early = asert::next_target(anchor, t1, height, &params);
        let late = asert::next_target(anchor, t1 + dt, height, &params);
        prop_assert!(early <= late);
        prop_assert!(late <= limit());
        prop_assert!(!early.is_zero());
    }

    #[test]
    fn lwma_is_monotone_in_the_last_solve_time(chain in chain_strategy(), extra in 0u32..5_000) {
        prop_assume!(chain.len() > 13);
        let ctx = ConsensusContext { pow_limit: Target(limit()), target_spacing: 120, genesis_bits: LIMIT_BITS };
        let mut later = chain.clone();
        let last = later.len() - 1;
        later[last].time += extra;
        for text in ["algorithm = \"lwma\"\nwindow = 12", "algorithm = \"lwma\"\nwindow = 12\nk = 78\nmin_solvetime = -360"] {
            let lwma = toml::from_str::<DifficultyConfig>(text).unwrap().build(&ctx).unwrap();
            let next = NextBlock { time: 0, kind: BlockKind::Native };
            let a = lwma.next_bits(&SliceAncestry::new(&chain).unwrap(), &next).unwrap();
            let b = lwma.next_bits(&SliceAncestry::new(&later).unwrap(), &next).unwrap();
            prop_assert!(target(a) <= target(b), "{text}");
        }
    }

    #[test]
    fn retargets_are_monotone_in_the_timespan(
        mantissa in 0x8000u32..0x7fffff,
        first in 1_000_000i64..2_000_000,
        span in -5_000i64..3_000_000,
        extra in 0i64..100_000,
        height in 0u64..20_000,
    ) {
        let bits = 0x1c00_0000 | mantissa;
        let pow_limit = Target(limit());
        let bitcoin = BitcoinRetarget::new(BitcoinRetargetParams {
            interval: 2016, target_timespan: 1_209_600, target_spacing: 600, pow_limit,
            allow_min_difficulty_blocks: false, no_retargeting: false,
        }).unwrap();
        let pairs = [
            (bitcoin.calculate(bits, first, first + span), bitcoin.calculate(bits, first, first + span + extra)),
            (
                dogecoin_next_bits(DogecoinRule::DigiShield, bits, first + span, first, height, 60, &pow_limit),
                dogecoin_next_bits(DogecoinRule::DigiShield, bits, first + span + extra, first, height, 60, &pow_limit),
            ),
            (
                dogecoin_next_bits(DogecoinRule::Legacy, bits, first + span, first, height, 14_400, &pow_limit),
                dogecoin_next_bits(DogecoinRule::Legacy, bits, first + span + extra, first, height, 14_400, &pow_limit),
            ),
        ];
        for (a, b) in pairs {
            prop_assert!(target(a) <= target(b));
            prop_assert!(target(b) <= limit());
        }
        let zparams = ZcashParams {
            window: 17, target_spacing: 75, max_adjust_up_pct: 16, max_adjust_down_pct: 32,
            pow_limit, warmup_bits: LIMIT_BITS,
        };
        let avg = target(bits);
        let a = zcash_next_bits(avg, first + span, first, &zparams);
        let b = zcash_next_bits(avg, first + span + extra, first, &zparams);
        prop_assert!(target(a) <= target(b));
        prop_assert!(target(b) <= limit());
        prop_assert_eq!(encode_compact(target(b), false), b);
    }
}
