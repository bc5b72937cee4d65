//! Views of blocks, headers, transactions and scripts with Bitcoin Core's field names,
//! shared by every method that shows them. Amounts are in coins (`f64`), as Bitcoin
//! Core prints values.

use bitcoin::consensus::encode;
use bitcoin::{Amount, Script, Transaction};
use serde::Serialize;
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
pub fn coins(amount: Amount) -> f64 {
    amount.to_btc()
}

/// Bitcoin Core's `getblockheader` fields for an index entry.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderView {
    pub hash: String,
    /// -1 off the best chain.
    pub confirmations: i64,
    pub height: u32,
    pub version: i32,
    #[serde(rename = "versionHex")]
    pub version_hex: String,
    pub merkleroot: String,
    pub time: u32,
    pub mediantime: u32,
    pub nonce: u32,
    pub bits: String,
    pub difficulty: f64,
    pub chainwork: String,
    /// Known only when the block's data is stored.
    #[serde(rename = "nTx", skip_serializing_if = "Option::is_none")]
    pub n_tx: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previousblockhash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nextblockhash: Option<String>,
    pub merge_mined: bool,
}

impl HeaderView {
    pub fn new(chain: &Chain, entry: &IndexEntry, tx_count: Option<usize>) -> HeaderView {
        let index = chain.index();
        let active = index.is_active(entry);
        let confirmations = if active {
            i64::from(index.height()) - i64::from(entry.height) + 1
        } else {
            -1
        };
        let header = &entry.header;
        let bits = header.bits.to_consensus();
        HeaderView {
            hash: entry.hash.to_string(),
            confirmations,
            height: entry.height,
            version: header.version.to_consensus(),
            version_hex: format!("{:08x}", header.version.to_consensus()),
            merkleroot: header.merkle_root.to_string(),
            time: header.time,
            mediantime: index.median_time_past(&entry.hash).unwrap_or(header.time),
            nonce: header.nonce,
            bits: format!("{bits:08x}"),
            difficulty: difficulty_of_bits(bits),
            chainwork: entry.chain_work.to_string(),
            n_tx: tx_count,
            previousblockhash: (entry.height > 0).then(|| header.prev_blockhash.to_string()),
            nextblockhash: index
                .active_at(entry.height + 1)
                .filter(|_| active)
                .map(|h| h.to_string()),
            merge_mined: entry.status.has(venture_chain::BlockStatus::MERGE_MINED),
        }
    }
}

/// Bitcoin Core's `getblock` fields at verbosity 1 (txids) and 2 (decoded
/// transactions), plus the merged-mining proof of merge-mined blocks.
#[derive(Debug, Clone, Serialize)]
pub struct BlockView {
    #[serde(flatten)]
    pub header: HeaderView,
    pub size: usize,
    pub strippedsize: usize,
    pub weight: u64,
    pub tx: BlockTransactions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auxpow: Option<AuxPowView>,
}

/// A block's transactions: ids (verbosity 1) or decoded (verbosity 2 and up).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum BlockTransactions {
    Ids(Vec<String>),
    Decoded(Vec<TxView>),
}

impl BlockView {
    pub fn new(chain: &Chain, entry: &IndexEntry, block: &Block, verbosity: u8) -> BlockView {
        let hrp = &chain.params().hrp;
        let size = block.serialized_size();
        let witness_bytes: usize = block
            .txdata
            .iter()
            .map(|tx| tx.total_size() - tx.base_size())
            .sum();
        let tx = if verbosity >= 2 {
            BlockTransactions::Decoded(block.txdata.iter().map(|tx| TxView::new(tx, hrp)).collect())
        } else {
            BlockTransactions::Ids(
                block
                    .txdata
                    .iter()
                    .map(|tx| tx.compute_txid().to_string())
                    .collect(),
            )
        };
        BlockView {
            header: HeaderView::new(chain, entry, Some(block.txdata.len())),
            size,
            strippedsize: size - witness_bytes,
            weight: block.weight().to_wu(),
            tx,
            auxpow: block
                .header
                .auxpow
                .as_ref()
                .map(|auxpow| AuxPowView::new(auxpow, hrp)),
        }
    }
}

