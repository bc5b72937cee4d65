//! The wallet: a mnemonic's two accounts (BIP84 P2WPKH and BIP86 P2TR), their address
//! indices and the file they live in.
//!
//! An encrypted wallet opens locked: the account public keys are stored in the clear, so
//! handing out addresses and watching coins needs no passphrase; signing does. Unlocking
//! checks the decrypted mnemonic reproduces the stored public keys, so a tampered public
//! part is caught before anything is signed.

use crate::crypto;
use crate::descriptor::account_descriptor;
use crate::file::{self, corrupt, AccountRecord, SeedRecord, WalletFile};
use crate::keys::{
    account_path, account_xpub, child_key, master_key, output_script, AddressKind, Keychain,
    COIN_TYPE,
};
use crate::WalletError;
use bip39::Mnemonic;
use bitcoin::bip32::{DerivationPath, Fingerprint, KeySource, Xpriv, Xpub};
use bitcoin::secp256k1::{All, PublicKey, Secp256k1};
use bitcoin::{Script, ScriptBuf};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use venture_primitives::{script_to_address, Hrp};
use zeroize::Zeroizing;

/// Unused addresses watched past the last used one on each chain (BIP44's gap limit).
pub const GAP_LIMIT: u32 = 20;
/// The highest address index the wallet hands out; also bounds how much work a wallet
/// file can ask for when its scripts are listed.
pub const MAX_INDEX: u32 = 100_000;
/// Length the mnemonic is padded to before encryption: more than the longest English
/// 24-word phrase (24 × 8 letters and 23 spaces).
const SEALED_PHRASE_LEN: usize = 256;
/// How far past the used indices signing looks for a coin's key.
const SIGNING_SEARCH: u32 = 1_000;

/// Where a script of the wallet comes from.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub kind: AddressKind,
    pub keychain: Keychain,
    pub index: u32,
    pub key: PublicKey,
    pub source: KeySource,
}

#[derive(Debug, Clone)]
struct Account {
    kind: AddressKind,
    path: DerivationPath,
    xpub: Xpub,
    next_receive: u32,
    next_change: u32,
}

impl Account {
    fn next(&self, keychain: Keychain) -> u32 {
        match keychain {
            Keychain::Receive => self.next_receive,
            Keychain::Change => self.next_change,
        }
    }

    fn next_mut(&mut self, keychain: Keychain) -> &mut u32 {
        match keychain {
            Keychain::Receive => &mut self.next_receive,
            Keychain::Change => &mut self.next_change,
        }
    }
}

/// An open wallet. Changes to address indices are written to its file at once.
pub struct Wallet {
    path: PathBuf,
    hrp: Hrp,
    fingerprint: Fingerprint,
    seed: SeedRecord,
    /// One per [`AddressKind::ALL`], in that order.
    accounts: Vec<Account>,
    /// The master key, when the wallet is unlocked.
    master: Option<Xpriv>,
    secp: Secp256k1<All>,
}

impl fmt::Debug for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wallet")
            .field("path", &self.path)
            .field("hrp", &self.hrp.as_str())
            .field("fingerprint", &self.fingerprint)
            .field("encrypted", &self.is_encrypted())
            .field("locked", &self.is_locked())
            .finish()
    }
}

impl Wallet {
    /// Creates `dir/wallet.json` with a new mnemonic of `words` (12 or 24) words,
    /// encrypted under `passphrase` if one is given. Returns the mnemonic so the caller
    /// can show it once for backup. Refuses to replace an existing wallet.
    pub fn create(
        dir: &Path,
        hrp: &Hrp,
        passphrase: Option<&str>,
        words: usize,
    ) -> Result<(Wallet, Mnemonic), WalletError> {
        let mnemonic = crate::keys::generate_mnemonic(words)?;
        let wallet = Wallet::from_mnemonic(dir, hrp, &mnemonic, passphrase)?;
        Ok((wallet, mnemonic))
    }

