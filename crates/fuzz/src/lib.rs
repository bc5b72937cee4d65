//! A mutation fuzzer that runs on stable Rust, for every decoder a peer, a pool or a
//! file reaches: blocks, headers with AuxPoW, bare AuxPoWs, transactions, the sync
//! protocol's frames, Stratum lines on both sides, and chain specs.
//!
//! Each [`targets::Target`] is a function of untrusted bytes that must never panic,
//! hang, or allocate beyond the bound its owning crate's limits imply; where decoding
//! succeeds it re-encodes and compares, since the formats promise exact round trips.
//! [`runner::run`] mutates a seed corpus (bytes, Bitcoin length prefixes, and TOML/JSON
//! tokens), runs every input under `catch_unwind` with its time and memory measured,
//! and stops at the first finding, whose input it writes under the crash directory.
//!
//! Feedback is the set of distinct outcomes a target reports, or real edge coverage
//! when the build instruments the code for it ([`coverage`]; see `docs/fuzzing.md`).

pub mod alloc;
pub mod corpus;
pub mod coverage;
mod error;
pub mod finding;
pub mod guard;
pub mod mutate;
pub mod rng;
pub mod runner;
pub mod seeds;
pub mod targets;
pub mod tokens;

pub use error::FuzzError;
pub use finding::Finding;
pub use runner::{run, RunConfig, RunStats};
pub use targets::{Target, TARGETS};

/// Every allocation of this crate's binaries and tests is counted, so the runner can hold
/// each target to its memory bound.
#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;
