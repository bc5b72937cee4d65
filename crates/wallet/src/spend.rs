//! Building signed transactions: recipients from addresses, coin selection, an unsigned
//! transaction with change at a random position, then PSBT signing with either the
//! wallet's master key or a single raw key (the dev-chain faucet).

use crate::keys::AddressKind;
use crate::psbt::{self, InputSigning};
use crate::select::{select_coins, Maturity, Recipient, Selection, WalletUtxo};
use crate::{Wallet, WalletError};
use bitcoin::bip32::{DerivationPath, Fingerprint, KeySource};
use bitcoin::hashes::{hash160, Hash};
use bitcoin::secp256k1::{PublicKey, Secp256k1, SecretKey};
use bitcoin::transaction::Version;
use bitcoin::{
    absolute, Amount, CompressedPublicKey, FeeRate, NetworkKind, PrivateKey, Script, ScriptBuf,
    Sequence, Transaction, TxIn, TxOut, Witness,
};
use std::collections::BTreeMap;
use venture_primitives::{address_to_script, Hrp};

/// A signed transaction, ready for `sendrawtransaction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedSpend {
    pub tx: Transaction,
    /// Inputs minus outputs.
    pub fee: Amount,
    /// The change output, if there is one (its position in `tx.output` is random).
    pub change: Option<TxOut>,
    /// The coins spent.
    pub inputs: Vec<WalletUtxo>,
}

/// A payment of `amount` to `address`, which must be a P2WPKH or P2TR address of the
/// chain whose prefix is `hrp` and must not be dust.
pub fn recipient(hrp: &Hrp, address: &str, amount: Amount) -> Result<Recipient, WalletError> {
    let script_pubkey = address_to_script(hrp, address.trim())?;
    if !(script_pubkey.is_p2wpkh() || script_pubkey.is_p2tr()) {
        return Err(WalletError::UnspendableAddress {
            address: address.trim().to_string(),
            kind: describe_script(&script_pubkey),
        });
    }
    let threshold = script_pubkey.minimal_non_dust();
    if amount < threshold {
        return Err(WalletError::Dust { amount, threshold });
    }
    Ok(Recipient {
        script_pubkey,
        amount,
    })
}

fn describe_script(script: &Script) -> String {
    if script.is_p2wsh() {
        "P2WSH".to_string()
    } else {
        match script.witness_version() {
            Some(version) => format!(
                "segwit v{} ({}-byte program)",
                version.to_num(),
                script.len().saturating_sub(2)
            ),
            None => "non-segwit".to_string(),
        }
    }
}

impl Wallet {
    /// Selects among `utxos` (the wallet's coins, e.g. from a scan of
    /// [`Wallet::watched_scripts`]), pays `recipients` at `fee_rate` with change to the
    /// next change script of `change_kind`, and signs. The wallet must be unlocked.
    /// Nothing is saved: once the node accepts the transaction, pass the change script
    /// to [`Wallet::mark_used`].
    pub fn create_transaction(
        &self,
        utxos: &[WalletUtxo],
        recipients: &[Recipient],
        fee_rate: FeeRate,
        maturity: &Maturity,
        change_kind: AddressKind,
    ) -> Result<SignedSpend, WalletError> {
        let master = *self.master()?;
        let change_script = self.change_script(change_kind)?;
        let selection = select_coins(utxos, recipients, &change_script, fee_rate, maturity)?;
        let scripts: Vec<&Script> = selection
            .inputs
            .iter()
            .map(|u| u.txout.script_pubkey.as_script())
            .collect();
        let origins = self.find_origins(&scripts)?;
        let signing = selection
            .inputs
            .iter()
            .zip(origins)
            .map(|(utxo, origin)| {
                let origin = origin.ok_or(WalletError::ForeignCoin(utxo.outpoint))?;
                Ok(InputSigning {
                    spent: utxo.txout.clone(),
                    key: origin.key,
                    source: origin.source,
                })
            })
            .collect::<Result<Vec<_>, WalletError>>()?;
        finish(
            selection,
            recipients,
            change_script,
            &signing,
            &master,
            self.secp(),
        )
    }
}

/// Spends coins of a single P2WPKH key (e.g. the published dev-chain account that funds
/// a faucet): the same selection and PSBT path as the wallet, with `secret_key` as the
/// only key. Every coin in `utxos` must pay that key's P2WPKH script.
pub fn sign_p2wpkh_spend(
    secret_key: &SecretKey,
    utxos: &[WalletUtxo],
    recipients: &[Recipient],
    change_script: &Script,
    fee_rate: FeeRate,
    maturity: &Maturity,
) -> Result<SignedSpend, WalletError> {
    let secp = Secp256k1::new();
    let key = secret_key.public_key(&secp);
    let own_script = ScriptBuf::new_p2wpkh(&CompressedPublicKey(key).wpubkey_hash());
    if let Some(foreign) = utxos.iter().find(|u| u.txout.script_pubkey != own_script) {
        return Err(WalletError::ForeignCoin(foreign.outpoint));
    }
    let selection = select_coins(utxos, recipients, change_script, fee_rate, maturity)?;
    let source = bare_key_source(&key);
    let signing: Vec<InputSigning> = selection
        .inputs
        .iter()
        .map(|utxo| InputSigning {
            spent: utxo.txout.clone(),
            key,
            source: source.clone(),
        })
        .collect();
    let keys = BTreeMap::from([(
        bitcoin::PublicKey::new(key),
        PrivateKey::new(*secret_key, NetworkKind::Test),
    )]);
    finish(
        selection,
        recipients,
        change_script.to_owned(),
        &signing,
        &keys,
        &secp,
    )
}

/// The origin PSBTs give a key outside any BIP32 tree, as Bitcoin Core does: its own
/// fingerprint (the first four bytes of its hash160) and the empty path.
fn bare_key_source(key: &PublicKey) -> KeySource {
    let hash = hash160::Hash::hash(&key.serialize()).to_byte_array();
    let fingerprint = Fingerprint::from([hash[0], hash[1], hash[2], hash[3]]);
    (fingerprint, DerivationPath::master())
}

/// The unsigned transaction of a selection, signed with `keys`.
fn finish<K: bitcoin::psbt::GetKey>(
    selection: Selection,
    recipients: &[Recipient],
    change_script: ScriptBuf,
    signing: &[InputSigning],
    keys: &K,
    secp: &Secp256k1<bitcoin::secp256k1::All>,
) -> Result<SignedSpend, WalletError> {
    let mut output: Vec<TxOut> = recipients
        .iter()
        .map(|r| TxOut {
            value: r.amount,
            script_pubkey: r.script_pubkey.clone(),
        })
        .collect();
    let change = selection.change.map(|value| TxOut {
        value,
        script_pubkey: change_script,
    });
    if let Some(change) = &change {
        // A fixed position would tell every observer which output is the change.
        let position = rand::random_range(0..=output.len());
        output.insert(position, change.clone());
    }
    let unsigned = Transaction {
        version: Version::TWO,
        lock_time: absolute::LockTime::ZERO,
        input: selection
            .inputs
            .iter()
            .map(|utxo| TxIn {
                previous_output: utxo.outpoint,
                script_sig: ScriptBuf::new(),
                sequence: Sequence::MAX,
                witness: Witness::new(),
            })
            .collect(),
        output,
    };
    let psbt = psbt::build(unsigned, signing)?;
    let tx = psbt::sign_and_extract(psbt, keys, secp)?;
    Ok(SignedSpend {
        tx,
        fee: selection.fee,
        change,
        inputs: selection.inputs,
    })
}
