//! Native blocks built and solved by hand on the built-in dev spec, for the tests of
//! every crate that feeds blocks to a chain database.
//!
//! Nothing here takes a `Chain` (this crate sits below the chain's own tests): callers
//! pass what the chain says the next block must be, as [`NextBlock`].

use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::hashes::Hash;
use bitcoin::{
    Amount, BlockHash, CompactTarget, OutPoint, ScriptBuf, Transaction, TxMerkleNode, TxOut,
    Witness,
};
use std::sync::Arc;
use venture_chainspec::{block_version, ChainParams};
use venture_primitives::{coinbase_script, coinbase_transaction, Block, Header};

/// Seconds since the Unix epoch that test chains' clocks stand at: far enough ahead
/// that quickly built timestamps are never "too new".
pub const NOW: u32 = 1_900_000_000;

/// The dev chain: sha256d at the easiest target, coinbase maturity 20.
pub fn dev_params() -> Arc<ChainParams> {
    Arc::new(ChainParams::load("dev").unwrap())
}

/// A P2WPKH-shaped payout script that nobody can spend (tests of credits only).
pub fn payout(tag: u8) -> ScriptBuf {
    ScriptBuf::from_bytes([&[0x00, 0x14][..], &[tag; 20][..]].concat())
}

/// Where the next block goes: the fields of the chain's `next_block_context` that a
/// block's header and coinbase need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextBlock {
    pub prev_hash: BlockHash,
    pub height: u32,
    pub time: u32,
    pub bits: u32,
}

/// A native block after `next`: a coinbase whose script is the height and `tag`
/// (telling apart blocks of different test nodes at one height) and which pays
/// `outputs`, then `transactions`. When any of them has a witness, the coinbase commits
/// to the witnesses as BIP141 says (zero reserved value, commitment output last). The
/// merkle root is set; the proof of work is not (see [`solve`]).
pub fn native_block(
    params: &ChainParams,
    next: NextBlock,
    tag: &[u8],
    outputs: Vec<TxOut>,
    transactions: Vec<Transaction>,
) -> Block {
    let coinbase = coinbase_transaction(2, coinbase_script(next.height, &[tag]), outputs);
    let mut block = Block {
        header: Header {
            pure: PureHeader {
                version: Version::from_consensus(block_version(
                    params.spec.consensus.chain_id,
                    false,
                )),
                prev_blockhash: next.prev_hash,
                merkle_root: TxMerkleNode::all_zeros(),
                time: next.time,
                bits: CompactTarget::from_consensus(next.bits),
                nonce: 0,
            },
            auxpow: None,
        },
        txdata: std::iter::once(coinbase).chain(transactions).collect(),
    };
    commit_to_witnesses(&mut block);
    block.header.pure.merkle_root = block.compute_merkle_root().unwrap();
    block
}

/// BIP141, computed here rather than by the chain so that the chain's check of it is
/// tested against another implementation.
fn commit_to_witnesses(block: &mut Block) {
    let has_witness = block.txdata[1..]
        .iter()
        .any(|tx| tx.input.iter().any(|i| !i.witness.is_empty()));
    if !has_witness {
        return;
    }
    let reserved = [0u8; 32];
    let as_bitcoin = bitcoin::Block {
        header: block.header.pure,
        txdata: block.txdata.clone(),
    };
    let root = as_bitcoin.witness_root().unwrap();
    let commitment = bitcoin::Block::compute_witness_commitment(&root, &reserved);
    let coinbase = &mut block.txdata[0];
    coinbase.input[0].witness = Witness::from_slice(&[reserved]);
    coinbase.output.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: ScriptBuf::from_bytes(
            [&[0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed][..], &commitment[..]].concat(),
        ),
    });
}

/// Finds the first nonce from 0 whose native proof of work meets the header's bits.
pub fn solve(block: &mut Block, params: &ChainParams) {
    solve_until(block, params, true);
}

/// Finds the first nonce from 0 whose proof of work misses the header's bits (the dev
/// target is met by about half).
pub fn unsolve(block: &mut Block, params: &ChainParams) {
    solve_until(block, params, false);
}

fn solve_until(block: &mut Block, params: &ChainParams, met: bool) {
    let target =
        venture_pow::Target::from_bits(block.header.pure.bits.to_consensus(), &params.pow_limit)
            .unwrap();
    let pow = params.spec.consensus.pow;
    for nonce in 0.. {
        block.header.pure.nonce = nonce;
        if target.is_met_by(&pow.hash(&header_bytes(&block.header.pure))) == met {
            return;
        }
    }
}

/// Sets the merkle root (after a change to the transactions) and solves the block.
pub fn seal(block: &mut Block, params: &ChainParams) {
    if let Some(root) = block.compute_merkle_root() {
        block.header.pure.merkle_root = root;
    }
    solve(block, params);
}

/// The 80 bytes a proof of work hashes.
pub fn header_bytes(header: &PureHeader) -> [u8; 80] {
    bitcoin::consensus::encode::serialize(header)
        .try_into()
        .unwrap()
}

/// The first output of `block`'s coinbase, as an input for a spend.
pub fn coinbase_output(block: &Block) -> (OutPoint, TxOut) {
    output(&block.txdata[0], 0)
}

/// Output `vout` of `tx`, as an input for a spend.
pub fn output(tx: &Transaction, vout: u32) -> (OutPoint, TxOut) {
    (
        OutPoint {
            txid: tx.compute_txid(),
            vout,
        },
        tx.output[vout as usize].clone(),
    )
}