    /// Creates `dir/wallet.json` from an existing mnemonic (any BIP39 English length).
    /// Address indices start at zero; [`Wallet::mark_used`] moves them past coins found.
    pub fn restore(
        dir: &Path,
        hrp: &Hrp,
        mnemonic: &str,
        passphrase: Option<&str>,
    ) -> Result<Wallet, WalletError> {
        let mnemonic = crate::keys::parse_mnemonic(mnemonic)?;
        Wallet::from_mnemonic(dir, hrp, &mnemonic, passphrase)
    }

    fn from_mnemonic(
        dir: &Path,
        hrp: &Hrp,
        mnemonic: &Mnemonic,
        passphrase: Option<&str>,
    ) -> Result<Wallet, WalletError> {
        if passphrase == Some("") {
            return Err(WalletError::EmptyPassphrase);
        }
        let path = file::wallet_path(dir);
        if path.exists() {
            return Err(WalletError::AlreadyExists(path));
        }
        std::fs::create_dir_all(dir).map_err(|source| WalletError::Io {
            action: "create the directory",
            path: dir.to_path_buf(),
            source,
        })?;
        let secp = Secp256k1::new();
        let master = master_key(mnemonic)?;
        let fingerprint = master.fingerprint(&secp);
        let accounts = AddressKind::ALL
            .iter()
            .map(|&kind| {
                Ok(Account {
                    kind,
                    path: account_path(kind, COIN_TYPE, crate::keys::ACCOUNT)?,
                    xpub: account_xpub(&secp, &master, kind, COIN_TYPE)?,
                    next_receive: 0,
                    next_change: 0,
                })
            })
            .collect::<Result<Vec<_>, WalletError>>()?;
        let phrase = Zeroizing::new(mnemonic.to_string());
        let seed = match passphrase {
            None => SeedRecord::Plain {
                mnemonic: phrase.to_string(),
            },
            Some(passphrase) => {
                // Padded with spaces to a fixed length, so the ciphertext's length says
                // nothing about the words; parsing ignores the spaces.
                let len = phrase.len().max(SEALED_PHRASE_LEN);
                let mut padded = Zeroizing::new(Vec::with_capacity(len));
                padded.extend_from_slice(phrase.as_bytes());
                padded.resize(len, b' ');
                let context = seal_context(hrp, fingerprint);
                SeedRecord::from_sealed(&crypto::seal(passphrase, &padded, &context)?)
            }
        };
        let wallet = Wallet {
            path,
            hrp: hrp.clone(),
            fingerprint,
            seed,
            accounts,
            master: Some(master),
            secp,
        };
        file::write(&wallet.path, &wallet.to_file(), true)?;
        Ok(wallet)
    }

    /// Opens `dir/wallet.json`, refusing a wallet made for another chain (`hrp`).
    /// Unencrypted wallets open unlocked. An encrypted wallet is unlocked with
    /// `passphrase`, or opens locked (addresses and watching only) without one.
    pub fn open(dir: &Path, hrp: &Hrp, passphrase: Option<&str>) -> Result<Wallet, WalletError> {
        let path = file::wallet_path(dir);
        let stored = file::read(&path)?;
        let mut wallet = Wallet::from_file(path, stored)?;
        if wallet.hrp != *hrp {
            return Err(WalletError::WrongChain {
                found: wallet.hrp.as_str().to_string(),
                expected: hrp.as_str().to_string(),
            });
        }
        match (&wallet.seed, passphrase) {
            (SeedRecord::Plain { mnemonic }, None) => {
                let mnemonic = crate::keys::parse_mnemonic(mnemonic)
                    .map_err(|e| corrupt(&wallet.path, format!("the stored mnemonic: {e}")))?;
                wallet.master = Some(wallet.check_master(&mnemonic)?);
            }
            (SeedRecord::Plain { .. }, Some(_)) => return Err(WalletError::NotEncrypted),
            (SeedRecord::Encrypted { .. }, Some(passphrase)) => wallet.unlock(passphrase)?,
            (SeedRecord::Encrypted { .. }, None) => {}
        }
        Ok(wallet)
    }

