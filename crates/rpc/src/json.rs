//! JSON views of blocks, headers, transactions and scripts in Bitcoin Core's field
//! names, shared by every method that shows them.

use bitcoin::consensus::encode;
use bitcoin::{Amount, Script, Transaction};
use serde_json::{json, Map, Value};
use venture_chain::{Chain, IndexEntry};
use venture_pow::{decode_compact, Target};
use venture_primitives::{script_to_address, Block, Hrp};

/// Bitcoin Core's difficulty-1 target (bits 0x1d00ffff): `difficulty` fields are
/// relative to it on every Bitcoin-family chain, whatever its pow limit.
pub fn difficulty_of_bits(bits: u32) -> f64 {
    let reference = Target(decode_compact(0x1d00ffff).value);
    Target(decode_compact(bits).value).difficulty(&reference)
}

/// An amount in coins, as Bitcoin Core prints values.
pub fn coins(amount: Amount) -> Value {
    json!(amount.to_btc())
}

/// Bitcoin Core's `getblockheader` fields for an index entry.
pub fn header_json(chain: &Chain, entry: &IndexEntry, tx_count: Option<usize>) -> Value {
    let index = chain.index();
    let confirmations: i64 = if index.is_active(entry) {
        i64::from(index.height()) - i64::from(entry.height) + 1
    } else {
        -1
    };
    let header = &entry.header;
    let bits = header.bits.to_consensus();
    let mut obj = Map::new();
    obj.insert("hash".into(), json!(entry.hash.to_string()));
    obj.insert("confirmations".into(), json!(confirmations));
    obj.insert("height".into(), json!(entry.height));
    obj.insert("version".into(), json!(header.version.to_consensus()));
    obj.insert(
        "versionHex".into(),
        json!(format!("{:08x}", header.version.to_consensus())),
    );
    obj.insert("merkleroot".into(), json!(header.merkle_root.to_string()));
    obj.insert("time".into(), json!(header.time));
    obj.insert(
        "mediantime".into(),
        json!(index.median_time_past(&entry.hash).unwrap_or(header.time)),
    );
    obj.insert("nonce".into(), json!(header.nonce));
    obj.insert("bits".into(), json!(format!("{bits:08x}")));
    obj.insert("difficulty".into(), json!(difficulty_of_bits(bits)));
    obj.insert("chainwork".into(), json!(entry.chain_work.to_string()));
    if let Some(n) = tx_count {
        obj.insert("nTx".into(), json!(n));
    }
    if entry.height > 0 {
        obj.insert(
            "previousblockhash".into(),
            json!(header.prev_blockhash.to_string()),
        );
    }
    if let Some(next) = index
        .active_at(entry.height + 1)
        .filter(|_| index.is_active(entry))
    {
        obj.insert("nextblockhash".into(), json!(next.to_string()));
    }
    obj.insert(
        "merge_mined".into(),
        json!(entry.status.has(venture_chain::BlockStatus::MERGE_MINED)),
    );
    Value::Object(obj)
}

/// Bitcoin Core's `getblock` fields (verbosity 1 lists txids, 2 decodes transactions).
pub fn block_json(chain: &Chain, entry: &IndexEntry, block: &Block, verbosity: u8) -> Value {
    let hrp = &chain.params().hrp;
    let mut obj = match header_json(chain, entry, Some(block.txdata.len())) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let size = block.serialized_size();
    let stripped: usize = size
        - block
            .txdata
            .iter()
            .map(|tx| tx.total_size() - tx.base_size())
            .sum::<usize>();
    obj.insert("size".into(), json!(size));
    obj.insert("strippedsize".into(), json!(stripped));
    obj.insert("weight".into(), json!(block.weight().to_wu()));
    let txs: Vec<Value> = block
        .txdata
        .iter()
        .map(|tx| {
            if verbosity >= 2 {
                tx_json(tx, hrp)
            } else {
                json!(tx.compute_txid().to_string())
            }
        })
        .collect();
    obj.insert("tx".into(), Value::Array(txs));
    if let Some(auxpow) = &block.header.auxpow {
        obj.insert("auxpow".into(), auxpow_json(auxpow, hrp));
    }
    Value::Object(obj)
}

