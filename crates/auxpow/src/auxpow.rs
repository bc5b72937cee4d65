//! The AuxPoW itself (Namecoin's `CAuxPow`) and its consensus encoding.
//!
//! Layout, as Namecoin serializes it: the parent coinbase as a merkle transaction (the
//! transaction with witness, `hashBlock`, the coinbase's merkle branch in the parent block,
//! `nIndex`), then the chain merkle branch, the chain index and the 80-byte parent header.

use bitcoin::block::Header;
use bitcoin::consensus::encode::{self, Decodable, Encodable};
use bitcoin::hashes::Hash;
use bitcoin::io::{Read, Write};
use bitcoin::{io, BlockHash, Transaction, TxMerkleNode, Txid};
use venture_pow::{PowAlgorithm, PowHash};

use crate::header::header_bytes;
use crate::merkle::check_merkle_branch;
use crate::{coinbase, script, CoinbaseCommitment};

/// A merged-mining proof: a parent block whose coinbase commits to our block hash.
///
/// Every serialized field is kept, even those Namecoin never checks (`hash_block`,
/// `coinbase_index`), so that real AuxPoWs re-encode to exactly the bytes they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuxPow {
    /// The parent block's coinbase transaction (may carry a witness).
    pub coinbase_tx: Transaction,
    /// `CMerkleTx::hashBlock`: never checked, filled in differently by different pools.
    /// Namecoin writes zeros here.
    pub hash_block: BlockHash,
    /// The coinbase's merkle branch up to the parent header's merkle root.
    pub coinbase_branch: Vec<TxMerkleNode>,
    /// `CMerkleTx::nIndex`: ignored by the check (Namecoin Core treats the coinbase as
    /// index 0 whatever this says), kept for round trips.
    pub coinbase_index: i32,
    /// The branch from our block hash up to the chain merkle root in the coinbase.
    pub chain_branch: Vec<TxMerkleNode>,
    /// Our slot in the chain merkle tree.
    pub chain_index: i32,
    /// The parent block header, whose proof of work counts for our block.
    pub parent_header: Header,
}

impl AuxPow {
    /// An AuxPoW as a pool assembles it: `hash_block` zero and `coinbase_index` 0, which
    /// is what Namecoin writes for those unused fields.
    pub fn new(
        coinbase_tx: Transaction,
        coinbase_branch: Vec<TxMerkleNode>,
        chain_branch: Vec<TxMerkleNode>,
        chain_index: i32,
        parent_header: Header,
    ) -> AuxPow {
        AuxPow {
            coinbase_tx,
            hash_block: BlockHash::all_zeros(),
            coinbase_branch,
            coinbase_index: 0,
            chain_branch,
            chain_index,
            parent_header,
        }
    }

    /// The coinbase's transaction id (without witness), the leaf of the coinbase branch.
    pub fn coinbase_txid(&self) -> Txid {
        self.coinbase_tx.compute_txid()
    }

    /// The coinbase as this AuxPoW serializes it: Bitcoin Core's format, with the witness
    /// if it has one.
    pub fn coinbase_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = coinbase::encode(&self.coinbase_tx, &mut bytes);
        bytes
    }

    /// Bytes of this AuxPoW's consensus serialization: what it adds to a block's size
    /// (see [`crate::MAX_AUXPOW_BYTES`]).
    pub fn serialized_size(&self) -> usize {
        encode::serialize(self).len()
    }

    /// The parent block's hash: sha256d of its 80-byte header.
    pub fn parent_hash(&self) -> BlockHash {
        self.parent_header.block_hash()
    }

    /// The parent header's proof-of-work hash under `algorithm` (scrypt for Litecoin
    /// parents, sha256d for Bitcoin parents).
    pub fn parent_pow_hash(&self, algorithm: PowAlgorithm) -> PowHash {
        algorithm.hash(&header_bytes(&self.parent_header))
    }

    /// The chain merkle root this AuxPoW claims for `aux_block_hash`.
    pub fn chain_merkle_root(&self, aux_block_hash: BlockHash) -> TxMerkleNode {
        let leaf = TxMerkleNode::from_byte_array(aux_block_hash.to_byte_array());
        check_merkle_branch(leaf, &self.chain_branch, self.chain_index)
    }

    /// Where the chain merkle root for `aux_block_hash` sits in the coinbase's first input
    /// script, if it is there (for inspection; [`AuxPow::check`] decides validity).
    pub fn locate_commitment(&self, aux_block_hash: BlockHash) -> Option<CoinbaseCommitment> {
        let input = self.coinbase_tx.input.first()?;
        script::locate_commitment(
            input.script_sig.as_bytes(),
            &self.chain_merkle_root(aux_block_hash),
        )
    }
}

impl Encodable for AuxPow {
    fn consensus_encode<W: Write + ?Sized>(&self, writer: &mut W) -> Result<usize, io::Error> {
        let mut len = coinbase::encode(&self.coinbase_tx, writer)?;
        len += self.hash_block.consensus_encode(writer)?;
        len += self.coinbase_branch.consensus_encode(writer)?;
        len += self.coinbase_index.consensus_encode(writer)?;
        len += self.chain_branch.consensus_encode(writer)?;
        len += self.chain_index.consensus_encode(writer)?;
        len += self.parent_header.consensus_encode(writer)?;
        Ok(len)
    }
}

impl Decodable for AuxPow {
    fn consensus_decode_from_finite_reader<R: Read + ?Sized>(
        reader: &mut R,
    ) -> Result<Self, encode::Error> {
        Ok(AuxPow {
            coinbase_tx: coinbase::decode(reader)?,
            hash_block: BlockHash::consensus_decode_from_finite_reader(reader)?,
            coinbase_branch: Vec::<TxMerkleNode>::consensus_decode_from_finite_reader(reader)?,
            coinbase_index: i32::consensus_decode_from_finite_reader(reader)?,
            chain_branch: Vec::<TxMerkleNode>::consensus_decode_from_finite_reader(reader)?,
            chain_index: i32::consensus_decode_from_finite_reader(reader)?,
            parent_header: Header::consensus_decode_from_finite_reader(reader)?,
        })
    }
}
