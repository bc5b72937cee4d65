//! Venture's wallet library: keys, addresses, coin selection and signing, with no
//! networking (the node's CLI feeds it coins from `scantxoutset` and broadcasts what it
//! signs).
//!
//! - Keys come from a BIP39 mnemonic (English, 12 or 24 words) through BIP32, in two
//!   accounts: BIP84 P2WPKH (the default) and BIP86 P2TR, both at coin type 1' and
//!   account 0' on every chain. Addresses are bech32/bech32m with the chain's prefix.
//! - The wallet lives in `wallet.json` in a directory the caller gives; with a
//!   passphrase the mnemonic is encrypted (scrypt, then ChaCha20-Poly1305).
//! - Coin selection is largest-first with change, exact weight prediction and dust
//!   handling; signing goes through a PSBT and rust-bitcoin's signer.

mod crypto;
mod descriptor;
mod error;
mod file;
mod keys;
mod psbt;
mod select;
mod spend;
mod units;
mod wallet;

pub use bip39::Mnemonic;
pub use descriptor::{descriptor_checksum, with_checksum};
pub use error::WalletError;
pub use file::{wallet_path, WALLET_FILE};
pub use keys::{
    account_path, derive_script, generate_mnemonic, master_key, parse_mnemonic, AddressKind,
    Keychain, ACCOUNT, COIN_TYPE,
};
pub use select::{
    input_prediction, select_coins, Balance, Maturity, Recipient, Selection, WalletUtxo,
};
pub use spend::{recipient, sign_p2wpkh_spend, SignedSpend};
pub use units::{
    amount_from_rpc_coins, fee_for_weight, fee_rate_from_coins_per_kvb, fee_rate_from_sat_per_kvb,
    fee_rate_from_sat_per_vb, format_coins, parse_coins, sat_per_vb,
};
pub use wallet::{Wallet, GAP_LIMIT, MAX_INDEX};
