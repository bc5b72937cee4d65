//! How the committed seed corpus is made (`venture-fuzz seeds`): real headers, blocks,
//! AuxPoWs and transactions from the reference vectors, and valid messages written by
//! this project's own encoders (genesis blocks, a merge-mined block with a SegWit
//! transaction, sync frames, Stratum sessions, node replies, the shipped chain specs).

mod consensus;
mod mm;
mod stratum;

use crate::FuzzError;
use bitcoin::consensus::encode;
use bitcoin::BlockHash;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use venture_network::wire::{StatusMessage, SyncRequest, SyncResponse};
use venture_primitives::Header;

/// One seed: target, file name, bytes.
pub(crate) type Seed = (&'static str, String, Vec<u8>);

/// Writes every seed under `out/<target>/`, returning the files written.
pub fn generate(vectors: &Path, workspace: &Path, out: &Path) -> Result<Vec<PathBuf>, FuzzError> {
    let vectors = Vectors(vectors.join("auxpow"));
    let mut seeds = Vec::new();
    consensus::seeds(&vectors, workspace, &mut seeds)?;
    sync_seeds(&vectors, &mut seeds)?;
    for (name, bytes) in stratum::server_seeds() {
        seeds.push(("stratum-server", name.into(), bytes));
    }
    for (name, bytes) in stratum::client_seeds() {
        seeds.push(("stratum-client", name.into(), bytes));
    }
    mm::seeds(&vectors, &mut seeds)?;
    for name in ["dev", "testnet-example", "venture-example"] {
        let path = workspace.join("chainspec").join(format!("{name}.toml"));
        let bytes = std::fs::read(&path).map_err(|source| FuzzError::Read { path, source })?;
        seeds.push(("chainspec", name.into(), bytes));
    }

    let mut written = Vec::new();
    for (target, name, bytes) in seeds {
        let dir = out.join(target);
        std::fs::create_dir_all(&dir).map_err(|source| FuzzError::Write {
            path: dir.clone(),
            source,
        })?;
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| FuzzError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(written)
}

/// The `auxpow/` vector directory.
pub(crate) struct Vectors(PathBuf);

impl Vectors {
    pub(crate) fn json(&self, file: &str) -> Result<Value, FuzzError> {
        let path = self.0.join(file);
        let text = std::fs::read_to_string(&path).map_err(|source| FuzzError::Read {
            path: path.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| FuzzError::Seed {
            path,
            reason: e.to_string(),
        })
    }

    /// The bytes of a hex field of a vector file.
    pub(crate) fn hex(&self, file: &str, field: &str) -> Result<Vec<u8>, FuzzError> {
        let json = self.json(file)?;
        json.get(field)
            .and_then(Value::as_str)
            .and_then(|text| hex::decode(text).ok())
            .ok_or_else(|| FuzzError::Seed {
                path: self.0.join(file),
                reason: format!("no hex field `{field}`"),
            })
    }
}

pub(crate) fn seed_error(what: &str, reason: impl std::fmt::Display) -> FuzzError {
    FuzzError::Seed {
        path: PathBuf::from(what),
        reason: reason.to_string(),
    }
}

fn framed(payload: Vec<u8>) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
    bytes.extend(payload);
    bytes
}

fn sync_seeds(v: &Vectors, seeds: &mut Vec<Seed>) -> Result<(), FuzzError> {
    let hash = |file: &str| -> Result<BlockHash, FuzzError> {
        let json = v.json(file)?;
        json.get("expected_hash")
            .and_then(Value::as_str)
            .and_then(|text| BlockHash::from_str(text).ok())
            .ok_or_else(|| seed_error(file, "no expected_hash"))
    };
    let genesis = hash("valid/nmc_mainnet_2016.json")?;
    let status = StatusMessage {
        genesis,
        best_hash: hash("valid/nmc_mainnet_19200.json")?,
        best_height: 19_200,
        best_work: {
            let mut work = [0u8; 32];
            work[24..].copy_from_slice(&0x0000_0411_5e7d_c0deu64.to_be_bytes());
            work
        },
    };
    let locator = vec![
        hash("valid/nmc_mainnet_19204.json")?,
        hash("valid/nmc_mainnet_19200.json")?,
        genesis,
    ];
    let requests = [
        ("status", SyncRequest::Status(status.clone())),
        (
            "get-headers",
            SyncRequest::GetHeaders {
                locator: locator.clone(),
                max: 2_000,
            },
        ),
        ("get-blocks", SyncRequest::GetBlocks(locator[..2].to_vec())),
    ];
    for (name, request) in requests {
        seeds.push(("sync-request", name.into(), framed(request.encode())));
    }
    let header = |file: &str| -> Result<Header, FuzzError> {
        let bytes = v.hex(file, "header_with_auxpow_hex")?;
        encode::deserialize(&bytes).map_err(|e| seed_error(file, e))
    };
    let responses = [
        ("status", SyncResponse::Status(status)),
        (
            "headers-merge-mined",
            SyncResponse::Headers(vec![
                header("valid/nmc_mainnet_19200.json")?,
                header("valid/nmc_mainnet_19204.json")?,
            ]),
        ),
        (
            "blocks",
            SyncResponse::Blocks(vec![
                v.hex("valid/nmc_mainnet_19204_full_block.json", "full_block_hex")?,
                v.hex("valid/doge_mainnet_1_no_auxpow.json", "full_block_hex")?,
            ]),
        ),
        ("headers-empty", SyncResponse::Headers(Vec::new())),
    ];
    for (name, response) in responses {
        seeds.push(("sync-response", name.into(), framed(response.encode())));
    }
    Ok(())
}
