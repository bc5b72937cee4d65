//! Namecoin's merged-mining proof (AuxPoW) for Venture chains.
//!
//! A Venture block header is Bitcoin's 80-byte header, followed by an [`AuxPow`] when its
//! version carries the AuxPoW flag ([`AuxHeader`]). The AuxPoW proves that a parent-chain
//! block (Bitcoin, Litecoin, ...) committed to our block hash in its coinbase. Everything
//! here is byte-exact with Namecoin Core (`src/auxpow.cpp`, `CPureBlockHeader`,
//! `CheckProofOfWork(const CBlockHeader&)`), including its error reasons, so real Namecoin
//! and Dogecoin headers decode, re-encode and check exactly as the reference nodes do.
//!
//! The crate is pure: no I/O, no chain state. It also builds the commitment a pool puts in
//! a parent coinbase to merge-mine several aux chains at once ([`MergedMiningCommitment`]),
//! and states the largest AuxPoW a node makes room for and accepts from pools
//! ([`MAX_AUXPOW_BYTES`]).

mod auxpow;
mod check;
mod coinbase;
mod commitment;
mod error;
mod header;
mod header_check;
mod limits;
mod merkle;
mod params;
mod script;
pub mod version;
mod witness;

pub use auxpow::AuxPow;
pub use commitment::{AuxChain, ChainSlot, MergedMiningCommitment};
pub use error::{AuxPowError, HeaderPowError};
pub use header::{header_bytes, AuxHeader};
pub use header_check::{
    check_header_pow, check_header_pow_hash, check_merge_mined, header_pow_input,
};
pub use limits::{
    check_auxpow_size, max_auxpow_bytes, MAX_AUXPOW_BYTES, MAX_CHAIN_BRANCH_LEN,
    MAX_COINBASE_BRANCH_LEN, MAX_PARENT_COINBASE_BYTES,
};
pub use merkle::{check_merkle_branch, get_expected_index, merkle_branch, merkle_root};
pub use params::{AuxPowParams, LegacyRule};
pub use script::{locate_commitment, CoinbaseCommitment, MERGED_MINING_MAGIC};
pub use witness::decode_witness;
