//! How the committed seed corpus is made (`venture-fuzz seeds`): real headers, blocks,
//! AuxPoWs and transactions from the reference vectors, and valid messages written by
//! this project's own encoders (genesis blocks, a merge-mined block with a SegWit
//! transaction, sync frames, Stratum sessions, the shipped chain specs).

use crate::targets::{client_seeds, server_seeds};
use crate::FuzzError;
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::{
    absolute, transaction, Amount, BlockHash, OutPoint, ScriptBuf, Sequence, Transaction, TxIn,
    TxMerkleNode, TxOut, Txid, Witness,
};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use venture_auxpow::{AuxChain, AuxPow, MergedMiningCommitment};
use venture_chainspec::ChainParams;
use venture_network::wire::{StatusMessage, SyncRequest, SyncResponse};
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

/// One seed: target, file name, bytes.
type Seed = (&'static str, String, Vec<u8>);

/// Writes every seed under `out/<target>/`, returning the files written.
pub fn generate(vectors: &Path, workspace: &Path, out: &Path) -> Result<Vec<PathBuf>, FuzzError> {
    let vectors = Vectors(vectors.join("auxpow"));
    let mut seeds = Vec::new();
    consensus_seeds(&vectors, workspace, &mut seeds)?;
    sync_seeds(&vectors, &mut seeds)?;
    for (name, bytes) in server_seeds() {
        seeds.push(("stratum-server", name.into(), bytes));
    }
    for (name, bytes) in client_seeds() {
        seeds.push(("stratum-client", name.into(), bytes));
    }
    mm_seeds(&vectors, &mut seeds)?;
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
struct Vectors(PathBuf);

impl Vectors {
    fn json(&self, file: &str) -> Result<Value, FuzzError> {
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
    fn hex(&self, file: &str, field: &str) -> Result<Vec<u8>, FuzzError> {
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

fn seed_error(what: &str, reason: impl std::fmt::Display) -> FuzzError {
    FuzzError::Seed {
        path: PathBuf::from(what),
        reason: reason.to_string(),
    }
}

fn consensus_seeds(v: &Vectors, workspace: &Path, seeds: &mut Vec<Seed>) -> Result<(), FuzzError> {
    // Blocks: Namecoin's first merge-mined blocks, Dogecoin with a Litecoin (scrypt)
    // parent, plain Dogecoin blocks with and without a chain id in the version.
    let blocks = [
        (
            "nmc-19200-first-merge-mined",
            "valid/nmc_mainnet_19200_full_block.json",
        ),
        ("nmc-19204", "valid/nmc_mainnet_19204_full_block.json"),
        (
            "doge-371337-scrypt-parent",
            "valid/doge_mainnet_371337.json",
        ),
        ("doge-1-native", "valid/doge_mainnet_1_no_auxpow.json"),
        (
            "doge-testnet-158100-chain-id",
            "valid/doge_testnet_158100_chainid_no_auxpow.json",
        ),
    ];
    let mut transactions: Vec<Transaction> = Vec::new();
    for (name, file) in blocks {
        let bytes = v.hex(file, "full_block_hex")?;
        let block: Block = encode::deserialize(&bytes).map_err(|e| seed_error(file, e))?;
        transactions.extend(block.txdata.iter().take(2).cloned());
        if let Some(auxpow) = &block.header.auxpow {
            transactions.push(auxpow.coinbase_tx.clone());
        }
        seeds.push(("block", name.into(), bytes));
    }
    let dev = ChainParams::from_toml(venture_chainspec::builtin_spec("dev").unwrap_or_default())
        .map_err(|e| seed_error("dev spec", e))?;
    seeds.push((
        "block",
        "dev-genesis".into(),
        encode::serialize(&dev.genesis),
    ));
    let example = std::fs::read_to_string(workspace.join("chainspec/venture-example.toml"))
        .map_err(|e| seed_error("venture-example.toml", e))?;
    let example = ChainParams::from_toml(&example).map_err(|e| seed_error("venture-example", e))?;
    seeds.push((
        "block",
        "venture-example-genesis".into(),
        encode::serialize(&example.genesis),
    ));
    let (merge_mined, segwit) = merge_mined_block(&dev)?;
    seeds.push((
        "block",
        "dev-merge-mined-segwit".into(),
        encode::serialize(&merge_mined),
    ));

    // Headers with AuxPoW: the first merge-mined Namecoin header, legacy coinbases,
    // a zero-output parent coinbase, a scrypt parent, and headers without AuxPoW.
    let headers = [
        (
            "nmc-19188-before-merged-mining",
            "valid/nmc_mainnet_19188.json",
        ),
        (
            "nmc-19200-first-merge-mined",
            "valid/nmc_mainnet_19200.json",
        ),
        ("nmc-36719", "valid/nmc_mainnet_36719.json"),
        ("nmc-231258", "valid/nmc_mainnet_231258.json"),
        (
            "nmc-testnet-233281-zero-output-coinbase",
            "valid/nmc_testnet_233281_zero_output_coinbase.json",
        ),
        (
            "doge-894863-scrypt-parent",
            "valid/doge_mainnet_894863.json",
        ),
        (
            "doge-testnet-158100-chain-id",
            "valid/doge_testnet_158100_chainid_no_auxpow.json",
        ),
    ];
    for (name, file) in headers {
        seeds.push((
            "header",
            name.into(),
            v.hex(file, "header_with_auxpow_hex")?,
        ));
    }
    seeds.push((
        "header",
        "dev-merge-mined".into(),
        encode::serialize(&merge_mined.header),
    ));

    // AuxPoWs as pools submit them, prefixed with the block's chain id and hash.
    let auxpows = [
        (
            "btcpool-chain-branch-4",
            "valid/btcpool_btc_regtest_parent_auxpow_chainbranch4.json",
        ),
        (
            "btcpool-hashblock-le",
            "valid/btcpool_btc_regtest_parent_auxpow_hashblock_le.json",
        ),
        (
            "btcpool-testnet-hashblock-be",
            "valid/btcpool_btc_testnet_parent_auxpow_hashblock_be.json",
        ),
        ("doge-403931", "valid/doge_mainnet_403931_auxpow_only.json"),
        (
            "nmc-19414-legacy",
            "valid/nmc_mainnet_19414_auxpow_only.json",
        ),
        (
            "doge-403931-coinbase-no-inputs",
            "negative/doge403931_coinbase_no_inputs.json",
        ),
        (
            "doge-403931-chain-branch-32",
            "negative/doge403931_chain_branch_32.json",
        ),
    ];
    for (name, file) in auxpows {
        let json = v.json(file)?;
        let chain_id = json
            .get("our_chain_id")
            .and_then(Value::as_i64)
            .unwrap_or(0x5645) as i32;
        let hash = json
            .get("aux_block_hash")
            .and_then(Value::as_str)
            .and_then(|text| BlockHash::from_str(text).ok())
            .unwrap_or_else(BlockHash::all_zeros);
        let mut bytes = chain_id.to_le_bytes().to_vec();
        bytes.extend(hash.to_byte_array());
        bytes.extend(v.hex(file, "auxpow_hex")?);
        seeds.push(("auxpow", name.into(), bytes));
    }

    // Transactions: coinbases (Namecoin, Dogecoin, parent coinbases from AuxPoWs),
    // ordinary spends, and a SegWit spend.
    transactions.push(segwit);
    let mut seen = std::collections::HashSet::new();
    for tx in transactions {
        let bytes = encode::serialize(&tx);
        if bytes.len() <= 4096 && seen.insert(tx.compute_wtxid()) && seen.len() <= 10 {
            let name = format!("tx-{}", &tx.compute_wtxid().to_string()[..16]);
            seeds.push(("transaction", name, bytes));
        }
    }
    Ok(())
}

/// A block of the dev chain, merge-mined through a parent coinbase committing to it and
/// one other chain, carrying a coinbase and a SegWit spend.
fn merge_mined_block(dev: &ChainParams) -> Result<(Block, Transaction), FuzzError> {
    let chain_id = dev.spec.consensus.chain_id as i32;
    let segwit = Transaction {
        version: transaction::Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::new(Txid::from_byte_array([7; 32]), 1),
            script_sig: ScriptBuf::new(),
            sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
            witness: Witness::from_slice(&[vec![0x30; 71], vec![0x02; 33]]),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(49_000),
            script_pubkey: ScriptBuf::new_p2wpkh(&bitcoin::WPubkeyHash::from_byte_array([3; 20])),
        }],
    };
    let coinbase = coinbase_transaction(
        1,
        coinbase_script(1, &[b"/venture/"]),
        vec![TxOut {
            value: Amount::from_sat(5_000_000_000),
            script_pubkey: ScriptBuf::new_p2wpkh(&bitcoin::WPubkeyHash::from_byte_array([4; 20])),
        }],
    );
    let txdata = vec![coinbase, segwit.clone()];
    let merkle_root = bitcoin::merkle_tree::calculate_root(
        txdata.iter().map(|tx| tx.compute_txid().to_raw_hash()),
    )
    .map(TxMerkleNode::from_raw_hash)
    .unwrap_or_else(TxMerkleNode::all_zeros);
    let pure = bitcoin::block::Header {
        version: bitcoin::block::Version::from_consensus(venture_chainspec::block_version(
            dev.spec.consensus.chain_id,
            true,
        )),
        prev_blockhash: dev.genesis_hash,
        merkle_root,
        time: dev.spec.genesis.time + 60,
        bits: bitcoin::CompactTarget::from_consensus(dev.spec.genesis.bits.0),
        nonce: 0,
    };
    let chains = [
        AuxChain {
            chain_id,
            block_hash: pure.block_hash(),
        },
        AuxChain {
            chain_id: 1,
            block_hash: BlockHash::from_byte_array([9; 32]),
        },
    ];
    let commitment =
        MergedMiningCommitment::build(&chains, 7).map_err(|e| seed_error("commitment", e))?;
    let mut script = bitcoin::script::Builder::new()
        .push_int(840_000)
        .into_bytes();
    script.push(44);
    script.extend_from_slice(&commitment.script_bytes());
    let parent_coinbase = coinbase_transaction(
        1,
        ScriptBuf::from_bytes(script),
        vec![TxOut {
            value: Amount::from_sat(312_500_000),
            script_pubkey: ScriptBuf::new_op_return([0u8; 4]),
        }],
    );
    let branch = vec![TxMerkleNode::from_byte_array([5; 32])];
    let leaf = TxMerkleNode::from_raw_hash(parent_coinbase.compute_txid().to_raw_hash());
    let parent = bitcoin::block::Header {
        version: bitcoin::block::Version::from_consensus(0x2000_0000),
        prev_blockhash: BlockHash::from_byte_array([6; 32]),
        merkle_root: venture_auxpow::check_merkle_branch(leaf, &branch, 0),
        time: 1_700_000_000,
        bits: bitcoin::CompactTarget::from_consensus(0x207f_ffff),
        nonce: 0,
    };
    let auxpow: AuxPow = commitment
        .assemble(chain_id, parent_coinbase, branch, parent)
        .map_err(|e| seed_error("assemble", e))?;
    let block = Block {
        header: Header::with_auxpow(pure, auxpow),
        txdata,
    };
    Ok((block, segwit))
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

/// Node replies as Bitcoin Core, Litecoin Core and Namecoin-style aux nodes write them:
/// a template with a real transaction and a witness commitment and two aux chains, a
/// Litecoin template with MWEB data and one aux chain, and a bits-only template alone.
fn mm_seeds(v: &Vectors, seeds: &mut Vec<Seed>) -> Result<(), FuzzError> {
    let block: Block =
        encode::deserialize(&v.hex("valid/doge_mainnet_371337.json", "full_block_hex")?)
            .map_err(|e| seed_error("doge 371337", e))?;
    let tx = block
        .txdata
        .get(1)
        .ok_or_else(|| seed_error("doge 371337", "no second transaction"))?;
    let easy_le = {
        let mut target = [0xffu8; 32];
        target[31] = 0x7f;
        hex::encode(target)
    };
    let aux = |chain_id: i32, byte: u8| {
        json!({
            "hash": BlockHash::from_byte_array([byte; 32]).to_string(),
            "chainid": chain_id,
            "previousblockhash": BlockHash::from_byte_array([byte ^ 0xff; 32]).to_string(),
            "coinbasevalue": 5_000_000_000u64,
            "bits": "207fffff",
            "height": 42,
            "_target": easy_le,
        })
        .to_string()
    };
    let bitcoin_template = json!({
        "capabilities": ["proposal"],
        "version": 0x2000_0000,
        "rules": ["csv", "!segwit", "taproot"],
        "previousblockhash": BlockHash::from_byte_array([0x11; 32]).to_string(),
        "transactions": [{
            "data": hex::encode(encode::serialize(tx)),
            "txid": tx.compute_txid().to_string(),
            "hash": tx.compute_wtxid().to_string(),
            "depends": [],
            "fee": 1000,
            "sigops": 4,
            "weight": tx.weight().to_wu(),
        }],
        "coinbaseaux": {},
        "coinbasevalue": 312_501_000u64,
        "longpollid": "0000000000000000000000000000000000000000000000000000000000000000123",
        "target": "7fffff0000000000000000000000000000000000000000000000000000000000",
        "mintime": 1_700_000_000u64,
        "mutable": ["time", "transactions", "prevblock"],
        "noncerange": "00000000ffffffff",
        "sigoplimit": 80000,
        "sizelimit": 4_000_000,
        "weightlimit": 4_000_000,
        "curtime": 1_700_000_600u64,
        "bits": "207fffff",
        "height": 840_000,
        "default_witness_commitment": "6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9",
    });
    seeds.push((
        "mm-node-replies",
        "bitcoin-template-two-aux".into(),
        format!(
            "{bitcoin_template}\n{}\n{}\n",
            aux(1, 0xaa),
            aux(0x5645, 0xbb)
        )
        .into_bytes(),
    ));
    let litecoin_template = json!({
        "version": 0x2000_0000,
        "rules": ["csv", "!segwit", "taproot", "!mweb"],
        "previousblockhash": BlockHash::from_byte_array([0x22; 32]).to_string(),
        "transactions": [],
        "coinbasevalue": 625_000_000u64,
        "target": "7fffff0000000000000000000000000000000000000000000000000000000000",
        "mintime": 1_700_000_000u64,
        "curtime": 1_700_000_150u64,
        "bits": "207fffff",
        "height": 2_700_000,
        "mweb": "01",
    });
    seeds.push((
        "mm-node-replies",
        "litecoin-template-mweb-one-aux".into(),
        format!("{litecoin_template}\n{}\n", aux(0x62, 0xcc)).into_bytes(),
    ));
    let plain_template = json!({
        "version": 4,
        "previousblockhash": BlockHash::from_byte_array([0x33; 32]).to_string(),
        "coinbasevalue": 5_000_000_000u64,
        "curtime": 1_700_000_000u64,
        "bits": "207fffff",
        "height": 1,
    });
    seeds.push((
        "mm-node-replies",
        "bits-only-template".into(),
        format!("{plain_template}\n").into_bytes(),
    ));
    Ok(())
}
