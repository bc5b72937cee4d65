//! The real chains the vectors come from, their consensus parameters, and how a vector
//! file says which one it belongs to.
//!
//! Inference, in order:
//! 1. the JSON fields `chain` (`namecoin` / `dogecoin`) and `network` (`testnet`, else
//!    mainnet);
//! 2. otherwise the vector's `base_vector` (mutations name the real vector they start
//!    from, such as `nmc_mainnet_37174` or `doge_mainnet_403931_auxpow_only`);
//! 3. otherwise the file name (`nmc_mainnet_chunk9_...tsv.gz`, `doge...`), or for bulk
//!    files the chain named in their `#` comment line.
//!
//! Then `our_chain_id`, when present, replaces the chain id (a vector may deliberately
//! check with a wrong one), and `parent_pow`, when present, names the parent algorithm
//! (it must start with `sha256d` or `scrypt`). A vector of a chain that is not in the
//! table is checked with those two fields alone (see [`params_of_json`]); pool round-trip
//! vectors, which have neither, are only put through checks that need no chain.

use serde_json::Value;
use venture_auxpow::{AuxPowParams, LegacyRule};
use venture_pow::{PowAlgorithm, Target, U256};

/// A chain whose real headers the vectors hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceChain {
    /// Chain id 1, strict, SHA-256d parents, proof-of-work limit 2^224 - 1.
    NamecoinMainnet,
    /// Chain id 1, not strict, SHA-256d parents, limit 2^228 - 1.
    NamecoinTestnet,
    /// Chain id 0x62, strict, scrypt parents (Litecoin), scrypt native blocks, Dogecoin's
    /// legacy rule (version 2 without chain id), limit 2^236 - 1.
    DogecoinMainnet,
    /// As mainnet, but not strict.
    DogecoinTestnet,
}

impl ReferenceChain {
    /// The parameters Namecoin Core or Dogecoin Core check this chain's headers with.
    pub fn params(self) -> AuxPowParams {
        let namecoin = AuxPowParams {
            chain_id: 1,
            strict_chain_id: true,
            legacy: LegacyRule::Namecoin,
            native_pow: PowAlgorithm::Sha256d,
            parent_pow: PowAlgorithm::Sha256d,
            pow_limit: Target(U256::MAX >> 32),
        };
        let dogecoin = AuxPowParams {
            chain_id: 0x62,
            strict_chain_id: true,
            legacy: LegacyRule::Dogecoin,
            native_pow: PowAlgorithm::Scrypt,
            parent_pow: PowAlgorithm::Scrypt,
            pow_limit: Target(U256::MAX >> 20),
        };
        match self {
            ReferenceChain::NamecoinMainnet => namecoin,
            ReferenceChain::NamecoinTestnet => AuxPowParams {
                strict_chain_id: false,
                pow_limit: Target(U256::MAX >> 28),
                ..namecoin
            },
            ReferenceChain::DogecoinMainnet => dogecoin,
            ReferenceChain::DogecoinTestnet => AuxPowParams {
                strict_chain_id: false,
                ..dogecoin
            },
        }
    }

    /// The chain a name such as `nmc_mainnet_19200`, `namecoin` or `doge_testnet_...`
    /// refers to, with `network` deciding mainnet or testnet.
    fn from_names(chain: &str, network: &str) -> Option<ReferenceChain> {
        let chain = chain.to_ascii_lowercase();
        let testnet = network.to_ascii_lowercase().contains("testnet");
        if chain.starts_with("nmc") || chain.starts_with("namecoin") {
            Some(if testnet {
                ReferenceChain::NamecoinTestnet
            } else {
                ReferenceChain::NamecoinMainnet
            })
        } else if chain.starts_with("doge") {
            Some(if testnet {
                ReferenceChain::DogecoinTestnet
            } else {
                ReferenceChain::DogecoinMainnet
            })
        } else {
            None
        }
    }

    /// Infers the chain of a JSON vector (see the module documentation).
    pub(crate) fn of_json(json: &Value, file_name: &str) -> Option<ReferenceChain> {
        let field = |key: &str| json.get(key).and_then(Value::as_str);
        if let Some(chain) = field("chain") {
            return Self::from_names(chain, field("network").unwrap_or("mainnet"));
        }
        if let Some(base) = field("base_vector") {
            return Self::from_names(base, base);
        }
        Self::from_names(file_name, file_name)
    }

    /// Infers the chain of a bulk file from its name, else from its comment line.
    pub(crate) fn of_bulk(file_name: &str, comment: &str) -> Option<ReferenceChain> {
        Self::from_names(file_name, file_name).or_else(|| {
            let comment = comment.to_ascii_lowercase();
            ["namecoin", "dogecoin"]
                .into_iter()
                .find(|chain| comment.contains(chain))
                .and_then(|chain| Self::from_names(chain, &comment))
        })
    }
}

