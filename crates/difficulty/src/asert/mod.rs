//! aserti3-2d, Bitcoin Cash's absolutely scheduled exponentially rising targets
//! (spec 2020-11-15-asert.md), in the integer form Bitcoin Cash Node ships.
//!
//! The target of the next block is the anchor's target times
//! `2^((time_delta - spacing * (height_delta + 1)) / half_life)`, where `time_delta` is
//! measured from the anchor's *parent* and `height_delta` from the anchor itself: every
//! `half_life` seconds the chain falls behind its ideal schedule, the target doubles.
//! [`next_target`] is that formula alone; [`Asert`] finds the anchor and the tip.

mod algorithm;
mod math;

pub use algorithm::{Asert, AsertAnchor, AsertAnchorSource};
pub use math::{next_target, AsertParams};
