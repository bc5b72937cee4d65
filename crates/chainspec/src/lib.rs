//! Chain specs: the TOML file a founder writes to define a Venture chain.
//!
//! A spec is parsed strictly (unknown fields and wrong types are refused with the
//! field named), validated (insane values are refused with the field named), and
//! resolved into [`ChainParams`]: the genesis block mined and hashed, the proof-of-work
//! limit and the difficulty algorithm built, and a spec hash that data directories pin.
//! The same spec always yields the same genesis hash.

mod builtin;
mod error;
mod genesis;
mod known_chains;
mod params;
mod settlement_bound;
mod spec;
mod validate;
mod vesting;

pub use builtin::{builtin_spec, BUILTIN_SPECS};
pub use error::SpecError;
pub use genesis::{block_version, build_genesis, genesis_outputs, BASE_VERSION};
pub use known_chains::{known_chain_id, KNOWN_CHAIN_IDS};
pub use params::ChainParams;
pub use settlement_bound::{
    max_settlement_outputs, max_settlement_sigops, max_settlement_weight, DEFAULT_MAX_RECIPIENTS,
    MAX_CREDITABLE_SCRIPT_LEN, MAX_SETTLEMENT_OUTPUT_SIGOPS, MAX_SETTLEMENT_OUTPUT_WEIGHT,
    SETTLEMENT_BLOCK_SHARE,
};
pub use spec::{
    ChainSpec, ChainType, ConsensusSpec, Eligibility, GenesisAllocation, GenesisSpec,
    MergedMiningSpec, MiningSpec, NetworkSpec, SubsidySpec, VentureSpec, VestingSpec,
};
pub use vesting::{split_into_tranches, Tranche, MAX_TRANCHES};
