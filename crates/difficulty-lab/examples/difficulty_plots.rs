//! Regenerates the plots and the comparison table of `docs/difficulty.md`:
//!
//! ```text
//! cargo run --release -p venture-difficulty-lab --example difficulty_plots [OUT_DIR]
//! ```
//!
//! SVGs go to `OUT_DIR` (default `docs/img/difficulty` in the workspace); the Markdown
//! table is printed. Every run is seeded, so the output only changes when an
//! algorithm or the simulator does.

use std::path::PathBuf;
use venture_difficulty::{ConsensusContext, DifficultyConfig};
use venture_difficulty_lab::{
    simulate, LabError, OnOffTrigger, Scenario, SimulationConfig, SimulationMetrics,
};
use venture_pow::{decode_compact, Target};

const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];
const BLOCKS: u32 = 3_000;

/// The algorithms compared, each as a founder would configure it for 10-minute blocks.
const ALGORITHMS: &[(&str, &str)] = &[
    ("bitcoin", "algorithm = \"bitcoin\"\ninterval = 2016"),
    (
        "dogecoin_retarget",
        "algorithm = \"dogecoin_retarget\"\ninterval = 240",
    ),
    ("digishield", "algorithm = \"digishield\""),
    ("zcash", "algorithm = \"zcash\""),
    ("lwma", "algorithm = \"lwma\"\nwindow = 45"),
    ("asert", "algorithm = \"asert\"\nhalf_life = 172800"),
    ("asert-12h", "algorithm = \"asert\"\nhalf_life = 43200"),
];

fn ctx() -> ConsensusContext {
    ConsensusContext {
        pow_limit: Target(decode_compact(0x1d00ffff).value),
        target_spacing: 600,
        // 256 times harder than the limit, so every algorithm has room to ease.
        genesis_bits: 0x1c00ffff,
    }
}

fn scenarios() -> Vec<(&'static str, Scenario)> {
    vec![
        ("constant", Scenario::Constant),
        (
            "step",
            Scenario::Step {
                at_block: 500,
                factor: 10.0,
            },
        ),
        (
            "onoff",
            Scenario::OnOff {
                factor: 20.0,
                trigger: OnOffTrigger::BelowFair,
            },
        ),
        (
            "duty",
            Scenario::OnOff {
                factor: 20.0,
                trigger: OnOffTrigger::DutyCycle {
                    period_secs: 43_200.0,
                    on_fraction: 0.3,
                },
            },
        ),
    ]
}

fn run(
    text: &str,
    scenario: &Scenario,
    seed: u64,
) -> Result<venture_difficulty_lab::SimulationResult, LabError> {
    let difficulty: DifficultyConfig =
        toml::from_str(text).map_err(|e| LabError::Simulation(format!("example config: {e}")))?;
    simulate(&SimulationConfig::new(
        difficulty,
        ctx(),
        scenario.clone(),
        BLOCKS,
        seed,
    ))
}

/// Mean of a metric over the seeds (`None` counts as the run length: never reached).
fn mean(runs: &[SimulationMetrics], f: impl Fn(&SimulationMetrics) -> f64) -> f64 {
    runs.iter().map(f).sum::<f64>() / runs.len().max(1) as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/img/difficulty")
        });
    std::fs::create_dir_all(&out)?;

    println!(
        "| algorithm | mean solve time | difficulty rel. std | blocks to 50 % / 90 % of a x10 step \
         | delays (constant / on-off) | profit-switchers: time on | profit-switchers: blocks taken \
         | duty-cycle switchers: blocks below fair / all theirs |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, text) in ALGORITHMS {
        let mut by_scenario = Vec::new();
        for (label, scenario) in scenarios() {
            let mut metrics = Vec::new();
            for seed in SEEDS {
                let result = run(text, &scenario, seed)?;
                if seed == SEEDS[0] && matches!(label, "step" | "onoff") {
                    let title = format!("{name}: {} (seed {seed})", scenario.label());
                    std::fs::write(
                        out.join(format!("{name}-{label}.svg")),
                        result.to_svg(&title),
                    )?;
                }
                metrics.push(result.metrics);
            }
            by_scenario.push(metrics);
        }
        let [constant, step, onoff, duty] = by_scenario.as_slice() else {
            return Err("scenario list changed".into());
        };
        // Blocks to reach a share of the step, or "never" if some seed did not get there.
        let reach = |pick: fn(&SimulationMetrics) -> Option<u32>| -> String {
            let reached: Option<Vec<f64>> = step.iter().map(|m| pick(m).map(f64::from)).collect();
            match reached {
                Some(v) => format!("{:.0}", v.iter().sum::<f64>() / v.len().max(1) as f64),
                None => format!("not in {BLOCKS}"),
            }
        };
        println!(
            "| `{name}` | {:.0} s | {:.3} | {} / {} | {:.1} % / {:.1} % | {:.0} % | {:.0} | {:.0} / {:.0} |",
            mean(constant, |m| m.mean_solvetime),
            mean(constant, |m| m.difficulty_relative_std),
            reach(|m| m.blocks_to_50pct),
            reach(|m| m.blocks_to_90pct),
            mean(constant, |m| m.delay_share * 100.0),
            mean(onoff, |m| m.delay_share * 100.0),
            mean(onoff, |m| m.switcher_on_share * 100.0),
            mean(onoff, |m| m.switcher_blocks),
            mean(duty, |m| m.switcher_blocks_below_fair),
            mean(duty, |m| m.switcher_blocks),
        );
    }
    eprintln!("plots written to {}", out.display());
    Ok(())
}
