//! Encryption of the seed at rest: scrypt stretches the passphrase into a key with a
//! random salt, ChaCha20-Poly1305 encrypts and authenticates the mnemonic with a random
//! nonce. A wrong passphrase and a tampered file look the same: the tag does not verify.

use crate::WalletError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::rngs::OsRng;
use rand::TryRngCore;
use zeroize::Zeroizing;

/// scrypt cost of new wallets: N = 2^15, r = 8, p = 1 (32 MiB, a fraction of a second).
pub(crate) const DEFAULT_LOG_N: u8 = 15;
pub(crate) const DEFAULT_R: u32 = 8;
pub(crate) const DEFAULT_P: u32 = 1;
/// Bounds on the stored cost: a damaged or hostile file must not make opening the wallet
/// allocate gigabytes or run for hours. 2^20 × r 8 is 1 GiB, the most accepted.
pub(crate) const MAX_LOG_N: u8 = 20;
pub(crate) const MAX_R: u32 = 8;
pub(crate) const MAX_P: u32 = 4;
pub(crate) const SALT_LEN: usize = 32;
pub(crate) const NONCE_LEN: usize = 12;

/// The scrypt parameters and salt stored beside the ciphertext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kdf {
    pub log_n: u8,
    pub r: u32,
    pub p: u32,
    pub salt: Vec<u8>,
}

impl Kdf {
    /// Default cost and a fresh salt.
    pub fn new_random() -> Result<Kdf, WalletError> {
        Ok(Kdf {
            log_n: DEFAULT_LOG_N,
            r: DEFAULT_R,
            p: DEFAULT_P,
            salt: random_bytes(SALT_LEN)?,
        })
    }

    /// Refuses costs outside the bounds above and salts of the wrong size.
    pub fn check(&self) -> Result<(), String> {
        if !(10..=MAX_LOG_N).contains(&self.log_n)
            || !(1..=MAX_R).contains(&self.r)
            || !(1..=MAX_P).contains(&self.p)
        {
            return Err(format!(
                "scrypt parameters log_n={} r={} p={} are outside the accepted range",
                self.log_n, self.r, self.p
            ));
        }
        if self.salt.len() != SALT_LEN {
            return Err(format!(
                "the scrypt salt has {} bytes, not {SALT_LEN}",
                self.salt.len()
            ));
        }
        Ok(())
    }

    fn derive_key(&self, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, WalletError> {
        self.check().map_err(WalletError::Crypto)?;
        let params = scrypt::Params::new(self.log_n, self.r, self.p)
            .map_err(|e| WalletError::Crypto(e.to_string()))?;
        let mut key = Zeroizing::new([0u8; 32]);
        scrypt::scrypt(
            passphrase.as_bytes(),
            &self.salt,
            &params,
            key.as_mut_slice(),
        )
        .map_err(|e| WalletError::Crypto(e.to_string()))?;
        Ok(key)
    }
}

/// An encrypted secret as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sealed {
    pub kdf: Kdf,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// Encrypts `secret` under `passphrase`; `context` is authenticated but not encrypted,
/// binding the ciphertext to the wallet it belongs to.
pub(crate) fn seal(passphrase: &str, secret: &[u8], context: &[u8]) -> Result<Sealed, WalletError> {
    let kdf = Kdf::new_random()?;
    let key = kdf.derive_key(passphrase)?;
    let nonce = random_bytes(NONCE_LEN)?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_slice()));
    let ciphertext = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: context,
            },
        )
        .map_err(|e| WalletError::Crypto(e.to_string()))?;
    Ok(Sealed {
        kdf,
        nonce,
        ciphertext,
    })
}

/// Decrypts what [`seal`] made; a wrong passphrase, context or any changed byte gives
/// [`WalletError::WrongPassphrase`].
pub(crate) fn open(
    passphrase: &str,
    sealed: &Sealed,
    context: &[u8],
) -> Result<Zeroizing<Vec<u8>>, WalletError> {
    if sealed.nonce.len() != NONCE_LEN {
        return Err(WalletError::Crypto(format!(
            "the nonce has {} bytes, not {NONCE_LEN}",
            sealed.nonce.len()
        )));
    }
    let key = sealed.kdf.derive_key(passphrase)?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(key.as_slice()));
    cipher
        .decrypt(
            Nonce::from_slice(&sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad: context,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| WalletError::WrongPassphrase)
}

/// `len` bytes from the operating system's generator.
pub(crate) fn random_bytes(len: usize) -> Result<Vec<u8>, WalletError> {
    let mut bytes = vec![0u8; len];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| WalletError::Random(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let sealed = seal("correct horse", b"secret words", b"ctx").unwrap();
        assert_eq!(
            open("correct horse", &sealed, b"ctx").unwrap().as_slice(),
            b"secret words"
        );
        assert!(matches!(
            open("wrong", &sealed, b"ctx"),
            Err(WalletError::WrongPassphrase)
        ));
        assert!(matches!(
            open("correct horse", &sealed, b"other"),
            Err(WalletError::WrongPassphrase)
        ));
        let mut tampered = sealed.clone();
        if let Some(byte) = tampered.ciphertext.first_mut() {
            *byte ^= 1;
        }
        assert!(matches!(
            open("correct horse", &tampered, b"ctx"),
            Err(WalletError::WrongPassphrase)
        ));
        let mut costly = sealed;
        costly.kdf.log_n = 40;
        assert!(matches!(
            open("correct horse", &costly, b"ctx"),
            Err(WalletError::Crypto(_))
        ));
    }
}
