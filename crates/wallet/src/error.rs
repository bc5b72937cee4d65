//! The crate's one error type.

use crate::units::format_coins;
use bitcoin::{Amount, OutPoint};
use std::path::PathBuf;
use thiserror::Error;

/// Why a wallet operation failed. Every variant leaves the wallet file as it was.
#[derive(Debug, Error)]
pub enum WalletError {
    #[error("no wallet at {0}; create one with `wallet create` or `wallet restore`")]
    NotFound(PathBuf),
    #[error("a wallet already exists at {0}; refusing to overwrite it")]
    AlreadyExists(PathBuf),
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the wallet file {path} is damaged: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "the wallet file {path} has format version {found}; this program reads version {supported}"
    )]
    UnsupportedVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("this wallet was made for the chain with address prefix `{found}`, not `{expected}`")]
    WrongChain { found: String, expected: String },
    #[error("wrong passphrase (or the encrypted seed in the wallet file is damaged)")]
    WrongPassphrase,
    #[error("the wallet is encrypted and locked: its passphrase is needed to sign")]
    Locked,
    #[error("this wallet is not encrypted; it needs no passphrase")]
    NotEncrypted,
    #[error(
        "the passphrase is empty; give a non-empty passphrase, or none for an unencrypted wallet"
    )]
    EmptyPassphrase,
    #[error("invalid mnemonic: {0}")]
    Mnemonic(String),
    #[error("a new mnemonic has 12 or 24 words, not {0}")]
    WordCount(usize),
    #[error("the operating system's random number generator failed: {0}")]
    Random(String),
    #[error("key derivation failed: {0}")]
    Key(String),
    #[error("encryption failed: {0}")]
    Crypto(String),
    #[error("every address index of this account is used")]
    IndexLimit,
    #[error(transparent)]
    Address(#[from] venture_primitives::PrimitivesError),
    #[error("{address} is a {kind} address, an output type this chain cannot spend; use a P2WPKH (`…1q…`) or P2TR (`…1p…`) address")]
    UnspendableAddress { address: String, kind: String },
    #[error("invalid amount `{text}`: {reason}")]
    InvalidAmount { text: String, reason: String },
    #[error("invalid fee rate: {0}")]
    InvalidFeeRate(String),
    #[error("amount {} is below the dust threshold of {} for that output", format_coins(*amount), format_coins(*threshold))]
    Dust { amount: Amount, threshold: Amount },
    #[error("a transaction needs at least one recipient")]
    NoRecipients,
    #[error("amounts add up to more than the largest possible amount")]
    AmountOverflow,
    #[error(
        "insufficient funds: {} plus a fee of about {} is needed, but only {} is spendable{}",
        format_coins(*needed),
        format_coins(*fee),
        format_coins(*spendable),
        immature_note(*immature)
    )]
    InsufficientFunds {
        needed: Amount,
        fee: Amount,
        spendable: Amount,
        immature: Amount,
    },
    #[error("coin {0} pays a script this wallet cannot sign for")]
    ForeignCoin(OutPoint),
    #[error("cannot sign input {index}: {reason}")]
    Sign { index: usize, reason: String },
    #[error("cannot build the transaction: {0}")]
    Psbt(String),
}

fn immature_note(immature: Amount) -> String {
    if immature == Amount::ZERO {
        String::new()
    } else {
        format!(
            " ({} more is immature coinbase, not yet spendable)",
            format_coins(immature)
        )
    }
}
