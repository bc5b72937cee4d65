//! Consensus encodings from peers and pools: a block as gossiped and downloaded, a
//! header with its AuxPoW, an AuxPoW as `submitauxblock` takes it, and a transaction as
//! gossiped. Each is decoded as the node decodes it, re-encoded (the formats promise
//! byte-exact round trips, the project's AuxPoW coinbase codec included), compared with
//! rust-bitcoin's own decoder where the node uses its own (transactions: same result,
//! same value), and the values a node derives first are computed, so that no decoded
//! value can make them panic.

use super::{error_class, fingerprint, same_bytes, Bounds, InputKind, Mismatch, Target};
use crate::alloc;
use bitcoin::consensus::encode::{self, Decodable, MAX_VEC_SIZE};
use bitcoin::hashes::Hash;
use bitcoin::Transaction;
use std::mem::Discriminant;
use venture_auxpow::{
    check_auxpow_size, check_header_pow, AuxPow, AuxPowError, AuxPowParams, LegacyRule,
};
use venture_pow::{PowAlgorithm, Target as PowTarget, U256};
use venture_primitives::{deserialize_transaction, Block, Header};

/// The most a decoder may request for a length it has not read yet: rust-bitcoin caps
/// every up-front reservation at `MAX_VEC_SIZE` (4,000,000 bytes, a largest block).
pub const CLAIM_RESERVATION: usize = MAX_VEC_SIZE;

/// While decoding a block, the claimed script or witness element being read and the
/// reservations of the vectors around it (transactions, inputs, outputs: a quarter of
/// `MAX_VEC_SIZE` each) may be live together.
const NESTED_RESERVATIONS: usize = CLAIM_RESERVATION + 3 * (MAX_VEC_SIZE / 4);

/// What the bytes present may grow into: a witness of empty elements takes five bytes
/// of storage per input byte, rust-bitcoin reserves four more per element and grows its
/// buffer by doubling (old and new buffers both live while it moves); decoded inputs and
/// outputs take two to four times their encoding. 8 per byte for one buffer, 24 for all.
const SINGLE_PER_BYTE: usize = 8;
const LIVE_PER_BYTE: usize = 24;

pub const CONSENSUS_BOUNDS: Bounds = Bounds {
    single_base: CLAIM_RESERVATION,
    single_per_byte: SINGLE_PER_BYTE,
    live_base: NESTED_RESERVATIONS,
    live_per_byte: LIVE_PER_BYTE,
};

pub const BLOCK: Target = Target {
    name: "block",
    about: "a full block as peers gossip and serve it (header, AuxPoW when flagged, transactions)",
    kind: InputKind::Binary,
    max_len: 64 * 1024,
    bounds: CONSENSUS_BOUNDS,
    run: block,
};

pub const HEADER: Target = Target {
    name: "header",
    about: "a header with its AuxPoW, as in header sync; then Namecoin's structural checks",
    kind: InputKind::Binary,
    max_len: 32 * 1024,
    bounds: CONSENSUS_BOUNDS,
    run: header,
};

pub const AUXPOW: Target = Target {
    name: "auxpow",
    about: "submitauxblock's arguments from a pool: the block's chain id (4 bytes, little-endian) and hash (32), then the AuxPoW, size-checked before decoding",
    kind: InputKind::Binary,
    max_len: AUXPOW_PREFIX + venture_auxpow::MAX_AUXPOW_BYTES + 256,
    bounds: CONSENSUS_BOUNDS,
    run: auxpow,
};

/// Chain id and block hash before the AuxPoW in an `auxpow` input.
pub const AUXPOW_PREFIX: usize = 4 + 32;

pub const TRANSACTION: Target = Target {
    name: "transaction",
    about: "a Bitcoin-format transaction as gossiped to the mempool",
    kind: InputKind::Binary,
    max_len: 32 * 1024,
    bounds: CONSENSUS_BOUNDS,
    run: transaction,
};

fn block(data: &[u8]) -> Result<u64, Mismatch> {
    // As the validation worker decodes a gossiped or downloaded block.
    let decoded = encode::deserialize::<Block>(data);
    // rust-bitcoin's reading of the transactions after the header must agree.
    let mut rest = data;
    if let Ok(header) = Header::consensus_decode_from_finite_reader(&mut rest) {
        let agrees = alloc::exempt(|| {
            let theirs = encode::deserialize::<Vec<Transaction>>(rest);
            match (&decoded, theirs) {
                (Ok(block), Ok(txdata)) => block.header == header && block.txdata == txdata,
                (Err(_), Err(_)) => true,
                _ => false,
            }
        });
        if !agrees {
            return Err(Mismatch(
                "the block's transactions decode differently from rust-bitcoin's reading".into(),
            ));
        }
    }
    let block = match decoded {
        Ok(block) => block,
        Err(e) => return Ok(error_class("block", &e)),
    };
    same_bytes("block", data, &encode::serialize(&block))?;
    if block.serialized_size() != data.len() {
        return Err(Mismatch(
            "serialized_size differs from the decoded length".into(),
        ));
    }
    let _ = block.weight();
    let _ = block.compute_merkle_root();
    let _ = block.has_duplicate_txids();
    let structure = block
        .header
        .auxpow
        .as_deref()
        .map(|auxpow| auxpow_outcome(auxpow, &block.header));
    Ok(fingerprint((
        "block",
        block.txdata.len().min(4),
        structure,
        block
            .txdata
            .iter()
            .any(|tx| tx.input.iter().any(|i| !i.witness.is_empty())),
    )))
}

