//! Output script descriptors (BIP380–386) of the wallet's accounts, with their
//! checksums, so the accounts can be watched or re-imported by descriptor-aware tools.

use crate::keys::{AddressKind, Keychain};
use bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, Xpub};

/// Bitcoin Core's descriptor character set: a character's position is its value.
const INPUT_CHARSET: &str = concat!(
    "0123456789()[],'/*abcdefgh@:$%{}",
    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~",
    "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ "
);
const CHECKSUM_CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATOR: [u64; 5] = [
    0xf5dee51989,
    0xa9fdca3312,
    0x1bab10e32d,
    0x3706b1677a,
    0x644d626ffd,
];

fn polymod(checksum: u64, value: u64) -> u64 {
    let top = checksum >> 35;
    let mut checksum = ((checksum & 0x7_ffff_ffff) << 5) ^ value;
    for (i, generator) in GENERATOR.iter().enumerate() {
        if (top >> i) & 1 == 1 {
            checksum ^= generator;
        }
    }
    checksum
}

/// The eight-character BIP380 checksum of a descriptor, or `None` if it has a character
/// descriptors cannot contain.
pub fn descriptor_checksum(descriptor: &str) -> Option<String> {
    let mut checksum = 1u64;
    let mut classes = Vec::with_capacity(3);
    for c in descriptor.chars() {
        let position = INPUT_CHARSET.find(c)? as u64;
        checksum = polymod(checksum, position & 31);
        classes.push(position >> 5);
        if let [a, b, c] = classes[..] {
            checksum = polymod(checksum, a * 9 + b * 3 + c);
            classes.clear();
        }
    }
    match classes[..] {
        [a] => checksum = polymod(checksum, a),
        [a, b] => checksum = polymod(checksum, a * 3 + b),
        _ => {}
    }
    for _ in 0..8 {
        checksum = polymod(checksum, 0);
    }
    checksum ^= 1;
    Some(
        (0..8)
            .map(|i| char::from(CHECKSUM_CHARSET[((checksum >> (5 * (7 - i))) & 31) as usize]))
            .collect(),
    )
}

/// `descriptor#checksum`.
pub fn with_checksum(descriptor: &str) -> String {
    match descriptor_checksum(descriptor) {
        Some(checksum) => format!("{descriptor}#{checksum}"),
        None => descriptor.to_string(),
    }
}

/// `wpkh([fingerprint/84'/1'/0']tpub…/0/*)#checksum` or the `tr(…)` equivalent.
pub fn account_descriptor(
    kind: AddressKind,
    master: Fingerprint,
    account_path: &DerivationPath,
    xpub: &Xpub,
    keychain: Keychain,
) -> String {
    let origin: String = account_path
        .into_iter()
        .map(|child| match child {
            ChildNumber::Hardened { index } => format!("/{index}'"),
            ChildNumber::Normal { index } => format!("/{index}"),
        })
        .collect();
    let function = match kind {
        AddressKind::P2wpkh => "wpkh",
        AddressKind::P2tr => "tr",
    };
    with_checksum(&format!(
        "{function}([{master}{origin}]{xpub}/{}/*)",
        keychain.index()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// BIP380's examples.
    #[test]
    fn bip380_checksums() {
        assert_eq!(
            descriptor_checksum("raw(deadbeef)").as_deref(),
            Some("89f8spxm")
        );
        assert_eq!(descriptor_checksum("raw(deadbeef)\u{e9}"), None);
    }
}