/// The parameters for a JSON vector: its chain's, with `our_chain_id` and `parent_pow`
/// applied. A vector from a chain not in the table is checked with Namecoin's rules, its
/// own `our_chain_id` and `parent_pow` (both then required), the parent's algorithm for
/// a plain header's own proof of work too, and no proof-of-work limit beyond what nBits
/// can encode. `Err` names the field that is missing or not understood.
pub(crate) fn params_of_json(json: &Value, file_name: &str) -> Result<AuxPowParams, String> {
    let chain_id = match json.get("our_chain_id") {
        Some(id) => Some(
            id.as_i64()
                .and_then(|id| i32::try_from(id).ok())
                .ok_or_else(|| format!("field `our_chain_id`: {id} is not a 32-bit integer"))?,
        ),
        None => None,
    };
    let parent_pow = match json.get("parent_pow") {
        Some(Value::String(parent)) if parent.starts_with("sha256d") => Some(PowAlgorithm::Sha256d),
        Some(Value::String(parent)) if parent.starts_with("scrypt") => Some(PowAlgorithm::Scrypt),
        Some(other) => {
            return Err(format!(
                "field `parent_pow`: {other} is not sha256d or scrypt"
            ))
        }
        None => None,
    };
    let mut params = match ReferenceChain::of_json(json, file_name) {
        Some(chain) => chain.params(),
        None => {
            let unknown = match json.get("chain").and_then(Value::as_str) {
                Some(chain) => format!("chain `{chain}` is not in our table"),
                None => "no chain we have a table entry for".to_string(),
            };
            let chain_id = chain_id
                .ok_or_else(|| format!("{unknown}, and field `our_chain_id` is missing"))?;
            let parent_pow = parent_pow
                .ok_or_else(|| format!("{unknown}, and field `parent_pow` is missing"))?;
            AuxPowParams {
                chain_id,
                strict_chain_id: true,
                legacy: LegacyRule::Namecoin,
                native_pow: parent_pow,
                parent_pow,
                pow_limit: Target(U256::MAX),
            }
        }
    };
    if let Some(chain_id) = chain_id {
        params.chain_id = chain_id;
    }
    if let Some(parent_pow) = parent_pow {
        params.parent_pow = parent_pow;
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn infers_from_fields_base_vector_and_file_name() {
        let with_fields = json!({"chain": "dogecoin", "network": "testnet"});
        assert_eq!(
            ReferenceChain::of_json(&with_fields, "x.json"),
            Some(ReferenceChain::DogecoinTestnet)
        );
        let mutation = json!({"base_vector": "nmc_mainnet_37174"});
        assert_eq!(
            ReferenceChain::of_json(&mutation, "whatever.json"),
            Some(ReferenceChain::NamecoinMainnet)
        );
        assert_eq!(
            ReferenceChain::of_json(&json!({}), "btcpool_btc_regtest.json"),
            None
        );
        assert_eq!(
            ReferenceChain::of_bulk("chunk.tsv.gz", "# Namecoin mainnet headers"),
            Some(ReferenceChain::NamecoinMainnet)
        );
    }

    #[test]
    fn our_chain_id_and_parent_pow_override() {
        let vector = json!({"base_vector": "doge_mainnet_403931", "our_chain_id": 99});
        let params = params_of_json(&vector, "x.json").unwrap();
        assert_eq!(params.chain_id, 99);
        assert_eq!(params.parent_pow, PowAlgorithm::Scrypt);
        let vector = json!({"chain": "namecoin", "parent_pow": "sha256d (Bitcoin)"});
        assert_eq!(
            params_of_json(&vector, "x.json").unwrap().parent_pow,
            PowAlgorithm::Sha256d
        );
        let vector = json!({"chain": "namecoin", "parent_pow": "x11"});
        let err = params_of_json(&vector, "x.json").unwrap_err();
        assert!(err.contains("field `parent_pow`: \"x11\""), "{err}");
    }

    #[test]
    fn a_chain_not_in_the_table_uses_its_own_chain_id_and_parent_pow() {
        let vector = json!({"chain": "syscoin", "our_chain_id": 0x1000, "parent_pow": "sha256d"});
        let params = params_of_json(&vector, "sys_mainnet_1.json").unwrap();
        assert_eq!(params.chain_id, 0x1000);
        assert_eq!(params.parent_pow, PowAlgorithm::Sha256d);
        assert_eq!(params.native_pow, PowAlgorithm::Sha256d);
        assert!(params.strict_chain_id);
        let scrypt = json!({"our_chain_id": 7, "parent_pow": "scrypt (Litecoin)"});
        let params = params_of_json(&scrypt, "other.json").unwrap();
        assert_eq!(
            (params.chain_id, params.parent_pow),
            (7, PowAlgorithm::Scrypt)
        );

        let err = params_of_json(
            &json!({"chain": "syscoin", "parent_pow": "sha256d"}),
            "x.json",
        )
        .unwrap_err();
        assert!(
            err.contains(
                "chain `syscoin` is not in our table, and field `our_chain_id` is missing"
            ),
            "{err}"
        );
        let err = params_of_json(&json!({"our_chain_id": 7}), "x.json").unwrap_err();
        assert!(err.contains("field `parent_pow` is missing"), "{err}");
        let err = params_of_json(
            &json!({"our_chain_id": "7", "parent_pow": "sha256d"}),
            "x.json",
        )
        .unwrap_err();
        assert!(
            err.contains("field `our_chain_id`: \"7\" is not a 32-bit integer"),
            "{err}"
        );
    }
}
