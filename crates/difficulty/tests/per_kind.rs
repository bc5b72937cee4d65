//! The per-kind wrapper: each controller must see exactly the chain of its own kind,
//! renumbered densely, whatever the interleaving.

use venture_difficulty::{
    Ancestry, BlockKind, BlockMeta, ConsensusContext, DifficultyConfig, KindView, NextBlock,
    SliceAncestry,
};
use venture_pow::{decode_compact, Target};

const GENESIS_BITS: u32 = 0x1d00ffff;

fn ctx() -> ConsensusContext {
    ConsensusContext {
        pow_limit: Target(decode_compact(0x1d00ffff).value),
        target_spacing: 300,
        genesis_bits: GENESIS_BITS,
    }
}

/// A reproducible interleaved chain: mostly random kinds, with a run of 400
/// merge-mined blocks (longer than the view's walk limit) in the middle.
fn interleaved(len: u32) -> Vec<BlockMeta> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut time = 1_700_000_000u32;
    (0..len)
        .map(|height| {
            let r = next();
            time = time.wrapping_add((r % 900) as u32).wrapping_sub(100);
            let kind = if height == 0 || (!(500..900).contains(&height) && r % 3 == 0) {
                BlockKind::Native
            } else {
                BlockKind::MergeMined
            };
            BlockMeta {
                height,
                time,
                bits: 0x1c00_8000 + (r >> 40) as u32 % 0x7000,
                kind,
            }
        })
        .collect()
}

/// The blocks of `kind` in `chain`, renumbered 0, 1, 2, ...
fn filtered(chain: &[BlockMeta], kind: BlockKind) -> Vec<BlockMeta> {
    chain
        .iter()
        .filter(|b| b.kind == kind)
        .enumerate()
        .map(|(i, b)| BlockMeta {
            height: i as u32,
            ..*b
        })
        .collect()
}

const CONTROLLERS: &[&str] = &[
    "algorithm = \"lwma\"\nwindow = 20",
    "algorithm = \"asert\"\nhalf_life = 7200",
    "algorithm = \"zcash\"",
    "algorithm = \"bitcoin\"\ninterval = 12",
    "algorithm = \"digishield\"",
    "algorithm = \"dogecoin_retarget\"\ninterval = 10",
];

#[test]
fn each_controller_sees_only_its_kind() {
    let chain = interleaved(1_200);
    for native in CONTROLLERS {
        for merged in CONTROLLERS {
            let text = format!(
                "algorithm = \"per_kind\"\nmerge_mined_target_spacing = 450\n\
                 [native]\n{native}\n[merge_mined]\n{merged}"
            );
            let config: DifficultyConfig = toml::from_str(&text).unwrap();
            let per_kind = config.build(&ctx()).unwrap();
            let native_alone = toml::from_str::<DifficultyConfig>(native)
                .unwrap()
                .build(&ctx())
                .unwrap();
            let merged_ctx = ConsensusContext {
                target_spacing: 450,
                ..ctx()
            };
            let merged_alone = toml::from_str::<DifficultyConfig>(merged)
                .unwrap()
                .build(&merged_ctx)
                .unwrap();
            for tip in [0usize, 3, 40, 499, 650, 899, 905, 1_199] {
                let upto = &chain[..=tip];
                let view = SliceAncestry::new(upto).unwrap();
                for (kind, alone) in [
                    (BlockKind::Native, &native_alone),
                    (BlockKind::MergeMined, &merged_alone),
                ] {
                    let next = NextBlock {
                        time: upto[tip].time + 300,
                        kind,
                    };
                    let got = per_kind.next_bits(&view, &next).unwrap();
                    let own = filtered(upto, kind);
                    let expected = match SliceAncestry::new(&own) {
                        Some(own_chain) => alone.next_bits(&own_chain, &next).unwrap(),
                        None => GENESIS_BITS,
                    };
                    assert_eq!(got, expected, "{text}\ntip {tip} kind {kind:?}");
                }
            }
        }
    }
}

#[test]
fn first_block_of_a_kind_takes_the_genesis_bits() {
    let chain: Vec<BlockMeta> = (0..50)
        .map(|h| BlockMeta {
            height: h,
            time: 1_000 + h * 30,
            bits: 0x1b00_1000,
            kind: BlockKind::Native,
        })
        .collect();
    let config: DifficultyConfig = toml::from_str(
        "algorithm = \"per_kind\"\n[native]\nalgorithm = \"fixed\"\nbits = \"0x1c00ffff\"\n\
         [merge_mined]\nalgorithm = \"asert\"\nhalf_life = 3600",
    )
    .unwrap();
    let per_kind = config.build(&ctx()).unwrap();
    let view = SliceAncestry::new(&chain).unwrap();
    let next = |kind| NextBlock { time: 3_000, kind };
    assert_eq!(
        per_kind
            .next_bits(&view, &next(BlockKind::MergeMined))
            .unwrap(),
        GENESIS_BITS
    );
    assert_eq!(
        per_kind.next_bits(&view, &next(BlockKind::Native)).unwrap(),
        0x1c00ffff
    );
}

#[test]
fn view_numbers_blocks_of_its_kind_densely() {
    let chain = interleaved(1_000);
    let ancestry = SliceAncestry::new(&chain).unwrap();
    for kind in [BlockKind::Native, BlockKind::MergeMined] {
        let own = filtered(&chain, kind);
        let view = KindView::new(&ancestry, kind).unwrap().unwrap();
        assert_eq!(view.tip(), *own.last().unwrap());
        // Newest to oldest, oldest to newest, and jumps both ways.
        let mut order: Vec<u32> = (0..own.len() as u32).rev().collect();
        order.extend(0..own.len() as u32);
        order.extend([0, own.len() as u32 - 1, 3, 300, 7, 450]);
        for h in order {
            let got = view.ancestor(h);
            assert_eq!(
                got,
                own.get(h as usize).copied(),
                "{kind:?} view height {h}"
            );
        }
        assert_eq!(view.ancestor(own.len() as u32), None);
    }
}