    /// Whether `dir` holds a wallet file.
    pub fn exists(dir: &Path) -> bool {
        file::wallet_path(dir).exists()
    }

    /// Decrypts the mnemonic so the wallet can sign. A wrong passphrase changes nothing.
    pub fn unlock(&mut self, passphrase: &str) -> Result<(), WalletError> {
        let sealed = self
            .seed
            .to_sealed()
            .map_err(|reason| corrupt(&self.path, reason))?
            .ok_or(WalletError::NotEncrypted)?;
        let plain = crypto::open(
            passphrase,
            &sealed,
            &seal_context(&self.hrp, self.fingerprint),
        )?;
        let phrase = std::str::from_utf8(&plain)
            .map_err(|_| corrupt(&self.path, "the decrypted mnemonic is not text"))?;
        let mnemonic = crate::keys::parse_mnemonic(phrase)
            .map_err(|e| corrupt(&self.path, format!("the decrypted mnemonic: {e}")))?;
        self.master = Some(self.check_master(&mnemonic)?);
        Ok(())
    }

    /// The master key of `mnemonic`, after checking it reproduces the stored fingerprint
    /// and account keys.
    fn check_master(&self, mnemonic: &Mnemonic) -> Result<Xpriv, WalletError> {
        let master = master_key(mnemonic)?;
        if master.fingerprint(&self.secp) != self.fingerprint {
            return Err(corrupt(
                &self.path,
                "the master fingerprint does not match the mnemonic",
            ));
        }
        for account in &self.accounts {
            if account_xpub(&self.secp, &master, account.kind, COIN_TYPE)? != account.xpub {
                return Err(corrupt(
                    &self.path,
                    format!(
                        "the {} account key does not match the mnemonic",
                        account.kind
                    ),
                ));
            }
        }
        Ok(master)
    }

    /// The wallet file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The chain's address prefix the wallet was made for.
    pub fn hrp(&self) -> &Hrp {
        &self.hrp
    }

    /// The BIP32 fingerprint of the master key (the key origin in descriptors and PSBTs).
    pub fn master_fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    pub fn is_encrypted(&self) -> bool {
        matches!(self.seed, SeedRecord::Encrypted { .. })
    }

    /// Whether signing needs [`Wallet::unlock`] first.
    pub fn is_locked(&self) -> bool {
        self.master.is_none()
    }

    /// A new receive address of `kind`; its index is saved before it is returned, so no
    /// address is ever handed out twice.
    pub fn new_address(&mut self, kind: AddressKind) -> Result<String, WalletError> {
        let index = self.account(kind)?.next_receive;
        if index >= MAX_INDEX {
            return Err(WalletError::IndexLimit);
        }
        let script = self.script_at(kind, Keychain::Receive, index)?;
        let address = self
            .address_of(&script)
            .ok_or_else(|| WalletError::Key(format!("script {script} has no address")))?;
        self.update(|wallet| {
            if let Some(account) = wallet.accounts.iter_mut().find(|a| a.kind == kind) {
                account.next_receive = index + 1;
            }
        })?;
        Ok(address)
    }

    /// The next unused change script of `kind`. Nothing is saved: after the transaction
    /// paying it is accepted, [`Wallet::mark_used`] moves past it.
    pub fn change_script(&self, kind: AddressKind) -> Result<ScriptBuf, WalletError> {
        let index = self.account(kind)?.next_change;
        if index >= MAX_INDEX {
            return Err(WalletError::IndexLimit);
        }
        self.script_at(kind, Keychain::Change, index)
    }

