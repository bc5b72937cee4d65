//! The wallet file, `wallet.json`: its JSON layout, validation of everything read from
//! it (a file is untrusted input), and atomic, owner-only writes.
//!
//! ```json
//! {
//!   "format": "venture-wallet",
//!   "version": 1,
//!   "hrp": "vdev",
//!   "master_fingerprint": "73c5da0a",
//!   "seed": {
//!     "encryption": "scrypt-chacha20poly1305",
//!     "scrypt": { "log_n": 15, "r": 8, "p": 1, "salt": "<32 bytes hex>" },
//!     "nonce": "<12 bytes hex>",
//!     "ciphertext": "<hex: the mnemonic, then the 16-byte tag>"
//!   },
//!   "accounts": [
//!     { "kind": "p2wpkh", "path": "m/84'/1'/0'", "xpub": "tpub…", "next_receive": 0, "next_change": 0 },
//!     { "kind": "p2tr", "path": "m/86'/1'/0'", "xpub": "tpub…", "next_receive": 0, "next_change": 0 }
//!   ]
//! }
//! ```
//!
//! Without a passphrase `seed` is `{ "encryption": "none", "mnemonic": "…" }`.

use crate::crypto::{Kdf, Sealed};
use crate::keys::AddressKind;
use crate::WalletError;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's name inside the directory the caller gives.
pub const WALLET_FILE: &str = "wallet.json";
/// The `format` field: tells a wallet file from any other JSON.
pub(crate) const FORMAT: &str = "venture-wallet";
/// The layout version this code reads and writes.
pub(crate) const VERSION: u32 = 1;
/// No wallet file is anywhere near this size; a larger one is not read into memory.
const MAX_FILE_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WalletFile {
    pub format: String,
    pub version: u32,
    pub hrp: String,
    pub master_fingerprint: String,
    pub seed: SeedRecord,
    pub accounts: Vec<AccountRecord>,
}

/// The mnemonic, in the clear or sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "encryption", deny_unknown_fields)]
pub(crate) enum SeedRecord {
    #[serde(rename = "none")]
    Plain { mnemonic: String },
    #[serde(rename = "scrypt-chacha20poly1305")]
    Encrypted {
        scrypt: ScryptRecord,
        nonce: String,
        ciphertext: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScryptRecord {
    pub log_n: u8,
    pub r: u32,
    pub p: u32,
    pub salt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountRecord {
    pub kind: AddressKind,
    pub path: String,
    pub xpub: String,
    pub next_receive: u32,
    pub next_change: u32,
}

impl SeedRecord {
    pub fn from_sealed(sealed: &Sealed) -> SeedRecord {
        SeedRecord::Encrypted {
            scrypt: ScryptRecord {
                log_n: sealed.kdf.log_n,
                r: sealed.kdf.r,
                p: sealed.kdf.p,
                salt: hex::encode(&sealed.kdf.salt),
            },
            nonce: hex::encode(&sealed.nonce),
            ciphertext: hex::encode(&sealed.ciphertext),
        }
    }

    /// The sealed form, checked: hex fields decode, parameters are within bounds.
    pub fn to_sealed(&self) -> Result<Option<Sealed>, String> {
        let SeedRecord::Encrypted {
            scrypt,
            nonce,
            ciphertext,
        } = self
        else {
            return Ok(None);
        };
        let decode =
            |field: &str, text: &str| hex::decode(text).map_err(|e| format!("seed.{field}: {e}"));
        let kdf = Kdf {
            log_n: scrypt.log_n,
            r: scrypt.r,
            p: scrypt.p,
            salt: decode("scrypt.salt", &scrypt.salt)?,
        };
        kdf.check()?;
        let nonce = decode("nonce", nonce)?;
        if nonce.len() != crate::crypto::NONCE_LEN {
            return Err(format!(
                "seed.nonce has {} bytes, not {}",
                nonce.len(),
                crate::crypto::NONCE_LEN
            ));
        }
        let ciphertext = decode("ciphertext", ciphertext)?;
        // A 24-word English mnemonic is under 220 bytes; the tag adds 16.
        if !(16..=1024).contains(&ciphertext.len()) {
            return Err(format!(
                "seed.ciphertext has an implausible length of {} bytes",
                ciphertext.len()
            ));
        }
        Ok(Some(Sealed {
            kdf,
            nonce,
            ciphertext,
        }))
    }
}

/// `dir/wallet.json`.
pub fn wallet_path(dir: &Path) -> PathBuf {
    dir.join(WALLET_FILE)
}

/// Reads and parses the file; the caller validates the contents.
pub(crate) fn read(path: &Path) -> Result<WalletFile, WalletError> {
    let io = |action, source| WalletError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(WalletError::NotFound(path.to_path_buf()))
        }
        Err(e) => return Err(io("read", e)),
    };
    if metadata.len() > MAX_FILE_BYTES {
        return Err(corrupt(
            path,
            format!(
                "{} bytes is far too large for a wallet file",
                metadata.len()
            ),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| io("read", e))?;
    // Read the version first, so a newer layout gets "upgrade" rather than "damaged".
    let version = serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| corrupt(path, e.to_string()))?
        .get("version")
        .and_then(serde_json::Value::as_u64);
    if let Some(found) = version.filter(|v| *v != u64::from(VERSION)) {
        return Err(WalletError::UnsupportedVersion {
            path: path.to_path_buf(),
            found: u32::try_from(found).unwrap_or(u32::MAX),
            supported: VERSION,
        });
    }
    let file: WalletFile = serde_json::from_str(&text).map_err(|e| corrupt(path, e.to_string()))?;
    if file.format != FORMAT {
        return Err(corrupt(
            path,
            format!("`format` is `{}`, not `{FORMAT}`", file.format),
        ));
    }
    Ok(file)
}

/// Writes the file atomically: a temporary file in the same directory, readable by the
/// owner only, flushed to disk, then renamed over the old one; a crash leaves either the
/// old file or the new one. With `create`, an existing wallet is never replaced.
pub(crate) fn write(path: &Path, file: &WalletFile, create: bool) -> Result<(), WalletError> {
    let io = |action, source| WalletError::Io {
        action,
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut text =
        serde_json::to_string_pretty(file).map_err(|e| io("encode", std::io::Error::other(e)))?;
    text.push('\n');
    // tempfile creates the file with mode 0600 on Unix.
    let mut temp = tempfile::Builder::new()
        .prefix(".wallet-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io("create a temporary file beside", e))?;
    temp.write_all(text.as_bytes())
        .map_err(|e| io("write", e))?;
    temp.as_file().sync_all().map_err(|e| io("flush", e))?;
    if create {
        temp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                WalletError::AlreadyExists(path.to_path_buf())
            } else {
                io("create", e.error)
            }
        })?;
    } else {
        temp.persist(path).map_err(|e| io("replace", e.error))?;
    }
    sync_dir(dir).map_err(|e| io("flush the directory of", e))
}

/// Makes the rename itself durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

pub(crate) fn corrupt(path: &Path, reason: impl Into<String>) -> WalletError {
    WalletError::Corrupt {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}