fn header(data: &[u8]) -> Result<u64, Mismatch> {
    let header: Header = match encode::deserialize(data) {
        Ok(header) => header,
        Err(e) => return Ok(error_class("header", &e)),
    };
    same_bytes("header", data, &encode::serialize(&header))?;
    if header.has_auxpow_flag() != header.auxpow.is_some() {
        return Err(Mismatch(
            "the AuxPoW flag and the AuxPoW disagree after decoding".into(),
        ));
    }
    // The full header check as header sync runs it, SHA-256d throughout (a scrypt parent
    // costs milliseconds per input and decides nothing about decoding).
    let params = AuxPowParams {
        chain_id: header.chain_id(),
        strict_chain_id: true,
        legacy: LegacyRule::Namecoin,
        native_pow: PowAlgorithm::Sha256d,
        parent_pow: PowAlgorithm::Sha256d,
        pow_limit: PowTarget(U256::MAX),
    };
    let checked = check_header_pow(&header, &params).map_err(|e| std::mem::discriminant(&e));
    let structure = header
        .auxpow
        .as_deref()
        .map(|auxpow| auxpow_outcome(auxpow, &header));
    Ok(fingerprint(("header", checked.err(), structure)))
}

fn auxpow(data: &[u8]) -> Result<u64, Mismatch> {
    let Some((prefix, data)) = data.split_first_chunk::<AUXPOW_PREFIX>() else {
        return Ok(fingerprint("auxpow prefix"));
    };
    let (chain_id, hash) = prefix.split_at(4);
    let chain_id = i32::from_le_bytes([chain_id[0], chain_id[1], chain_id[2], chain_id[3]]);
    let mut hash_bytes = [0u8; 32];
    hash_bytes.copy_from_slice(hash);
    let hash = bitcoin::BlockHash::from_byte_array(hash_bytes);
    // submitauxblock refuses an AuxPoW above the allowance before decoding it.
    if check_auxpow_size(data.len()).is_err() {
        return Ok(fingerprint("auxpow too large"));
    }
    let auxpow: AuxPow = match encode::deserialize(data) {
        Ok(auxpow) => auxpow,
        Err(e) => return Ok(error_class("auxpow", &e)),
    };
    same_bytes("auxpow", data, &encode::serialize(&auxpow))?;
    if auxpow.serialized_size() != data.len() || auxpow.coinbase_bytes().len() > data.len() {
        return Err(Mismatch(
            "AuxPoW sizes disagree with the decoded length".into(),
        ));
    }
    let outcome = auxpow
        .check(hash, chain_id, true)
        .map_err(|e| std::mem::discriminant(&e))
        .err();
    let _ = auxpow.locate_commitment(hash);
    let _ = auxpow.parent_pow_hash(PowAlgorithm::Sha256d);
    Ok(fingerprint(("auxpow", outcome)))
}

/// Namecoin's structural check of a decoded AuxPoW against the header carrying it: which
/// reason it fails for, if any.
fn auxpow_outcome(auxpow: &AuxPow, header: &Header) -> Option<Discriminant<AuxPowError>> {
    let _ = auxpow.locate_commitment(header.block_hash());
    auxpow
        .check(header.block_hash(), header.chain_id(), true)
        .map_err(|e| std::mem::discriminant(&e))
        .err()
}

fn transaction(data: &[u8]) -> Result<u64, Mismatch> {
    // As the transaction gossip handler and sendrawtransaction decode it.
    let decoded = deserialize_transaction(data);
    let agrees = alloc::exempt(
        || match (&decoded, encode::deserialize::<Transaction>(data)) {
            (Ok(ours), Ok(theirs)) => *ours == theirs,
            (Err(_), Err(_)) => true,
            _ => false,
        },
    );
    if !agrees {
        return Err(Mismatch(
            "the transaction decodes differently from rust-bitcoin's reading".into(),
        ));
    }
    let tx = match decoded {
        Ok(tx) => tx,
        Err(e) => return Ok(error_class("transaction", &e)),
    };
    same_bytes("transaction", data, &encode::serialize(&tx))?;
    if tx.total_size() != data.len() {
        return Err(Mismatch(
            "total_size differs from the decoded length".into(),
        ));
    }
    let _ = (
        tx.compute_txid(),
        tx.compute_wtxid(),
        tx.weight(),
        tx.vsize(),
    );
    let _ = tx.is_coinbase();
    let sigops = tx
        .output
        .iter()
        .map(|o| o.script_pubkey.count_sigops_legacy())
        .sum::<usize>();
    Ok(fingerprint((
        "transaction",
        tx.input.len().min(3),
        tx.output.len().min(3),
        tx.input.iter().any(|i| !i.witness.is_empty()),
        sigops.min(4),
    )))
}
