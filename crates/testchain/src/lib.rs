//! Test support shared by the crates above the chain (chain, mempool, mining, RPC):
//! native blocks built and solved by hand ([`native_block`]), AuxPoWs built and solved
//! the way a pool builds them, in any size a test asks for, and a key to pay and spend
//! with ([`TestKey`]).
//!
//! `venture-testkit` stays the leaf crate that locates the reference vectors (the
//! lowest crates' tests depend on it); what needs a chain spec lives here.

mod blocks;
mod key;

pub use blocks::{
    coinbase_output, dev_params, header_bytes, native_block, output, payout, seal, solve, unsolve,
    NextBlock, NOW,
};
pub use key::TestKey;

use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::hashes::Hash;
use bitcoin::{
    Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Sequence, Transaction, TxIn,
    TxMerkleNode, TxOut, Witness,
};
use venture_auxpow::{check_merkle_branch, AuxChain, AuxPow, MergedMiningCommitment};
use venture_chainspec::ChainParams;
use venture_primitives::Block;

/// The size of an AuxPoW: its parent coinbase's serialized length (0: as small as it
/// comes) and the lengths of its two merkle branches (a chain branch of 0: the block's
/// chain is the only one merge-mined).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuxPowShape {
    pub coinbase_bytes: usize,
    pub coinbase_branch: usize,
    pub chain_branch: usize,
}

/// The smallest AuxPoW: a bare parent coinbase alone in its block, one chain.
pub const MINIMAL_AUXPOW: AuxPowShape = AuxPowShape {
    coinbase_bytes: 0,
    coinbase_branch: 0,
    chain_branch: 0,
};

/// What a Bitcoin pool merge-mining a few chains sends: a 300-byte parent coinbase, the
/// coinbase's 12-level branch in a block of a few thousand transactions, and a 4-level
/// chain branch (934 bytes in all).
pub const REALISTIC_AUXPOW: AuxPowShape = AuxPowShape {
    coinbase_bytes: 300,
    coinbase_branch: 12,
    chain_branch: 4,
};

/// A parent coinbase committing to `commitment`, padded by its output's script to
/// serialize to exactly `bytes` when that is more than the bare minimum.
fn parent_coinbase(commitment: &MergedMiningCommitment, bytes: usize) -> Transaction {
    let mut script = bitcoin::script::Builder::new().push_int(7).into_bytes();
    script.push(44);
    script.extend_from_slice(&commitment.script_bytes());
    let mut coinbase = Transaction {
        version: bitcoin::transaction::Version::ONE,
        lock_time: bitcoin::absolute::LockTime::ZERO,
        input: vec![TxIn {
            previous_output: OutPoint::null(),
            script_sig: ScriptBuf::from_bytes(script),
            sequence: Sequence::MAX,
            witness: Witness::new(),
        }],
        output: vec![TxOut {
            value: Amount::from_sat(1),
            script_pubkey: ScriptBuf::new(),
        }],
    };
    let size = |tx: &Transaction| bitcoin::consensus::encode::serialize(tx).len();
    if bytes <= size(&coinbase) {
        return coinbase;
    }
    let mut padding = bytes - size(&coinbase);
    loop {
        let mut script = vec![0x6a];
        script.resize(padding + 1, 0xab);
        coinbase.output[0].script_pubkey = ScriptBuf::from_bytes(script);
        match size(&coinbase) {
            s if s == bytes => return coinbase,
            s if s > bytes => padding -= 1,
            _ => padding += 1,
        }
    }
}

/// A solved AuxPoW of `shape` committing to `block_hash` on the chain of `params`: the
/// parent header, timed `time`, meets the target of `bits` under the spec's parent
/// proof of work. A second chain fills the chain branch when it has any length.
pub fn solved_auxpow(
    params: &ChainParams,
    block_hash: BlockHash,
    bits: CompactTarget,
    time: u32,
    shape: AuxPowShape,
) -> AuxPow {
    let chain_id = params.spec.consensus.chain_id as i32;
    let mut chains = vec![AuxChain {
        chain_id,
        block_hash,
    }];
    if shape.chain_branch > 0 {
        // Ids equal modulo 2^(h-1) but not 2^h first separate in a tree of height h.
        chains.push(AuxChain {
            chain_id: chain_id + (1 << (shape.chain_branch - 1)),
            block_hash: BlockHash::from_byte_array([0x42; 32]),
        });
    }
    let commitment = MergedMiningCommitment::build(&chains, 0).unwrap();
    assert_eq!(commitment.tree_height as usize, shape.chain_branch);
    let coinbase = parent_coinbase(&commitment, shape.coinbase_bytes);
    let branch: Vec<TxMerkleNode> = (0..shape.coinbase_branch)
        .map(|i| TxMerkleNode::from_byte_array([i as u8 + 1; 32]))
        .collect();
    let leaf = TxMerkleNode::from_raw_hash(coinbase.compute_txid().to_raw_hash());
    let mut parent = PureHeader {
        version: Version::from_consensus(0x2000_0000),
        prev_blockhash: BlockHash::all_zeros(),
        merkle_root: check_merkle_branch(leaf, &branch, 0),
        time,
        bits,
        nonce: 0,
    };
    let target = venture_pow::Target::from_bits(bits.to_consensus(), &params.pow_limit).unwrap();
    let parent_pow = params.spec.merged_mining.as_ref().unwrap().parent_pow;
    loop {
        let bytes: [u8; 80] = bitcoin::consensus::encode::serialize(&parent)
            .try_into()
            .unwrap();
        if target.is_met_by(&parent_pow.hash(&bytes)) {
            break;
        }
        parent.nonce += 1;
    }
    commitment
        .assemble(chain_id, coinbase, branch, parent)
        .unwrap()
}

/// Merge-mines `block` with the smallest AuxPoW (its header must already carry the
/// merge-mined version).
pub fn attach_auxpow(block: &mut Block, params: &ChainParams) {
    attach_auxpow_shaped(block, params, MINIMAL_AUXPOW);
}

/// Merge-mines `block` with an AuxPoW of `shape`.
pub fn attach_auxpow_shaped(block: &mut Block, params: &ChainParams, shape: AuxPowShape) {
    let auxpow = solved_auxpow(
        params,
        block.block_hash(),
        block.header.pure.bits,
        block.header.pure.time,
        shape,
    );
    if shape.coinbase_bytes > 0 {
        assert_eq!(auxpow.coinbase_bytes().len(), shape.coinbase_bytes);
    }
    block.header.auxpow = Some(Box::new(auxpow));
}