/// The merged-mining proof, in Namecoin's `getblock` layout.
#[derive(Debug, Clone, Serialize)]
pub struct AuxPowView {
    pub tx: TxView,
    pub index: i32,
    pub merklebranch: Vec<String>,
    pub chainindex: i32,
    pub chainmerklebranch: Vec<String>,
    pub parentblock: String,
}

impl AuxPowView {
    pub fn new(auxpow: &venture_primitives::AuxPow, hrp: &Hrp) -> AuxPowView {
        AuxPowView {
            tx: TxView::new(&auxpow.coinbase_tx, hrp),
            index: auxpow.coinbase_index,
            merklebranch: auxpow
                .coinbase_branch
                .iter()
                .map(|h| h.to_string())
                .collect(),
            chainindex: auxpow.chain_index,
            chainmerklebranch: auxpow.chain_branch.iter().map(|h| h.to_string()).collect(),
            parentblock: hex::encode(encode::serialize(&auxpow.parent_header)),
        }
    }
}

/// Bitcoin Core's decoded transaction.
#[derive(Debug, Clone, Serialize)]
pub struct TxView {
    pub txid: String,
    pub hash: String,
    pub version: i32,
    pub size: usize,
    pub vsize: usize,
    pub weight: u64,
    pub locktime: u32,
    pub vin: Vec<TxInView>,
    pub vout: Vec<TxOutView>,
    pub hex: String,
}

/// An input: the coinbase data, or the outpoint spent and its script.
#[derive(Debug, Clone, Serialize)]
pub struct TxInView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coinbase: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vout: Option<u32>,
    #[serde(rename = "scriptSig", skip_serializing_if = "Option::is_none")]
    pub script_sig: Option<ScriptSigView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txinwitness: Option<Vec<String>>,
    pub sequence: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScriptSigView {
    pub asm: String,
    pub hex: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TxOutView {
    pub value: f64,
    pub n: usize,
    #[serde(rename = "scriptPubKey")]
    pub script_pub_key: ScriptView,
}

impl TxView {
    pub fn new(tx: &Transaction, hrp: &Hrp) -> TxView {
        let coinbase = tx.is_coinbase();
        let vin = tx
            .input
            .iter()
            .map(|input| {
                let script = hex::encode(input.script_sig.as_bytes());
                TxInView {
                    coinbase: coinbase.then(|| script.clone()),
                    txid: (!coinbase).then(|| input.previous_output.txid.to_string()),
                    vout: (!coinbase).then_some(input.previous_output.vout),
                    script_sig: (!coinbase).then(|| ScriptSigView {
                        asm: input.script_sig.to_asm_string(),
                        hex: script,
                    }),
                    txinwitness: (!input.witness.is_empty())
                        .then(|| input.witness.iter().map(hex::encode).collect()),
                    sequence: input.sequence.0,
                }
            })
            .collect();
        let vout = tx
            .output
            .iter()
            .enumerate()
            .map(|(n, output)| TxOutView {
                value: coins(output.value),
                n,
                script_pub_key: ScriptView::new(&output.script_pubkey, hrp),
            })
            .collect();
        TxView {
            txid: tx.compute_txid().to_string(),
            hash: tx.compute_wtxid().to_string(),
            version: tx.version.0,
            size: tx.total_size(),
            vsize: tx.vsize(),
            weight: tx.weight().to_wu(),
            locktime: tx.lock_time.to_consensus_u32(),
            vin,
            vout,
            hex: hex::encode(encode::serialize(tx)),
        }
    }
}

/// A script's asm, hex, type and (for native segwit outputs) address.
#[derive(Debug, Clone, Serialize)]
pub struct ScriptView {
    pub asm: String,
    pub hex: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl ScriptView {
    pub fn new(script: &Script, hrp: &Hrp) -> ScriptView {
        ScriptView {
            asm: script.to_asm_string(),
            hex: hex::encode(script.as_bytes()),
            kind: script_type(script),
            address: script_to_address(hrp, script),
        }
    }
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