    /// Moves each chain's next index past the highest index among `scripts` (coins found
    /// by a scan, or change just paid). Looks `lookahead` past the current indices.
    /// Returns whether anything changed (and was saved): after a restore, call it with
    /// the scripts a scan found, then scan again until it returns `false`.
    pub fn mark_used(
        &mut self,
        scripts: &[ScriptBuf],
        lookahead: u32,
    ) -> Result<bool, WalletError> {
        let origins = self.origins(lookahead)?;
        let mut next: HashMap<(AddressKind, Keychain), u32> = HashMap::new();
        for script in scripts {
            if let Some(origin) = origins.get(script) {
                let entry = next.entry((origin.kind, origin.keychain)).or_default();
                *entry = (*entry).max(origin.index.saturating_add(1));
            }
        }
        let changed = next.iter().any(|(&(kind, keychain), &index)| {
            self.account(kind)
                .map(|account| index > account.next(keychain))
                .unwrap_or(false)
        });
        if changed {
            self.update(|wallet| {
                for account in &mut wallet.accounts {
                    for keychain in Keychain::ALL {
                        if let Some(&index) = next.get(&(account.kind, keychain)) {
                            let slot = account.next_mut(keychain);
                            *slot = (*slot).max(index.min(MAX_INDEX));
                        }
                    }
                }
            })?;
        }
        Ok(changed)
    }

    /// Every script the wallet may have coins at: both kinds, both chains, indices up to
    /// the next unused one plus `lookahead`. Scan these (`raw(HEX)` descriptors with
    /// `scantxoutset`) to find the wallet's coins.
    pub fn watched_scripts(&self, lookahead: u32) -> Result<Vec<ScriptBuf>, WalletError> {
        Ok(self.origins(lookahead)?.into_keys().collect())
    }

    /// The output script descriptors of the accounts: receive and change of P2WPKH, then
    /// of P2TR.
    pub fn descriptors(&self) -> Vec<String> {
        self.accounts
            .iter()
            .flat_map(|account| {
                Keychain::ALL.map(|keychain| {
                    account_descriptor(
                        account.kind,
                        self.fingerprint,
                        &account.path,
                        &account.xpub,
                        keychain,
                    )
                })
            })
            .collect()
    }

    /// The address of a script with this wallet's prefix, if it has one.
    pub fn address_of(&self, script: &Script) -> Option<String> {
        script_to_address(&self.hrp, script)
    }

    /// Where each watched script comes from.
    pub(crate) fn origins(
        &self,
        lookahead: u32,
    ) -> Result<HashMap<ScriptBuf, Origin>, WalletError> {
        let mut origins = HashMap::new();
        for account in &self.accounts {
            for keychain in Keychain::ALL {
                let end = account
                    .next(keychain)
                    .saturating_add(lookahead)
                    .min(MAX_INDEX);
                for index in 0..end {
                    let key = child_key(&self.secp, &account.xpub, keychain, index)?;
                    let mut path = account.path.clone();
                    for child in crate::keys::child_path(keychain, index)? {
                        path = path.child(child);
                    }
                    origins.insert(
                        output_script(&self.secp, account.kind, &key),
                        Origin {
                            kind: account.kind,
                            keychain,
                            index,
                            key,
                            source: (self.fingerprint, path),
                        },
                    );
                }
            }
        }
        Ok(origins)
    }

    /// The origin of each of `scripts`, looking well past the used indices; `None` for
    /// scripts that are not the wallet's.
    pub(crate) fn find_origins(
        &self,
        scripts: &[&Script],
    ) -> Result<Vec<Option<Origin>>, WalletError> {
        let mut origins = self.origins(GAP_LIMIT)?;
        if scripts.iter().any(|s| !origins.contains_key(*s)) {
            origins = self.origins(SIGNING_SEARCH)?;
        }
        Ok(scripts.iter().map(|s| origins.get(*s).cloned()).collect())
    }

    /// The master key, or [`WalletError::Locked`].
    pub(crate) fn master(&self) -> Result<&Xpriv, WalletError> {
        self.master.as_ref().ok_or(WalletError::Locked)
    }

    pub(crate) fn secp(&self) -> &Secp256k1<All> {
        &self.secp
    }

    fn account(&self, kind: AddressKind) -> Result<&Account, WalletError> {
        self.accounts
            .iter()
            .find(|a| a.kind == kind)
            .ok_or_else(|| corrupt(&self.path, format!("no {kind} account")))
    }

