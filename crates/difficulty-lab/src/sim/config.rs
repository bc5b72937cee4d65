//! What to simulate: an algorithm as a spec writes it, and a hash-rate scenario.

use venture_difficulty::{BlockKind, ConsensusContext, DifficultyConfig};

/// How the hash rate behaves, in multiples of the base rate.
#[derive(Debug, Clone, PartialEq)]
pub enum Scenario {
    /// The base rate throughout.
    Constant,
    /// The base rate until block `at_block`, then `factor` times it.
    Step { at_block: u32, factor: f64 },
    /// Merge-miners with `factor` times the base rate join and leave (the base rate
    /// stays throughout).
    OnOff { factor: f64, trigger: OnOffTrigger },
    /// `1 + amplitude * sin(2π t / period_secs)`, `amplitude` below 1.
    Oscillating { amplitude: f64, period_secs: f64 },
}

/// When the on-off miners are mining.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OnOffTrigger {
    /// Profit switching: on while the next block's difficulty is below the fair
    /// difficulty for the base hash rate alone, off while it is at or above it. This
    /// is the attack an algorithm must answer; how long they stay on is a result.
    BelowFair,
    /// A fixed duty cycle, blind to difficulty: on for the first `on_fraction` of
    /// every `period_secs` seconds (e.g. 0.3 of 6 hours).
    DutyCycle { period_secs: f64, on_fraction: f64 },
}

/// A simulation: an algorithm from a spec's `[difficulty]` section and consensus
/// values, a scenario, a number of blocks and a seed.
#[derive(Debug, Clone)]
pub struct SimulationConfig {
    pub difficulty: DifficultyConfig,
    pub ctx: ConsensusContext,
    pub scenario: Scenario,
    /// Blocks to mine after genesis.
    pub blocks: u32,
    pub seed: u64,
    /// The kind every simulated block has (default merge-mined).
    pub kind: BlockKind,
    /// Genesis time, seconds since 1970.
    pub genesis_time: u32,
}

impl SimulationConfig {
    /// A simulation of merge-mined blocks from a fixed genesis time.
    pub fn new(
        difficulty: DifficultyConfig,
        ctx: ConsensusContext,
        scenario: Scenario,
        blocks: u32,
        seed: u64,
    ) -> Self {
        SimulationConfig {
            difficulty,
            ctx,
            scenario,
            blocks,
            seed,
            kind: BlockKind::MergeMined,
            genesis_time: 1_700_000_000,
        }
    }
}

impl Scenario {
    /// Short description for titles and tables.
    pub fn label(&self) -> String {
        match self {
            Scenario::Constant => "constant hash rate".to_string(),
            Scenario::Step { at_block, factor } => {
                format!("hash rate x{factor} at block {at_block}")
            }
            Scenario::OnOff {
                factor,
                trigger: OnOffTrigger::BelowFair,
            } => format!("on-off miners (x{factor}) while difficulty is below fair"),
            Scenario::OnOff {
                factor,
                trigger:
                    OnOffTrigger::DutyCycle {
                        period_secs,
                        on_fraction,
                    },
            } => format!(
                "on-off miners (x{factor}) {:.0} % of every {:.0} s",
                on_fraction * 100.0,
                period_secs
            ),
            Scenario::Oscillating {
                amplitude,
                period_secs,
            } => {
                format!("hash rate 1 ± {amplitude} over {period_secs:.0} s")
            }
        }
    }

    /// Refuses scenarios that would give a non-positive or non-finite hash rate.
    pub(crate) fn check(&self) -> Result<(), String> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a positive number, not {v}"))
            }
        };
        match *self {
            Scenario::Constant => Ok(()),
            Scenario::Step { factor, .. } => positive("step factor", factor),
            Scenario::OnOff { factor, trigger } => {
                positive("on-off factor", factor)?;
                if let OnOffTrigger::DutyCycle {
                    period_secs,
                    on_fraction,
                } = trigger
                {
                    positive("duty-cycle period", period_secs)?;
                    if !(0.0..=1.0).contains(&on_fraction) {
                        return Err(format!(
                            "duty-cycle on_fraction must be in [0, 1], not {on_fraction}"
                        ));
                    }
                }
                Ok(())
            }
            Scenario::Oscillating {
                amplitude,
                period_secs,
            } => {
                positive("oscillation period", period_secs)?;
                if !(0.0..1.0).contains(&amplitude) {
                    return Err(format!(
                        "oscillation amplitude must be in [0, 1), not {amplitude}"
                    ));
                }
                Ok(())
            }
        }
    }
}
