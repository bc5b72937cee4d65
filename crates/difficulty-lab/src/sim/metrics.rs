//! What a run is judged by.

use super::config::Scenario;
use super::run::SimBlock;

/// Summary figures of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationMetrics {
    pub blocks: usize,
    /// Mean of header-time differences, seconds.
    pub mean_solvetime: f64,
    /// Mean of difficulty / fair difficulty after the warm-up (1.0 is perfect).
    pub mean_difficulty_ratio: f64,
    /// Standard deviation of difficulty / fair difficulty after the warm-up, divided by
    /// its mean: at a constant hash rate, the algorithm's own noise.
    pub difficulty_relative_std: f64,
    /// Blocks after a hash-rate step until difficulty has covered 50 % of the way to
    /// the new fair value (`None` without a step, or if it never does).
    pub blocks_to_50pct: Option<u32>,
    /// The same for 90 %.
    pub blocks_to_90pct: Option<u32>,
    /// Share of 11-block windows whose mean solve time exceeds 2T.
    pub delay_share: f64,
    /// Blocks the on-off miners are expected to find (their hash share, summed).
    pub switcher_blocks: f64,
    /// Of those, blocks whose difficulty was below fair for the hash rate present.
    pub switcher_blocks_below_fair: f64,
    /// Share of blocks mined while the on-off miners were on.
    pub switcher_on_share: f64,
}

/// Blocks skipped before steady-state figures: a tenth of the run.
fn warmup(len: usize) -> usize {
    len / 10
}

impl SimulationMetrics {
    pub(crate) fn compute(
        blocks: &[SimBlock],
        scenario: &Scenario,
        spacing: u32,
        genesis_difficulty: f64,
    ) -> Self {
        let len = blocks.len();
        let mean = |values: &mut dyn Iterator<Item = f64>| -> (f64, usize) {
            let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
            (if n == 0 { 0.0 } else { sum / n as f64 }, n)
        };
        let (mean_solvetime, _) = mean(&mut blocks.iter().map(|b| b.solvetime as f64));
        let steady = blocks.get(warmup(len)..).unwrap_or_default();
        let ratios: Vec<f64> = steady
            .iter()
            .map(|b| b.difficulty / b.fair_difficulty)
            .collect();
        let (mean_ratio, n) = mean(&mut ratios.iter().copied());
        let variance = if n > 1 {
            ratios.iter().map(|r| (r - mean_ratio).powi(2)).sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        };
        let (to50, to90) = match *scenario {
            Scenario::Step { at_block, factor } => (
                blocks_to_fraction(blocks, at_block, factor, genesis_difficulty, 0.5),
                blocks_to_fraction(blocks, at_block, factor, genesis_difficulty, 0.9),
            ),
            _ => (None, None),
        };
        let windows = blocks.windows(11);
        let window_count = windows.len();
        let delays = windows
            .filter(|w| {
                w.iter().map(|b| b.solvetime).sum::<i64>() as f64 / 11.0 > 2.0 * spacing as f64
            })
            .count();
        let switcher_blocks: f64 = blocks.iter().map(|b| b.switcher_share).sum();
        let below_fair: f64 = blocks
            .iter()
            .filter(|b| b.difficulty < b.fair_difficulty)
            .map(|b| b.switcher_share)
            .sum();
        let on = blocks.iter().filter(|b| b.switcher_on).count();
        SimulationMetrics {
            blocks: len,
            mean_solvetime,
            mean_difficulty_ratio: mean_ratio,
            difficulty_relative_std: if mean_ratio > 0.0 {
                variance.sqrt() / mean_ratio
            } else {
                0.0
            },
            blocks_to_50pct: to50,
            blocks_to_90pct: to90,
            delay_share: if window_count == 0 {
                0.0
            } else {
                delays as f64 / window_count as f64
            },
            switcher_blocks,
            switcher_blocks_below_fair: below_fair,
            switcher_on_share: if len == 0 {
                0.0
            } else {
                on as f64 / len as f64
            },
        }
    }

    /// One line for logs and CLI output.
    pub fn summary_line(&self) -> String {
        let steps = |v: Option<u32>| v.map_or("-".to_string(), |n| n.to_string());
        format!(
            "{} blocks, mean solve time {:.1} s, difficulty/fair {:.3} (rel. std {:.3}), \
             50 %/90 % of step in {}/{} blocks, delays {:.2} %, on-off blocks {:.1} ({:.1} below fair)",
            self.blocks,
            self.mean_solvetime,
            self.mean_difficulty_ratio,
            self.difficulty_relative_std,
            steps(self.blocks_to_50pct),
            steps(self.blocks_to_90pct),
            self.delay_share * 100.0,
            self.switcher_blocks,
            self.switcher_blocks_below_fair,
        )
    }
}

/// Blocks from the step until difficulty first covers `fraction` of the way from the
/// old fair value (the genesis difficulty) to the new one.
fn blocks_to_fraction(
    blocks: &[SimBlock],
    at_block: u32,
    factor: f64,
    genesis: f64,
    fraction: f64,
) -> Option<u32> {
    let goal = genesis * (1.0 + fraction * (factor - 1.0));
    blocks
        .iter()
        .filter(|b| b.height >= at_block)
        .find(|b| {
            if factor >= 1.0 {
                b.difficulty >= goal
            } else {
                b.difficulty <= goal
            }
        })
        .map(|b| b.height - at_block)
}
