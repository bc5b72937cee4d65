//! The difficulty lab: replays published difficulty vectors through
//! `venture-difficulty` and simulates its algorithms under hash-rate scenarios.
//!
//! This is the library behind `ventured difficulty replay FILE...` and
//! `ventured difficulty simulate ...`: [`replay`] recognises each vector file by its
//! content and recomputes every expected value in it; [`simulate`] runs a seeded
//! Monte-Carlo chain and reports the metrics a founder compares algorithms by, with
//! CSV and SVG writers for the blocks.

mod error;
mod replay;
mod sim;

pub use error::LabError;
pub use replay::{replay, FileReport, ReplayReport, VectorFormat};
pub use sim::{
    simulate, OnOffTrigger, Rng, Scenario, SimBlock, SimulationConfig, SimulationMetrics,
    SimulationResult,
};
