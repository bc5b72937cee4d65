//! A parent chain's block template, read from a BIP22 `getblocktemplate` reply (Bitcoin
//! Core, Litecoin Core, or a Venture node acting as parent).

use crate::coordinator::mweb::{has_mweb_flag, Mweb};
use crate::coordinator::template_limits::{hex_bytes, TxBudget};
use crate::coordinator::{required_outputs, MmError};
use bitcoin::hashes::{sha256d, Hash};
use bitcoin::{BlockHash, ScriptBuf, Transaction, TxMerkleNode, TxOut, Txid, Wtxid};
use serde_json::Value;
use std::str::FromStr;
use venture_auxpow::{merkle_branch, merkle_root};
use venture_pow::{Target, U256};

/// BIP141's witness commitment output: OP_RETURN, a 36-byte push, this header.
const WITNESS_COMMITMENT_HEADER: [u8; 6] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

/// One template transaction, kept as the parent gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateTx {
    /// Its serialization (with witness if it has one), copied into the block.
    pub data: Vec<u8>,
    pub txid: Txid,
    pub wtxid: Wtxid,
}

impl TemplateTx {
    pub fn has_witness(&self) -> bool {
        self.txid.to_byte_array() != self.wtxid.to_byte_array()
    }
}

/// The parts of a parent template the coordinator builds work from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentTemplate {
    pub version: i32,
    pub prev_hash: BlockHash,
    pub bits: u32,
    pub target: Target,
    pub height: u32,
    pub curtime: u32,
    pub mintime: u32,
    pub coinbase_value: u64,
    /// Outputs the coinbase must start with, before the payout (a Venture parent's
    /// settlement; see [`required_outputs`]).
    pub required_outputs: Vec<TxOut>,
    pub transactions: Vec<TemplateTx>,
    /// The coinbase's merkle branch over `transactions` (internal byte order), computed
    /// once when the template is read: every job of the template shares it.
    pub coinbase_branch: Vec<TxMerkleNode>,
    /// The witness commitment output script, when the block needs one.
    pub witness_commitment: Option<ScriptBuf>,
    pub longpollid: Option<String>,
    /// Litecoin's MWEB extension block, which parent blocks must carry once MWEB is
    /// active.
    pub mweb: Mweb,
}

impl ParentTemplate {
    /// Reads a `getblocktemplate` result.
    pub fn from_json(node: &str, reply: &Value) -> Result<ParentTemplate, MmError> {
        let bad = |detail: String| MmError::BadReply {
            node: node.to_string(),
            method: "getblocktemplate",
            detail,
        };
        let u64_field = |name: &str| {
            reply
                .get(name)
                .and_then(Value::as_u64)
                .ok_or_else(|| bad(format!("missing or invalid `{name}`")))
        };
        let str_field = |name: &str| {
            reply
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| bad(format!("missing or invalid `{name}`")))
        };
        let version = reply
            .get("version")
            .and_then(Value::as_i64)
            .and_then(|v| {
                u32::try_from(v)
                    .ok()
                    .or_else(|| i32::try_from(v).ok().map(|v| v as u32))
            })
            .ok_or_else(|| bad("missing or invalid `version`".into()))?
            as i32;
        let prev_hash = BlockHash::from_str(str_field("previousblockhash")?)
            .map_err(|e| bad(format!("previousblockhash: {e}")))?;
        let bits =
            u32::from_str_radix(str_field("bits")?, 16).map_err(|e| bad(format!("bits: {e}")))?;
        let target = match reply.get("target").and_then(Value::as_str) {
            Some(hex_target) => {
                let bytes: [u8; 32] = hex::decode(hex_target)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| bad("target is not 32 bytes of hex".into()))?;
                Target::from_be_bytes(bytes)
            }
            None => Target::from_bits(bits, &Target(U256::MAX))
                .map_err(|e| bad(format!("bits: {e}")))?,
        };
        let height =
            u32::try_from(u64_field("height")?).map_err(|_| bad("height out of range".into()))?;
        let curtime =
            u32::try_from(u64_field("curtime")?).map_err(|_| bad("curtime out of range".into()))?;
        let mintime = reply
            .get("mintime")
            .and_then(Value::as_u64)
            .and_then(|t| u32::try_from(t).ok())
            .unwrap_or(0);
        let coinbase_value = u64_field("coinbasevalue")?;
        let listed = reply
            .get("transactions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let mut budget = TxBudget::of(reply);
        budget.check_count(listed.len()).map_err(&bad)?;
        let transactions = listed
            .iter()
            .map(|tx| template_tx(tx, &mut budget).map_err(&bad))
            .collect::<Result<Vec<_>, _>>()?;
        let witness_commitment = match reply
            .get("default_witness_commitment")
            .and_then(Value::as_str)
        {
            Some(script) => Some(commitment_from_hex(script).map_err(&bad)?),
            None => witness_commitment_for(&transactions),
        };
        let mweb = Mweb::from_template(reply, &transactions);
        Ok(ParentTemplate {
            version,
            prev_hash,
            bits,
            target,
            height,
            curtime,
            mintime,
            coinbase_value,
            required_outputs: required_outputs(reply).map_err(bad)?,
            coinbase_branch: coinbase_branch(&transactions),
            transactions,
            witness_commitment,
            longpollid: reply
                .get("longpollid")
                .and_then(Value::as_str)
                .map(str::to_string),
            mweb,
        })
    }

    /// Whether two templates give the same work (apart from the time), so that a fresh
    /// poll need not become a new job.
    pub fn same_work(&self, other: &ParentTemplate) -> bool {
        self.prev_hash == other.prev_hash
            && self.version == other.version
            && self.bits == other.bits
            && self.coinbase_value == other.coinbase_value
            && self.required_outputs == other.required_outputs
            && self.witness_commitment == other.witness_commitment
            && self.mweb == other.mweb
            && self.transactions.len() == other.transactions.len()
            && self
                .transactions
                .iter()
                .zip(&other.transactions)
                .all(|(a, b)| a.txid == b.txid)
    }

    /// The txids after the coinbase, as merkle leaves.
    pub fn tx_leaves(&self) -> impl Iterator<Item = TxMerkleNode> + '_ {
        self.transactions
            .iter()
            .map(|tx| TxMerkleNode::from_byte_array(tx.txid.to_byte_array()))
    }
}

