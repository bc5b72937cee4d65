//! BIP141's witness commitment, with Bitcoin Core's rules (`CheckWitnessMalleation`):
//! a block whose coinbase commits to its transactions' witnesses must match them, and
//! a block without a commitment must carry no witness data at all.

use crate::BlockError;
use crate::Reject;
use bitcoin::hashes::Hash;
use bitcoin::{Amount, ScriptBuf, TxOut, Witness};
use venture_primitives::Block;

/// `OP_RETURN PUSH36 aa21a9ed`: the start of a witness commitment output.
pub const WITNESS_COMMITMENT_MAGIC: [u8; 6] = [0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed];

/// The position of the commitment output in the coinbase (the last one, as in Core).
pub fn commitment_position(coinbase: &bitcoin::Transaction) -> Option<usize> {
    coinbase.output.iter().rposition(|o| {
        let bytes = o.script_pubkey.as_bytes();
        bytes.len() >= 38 && bytes[..6] == WITNESS_COMMITMENT_MAGIC
    })
}

/// The commitment for `block`'s transactions with `reserved` as the witness reserved
/// value (the coinbase's single 32-byte witness item).
pub fn witness_commitment(block: &Block, reserved: &[u8; 32]) -> Option<[u8; 32]> {
    let as_bitcoin = bitcoin::Block {
        header: block.header.pure,
        txdata: block.txdata.clone(),
    };
    let root = as_bitcoin.witness_root()?;
    Some(bitcoin::Block::compute_witness_commitment(&root, reserved).to_byte_array())
}

/// The witness reserved value this software commits with (BIP141 leaves it free; Core
/// uses zeros too).
pub const WITNESS_RESERVED_VALUE: [u8; 32] = [0; 32];

/// The coinbase output carrying `commitment`.
pub fn witness_commitment_output(commitment: &[u8; 32]) -> TxOut {
    TxOut {
        value: Amount::ZERO,
        script_pubkey: ScriptBuf::from_bytes([&WITNESS_COMMITMENT_MAGIC[..], commitment].concat()),
    }
}

/// Commits `block` to its transactions' witnesses: [`WITNESS_RESERVED_VALUE`] as the
/// coinbase witness and the commitment as the coinbase's last output.
pub fn add_witness_commitment(block: &mut Block) {
    let Some(commitment) = witness_commitment(block, &WITNESS_RESERVED_VALUE) else {
        return;
    };
    if let Some(coinbase) = block.txdata.first_mut() {
        if let Some(input) = coinbase.input.first_mut() {
            input.witness = Witness::from_slice(&[WITNESS_RESERVED_VALUE]);
        }
        coinbase.output.push(witness_commitment_output(&commitment));
    }
}

/// Failures are not held against the block hash: witnesses are not covered by it, so a
/// peer could have stripped or altered them.
pub fn check_witness_commitment(block: &Block) -> Result<(), BlockError> {
    let Some(coinbase) = block.txdata.first() else {
        return Ok(());
    };
    match commitment_position(coinbase) {
        Some(position) => {
            let witness: Vec<&[u8]> = coinbase
                .input
                .first()
                .map(|i| i.witness.iter().collect())
                .unwrap_or_default();
            let reserved: [u8; 32] = match witness.as_slice() {
                [only] => (*only).try_into().map_err(|_| nonce_size())?,
                _ => return Err(nonce_size()),
            };
            let expected = witness_commitment(block, &reserved);
            let found = &coinbase.output[position].script_pubkey.as_bytes()[6..38];
            if expected.as_ref().map(|c| &c[..]) != Some(found) {
                return Err(BlockError::new(
                    Reject::BadWitnessMerkleMatch,
                    "witness merkle commitment mismatch",
                ));
            }
            Ok(())
        }
        None => {
            let has_witness = block
                .txdata
                .iter()
                .any(|tx| tx.input.iter().any(|i| !i.witness.is_empty()));
            if has_witness {
                return Err(BlockError::new(
                    Reject::UnexpectedWitness,
                    "witness data in a block without a witness commitment",
                ));
            }
            Ok(())
        }
    }
}

fn nonce_size() -> BlockError {
    BlockError::new(
        Reject::BadWitnessNonceSize,
        "the coinbase witness must be a single 32-byte reserved value",
    )
}
