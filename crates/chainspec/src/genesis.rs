//! The genesis block, built deterministically from the spec.

use crate::{split_into_tranches, ChainSpec, SpecError};
use bitcoin::block::{Header as PureHeader, Version};
use bitcoin::hashes::Hash;
use bitcoin::opcodes::all::OP_RETURN;
use bitcoin::script::Builder;
use bitcoin::{Amount, BlockHash, CompactTarget, Transaction, TxMerkleNode, TxOut};
use venture_pow::{decode_compact, Target};
use venture_primitives::{
    address_to_script, coinbase_script, coinbase_transaction, Block, Header, Hrp,
};

/// The base block version (BIP34/65/66 era) in the low byte of every version.
pub const BASE_VERSION: i32 = 4;

/// A block version carrying the chain id and, for merge-mined blocks, the AuxPoW flag.
/// Chain ids are validated to fit below bit 31, so the cast cannot change sign.
pub fn block_version(chain_id: u32, merge_mined: bool) -> i32 {
    venture_auxpow::version::compose(BASE_VERSION, chain_id as i32, merge_mined)
}

/// Builds the genesis block: a coinbase committing to the message at height 0 and a
/// header mined from nonce 0 upwards (or at the spec's nonce, which must then be valid).
pub fn build_genesis(spec: &ChainSpec) -> Result<Block, SpecError> {
    let coinbase = genesis_coinbase(spec)?;
    let mut header = PureHeader {
        version: Version::from_consensus(block_version(spec.consensus.chain_id, false)),
        prev_blockhash: BlockHash::all_zeros(),
        merkle_root: TxMerkleNode::from_raw_hash(coinbase.compute_txid().to_raw_hash()),
        time: spec.genesis.time,
        bits: CompactTarget::from_consensus(spec.genesis.bits.0),
        nonce: spec.genesis.nonce.unwrap_or(0),
    };
    let target = Target(decode_compact(spec.genesis.bits.0).value);
    let pow = spec.consensus.pow;
    let meets = |header: &PureHeader| {
        let bytes: [u8; 80] = bitcoin::consensus::encode::serialize(header)
            .try_into()
            .expect("a pure header is 80 bytes");
        target.is_met_by(&pow.hash(&bytes))
    };
    match spec.genesis.nonce {
        Some(nonce) if !meets(&header) => {
            return Err(SpecError::invalid(
                "genesis.nonce",
                format!(
                    "{nonce} does not solve the genesis header at bits {}",
                    spec.genesis.bits
                ),
            ))
        }
        Some(_) => {}
        None => {
            loop {
                if meets(&header) {
                    break;
                }
                header.nonce = header.nonce.checked_add(1).ok_or_else(|| {
                SpecError::invalid("genesis.bits", "no 32-bit nonce solves the genesis header; use easier bits or another time")
            })?;
            }
        }
    }
    Ok(Block {
        header: Header {
            pure: header,
            auxpow: None,
        },
        txdata: vec![coinbase],
    })
}

/// The genesis allocations as outputs with their unlock heights (0: spendable at
/// once), in spec order, each vesting allocation split into its tranches.
pub fn genesis_outputs(spec: &ChainSpec, hrp: &Hrp) -> Result<Vec<(TxOut, u32)>, SpecError> {
    let mut outputs = Vec::new();
    for (i, allocation) in spec.genesis.allocations.iter().enumerate() {
        let script_pubkey = address_to_script(hrp, &allocation.address).map_err(|e| {
            SpecError::invalid(format!("genesis.allocations[{i}].address"), e.to_string())
        })?;
        let tranches = match &allocation.vesting {
            Some(vesting) => split_into_tranches(allocation.amount, 0, vesting)
                .into_iter()
                .map(|t| (t.amount, t.unlock_height))
                .collect(),
            None => vec![(allocation.amount, 0)],
        };
        for (amount, unlock_height) in tranches {
            outputs.push((
                TxOut {
                    value: Amount::from_sat(amount),
                    script_pubkey: script_pubkey.clone(),
                },
                unlock_height,
            ));
        }
    }
    Ok(outputs)
}

/// The allocations' outputs in spec order, then a zero-value `OP_RETURN`.
fn genesis_coinbase(spec: &ChainSpec) -> Result<Transaction, SpecError> {
    let hrp = Hrp::parse(&spec.network.address_hrp)
        .map_err(|e| SpecError::invalid("network.address_hrp", e.to_string()))?;
    let mut output: Vec<TxOut> = genesis_outputs(spec, &hrp)?
        .into_iter()
        .map(|(txout, _)| txout)
        .collect();
    output.push(TxOut {
        value: Amount::ZERO,
        script_pubkey: Builder::new().push_opcode(OP_RETURN).into_script(),
    });
    if spec.genesis.message.len() > crate::validate::MAX_GENESIS_MESSAGE {
        return Err(SpecError::invalid("genesis.message", "too long"));
    }
    Ok(coinbase_transaction(
        1,
        coinbase_script(0, &[spec.genesis.message.as_bytes()]),
        output,
    ))
}
