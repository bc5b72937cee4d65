//! The development account: a key everyone knows, so devnets can mine and spend
//! without setting up a wallet first (like Substrate's Alice). Never use it for value.

use bitcoin::hashes::{sha256, Hash};
use bitcoin::secp256k1::{Secp256k1, SecretKey};
use bitcoin::{CompressedPublicKey, ScriptBuf};
use venture_primitives::{script_to_address, Hrp};

/// The seed phrase the dev key is derived from, published on purpose.
pub const DEV_SEED: &str = "venture development account 0";

/// The dev account's secret key.
pub fn dev_secret_key() -> SecretKey {
    let digest = sha256::Hash::hash(DEV_SEED.as_bytes());
    // A sha256 digest is a valid secp256k1 scalar except with negligible probability,
    // and this one is fixed and known to be valid.
    SecretKey::from_slice(digest.as_byte_array()).expect("the dev seed hashes to a valid key")
}

/// The dev account's P2WPKH output script.
pub fn dev_script() -> ScriptBuf {
    let secp = Secp256k1::signing_only();
    let public = CompressedPublicKey(dev_secret_key().public_key(&secp));
    ScriptBuf::new_p2wpkh(&public.wpubkey_hash())
}

/// The dev account's address with the chain's prefix.
pub fn dev_address(hrp: &Hrp) -> String {
    script_to_address(hrp, &dev_script()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The dev spec's faucet allocation must belong to the dev account, or
    /// `ventured wallet faucet` could not spend it.
    #[test]
    fn the_dev_faucet_pays_the_dev_account() {
        let params = venture_chainspec::ChainParams::load("dev").unwrap();
        let address = dev_address(&params.hrp);
        assert!(
            params
                .spec
                .genesis
                .allocations
                .iter()
                .any(|a| a.address == address),
            "dev.toml's genesis allocations should pay {address}"
        );
    }
}
