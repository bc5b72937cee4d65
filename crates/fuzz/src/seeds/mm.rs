//! Seeds for the coordinator's node replies: templates as Bitcoin Core and Litecoin Core
//! write them, and Namecoin-style `createauxblock` results.

use super::{seed_error, Seed, Vectors};
use crate::FuzzError;
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::BlockHash;
use serde_json::json;
use venture_primitives::Block;

/// Node replies as Bitcoin Core, Litecoin Core and Namecoin-style aux nodes write them:
/// a template with a real transaction and a witness commitment and two aux chains, a
/// Litecoin template with MWEB data but no HogEx (unusable for parent blocks) and one aux
/// chain, one with MWEB active as litecoind 0.21.2.1 gives it (a HogEx last, MWEB data)
/// and one aux chain, and a bits-only template alone.
pub(super) fn seeds(v: &Vectors, seeds: &mut Vec<Seed>) -> Result<(), FuzzError> {
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
    // The HogEx of a litecoind 0.21.2.1 regtest template (previous HogAddr in, new
    // HogAddr and a peg-out out); the MWEB data stands in for its extension block.
    let hogex = "02000000000801ffd4e68f1246443a4a4bbfb4b55f0c75390789db122891873f5813d63ea960590000000000ffffffff02a4cd8a4400000000225820688750b4a9981f113275930d8192850526b996400d241bc3530f1abfa4a4981500e1f50500000000160014b736d505a7194b5c900c0837cc6046c3e18fa3580000000000";
    let hogex_txid = "44b11f12c87b7ebd167e8a9f401cd678a2261cb9a233cd827f6513e2647bb2aa";
    let mweb_template = json!({
        "version": 0x2000_0000,
        "rules": ["csv", "!segwit", "taproot", "mweb"],
        "previousblockhash": BlockHash::from_byte_array([0x44; 32]).to_string(),
        "transactions": [{ "data": hogex, "txid": hogex_txid, "hash": hogex_txid, "depends": [] }],
        "coinbasevalue": 1_250_012_300u64,
        "target": "7fffff0000000000000000000000000000000000000000000000000000000000",
        "mintime": 1_700_000_000u64,
        "curtime": 1_700_000_150u64,
        "bits": "207fffff",
        "height": 434,
        "default_witness_commitment": "6a24aa21a9eda4c95e2876ebcf95c4f406f69d25afd2027b2bc41c4b76f3fc375296a10db4bb",
        "mweb": "0a0b0c0d0e0f",
    });
    seeds.push((
        "mm-node-replies",
        "litecoin-template-mweb-active-one-aux".into(),
        format!("{mweb_template}\n{}\n", aux(0x62, 0xdd)).into_bytes(),
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
