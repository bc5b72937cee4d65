//! Signing through a PSBT: the unsigned transaction goes into a `Psbt` with each input's
//! spent output and key origin, rust-bitcoin computes the sighashes and signs, and this
//! module finalizes the witnesses (P2WPKH and P2TR key path only) and extracts the
//! transaction.

use crate::WalletError;
use bitcoin::bip32::KeySource;
use bitcoin::psbt::{ExtractTxError, GetKey, Psbt, SigningKeys};
use bitcoin::secp256k1::{All, PublicKey, Secp256k1};
use bitcoin::{CompressedPublicKey, ScriptBuf, Transaction, Witness};
use std::collections::BTreeMap;

/// What the signer needs to know about one input besides the transaction.
#[derive(Debug, Clone)]
pub(crate) struct InputSigning {
    pub spent: bitcoin::TxOut,
    pub key: PublicKey,
    pub source: KeySource,
}

/// A PSBT for `tx` with every input's `witness_utxo` and key origin filled in: BIP32
/// derivation for P2WPKH, internal key and tap key origin for P2TR (BIP371).
pub(crate) fn build(tx: Transaction, inputs: &[InputSigning]) -> Result<Psbt, WalletError> {
    if tx.input.len() != inputs.len() {
        return Err(WalletError::Psbt(format!(
            "{} inputs but {} input descriptions",
            tx.input.len(),
            inputs.len()
        )));
    }
    let mut psbt = Psbt::from_unsigned_tx(tx).map_err(|e| WalletError::Psbt(e.to_string()))?;
    for (index, (slot, input)) in psbt.inputs.iter_mut().zip(inputs).enumerate() {
        let script = &input.spent.script_pubkey;
        if script.is_p2wpkh() {
            slot.bip32_derivation = BTreeMap::from([(input.key, input.source.clone())]);
        } else if script.is_p2tr() {
            let internal = input.key.x_only_public_key().0;
            slot.tap_internal_key = Some(internal);
            slot.tap_key_origins = BTreeMap::from([(internal, (Vec::new(), input.source.clone()))]);
        } else {
            return Err(WalletError::Sign {
                index,
                reason: format!("cannot sign for script {script}"),
            });
        }
        slot.witness_utxo = Some(input.spent.clone());
    }
    Ok(psbt)
}

/// Signs every input with keys from `keys`, finalizes and extracts the transaction.
/// Refuses if any input is left unsigned, and (as rust-bitcoin's extractor does) if the
/// fee rate is absurd.
pub(crate) fn sign_and_extract<K: GetKey>(
    mut psbt: Psbt,
    keys: &K,
    secp: &Secp256k1<All>,
) -> Result<Transaction, WalletError> {
    let signed = match psbt.sign(keys, secp) {
        Ok(signed) => signed,
        Err((_, errors)) => {
            let (index, error) = errors
                .into_iter()
                .next()
                .map(|(index, error)| (index, error.to_string()))
                .unwrap_or((0, "unknown signing error".into()));
            return Err(WalletError::Sign {
                index,
                reason: error,
            });
        }
    };
    for index in 0..psbt.inputs.len() {
        let used = match signed.get(&index) {
            Some(SigningKeys::Ecdsa(keys)) => !keys.is_empty(),
            Some(SigningKeys::Schnorr(keys)) => !keys.is_empty(),
            None => false,
        };
        if !used {
            return Err(WalletError::Sign {
                index,
                reason: "no key of this wallet matches it".into(),
            });
        }
    }
    finalize(&mut psbt)?;
    psbt.extract_tx().map_err(|e| match e {
        ExtractTxError::AbsurdFeeRate { fee_rate, .. } => WalletError::Psbt(format!(
            "refusing to pay an absurd fee rate of {} sat/vB",
            fee_rate.to_sat_per_vb_floor()
        )),
        other => WalletError::Psbt(other.to_string()),
    })
}

/// BIP174 finalizer for the two input types the chain can spend: builds each input's
/// witness from its signature and clears the fields a final input no longer carries.
fn finalize(psbt: &mut Psbt) -> Result<(), WalletError> {
    for (index, input) in psbt.inputs.iter_mut().enumerate() {
        let fail = |reason: &str| WalletError::Sign {
            index,
            reason: reason.to_string(),
        };
        let script: ScriptBuf = input
            .witness_utxo
            .as_ref()
            .map(|spent| spent.script_pubkey.clone())
            .ok_or_else(|| fail("no spent output"))?;
        let witness = if script.is_p2wpkh() {
            let (key, signature) = input
                .partial_sigs
                .iter()
                .find(|(key, _)| {
                    CompressedPublicKey::try_from(**key)
                        .map(|key| ScriptBuf::new_p2wpkh(&key.wpubkey_hash()) == script)
                        .unwrap_or(false)
                })
                .ok_or_else(|| fail("no signature by the key the output pays"))?;
            Witness::p2wpkh(signature, &key.inner)
        } else if script.is_p2tr() {
            let signature = input
                .tap_key_sig
                .ok_or_else(|| fail("no key-path signature"))?;
            Witness::p2tr_key_spend(&signature)
        } else {
            return Err(fail("not a P2WPKH or P2TR output"));
        };
        input.final_script_witness = Some(witness);
        input.partial_sigs.clear();
        input.sighash_type = None;
        input.bip32_derivation.clear();
        input.tap_key_sig = None;
        input.tap_internal_key = None;
        input.tap_key_origins.clear();
        input.tap_merkle_root = None;
    }
    Ok(())
}
