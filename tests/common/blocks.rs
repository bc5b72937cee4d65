//! Building blocks from a `getblocktemplate` reply, the way an external miner would,
//! so tests can submit valid and deliberately broken blocks.
#![allow(dead_code)]

use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::{Amount, BlockHash, CompactTarget, ScriptBuf, Transaction, TxMerkleNode, TxOut};
use serde_json::Value;
use std::str::FromStr;
use venture_pow::{PowAlgorithm, Target, U256};
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

/// The template fields a miner needs.
#[derive(Debug, Clone)]
pub struct Template {
    pub version: i32,
    pub prev: BlockHash,
    pub height: u32,
    pub bits: u32,
    pub time: u32,
    pub min_time: u32,
    pub coinbase_value: u64,
    pub target: Target,
}

impl Template {
    pub fn from_json(gbt: &Value) -> Template {
        let target_hex = gbt["target"].as_str().unwrap();
        let mut target = [0u8; 32];
        target.copy_from_slice(&hex::decode(target_hex).unwrap());
        Template {
            version: gbt["version"].as_i64().unwrap() as i32,
            prev: BlockHash::from_str(gbt["previousblockhash"].as_str().unwrap()).unwrap(),
            height: gbt["height"].as_u64().unwrap() as u32,
            bits: u32::from_str_radix(gbt["bits"].as_str().unwrap(), 16).unwrap(),
            time: gbt["curtime"].as_u64().unwrap() as u32,
            min_time: gbt["mintime"].as_u64().unwrap() as u32,
            coinbase_value: gbt["coinbasevalue"].as_u64().unwrap(),
            target: Target(U256::from_be_bytes(target)),
        }
    }

    /// A coinbase paying `value` with a scriptSig of `height push ‖ tag`.
    pub fn coinbase(&self, value: u64, tag: u8) -> Transaction {
        coinbase_with_script(coinbase_script(self.height, &[&[tag; 4]]), value)
    }

    /// An unsolved block with the given coinbase.
    pub fn block_with(&self, coinbase: Transaction) -> Block {
        let mut block = Block {
            header: Header {
                pure: PureHeader {
                    version: Version::from_consensus(self.version),
                    prev_blockhash: self.prev,
                    merkle_root: TxMerkleNode::all_zeros(),
                    time: self.time,
                    bits: CompactTarget::from_consensus(self.bits),
                    nonce: 0,
                },
                auxpow: None,
            },
            txdata: vec![coinbase],
        };
        block.header.pure.merkle_root = block.compute_merkle_root().unwrap();
        block
    }

    /// A valid, solved block.
    pub fn valid_block(&self, tag: u8) -> Block {
        let mut block = self.block_with(self.coinbase(self.coinbase_value, tag));
        solve(&mut block, &self.target);
        block
    }
}

pub fn coinbase_with_script(script_sig: ScriptBuf, value: u64) -> Transaction {
    let payout = TxOut {
        value: Amount::from_sat(value),
        script_pubkey: ScriptBuf::from_bytes([&[0x00, 0x14][..], &[0x22; 20][..]].concat()),
    };
    coinbase_transaction(2, script_sig, vec![payout])
}

fn pow_hash(header: &PureHeader) -> venture_pow::PowHash {
    let bytes: [u8; 80] = encode::serialize(header).try_into().unwrap();
    PowAlgorithm::Sha256d.hash(&bytes)
}

/// Finds a nonce meeting `target` (dev-chain targets take a couple of tries).
pub fn solve(block: &mut Block, target: &Target) {
    while !target.is_met_by(&pow_hash(&block.header.pure)) {
        block.header.pure.nonce += 1;
    }
}

/// Finds a nonce that does NOT meet `target`.
pub fn unsolve(block: &mut Block, target: &Target) {
    while target.is_met_by(&pow_hash(&block.header.pure)) {
        block.header.pure.nonce += 1;
    }
}

/// Recomputes the merkle root and solves again after a mutation.
pub fn reseal(block: &mut Block, target: &Target) {
    block.header.pure.merkle_root = block.compute_merkle_root().unwrap();
    block.header.pure.nonce = 0;
    solve(block, target);
}

pub fn to_hex(block: &Block) -> String {
    hex::encode(encode::serialize(block))
}
