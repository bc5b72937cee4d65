//! Seeded Monte-Carlo simulation of a difficulty algorithm under a hash-rate scenario.
//!
//! **Model.** Hash rate is measured in multiples of the *base* rate, the one at which
//! the genesis difficulty yields one block per target spacing `T`. Each block's solve
//! time is exponential with mean `T * D / (D_genesis * hashrate)`, drawn from a
//! self-contained xoshiro256** generator, so a seed reproduces a run exactly. The
//! hash rate is evaluated when mining of a block starts and held until it is found.
//! Miners are honest: a block's timestamp is its real (integer) second, raised to
//! median-time-past + 1 when several blocks land in the same second, as consensus
//! requires. Timestamp attacks are discussed in `docs/difficulty.md`, not simulated.
//! Every simulated block is of [`SimulationConfig::kind`]; under a `per_kind` config
//! that picks which controller is exercised.

mod chain;
mod config;
mod csv;
mod metrics;
mod rng;
mod run;
mod svg;

pub use config::{OnOffTrigger, Scenario, SimulationConfig};
pub use metrics::SimulationMetrics;
pub use rng::Rng;
pub use run::{simulate, SimBlock, SimulationResult};
