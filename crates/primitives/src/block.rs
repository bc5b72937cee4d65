//! A Venture block: header (with optional AuxPoW) and Bitcoin-format transactions.

use crate::Header;
use bitcoin::consensus::{encode, Decodable, Encodable};
use bitcoin::{io, BlockHash, Transaction, TxMerkleNode, Txid, Weight};

/// A block as stored, relayed and hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub header: Header,
    pub txdata: Vec<Transaction>,
}

impl Block {
    /// sha256d of the 80-byte header: what a parent coinbase commits to.
    pub fn block_hash(&self) -> BlockHash {
        self.header.block_hash()
    }

    /// Whether the proof of work is carried by a parent chain's header.
    pub fn is_merge_mined(&self) -> bool {
        self.header.auxpow.is_some()
    }

    pub fn coinbase(&self) -> Option<&Transaction> {
        self.txdata.first()
    }

    /// The transactions' merkle root, or `None` for a block without transactions.
    pub fn compute_merkle_root(&self) -> Option<TxMerkleNode> {
        let hashes = self.txdata.iter().map(|tx| tx.compute_txid().to_raw_hash());
        bitcoin::merkle_tree::calculate_root(hashes).map(TxMerkleNode::from_raw_hash)
    }

    /// Whether two transactions share a txid (which would also let a block's merkle root
    /// be forged by duplication, CVE-2012-2459).
    pub fn has_duplicate_txids(&self) -> bool {
        let mut txids: Vec<Txid> = self.txdata.iter().map(|tx| tx.compute_txid()).collect();
        txids.sort_unstable();
        txids.windows(2).any(|pair| pair[0] == pair[1])
    }

    /// BIP141 weight of the whole block, AuxPoW included (it travels with the header).
    pub fn weight(&self) -> Weight {
        let header_size = encode::serialize(&self.header).len() as u64;
        let count_size = encode::VarInt(self.txdata.len() as u64).size() as u64;
        let txs: Weight = self.txdata.iter().map(|tx| tx.weight()).sum();
        Weight::from_non_witness_data_size(header_size + count_size) + txs
    }

    pub fn serialized_size(&self) -> usize {
        encode::serialize(self).len()
    }
}

impl Encodable for Block {
    fn consensus_encode<W: io::Write + ?Sized>(&self, w: &mut W) -> Result<usize, io::Error> {
        let mut len = self.header.consensus_encode(w)?;
        len += self.txdata.consensus_encode(w)?;
        Ok(len)
    }
}

impl Decodable for Block {
    fn consensus_decode_from_finite_reader<R: io::Read + ?Sized>(
        r: &mut R,
    ) -> Result<Self, encode::Error> {
        Ok(Block {
            header: Header::consensus_decode_from_finite_reader(r)?,
            txdata: crate::decode_transactions(r)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real Namecoin blocks (one merge-mined) decode, re-encode byte for byte, and their
    /// transactions hash to the published txids and merkle root.
    #[test]
    fn real_namecoin_full_blocks_round_trip() {
        let Some(dir) = venture_testkit::vectors_dir() else {
            return;
        };
        let mut seen = 0;
        for entry in std::fs::read_dir(dir.join("auxpow/valid")).unwrap() {
            let path = entry.unwrap().path();
            if !path.to_string_lossy().ends_with("_full_block.json") {
                continue;
            }
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let bytes = hex::decode(json["full_block_hex"].as_str().unwrap()).unwrap();
            let block: Block = encode::deserialize(&bytes).unwrap();
            assert_eq!(encode::serialize(&block), bytes, "{}", path.display());
            let txids: Vec<String> = block
                .txdata
                .iter()
                .map(|tx| tx.compute_txid().to_string())
                .collect();
            let expected: Vec<String> = json["expected_txids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            assert_eq!(txids, expected, "{}", path.display());
            assert_eq!(
                block.compute_merkle_root(),
                Some(block.header.pure.merkle_root),
                "{}",
                path.display()
            );
            assert!(!block.has_duplicate_txids());
            seen += 1;
        }
        assert!(seen >= 2, "expected the full-block vectors, found {seen}");
    }
}
