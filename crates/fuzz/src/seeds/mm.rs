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
/// Litecoin template with MWEB data and one aux chain, and a bits-only template alone.
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