    fn script_at(
        &self,
        kind: AddressKind,
        keychain: Keychain,
        index: u32,
    ) -> Result<ScriptBuf, WalletError> {
        let key = child_key(&self.secp, &self.account(kind)?.xpub, keychain, index)?;
        Ok(output_script(&self.secp, kind, &key))
    }

    /// Applies `change` and saves; if saving fails the wallet in memory is left as it was.
    fn update(&mut self, change: impl FnOnce(&mut Wallet)) -> Result<(), WalletError> {
        let before = self.accounts.clone();
        change(self);
        let result = file::write(&self.path, &self.to_file(), false);
        if result.is_err() {
            self.accounts = before;
        }
        result
    }

    fn to_file(&self) -> WalletFile {
        WalletFile {
            format: file::FORMAT.to_string(),
            version: file::VERSION,
            hrp: self.hrp.as_str().to_string(),
            master_fingerprint: self.fingerprint.to_string(),
            seed: self.seed.clone(),
            accounts: self
                .accounts
                .iter()
                .map(|a| AccountRecord {
                    kind: a.kind,
                    path: format!("m/{}", a.path),
                    xpub: a.xpub.to_string(),
                    next_receive: a.next_receive,
                    next_change: a.next_change,
                })
                .collect(),
        }
    }

    /// Validates everything in a parsed file; the wallet comes back locked.
    fn from_file(path: PathBuf, stored: WalletFile) -> Result<Wallet, WalletError> {
        let hrp = Hrp::parse(&stored.hrp).map_err(|e| corrupt(&path, format!("hrp: {e}")))?;
        let fingerprint = Fingerprint::from_str(&stored.master_fingerprint)
            .map_err(|e| corrupt(&path, format!("master_fingerprint: {e}")))?;
        stored
            .seed
            .to_sealed()
            .map_err(|reason| corrupt(&path, reason))?;
        if stored.accounts.len() != AddressKind::ALL.len() {
            return Err(corrupt(
                &path,
                format!(
                    "{} accounts, expected one per address type",
                    stored.accounts.len()
                ),
            ));
        }
        let mut accounts = Vec::with_capacity(AddressKind::ALL.len());
        for kind in AddressKind::ALL {
            let record = stored
                .accounts
                .iter()
                .find(|a| a.kind == kind)
                .ok_or_else(|| corrupt(&path, format!("no {kind} account")))?;
            let expected = account_path(kind, COIN_TYPE, crate::keys::ACCOUNT)?;
            let account_path = DerivationPath::from_str(&record.path)
                .map_err(|e| corrupt(&path, format!("{kind} path: {e}")))?;
            if account_path != expected {
                return Err(corrupt(
                    &path,
                    format!("{kind} path is m/{account_path}, expected m/{expected}"),
                ));
            }
            let xpub = Xpub::from_str(&record.xpub)
                .map_err(|e| corrupt(&path, format!("{kind} xpub: {e}")))?;
            if xpub.depth != 3 {
                return Err(corrupt(&path, format!("{kind} xpub is not an account key")));
            }
            if record.next_receive > MAX_INDEX || record.next_change > MAX_INDEX {
                return Err(corrupt(
                    &path,
                    format!("{kind} address index is past {MAX_INDEX}"),
                ));
            }
            accounts.push(Account {
                kind,
                path: account_path,
                xpub,
                next_receive: record.next_receive,
                next_change: record.next_change,
            });
        }
        Ok(Wallet {
            path,
            hrp,
            fingerprint,
            seed: stored.seed,
            accounts,
            master: None,
            secp: Secp256k1::new(),
        })
    }
}

/// Authenticated with the sealed mnemonic: moving the ciphertext into another wallet file
/// (another chain, another key) makes it fail to open.
fn seal_context(hrp: &Hrp, fingerprint: Fingerprint) -> Vec<u8> {
    format!(
        "{}/{}/{}/{fingerprint}",
        file::FORMAT,
        file::VERSION,
        hrp.as_str()
    )
    .into_bytes()
}
