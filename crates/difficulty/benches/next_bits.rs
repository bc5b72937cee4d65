//! Nanoseconds per next-target computation for each algorithm, over an in-memory chain
//! of 4,032 blocks with jittered solve times (each algorithm reads what it needs).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use venture_difficulty::{
    asert, Ancestry, BlockKind, BlockMeta, ConsensusContext, DifficultyConfig, NextBlock,
    SliceAncestry,
};
use venture_pow::{decode_compact, Target};

const SPACING: u32 = 600;
const BLOCKS: u32 = 4_032;

/// A chain whose solve times cycle through a fixed pattern around the spacing and
/// whose kinds alternate, so per-kind views have work to do.
fn chain() -> Vec<BlockMeta> {
    let pattern = [610u32, 590, 1200, 30, 600, 450, 800, 520];
    let mut time = 1_700_000_000u32;
    (0..BLOCKS)
        .map(|height| {
            time += pattern[height as usize % pattern.len()];
            BlockMeta {
                height,
                time,
                bits: 0x1c0f_fff0 - (height % 16),
                kind: if height % 3 == 0 {
                    BlockKind::Native
                } else {
                    BlockKind::MergeMined
                },
            }
        })
        .collect()
}

/// Blocks from genesis with running per-kind counts, like a block index keeps.
struct CountedChain<'a> {
    blocks: &'a [BlockMeta],
    /// `counts[h]` = (native, merge-mined) blocks in `0..=h`.
    counts: Vec<(u32, u32)>,
}

impl<'a> CountedChain<'a> {
    fn new(blocks: &'a [BlockMeta]) -> Self {
        let mut running = (0, 0);
        let counts = blocks
            .iter()
            .map(|b| {
                match b.kind {
                    BlockKind::Native => running.0 += 1,
                    BlockKind::MergeMined => running.1 += 1,
                }
                running
            })
            .collect();
        CountedChain { blocks, counts }
    }
}

impl Ancestry for CountedChain<'_> {
    fn tip(&self) -> BlockMeta {
        self.blocks[self.blocks.len() - 1]
    }

    fn ancestor(&self, height: u32) -> Option<BlockMeta> {
        self.blocks.get(height as usize).copied()
    }

    fn kind_count(
        &self,
        height: u32,
        kind: BlockKind,
    ) -> Result<u32, venture_difficulty::DifficultyError> {
        let (native, merged) = self
            .counts
            .get(height as usize)
            .copied()
            .ok_or(venture_difficulty::DifficultyError::MissingAncestor(height))?;
        Ok(match kind {
            BlockKind::Native => native,
            BlockKind::MergeMined => merged,
        })
    }
}

fn configs() -> Vec<(&'static str, DifficultyConfig)> {
    let toml_configs = [
        ("fixed", "algorithm = \"fixed\""),
        (
            "bitcoin (no retarget)",
            "algorithm = \"bitcoin\"\ninterval = 2016",
        ),
        ("asert", "algorithm = \"asert\"\nhalf_life = 172800"),
        (
            "lwma N=45 (btg)",
            "algorithm = \"lwma\"\nwindow = 45\nk = 13772",
        ),
        ("lwma N=90", "algorithm = \"lwma\"\nwindow = 90"),
        ("digishield", "algorithm = \"digishield\""),
        (
            "dogecoin_retarget",
            "algorithm = \"dogecoin_retarget\"\ninterval = 240",
        ),
        ("zcash", "algorithm = \"zcash\""),
        (
            "per_kind (lwma + asert)",
            "algorithm = \"per_kind\"\n[native]\nalgorithm = \"lwma\"\nwindow = 45\n\
             [merge_mined]\nalgorithm = \"asert\"\nhalf_life = 172800",
        ),
    ];
    toml_configs
        .iter()
        .map(|(name, text)| (*name, toml::from_str(text).expect("bench config parses")))
        .collect()
}

fn bench(c: &mut Criterion) {
    let blocks = chain();
    let ctx = ConsensusContext {
        pow_limit: Target(decode_compact(0x1d00ffff).value),
        target_spacing: SPACING,
        genesis_bits: 0x1d00ffff,
    };
    let mut group = c.benchmark_group("next_bits");
    for (name, config) in configs() {
        let algorithm = config.build(&ctx).expect("bench config builds");
        // Tip 3999: the next height is not a multiple of 2016.
        let chain = SliceAncestry::new(&blocks[..4_000]).expect("consecutive heights");
        let next = NextBlock {
            time: chain.tip().time + SPACING,
            kind: BlockKind::MergeMined,
        };
        group.bench_function(name, |b| {
            b.iter(|| algorithm.next_bits(black_box(&chain), black_box(&next)))
        });
        if name.starts_with("per_kind") {
            // The same with kind counts answered in O(1), as a block index would.
            let counted = CountedChain::new(&blocks[..4_000]);
            group.bench_function("per_kind (lwma + asert), indexed counts", |b| {
                b.iter(|| algorithm.next_bits(black_box(&counted), black_box(&next)))
            });
        }
    }
    // A retarget block: the next height is a multiple of 2016.
    let retarget = DifficultyConfig::Bitcoin {
        interval: 2016,
        allow_min_difficulty_blocks: false,
        no_retargeting: false,
    }
    .build(&ctx)
    .expect("builds");
    let chain = SliceAncestry::new(&blocks).expect("consecutive heights");
    let next = NextBlock {
        time: chain.tip().time + SPACING,
        kind: BlockKind::Native,
    };
    group.bench_function("bitcoin (retarget block)", |b| {
        b.iter(|| retarget.next_bits(black_box(&chain), black_box(&next)))
    });
    let params = asert::AsertParams {
        target_spacing: 600,
        half_life: 172_800,
        pow_limit: ctx.pow_limit.0,
    };
    group.bench_function("asert::next_target (pure)", |b| {
        b.iter(|| {
            asert::next_target(
                black_box(ctx.pow_limit.0 >> 8),
                black_box(1_234_567),
                black_box(2_000),
                &params,
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
