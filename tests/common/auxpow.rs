//! Merge-mining a node the way a pool does: a parent coinbase committing to the aux
//! block, a parent header solved at the aux block's target.
#![allow(dead_code)]

use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::consensus::encode;
use bitcoin::hashes::Hash;
use bitcoin::script::{Builder, PushBytesBuf};
use bitcoin::{Amount, BlockHash, CompactTarget, ScriptBuf, Transaction, TxMerkleNode, TxOut};
use serde_json::{json, Value};
use std::str::FromStr;
use venture_auxpow::{merkle_branch, merkle_root, AuxChain, AuxPow, MergedMiningCommitment};
use venture_pow::{PowAlgorithm, Target, U256};
use venture_primitives::coinbase_transaction;

/// A parent-chain coinbase committing to `commitment`, as a pool writes it.
pub fn parent_coinbase(commitment: &MergedMiningCommitment) -> Transaction {
    let mut push = PushBytesBuf::new();
    push.extend_from_slice(&commitment.script_bytes()).unwrap();
    let script_sig = Builder::new().push_int(500).push_slice(push).into_script();
    let output = TxOut {
        value: Amount::from_sat(50),
        script_pubkey: ScriptBuf::new(),
    };
    coinbase_transaction(1, script_sig, vec![output])
}

/// Builds a solved AuxPoW for the aux block `info` (a `createauxblock` reply).
pub fn auxpow_for(info: &Value) -> AuxPow {
    let hash = BlockHash::from_str(info["hash"].as_str().unwrap()).unwrap();
    let chain_id = info["chainid"].as_i64().unwrap() as i32;
    let mut target_le = [0u8; 32];
    target_le.copy_from_slice(&hex::decode(info["_target"].as_str().unwrap()).unwrap());
    let target = Target(U256::from_le_bytes(target_le));
    let commitment = MergedMiningCommitment::build(
        &[AuxChain {
            chain_id,
            block_hash: hash,
        }],
        7,
    )
    .unwrap();
    let coinbase = parent_coinbase(&commitment);
    // Two more transactions so the coinbase has a real merkle branch.
    let leaves = vec![
        TxMerkleNode::from_raw_hash(coinbase.compute_txid().to_raw_hash()),
        TxMerkleNode::from_byte_array([0xaa; 32]),
        TxMerkleNode::from_byte_array([0xbb; 32]),
    ];
    let mut parent = PureHeader {
        version: Version::from_consensus(0x2000_0000),
        prev_blockhash: BlockHash::from_byte_array([0x11; 32]),
        merkle_root: merkle_root(&leaves).unwrap(),
        time: 1_764_200_000,
        bits: CompactTarget::from_consensus(0x207fffff),
        nonce: 0,
    };
    loop {
        let bytes: [u8; 80] = encode::serialize(&parent).try_into().unwrap();
        if target.is_met_by(&PowAlgorithm::Sha256d.hash(&bytes)) {
            break;
        }
        parent.nonce += 1;
    }
    commitment
        .assemble(
            chain_id,
            coinbase,
            merkle_branch(&leaves, 0).unwrap(),
            parent,
        )
        .unwrap()
}

pub fn hex_of(auxpow: &AuxPow) -> String {
    hex::encode(encode::serialize(auxpow))
}

/// Mines one merge-mined block paying `address` through `createauxblock` and
/// `submitauxblock`; returns its hash.
pub fn merge_mine(node: &super::Node, address: &str) -> String {
    let info = node.rpc("createauxblock", json!([address]));
    let auxpow = hex_of(&auxpow_for(&info));
    assert_eq!(
        node.rpc("submitauxblock", json!([info["hash"], auxpow])),
        json!(true)
    );
    info["hash"].as_str().unwrap().to_string()
}
