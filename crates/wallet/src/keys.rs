//! Keys: BIP39 mnemonics, the BIP32 master key, and the BIP84 (P2WPKH) and BIP86 (P2TR)
//! accounts derived from it.
//!
//! Every Venture wallet uses coin type 1' (SLIP-44's "any test network") and account 0':
//! a new chain has no registered coin type, and reusing Bitcoin's 0' would make the same
//! mnemonic produce the same keys on Bitcoin and on every Venture chain. Extended keys are
//! serialized with the test-network prefixes (`tprv`/`tpub`) to match.

use crate::WalletError;
use bip39::Mnemonic;
use bitcoin::bip32::{ChildNumber, DerivationPath, Xpriv, Xpub};
use bitcoin::secp256k1::{PublicKey, Secp256k1, Signing, Verification};
use bitcoin::{CompressedPublicKey, NetworkKind, ScriptBuf};
use rand::rngs::OsRng;
use rand::TryRngCore;
use std::fmt;
use std::str::FromStr;
use zeroize::Zeroizing;

/// SLIP-44 coin type of every Venture wallet: 1', test coins.
pub const COIN_TYPE: u32 = 1;
/// The account every Venture wallet uses.
pub const ACCOUNT: u32 = 0;

/// Which kind of output an address pays to.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum AddressKind {
    /// Native segwit v0 key hash (`…1q…`), BIP84 derivation; the default.
    #[default]
    P2wpkh,
    /// Taproot key path (`…1p…`), BIP86 derivation.
    P2tr,
}

impl AddressKind {
    /// Both kinds, in the order the wallet lists them.
    pub const ALL: [AddressKind; 2] = [AddressKind::P2wpkh, AddressKind::P2tr];

    /// The BIP43 purpose of the kind's derivation: 84 or 86.
    pub fn purpose(self) -> u32 {
        match self {
            AddressKind::P2wpkh => 84,
            AddressKind::P2tr => 86,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AddressKind::P2wpkh => "p2wpkh",
            AddressKind::P2tr => "p2tr",
        }
    }
}

impl fmt::Display for AddressKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AddressKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "p2wpkh" | "wpkh" | "bech32" => Ok(AddressKind::P2wpkh),
            "p2tr" | "tr" | "taproot" | "bech32m" => Ok(AddressKind::P2tr),
            other => Err(format!(
                "unknown address type `{other}` (use p2wpkh or p2tr)"
            )),
        }
    }
}

/// The two BIP44 chains of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Keychain {
    /// Addresses handed out to payers: `…/0/i`.
    Receive,
    /// Change outputs of the wallet's own transactions: `…/1/i`.
    Change,
}

impl Keychain {
    pub const ALL: [Keychain; 2] = [Keychain::Receive, Keychain::Change];

    pub fn index(self) -> u32 {
        match self {
            Keychain::Receive => 0,
            Keychain::Change => 1,
        }
    }
}

/// A fresh mnemonic of 12 or 24 English words from the operating system's randomness.
pub fn generate_mnemonic(words: usize) -> Result<Mnemonic, WalletError> {
    let entropy_len = match words {
        12 => 16,
        24 => 32,
        other => return Err(WalletError::WordCount(other)),
    };
    let mut entropy = Zeroizing::new([0u8; 32]);
    let entropy = entropy
        .get_mut(..entropy_len)
        .ok_or(WalletError::WordCount(words))?;
    OsRng
        .try_fill_bytes(entropy)
        .map_err(|e| WalletError::Random(e.to_string()))?;
    Mnemonic::from_entropy(entropy).map_err(|e| WalletError::Mnemonic(e.to_string()))
}

/// Parses an English mnemonic typed by a person: case and spacing do not matter, the
/// checksum does.
pub fn parse_mnemonic(text: &str) -> Result<Mnemonic, WalletError> {
    let normalized = Zeroizing::new(
        text.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" "),
    );
    Mnemonic::parse_in_normalized(bip39::Language::English, &normalized)
        .map_err(|e| WalletError::Mnemonic(e.to_string()))
}

/// The BIP32 master key of a mnemonic. The BIP39 passphrase is always empty: the wallet
/// passphrase encrypts the file, it does not change the keys, so the words alone restore
/// the wallet anywhere.
pub fn master_key(mnemonic: &Mnemonic) -> Result<Xpriv, WalletError> {
    let seed = Zeroizing::new(mnemonic.to_seed(""));
    Xpriv::new_master(NetworkKind::Test, seed.as_slice())
        .map_err(|e| WalletError::Key(e.to_string()))
}

/// `m/purpose'/coin_type'/account'`.
pub fn account_path(
    kind: AddressKind,
    coin_type: u32,
    account: u32,
) -> Result<DerivationPath, WalletError> {
    let hardened =
        |i| ChildNumber::from_hardened_idx(i).map_err(|e| WalletError::Key(e.to_string()));
    Ok(DerivationPath::from(vec![
        hardened(kind.purpose())?,
        hardened(coin_type)?,
        hardened(account)?,
    ]))
}

/// `…/chain/index` below an account.
pub fn child_path(keychain: Keychain, index: u32) -> Result<[ChildNumber; 2], WalletError> {
    let normal = |i| ChildNumber::from_normal_idx(i).map_err(|e| WalletError::Key(e.to_string()));
    Ok([normal(keychain.index())?, normal(index)?])
}

/// The account's extended public key: the hardened part of the derivation, which needs
/// the master private key.
pub fn account_xpub<C: Signing>(
    secp: &Secp256k1<C>,
    master: &Xpriv,
    kind: AddressKind,
    coin_type: u32,
) -> Result<Xpub, WalletError> {
    let path = account_path(kind, coin_type, ACCOUNT)?;
    let account = master
        .derive_priv(secp, &path)
        .map_err(|e| WalletError::Key(e.to_string()))?;
    Ok(Xpub::from_priv(secp, &account))
}

/// The public key at `…/chain/index` below an account key.
pub fn child_key<C: Verification>(
    secp: &Secp256k1<C>,
    account: &Xpub,
    keychain: Keychain,
    index: u32,
) -> Result<PublicKey, WalletError> {
    let child = account
        .derive_pub(secp, &child_path(keychain, index)?)
        .map_err(|e| WalletError::Key(e.to_string()))?;
    Ok(child.public_key)
}

/// The output script a key pays to: P2WPKH of the key, or P2TR with the key as internal
/// key and no script tree (BIP86).
pub fn output_script<C: Verification>(
    secp: &Secp256k1<C>,
    kind: AddressKind,
    key: &PublicKey,
) -> ScriptBuf {
    match kind {
        AddressKind::P2wpkh => ScriptBuf::new_p2wpkh(&CompressedPublicKey(*key).wpubkey_hash()),
        AddressKind::P2tr => ScriptBuf::new_p2tr(secp, key.x_only_public_key().0, None),
    }
}

/// The script at `m/purpose'/coin_type'/0'/chain/index` of a master key. Takes the coin
/// type so published BIP84/BIP86 vectors (coin type 0') can check the derivation.
pub fn derive_script<C: Signing + Verification>(
    secp: &Secp256k1<C>,
    master: &Xpriv,
    kind: AddressKind,
    coin_type: u32,
    keychain: Keychain,
    index: u32,
) -> Result<ScriptBuf, WalletError> {
    let account = account_xpub(secp, master, kind, coin_type)?;
    let key = child_key(secp, &account, keychain, index)?;
    Ok(output_script(secp, kind, &key))
}
