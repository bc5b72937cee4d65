//! Published BIP39, BIP84 and BIP86 vectors. The BIP84/86 vectors use Bitcoin's coin
//! type 0' and the `bc` prefix; the derivation function takes the coin type, so the same
//! code that derives our coin type 1' paths is checked against them.

use bitcoin::bip32::Xpriv;
use bitcoin::secp256k1::Secp256k1;
use bitcoin::NetworkKind;
use venture_primitives::{script_to_address, Hrp};
use venture_wallet::{
    derive_script, master_key, parse_mnemonic, AddressKind, Keychain, Wallet, COIN_TYPE,
};

const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

/// Trezor's BIP39 vectors (passphrase "TREZOR"): words from entropy, seed, master key.
#[test]
fn bip39_vectors() {
    let cases = [
        (
            "00000000000000000000000000000000",
            ABANDON,
            "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04",
            "xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF",
        ),
        (
            "7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f",
            "legal winner thank year wave sausage worth useful legal winner thank yellow",
            "2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607",
            "xprv9s21ZrQH143K2gA81bYFHqU68xz1cX2APaSq5tt6MFSLeXnCKV1RVUJt9FWNTbrrryem4ZckN8k4Ls1H6nwdvDTvnV7zEXs2HgPezuVccsq",
        ),
        (
            "0000000000000000000000000000000000000000000000000000000000000000",
            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art",
            "bda85446c68413707090a52022edd26a1c9462295029f2e60cd7c4f2bbd3097170af7a4d73245cafa9c3cca8d561a7c3de6f5d4a10be8ed2a5e608d68f92fcc8",
            "xprv9s21ZrQH143K32qBagUJAMU2LsHg3ka7jqMcV98Y7gVeVyNStwYS3U7yVVoDZ4btbRNf4h6ibWpY22iRmXq35qgLs79f312g2kj5539ebPM",
        ),
    ];
    for (entropy, words, seed, xprv) in cases {
        // Typed carelessly: case and spacing do not matter.
        let sloppy = format!("  {}  ", words.to_uppercase().replace(' ', "   "));
        let mnemonic = parse_mnemonic(&sloppy).unwrap();
        assert_eq!(hex::encode(mnemonic.to_entropy()), entropy);
        assert_eq!(mnemonic.to_string(), words);
        let seed_bytes = mnemonic.to_seed("TREZOR");
        assert_eq!(hex::encode(seed_bytes), seed);
        let master = Xpriv::new_master(NetworkKind::Main, &seed_bytes).unwrap();
        assert_eq!(master.to_string(), xprv);
    }
    assert!(parse_mnemonic("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon").is_err());
    assert!(parse_mnemonic("abandon abandon notaword").is_err());
}

fn address(hrp: &str, kind: AddressKind, coin_type: u32, keychain: Keychain, index: u32) -> String {
    let secp = Secp256k1::new();
    let master = master_key(&parse_mnemonic(ABANDON).unwrap()).unwrap();
    let script = derive_script(&secp, &master, kind, coin_type, keychain, index).unwrap();
    script_to_address(&Hrp::parse(hrp).unwrap(), &script).unwrap()
}

/// BIP84's test vectors: m/84'/0'/0'/{0,1}/i.
#[test]
fn bip84_vectors() {
    let p2wpkh = AddressKind::P2wpkh;
    assert_eq!(
        address("bc", p2wpkh, 0, Keychain::Receive, 0),
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    );
    assert_eq!(
        address("bc", p2wpkh, 0, Keychain::Receive, 1),
        "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"
    );
    assert_eq!(
        address("bc", p2wpkh, 0, Keychain::Change, 0),
        "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"
    );
}

/// BIP86's test vectors: m/86'/0'/0'/{0,1}/i.
#[test]
fn bip86_vectors() {
    let p2tr = AddressKind::P2tr;
    assert_eq!(
        address("bc", p2tr, 0, Keychain::Receive, 0),
        "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"
    );
    assert_eq!(
        address("bc", p2tr, 0, Keychain::Receive, 1),
        "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh"
    );
    assert_eq!(
        address("bc", p2tr, 0, Keychain::Change, 0),
        "bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7"
    );
}

/// Our own path, m/84'/1'/0' and m/86'/1'/0', through the wallet: the addresses differ
/// from the coin type 0' ones and carry the chain's prefix.
#[test]
fn wallet_uses_coin_type_one() {
    let dir = tempfile::tempdir().unwrap();
    let hrp = Hrp::parse("vdev").unwrap();
    let mut wallet = Wallet::restore(dir.path(), &hrp, ABANDON, None).unwrap();
    let first = wallet.new_address(AddressKind::P2wpkh).unwrap();
    assert_eq!(
        first,
        address("vdev", AddressKind::P2wpkh, COIN_TYPE, Keychain::Receive, 0)
    );
    assert_ne!(
        first,
        address("vdev", AddressKind::P2wpkh, 0, Keychain::Receive, 0)
    );
    assert!(first.starts_with("vdev1q"), "{first}");
    let second = wallet.new_address(AddressKind::P2wpkh).unwrap();
    assert_eq!(
        second,
        address("vdev", AddressKind::P2wpkh, COIN_TYPE, Keychain::Receive, 1)
    );
    let taproot = wallet.new_address(AddressKind::P2tr).unwrap();
    assert_eq!(
        taproot,
        address("vdev", AddressKind::P2tr, COIN_TYPE, Keychain::Receive, 0)
    );
    assert!(taproot.starts_with("vdev1p"), "{taproot}");

    assert_eq!(wallet.master_fingerprint().to_string(), "73c5da0a");
    let descriptors = wallet.descriptors();
    assert_eq!(descriptors.len(), 4);
    assert!(
        descriptors[0].starts_with("wpkh([73c5da0a/84'/1'/0']tpub"),
        "{}",
        descriptors[0]
    );
    assert!(descriptors[1].contains("/1/*)#"), "{}", descriptors[1]);
    assert!(
        descriptors[2].starts_with("tr([73c5da0a/86'/1'/0']tpub"),
        "{}",
        descriptors[2]
    );
    for descriptor in &descriptors {
        let (body, checksum) = descriptor.split_once('#').unwrap();
        assert_eq!(
            venture_wallet::descriptor_checksum(body).as_deref(),
            Some(checksum)
        );
    }
    // The account key Bitcoin Core's testnet wallets show for this mnemonic.
    assert!(descriptors[0].contains(
        "tpubDC8msFGeGuwnKG9Upg7DM2b4DaRqg3CUZa5g8v2SRQ6K4NSkxUgd7HsL2XVWbVm39yBA4LAxysQAm397zwQSQoQgewGiYZqrA9DsP4zbQ1M/0/*"
    ));
    // …and its first testnet address, the same program under another prefix.
    assert_eq!(
        address("tb", AddressKind::P2wpkh, COIN_TYPE, Keychain::Receive, 0),
        "tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl"
    );
}
