//! An aux chain's block to merge-mine, read from a `createauxblock` reply.

use crate::coordinator::MmError;
use bitcoin::BlockHash;
use serde_json::Value;
use std::str::FromStr;
use venture_pow::Target;

/// What the coordinator needs of a `createauxblock` reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuxBlock {
    pub hash: BlockHash,
    pub chain_id: i32,
    pub previous_block_hash: BlockHash,
    pub height: u32,
    /// The target the parent block's proof of work must meet for this chain.
    pub target: Target,
}

impl AuxBlock {
    /// Reads Namecoin's fields: `hash`, `chainid`, `previousblockhash`, `height`, and
    /// `_target` (little-endian hex; `target` is read when `_target` is absent, as some
    /// nodes only send that, in the same order).
    pub fn from_json(node: &str, reply: &Value) -> Result<AuxBlock, MmError> {
        let bad = |detail: String| MmError::BadReply {
            node: node.to_string(),
            method: "createauxblock",
            detail,
        };
        let hash_field = |name: &str| {
            reply
                .get(name)
                .and_then(Value::as_str)
                .and_then(|text| BlockHash::from_str(text).ok())
                .ok_or_else(|| bad(format!("missing or invalid `{name}`")))
        };
        let target_hex = reply
            .get("_target")
            .or_else(|| reply.get("target"))
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no `_target`".into()))?;
        let target_bytes: [u8; 32] = hex::decode(target_hex)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| bad("`_target` is not 32 bytes of hex".into()))?;
        let chain_id = reply
            .get("chainid")
            .and_then(Value::as_i64)
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| bad("missing or invalid `chainid`".into()))?;
        Ok(AuxBlock {
            hash: hash_field("hash")?,
            chain_id,
            previous_block_hash: hash_field("previousblockhash")?,
            height: reply
                .get("height")
                .and_then(Value::as_u64)
                .and_then(|h| u32::try_from(h).ok())
                .unwrap_or(0),
            target: Target::from_le_bytes(target_bytes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_namecoin_fields_with_little_endian_target() {
        let reply = json!({
            "hash": "1b2c0f5ab4d9b2c8f6f0bd1b1b62d4f0e5f4ad0aa2b3f9a2c8e8f5d1e2c3b4a5",
            "chainid": 0x5645,
            "previousblockhash": "0000000000000000000000000000000000000000000000000000000000000001",
            "coinbasevalue": 5000000000u64,
            "bits": "207fffff",
            "height": 4,
            "_target": "0000000000000000000000000000000000000000000000000000000000ffff7f",
        });
        let block = AuxBlock::from_json("aux", &reply).unwrap();
        assert_eq!(block.chain_id, 0x5645);
        assert_eq!(block.height, 4);
        assert_eq!(
            hex::encode(block.target.to_be_bytes()),
            "7fffff0000000000000000000000000000000000000000000000000000000000"
        );
        assert!(AuxBlock::from_json("aux", &json!({"hash": "00"})).is_err());
    }
}