/// The merkle branch of a block's coinbase before `transactions`.
pub fn coinbase_branch(transactions: &[TemplateTx]) -> Vec<TxMerkleNode> {
    let leaves: Vec<TxMerkleNode> = std::iter::once(TxMerkleNode::all_zeros())
        .chain(
            transactions
                .iter()
                .map(|tx| TxMerkleNode::from_byte_array(tx.txid.to_byte_array())),
        )
        .collect();
    // Index 0 always exists; the placeholder never enters the branch.
    merkle_branch(&leaves, 0).unwrap_or_default()
}

/// `default_witness_commitment` as given: anything but a BIP141 commitment would make
/// a parent block the node refuses, and a long one a notify line longer than miners
/// accept (its length is checked before it is decoded).
fn commitment_from_hex(text: &str) -> Result<ScriptBuf, String> {
    let size = WITNESS_COMMITMENT_HEADER.len() + 32;
    let script = match hex_bytes(text) == size {
        true => hex::decode(text).map_err(|e| format!("default_witness_commitment: {e}"))?,
        false => Vec::new(),
    };
    if script.len() != size || !script.starts_with(&WITNESS_COMMITMENT_HEADER) {
        return Err(
            "default_witness_commitment is not a BIP141 commitment output (6a24aa21a9ed and 32 bytes)".into(),
        );
    }
    Ok(ScriptBuf::from_bytes(script))
}

fn template_tx(entry: &Value, budget: &mut TxBudget) -> Result<TemplateTx, String> {
    let data = entry
        .get("data")
        .and_then(Value::as_str)
        .ok_or("a transaction without `data`")?;
    budget.take(data)?;
    let data = hex::decode(data).map_err(|e| format!("transaction data: {e}"))?;
    let parse_id = |name: &str| -> Result<Option<[u8; 32]>, String> {
        match entry.get(name).and_then(Value::as_str) {
            Some(text) => Txid::from_str(text)
                .map(|id| Some(id.to_byte_array()))
                .map_err(|e| format!("transaction {name}: {e}")),
            None => Ok(None),
        }
    };
    let (txid, wtxid) = match (parse_id("txid")?, parse_id("hash")?) {
        (Some(txid), Some(wtxid)) => (txid, wtxid),
        // Bitcoin's decoder cannot read MWEB's flag, and re-encoding would drop it.
        _ if has_mweb_flag(&data) => {
            return Err("an MWEB transaction (flag 0x08) without `txid` and `hash`".into())
        }
        // Old nodes give only `hash` (the txid); decode to be sure of both.
        _ => {
            let tx: Transaction = venture_primitives::deserialize_transaction(&data)
                .map_err(|e| format!("transaction data: {e}"))?;
            (
                tx.compute_txid().to_byte_array(),
                tx.compute_wtxid().to_byte_array(),
            )
        }
    };
    Ok(TemplateTx {
        data,
        txid: Txid::from_byte_array(txid),
        wtxid: Wtxid::from_byte_array(wtxid),
    })
}

/// BIP141's commitment with an all-zero reserved value, computed when a node sends
/// witness transactions without `default_witness_commitment`.
fn witness_commitment_for(transactions: &[TemplateTx]) -> Option<ScriptBuf> {
    transactions
        .iter()
        .any(TemplateTx::has_witness)
        .then(|| commitment_script(transactions))
}

