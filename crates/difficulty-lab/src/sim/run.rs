//! The simulation loop.

use super::chain::SimChain;
use super::config::{OnOffTrigger, Scenario, SimulationConfig};
use super::metrics::SimulationMetrics;
use super::rng::Rng;
use crate::LabError;
use venture_difficulty::{Ancestry, BlockKind, BlockMeta, NextBlock};
use venture_pow::{decode_compact, Target};

/// One simulated block.
#[derive(Debug, Clone, PartialEq)]
pub struct SimBlock {
    pub height: u32,
    /// Header time (integer seconds).
    pub time: u32,
    /// Time minus the parent's time (negative when the MTP bump put the parent ahead).
    pub solvetime: i64,
    pub bits: u32,
    /// Difficulty relative to the pow limit (`pow_limit / target`, Bitcoin's scale).
    pub difficulty: f64,
    /// Hash rate while this block was mined, in multiples of the base rate.
    pub hashrate: f64,
    /// The difficulty at which that hash rate would find blocks every `T` seconds.
    pub fair_difficulty: f64,
    /// Whether the on-off miners were mining.
    pub switcher_on: bool,
    /// The on-off miners' expected share of this block (their share of the hash rate).
    pub switcher_share: f64,
}

/// A finished run: every block after genesis and the metrics over them.
#[derive(Debug, Clone)]
pub struct SimulationResult {
    pub algorithm: &'static str,
    pub scenario: Scenario,
    pub target_spacing: u32,
    pub seed: u64,
    pub blocks: Vec<SimBlock>,
    pub metrics: SimulationMetrics,
}

/// Runs `config`. Fails on a configuration the difficulty crate refuses, an invalid
/// scenario, or an algorithm error (which would stop a real chain too).
pub fn simulate(config: &SimulationConfig) -> Result<SimulationResult, LabError> {
    config.scenario.check().map_err(LabError::Simulation)?;
    let algorithm = config
        .difficulty
        .build(&config.ctx)
        .map_err(|e| LabError::Simulation(format!("difficulty config: {e}")))?;
    let spacing = config.ctx.target_spacing.max(1);
    let limit = config.ctx.pow_limit;
    let difficulty = |bits: u32| -> f64 {
        let target = Target(decode_compact(bits).value);
        target.difficulty(&limit)
    };
    let genesis_difficulty = difficulty(config.ctx.genesis_bits);

    let mut rng = Rng::new(config.seed);
    let mut chain = SimChain::default();
    chain.push(BlockMeta {
        height: 0,
        time: config.genesis_time,
        bits: config.ctx.genesis_bits,
        kind: BlockKind::Native,
    });
    let start = config.genesis_time as f64;
    let mut clock = start;
    let mut blocks = Vec::with_capacity(config.blocks as usize);
    for height in 1..=config.blocks {
        let tip = chain.tip();
        let next = NextBlock {
            // Testnet minimum-difficulty rules (which read this) are not modelled.
            time: tip.time.saturating_add(spacing),
            kind: config.kind,
        };
        let bits = algorithm
            .next_bits(&chain, &next)
            .map_err(|e| LabError::Simulation(format!("block {height}: {e}")))?;
        let d = difficulty(bits);
        let (base, extra) = hashrate(
            &config.scenario,
            height,
            clock - start,
            d,
            genesis_difficulty,
        );
        let rate = base + extra;
        let mean = spacing as f64 * d / (genesis_difficulty * rate);
        clock += rng.exponential(mean);
        // NaN or past the 32-bit clock: either way the chain cannot go on.
        if clock.is_nan() || clock >= u32::MAX as f64 {
            return Err(LabError::Simulation(format!(
                "block {height}: the clock ran past 2106 (difficulty {d:.3e} is out of reach)"
            )));
        }
        let time = (clock.floor() as u32).max(chain.median_time_past().saturating_add(1));
        chain.push(BlockMeta {
            height,
            time,
            bits,
            kind: config.kind,
        });
        blocks.push(SimBlock {
            height,
            time,
            solvetime: time as i64 - tip.time as i64,
            bits,
            difficulty: d,
            hashrate: rate,
            fair_difficulty: genesis_difficulty * rate,
            switcher_on: extra > 0.0,
            switcher_share: extra / rate,
        });
    }
    let metrics =
        SimulationMetrics::compute(&blocks, &config.scenario, spacing, genesis_difficulty);
    Ok(SimulationResult {
        algorithm: algorithm.name(),
        scenario: config.scenario.clone(),
        target_spacing: spacing,
        seed: config.seed,
        blocks,
        metrics,
    })
}

/// (base, on-off) hash rate for the block at `height`, `elapsed` seconds after
/// genesis, whose difficulty is `d`.
fn hashrate(
    scenario: &Scenario,
    height: u32,
    elapsed: f64,
    d: f64,
    genesis_difficulty: f64,
) -> (f64, f64) {
    match *scenario {
        Scenario::Constant => (1.0, 0.0),
        Scenario::Step { at_block, factor } => (if height >= at_block { factor } else { 1.0 }, 0.0),
        Scenario::Oscillating {
            amplitude,
            period_secs,
        } => {
            let phase = std::f64::consts::TAU * elapsed / period_secs;
            (1.0 + amplitude * phase.sin(), 0.0)
        }
        Scenario::OnOff { factor, trigger } => {
            let on = match trigger {
                // Fair for the base rate alone is the genesis difficulty.
                OnOffTrigger::BelowFair => d < genesis_difficulty,
                OnOffTrigger::DutyCycle {
                    period_secs,
                    on_fraction,
                } => elapsed.rem_euclid(period_secs) < on_fraction * period_secs,
            };
            (1.0, if on { factor } else { 0.0 })
        }
    }
}
