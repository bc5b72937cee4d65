//! A loaded spec with everything derived from it.

use crate::validate::validate;
use crate::{build_genesis, ChainSpec, ChainType, SpecError};
use bitcoin::hashes::{sha256, Hash};
use bitcoin::{Amount, BlockHash};
use std::sync::Arc;
use venture_auxpow::{AuxPowParams, LegacyRule};
use venture_difficulty::{ConsensusContext, DifficultyAlgorithm};
use venture_pow::{decode_compact, Target};
use venture_primitives::{Block, Hrp};

/// A validated spec, its genesis block and the values derived from it.
#[derive(Debug, Clone)]
pub struct ChainParams {
    /// The spec with `genesis.nonce` and `genesis.hash` filled in.
    pub spec: ChainSpec,
    pub genesis: Block,
    pub genesis_hash: BlockHash,
    pub pow_limit: Target,
    pub hrp: Hrp,
    pub difficulty: Arc<dyn DifficultyAlgorithm>,
    spec_hash: sha256::Hash,
}

impl ChainParams {
    /// Parses, validates and resolves a spec written in TOML.
    pub fn from_toml(text: &str) -> Result<ChainParams, SpecError> {
        let spec: ChainSpec = toml::from_str(text).map_err(|e| SpecError::Parse(e.to_string()))?;
        ChainParams::from_spec(spec)
    }

    /// Reads a spec file.
    pub fn from_file(path: &std::path::Path) -> Result<ChainParams, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|e| SpecError::Read {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        ChainParams::from_toml(&text)
    }

    /// A built-in name (`dev`) or a path to a spec file.
    pub fn load(chain: &str) -> Result<ChainParams, SpecError> {
        match crate::builtin_spec(chain) {
            Some(text) => ChainParams::from_toml(text),
            None if std::path::Path::new(chain).exists() => {
                ChainParams::from_file(std::path::Path::new(chain))
            }
            None if !chain.contains(['/', '.']) => Err(SpecError::UnknownBuiltin(chain.into())),
            None => ChainParams::from_file(std::path::Path::new(chain)),
        }
    }

    /// Validates and resolves a parsed spec: mines (or checks) the genesis block and
    /// checks a given genesis hash.
    pub fn from_spec(mut spec: ChainSpec) -> Result<ChainParams, SpecError> {
        validate(&spec)?;
        let genesis = build_genesis(&spec)?;
        let genesis_hash = genesis.block_hash();
        if let Some(expected) = spec.genesis.hash {
            if expected != genesis_hash {
                return Err(SpecError::invalid(
                    "genesis.hash",
                    format!("the spec builds genesis {genesis_hash}, not {expected}"),
                ));
            }
        }
        spec.genesis.nonce = Some(genesis.header.pure.nonce);
        spec.genesis.hash = Some(genesis_hash);
        let pow_limit = Target(decode_compact(spec.consensus.pow_limit.0).value);
        let hrp = Hrp::parse(&spec.network.address_hrp)
            .map_err(|e| SpecError::invalid("network.address_hrp", e.to_string()))?;
        let difficulty = spec
            .difficulty
            .build(&ConsensusContext {
                pow_limit,
                target_spacing: spec.consensus.target_spacing,
                genesis_bits: spec.genesis.bits.0,
            })
            .map_err(|e| SpecError::invalid("difficulty", e.to_string()))?;
        let spec_hash = hash_spec(&spec);
        Ok(ChainParams {
            spec,
            genesis,
            genesis_hash,
            pow_limit,
            hrp,
            difficulty: Arc::from(difficulty),
            spec_hash,
        })
    }

    /// Things a founder should reconsider that do not make the spec invalid.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        let chain_id = self.spec.consensus.chain_id;
        if let Some(other) = crate::known_chain_id(chain_id) {
            warnings.push(format!(
                "consensus.chain_id {chain_id:#x} is already used by {other}: pools merge-mining both cannot give each its own slot; pick another"
            ));
        }
        warnings
    }

    /// The parameters a header's proof of work is checked with.
    pub fn auxpow_params(&self) -> AuxPowParams {
        let consensus = &self.spec.consensus;
        AuxPowParams {
            chain_id: consensus.chain_id as i32,
            strict_chain_id: true,
            legacy: LegacyRule::Namecoin,
            native_pow: consensus.pow,
            parent_pow: self
                .spec
                .merged_mining
                .as_ref()
                .map_or(consensus.pow, |mm| mm.parent_pow),
            pow_limit: self.pow_limit,
        }
    }

    /// Whether a merge-mined block is valid at `height`.
    pub fn merge_mining_active(&self, height: u32) -> bool {
        self.spec
            .merged_mining
            .as_ref()
            .is_some_and(|mm| height >= mm.activation_height)
    }

    /// Whether a natively mined block is valid at `height`.
    pub fn native_mining_allowed(&self, height: u32) -> bool {
        match &self.spec.merged_mining {
            Some(mm) => mm.native_blocks || height < mm.activation_height,
            None => true,
        }
    }

    /// Identifies the rules: sha256 of the resolved spec's canonical JSON, bootnodes
    /// left out (they may change without changing the chain).
    pub fn spec_hash(&self) -> sha256::Hash {
        self.spec_hash
    }

    /// The resolved spec as TOML (what `ventured build-spec` prints).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(&self.spec).unwrap_or_default()
    }

    /// Subsidy of the block at `height` (the genesis block has none).
    pub fn subsidy(&self, height: u32) -> Amount {
        let s = &self.spec.consensus.subsidy;
        if height == 0 {
            return Amount::ZERO;
        }
        let era = (height - 1) / s.halving_interval;
        Amount::from_sat(s.initial.checked_shr(era).unwrap_or(0))
    }

    pub fn max_supply(&self) -> Amount {
        Amount::from_sat(self.spec.consensus.subsidy.max_supply)
    }

    pub fn is_development(&self) -> bool {
        self.spec.chain_type == ChainType::Development
    }

    /// Four bytes that tag this chain's block files and messages: the start of the
    /// genesis hash, so two chains never mistake each other's data.
    pub fn magic(&self) -> [u8; 4] {
        let bytes = self.genesis_hash.to_byte_array();
        [bytes[0], bytes[1], bytes[2], bytes[3]]
    }
}

fn hash_spec(spec: &ChainSpec) -> sha256::Hash {
    let mut canonical = spec.clone();
    // What a release may change without making a new chain: where to find peers, and
    // how much work a header chain must show before it is stored.
    canonical.network.bootnodes.clear();
    canonical.consensus.min_chain_work = venture_pow::Work::ZERO;
    let json = serde_json::to_vec(&canonical).unwrap_or_default();
    sha256::Hash::hash(&json)
}
