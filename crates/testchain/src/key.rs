//! A key tests pay to and spend from, by P2WPKH or the taproot key path.

use bitcoin::hashes::Hash;
use bitcoin::key::{Keypair, TapTweak};
use bitcoin::secp256k1::{Message, Secp256k1, SecretKey};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache, TapSighashType};
use bitcoin::{
    absolute, Amount, CompressedPublicKey, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut,
    Witness,
};

/// A key made from a tag, with its P2WPKH output script.
pub struct TestKey {
    pub secret: SecretKey,
    /// Its P2WPKH output script.
    pub script: ScriptBuf,
}

impl TestKey {
    pub fn new(tag: u8) -> TestKey {
        let secret = SecretKey::from_slice(&[tag; 32]).unwrap();
        let script = ScriptBuf::new_p2wpkh(&public_key(&secret).wpubkey_hash());
        TestKey { secret, script }
    }

    pub fn p2wpkh(&self) -> ScriptBuf {
        self.script.clone()
    }

    pub fn p2tr(&self) -> ScriptBuf {
        let secp = Secp256k1::new();
        let (internal, _) = Keypair::from_secret_key(&secp, &self.secret).x_only_public_key();
        ScriptBuf::new_p2tr(&secp, internal, None)
    }

    /// An output of `sats` to its P2WPKH script.
    pub fn pay(&self, sats: u64) -> TxOut {
        TxOut {
            value: Amount::from_sat(sats),
            script_pubkey: self.script.clone(),
        }
    }

    /// Signs input `index` of `tx` (spending P2WPKH `prevout`) with SIGHASH_ALL.
    pub fn sign_p2wpkh(&self, tx: &mut Transaction, index: usize, prevout: &TxOut) {
        let sighash = SighashCache::new(&*tx)
            .p2wpkh_signature_hash(
                index,
                &prevout.script_pubkey,
                prevout.value,
                EcdsaSighashType::All,
            )
            .unwrap();
        let secp = Secp256k1::signing_only();
        let signature =
            secp.sign_ecdsa(&Message::from_digest(sighash.to_byte_array()), &self.secret);
        let signature = bitcoin::ecdsa::Signature::sighash_all(signature);
        tx.input[index].witness = Witness::p2wpkh(&signature, &public_key(&self.secret).0);
    }

    /// Signs input `index` of `tx` by the taproot key path with SIGHASH_DEFAULT and
    /// returns the 64-byte signature.
    pub fn sign_p2tr(&self, tx: &Transaction, index: usize, spent: &[TxOut]) -> Vec<u8> {
        let secp = Secp256k1::new();
        let sighash = SighashCache::new(tx)
            .taproot_key_spend_signature_hash(index, &Prevouts::All(spent), TapSighashType::Default)
            .unwrap();
        let keypair = Keypair::from_secret_key(&secp, &self.secret).tap_tweak(&secp, None);
        let signature = secp.sign_schnorr_no_aux_rand(
            &Message::from_digest(sighash.to_byte_array()),
            &keypair.to_keypair(),
        );
        signature.as_ref().to_vec()
    }

    /// A signed transaction spending `inputs` (outpoint and the P2WPKH output it
    /// spends) to `outputs`, final at any height.
    pub fn spend(&self, inputs: &[(OutPoint, TxOut)], outputs: Vec<TxOut>) -> Transaction {
        self.spend_locked(inputs, outputs, absolute::LockTime::ZERO)
    }

    /// As [`TestKey::spend`], with `lock_time` enforced (sequences below final).
    pub fn spend_locked(
        &self,
        inputs: &[(OutPoint, TxOut)],
        outputs: Vec<TxOut>,
        lock_time: absolute::LockTime,
    ) -> Transaction {
        let sequence = if lock_time == absolute::LockTime::ZERO {
            Sequence::MAX
        } else {
            Sequence::ENABLE_LOCKTIME_NO_RBF
        };
        let mut tx = Transaction {
            version: bitcoin::transaction::Version::TWO,
            lock_time,
            input: inputs
                .iter()
                .map(|(outpoint, _)| TxIn {
                    previous_output: *outpoint,
                    script_sig: ScriptBuf::new(),
                    sequence,
                    witness: Witness::new(),
                })
                .collect(),
            output: outputs,
        };
        for (index, (_, prevout)) in inputs.iter().enumerate() {
            self.sign_p2wpkh(&mut tx, index, prevout);
        }
        tx
    }

    /// Spends one output whole to `to`, less `fee`.
    pub fn spend_one(&self, input: &(OutPoint, TxOut), to: &TestKey, fee: u64) -> Transaction {
        self.spend(
            std::slice::from_ref(input),
            vec![to.pay(input.1.value.to_sat() - fee)],
        )
    }
}

fn public_key(secret: &SecretKey) -> CompressedPublicKey {
    CompressedPublicKey(secret.public_key(&Secp256k1::signing_only()))
}