/// The merged-mining proof, in Namecoin's `getblock` layout.
pub fn auxpow_json(auxpow: &venture_primitives::AuxPow, hrp: &Hrp) -> Value {
    json!({
        "tx": tx_json(&auxpow.coinbase_tx, hrp),
        "index": auxpow.coinbase_index,
        "merklebranch": auxpow.coinbase_branch.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        "chainindex": auxpow.chain_index,
        "chainmerklebranch": auxpow.chain_branch.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
        "parentblock": hex::encode(encode::serialize(&auxpow.parent_header)),
    })
}

/// Bitcoin Core's decoded transaction.
pub fn tx_json(tx: &Transaction, hrp: &Hrp) -> Value {
    let vin: Vec<Value> = tx
        .input
        .iter()
        .map(|input| {
            let mut obj = Map::new();
            if tx.is_coinbase() {
                obj.insert("coinbase".into(), json!(hex::encode(input.script_sig.as_bytes())));
            } else {
                obj.insert("txid".into(), json!(input.previous_output.txid.to_string()));
                obj.insert("vout".into(), json!(input.previous_output.vout));
                obj.insert(
                    "scriptSig".into(),
                    json!({ "asm": input.script_sig.to_asm_string(), "hex": hex::encode(input.script_sig.as_bytes()) }),
                );
            }
            if !input.witness.is_empty() {
                obj.insert(
                    "txinwitness".into(),
                    json!(input.witness.iter().map(hex::encode).collect::<Vec<_>>()),
                );
            }
            obj.insert("sequence".into(), json!(input.sequence.0));
            Value::Object(obj)
        })
        .collect();
    let vout: Vec<Value> = tx
        .output
        .iter()
        .enumerate()
        .map(|(n, output)| {
            json!({
                "value": coins(output.value),
                "n": n,
                "scriptPubKey": script_json(&output.script_pubkey, hrp),
            })
        })
        .collect();
    json!({
        "txid": tx.compute_txid().to_string(),
        "hash": tx.compute_wtxid().to_string(),
        "version": tx.version.0,
        "size": tx.total_size(),
        "vsize": tx.vsize(),
        "weight": tx.weight().to_wu(),
        "locktime": tx.lock_time.to_consensus_u32(),
        "vin": vin,
        "vout": vout,
        "hex": hex::encode(encode::serialize(tx)),
    })
}

/// A script's asm, hex, type and (for native segwit outputs) address.
pub fn script_json(script: &Script, hrp: &Hrp) -> Value {
    let mut obj = Map::new();
    obj.insert("asm".into(), json!(script.to_asm_string()));
    obj.insert("hex".into(), json!(hex::encode(script.as_bytes())));
    obj.insert("type".into(), json!(script_type(script)));
    if let Some(address) = script_to_address(hrp, script) {
        obj.insert("address".into(), json!(address));
    }
    Value::Object(obj)
}

/// Bitcoin Core's names for output types.
pub fn script_type(script: &Script) -> &'static str {
    if script.is_p2wpkh() {
        "witness_v0_keyhash"
    } else if script.is_p2wsh() {
        "witness_v0_scripthash"
    } else if script.is_p2tr() {
        "witness_v1_taproot"
    } else if script.is_op_return() {
        "nulldata"
    } else if script.is_p2pkh() {
        "pubkeyhash"
    } else if script.is_p2sh() {
        "scripthash"
    } else if script.is_p2pk() {
        "pubkey"
    } else if script.witness_version().is_some() {
        "witness_unknown"
    } else {
        "nonstandard"
    }
}
