//! The launch manifest: the public, versioned file a founder announces a chain with
//! (`venture-launch-manifest/1`), and that miners and pools check a node against.
//!
//! One typed struct per section, serialized as is: what is written is what is read
//! back, field for field, and [`LaunchManifest::differences`] compares two manifests
//! section by section instead of by string keys.

use bitcoin::hashes::{sha256, Hash};
use serde::{Deserialize, Serialize};
use venture_chainspec::{ChainParams, Eligibility};
use venture_wallet::format_coins;

/// The format this build writes and reads.
pub const FORMAT: &str = "venture-launch-manifest/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LaunchManifest {
    /// Always [`FORMAT`]; a reader refuses any other.
    pub format: String,
    pub chain: ChainNames,
    pub spec_hash: String,
    pub genesis_hash: String,
    pub binary: Binary,
    pub consensus: ConsensusTerms,
    pub venture: Option<VentureTerms>,
    pub genesis_allocations: Vec<Allocation>,
    pub bootnodes: Vec<String>,
    /// The genesis block's time.
    pub launch_time: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainNames {
    pub name: String,
    pub id: String,
    pub ticker: String,
}

/// The build that wrote the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binary {
    pub name: String,
    pub version: String,
    /// SHA-256 of the executable, when it could be read.
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsensusTerms {
    pub pow: String,
    pub target_spacing: u32,
    pub chain_id: u32,
    pub max_supply: u64,
    pub initial_subsidy: u64,
    pub halving_interval: u32,
    pub difficulty: String,
    pub merged_mining: Option<MergedMiningTerms>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedMiningTerms {
    pub parent_pow: String,
    pub activation_height: u32,
    pub native_blocks: bool,
}

/// The venture allocation as miners judge it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VentureTerms {
    pub start_height: u32,
    pub end_height: u32,
    pub total: u64,
    pub total_coins: String,
    pub percent_of_max_supply: f64,
    pub epoch_length: u32,
    pub epochs: u32,
    /// `merge_mined` or `all`.
    pub eligible: String,
    pub max_recipients: u32,
    pub vesting: Vesting,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vesting {
    pub cliff_blocks: u32,
    pub tranches: u32,
    pub tranche_interval: u32,
}

/// An output of the genesis block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Allocation {
    pub address: String,
    pub amount: u64,
    pub amount_coins: String,
    pub percent_of_max_supply: f64,
    pub vesting: Option<Vesting>,
}

/// Percentage of the maximum supply, for humans.
fn percent(amount: u64, max_supply: u64) -> f64 {
    amount as f64 * 100.0 / max_supply.max(1) as f64
}

fn coins(amount: u64) -> String {
    format_coins(bitcoin::Amount::from_sat(amount))
}

fn vesting(v: &venture_chainspec::VestingSpec) -> Vesting {
    Vesting {
        cliff_blocks: v.cliff_blocks,
        tranches: v.tranches,
        tranche_interval: v.tranche_interval,
    }
}

impl LaunchManifest {
    /// The manifest of a spec, written by a build whose executable hashes to
    /// `binary_sha256`.
    pub fn of(params: &ChainParams, binary_sha256: Option<String>) -> LaunchManifest {
        let spec = &params.spec;
        let max_supply = spec.consensus.subsidy.max_supply;
        let venture = spec.venture.as_ref().map(|v| VentureTerms {
            start_height: v.start_height,
            end_height: v.end_height,
            total: v.total,
            total_coins: coins(v.total),
            percent_of_max_supply: percent(v.total, max_supply),
            epoch_length: v.epoch_length,
            epochs: venture_chain::venture::EpochSchedule::new(v).epoch_count(),
            eligible: match v.eligible {
                Eligibility::MergeMined => "merge_mined",
                Eligibility::All => "all",
            }
            .to_string(),
            max_recipients: v.max_recipients,
            vesting: vesting(&v.vesting),
        });
        let genesis_allocations = spec
            .genesis
            .allocations
            .iter()
            .map(|a| Allocation {
                address: a.address.clone(),
                amount: a.amount,
                amount_coins: coins(a.amount),
                percent_of_max_supply: percent(a.amount, max_supply),
                vesting: a.vesting.as_ref().map(vesting),
            })
            .collect();
        LaunchManifest {
            format: FORMAT.to_string(),
            chain: ChainNames {
                name: spec.name.clone(),
                id: spec.id.clone(),
                ticker: spec.ticker.clone(),
            },
            spec_hash: params.spec_hash().to_string(),
            genesis_hash: params.genesis_hash.to_string(),
            binary: Binary {
                name: "ventured".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
                sha256: binary_sha256,
            },
            consensus: ConsensusTerms {
                pow: spec.consensus.pow.name().to_string(),
                target_spacing: spec.consensus.target_spacing,
                chain_id: spec.consensus.chain_id,
                max_supply,
                initial_subsidy: spec.consensus.subsidy.initial,
                halving_interval: spec.consensus.subsidy.halving_interval,
                difficulty: spec.difficulty.name().to_string(),
                merged_mining: spec.merged_mining.as_ref().map(|mm| MergedMiningTerms {
                    parent_pow: mm.parent_pow.name().to_string(),
                    activation_height: mm.activation_height,
                    native_blocks: mm.native_blocks,
                }),
            },
            venture,
            genesis_allocations,
            bootnodes: spec.network.bootnodes.clone(),
            launch_time: spec.genesis.time,
        }
    }

