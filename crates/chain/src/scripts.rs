//! Signature checks for the output types Venture chains can spend: P2WPKH (ECDSA over
//! the BIP143 sighash) and P2TR key path (Schnorr over the BIP341 sighash). Sighashes
//! and signatures come from rust-bitcoin and libsecp256k1; nothing is hand-rolled.
//!
//! A block's transactions are checked in parallel on all cores.

use crate::BlockError;
use crate::Reject;
use bitcoin::hashes::{hash160, Hash};
use bitcoin::secp256k1::{self, Secp256k1, VerifyOnly};
use bitcoin::sighash::{Annex, Prevouts, SighashCache};
use bitcoin::{Transaction, TxOut, XOnlyPublicKey};
use rayon::prelude::*;
use std::sync::OnceLock;

fn secp() -> &'static Secp256k1<VerifyOnly> {
    static SECP: OnceLock<Secp256k1<VerifyOnly>> = OnceLock::new();
    SECP.get_or_init(Secp256k1::verification_only)
}

/// Below this many inputs a block is checked on the calling thread.
const PARALLEL_THRESHOLD: usize = 64;

/// Checks every non-coinbase transaction's inputs; `spent[i]` are the outputs the
/// inputs of `txs[i]` spend, in input order. Large blocks are checked on rayon's pool,
/// which stops at the first failure.
pub fn verify_block_scripts(txs: &[Transaction], spent: &[Vec<TxOut>]) -> Result<(), BlockError> {
    let pairs = txs.iter().zip(spent).filter(|(tx, _)| !tx.is_coinbase());
    let inputs: usize = spent.iter().map(Vec::len).sum();
    if inputs < PARALLEL_THRESHOLD {
        return pairs
            .clone()
            .try_for_each(|(tx, spent)| verify_transaction(tx, spent));
    }
    let pairs: Vec<(&Transaction, &Vec<TxOut>)> = pairs.collect();
    pairs
        .par_iter()
        .try_for_each(|(tx, spent)| verify_transaction(tx, spent))
}

/// Checks each input of `tx` against the output it spends.
pub fn verify_transaction(tx: &Transaction, spent: &[TxOut]) -> Result<(), BlockError> {
    if spent.len() != tx.input.len() {
        return Err(script_error(tx, 0, "spent outputs do not match inputs"));
    }
    let mut cache = SighashCache::new(tx);
    for (index, prevout) in spent.iter().enumerate() {
        let script = &prevout.script_pubkey;
        let result = if script.is_p2wpkh() {
            verify_p2wpkh(tx, &mut cache, index, prevout)
        } else if script.is_p2tr() {
            verify_p2tr_key_path(tx, &mut cache, index, spent)
        } else {
            Err("spends an output type this chain cannot verify (only P2WPKH and P2TR key-path spends are valid)".to_string())
        };
        result.map_err(|reason| script_error(tx, index, &reason))?;
    }
    Ok(())
}

fn script_error(tx: &Transaction, index: usize, reason: &str) -> BlockError {
    BlockError::new(
        Reject::ScriptVerifyFailed,
        format!("input {index} of {}: {reason}", tx.compute_txid()),
    )
}

fn verify_p2wpkh(
    tx: &Transaction,
    cache: &mut SighashCache<&Transaction>,
    index: usize,
    prevout: &TxOut,
) -> Result<(), String> {
    let input = &tx.input[index];
    if !input.script_sig.is_empty() {
        return Err("witness program spend with a non-empty scriptSig".into());
    }
    let witness: Vec<&[u8]> = input.witness.iter().collect();
    let [sig_bytes, key_bytes] = witness.as_slice() else {
        return Err(format!(
            "P2WPKH witness must have 2 items, has {}",
            witness.len()
        ));
    };
    let key =
        bitcoin::PublicKey::from_slice(key_bytes).map_err(|e| format!("bad public key: {e}"))?;
    let program = &prevout.script_pubkey.as_bytes()[2..];
    if hash160::Hash::hash(key_bytes).as_byte_array() != program {
        return Err("public key does not match the witness program".into());
    }
    let sig = bitcoin::ecdsa::Signature::from_slice(sig_bytes)
        .map_err(|e| format!("bad signature encoding: {e}"))?;
    let sighash = cache
        .p2wpkh_signature_hash(
            index,
            &prevout.script_pubkey,
            prevout.value,
            sig.sighash_type,
        )
        .map_err(|e| e.to_string())?;
    let msg = secp256k1::Message::from_digest(sighash.to_byte_array());
    // Consensus accepts high-S signatures (low-S is relay policy); libsecp256k1 only
    // verifies normalised ones.
    let mut signature = sig.signature;
    signature.normalize_s();
    secp()
        .verify_ecdsa(&msg, &signature, &key.inner)
        .map_err(|_| "signature does not verify".to_string())
}

fn verify_p2tr_key_path(
    tx: &Transaction,
    cache: &mut SighashCache<&Transaction>,
    index: usize,
    spent: &[TxOut],
) -> Result<(), String> {
    let input = &tx.input[index];
    if !input.script_sig.is_empty() {
        return Err("witness program spend with a non-empty scriptSig".into());
    }
    let mut items: Vec<&[u8]> = input.witness.iter().collect();
    // BIP341: with two or more items, a last item starting 0x50 is the annex.
    let annex = match items.as_slice() {
        [.., last] if items.len() >= 2 && last.first() == Some(&0x50) => {
            let annex = Annex::new(last).map_err(|e| e.to_string())?;
            items.pop();
            Some(annex)
        }
        _ => None,
    };
    let [sig_bytes] = items.as_slice() else {
        return Err(
            "taproot script-path spends are not supported; only key-path spends are valid".into(),
        );
    };
    // BIP341: a 65-byte signature names its hash type explicitly, and 0x00
    // (SIGHASH_DEFAULT) is only valid implied by a 64-byte one; allowing both encodings
    // would let anyone change the transaction's wtxid.
    if sig_bytes.len() == 65 && sig_bytes[64] == 0x00 {
        return Err("65-byte Schnorr signature with hash type 0x00 (BIP341 requires 64 bytes for SIGHASH_DEFAULT)".into());
    }
    let sig = bitcoin::taproot::Signature::from_slice(sig_bytes)
        .map_err(|e| format!("bad Schnorr signature: {e}"))?;
    let key = XOnlyPublicKey::from_slice(&spent[index].script_pubkey.as_bytes()[2..])
        .map_err(|e| format!("bad taproot output key: {e}"))?;
    let sighash = cache
        .taproot_signature_hash(index, &Prevouts::All(spent), annex, None, sig.sighash_type)
        .map_err(|e| e.to_string())?;
    let msg = secp256k1::Message::from_digest(sighash.to_byte_array());
    secp()
        .verify_schnorr(&sig.signature, &msg, &key)
        .map_err(|_| "signature does not verify".to_string())
}