/// The commitment output script over `transactions` after a coinbase.
fn commitment_script(transactions: &[TemplateTx]) -> ScriptBuf {
    // The coinbase's wtxid counts as all zeros.
    let leaves: Vec<TxMerkleNode> = std::iter::once(TxMerkleNode::all_zeros())
        .chain(
            transactions
                .iter()
                .map(|tx| TxMerkleNode::from_byte_array(tx.wtxid.to_byte_array())),
        )
        .collect();
    let root = merkle_root(&leaves).unwrap_or_else(TxMerkleNode::all_zeros);
    let mut preimage = root.to_byte_array().to_vec();
    preimage.extend_from_slice(&[0u8; 32]);
    let commitment = sha256d::Hash::hash(&preimage);
    let mut script = WITNESS_COMMITMENT_HEADER.to_vec();
    script.extend_from_slice(commitment.as_byte_array());
    ScriptBuf::from_bytes(script)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A litecoind 0.21 regtest reply, trimmed.
    fn litecoind_reply() -> Value {
        json!({
            "version": 536870912u32,
            "rules": ["csv", "!segwit", "taproot"],
            "previousblockhash": "fed8d02cf1dcdb31c8700bdc727fd4fbc104a0f4ec38060e9eb42fd61d22f99b",
            "transactions": [],
            "coinbasevalue": 5000000000u64,
            "longpollid": "fed8d02cf1dcdb31c8700bdc727fd4fbc104a0f4ec38060e9eb42fd61d22f99b4",
            "target": "7fffff0000000000000000000000000000000000000000000000000000000000",
            "mintime": 1795688555u32,
            "curtime": 1795688555u32,
            "bits": "207fffff",
            "height": 2,
            "default_witness_commitment": "6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9"
        })
    }

    #[test]
    fn reads_a_litecoind_template() {
        let template = ParentTemplate::from_json("ltc", &litecoind_reply()).unwrap();
        assert_eq!(template.version, 0x2000_0000);
        assert_eq!(template.bits, 0x207f_ffff);
        assert_eq!(
            template.target,
            Target::from_bits(0x207f_ffff, &Target(U256::MAX)).unwrap()
        );
        assert_eq!(template.height, 2);
        assert_eq!(template.coinbase_value, 5_000_000_000);
        assert!(template.longpollid.is_some());
        // With no transactions, the commitment is the one over the coinbase alone; ours
        // must agree with the node's.
        assert_eq!(template.witness_commitment, Some(commitment_script(&[])));
        let mut missing = litecoind_reply();
        missing.as_object_mut().unwrap().remove("bits");
        assert!(ParentTemplate::from_json("ltc", &missing).is_err());
    }

    /// With MWEB active the HogEx comes last with MWEB's flag: it is kept byte for byte
    /// with the node's ids (Bitcoin's decoder cannot read it), and the extension block
    /// is kept for the block's end. Without ids it cannot be used at all.
    #[test]
    fn reads_a_litecoind_mweb_template() {
        let hogex = "02000000000801ffd4e68f1246443a4a4bbfb4b55f0c75390789db122891873f5813d63ea960590000000000ffffffff02a4cd8a4400000000225820688750b4a9981f113275930d8192850526b996400d241bc3530f1abfa4a4981500e1f50500000000160014b736d505a7194b5c900c0837cc6046c3e18fa3580000000000";
        let txid = "44b11f12c87b7ebd167e8a9f401cd678a2261cb9a233cd827f6513e2647bb2aa";
        let mut reply = litecoind_reply();
        reply["rules"] = json!(["csv", "!segwit", "taproot", "mweb"]);
        reply["transactions"] = json!([{ "data": hogex, "txid": txid, "hash": txid }]);
        reply["mweb"] = json!("0102");
        let template = ParentTemplate::from_json("ltc", &reply).unwrap();
        assert_eq!(template.transactions[0].data, hex::decode(hogex).unwrap());
        assert_eq!(template.transactions[0].txid.to_string(), txid);
        assert_eq!(template.mweb, Mweb::Present(vec![1, 2]));
        // The coinbase's branch is read once, here: its sibling is the HogEx.
        assert_eq!(
            template.coinbase_branch,
            vec![TxMerkleNode::from_byte_array(
                template.transactions[0].txid.to_byte_array()
            )]
        );
        let mut other = template.clone();
        other.mweb = Mweb::Present(vec![1, 3]);
        assert!(!template.same_work(&other));

        reply["transactions"] = json!([{ "data": hogex }]);
        let error = ParentTemplate::from_json("ltc", &reply).unwrap_err();
        assert!(error.to_string().contains("MWEB transaction"), "{error}");
    }

    /// A commitment of any other shape used to be copied into the coinbase as given,
    /// making blocks the parent refuses and, when long, a `mining.notify` longer than
    /// miners read (found by fuzzing the coordinator's node replies).
    #[test]
    fn refuses_a_commitment_that_is_not_bip141() {
        let commitment = litecoind_reply()["default_witness_commitment"]
            .as_str()
            .unwrap()
            .to_string();
        for bad in [
            format!("{commitment}00"),
            commitment[..commitment.len() - 2].to_string(),
            format!("6a24aa21a9ec{}", &commitment[12..]),
            format!("{commitment}{}", "ab".repeat(10_000)),
        ] {
            let mut reply = litecoind_reply();
            reply["default_witness_commitment"] = json!(bad);
            let error = ParentTemplate::from_json("ltc", &reply).unwrap_err();
            assert!(error.to_string().contains("BIP141"), "{error}");
        }
    }
}