    /// Reads a manifest, refusing other formats and malformed files with the reason.
    pub fn from_json(text: &str) -> Result<LaunchManifest, String> {
        let format = serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| format!("not JSON: {e}"))?
            .get("format")
            .and_then(|f| f.as_str().map(str::to_string));
        if format.as_deref() != Some(FORMAT) {
            return Err(format!(
                "not a Venture launch manifest (format {}, expected {FORMAT})",
                format.as_deref().unwrap_or("missing")
            ));
        }
        serde_json::from_str(text).map_err(|e| format!("malformed manifest: {e}"))
    }

    /// The consensus-relevant sections in which `self` and `other` differ (the build
    /// and bootnodes are not among them: they change without changing the chain).
    pub fn differences(&self, other: &LaunchManifest) -> Vec<String> {
        let mut differences = Vec::new();
        let mut compare = |name: &str, ours: String, theirs: String| {
            if ours != theirs {
                differences.push(format!("{name} differs: {ours} vs {theirs}"));
            }
        };
        compare("spec_hash", self.spec_hash.clone(), other.spec_hash.clone());
        compare(
            "genesis_hash",
            self.genesis_hash.clone(),
            other.genesis_hash.clone(),
        );
        compare("chain", json(&self.chain), json(&other.chain));
        compare("consensus", json(&self.consensus), json(&other.consensus));
        compare("venture", json(&self.venture), json(&other.venture));
        compare(
            "genesis_allocations",
            json(&self.genesis_allocations),
            json(&other.genesis_allocations),
        );
        compare(
            "launch_time",
            self.launch_time.to_string(),
            other.launch_time.to_string(),
        );
        differences
    }
}

/// A section as compact JSON, to show in a difference.
fn json<T: Serialize>(section: &T) -> String {
    serde_json::to_string(section).unwrap_or_default()
}

/// SHA-256 of the running executable.
pub fn own_binary_sha256() -> Option<String> {
    let path = std::env::current_exe().ok()?;
    let bytes = std::fs::read(path).ok()?;
    Some(sha256::Hash::hash(&bytes).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> LaunchManifest {
        let text = include_str!("../../chainspec/venture-example.toml");
        let params = ChainParams::from_toml(text).expect("the example spec loads");
        LaunchManifest::of(&params, Some("ab".repeat(32)))
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let manifest = example();
        assert!(manifest.venture.is_some());
        let text = serde_json::to_string_pretty(&manifest).unwrap();
        assert_eq!(LaunchManifest::from_json(&text).unwrap(), manifest);
        assert!(manifest.differences(&manifest).is_empty());
    }

    #[test]
    fn the_published_field_names_stay() {
        let value = serde_json::to_value(example()).unwrap();
        for key in [
            "format",
            "chain",
            "spec_hash",
            "genesis_hash",
            "binary",
            "consensus",
            "venture",
            "genesis_allocations",
            "bootnodes",
            "launch_time",
        ] {
            assert!(value.get(key).is_some(), "{key} missing");
        }
        assert_eq!(value["format"], FORMAT);
        assert!(value["venture"]["vesting"]["tranches"].is_u64());
        assert!(value["venture"]["total_coins"]
            .as_str()
            .unwrap()
            .contains('.'));
    }

    #[test]
    fn other_formats_and_broken_files_are_refused_with_the_reason() {
        let mut value = serde_json::to_value(example()).unwrap();
        value["format"] = "venture-launch-manifest/2".into();
        let error = LaunchManifest::from_json(&value.to_string()).unwrap_err();
        assert!(error.contains("venture-launch-manifest/2"), "{error}");
        assert!(LaunchManifest::from_json("{")
            .unwrap_err()
            .contains("not JSON"));
        let mut value = serde_json::to_value(example()).unwrap();
        value["launch_time"] = "soon".into();
        assert!(LaunchManifest::from_json(&value.to_string())
            .unwrap_err()
            .contains("malformed"));
    }

    #[test]
    fn a_changed_term_is_named() {
        let ours = example();
        let mut theirs = ours.clone();
        theirs.venture.as_mut().unwrap().total += 1;
        let differences = ours.differences(&theirs);
        assert_eq!(differences.len(), 1);
        assert!(
            differences[0].starts_with("venture differs"),
            "{differences:?}"
        );
    }
}
