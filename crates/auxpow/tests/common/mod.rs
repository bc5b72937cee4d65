//! Shared helpers for the vector tests: loading files, and the consensus parameters of the
//! reference chains the vectors come from.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use bitcoin::consensus::encode::deserialize;
use bitcoin::{BlockHash, TxMerkleNode};
use serde_json::Value;
use venture_auxpow::{AuxPowParams, LegacyRule};
use venture_pow::{PowAlgorithm, Target, U256};

/// A path under the vector directory, or `None` (test skips) when vectors are absent.
pub fn vector_path(relative: &str) -> Option<PathBuf> {
    venture_testkit::vector_path(relative)
}

/// The `*.json` files of a vector sub-directory, sorted by name.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

pub fn load_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

pub fn str_field<'a>(json: &'a Value, key: &str) -> Option<&'a str> {
    json.get(key).and_then(Value::as_str)
}

pub fn bytes(hex_text: &str) -> Vec<u8> {
    hex::decode(hex_text).unwrap()
}

/// A hash given in display order (as explorers print it).
pub fn block_hash(display_hex: &str) -> BlockHash {
    display_hex.parse().unwrap()
}

pub fn node(display_hex: &str) -> TxMerkleNode {
    display_hex.parse().unwrap()
}

pub fn display_node(node: &TxMerkleNode) -> String {
    node.to_string()
}

pub fn bits(hex_text: &str) -> u32 {
    u32::from_str_radix(hex_text.trim_start_matches("0x"), 16).unwrap()
}

fn limit_shifted_right(bits: usize) -> Target {
    Target(U256::MAX >> bits)
}

pub fn namecoin_mainnet() -> AuxPowParams {
    AuxPowParams {
        chain_id: 1,
        strict_chain_id: true,
        legacy: LegacyRule::Namecoin,
        native_pow: PowAlgorithm::Sha256d,
        parent_pow: PowAlgorithm::Sha256d,
        pow_limit: limit_shifted_right(32),
    }
}

pub fn namecoin_testnet() -> AuxPowParams {
    AuxPowParams {
        strict_chain_id: false,
        pow_limit: limit_shifted_right(28),
        ..namecoin_mainnet()
    }
}

pub fn dogecoin_mainnet() -> AuxPowParams {
    AuxPowParams {
        chain_id: 0x62,
        strict_chain_id: true,
        legacy: LegacyRule::Dogecoin,
        native_pow: PowAlgorithm::Scrypt,
        parent_pow: PowAlgorithm::Scrypt,
        pow_limit: limit_shifted_right(20),
    }
}

pub fn dogecoin_testnet() -> AuxPowParams {
    AuxPowParams {
        strict_chain_id: false,
        ..dogecoin_mainnet()
    }
}

/// The parameters of the chain a vector comes from: its `chain`/`network` fields, else
/// the prefix of its base vector or file name; `our_chain_id` overrides the chain id.
pub fn params_for(json: &Value, path: &Path) -> AuxPowParams {
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let origin = str_field(json, "chain")
        .map(str::to_owned)
        .or_else(|| str_field(json, "base_vector").map(str::to_owned))
        .unwrap_or_else(|| name.clone());
    let network = str_field(json, "network")
        .map(str::to_owned)
        .or_else(|| str_field(json, "base_vector").map(str::to_owned))
        .unwrap_or(name);
    let testnet = network.contains("testnet");
    let mut params = if origin.starts_with("nmc") || origin.starts_with("namecoin") {
        if testnet {
            namecoin_testnet()
        } else {
            namecoin_mainnet()
        }
    } else if origin.starts_with("doge") {
        if testnet {
            dogecoin_testnet()
        } else {
            dogecoin_mainnet()
        }
    } else {
        panic!(
            "{}: cannot tell which chain this vector is from",
            path.display()
        )
    };
    if let Some(id) = json.get("our_chain_id").and_then(Value::as_i64) {
        params.chain_id = i32::try_from(id).unwrap();
    }
    params
}

pub fn decode<T: bitcoin::consensus::Decodable>(hex_text: &str) -> T {
    deserialize(&bytes(hex_text)).unwrap()
}
